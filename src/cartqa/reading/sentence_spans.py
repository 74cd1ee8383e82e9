"""Spans of a sentence, and the token helpers every span rule shares.

A span is ``(sentence, start, end)``, offsets within the sentence's text.

>>> tokenize("INT has 400,000 visits.")[2]
(8, 15, '400,000')
>>> text = "INT is the Italian coordinator."
>>> text[slice(*token_run(tokenize(text), 2, 1, set()))]
'Italian coordinator'
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cartqa.corpus.text import STOPWORDS, stem, words
from cartqa.reading.grounding import CorpusView, Sentence, covers
from cartqa.reading.question import NAMED_KINDS, Question
from cartqa.reading.spans import nearest

Span = tuple[Sentence, int, int]


TOKEN = re.compile(r"\d[\d,.]*\d|[\w'-]+|[^\w\s]")  # "400,000" is one token


STOP_TOKENS = frozenset(",;:.()[]\"!?“”")


MAX_ANSWER_WORDS = 10


NAMED_KIND_STEMS = frozenset(stem(w) for w in NAMED_KINDS)


PLACE_NOUNS = frozenset(stem(w) for w in "city town region country nation place area village province".split())


DETERMINERS = frozenset("a an the this that these those its their his her our".split())


# Modifiers that say how many or that they differ, not which: "*different* departments", "*every* field".
VAGUE = frozenset("different various several numerous many some other certain multiple every each all "
                   "diverse specific particular".split())


Token = tuple[int, int, str]
# A place's adjective ("Italian"); before a noun ("the *European* consortium") it names no place.
DEMONYM = re.compile(r"\b[A-Z][a-z]+(?:an|ese|ish)\b")
ADJECTIVE_OF_PLACE = re.compile(DEMONYM.pattern + r"\s+[a-z]")


def tokenize(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) for the words, numbers ("400,000") and punctuation of ``text``."""
    return [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]


def anchor_position(text: str, asked: frozenset[str]) -> int:
    """Character position of the question's terms in the sentence (their mean)."""
    positions = [m.start() for m in re.finditer(r"[\w'-]+", text) if covers(stem(m.group().lower()), asked)]
    return sum(positions) // len(positions) if positions else 0


def nearest_span(s: Sentence, spans: list[tuple[int, int]], anchor: int) -> Span | None:
    """Of ``spans`` in ``s``, the one starting nearest ``anchor``, as a span of ``s`` (None if none)."""
    found = nearest(spans, anchor)
    return (s, *found) if found else None


def has_name(span: Span) -> bool:
    """Does the span hold a capitalised word ("Milano-based *Hospital San Raffaele*")?"""
    s, a, b = span
    return any(w[:1].isupper() for w in re.findall(r"[\w'-]+", s.text[a:b]))


def first_conjunct(span: Span | None) -> Span | None:
    """"gynecology and senology" -> "gynecology": the first of what a span coordinates, if it does."""
    if span is None:
        return None
    s, a, b = span
    m = re.match(r"\s*((?:[\w'-]+\s+){0,2}[\w'-]+)\s*(?:,|\band\b|\bor\b)", s.text[a:b])
    return (s, a + m.start(1), a + m.end(1)) if m else None


def phrase_at(s: Sentence, view: CorpusView, position: int, complements: bool = True) -> tuple[int, int] | None:
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
    for m in TOKEN.finditer(s.text[a:b]):
        if m.group().lower() in DETERMINERS or m.group() in STOP_TOKENS:
            start = a + m.end()
            continue
        start = a + m.start()
        break
    return start, b


def phrase_tokens(s: Sentence, a: int, b: int) -> list[Token]:
    """:func:`tokenize` of ``s.text[a:b]``, with offsets in the sentence."""
    return [(m.start() + a, m.end() + a, m.group()) for m in TOKEN.finditer(s.text[a:b])]


def all_asked(span: str, asked: frozenset[str]) -> bool:
    """Is every content word of ``span`` one the question has (so the span tells nothing new)?"""
    content = [stem(w) for w in words(span) if w not in STOPWORDS]
    return bool(content) and all(covers(t, asked) for t in content)


def is_asked_name(span: str, q: Question) -> bool:
    """"Research Hospital Humanitas" is Humanitas: a name headed by a name the question asks about.

    Only its head counts: "Milano-based Hospital San Raffaele" still answers "which hospital in Milano".
    """
    head = words(span)[-1:]
    named = frozenset(stem(w) for e in q.entities for w in e)
    return bool(head) and covers(stem(head[0]), named)


def is_new(word: str, asked: frozenset[str]) -> bool:
    """A content word the question does not have."""
    return word[0].isalnum() and word.lower() not in STOPWORDS and not covers(stem(word.lower()), asked)


def new_words(piece: str, asked: frozenset[str]) -> int:
    """How many content words of ``piece`` the question does not have."""
    return sum(not covers(stem(w), asked) for w in words(piece) if w not in STOPWORDS)


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


def token_run(toks: list[tuple[int, int, str]], i: int, step: int, matched: set[int]) -> tuple[int, int] | None:
    """Up to MAX_ANSWER_WORDS tokens from ``i`` in direction ``step``, stopping at punctuation
    or at another question word; leading function words are skipped."""
    picked: list[int] = []
    while 0 <= i < len(toks):
        word = toks[i][2]
        if word in STOP_TOKENS or i in matched or len(picked) >= MAX_ANSWER_WORDS:
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
