"""When does approximate search beat exact search? Flat (exact) vs HNSW on random unit vectors.

    .venv/bin/python bench/ann.py 10000 50000 100000

Prints, per size: build seconds, ms per query for each, and HNSW's recall@10 of exact search.
The crossing point sets ``cartqa.index.vectors.EXACT_UP_TO``.
"""

from __future__ import annotations

import sys
import time

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "src"))

from cartqa.index.vectors import hnsw_index, recall_at  # noqa: E402


def main(sizes: list[int], dim: int = 384, queries: int = 200) -> None:
    import faiss

    rng = np.random.default_rng(0)
    print(f"{'vectors':>8} {'flat ms/q':>10} {'hnsw build s':>13} {'hnsw ms/q':>10} {'recall@10':>10}")
    for n in sizes:
        # clustered like real embeddings (topics), not uniform noise
        centres = rng.standard_normal((max(n // 100, 1), dim)).astype(np.float32)
        data = centres[rng.integers(0, len(centres), n)] + 0.6 * rng.standard_normal((n, dim)).astype(np.float32)
        data /= np.linalg.norm(data, axis=1, keepdims=True)
        q = data[rng.integers(0, n, queries)] + 0.3 * rng.standard_normal((queries, dim)).astype(np.float32)
        q /= np.linalg.norm(q, axis=1, keepdims=True)
        flat = faiss.IndexFlatIP(dim)
        flat.add(data)
        t = time.perf_counter()
        _, exact = flat.search(q, 10)
        flat_ms = (time.perf_counter() - t) * 1000 / queries
        t = time.perf_counter()
        hnsw = hnsw_index(data)
        build_s = time.perf_counter() - t
        t = time.perf_counter()
        _, approx = hnsw.search(q, 10)
        hnsw_ms = (time.perf_counter() - t) * 1000 / queries
        print(f"{n:>8} {flat_ms:>10.2f} {build_s:>13.1f} {hnsw_ms:>10.2f} {recall_at(exact, approx):>10.3f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 50_000])
