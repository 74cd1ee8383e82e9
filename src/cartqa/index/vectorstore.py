"""Where a build's chunk vectors live: one protocol, FAISS files (the default) or Milvus.

A :class:`VectorStore` writes a build's chunk vectors and opens them again as a
:class:`DenseIndex`, searched like a FAISS index (``search(queries, k) -> (scores, rows)``,
row i being chunk i of the build, -1 where fewer were found). Chunks are named across
builds by :func:`chunk_key`, so a store that keeps its vectors outside the build folder
(Milvus) can delete and insert only the chunks that changed.

>>> import tempfile, pathlib
>>> from cartqa.records import Chunk
>>> chunks = [Chunk("a.txt", "INT", 0, 3), Chunk("a.txt", "IEO", 4, 7)]
>>> fresh = {chunk_key(c): v for c, v in zip(chunks, np.eye(2, dtype=np.float32))}
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> FaissStore().write(folder, chunks, fresh, None, dim=2)
>>> dense = FaissStore().open(folder, chunks, dim=2)
>>> dense.search(np.array([[0.0, 1.0]], np.float32), 1)[1].tolist()
[[1]]
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from cartqa.errors import IndexFormatError
from cartqa.index.vectors import tune, vector_index
from cartqa.records import Chunk

VECTORS_FILE = "vectors.faiss"


def chunk_key(chunk: Chunk) -> int:
    """A chunk's name across builds: 63 bits of the SHA-256 of its document, place, text and context
    (what its vector was embedded from: a new title is a new vector).

    >>> chunk_key(Chunk("a.txt", "INT", 0, 3)) == chunk_key(Chunk("a.txt", "INT", 0, 3))
    True
    >>> chunk_key(Chunk("a.txt", "INT", 0, 3)) == chunk_key(Chunk("b.txt", "INT", 0, 3))
    False
    >>> chunk_key(Chunk("a.txt", "INT", 0, 3)) == chunk_key(Chunk("a.txt", "INT", 0, 3, context="Milan"))
    False
    """
    # A chunk without context keeps the key it had before chunks had one.
    context = f"\0{chunk.context}" if chunk.context else ""
    text = f"{chunk.doc}\0{chunk.start}\0{chunk.end}\0{chunk.text}{context}".encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big") >> 1


class DenseIndex(Protocol):
    """A build's chunk vectors, searched by inner product; row i belongs to chunk i."""

    place: dict  # where the vectors are (the manifest's ``store``)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """FAISS's convention: (scores, rows), each ``len(queries) x k``, rows -1 past the last found."""

    def vectors(self, keys: Sequence[int]) -> np.ndarray:
        """The stored vectors of the chunks named by ``keys`` (see :func:`chunk_key`), in that order."""


class VectorStore(Protocol):
    """Writes a build's chunk vectors and opens them again."""

    place: dict

    def write(self, folder: Path, chunks: Sequence[Chunk], fresh: Mapping[int, np.ndarray],
              previous: DenseIndex | None, dim: int) -> None:
        """Store the vectors of ``chunks``: those in ``fresh`` (by chunk key) were just embedded, the
        others are ``previous``'s. ``folder`` is the new build's (not yet live) folder."""

    def open(self, folder: Path, chunks: Sequence[Chunk], dim: int) -> DenseIndex:
        """The searchable vectors of a build whose chunks are ``chunks``; IndexFormatError when damaged."""


def gather(keys: Sequence[int], fresh: Mapping[int, np.ndarray], previous: DenseIndex | None,
           dim: int) -> np.ndarray:
    """The vectors of ``keys``: from ``fresh`` when there, else read from ``previous`` in one call."""
    old = [k for k in keys if k not in fresh]
    if old and previous is None:
        raise ValueError(f"{len(old)} chunks have no vector: neither embedded now nor in a previous build")
    found = dict(zip(old, previous.vectors(old))) if old else {}
    rows = [fresh[k] if k in fresh else found[k] for k in keys]
    return np.asarray(rows, dtype=np.float32).reshape(-1, dim)


class FaissStore:
    """Vectors in the build folder (``vectors.faiss``): exact search up to 200,000 chunks, HNSW above."""

    place = {"kind": "faiss"}

    def write(self, folder: Path, chunks: Sequence[Chunk], fresh: Mapping[int, np.ndarray],
              previous: DenseIndex | None, dim: int) -> None:
        import faiss

        matrix = gather([chunk_key(c) for c in chunks], fresh, previous, dim)
        faiss.write_index(vector_index(matrix), str(folder / VECTORS_FILE))

    def open(self, folder: Path, chunks: Sequence[Chunk], dim: int) -> FaissDense:
        import faiss

        try:
            index = faiss.read_index(str(folder / VECTORS_FILE))
        except RuntimeError as exc:
            raise IndexFormatError(f"{VECTORS_FILE} is unreadable ({str(exc).splitlines()[0][:120]})") from exc
        if index.ntotal != len(chunks):
            raise IndexFormatError(f"{len(chunks)} chunks but {index.ntotal} vectors")
        tune(index)
        return FaissDense(index, chunks, dim)


class FaissDense:
    """A FAISS index read from a build folder; vectors are reconstructed only when asked for."""

    place = FaissStore.place

    def __init__(self, index, chunks: Sequence[Chunk], dim: int) -> None:
        self.index, self._chunks, self._dim = index, chunks, dim

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        return self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)

    def vectors(self, keys: Sequence[int]) -> np.ndarray:
        row = {chunk_key(c): i for i, c in enumerate(self._chunks)}
        rows = [row[k] for k in keys]
        if not rows:
            return np.zeros((0, self._dim), np.float32)
        everything = self.index.reconstruct_n(0, self.index.ntotal)
        return np.asarray(everything[rows], dtype=np.float32)
