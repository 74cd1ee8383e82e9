"""The chunks' BM25 index, made by the build and read back memory-mapped by a new process.

Indexing 13,740 chunks' terms took ~0.6 s of every new process's start at 1,000 documents
(and grows with the corpus); reading the stored index back is a few milliseconds: its
arrays stay on disk until a question's terms touch them.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_bm25(folder, bm25_index([["int", "establish", "1928"], [], ["ieo", "treat", "cancer"]]))
>>> bm25 = read_bm25(folder)
>>> [round(float(s), 3) for s in bm25.get_scores(["cancer"])], sorted(vocabulary(bm25))[:3]
([0.0, 0.0, 0.348], ['1928', '<empty>', 'cancer'])
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

FOLDER = "bm25"
EMPTY_CHUNK = "<empty>"  # a chunk without terms still takes its row


def bm25_index(chunk_terms: Sequence[list[str]]):
    """A ``bm25s.BM25`` over each chunk's terms (row i for chunk i)."""
    import bm25s

    bm25 = bm25s.BM25()
    if chunk_terms:
        bm25.index([t or [EMPTY_CHUNK] for t in chunk_terms], show_progress=False)
    return bm25


def vocabulary(bm25) -> frozenset[str]:
    """Every term the index holds (bm25s adds "" for terms it does not know: not a term)."""
    return frozenset(t for t in getattr(bm25, "vocab_dict", None) or {} if t)


def write_bm25(build: Path, bm25) -> None:
    """Write ``bm25`` into the build folder (numpy arrays and JSON: no pickle)."""
    if getattr(bm25, "vocab_dict", None):  # an index of no chunk has nothing to write
        bm25.save(build / FOLDER, show_progress=False)


def read_bm25(build: Path):
    """The build's stored BM25 index, memory-mapped; None when the build has none (read the terms instead)."""
    if not (build / FOLDER).is_dir():
        return None
    import bm25s

    return bm25s.BM25.load(build / FOLDER, mmap=True, show_progress=False)
