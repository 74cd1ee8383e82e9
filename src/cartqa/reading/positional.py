"""Answers found by their place in the sentence: its subject, a name, or the words the question leaves out.

These are the last resort of :func:`cartqa.reading.picking.pick`, so each is guarded by checks that
its words are of the kind asked for (a place is a name, a who-answer holds a noun phrase's head).

>>> from cartqa.reading.grounding import CorpusView
>>> from cartqa.reading.question import analyse
>>> from cartqa.records import Chunk
>>> text = "INT carries out a public service characterized by research."
>>> s = CorpusView([Chunk("d", text, 0, len(text))]).sentences["d"][0]
>>> q = analyse("What does INT carry out that is characterized by research?")
>>> _, a, b = left_out(s, frozenset(q.terms))
>>> text[a:b]
'public service'
"""

from __future__ import annotations

import re

from cartqa.corpus.text import STOPWORDS, stem, words
from cartqa.reading.grounding import CorpusView, Sentence, covers, refers_back, stems
from cartqa.reading.question import Question
from cartqa.reading.sentence_spans import (
    ADJECTIVE_OF_PLACE,
    DEMONYM,
    MAX_ANSWER_WORDS,
    NAMED_KIND_STEMS,
    PLACE_NOUNS,
    STOP_TOKENS,
    Span,
    all_asked,
    entity_grounded,
    first_conjunct,
    has_name,
    is_asked_name,
    nearest_span,
    new_words,
    token_run,
    tokenize,
)
from cartqa.reading.spans import name_spans

_PRONOUN_START = re.compile(r"(?:It|Its|They|Their|He|She|His|Her)\b")


def positional_answer(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str], anchor: int) -> Span | None:
    """Answers found by their place in the sentence: its subject, a name, the words left out."""
    if q.answer_type == "PLACE" and q.focus in PLACE_NOUNS and not covers(q.focus, frozenset(stems(s.text))):
        # "Which region ...": only a name written as a place, when the sentence speaks of no region.
        return _name(q, s, view, asked, anchor) or _place_word(q, s, asked, anchor)
    return (_subject(q, s, view, asked)
            or (_name(q, s, view, asked, anchor) if q.answer_type in ("NAME", "PLACE") else None)
            or (_place_word(q, s, asked, anchor) if q.answer_type == "PLACE" else None)
            or _typed_left_out(q, s, view, asked))


_SCOPES = ("nationally", "internationally", "worldwide", "globally", "locally", "regionally", "abroad", "nationwide",
           "overseas")
_SCOPE = "(?:" + "|".join(_SCOPES) + ")"
SCOPE_ADVERBS = re.compile(rf"\b(?:both\s+)?{_SCOPE}(?:,?\s+(?:and|or)\s+{_SCOPE})?\b", re.I)
# Where something holds, as a choice may offer it: "only in Italy, or *abroad* too?"
SCOPE_WORDS = frozenset((*_SCOPES, "national", "international", "domestically"))

_NATION_NOUNS = frozenset(stem(w) for w in "country nation state".split())


_CONTINENTAL = frozenset({"European", "Asian", "African", "Oceanian", "Mediterranean", "Scandinavian"})


def _place_word(q: Question, s: Sentence, asked: frozenset[str], anchor: int) -> Span | None:
    """A place the sentence says without naming it: "where ... adopted?" -> "both *nationally and
    internationally*"; "for which country?" -> "the *Italian* coordinator" (a country's adjective)."""
    if q.focus in _NATION_NOUNS:  # "the *European* consortium" names a continent, no country
        spans = [m.span() for m in DEMONYM.finditer(s.text)
                 if not covers(stem(m.group().lower()), asked) and m.group() not in _CONTINENTAL]
    elif not q.focus:
        spans = [m.span() for m in SCOPE_ADVERBS.finditer(s.text)]
    else:
        return None
    return nearest_span(s, spans, anchor)


