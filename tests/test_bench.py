"""The bench's pure parts: the peers' passages, the side-by-side table, recall and the peer list.

Never timed: the bench's figures come from `make bench`, not from tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import corpora  # noqa: E402
import peers  # noqa: E402
from passages import passages, read_corpus, sentences  # noqa: E402
from table import table  # noqa: E402


def test_passages_group_whole_sentences_with_one_of_overlap():
    text = "One two three. Four five six. Seven eight nine. Ten eleven twelve."
    assert passages(text, max_words=6) == ["One two three. Four five six.", "Four five six. Seven eight nine.",
                                           "Seven eight nine. Ten eleven twelve."]


@pytest.mark.parametrize("text", ["", "   \n\n ", "One.", "Ünïcode wörds ending here."])
def test_short_or_empty_text(text):
    assert passages(text, max_words=6) == ([text.strip()] if text.strip() else [])


def test_a_long_sentence_is_cut_within_the_budget_and_every_word_kept():
    text = "Short one. " + " ".join(f"w{i}" for i in range(50)) + ". End here."
    out = passages(text, max_words=8)
    assert all(len(p.split()) <= 8 for p in out)
    assert {w for p in out for w in p.split()} == set(text.split())
    ends = [p.split()[-1] for p in out]
    assert len(ends) == len(set(ends)), "each passage adds a new sentence"


def test_paragraph_breaks_end_sentences():
    assert sentences("A heading\n\nThe body starts here. And goes on.") == [
        "A heading", "The body starts here.", "And goes on."]


def test_read_corpus_reads_text_documents_in_name_order(tmp_path):
    (tmp_path / "b.txt").write_text("Bee sentence.", encoding="utf-8")
    (tmp_path / "a.md").write_text("Ay sentence.", encoding="utf-8")
    (tmp_path / "c.pdf").write_bytes(b"%PDF")
    assert read_corpus(tmp_path) == [("a.md", "Ay sentence."), ("b.txt", "Bee sentence.")]


def test_recall_at_3_matches_evidence_as_cartqa_does():
    top3 = [["x", "The  City of MILANO alone hosts 17 of them."], ["nothing here"], ["anything"]]
    evidence = ["The city of Milano alone hosts 17 of them", "absent", ""]
    assert peers.recall_at_3(top3, evidence) == pytest.approx(1 / 3)


@pytest.mark.parametrize(("value", "expected"), [
    (None, ["haystack", "txtai"]), ("0", []), ("", []), ("txtai", ["txtai"])])
def test_bench_peers_setting(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("BENCH_PEERS", raising=False)
    else:
        monkeypatch.setenv("BENCH_PEERS", value)
    assert peers.enabled() == expected


def test_an_unknown_peer_is_named(monkeypatch):
    monkeypatch.setenv("BENCH_PEERS", "txtai lucene")
    with pytest.raises(ValueError, match="lucene"):
        peers.enabled()


def test_table_puts_systems_side_by_side_and_marks_missing_figures():
    cartqa = {"system": "cartqa", "documents": 100, "chunks": 1097, "build_s": 168.0, "build_cpu_s": 300.0, "encode_s": 54.0,
              "answer_p50_ms": 539.0, "answer_p95_ms": 3541.0, "later_answer_p50_ms": 90.0,
              "later_answer_p95_ms": 301.0, "recall@3": 0.97, "questions": 95}
    peer = {"system": "haystack", "documents": 100, "chunks": 1078, "build_s": 60.0, "encode_s": 55.0,
            "recall@3": 0.8, "questions": 95}
    lines = table([cartqa, peer]).splitlines()
    assert lines[0] == "| | cartqa, 100 docs | Haystack, 100 docs |"
    assert all(line.count("|") == 4 for line in lines)
    assert "| passages (chunks) | 1,097 | 1,078 |" in lines
    build = next(line for line in lines if line.startswith("| full build"))
    assert build.endswith("| 168 s (300 CPU-s) | n/a |")
    answer = next(line for line in lines if line.startswith("| warm answer"))
    assert answer.endswith("| 539 / 3,541 ms | n/a |")
    assert "| warm answer p50 / p95, a later process (the Italian words kept) | 90 / 301 ms | n/a |" in lines
    assert "0.97 (95)" in table([cartqa])


def test_corpora_make_ten_thousand_distinct_documents_from_the_dev_corpus():
    if not corpora.DEV.is_dir():
        pytest.skip(f"no development corpus at {corpora.DEV}")
    parts = corpora.pieces()
    texts = list(corpora.documents(10_000, parts))
    assert len(texts) == 10_000 and len(set(texts)) == 10_000
    assert set(texts[:len(set(parts))]) == set(parts), "every distinct piece of the dev corpus comes first, once"


def test_make_corpus_writes_the_seed_corpus_among_the_documents(tmp_path):
    dev = tmp_path / "dev"
    dev.mkdir()
    for i in range(3):
        (dev / f"{i}.txt").write_text(f"Paragraph {i} one.\n\nParagraph {i} two.", encoding="utf-8")
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "seed.txt").write_text("The seed document.", encoding="utf-8")
    out = corpora.make_corpus(6, tmp_path / "c", seed_corpus=seed, piece_chars=10, dev=dev)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["doc-00000.txt", "doc-00001.txt", "doc-00002.txt", "doc-00003.txt", "doc-00004.txt", "seed.txt"]
    assert len({p.read_text(encoding="utf-8") for p in out.iterdir()}) == 6


@pytest.mark.parametrize(("value", "timed"), [(None, True), ("1", True), ("0", False)])
def test_a_peers_raw_encode_can_be_left_out(monkeypatch, tmp_path, value, timed):
    import peer_runner

    class Fake:
        def load(self):
            pass

        def build(self, records, index):
            self.records = records

    (tmp_path / "a.txt").write_text("One sentence. Another sentence.", encoding="utf-8")
    if value is None:
        monkeypatch.delenv("BENCH_PEER_ENCODE", raising=False)
    else:
        monkeypatch.setenv("BENCH_PEER_ENCODE", value)
    monkeypatch.setattr(peer_runner, "raw_encode", lambda texts: 2.0)
    out = peer_runner.build(Fake(), tmp_path, tmp_path / "index")
    assert out["chunks"] == 1 and ("encode_s" in out) == timed
    row = next(line for line in table([{"system": "txtai", "documents": 1, **out}]).splitlines()
               if line.startswith("| build / raw encode"))
    assert row.endswith("(2 s encode) |" if timed else "| n/a |")


def test_a_peers_store_of_random_vectors_holds_every_passage_and_loads_no_model(tmp_path, capsys):
    """``store``: a peer's index for timing its load at sizes whose encode takes hours."""
    import json
    import math

    import peer_runner

    class Fake:
        def load(self):
            raise AssertionError("store loads no model")

        def store_vectors(self, records, vectors, index):
            self.records, self.vectors = records, vectors

    (tmp_path / "a.txt").write_text("One sentence. Another sentence.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("A third one.", encoding="utf-8")
    peer = Fake()
    peer_runner.main(peer, ["store", str(tmp_path), str(tmp_path / "index")])
    out = json.loads(capsys.readouterr().out)
    assert out["chunks"] == len(peer.records) == len(peer.vectors) == 2 and out["vectors"] == "random"
    assert all(len(v) == peer_runner.DIM and math.isclose(sum(x * x for x in v), 1.0) for v in peer.vectors)
    assert peer_runner.random_vectors(2) == peer.vectors and peer.vectors[0] != peer.vectors[1]
    with pytest.raises(SystemExit):  # a peer without it says which commands there are
        peer_runner.main(object(), ["store", str(tmp_path), str(tmp_path / "index")])


class _Recorded:
    """An embedder that notes what it encodes, in the order asked, in ``log``."""

    def __init__(self, model, log):
        self.model, self.log = model, log

    def count_tokens(self, text):
        return self.model.count_tokens(text)

    def embed_passages(self, texts):
        self.log.append(("encode", list(texts)))
        return self.model.embed_passages(texts)


def _build_between_halves(tmp_path, monkeypatch, chunking=None, copies=0):
    import steps

    from cartqa import build_index
    from cartqa.corpus.chunking import passage
    from cartqa.index.embedders import get_embedder
    from cartqa.index.store import load_stored, read_manifest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"d{i}.txt").write_text(" ".join(f"Sentence {j} of document {i} says something." for j in range(40)),
                                          encoding="utf-8")
    for i in range(copies):  # a file copied under each name: the same passages again
        for n in range(3):
            (corpus / f"copy{i}-d{n}.txt").write_text((corpus / f"d{n}.txt").read_text(encoding="utf-8"),
                                                      encoding="utf-8")
    log: list = []
    if chunking is not None:
        monkeypatch.setattr(steps, "passages", chunking)
    out = steps.bracketed(corpus, tmp_path / "index", _Recorded(get_embedder("hash"), log),
                          build=lambda c, i: log.append(("build", build_index(c, i, embedder="hash", progress=False))))
    built = [passage(c) for c in load_stored(tmp_path / "index", read_manifest(tmp_path / "index")).chunks]
    return out, log, built


