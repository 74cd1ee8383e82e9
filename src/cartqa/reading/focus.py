"""Answers the wh-phrase names: the noun phrase headed by its noun, or the object of its preposition.

"What kind of cell *banks*" -> "allogeneic cell banks"; "*In* what are the hematologists
expert?" -> the object of "in" after "expert".
"""

from __future__ import annotations

import re

from cartqa.corpus.normalize import fold
from cartqa.corpus.text import STOPWORDS, stem, words
from cartqa.reading.agents import EXPERTISE_NOUNS, SKILLED, complement_after, expertise_of
from cartqa.reading.grounding import CorpusView, Sentence, covers, stems
from cartqa.reading.question import Question
from cartqa.reading.semantic import Related
from cartqa.reading.sentence_spans import (
    ADJECTIVE_OF_PLACE,
    DETERMINERS,
    PLACE_NOUNS,
    STOP_TOKENS,
    VAGUE,
    Span,
    Token,
    first_conjunct,
    is_new,
    new_words,
    phrase_at,
    phrase_tokens,
    token_run,
    tokenize,
)

FOCUS_MEANING = 0.40  # ... and a phrase to stand for "what kind of <noun>" without the noun


# ... and for "which <noun>": "cancers" / "tumours" 0.77, while "disease" / "prevention" is 0.39
WHICH_MEANING = 0.55


def focus_phrase(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str],
                  related: Related | None = None) -> Span | None:
    """The noun phrase of the sentence headed by the question's wh-noun.

    "What kind of cell banks" -> "allogeneic cell banks" (from the first new
    modifier); "which tumours" -> "incurable tumours". Failing a phrase with the
    noun itself, one whose words mean nearly the same ("facilities" -> "cell
    factories"). A phrase adding nothing to the question is no answer.
    """
    if not q.focus_words:
        return None
    complement = _focus_complement(q, s, view, asked)
    if complement:
        return complement
    found = _phrase_with_focus(q, s, view, asked)
    if found is None and related and (q.kind or q.answer_type == "ANY"):
        # "what kind of N" names N's modifiers: a looser match; "which N" names the thing itself.
        found = _phrase_meaning_focus(q, s, view, asked, related, FOCUS_MEANING if q.kind else WHICH_MEANING)
    if found is None:
        return None
    tokens, new = found
    a, b = tokens[0][0], tokens[-1][1]
    if q.answer_type in ("NAME", "PLACE") and not any(t[2][0].isupper() for t in new):
        return None  # "which institution": "the 6 institutes" is the category, not a name
    if q.single:
        if new[-1] is tokens[-1]:  # the focus modifies a new head: "professional *nurses*" is a member
            return s, new[0][0], b
        # "name one of the activities": one coordinated modifier, not the category itself
        return first_conjunct((s, new[0][0], b))
    if q.kind:  # the modifiers with their noun: "allogeneic cell banks", "breast cancer"
        return s, _modifier_start(tokens, tokens.index(new[0])), b
    start = next((t[0] for t in tokens if t[2].lower() not in DETERMINERS and t[2] not in STOP_TOKENS), a)
    return s, _shared_head_start(s, view, start), b


def _shared_head_start(s: Sentence, view: CorpusView, start: int) -> int:
    """"the IEO gynecology and *senology programs*": a phrase with no determiner of its own, after
    "and" that ends a phrase opened by a determiner, shares its head with the word before "and"
    (the parser split one phrase): "*gynecology and* senology programs"."""
    m = re.search(r"([\w'-]+)\s+(?:and|or)\s+$", s.text[:start])
    if not m or s.text[start:].split(" ", 1)[0].lower() in DETERMINERS:
        return start
    before = next(((c, d) for c, d in view.phrases(s) if d == m.end(1)), None)
    if before and s.text[before[0]:before[1]].split(" ", 1)[0].lower() in DETERMINERS and before[0] < m.start(1):
        return m.start(1)
    return start


_COMPLEMENT_PREPOSITIONS = frozenset("in on into".split())


def _focus_complement(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str]) -> Span | None:
    """"What kind of research" -> "research *in molecular medicine*", "what expertise" -> "expert *in
    stem cell transplant*": the wh-noun said in the sentence with an in-complement, which says what kind.

    Only for "what (kind of) N" (not "which hospital", a name), and only "in"/"on": "of" makes
    names and partitives ("Centres of Excellence").
    """
    if q.answer_type != "ANY" or (q.preposition and not q.kind):  # "*for* what kind of research": still its kind
        return None
    focus = frozenset(q.focus_words[-1:])
    if focus & EXPERTISE_NOUNS:  # whose expertise: the holder the question names, not the first listed
        found = expertise_of(s, view, asked - focus)
        if found:
            return found
    toks = tokenize(s.text)
    for i, (_, end, word) in enumerate(toks[:-1]):
        if word[0].islower() and covers(stem(word), focus) and toks[i + 1][2] in _COMPLEMENT_PREPOSITIONS:
            span = phrase_at(s, view, toks[i + 1][1])
            if span and new_words(s.text[span[0]:span[1]], asked):
                return s, *span
    return None


