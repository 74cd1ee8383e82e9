"""Choose the short answer span inside a supporting sentence, by the form of the question.

Pure: works on a :class:`~cartqa.question.Question`, a sentence and the
:class:`~cartqa.grounding.CorpusView` (for antecedents and noun phrases).

The rules follow the question's grammar, in this order:

- a date, a length of time, a count, a manner, a reason or a purpose clause when the question asks for one;
- "what does ACR stand for": the long form written next to the acronym;
- an enumeration the question points into ("which institute in Pavia"), one item
  when the question asks for one ("name one of");
- the noun phrase headed by the wh-phrase's noun ("what kind of cell *banks*":
  its modifiers; "which *tumours*": the whole phrase);
- a fronted or stranded preposition ("*In* what ...", "... come *from*?"): the
  object of that preposition in the sentence;
- names for who/where questions, following a referring sentence back to its
  antecedent ("The Institute has ..." -> the National Cancer Institute);
- otherwise what the question leaves out of the sentence: the words between
  (or after, or before) the words it shares with it.

>>> from cartqa.grounding import CorpusView
>>> from cartqa.question import analyse
>>> from cartqa.records import Chunk
>>> text = "INT is the Italian coordinator of numerous clinical trials."
>>> view = CorpusView([Chunk("d", text, 0, len(text))])
>>> s = view.sentences["d"][0]
>>> _, a, b = pick(analyse("What role does INT play in numerous clinical trials?"), s, view, frozenset())
>>> text[a:b]
'Italian coordinator'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .counting import count_span
from .grounding import (
    _LONG_THEN_SHORT,
    CorpusView,
    Sentence,
    covers,
    refers_back,
    stems,
)
from .question import NAMED_KINDS, Question
from .semantic import Related
from .spans import (
    clause_after,
    duration_spans,
    list_items,
    name_spans,
    nearest,
    reason_spans,
    year_spans,
)
from .text import ENGLISH_PARTICIPLE, STOPWORDS, stem, words

Span = tuple[Sentence, int, int]

_TOKEN = re.compile(r"\d[\d,.]*\d|[\w'-]+|[^\w\s]")  # "400,000" is one token
_STOP_TOKENS = frozenset(",;:.()[]\"!?“”")
MAX_ANSWER_WORDS = 10
# "*European* consortium", "*Italian* coordinator": a place's adjective before a noun names nothing.
_ADJECTIVE_OF_PLACE = re.compile(r"[A-Z][a-z]+(?:an|ese|ish)\s+[a-z]")
_NAMED_KINDS = frozenset(stem(w) for w in NAMED_KINDS)
_PLACE_NOUNS = frozenset(stem(w) for w in "city town region country place area village province".split())
_PRONOUN_START = re.compile(r"(?:It|Its|They|Their|He|She|His|Her)\b")
_DETERMINERS = frozenset("a an the this that these those its their his her our".split())


def pick(q: Question, s: Sentence, view: CorpusView, context: frozenset[str],
         related: Related | None = None, positional: bool = True) -> Span | None:
    """The answer span for ``q`` in ``s`` (possibly in its antecedent), or None if there is none.

    ``context`` holds the folded words the sentence is about (its own and its antecedent's);
    ``related`` (word, candidates) -> cosine lets a list item be chosen by meaning.
    ``positional=False`` allows only spans matched to what the question asks for
    (its noun, list or preposition), not the subject, a name or left-out words.
    """
    text = s.text
    asked = frozenset(q.terms)
    anchor = _anchor(text, asked)
    if q.alternatives:
        return _alternative(q, s)
    if q.answer_type == "DATE":
        return _nearest(s, year_spans(text), anchor)
    if q.answer_type == "DURATION":
        return _nearest(s, duration_spans(text), anchor)
    if q.answer_type == "NUMBER":
        found = count_span(s.text, q, anchor, context, related)
        return (s, *found) if found else None
    if q.answer_type == "MANNER":
        return _manner(s, view, asked, anchor)
    if q.answer_type == "REASON":  # "Why is it recognized as IRCCS?" -> "for its *research in ...*"
        return _nearest(s, reason_spans(text), anchor)
    if q.answer_type == "CLAUSE":
        span = clause_after(text, 0)
        return (s, *span) if span else None
    together = q.items and (_list_pick(q, s, asked, related) or _nearest(s, _coordinations(s, view, q, asked), anchor))
    if together:  # "which three areas": a list the question points into, or that many things said together
        return together
    if q.expansion or q.definition:
        found = _expansion(q, s, asked)
        if found or not q.definition:
            return found
        return _appositive(q, s, view, asked)
    listed = _list_pick(q, s, asked, related)
    if listed and q.answer_type in ("NAME", "PLACE") and not _has_name(listed):
        listed = None  # "which region": "medical oncology" is a list item, but no place
    if listed:
        return listed
    if q.example:  # "cited as an example": what "such as" introduces, or nothing in this sentence
        return _example(s, view)
    return ((_predicate_nominal(s, view, asked) if q.focus in _ROLE_NOUNS else None)
            or _focus_phrase(q, s, view, asked, related)
            or _preposition_object(q, s, view, asked, related)
            or (positional and _says_asked_noun(q, _positional(q, s, view, asked, anchor), related)) or None)


def _coordinations(s: Sentence, view: CorpusView, q: Question, asked: frozenset[str]) -> list[tuple[int, int]]:
    """Noun phrases joined by commas and a final "and"/"or", as many as the question asks for ("which
    three areas": "cancer prevention, diagnosis and treatment"), or at least that many when it asks to
    name some ("name two areas": the whole run). Not a run the question already says, and only one
    attached to what the question says besides its names: "strives for *excellence* in A, B and C"."""
    exact = not re.match(r"\s*(?:name|list|give|mention|cite)\b", q.text, re.I)
    named = frozenset(stem(w) for e in q.entities for w in e)
    phrases = view.phrases(s)
    runs: list[list[tuple[int, int]]] = []
    for k, phrase in enumerate(phrases):
        joined = k > 0 and phrases[k - 1][1] < phrase[0] and re.fullmatch(r",?\s*(?:and|or)?\s*",
                                                                           s.text[phrases[k - 1][1]:phrase[0]])
        if joined:
            runs[-1].append(phrase)
        else:
            runs.append([phrase])
    found = []
    for run in runs:
        closed = re.search(r"\b(?:and|or)\b", s.text[run[-2][1]:run[-1][0]]) if len(run) > 1 else None
        if not closed or len(run) < q.items or (exact and len(run) != q.items):
            continue
        a, b = (_phrase_at(s, view, run[0][0]) or run[0])[0], run[-1][1]
        lead = [w for w in words(s.text[:a])[-4:] if w not in STOPWORDS]
        if _new_words(s.text[a:b], asked) >= q.items - 1 and any(covers(stem(w), asked - named) for w in lead):
            found.append((a, b))
    return found


def _alternative(q: Question, s: Sentence) -> Span | None:
    """"Are the banks autologous or allogeneic?" -> "allogeneic": the one choice the sentence says,
    all its content words within a few words of each. When it says none, or several, no answer."""
    toks = [(m.start(), m.end(), stem(m.group().lower())) for m in re.finditer(r"\w(?:[\w'-]*\w)?", s.text)]
    said = []
    for choice in q.alternatives:
        wanted = [stem(w) for w in words(choice) if w not in STOPWORDS] or [stem(w) for w in words(choice)]
        for i, (start, _, word) in enumerate(toks):
            window = [t for t in toks[i:i + len(wanted) + 1] if t[2] in wanted]
            if word in wanted and {t[2] for t in window} == set(wanted):
                said.append((start, window[-1][1]))
                break
    return (s, *said[0]) if len(said) == 1 else None


# A noun the answer is asked to be ("the *role* of INT") may be said in other words ("coordinator", 0.51).
ASKED_NOUN_MEANING = 0.45


def _says_asked_noun(q: Question, span: Span | None, related: Related | None) -> Span | None:
    """"What is the *address* of INT?": words found by their place are an answer only if their
    head says an address, not "Italian coordinator of numerous ... trials" because one word there
    is near "address" ("international", 0.46)."""
    # "Name two *departments*": what is named must be one too, not any words the question leaves out
    noun = q.asked_noun or (next((w for t, w in zip(q.terms, q.term_words) if t == q.focus), "")
                            if q.items or q.single else "")
    if span is None or not noun:
        return span
    s, a, b = span
    # its head: the last word before any "of ..." complement ("Italian *coordinator* of numerous ... trials")
    head = [w for w in words(re.split(r"\bof\b", s.text[a:b])[0]) if w not in STOPWORDS][-1:]
    if not head:
        return None
    # ... or modifies it, with its conjuncts: "*gynecology* and senology programs"
    after = re.match(r"(?:\s*(?:,|\band\b|\bor\b)\s*[\w'-]+)*\s*([\w'-]*)", s.text[b:]).group(1).lower()
    if covers(stem(noun), frozenset(stem(w) for w in [*head, after] if w)):
        return span
    return span if related and related(noun, head) >= ASKED_NOUN_MEANING else None


_ROLE_NOUNS = frozenset(stem(w) for w in "role function position capacity status".split())
_COPULA = re.compile(r"\s+(?:is|are|was|were|acts as|serves as|stands as)\s+(?:(?:also )?one of\s+)?")


def _predicate_nominal(s: Sentence, view: CorpusView, asked: frozenset[str]) -> Span | None:
    """"What role does INT play?" -> "INT is *the Italian coordinator* of ...": a role is what the
    subject is said to be."""
    subject = view.subject(s)
    m = subject and _COPULA.match(s.text, subject[1])
    # "the Italian coordinator", not "... of numerous clinical trials": those say of what, not what role
    span = m and _phrase_at(s, view, m.end(), complements=False)
    if span and _new_words(s.text[span[0]:span[1]], asked):
        return s, *span
    return None


_MANNER_PREPOSITIONS = frozenset("with by through via using".split())


def _manner(s: Sentence, view: CorpusView, asked: frozenset[str], anchor: int) -> Span | None:
    """"How are the cells stored?" -> "stored *with an off the shelf approach*": what a manner
    preposition introduces after a participle; "How are they obtained?" -> "obtained *from* ...":
    any preposition after the participle the question asks about. Without one, no answer."""
    toks = _tokens(s.text)
    asked_verb, manner = [], []
    for i, (_, end, word) in enumerate(toks):
        # "stored *with*" says how; "nurses *with* competences" says which nurses.
        before = toks[i - 1][2] if i else ""
        if not ENGLISH_PARTICIPLE.search(before) or word.lower() not in _MANNER_PREPOSITIONS | {"from", "in", "at"}:
            continue
        span = _phrase_at(s, view, end) or _run(toks, i + 1, 1, set())
        if not span or not _new_words(s.text[span[0]:span[1]], asked):
            continue
        if covers(stem(before.lower()), asked):
            asked_verb.append(span)
        elif word.lower() in _MANNER_PREPOSITIONS:
            manner.append(span)
    return _nearest(s, asked_verb or manner, anchor)


def _positional(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str], anchor: int) -> Span | None:
    """Answers found by their place in the sentence: its subject, a name, the words left out."""
    if q.answer_type == "PLACE" and q.focus in _PLACE_NOUNS and not covers(q.focus, frozenset(stems(s.text))):
        # "Which region ...": only a name written as a place, when the sentence speaks of no region.
        return _name(q, s, view, asked, anchor) or _place_word(q, s, asked, anchor)
    return (_subject(q, s, view, asked)
            or (_name(q, s, view, asked, anchor) if q.answer_type in ("NAME", "PLACE") else None)
            or (_place_word(q, s, asked, anchor) if q.answer_type == "PLACE" else None)
            or _typed_left_out(q, s, view, asked))


_SCOPE = r"(?:nationally|internationally|worldwide|globally|locally|regionally|abroad|nationwide|overseas)"
_SCOPE_ADVERBS = re.compile(rf"\b(?:both\s+)?{_SCOPE}(?:,?\s+(?:and|or)\s+{_SCOPE})?\b", re.I)
_DEMONYM = re.compile(r"\b[A-Z][a-z]+(?:an|ese|ish)\b")
_NATION_NOUNS = frozenset(stem(w) for w in "country nation state".split())


def _place_word(q: Question, s: Sentence, asked: frozenset[str], anchor: int) -> Span | None:
    """A place the sentence says without naming it: "where ... adopted?" -> "both *nationally and
    internationally*"; "for which country?" -> "the *Italian* coordinator" (a country's adjective)."""
    if q.focus in _NATION_NOUNS:
        spans = [m.span() for m in _DEMONYM.finditer(s.text) if not covers(stem(m.group().lower()), asked)]
    elif not q.focus:
        spans = [m.span() for m in _SCOPE_ADVERBS.finditer(s.text)]
    else:
        return None
    return _nearest(s, spans, anchor)


def _typed_left_out(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str]) -> Span | None:
    """The words the question leaves out, when nothing says they are of the wrong kind.

    A place is a name ("in Pavia"), not whatever words are left ("national level");
    "name one of ..." wants one member, not all the leftover words; the rest of a name
    the question gives is not news; a name is a noun phrase, so it holds one's head; and a
    subject runs on into its verb only in a clause, never in an answer.
    """
    if q.answer_type == "PLACE":
        return None
    span = _verb_object(q, s, asked)
    if span is None and q.object_of.endswith("ing"):
        return None  # "skilled at *managing*?": the object of a verb the sentence does not use is not known
    span = span or _left_out(s, asked)
    if span and any(a < span[2] and span[1] < b and _is_asked_name(s.text[a:b], q) for a, b in name_spans(s.text)):
        return None  # "Research" is left of "Humanitas", but part of its name
    if span and any(a <= span[1] and span[2] <= b and (a, b) != span[1:] for a, b in name_spans(s.text)):
        return None  # a piece of a name ("Research" of "Scientific Institute for Research and Healthcare")
    # Who, or what the question's verb takes: a thing, so a noun phrase's head; not "dedicated" of
    # "a CAR-T dedicated unit", nor "strives" (a kind may be an adjective: "allogeneic")
    if (span and (q.answer_type == "NAME" or q.object_of) and view.phrases(s)
            and not any(span[1] < b <= span[2] for _, b in view.phrases(s))):
        return None
    if span and q.focus in _NAMED_KINDS and not _has_name(span):
        return None  # "which institute": a name, not "divided into different departments"
    subject = view.subject(s)
    if (span and subject and span[1] <= subject[0] and subject[1] < span[2]
            and re.search(r"\w", s.text[subject[1]:span[2]])):
        return None  # "Lombardy Region started the three-year": a subject with its verb is no one thing
    return _first_conjunct(span) if q.single else span


def _verb_object(q: Question, s: Sentence, asked: frozenset[str]) -> Span | None:
    """"What does INT *provide*?" -> "INT has 464 beds and provides *more than 400,000 visits*":
    the words right after the question's verb, not whichever words the question leaves out."""
    if not q.object_of:
        return None
    verb = frozenset([stem(q.object_of)])
    toks = _tokens(s.text)
    matched = {i for i, (_, _, w) in enumerate(toks) if w[0].isalnum() and covers(stem(w.lower()), asked)}
    for i, (_, _, w) in enumerate(toks):
        # the verb, or its noun with the object after "of": "expert in the *treatment of* toxic effects"
        noun = (_NOMINAL.fullmatch(w.lower()[len(stem(q.object_of)):]) and w.lower().startswith(stem(q.object_of))
                and i + 1 < len(toks) and toks[i + 1][2] == "of")
        if w[0].isalnum() and (covers(stem(w.lower()), verb) or noun):
            run = _run(toks, i + 1, 1, matched)
            if run and _new_words(s.text[run[0]:run[1]], asked):
                return s, *run
    return None


_NOMINAL = re.compile(r"ments?|(?:at)?ions?|ances?|ences?|als?")


def _has_name(span: Span) -> bool:
    s, a, b = span
    return any(w[:1].isupper() for w in re.findall(r"[\w'-]+", s.text[a:b]))


def _first_conjunct(span: Span | None) -> Span | None:
    """"gynecology and senology" -> "gynecology": the first of what a span coordinates, if it does."""
    if span is None:
        return None
    s, a, b = span
    m = re.match(r"\s*((?:[\w'-]+\s+){0,2}[\w'-]+)\s*(?:,|\band\b|\bor\b)", s.text[a:b])
    return (s, a + m.start(1), a + m.end(1)) if m else None


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) for the words, numbers ("400,000") and punctuation of ``text``."""
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def _anchor(text: str, asked: frozenset[str]) -> int:
    """Character position of the question's terms in the sentence (their mean)."""
    positions = [m.start() for m in re.finditer(r"[\w'-]+", text) if covers(stem(m.group().lower()), asked)]
    return sum(positions) // len(positions) if positions else 0


