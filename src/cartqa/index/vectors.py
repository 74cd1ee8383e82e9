"""The chunk-vector index for the size: exact search while it is fastest, HNSW beyond.

Exact inner-product search (``IndexFlatIP``) costs one pass over every vector; up to a
few hundred thousand chunks it answers in milliseconds and is always right. Beyond
:data:`EXACT_UP_TO` vectors (measured with ``bench/ann.py``) an HNSW graph answers in
a fraction of that, tuned to find >= 95% of exact search's top 10, over vectors kept as float16.

>>> import numpy as np
>>> v = np.eye(4, dtype=np.float32)
>>> index = vector_index(v)
>>> type(index).__name__, index.search(v[:1], 1)[1].tolist()
('IndexFlatIP', [[0]])
"""

from __future__ import annotations

import numpy as np

# Above this many vectors the build makes an HNSW graph. bench/ann.py on the shared 2-core
# machine: exact search of 20,000 384-d vectors 12 ms a question, HNSW 4 ms; of 100,000,
# exact 41 ms. HNSW's graph costs ~2 ms a vector to build, rebuilt on every build, so exact
# search stays up to 200,000 chunks (about 20,000 documents), where it still answers in
# well under 100 ms.
EXACT_UP_TO = 200_000
HNSW_M = 32  # links per node: more is better recall, more memory
HNSW_EF_CONSTRUCTION = 80
# Candidates kept while searching. bench/ann.py, recall@10 of exact search on clustered 384-d
# vectors: 64 -> 0.74, 128 -> 0.87, 256 -> 0.97 (real embeddings are easier than these).
HNSW_EF_SEARCH = 256


def vector_index(vectors: np.ndarray, exact_up_to: int = EXACT_UP_TO):
    """A FAISS inner-product index over ``vectors``: exact, or HNSW above ``exact_up_to`` rows."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if len(vectors) > exact_up_to:
        return hnsw_index(vectors)
    index = faiss.IndexFlatIP(vectors.shape[1])
    if len(vectors):
        index.add(vectors)
    return index


def hnsw_index(vectors: np.ndarray):
    """An HNSW graph over ``vectors`` (inner product) that keeps them as float16, with the search depth set."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    # Half-precision vectors halve what a serving process holds: at 10,000 documents (210,677
    # chunks) vectors.faiss went from 381 to 208 MB. The same graph finds the same results: 300
    # queries near corpus chunks, recall@10 of exact search counting ties 0.9967 with float32 and
    # with float16 (0.9957 with 8-bit codes), and the graph builds faster (4.1 s for 30,000 against 5.4).
    index = faiss.IndexHNSWSQ(vectors.shape[1], faiss.ScalarQuantizer.QT_fp16, HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.train(vectors)  # float16 learns nothing, but the index wants the call
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.add(vectors)
    tune(index)
    return index


def tune(index) -> None:
    """Set the search depth of an HNSW index read back from disk (it is not stored)."""
    hnsw = getattr(index, "hnsw", None)
    if hnsw is not None:
        hnsw.efSearch = HNSW_EF_SEARCH


def recall_at(exact: np.ndarray, approx: np.ndarray) -> float:
    """Share of exact search's results that approximate search also found (rows are queries).

    >>> recall_at(np.array([[1, 2]]), np.array([[2, 3]]))
    0.5
    """
    found = sum(len(set(e) & set(a)) for e, a in zip(exact.tolist(), approx.tolist()))
    return found / max(exact.size, 1)