def _modifier_start(tokens: list[Token], first_new: int) -> int:
    """Where a phrase's new modifiers start, with the function words inside them:
    an "*off the shelf* approach", not "shelf approach"; but "the *gene* therapy"."""
    j = first_new
    while j > 0 and tokens[j - 1][2].isalpha() and tokens[j - 1][2].lower() in STOPWORDS:
        j -= 1
    while j < first_new and tokens[j][2].lower() in DETERMINERS:
        j += 1
    if j > 0 and tokens[j][2].lower() in ("and", "or"):
        j -= 1  # "*national and* international trials": a coordinated modifier comes with its conjunct
    return tokens[j][0]


def _phrase_meaning_focus(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str],
                          related: Related, threshold: float) -> tuple[list[Token], list[Token]] | None:
    """No phrase names the focus; take the one whose words mean most nearly the same
    ("facilities" / "cell factories"), if any reaches ``threshold``."""
    focus_word = next((w for t, w in zip(q.terms, q.term_words) if t == q.focus), "")
    if not focus_word:
        return None
    instance = _phrase_of_kind(focus_word, s, view, asked, related)
    if instance:
        return instance
    best, best_cos = None, threshold
    for a, b in view.phrases(s):
        tokens = phrase_tokens(s, a, b)
        new = [t for t in tokens if is_new(t[2], asked)]
        if not new:
            continue
        cos = related(focus_word, [t[2].lower() for t in new])
        if cos >= best_cos:
            best, best_cos = (tokens, new), cos
    return best


def _phrase_of_kind(kind: str, s: Sentence, view: CorpusView, asked: frozenset[str],
                    related: Related) -> tuple[list[Token], list[Token]] | None:
    """A phrase naming an instance of the focus ("what kind of *doctors*": "*hematologists* expert";
    "which *disease*": "breast *cancer*"), up to that word: an embedder may put a neighbour nearer
    ("patients", "diagnosis"), but only an instance answers.

    Of several, one in apposition to a name the question asks about ("what type of organisation is
    EURE-CART": "the European *consortium* EURE-CART", not "Hospital San Raffaele"), then the nearest
    in meaning."""
    found = []
    for a, b in view.phrases(s):
        tokens = phrase_tokens(s, a, b)
        for i, t in enumerate(tokens):
            if is_new(t[2], asked) and t[2][:1].isalpha() and view.is_a(t[2], kind):
                new = [u for u in tokens[:i + 1] if is_new(u[2], asked)]
                appositive = any(not is_new(u[2], asked) for u in tokens[i + 1:])
                found.append(((appositive, related(kind, [t[2].lower()])), tokens[:i + 1], new))
                break
    if not found:
        return None
    _, tokens, new = max(found, key=lambda f: f[0])
    return tokens, new


def _phrase_with_focus(q: Question, s: Sentence, view: CorpusView,
                       asked: frozenset[str]) -> tuple[list[Token], list[Token]] | None:
    # A phrase headed by the focus noun first ("particular CARCIK *cells*"), then one containing it.
    # Only the head itself may sit anywhere in a phrase: "the *largest* number" is no "largest hospital".
    for focus, headed in [(f, True) for f in reversed(q.focus_words)] + [(q.focus_words[-1], False)]:
        found = []
        for a, b in view.phrases(s):
            tokens = phrase_tokens(s, a, b)
            inside = tokens[-1:] if headed else tokens
            if not any(covers(stem(t[2].lower()), frozenset([focus])) for t in inside):
                continue
            new = [t for t in tokens if is_new(t[2], asked) and t[2].lower() not in VAGUE
                   and not any(c.isdigit() for c in t[2])]  # "*5* academic cell factories": how many, not which
            if new:
                found.append((_said_after(s.text, b, asked), tokens, new))
        if found:
            # of several such phrases, the one whose own complement says most of the question: "two teams of
            # nurses ..., and a multidisciplinary *team* of *doctors* expert in ... *toxic* *effects*"
            return max(found, key=lambda f: f[0])[1:]
    return None