def _nearest(s: Sentence, spans: list[tuple[int, int]], anchor: int) -> Span | None:
    found = nearest(spans, anchor)
    return (s, *found) if found else None


def _expansion(q: Question, s: Sentence, asked: frozenset[str]) -> Span | None:
    """The long form written beside an acronym of the question: "Women Cancer Center (WCC)",
    or the acronym of a long form the question names."""
    acronyms = {w for e in q.entities for w in e}
    for m in _LONG_THEN_SHORT.finditer(s.text):
        if _all_asked(m.group(1), asked) and m.group(2).lower() not in acronyms:
            return s, *m.span(2)  # "What is the acronym of the National Cancer Institute?" -> INT
        if m.group(2).lower() in acronyms:
            a, b = m.span(1)
            lead = re.match(r"(?:(?:Its|Their|The|Our|His|Her|This)\s+)+", s.text[a:b])
            return s, a + (lead.end() if lead else 0), len(s.text[:b].rstrip())
    for m in re.finditer(r"\b([A-Z]{2,}[\w-]*)\s+\(([^()]{5,80})\)", s.text):
        if m.group(1).lower() in acronyms:
            return s, *m.span(2)
    return None


def _appositive(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str]) -> Span | None:
    """"What is EURE-CART?" -> the words beside the name in its noun phrase: "European consortium"."""
    named = {w for e in q.entities for w in e}
    for a, b in view.phrases(s):
        tokens = _phrase_tokens(s, a, b)
        if not any(t[2].lower() in named for t in tokens):
            continue
        new = [t for t in tokens if _is_new(t[2], asked) and t[2].lower() not in _DETERMINERS | _VAGUE]
        if new:
            return s, new[0][0], new[-1][1]
    return None


