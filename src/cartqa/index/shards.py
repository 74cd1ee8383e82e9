"""A large build split across processes: shards of the corpus built apart, then assembled.

``cartqa index --shard I/N --index index-I`` builds only the files whose name hashes to shard I
of N (any machine that sees the corpus can run one); ``cartqa index --reuse index-0 ... index-N-1``
then builds the real index, taking every chunk vector, sentence and word vector, parse and term
list the shards computed instead of computing it again: what is left is reading and chunking the
files and writing the store (with Milvus, uploading the vectors). Chunks match across builds by
:func:`~cartqa.index.vectorstore.chunk_key` and tables by text, so a shard is reused only as far
as its chunking and model match (:meth:`Manifest.settings`).

>>> parse_shard("1/4"), in_shard("report.pdf", (0, 1))
((1, 4), True)
>>> sum(in_shard(f"doc{i}.txt", (k, 3)) for i in range(30) for k in range(3))  # each file in one shard
30
"""

from __future__ import annotations

import hashlib
from collections import ChainMap
from collections.abc import Sequence

import numpy as np

from cartqa.corpus.chunking import passage
from cartqa.errors import InputError
from cartqa.index.vectorstore import DenseIndex, chunk_key


def parse_shard(text: str) -> tuple[int, int]:
    """``"I/N"`` -> ``(I, N)``, with 0 <= I < N; anything else is an InputError naming it."""
    try:
        i, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise InputError(f"--shard {text!r}: expected I/N, e.g. 0/4 (shard I of N, counted from 0)") from None
    if not 0 <= i < n:
        raise InputError(f"--shard {text!r}: I must be at least 0 and less than N")
    return i, n


def in_shard(doc: str, shard: tuple[int, int]) -> bool:
    """Does the corpus file ``doc`` belong to ``shard`` (I, N)? By a hash of its name, so every
    process agrees without talking to the others."""
    i, n = shard
    return int.from_bytes(hashlib.sha256(doc.encode("utf-8", "surrogatepass")).digest()[:8], "big") % n == i


class Cache:
    """What earlier builds computed, looked up by chunk key or by text: this index's previous build
    and any builds it reuses (``stored`` objects, cartqa.index.store.StoredIndex)."""

    def __init__(self, builds: Sequence) -> None:
        self.sentence_vectors = _Tables([b.sentence_vectors for b in builds])
        self.phrase_vectors = _Tables([b.phrase_vectors for b in builds])
        self.parses = ChainMap(*[b.parses for b in builds])
        self.terms = {passage(c): t for b in builds if b.terms for c, t in zip(b.chunks, b.terms)}
        self.document_words = ChainMap(*[b.document_words() for b in builds])
        self._dense: dict[int, DenseIndex] = {}
        for b in reversed(builds):  # the first build wins
            self._dense.update(dict.fromkeys((chunk_key(c) for c in b.chunks), b.dense))

    def __contains__(self, key: object) -> bool:
        return key in self._dense

    def vectors(self, keys: Sequence[int], dim: int) -> np.ndarray:
        """The vectors of ``keys``, read from each build that holds them (one call per build)."""
        by_source: dict[int, list[int]] = {}
        for k in keys:
            by_source.setdefault(id(self._dense[k]), []).append(k)
        found: dict[int, np.ndarray] = {}
        for group in by_source.values():
            found.update(zip(group, self._dense[group[0]].vectors(group)))
        return np.asarray([found[k] for k in keys], dtype=np.float32).reshape(-1, dim)


class _Tables:
    """Several text -> vector tables looked up as one (the first that has a text answers)."""

    def __init__(self, tables: Sequence) -> None:
        self.tables = [t for t in tables if len(t)]

    def __contains__(self, text: object) -> bool:
        return any(text in t for t in self.tables)

    def __len__(self) -> int:
        return sum(len(t) for t in self.tables)

    def get(self, text: str) -> np.ndarray | None:
        for t in self.tables:
            if text in t:
                return t.get(text)
        return None

    def rows(self, texts: Sequence[str], dim: int) -> np.ndarray:
        """The vectors of ``texts`` (all present), stacked: one read from each table that has some."""
        out = np.zeros((len(texts), dim), np.float32)
        which = [next(i for i, t in enumerate(self.tables) if text in t) for text in texts]
        for i, table in enumerate(self.tables):
            at = [n for n, w in enumerate(which) if w == i]
            if at:
                out[at] = table.rows([texts[n] for n in at], dim)
        return out
