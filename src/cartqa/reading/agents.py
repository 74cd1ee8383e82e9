"""Who does something the text says as an expertise: "a team of doctors *expert in the treatment of* toxic effects".

"Who at Humanitas takes care of the side effects?" names no one the sentence makes a subject:
the text says who by an expertise phrase ("expert in", "specialised in", "with competences in")
after the noun phrase of those who have it. That phrase answers when its complement names
what the question's verb acts on (most of the question's other words), and says the action:

- by a noun made from the verb, or from a verb of the same sense ("*treatment* of" for
  "treats", or for "deals with", which WordNet puts in one sense with treat), or one near it
  in meaning ("takes care" / "treatment");
- or, when the complement is the thing acted on itself ("expert in stem cell transplant"),
  by a question verb of handling ("handles", "deals with") or of the expertise itself
  ("specializes in").

Pure: works on a :class:`~cartqa.reading.question.Question`, a sentence and the
:class:`~cartqa.reading.grounding.CorpusView` (its noun phrases and thesaurus).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cartqa.corpus.text import STOPWORDS, stem, words
from cartqa.reading.grounding import CorpusView, Sentence, covers
from cartqa.reading.question import Question
from cartqa.reading.semantic import Related
from cartqa.reading.sentence_spans import Span

# Words saying someone is skilled in something ("experts in", "specialized in", "trained in")
SKILLED = r"(?:experts?|speciali[sz]ed|specialists?|skilled|trained|experienced|competent)"
_EXPERTISE = re.compile(rf"\b(?:{SKILLED}|responsible"
                        r"|(?:with|having)\s+(?:[\w-]+\s+)?(?:competences?|competencies|expertise|skills?))"
                        r"\s+(?:in|at|for|on|with)\s+(?:the\s+)?", re.I)
# Nouns made from verbs, and the verb they come from: "treatment" -> treat, "coordination" -> coordinate.
_DEVERBAL = re.compile(r"^([a-z]{3,}?)(?:ment|ation|ion|ance|ence|al|ing)$")
# "takes care" / "treatment" 0.38, "treats" / "treatment" 0.38; "deals" 0.26 and "handles" 0.16 are
# WordNet's to say; "takes care" / "apheresis" is 0.06.
ACTION_MEANING = 0.35
_HANDLING = ("handle", "treat")
# More than half of the question's other words in the complement, weighted by rarity: "side effects of CAR-T
# therapy" / "toxic collateral effects of the therapy" (effects, therapy), not "the *financing* of the therapy".
OBJECT_SHARE = 0.5
# ... each said, or said in like words ("harmful" / "toxic" 0.70; not "financing" / "treatment", 0.57)
OBJECT_MEANING = 0.6


def complement_after(text: str, start: int) -> str:
    """What follows ``start`` up to the next clause or the next coordinated phrase ("..., and a team of")."""
    return re.split(r"[,;:()]|\s+and\s+(?:a|an|two|three|the)\b", text[start:])[0]


def expert_agent(q: Question, s: Sentence, view: CorpusView, related: Related | None = None) -> Span | None:
    """The noun phrase before the expertise phrase that says what a who-question asks done, or None."""
    verb = q.subject_verb or q.predicate
    if q.answer_type != "NAME" or not verb or not view.phrases(s):
        return None
    verb_words = set(words(verb))
    named = {w for e in q.entities for w in e}
    objects = [(t, w) for t, w in zip(q.terms, q.term_words) if w not in verb_words and w not in named]
    best: tuple[float, Span] | None = None
    for m in _EXPERTISE.finditer(s.text):
        complement = complement_after(s.text, m.end())
        content = [w for w in words(complement) if w not in STOPWORDS]
        said = frozenset(stem(w) for w in content)
        weights = [view.idf(t) for t, _ in objects]
        share = sum(weight for (t, w), weight in zip(objects, weights)
                    if covers(t, said) or (related is not None and related(w, content) >= OBJECT_MEANING)
                    ) / (sum(weights) or 1.0)
        if share <= OBJECT_SHARE or not _acts(verb, m.group(), complement, view, related):
            continue
        agent = _agent(s, view, m.start())
        if agent and (best is None or share > best[0]):
            best = (share, (s, *agent))
    return best[1] if best else None


# Nouns that ask for an expertise: "what is the nurses' area of *expertise*", "what are they *specialists* in".
EXPERTISE_NOUNS = frozenset(stem(w) for w in "expertise expert experts specialty speciality specialism specialization "
                                              "competence competences skill skills".split())


def expertise_of(s: Sentence, view: CorpusView, holder: frozenset[str],
                 related: Related | None = None, holder_words: Sequence[str] = ()) -> Span | None:
    """What the holder the question names is expert in: "What is the *nurses'* area of expertise?" ->
    "apheresis" of "two teams of professional nurses with specific competences in apheresis", not the
    hematologists' "stem cell transplant" the same sentence lists first."""
    best, most = None, 0
    for m in _EXPERTISE.finditer(s.text):
        copula = re.search(r"\s+(?:is|are|was|were)\s+$", s.text[:m.start()])  # "A team of doctors *is* expert in"
        agent = _agent(s, view, m.start()) or (_agent(s, view, copula.start()) if copula else None)
        said = frozenset(stem(w) for w in words(s.text[agent[0]:agent[1]])) if agent else frozenset()
        # the holder named by most of the question's words: "the multidisciplinary *team* of *doctors*", not
        # "two *teams* of nurses"
        named = float(sum(covers(t, said) for t in holder))
        if related and agent:  # "the *physicians*": "a team of *doctors*", by meaning, in part
            agent_words = [w for w in words(s.text[agent[0]:agent[1]]) if w not in STOPWORDS]
            closeness = [related(w, agent_words) for w in holder_words if not covers(stem(w), said)]
            named += sum(c for c in closeness if c >= HOLDER_MEANING)
        start = m.end()
        end = start + len(complement_after(s.text, start).rstrip(" ."))
        if named > most and end > start:
            best, most = (s, start, end), named
    return best