def _typed_left_out(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str]) -> Span | None:
    """The words the question leaves out, when nothing says they are of the wrong kind.

    A place is a name ("in Pavia"), not whatever words are left ("national level");
    "name one of ..." wants one member, not all the leftover words; the rest of a name
    the question gives is not news; a name is a noun phrase, so it holds one's head; and a
    subject runs on into its verb only in a clause, never in an answer.
    """
    if q.answer_type == "PLACE":
        return None
    span = _verb_object(q, s, view, asked)
    if span is None and q.object_of.endswith("ing") and not q.focus:
        # "what are they skilled at *managing*?": the object of a verb the sentence does not use is not
        # known; "what *problems* ... managing?" still says what kind of thing the left-out words must be
        return None
    span = span or left_out(s, asked)
    if span and any(a < span[2] and span[1] < b and is_asked_name(s.text[a:b], q) for a, b in name_spans(s.text)):
        return None  # "Research" is left of "Humanitas", but part of its name
    if span and any(a <= span[1] and span[2] <= b and (a, b) != span[1:] for a, b in name_spans(s.text)):
        return None  # a piece of a name ("Research" of "Scientific Institute for Research and Healthcare")
    # Who, or what the question's verb takes: a thing, so a noun phrase's head; not "dedicated" of
    # "a CAR-T dedicated unit", nor "strives" (a kind may be an adjective: "allogeneic")
    if (span and (q.answer_type == "NAME" or q.object_of) and view.phrases(s)
            and not any(span[1] < b <= span[2] for _, b in view.phrases(s))):
        return None
    if (span and q.answer_type == "NAME" and view.phrases(s)
            and not any(a <= span[1] < b for a, b in view.phrases(s))):
        return None  # who-answers start as a noun phrase: not "divided into different departments"
    if span and q.focus in NAMED_KIND_STEMS and not has_name(span):
        return None  # "which institute": a name, not "divided into different departments"
    subject = view.subject(s)
    if (span and subject and span[1] <= subject[0] and subject[1] < span[2]
            and re.search(r"\w", s.text[subject[1]:span[2]])):
        return None  # "Lombardy Region started the three-year": a subject with its verb is no one thing
    return first_conjunct(span) if q.single else span


def _verb_object(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str]) -> Span | None:
    """"What does INT *provide*?" -> "INT has 464 beds and provides *more than 400,000 visits*":
    the words right after the question's verb (or a verb of its sense: "pair" / "coupled with"),
    not whichever words the question leaves out."""
    if not q.object_of:
        return None
    verb = frozenset([stem(q.object_of)])
    toks = tokenize(s.text)
    matched = {i for i, (_, _, w) in enumerate(toks) if w[0].isalnum() and covers(stem(w.lower()), asked)}
    for i, (_, _, w) in enumerate(toks):
        # the verb, or its noun with the object after "of": "expert in the *treatment of* toxic effects"
        noun = (_NOMINAL.fullmatch(w.lower()[len(stem(q.object_of)):]) and w.lower().startswith(stem(q.object_of))
                and i + 1 < len(toks) and toks[i + 1][2] == "of")
        said = covers(stem(w.lower()), verb) or (w.isalpha() and view.same_action(q.object_of, w.lower()))
        if w[0].isalnum() and (said or noun):
            run = token_run(toks, i + 1, 1, matched)
            if run and new_words(s.text[run[0]:run[1]], asked):
                return s, *run
    return None


_NOMINAL = re.compile(r"ments?|(?:at)?ions?|ances?|ences?|als?")


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
    if all_asked(s.text[a:b], asked | _aliases_of(view, asked)) or is_asked_name(s.text[a:b], q):
        return None
    head = words(re.split(r"\bof\b", s.text[a:b])[0])[-1:]
    if q.focus in NAMED_KIND_STEMS and a == 0 and head and head[0] not in view.proper and not s.text[a:b].isupper():
        return None  # "*Partner* of the Plagencell Project is also the Hospital San Raffaele": no name
    return s, a, b


def _aliases_of(view: CorpusView, asked: frozenset[str]) -> frozenset[str]:
    """Stems of the other names of what ``asked`` names: its acronym, or its long form.

    A long form counts as named when three quarters of its words are, spelt closely: "Istituto
    Nazionale dei Tumori di Milano", read as "National Institute of tumors of Milano", is INT.
    """
    out = {stem(w) for w in view.alias_words(set(asked))}
    for short, long in view.aliases.items():
        if sum(covers(stem(w), asked) for w in long) * 4 >= 3 * len(long) >= 6:
            out |= {stem(short), *(stem(w) for w in long)}
    return frozenset(out)


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
    if subject and not refers_back(prev.text[subject[0]:subject[1]]) and has_name((prev, *subject)):
        # "The center is ..." after "The National Cancer Institute ... stands as a center of excellence":
        # what the earlier sentence calls a center is its subject
        return prev, *subject
    return None


