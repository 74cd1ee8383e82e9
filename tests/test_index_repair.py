"""A damaged index is rebuilt from the corpus, and a bad embedder setting is one line (issue 19)."""

import json
import threading

import numpy as np
import pytest

from cartqa import answer, build_index
from cartqa.app.cli import main
from cartqa.errors import IndexFormatError, InputError
from cartqa.index.embedders import E5Embedder, get_embedder
from cartqa.index.store import load_stored, read_manifest


@pytest.fixture
def built(tiny_corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    monkeypatch.setenv("CARTQA_CORPUS", str(tiny_corpus))
    monkeypatch.setenv("CARTQA_INDEX", str(tmp_path / "index"))
    index = tmp_path / "index"
    build_index(tiny_corpus, index, embedder="hash")
    return tiny_corpus, index


def _damage_chunks(index):
    (index / read_manifest(index).build_id / "chunks.jsonl").write_text('{"doc": "int.txt", "te', encoding="utf-8")


def _damage_vectors(index):
    (index / read_manifest(index).build_id / "vectors.faiss").write_bytes(b"not a faiss index")


def _damage_sentences(index):
    (index / read_manifest(index).build_id / "sentences.npy").write_bytes(b"\x93NUMPY garbage")


def _damage_parses(index):
    (index / read_manifest(index).build_id / "parses.jsonl").write_text('["The Institute has', encoding="utf-8")


def _damage_a_parse(index):
    """The texts are whole, one record is cut short: found when a question reads it."""
    path = index / read_manifest(index).build_id / "parses.jsonl"
    path.write_text("".join(line[:line.index('", ') + 5] + "\n" for line in path.read_text(encoding="utf-8").splitlines()),
                    encoding="utf-8")


def _manifest_list(index):
    (index / "manifest.json").write_text("[1, 2, 3]", encoding="utf-8")


def _manifest_wrong_files(index):
    data = json.loads((index / "manifest.json").read_text())
    data["files"] = {"int.txt": "not an entry"}
    (index / "manifest.json").write_text(json.dumps(data), encoding="utf-8")


def _manifest_wrong_types(index):
    data = json.loads((index / "manifest.json").read_text())
    data["build_id"], data["chunking"] = 42, "nope"
    (index / "manifest.json").write_text(json.dumps(data), encoding="utf-8")


DAMAGE = [_damage_chunks, _damage_vectors, _damage_sentences, _damage_parses, _manifest_list, _manifest_wrong_files,
          _manifest_wrong_types]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__.strip("_"))
def test_cartqa_index_rebuilds_a_damaged_index(built, damage, capsys):
    corpus, index = built
    damage(index)
    assert main(["index"]) == 0
    assert "(" in capsys.readouterr().out
    stored = load_stored(index, read_manifest(index))
    assert {c.doc for c in stored.chunks} == {"int.txt", "ieo.md"} and len(stored.vectors) == len(stored.chunks)


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__.strip("_"))
def test_a_question_on_a_damaged_index_is_answered_after_a_rebuild(built, damage):
    corpus, index = built
    damage(index)
    assert answer("When was INT established?", corpus, index, embedder="hash").found


def test_build_index_rebuilds_what_the_chat_rebuild_calls(built):
    corpus, index = built
    _damage_vectors(index)
    report = build_index(corpus, index, embedder="hash")
    assert report.chunks > 0 and report.added + report.updated == 2


@pytest.mark.parametrize("name", ["no-such-model-anywhere", "someone/not-a-cached-model", "hash-x", "../nope"])
def test_an_unknown_embedder_is_one_line_at_once(name):
    with pytest.raises(InputError, match="mbedder"):
        get_embedder(name)


def test_cli_with_an_unknown_embedder_prints_one_line(built, monkeypatch, capsys):
    monkeypatch.setenv("CARTQA_EMBEDDER", "no-such-model-anywhere")
    assert main(["index"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("cartqa: Unknown embedder 'no-such-model-anywhere'") and "\n" not in err


class _FakeE5:
    def passage(self, texts):
        return np.ones((len(texts), 384), np.float32)

    def query(self, text):
        return np.ones(384, np.float32)


@pytest.mark.parametrize("corpus_changed", [True, False])
def test_a_build_parses_again_a_parse_cut_short_instead_of_copying_it(built, corpus_changed):
    """A build copies a kept record's stored line (cartqa.index.tables.Picked): a line cut short is
    worked out again, so the next build repairs it, also the one the damage message asks for, where
    no file changed (before, that build kept the damaged table as it was)."""
    corpus, index = built
    if not load_stored(index, read_manifest(index)).parses:
        pytest.skip("spaCy's English parser is not installed")
    _damage_a_parse(index)
    if corpus_changed:
        (corpus / "new.txt").write_text("Humanitas has a CAR-T unit.", encoding="utf-8")
    build_index(corpus, index, embedder="hash")
    stored = load_stored(index, read_manifest(index))
    assert "INT has 464 inpatient beds." in stored.parses
    assert stored.parses["INT has 464 inpatient beds."] is not None  # decodes: whole again
    assert answer("When was INT established?", corpus, index, embedder="hash").found


def test_e5_embedding_does_not_take_its_lock_twice():
    # embed_passages held the lock and then read .model, which took the same lock: a hang at 0% CPU
    e5 = E5Embedder()
    e5._model = _FakeE5()
    done = []
    worker = threading.Thread(target=lambda: done.append(e5.embed_passages(["a", "b"]).shape), daemon=True)
    worker.start()
    worker.join(60)  # a deadlock guard, not a timing: the call takes microseconds
    assert done == [(2, 384)]


def test_a_parse_damaged_past_its_text_says_rebuild(built):
    corpus, index = built
    _damage_a_parse(index)
    with pytest.raises(IndexFormatError, match=r"^index table parses.jsonl is damaged .*cartqa index"):
        answer("When was INT established?", corpus, index, embedder="hash")