def _said_after(text: str, end: int, asked: frozenset[str]) -> int:
    """How many asked words the phrase's complement says, up to the next clause or coordinated phrase."""
    said = frozenset(stems(complement_after(text, end)))
    return sum(covers(t, said) for t in asked)


GOVERNOR_MEANING = 0.45  # "experienced" / "expert" 0.47; "experienced" / "competences" 0.35


def _holders_expertise(q: Question, s: Sentence, view: CorpusView, governor: str,
                       related: Related | None) -> Span | None:
    """"In which procedure are the *nurses* of Humanitas *expert*?": what the holder the question names (before
    the unit it is of: "the blood specialists *of the CAR-T team*") is expert in; None for a pronoun holder."""
    holder = re.fullmatch(SKILLED, governor) and re.search(rf"\b(?:is|are|was|were) (.+?) {re.escape(governor)}\W*$",
                                                          fold(q.text).lower())
    if not holder:
        return None
    named = [w for w in words(re.split(r"\b(?:of|at|in|from|with|on|for)\b", holder.group(1))[0])
             if w not in STOPWORDS]
    # by meaning, the holder read whole: "blood specialists" / "hematologists" 0.68, / "doctors" 0.57
    return expertise_of(s, view, frozenset(stem(w) for w in named), related, [" ".join(named)]) if named else None


def _preposition_governor(q: Question) -> str:
    """The word a fronted or stranded preposition belongs to: "... specially *skilled* in?",
    "In what procedure are they *experienced*?"."""
    tokens = words(q.text)
    if tokens and tokens[-1] == q.preposition:
        tokens = tokens[:-1]
    return tokens[-1] if tokens and tokens[-1] not in STOPWORDS else ""


def _with_conjunct(s: Sentence, view: CorpusView, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """"coupled with *innovative organization and management*", "in *cancer prevention, diagnosis and
    treatment*": a preposition's object joined by "and"/"or" (after commas, in a list) to bare noun phrases,
    the last of which closes the clause, is one object (its modifier may be shared)."""
    if not span:
        return span
    end = span[1]
    while True:
        m = re.match(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+", s.text[end:])
        if not m:
            return span
        start = end + m.end()
        end = next((b for a, b in view.phrases(s) if a == start), None)
        if end is None or s.text[start:end].split(" ", 1)[0].lower() in DETERMINERS:
            return span
        if re.search(r"\b(?:and|or)\s+$", m.group()):  # the last conjunct closes the clause
            return (span[0], end) if re.match(r"\s*(?:[,.;:)]|$)", s.text[end:]) else span


def preposition_object(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str],
                        related: Related | None = None) -> Span | None:
    """"In what are the hematologists expert?" -> the object of "in" after "expert" in the sentence."""
    if not q.preposition:
        return None
    governor = _preposition_governor(q)
    held = _holders_expertise(q, s, view, governor, related)
    if held:  # "In which procedure are the *nurses* of Humanitas expert?": the nurses' expertise
        return held
    toks = tokenize(s.text)
    places = [i for i, t in enumerate(toks) if t[2].lower() == q.preposition]
    if not places:
        return None

    def support(i: int) -> int:
        return sum(covers(stem(t[2].lower()), asked) for t in toks[max(0, i - 3):i] if t[2][0].isalnum())

    def governed(i: int) -> bool:  # "has *led* to what": the word right before the preposition is the question's
        return i > 0 and toks[i - 1][2][0].isalnum() and covers(stem(toks[i - 1][2].lower()), asked)

    best = max(places, key=lambda i: (support(i) > 0, governed(i), support(i), -i))
    if support(best) == 0 and len(places) > 1:
        # No "in" follows the question's words; the one after a word meaning what governs the
        # question's "in": "... *experienced* in?" -> "hematologists *expert* in stem cell transplant".
        if not related or not governor:
            return None
        closeness = {i: related(governor, [toks[i - 1][2].lower()]) for i in places if i}
        best = max(closeness, key=closeness.get, default=-1)
        if best < 0 or closeness[best] < GOVERNOR_MEANING:
            return None
    after = toks[best][1]
    span = _with_conjunct(s, view, phrase_at(s, view, after)) or token_run(toks, best + 1, 1, set())
    if (span and q.answer_type == "PLACE" and q.focus in PLACE_NOUNS
            and (not s.text[span[0]].isupper() or ADJECTIVE_OF_PLACE.match(s.text, span[0]))):
        return None  # "In which city ...": "in molecular medicine", "in the *European consortium*" name no place
    if span and new_words(s.text[span[0]:span[1]], asked):
        return s, *span
    return None
