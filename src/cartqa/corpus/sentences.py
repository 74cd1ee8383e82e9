"""Sentence spans in normalised text, with no model.

A full stop ends a sentence unless it follows an initial ("G. Lanzani") or a
common abbreviation; a paragraph break always does.

>>> text = 'Founded by G. Lanzani in 1928. It has 464 beds.\\n\\nA list without a stop'
>>> [text[s:e] for s, e in sentence_spans(text)]
['Founded by G. Lanzani in 1928.', 'It has 464 beds.', 'A list without a stop']
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st sr jr vs etc e.g i.e fig no nos vol approx dept inc ltd co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec ca cf al".split()
)
# A candidate boundary: terminal punctuation, optional closing quote/bracket, space,
# then something that can start a sentence. A web address a sentence ends with (scraped pages
# cite so: "not fair. http://www.kas.de/… A White Book") is a sentence of its own.
# (An address ends on no stop, so "Visit www.x.org. The end." still ends at its stop; it starts
# after a space, so a long run without spaces is scanned once, not once per "www." in it.)
_URL = r"(?:https?://|www\.)"
_BOUNDARY = re.compile(rf"(?:[.!?][\"')\]]*|(?<!\S){_URL}\S*[^\s.!?\"')\]])\s+(?=[\"'(\[]?(?:[A-Z0-9]|{_URL}))")


# No prose sentence is this long (the seed corpus's longest is 351 characters): a longer one is a
# table, a log or a list with no full stop. It is cut at white space, so chunks, the parser and the
# reader each get pieces of a bounded size however big the file.
LONGEST = 3000


_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")  # "R.A." (Fisher), "J.R.R." (Tolkien)


def _is_abbreviation(text: str, dot: int) -> bool:
    """Is the word before the full stop at ``dot`` an initial (or initials) or a common abbreviation?

    >>> _is_abbreviation("Founded by G. Lanzani", 12), _is_abbreviation("in 1928. It", 7)
    (True, False)
    >>> _is_abbreviation("by R.A. Fisher", 6)
    True
    """
    token = _word_before(text, dot).lower().rstrip(".")
    return bool(token) and (len(token) == 1 or token in _ABBREVIATIONS or bool(_INITIALS.fullmatch(token)))


def _word_before(text: str, end: int) -> str:
    r"""The run of word characters and dots that ends at ``end`` (or just before a newline there).

    What ``re.search(r"[\w.]+$", text[:end])`` finds, read backwards from ``end``: that search
    copies and scans the whole text before each full stop, which made splitting a document
    quadratic in its length (most of a new process's start at 100 documents).

    >>> _word_before("by G. Lanzani", 4), _word_before("line e.g\n", 9), _word_before("a ", 2)
    ('G', 'e.g', '')
    """
    if end and text[end - 1] == "\n":  # "$" also matches before a final newline
        end -= 1
    start = end
    while start and (text[start - 1].isalnum() or text[start - 1] in "_."):
        start -= 1
    return text[start:end]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of each sentence, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]+)*", text):
        start = para.start()
        for m in _BOUNDARY.finditer(para.group()):
            dot = para.start() + m.start()
            if text[dot] == "." and _is_abbreviation(text, dot):
                continue
            if text[dot] not in ".!?" and text[start:dot].strip():
                continue  # an address inside a sentence ("see http://x.org Section 3") ends nothing
            end = para.start() + m.end()
            spans.append((start, end))
            start = end
        spans.append((start, para.end()))
    return [_trim(text, s, e) for start, end in spans for s, e in _bounded(text, start, end) if text[s:e].strip()]


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut into stretches of at most :data:`LONGEST` characters, at white space if any.

    >>> _bounded("aaa bbb ccc", 0, 11) == [(0, 11)]
    True
    """
    out = []
    while end - start > LONGEST:
        cut = text.rfind(" ", start, start + LONGEST) + 1
        cut = cut if cut > start else start + LONGEST
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