_EXAMPLE = re.compile(r"\b(?:such as|for example|for instance|e\.g\.|including|like)\s+", re.I)


def _example(s: Sentence, view: CorpusView) -> Span | None:
    """"Which treatment is cited as an example?" -> what follows "such as" in the sentence."""
    m = _EXAMPLE.search(s.text)
    if not m:
        return None
    span = _phrase_at(s, view, m.end() - 1)
    if span is None:
        end = re.search(r"[,;:.()]|\s+and\s+", s.text[m.end():])
        span = (m.end(), m.end() + (end.start() if end else len(s.text) - m.end()))
    return s, *span


def _list_pick(q: Question, s: Sentence, asked: frozenset[str], related: Related | None) -> Span | None:
    """In an enumeration, the item(s) the question's other words point at ("in Pavia").

    Failing that, the one item closest in meaning to them ("blood diseases" ->
    "hematology"); when the question asks for one item ("name one of the
    departments"), the first item that the question does not itself name.
    """
    single = q.single
    items = list_items(s.text)
    if len(items) < 3 or not _enumeration(s.text, items):
        return None
    head = frozenset(stems(_list_head(s.text)))
    qualifiers = [t for t in asked if not covers(t, head)]
    pointing = {it: sum(covers(t, frozenset(stems(s.text[it[0]:it[1]]))) for t in qualifiers) for it in items}
    if q.excluding:  # "Besides A, B and C, which other ...": the item the question does not name
        # a long "item" is the list's lead-in ("The Institute has programs ... of research, preclinical, ...")
        short = [(a, b) for a, b in items if len(words(s.text[a:b])) <= 6]
        parts = [(a + m.start(), a + m.end()) for a, b in short for m in re.finditer(r"\S(?:.*?\S)?(?=\s+and\s+|$)",
                                                                                    s.text[a:b])]
        rest = [it for it in parts if _new_words(s.text[it[0]:it[1]], asked)]
        return (s, *rest[0]) if len(rest) == 1 or (rest and q.single) else None
    most = max(pointing.values(), default=0)
    # The item the question points at most ("the Monza factory of the Tettamanti Foundation").
    chosen = [it for it in items if most and pointing[it] == most]
    if not chosen and related:
        chosen = _closest_item(q, s, items, head, related)
    # An item naming most of the question is the list's lead-in, not an answer.
    free = [it for it in items if _new_words(s.text[it[0]:it[1]], asked) and len(words(s.text[it[0]:it[1]])) <= 12]
    chosen = [it for it in chosen if it in free]
    if single:
        pointed = chosen
        if pointed:
            return s, *pointed[0]
        if free and (":" in s.text or len(free) >= 3):
            return s, *free[0]
        return None
    if not chosen and ":" in s.text and covers(q.focus, head) and not any(pointing.values()):
        # "Which departments does the center have?" / "... different departments that come together in:
        # A, B and C": the question asks for what the list's lead-in announces, all of it.
        return s, items[0][0], items[-1][1]
    if not chosen:
        return None  # an enumeration, but the question does not point into it
    if len(chosen) == 1:
        return s, *chosen[0]
    # Several items named: answer with all of them only for a real enumeration
    # ("...: A, B and C") whose chosen items sit together; otherwise read the clause.
    adjacent = chosen == items[items.index(chosen[0]):items.index(chosen[0]) + len(chosen)]
    if ":" in s.text and adjacent:
        return s, chosen[0][0], chosen[-1][1]
    return None


