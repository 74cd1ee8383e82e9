"""How the documents write each content word: in lower case, with a capital, in capitals.

The Italian reader tells a name's words from common ones by this ("Ospedale" only ever inside
names; "beds" written in lower case). Worked out over every chunk, it took 3.6 s of a process's
first Italian question at 1,000 documents, so the build works it out per document and sums it
with the other word counts (:mod:`cartqa.corpus.wordstats`).

>>> seen = written(["The Ospedale Maggiore has beds.", "CAR-T beds, INT"])
>>> sorted(seen.items())
[('beds', {'lower'}), ('car-t', {'upper'}), ('int', {'upper'}), ('maggiore', {'capital'}), ('ospedale', {'capital'})]
>>> by_shape(seen)
(('beds',), ('maggiore', 'ospedale'), ('car-t', 'int'))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from cartqa.corpus.normalize import fold
from cartqa.corpus.text import STOPWORDS

TOKEN = re.compile(r"[^\W\d_]+['’](?=\w)|\w[\w'’-]*|[^\w\s]")
SHAPES = ("lower", "capital", "upper")


def shape(token: str) -> str:
    letters = [c for c in token if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return "upper"
    return "capital" if token[:1].isupper() else "lower"


def written(texts: Iterable[str]) -> dict[str, set[str]]:
    """Each folded content word of ``texts`` and the shapes it is written in."""
    seen: dict[str, set[str]] = {}
    for text in texts:
        for token in TOKEN.findall(text):
            word = fold(token).strip("'’-")
            if word and word not in STOPWORDS and any(c.isalpha() for c in word) and word[:1].isalnum():
                seen.setdefault(word, set()).add(shape(token))
    return seen


def by_shape(seen: Mapping[str, Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    """The words written in each of :data:`SHAPES`, sorted: a word written two ways is in both."""
    seen = {w: set(shapes) for w, shapes in seen.items()}
    return tuple(tuple(sorted(w for w, shapes in seen.items() if kind in shapes)) for kind in SHAPES)
