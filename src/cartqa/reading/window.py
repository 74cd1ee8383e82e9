"""A readable window of a long sentence: the words around its likeliest span, at most :data:`WORDS`.

When no short answer is sure, the reader shows the sentence that may answer. A sentence of
a list or a long Wikipedia period runs to 60-100 words: shown whole, it is a paragraph to
read for the one fact asked. The window keeps the marked span and as many words on each
side as fit, balanced. Pure: offsets in, offsets out.

>>> text = " ".join(f"w{i}" for i in range(100))
>>> a, b = window(text, text.index("w50"), text.index("w50") + 3, words=5)
>>> text[a:b]
'w48 w49 w50 w51 w52'
>>> window("Short sentences stay whole.", 0, 5)
(0, 27)
"""

from __future__ import annotations

import re

# Words of a passage shown in place of a short answer. Of the development sets' passages that
# held the answer, 15% ran longer (wiki 20%); a window of this many words around the likeliest
# span still held it in 34 of those 35 (2026-12-06). The evaluation counts a passage of more
# words as not read (cartqa.evaluation.metrics).
WORDS = 40

_WORD = re.compile(r"\S+")


def window(text: str, start: int, end: int, words: int = WORDS) -> tuple[int, int]:
    """Offsets within ``text`` of at most ``words`` whole words around ``text[start:end]``.

    The whole text when it is short enough; the span's first ``words`` words when the span
    alone is longer; else the span with the words before and after it shared evenly (what one
    side lacks, the other gets).

    >>> t = "one two three four five six seven"
    >>> t[slice(*window(t, 0, 3, words=3))]
    'one two three'
    >>> t[slice(*window(t, t.index("six"), t.index("six") + 3, words=4))]
    'four five six seven'
    """
    spans = [m.span() for m in _WORD.finditer(text)]
    if len(spans) <= words:
        return (spans[0][0], spans[-1][1]) if spans else (0, len(text))
    first = next((i for i, (_, b) in enumerate(spans) if b > start), len(spans) - 1)
    last = max(first, next((i for i in range(len(spans) - 1, -1, -1) if spans[i][0] < end), first))
    if last - first + 1 >= words:
        return spans[first][0], spans[first + words - 1][1]
    room = words - (last - first + 1)
    before = min(first, room // 2)
    after = min(len(spans) - 1 - last, room - before)
    before = min(first, room - after)
    return spans[first - before][0], spans[last + after][1]


def cut_marks(text: str, a: int, b: int) -> tuple[str, str]:
    """The "…" to show before and after ``text[a:b]``: where words of ``text`` were left out.

    >>> cut_marks("one two three four", 4, 7), cut_marks("one two", 0, 7)
    (('…', '…'), ('', ''))
    """
    return ("…" if text[:a].strip() else ""), ("…" if text[b:].strip() else "")