LIST_MEANING = 0.45  # cosine an item needs to be picked by meaning alone
FOCUS_MEANING = 0.40  # ... and a phrase to stand for "what kind of <noun>" without the noun
# ... and for "which <noun>": "cancers" / "tumours" 0.77, while "disease" / "prevention" is 0.39
WHICH_MEANING = 0.55


def _closest_item(q: Question, s: Sentence, items: list[tuple[int, int]], head: frozenset[str],
                  related: Related) -> list[tuple[int, int]]:
    """The item nearest in meaning to the question's words that the sentence lacks."""
    present = frozenset(stems(s.text))
    loose = [w for t, w in zip(q.terms, q.term_words) if not covers(t, present) and not covers(t, head)]
    if not loose:
        return []
    texts = [s.text[a:b] for a, b in items]
    scores = [max(related(w, [t]) for w in loose) for t in texts]
    best = max(range(len(items)), key=scores.__getitem__)
    return [items[best]] if scores[best] >= LIST_MEANING else []


def _subject(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str]) -> Span | None:
    """"Which institute has ...?" asks for the subject: "*IEO* is one of ...".

    A referring subject ("The Institute has ...") is followed back to the name
    it refers to. A subject the question already names is no answer.
    """
    if q.answer_type not in ("NAME", "PLACE", "ANY") or not q.wh_subject or q.kind:
        return None  # "what kind of cells are stored": a kind, not whoever stores them
    span = view.subject(s)
    if span is None:
        return None
    a, b = span
    if refers_back(s.text[a:b]):
        named = _antecedent_name(s, view)
        if named is None:
            return None
        s, a, b = named
    if _all_asked(s.text[a:b], asked | _aliases_of(view, asked)) or _is_asked_name(s.text[a:b], q):
        return None
    head = words(re.split(r"\bof\b", s.text[a:b])[0])[-1:]
    if q.focus in _NAMED_KINDS and a == 0 and head and head[0] not in view.proper and not s.text[a:b].isupper():
        return None  # "*Partner* of the Plagencell Project is also the Hospital San Raffaele": no name
    return s, a, b