def _name(q: Question, s: Sentence, view: CorpusView, asked: frozenset[str], anchor: int) -> Span | None:
    if refers_back(s.text) and not _names_subject(q, s, view) and q.answer_type != "PLACE":
        named = _antecedent_name(s, view)  # "The center ..." is INT; but INT is no place
        if named:
            return named
    spans = name_spans(s.text)
    first = re.match(r"[A-Z][\w'-]+", s.text)
    if first and first.group().lower() in view.proper and not any(a == 0 for a, _ in spans):
        spans.insert(0, first.span())  # a proper name opening the sentence ("Lombardy is ...")
    # not a name the question gives, nor its other name ("Who founded the National Cancer Institute?" is not INT)
    named = asked | _aliases_of(view, frozenset(w for e in q.entities for w in e))
    spans = [sp for sp in spans
             if not all_asked(s.text[sp[0]:sp[1]], named) and not is_asked_name(s.text[sp[0]:sp[1]], q)
             and not ADJECTIVE_OF_PLACE.match(s.text, sp[0]) and not _capital_by_position(s.text, sp, view)]
    if q.answer_type == "PLACE":  # a place is named as one: "in Pavia", "Milano-based"
        spans = [sp for sp in spans if re.search(r"\b(in|at|from|near)\s+$", s.text[max(0, sp[0] - 6):sp[0]])
                 or s.text[sp[1]:sp[1] + 6].startswith("-based")]
    if spans:
        return nearest_span(s, spans, anchor)
    return None


def _capital_by_position(text: str, span: Span, view: CorpusView) -> bool:
    """"*Partner of the Plagencell Project* is also ...": a run opening the sentence whose first word
    the corpus never capitalises elsewhere is capitalised by its place, not a name."""
    first = words(text[span[0]:span[1]])[:1]
    return span[0] == 0 and bool(first) and first[0] not in view.proper and not text[span[0]:span[1]].split()[0].isupper()


def _names_subject(q: Question, s: Sentence, view: CorpusView) -> bool:
    """Does the question itself name what a referring sentence is about?"""
    prev = view.antecedent(s)
    if not prev or not q.entities:
        return False
    named = set(words(prev.text))
    return any(entity_grounded(e, frozenset(named | view.alias_words(named))) for e in q.entities)


def left_out(s: Sentence, asked: frozenset[str]) -> Span | None:
    """What the question leaves out of the sentence it restates.

    "What does INT carry out that is characterized by ..." / "INT carries out
    *a public service* characterized by ...": first the words between two of
    the question's words, else the words after them, else before.
    """
    toks = tokenize(s.text)
    matched = [i for i, (_, _, w) in enumerate(toks)
               if w[0].isalnum() and w.lower() not in STOPWORDS and covers(stem(w.lower()), asked)]
    if not matched:
        return None
    inside = set(matched)
    gaps = []
    for lo, hi in zip(matched, matched[1:]):
        between = toks[lo + 1:hi]
        if between and not any(t[2] in STOP_TOKENS for t in between) and len(between) <= MAX_ANSWER_WORDS:
            run = token_run(toks, lo + 1, 1, inside)
            if run and new_words(s.text[run[0]:run[1]], asked):
                gaps.append(run)
    if gaps:
        a, b = max(gaps, key=lambda r: new_words(s.text[r[0]:r[1]], asked))
        return s, a, b
    runs = [token_run(toks, matched[-1] + 1, 1, inside), token_run(toks, matched[0] - 1, -1, inside)]
    runs = [r for r in runs if r and new_words(s.text[r[0]:r[1]], asked)]
    if not runs:
        return None
    a, b = max(runs, key=lambda r: new_words(s.text[r[0]:r[1]], asked))
    return s, a, b
