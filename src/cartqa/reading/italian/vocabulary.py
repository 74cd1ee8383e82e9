"""The corpus's words as the Italian reader needs them: which are common, which only in names.

>>> v = Vocabulary.of(["The Ospedale Maggiore has beds.", "CAR-T beds"], is_english=lambda w: w != "ospedale")
>>> sorted(v.foreign), "beds" in v.common
(['ospedale'], True)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cartqa.corpus.normalize import fold
from cartqa.corpus.text import STOPWORDS

TOKEN = re.compile(r"[^\W\d_]+['’](?=\w)|\w[\w'’-]*|[^\w\s]")


def shape(token: str) -> str:
    letters = [c for c in token if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return "upper"
    return "capital" if token[:1].isupper() else "lower"


def has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


@dataclass(frozen=True)
class Vocabulary:
    """The corpus words, folded, by how the documents write them."""

    words: frozenset[str]  # every content word
    common: frozenset[str]  # written in lower case somewhere
    capitalised: frozenset[str]  # written with a capital somewhere: part of a name
    foreign: frozenset[str]  # only ever inside names and not English ("ospedale", "maggiore")
    targets: tuple[str, ...]  # what question words may align to: not acronyms, not numbers

    @classmethod
    def of(cls, texts: Iterable[str], is_english: Callable[[str], bool] = lambda w: True) -> Vocabulary:
        """Content words of ``texts``; ``is_english`` tells English words from the rest of a name."""
        seen: dict[str, set[str]] = {}
        for text in texts:
            for token in TOKEN.findall(text):
                word = fold(token).strip("'’-")
                if word and word not in STOPWORDS and any(c.isalpha() for c in word) and word[:1].isalnum():
                    seen.setdefault(word, set()).add(shape(token))
        common = frozenset(w for w, shapes in seen.items() if "lower" in shapes)
        foreign = frozenset(w for w in seen if w not in common and not is_english(w))
        targets = tuple(sorted(w for w, shapes in seen.items() if shapes != {"upper"} and not has_digit(w)))
        capitalised = frozenset(w for w, shapes in seen.items() if "capital" in shapes)
        return cls(frozenset(seen), common, capitalised, foreign, targets)
