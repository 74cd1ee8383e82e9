"""The e5 vectors of common English words, made at install: what the Italian reader no longer embeds per index."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from cartqa.reading.italian import alignment, common_words
from cartqa.reading.italian.wordvectors import WordVectors


def unit_rows(n: int, dim: int = 384, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_the_table_gives_back_each_words_vector_within_rounding(tmp_path):
    words = [f"w{i}" for i in range(500)]
    exact = unit_rows(len(words))
    common_words.write(tmp_path / "t.npz", words, exact, model_id="m")
    table = common_words.read(tmp_path / "t.npz", model_id="m")
    got = table.vectors(["w7", "absent", *words])
    assert "absent" not in got and len(got) == len(words) == len(table)
    stacked = np.stack([got[w] for w in words])
    assert np.allclose(np.linalg.norm(stacked, axis=1), 1.0, atol=1e-5)
    # the cosines the aligner thresholds at 0.85-0.90 move by far less than the gaps it relies on
    assert np.abs(stacked @ stacked.T - exact @ exact.T).max() < 0.005
    assert (tmp_path / "t.npz").stat().st_size < 0.3 * exact.nbytes
    assert not list(tmp_path.glob(".*.tmp"))


def test_another_models_table_a_missing_one_and_a_damaged_one_give_none(tmp_path, caplog):
    common_words.write(tmp_path / "t.npz", ["bed"], unit_rows(1), model_id="model A")
    assert common_words.read(tmp_path / "t.npz", model_id="model B") is None
    assert common_words.read(tmp_path / "missing.npz", model_id="model A") is None
    (tmp_path / "bad.npz").write_bytes(b"not a table")
    with caplog.at_level(logging.WARNING):
        assert common_words.read(tmp_path / "bad.npz", model_id="model A") is None
    assert "unreadable" in caplog.text


def test_the_table_is_kept_in_the_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CARTQA_CACHE", str(tmp_path / "cache"))
    assert common_words.path() == tmp_path / "cache" / common_words.FILE
    common_words.write(common_words.path(), ["bed"], unit_rows(1), model_id="m")  # makes the folder
    assert set(common_words.read(common_words.path(), "m").rows) == {"bed"}


def test_words_the_table_has_are_neither_embedded_nor_written_to_the_index(tmp_path):
    table_words = ["beds", "year"]
    exact = dict(zip(["beds", "year", "ospedale"], unit_rows(3, dim=8)))
    common_words.write(tmp_path / "t.npz", table_words, np.stack([exact[w] for w in table_words]), model_id="m")
    table = common_words.read(tmp_path / "t.npz", model_id="m")
    embedded = []

    def embed(words):
        embedded.append(list(words))
        return np.stack([exact[w] for w in words])

    path = tmp_path / alignment.CACHE_FILE
    store = WordVectors(path, embed, "m", table=table.vectors)
    got = store.vectors(["ospedale", "beds", "year", "beds"])
    store.flush()
    assert embedded == [["ospedale"]]
    assert np.abs(got @ np.stack([exact[w] for w in ["ospedale", "beds", "year", "beds"]]).T).diagonal().min() > 0.99
    assert store.vectors(["beds", "ospedale"]).shape == (2, 8) and len(embedded) == 1
    assert WordVectors(path, embed, "m").vectors(["ospedale"]).shape == (1, 8) and len(embedded) == 1
    with np.load(path) as kept:
        assert kept["words"].tolist() == ["ospedale"]  # the index keeps only what it embedded


def test_the_installed_table_is_the_reader_models_and_holds_minilms_whole_words():
    table = common_words.read(common_words.path(), alignment.MODEL_ID)
    assert table is not None, "make install makes it (make common-words again): missing, or made with another model or phrase"
    assert set(alignment._english_vocabulary()) <= set(table.rows)
    assert set(alignment.common_word_vectors(["beds", "degenza"])) == {"beds"}


@pytest.mark.slow
def test_the_installed_vectors_are_those_e5_gives_now():
    table = common_words.read(common_words.path(), alignment.MODEL_ID)
    words = sorted(table.rows)[::997]
    shipped = table.vectors(words)
    fresh = alignment.embed_corpus_words(words)
    cosines = [float(shipped[w] @ v) for w, v in zip(words, fresh)]
    assert min(cosines) > 0.995, list(zip(words, cosines))