def test_the_builds_raw_encode_is_timed_half_before_it_and_half_after(tmp_path, monkeypatch):
    out, log, built = _build_between_halves(tmp_path, monkeypatch)
    assert [step for step, _ in log] == ["encode", "build", "encode"]
    before, after = log[0][1], log[2][1]
    assert len(built) > 3 and abs(len(before) - len(after)) <= 1
    assert sorted(before + after) == sorted(set(built)), "the two halves are the built chunks, each once"
    assert out["chunks"] == len(built) == out["distinct"]
    assert out["encode_s"] == out["encode_before_s"] + out["encode_after_s"] and out["encode_before_s"] > 0


def test_a_copied_files_passages_are_encoded_once_as_the_build_embeds_them(tmp_path, monkeypatch):
    out, log, built = _build_between_halves(tmp_path, monkeypatch, copies=1)
    before, after = log[0][1], log[2][1]
    assert len(built) == 2 * len(set(built)) == 2 * out["distinct"] == out["chunks"]
    assert sorted(before + after) == sorted(set(built))


def test_chunks_that_differ_from_the_builds_are_not_timed_as_its_encode(tmp_path, monkeypatch):
    out, log, built = _build_between_halves(tmp_path, monkeypatch, chunking=lambda corpus, model: ["not a chunk"])
    assert [step for step, _ in log] == ["encode", "build", "encode"]
    assert log[2][1] == built and out["encode_before_s"] == 0.0 and out["encode_s"] == out["encode_after_s"]


def test_table_shows_the_halves_of_cartqas_encode_and_the_cpu_ratio():
    row = {"system": "cartqa", "documents": 1000, "build_s": 472.0, "build_cpu_s": 865.0, "encode_s": 404.0,
           "encode_before_s": 200.0, "encode_after_s": 204.0, "encode_cpu_s": 740.0, "chunks": 13723, "distinct": 9914}
    lines = table([row]).splitlines()
    assert "| passages (chunks) | 13,723 (9,914 distinct) |" in lines
    assert "| build / raw encode | 1.17x (404 s encode: 200 s before the build, 204 s after) |" in lines
    assert "| build / raw encode, CPU time | 1.17x |" in lines