def _aliases_of(view: CorpusView, asked: frozenset[str]) -> frozenset[str]:
    return frozenset(stem(w) for w in view.alias_words(set(asked)))


def _antecedent_name(s: Sentence, view: CorpusView) -> Span | None:
    """The name a referring sentence ("The Institute ...", "It ...") stands for."""
    head = stem(s.text.split()[1].lower()) if len(s.text.split()) > 1 else ""
    prev = view.antecedent(s)
    for _ in range(3):  # "The Institute ..." after "The Institute ..." after "INT ..."
        if prev is None or not refers_back(prev.text):
            break
        prev = view.antecedent(prev) or prev
    if prev is None:
        return None
    subject = view.subject(prev)
    if subject and not refers_back(prev.text[subject[0]:subject[1]]) and (
            head in stems(prev.text[subject[0]:subject[1]]) or _PRONOUN_START.match(s.text)):
        return prev, *subject
    for a, b in name_spans(prev.text):
        if head in stems(prev.text[a:b]) and not refers_back(prev.text[a:b]):
            return prev, a, b
    if subject and not refers_back(prev.text[subject[0]:subject[1]]) and _has_name((prev, *subject)):
        # "The center is ..." after "The National Cancer Institute ... stands as a center of excellence":
        # what the earlier sentence calls a center is its subject
        return prev, *subject
    return None


