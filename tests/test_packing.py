"""Packed encoding: how short texts share rows (pure), and that the real MiniLM gives each text
the vector of its own pass (slow)."""

from __future__ import annotations

import numpy as np
import pytest

from cartqa.index import packing
from cartqa.index.packing import layout, pack


@pytest.mark.parametrize("lengths, budget, expected", [
    ([], 8, []),
    ([2, 2, 2], 8, [[0, 1, 2]]),
    ([3, 4, 3, 5], 8, [[0, 2], [1], [3]]),
    ([9, 1], 8, [[1], [0]]),  # longer than a row: a row of its own
    ([4, 4, 4, 4], 8, [[0, 1], [2, 3]]),
])
def test_pack_fills_rows_shortest_first_within_the_budget(lengths, budget, expected):
    rows = pack(lengths, budget)
    assert rows == expected
    assert sorted(i for row in rows for i in row) == list(range(len(lengths)))
    assert all(len(row) == 1 or sum(lengths[i] for i in row) <= budget for row in rows)


def test_layout_restarts_positions_per_text_and_marks_padding():
    positions, slots = layout([[1, 2], [3]])
    assert positions.tolist() == [[0, 0, 1], [0, 1, 2]]
    assert slots.tolist() == [[0, 1, 1], [0, 0, 0]]
    positions, slots = layout([[1], [2, 2]])
    assert slots.tolist() == [[0, -1, -1, -1], [0, 0, 1, 1]]


# --- the real MiniLM ---

@pytest.fixture(scope="module")
def minilm():
    from cartqa.index.embedders import get_embedder

    return get_embedder("minilm")


@pytest.fixture(autouse=True)
def float32(monkeypatch):
    """These tests hold packing to the model's own float32 vectors; a build on a CPU with native
    bfloat16 runs the forward pass in it (cartqa.index.precision), tested on its own below."""
    monkeypatch.setenv("CARTQA_PRECISION", "float32")


WORDS = ["beds", "a", "Plagencell", "cell factories", "EURE-CART", "1,200", "Ospedale Niguarda Ca' Granda",
         "the National Cancer Institute of Milan", "città", "x" * 60] * 30


@pytest.mark.slow
def test_packed_vectors_are_each_texts_own_pass(minilm):
    want = minilm.model.encode(WORDS, normalize_embeddings=True, convert_to_numpy=True)
    for budget in (8, 32, packing.BUDGET):  # 8: most texts alone, or cut to one row each
        got = packing.encode(minilm.model, WORDS, budget=budget, rows=4)
        assert got.shape == want.shape
        assert np.abs(got - want).max() <= 1e-5
    assert packing.supports(minilm.model)


@pytest.mark.slow
def test_a_builds_word_batch_is_packed_and_a_questions_words_are_not(minilm, monkeypatch):
    minilm.model  # noqa: B018 - torch's model loaded, as in a build
    calls = []
    real = packing.encode
    monkeypatch.setattr(packing, "encode", lambda model, texts, **kw: calls.append(len(texts)) or real(model, texts, **kw))
    words = WORDS[:10] * 30
    got = minilm.embed_passages(words)
    assert calls == [300]
    assert np.abs(got - minilm.model.encode(words, normalize_embeddings=True)).max() <= 1e-5
    minilm.embed_passages(WORDS[:10])  # a question's few words: one thread, not packed
    assert calls == [300]


@pytest.mark.slow
def test_a_model_packing_does_not_reproduce_is_embedded_as_before(minilm, monkeypatch):
    monkeypatch.setattr(packing, "_checked", {})
    monkeypatch.setattr(packing, "encode", lambda model, texts, **kw: np.ones((len(texts), 384), np.float32))
    assert not packing.supports(minilm.model)
    words = WORDS[:10] * 30
    got = minilm.embed_passages(words)
    assert np.abs(got - minilm.model.encode(words, normalize_embeddings=True)).max() <= 1e-5


@pytest.mark.slow
def test_bfloat16_packed_words_keep_their_meaning(minilm, monkeypatch):
    want = minilm.model.encode(WORDS[:10], normalize_embeddings=True, convert_to_numpy=True)
    monkeypatch.setenv("CARTQA_PRECISION", "bfloat16")
    got = packing.encode(minilm.model, WORDS[:10])
    assert not np.array_equal(got, want)  # the setting reaches the forward pass
    assert (got * want).sum(1).min() >= 0.999
    assert np.abs(packing.encode(minilm.model, WORDS[:10], float32=True) - want).max() <= 1e-5
    monkeypatch.setattr(packing, "_checked", {})  # asked again under the setting: checked in float32
    assert packing.supports(minilm.model)
