"""The corpus's words as the Italian reader needs them: which are common, which only in names.

>>> v = Vocabulary.of(["The Ospedale Maggiore has beds.", "CAR-T beds"], is_english=lambda w: w != "ospedale")
>>> sorted(v.foreign), "beds" in v.common
(['ospedale'], True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from cartqa.corpus.shapes import TOKEN, by_shape, shape, written

__all__ = ["TOKEN", "Vocabulary", "has_digit", "shape", "western"]


def has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def western(word: str) -> bool:
    """Is ``word`` spelt in Latin letters as Western European languages write them (ASCII, Latin-1,
    Latin Extended-A)?

    >>> western("città"), western("Łódź"), western("ttafgeɣ"), western("პალეოგრაფია")
    (True, True, False, False)
    """
    return all(ord(c) < 0x180 for c in word)


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
        return cls.from_written(by_shape(written(texts)), is_english)

    @classmethod
    def from_written(cls, groups: Sequence[Iterable[str]], is_english: Callable[[str], bool] = lambda w: True
                     ) -> Vocabulary:
        """The vocabulary of the words written in lower case, with a capital and in capitals
        (:func:`cartqa.corpus.shapes.by_shape`; the index stores them for its corpus:
        :attr:`cartqa.corpus.wordstats.CorpusWords.written`)."""
        lower, capital, upper = (frozenset(g) for g in groups)
        seen = lower | capital | upper
        foreign = frozenset(w for w in seen if w not in lower and not is_english(w))
        # an aligned word is written other than in capitals somewhere ("CAR-T" is a name's)
        # A word written in lower case must be English: e5 put Italian words nearest the Georgian,
        # Kabyle and Albanian words some Wikipedia articles quote ("scenografia" -> "პალეოგრაფია",
        # "lavorava" -> "ttafgeɣ", "notizie" -> "lajme"). A name (only ever capitalised) may be
        # any word spelt in Western Latin letters.
        targets = tuple(sorted(w for w in seen if (is_english(w) if w in lower else w in capital)
                               and not has_digit(w) and western(w)))
        return cls(seen, lower, capital, foreign, targets)