def _enumeration(text: str, items: list[tuple[int, int]]) -> bool:
    """A list rather than a sentence with commas: introduced by a colon or line breaks, or short items."""
    if ":" in text or "\n" in text:
        return True
    lengths = sorted(len(words(text[a:b])) for a, b in items)
    return lengths[len(lengths) // 2] <= 4


def _list_head(text: str) -> str:
    return text.split(":", 1)[0] if ":" in text else ""


def _focus_phrase(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str],
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
        return _first_conjunct((s, new[0][0], b))
    if q.kind:  # the modifiers with their noun: "allogeneic cell banks", "breast cancer"
        return s, _modifier_start(tokens, tokens.index(new[0])), b
    start = next((t[0] for t in tokens if t[2].lower() not in _DETERMINERS and t[2] not in _STOP_TOKENS), a)
    return s, _shared_head_start(s, view, start), b


def _shared_head_start(s: Sentence, view: CorpusView, start: int) -> int:
    """"the IEO gynecology and *senology programs*": a phrase with no determiner of its own, after
    "and" that ends a phrase opened by a determiner, shares its head with the word before "and"
    (the parser split one phrase): "*gynecology and* senology programs"."""
    m = re.search(r"([\w'-]+)\s+(?:and|or)\s+$", s.text[:start])
    if not m or s.text[start:].split(" ", 1)[0].lower() in _DETERMINERS:
        return start
    before = next(((c, d) for c, d in view.phrases(s) if d == m.end(1)), None)
    if before and s.text[before[0]:before[1]].split(" ", 1)[0].lower() in _DETERMINERS and before[0] < m.start(1):
        return m.start(1)
    return start


Token = tuple[int, int, str]
_COMPLEMENT_PREPOSITIONS = frozenset("in on into".split())


def _focus_complement(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str]) -> Span | None:
    """"What kind of research" -> "research *in molecular medicine*", "what expertise" -> "expert *in
    stem cell transplant*": the wh-noun said in the sentence with an in-complement, which says what kind.

    Only for "what (kind of) N" (not "which hospital", a name), and only "in"/"on": "of" makes
    names and partitives ("Centres of Excellence").
    """
    if q.answer_type != "ANY" or (q.preposition and not q.kind):  # "*for* what kind of research": still its kind
        return None
    toks = _tokens(s.text)
    focus = frozenset(q.focus_words[-1:])
    for i, (_, end, word) in enumerate(toks[:-1]):
        if word[0].islower() and covers(stem(word), focus) and toks[i + 1][2] in _COMPLEMENT_PREPOSITIONS:
            span = _phrase_at(s, view, toks[i + 1][1])
            if span and _new_words(s.text[span[0]:span[1]], asked):
                return s, *span
    return None


def _modifier_start(tokens: list[Token], first_new: int) -> int:
    """Where a phrase's new modifiers start, with the function words inside them:
    an "*off the shelf* approach", not "shelf approach"; but "the *gene* therapy"."""
    j = first_new
    while j > 0 and tokens[j - 1][2].isalpha() and tokens[j - 1][2].lower() in STOPWORDS:
        j -= 1
    while j < first_new and tokens[j][2].lower() in _DETERMINERS:
        j += 1
    if j > 0 and tokens[j][2].lower() in ("and", "or"):
        j -= 1  # "*national and* international trials": a coordinated modifier comes with its conjunct
    return tokens[j][0]


def _phrase_tokens(s: Sentence, a: int, b: int) -> list[Token]:
    return [(m.start() + a, m.end() + a, m.group()) for m in _TOKEN.finditer(s.text[a:b])]


