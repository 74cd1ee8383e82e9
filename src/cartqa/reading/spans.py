"""Candidate answer spans inside one sentence, by answer type. Pure functions.

>>> s = "INT has 464 inpatient beds and provides more than 400,000 outpatient visits per year."
>>> [s[a:b] for a, b in number_spans(s)]
['464', 'more than 400,000']
"""

from __future__ import annotations

import re

from cartqa.corpus.text import NUMBER_WORDS

# "one" is left out: "one of the main contributors" is rarely a count. Multipliers
# ("thousand") only follow a count.
_NUMBER_WORDS = "|".join(sorted(w for w in NUMBER_WORDS - {"one"} if not re.match(r"dozen|thousand|million", w)))
_QUALIFIER = r"(?:(?:more|less|fewer) than|over|about|around|almost|nearly|up to|at least|some)\s+"
_NUMBER = re.compile(rf"(?:{_QUALIFIER})?(?<![\w-])(?:\d[\d,.]*\d|\d|(?:{_NUMBER_WORDS})(?=[\s-]))(?:\s*%| percent)?", re.I)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_NAME = re.compile(
    r"\"[^\"]{2,60}\"(?:\s*-\s*[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)*)?"  # "Stefano Verri" - ASST Monza
    r"|(?:[A-Z][\w'.-]*|\d+)(?:\s+(?:(?:of|for|and|the|de|di|del|della)\s+)*(?:[A-Z][\w'.-]*|[IVX]+\b))*"
)
_CLAUSE_START = re.compile(r"\b(?:is to|are to|was to|aimed at|aims to|in order to|so as to|such as|as)\s+", re.I)


def year_spans(sentence: str) -> list[tuple[int, int]]:
    """Four-digit years."""
    return [m.span(1) for m in _YEAR.finditer(sentence)]


_DURATION = re.compile(rf"(?<![\w-])(?:{_QUALIFIER})?(?:\d+|a|an|one|{_NUMBER_WORDS})[\s-]"
                       r"(?:years?|months?|weeks?|days?|decades?)(?:-long)?(?![\w-])", re.I)


def duration_spans(sentence: str) -> list[tuple[int, int]]:
    """Lengths of time: "three-year", "10 years", "over two decades".

    >>> s = "In 2020 it started the three-year project, for 10 months."
    >>> [s[a:b] for a, b in duration_spans(s)]
    ['three-year', '10 months']
    """
    return [m.span() for m in _DURATION.finditer(sentence)]


def number_spans(sentence: str) -> list[tuple[int, int]]:
    """Numbers with their qualifier ("more than 400,000"); years excluded."""
    out = []
    for m in _NUMBER.finditer(sentence):
        a, b = m.span()
        while b > a and sentence[b - 1] in ".,":
            b -= 1
        if not _YEAR.fullmatch(sentence[a:b]) and _digits_or_words(sentence[a:b]):
            out.append((a, b))
    return out


def _digits_or_words(span: str) -> bool:
    return bool(re.search(rf"\d|\b(?:{_NUMBER_WORDS})\b", span, re.I))


def name_spans(sentence: str) -> list[tuple[int, int]]:
    """Capitalised runs, quoted names and acronyms; the sentence's first word alone is skipped."""
    out = []
    for m in _NAME.finditer(sentence):
        a, b = m.span()
        text = sentence[a:b]
        if a == 0 and " " not in text and not text.isupper():
            continue
        if text.isdigit():
            continue
        while b > a and sentence[b - 1] in ".,;:'":
            b -= 1
        out.append((a, b))
    return out


def clause_after(sentence: str, position: int) -> tuple[int, int] | None:
    """The clause introduced by "is to", "aimed at", "such as" ... at or after ``position``.

    >>> s = "The goal of X is to bring EU to the forefront, extending its reach."
    >>> a, b = clause_after(s, 0); s[a:b]
    'bring EU to the forefront'
    """
    m = _CLAUSE_START.search(sentence, position)
    if not m:
        return None
    end = re.search(r"[,;:.(]|\s+-\s+|$", sentence[m.end():])
    return m.end(), m.end() + (end.start() if end else len(sentence) - m.end())


# What introduces a reason or purpose; "for" only before a possessive ("recognized ... *for its* research"),
# since "for" mostly says what for or how long ("wait for a bed"), not why.
_REASON_START = re.compile(r"\b(?:because of|because|due to|owing to|thanks to|as a result of|in recognition of"
                           r"|aimed at|aiming at|aims to|aiming to|in order to|so as to"  # a purpose says why too
                           r"|for(?= (?:its|their|his|her) ))\s+(?:(?:its|their|his|her|the|an?)\s+)?", re.I)


def reason_spans(sentence: str) -> list[tuple[int, int]]:
    """What each reason marker of ``sentence`` introduces, up to the next punctuation.

    Words in brackets are an aside, never the reason.

    >>> s = "It is recognized as IRCCS (Institute for Research) for its research in medicine, and more."
    >>> [s[a:b] for a, b in reason_spans(s)]
    ['research in medicine']
    >>> reason_spans("Patients wait for a bed.")  # "for" says what for, not why
    []
    """
    plain = re.sub(r"\([^()]*\)", lambda m: " " * len(m.group()), sentence)
    out = []
    for m in _REASON_START.finditer(plain):
        end = re.search(r"\s*(?:[,;:.(]|\s-\s|$)", sentence[m.end():])
        span = (m.end(), m.end() + (end.start() if end else len(sentence) - m.end()))
        if span[1] > span[0]:
            out.append(span)
    return out


def nearest(spans: list[tuple[int, int]], anchor: int) -> tuple[int, int] | None:
    """The span starting closest to ``anchor``: ``nearest([(0, 4), (20, 24)], 18)`` -> ``(20, 24)``."""
    return min(spans, key=lambda sp: abs(sp[0] - anchor)) if spans else None
