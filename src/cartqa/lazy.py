"""A read-only mapping whose values are made when first asked for, then kept.

A question reads a few documents of a corpus: the index's documents, their sentences and their
parses are made one at a time as questions ask for them, not all at load (at 1,000 documents,
making all of them took ~0.5 s of a new process's start).

>>> made = []
>>> squares = LazyMapping([2, 3], lambda k: made.append(k) or k * k)
>>> squares[3], squares[3], made, 2 in squares, 4 in squares, list(squares), squares.made
(9, 9, [3], True, False, [2, 3], 1)
>>> squares[4]
Traceback (most recent call last):
...
KeyError: 4
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LazyMapping(Mapping[K, V]):
    """``keys`` mapped to ``make(key)``, each made on its first look-up (two threads asking at
    once may both make it: ``make`` must return equal values)."""

    def __init__(self, keys: Iterable[K], make: Callable[[K], V]) -> None:
        self._keys = dict.fromkeys(keys)
        self._make = make
        self._made: dict[K, V] = {}

    @property
    def made(self) -> int:
        """How many values have been made so far."""
        return len(self._made)

    def __getitem__(self, key: K) -> V:
        try:
            return self._made[key]
        except KeyError:
            if key not in self._keys:
                raise
        value = self._made[key] = self._make(key)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[K]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)