def _phrase_meaning_focus(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str],
                          related: Related, threshold: float) -> tuple[list[Token], list[Token]] | None:
    """No phrase names the focus; take the one whose words mean most nearly the same
    ("facilities" / "cell factories"), if any reaches ``threshold``."""
    focus_word = next((w for t, w in zip(q.terms, q.term_words) if t == q.focus), "")
    if not focus_word:
        return None
    best, best_cos = None, threshold
    for a, b in view.phrases(s):
        tokens = _phrase_tokens(s, a, b)
        new = [t for t in tokens if _is_new(t[2], asked)]
        if not new:
            continue
        cos = related(focus_word, [t[2].lower() for t in new])
        if cos >= best_cos:
            best, best_cos = (tokens, new), cos
    return best


def _phrase_with_focus(q: Question, s: Sentence, view: CorpusView,
                       asked: frozenset[str]) -> tuple[list[Token], list[Token]] | None:
    # A phrase headed by the focus noun first ("particular CARCIK *cells*"), then one containing it.
    # Only the head itself may sit anywhere in a phrase: "the *largest* number" is no "largest hospital".
    for focus, headed in [(f, True) for f in reversed(q.focus_words)] + [(q.focus_words[-1], False)]:
        for a, b in view.phrases(s):
            tokens = _phrase_tokens(s, a, b)
            inside = tokens[-1:] if headed else tokens
            if not any(covers(stem(t[2].lower()), frozenset([focus])) for t in inside):
                continue
            new = [t for t in tokens if _is_new(t[2], asked) and t[2].lower() not in _VAGUE
                   and not any(c.isdigit() for c in t[2])]  # "*5* academic cell factories": how many, not which
            if new:
                return tokens, new
    return None


# Modifiers that say how many or that they differ, not which: "*different* departments", "*every* field".
_VAGUE = frozenset("different various several numerous many some other certain multiple every each all "
                   "diverse specific particular".split())


GOVERNOR_MEANING = 0.45  # "experienced" / "expert" 0.47; "experienced" / "competences" 0.35


def _preposition_governor(q: Question) -> str:
    """The word a fronted or stranded preposition belongs to: "... specially *skilled* in?",
    "In what procedure are they *experienced*?"."""
    tokens = words(q.text)
    if tokens and tokens[-1] == q.preposition:
        tokens = tokens[:-1]
    return tokens[-1] if tokens and tokens[-1] not in STOPWORDS else ""


def _preposition_object(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str],
                        related: Related | None = None) -> Span | None:
    """"In what are the hematologists expert?" -> the object of "in" after "expert" in the sentence."""
    if not q.preposition:
        return None
    toks = _tokens(s.text)
    places = [i for i, t in enumerate(toks) if t[2].lower() == q.preposition]
    if not places:
        return None

    def support(i: int) -> int:
        return sum(covers(stem(t[2].lower()), asked) for t in toks[max(0, i - 3):i] if t[2][0].isalnum())

    best = max(places, key=lambda i: (support(i), -i))
    if support(best) == 0 and len(places) > 1:
        # No "in" follows the question's words; the one after a word meaning what governs the
        # question's "in": "... *experienced* in?" -> "hematologists *expert* in stem cell transplant".
        governor = _preposition_governor(q)
        if not related or not governor:
            return None
        closeness = {i: related(governor, [toks[i - 1][2].lower()]) for i in places if i}
        best = max(closeness, key=closeness.get, default=-1)
        if best < 0 or closeness[best] < GOVERNOR_MEANING:
            return None
    after = toks[best][1]
    span = _phrase_at(s, view, after) or _run(toks, best + 1, 1, set())
    if span and q.focus in _PLACE_NOUNS and not s.text[span[0]].isupper():
        return None  # "In which city ...": "in molecular medicine" names no place
    if span and _new_words(s.text[span[0]:span[1]], asked):
        return s, *span
    return None


def _phrase_at(s: Sentence, view: CorpusView, position: int, complements: bool = True) -> tuple[int, int] | None:
    """The noun phrase starting right after ``position``, with its "of ..." complements (only
    those that continue a name, "Centres *of Excellence*", unless ``complements``)."""
    phrases = view.phrases(s)
    first = next(((a, b) for a, b in phrases if position <= a <= position + 2), None)
    if first is None:
        return None
    a, b = first
    while True:
        m = re.match(r"\s+of\s+", s.text[b:])
        nxt = m and next(((c, d) for c, d in phrases if c == b + m.end()), None)
        if not nxt or not (complements or s.text[nxt[0]].isupper()):
            break
        b = nxt[1]
    start = a
    for m in _TOKEN.finditer(s.text[a:b]):
        if m.group().lower() in _DETERMINERS or m.group() in _STOP_TOKENS:
            start = a + m.end()
            continue
        start = a + m.start()
        break
    return start, b


