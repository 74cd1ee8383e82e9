"""Word meaning by the embedder's vectors, and the batch warm-up that keeps it cheap (hash fake embedder)."""

import pytest

from cartqa.index.embedders import HashEmbedder
from cartqa.reading.semantic import Relatedness
from cartqa.records import Chunk


class CountingEmbedder(HashEmbedder):
    """Counts calls to the model, as each costs ~15 ms on the real one."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def embed_passages(self, texts):
        self.calls.append(len(texts))
        return super().embed_passages(texts)


def test_warmed_words_are_compared_without_calling_the_model():
    embedder = CountingEmbedder()
    related = Relatedness(embedder)
    related.warm(["beds", "inpatient", "cell factories"])
    assert embedder.calls == [3]  # one batch
    assert related.best("inpatient", ["beds", "inpatient"]) == pytest.approx(1.0)
    related.best("beds", ["cell factories"])
    assert embedder.calls == [3]  # every look-up served from the cache
    related.best("hospitalise", ["beds"])
    assert embedder.calls == [3, 1]  # only the new word


def test_warming_nothing_calls_nothing():
    embedder = CountingEmbedder()
    Relatedness(embedder).warm([])
    assert embedder.calls == []


def test_the_corpus_words_are_what_extraction_compares():
    from cartqa.index.annotate import sentence_texts, warm_words

    text = "INT has 464 inpatient beds. The Institute was established in 1928."
    words = set(warm_words(sentence_texts([Chunk("d", text, 0, len(text))])))
    assert {"inpatient", "beds", "established", "1928", "int"} <= words
    assert not any(" " in w for w in words)  # words, not pairs: pairs changed no answer
    assert warm_words(sentence_texts([])) == []


def test_an_engine_warms_up_in_one_batch_and_survives_an_empty_corpus(tmp_path, monkeypatch):
    from cartqa import answer

    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "blank.txt").write_text("\n")
    a = answer("When was INT established?", tmp_path / "corpus", tmp_path / "index")
    assert not a.found  # refused, not a crash
    assert not answer("Why?", tmp_path / "corpus", tmp_path / "index").found


def test_dictionaries_are_read_after_the_first_answer_not_while_the_engine_loads(tiny_corpus, tmp_path, monkeypatch):
    from cartqa import answer
    from cartqa.pipeline import engine

    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    events = []
    real_engine = engine._engine
    monkeypatch.setattr(engine, "_engine", lambda *a: events.append("load") or real_engine(*a))
    monkeypatch.setattr(engine, "warm_in_background", lambda *a: events.append("warm"))
    engine.get_engine(tiny_corpus, tmp_path / "index", "hash")
    assert events == ["load"]
    answer("When was INT established?", tiny_corpus, tmp_path / "index")
    assert events == ["load", "warm"]
