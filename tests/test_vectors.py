"""The chunk-vector index for the size: exact while small, HNSW above, close to exact."""

import numpy as np

from cartqa.index.vectors import hnsw_index, recall_at, vector_index


def _unit(rng, n, dim=64):
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_small_builds_search_exactly_and_large_ones_use_a_graph():
    rng = np.random.default_rng(0)
    assert type(vector_index(_unit(rng, 50))).__name__ == "IndexFlatIP"
    assert type(vector_index(_unit(rng, 50), exact_up_to=10)).__name__ == "IndexHNSWSQ"


def test_hnsw_finds_at_least_95_percent_of_exact_top_10_on_random_vectors():
    rng = np.random.default_rng(1)
    data = _unit(rng, 4000)
    queries = _unit(rng, 100)
    _, exact = vector_index(data).search(queries, 10)
    _, approx = hnsw_index(data).search(queries, 10)
    assert recall_at(exact, approx) >= 0.95


def test_the_graph_keeps_its_vectors_at_half_the_size_and_gives_them_back_closely():
    import faiss

    data = _unit(np.random.default_rng(2), 3000)
    graph = hnsw_index(data)
    assert faiss.downcast_index(graph.storage).code_size == 2 * data.shape[1]  # bytes a vector: float16
    flat_graph = faiss.IndexHNSWFlat(data.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    flat_graph.add(data)
    saved = len(faiss.serialize_index(flat_graph)) - len(faiss.serialize_index(graph))
    assert saved > 0.9 * data.size * 2  # two of a float32's four bytes, less any difference in the graphs
    # a rebuild reuses the stored vectors of unchanged chunks: float16 keeps them to ~1e-3
    assert np.abs(graph.reconstruct_n(0, len(data)) - data).max() < 1e-3


def test_a_large_build_is_stored_and_searched_as_hnsw(tiny_corpus, tmp_path, monkeypatch):
    from cartqa import build_index
    from cartqa.index import vectors
    from cartqa.index.store import load_stored, read_manifest

    monkeypatch.setattr(vectors, "EXACT_UP_TO", 1)
    monkeypatch.setattr("cartqa.index.vectorstore.vector_index", lambda v: vectors.vector_index(v, exact_up_to=1))
    build_index(tiny_corpus, tmp_path / "i", embedder="hash")
    stored = load_stored(tmp_path / "i", read_manifest(tmp_path / "i"))
    assert type(stored.dense.index).__name__ == "IndexHNSWSQ" and stored.dense.index.hnsw.efSearch >= 64
    assert len(stored.vectors) == len(stored.chunks)