def _name(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str], anchor: int) -> Span | None:
    if refers_back(s.text) and not _names_subject(q, s, view) and q.answer_type != "PLACE":
        named = _antecedent_name(s, view)  # "The center ..." is INT; but INT is no place
        if named:
            return named
    spans = name_spans(s.text)
    first = re.match(r"[A-Z][\w'-]+", s.text)
    if first and first.group().lower() in view.proper and not any(a == 0 for a, _ in spans):
        spans.insert(0, first.span())  # a proper name opening the sentence ("Lombardy is ...")
    spans = [sp for sp in spans
             if not _all_asked(s.text[sp[0]:sp[1]], asked) and not _is_asked_name(s.text[sp[0]:sp[1]], q)
             and not _ADJECTIVE_OF_PLACE.match(s.text, sp[0])]
    if q.answer_type == "PLACE":  # a place is named as one: "in Pavia", "Milano-based"
        spans = [sp for sp in spans if re.search(r"\b(in|at|from|near)\s+$", s.text[max(0, sp[0] - 6):sp[0]])
                 or s.text[sp[1]:sp[1] + 6].startswith("-based")]
    if spans:
        return _nearest(s, spans, anchor)
    return None


def _names_subject(q: Question, s: Sentence, view: CorpusView) -> bool:
    """Does the question itself name what a referring sentence is about?"""
    prev = view.antecedent(s)
    if not prev or not q.entities:
        return False
    named = set(words(prev.text))
    return any(entity_grounded(e, frozenset(named | view.alias_words(named))) for e in q.entities)


def entity_grounded(entity: tuple[str, ...], context: frozenset[str], idf: Callable[[str], float] | None = None) -> bool:
    """Three quarters of a name's words are in ``context``, or half including (given ``idf``) its rarest.

    "Research Hospital Humanitas" is not grounded by "Hospital San Raffaele": the
    word that tells hospitals apart is missing.
    """
    hits = sum(covers(w, context) for w in entity)
    if hits * 2 < len(entity):
        return False
    if idf is not None and len(entity) > 1 and hits * 4 < 3 * len(entity):
        return covers(max(entity, key=lambda w: idf(stem(w))), context)
    return True


def _all_asked(span: str, asked: frozenset[str]) -> bool:
    content = [stem(w) for w in words(span) if w not in STOPWORDS]
    return bool(content) and all(covers(t, asked) for t in content)


def _is_asked_name(span: str, q: Question) -> bool:
    """"Research Hospital Humanitas" is Humanitas: a name headed by a name the question asks about.

    Only its head counts: "Milano-based Hospital San Raffaele" still answers "which hospital in Milano".
    """
    head = words(span)[-1:]
    named = frozenset(stem(w) for e in q.entities for w in e)
    return bool(head) and covers(stem(head[0]), named)


def _left_out(s: Sentence, asked: frozenset[str]) -> Span | None:
    """What the question leaves out of the sentence it restates.

    "What does INT carry out that is characterized by ..." / "INT carries out
    *a public service* characterized by ...": first the words between two of
    the question's words, else the words after them, else before.
    """
    toks = _tokens(s.text)
    matched = [i for i, (_, _, w) in enumerate(toks)
               if w[0].isalnum() and w.lower() not in STOPWORDS and covers(stem(w.lower()), asked)]
    if not matched:
        return None
    inside = set(matched)
    gaps = []
    for lo, hi in zip(matched, matched[1:]):
        between = toks[lo + 1:hi]
        if between and not any(t[2] in _STOP_TOKENS for t in between) and len(between) <= MAX_ANSWER_WORDS:
            run = _run(toks, lo + 1, 1, inside)
            if run and _new_words(s.text[run[0]:run[1]], asked):
                gaps.append(run)
    if gaps:
        a, b = max(gaps, key=lambda r: _new_words(s.text[r[0]:r[1]], asked))
        return s, a, b
    runs = [_run(toks, matched[-1] + 1, 1, inside), _run(toks, matched[0] - 1, -1, inside)]
    runs = [r for r in runs if r and _new_words(s.text[r[0]:r[1]], asked)]
    if not runs:
        return None
    a, b = max(runs, key=lambda r: _new_words(s.text[r[0]:r[1]], asked))
    return s, a, b


def _run(toks: list[tuple[int, int, str]], i: int, step: int, matched: set[int]) -> tuple[int, int] | None:
    """Up to MAX_ANSWER_WORDS tokens from ``i`` in direction ``step``, stopping at punctuation
    or at another question word; leading function words are skipped."""
    picked: list[int] = []
    while 0 <= i < len(toks):
        word = toks[i][2]
        if word in _STOP_TOKENS or i in matched or len(picked) >= MAX_ANSWER_WORDS:
            break
        if picked or word.lower() not in STOPWORDS:
            picked.append(i)
        i += step
    while picked and toks[picked[-1]][2].lower() in STOPWORDS:
        picked.pop()
    if not picked:
        return None
    lo, hi = min(picked), max(picked)
    return toks[lo][0], toks[hi][1]


def _is_new(word: str, asked: frozenset[str]) -> bool:
    return word[0].isalnum() and word.lower() not in STOPWORDS and not covers(stem(word.lower()), asked)


def _new_words(piece: str, asked: frozenset[str]) -> int:
    return sum(not covers(stem(w), asked) for w in words(piece) if w not in STOPWORDS)