# "physicians" / "doctors" (0.5 in MiniLM): a holder named by a word of like meaning
HOLDER_MEANING = 0.5
# "What are the doctors *experts in dealing with*?", "... *experts in managing* which problems?": a skill in doing
# something, whose object the question asks for (not who has it: "Which doctors are experts in ...")
_SKILL_IN_DOING = re.compile(rf"\b(?P<skill>{SKILLED})"
                             r"\s+(?:at|in|on)\s+(?P<verb>[a-z]{3,}ing)(?:\s+(?P<particle>with|of|for))?\b")


def asks_skill_object(q: Question) -> bool:
    """"What are the doctors experts in dealing with?": what someone is expert in doing, not who is."""
    return _skill_in_doing(q) is not None


def _skill_in_doing(q: Question) -> re.Match | None:
    folded = q.text.lower()
    m = _SKILL_IN_DOING.search(folded)
    if not m:
        return None
    # "(At Humanitas,) what are ...", or left at the end: "... experts in managing which problems?"
    asks_object = (re.search(r"\b(?:what|which)\b", folded[:m.start()])
                   or re.search(r"\b(?:what|which)(?: [\w-]+)?\W*$", folded))
    # a doing left at the end has the wh-phrase for its object, whatever a parser says ("which problems are ...")
    stranded = not folded[m.end():].strip(" ?.!")
    return m if asks_object and (not q.wh_subject or stranded) else None


def skill_object(q: Question, s: Sentence, view: CorpusView, related: Related | None = None) -> Span | None:
    """"What are the multidisciplinary doctors at Humanitas experts in dealing with?" -> "the treatment of
    toxic collateral effects of the therapy": the expertise the sentence gives the holder the question names,
    whatever verb the question does it with."""
    m = _skill_in_doing(q)
    if m is None:
        return None
    said = {stem(w) for w in words(m.group())} | {q.focus}
    holder = frozenset(t for t in q.terms if t not in said)
    holder_words = [w for t, w in zip(q.terms, q.term_words) if t in holder]
    found = expertise_of(s, view, holder, related, holder_words) if holder else None
    if found:  # "experts at *treating*": not "the *treatment* of", the noun of the very doing asked about
        doing = re.match(r"(?:the\s+)?([a-z]+)\s+of\s+", s.text[found[1]:found[2]])
        root = _DEVERBAL.match(doing.group(1)) if doing else None
        verb = m.group("verb")[:-3]
        if root and (stem(root.group(1)) == stem(verb) or view.same_action(verb, root.group(1))):
            return s, found[1] + doing.end(), found[2]
    return found


def _acts(verb: str, expertise: str, complement: str, view: CorpusView, related: Related | None) -> bool:
    """Does the complement of an expertise (or the expertise itself) say the question's action?"""
    head = next((w for w in words(complement) if w not in STOPWORDS), "")
    deverbal = _DEVERBAL.match(head)
    if deverbal:
        root = deverbal.group(1)
        return (stem(root) == stem(words(verb)[0]) or view.same_action(verb, root)
                or view.same_action(verb, root + "e")
                or (related is not None and related(verb, [head]) >= ACTION_MEANING))
    # "expert in *stem cell transplant*": the thing handled, so the verb must be one of handling,
    # or of the expertise ("specializes in" / "specialized in")
    return (any(view.same_action(verb, h) for h in _HANDLING)
            or stem(words(verb)[0]) in {stem(w) for w in words(expertise)})


def _agent(s: Sentence, view: CorpusView, end: int) -> tuple[int, int] | None:
    """The noun phrase ending at ``end`` ("hematologists" of "hematologists expert"), with the phrase
    it is the of-complement of ("a multidisciplinary team of doctors"), without its article."""
    text = s.text
    # the phrase that holds ``end`` or stops just before it ("doctors" before " expert")
    phrase = next(((a, b) for a, b in view.phrases(s) if a < end and not text[b:end].strip()), None)
    if phrase is None:
        return None
    start = phrase[0]
    of = re.search(r"\s+of\s+$", text[:start])
    outer = of and next(((a, b) for a, b in view.phrases(s) if b == of.start()), None)
    if outer:
        start = outer[0]
    article = re.match(r"(?:a|an|the)\s+", text[start:end], re.I)
    stop = start + len(text[start:end].rstrip())
    return (start + (article.end() if article else 0), stop) if stop > start else None
