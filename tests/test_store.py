"""The vector store: FAISS files (the default) and Milvus (here Milvus Lite, a folder under index/)
behave the same: builds, incremental changes, search, damage, and one line when it cannot be used."""

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from cartqa import build_index
from cartqa.app.cli import main
from cartqa.errors import IndexFormatError
from cartqa.index.store import load_stored, read_manifest
from cartqa.index.vectorstore import chunk_key

REPO = Path(__file__).resolve().parents[1]
STORES = ["faiss", "milvus"]


@pytest.fixture(params=STORES)
def store(request, monkeypatch):
    """Each test runs on both stores, chosen by the setting as a user would."""
    monkeypatch.setenv("CARTQA_STORE", request.param)
    monkeypatch.delenv("CARTQA_MILVUS_URI", raising=False)
    monkeypatch.delenv("CARTQA_MILVUS_COLLECTION", raising=False)
    yield request.param
    _close_milvus()


@pytest.fixture(autouse=True)
def _milvus_lite_servers_stop():
    """A Milvus Lite server runs in this process per folder opened: stop them after each test."""
    yield
    _close_milvus()


def _close_milvus():
    if "cartqa.index.milvus" in sys.modules:
        sys.modules["cartqa.index.milvus"].close_clients()


def build(corpus, index, **kw):
    return build_index(corpus, index, embedder="hash", **kw)


def _loaded(index):
    return load_stored(index, read_manifest(index))


def _top(stored, queries, k):
    return stored.dense.search(queries.astype(np.float32), k)[1].tolist()


def test_the_manifest_names_the_store_that_holds_the_vectors(store, tiny_corpus, tmp_path):
    index = tmp_path / "index"
    build(tiny_corpus, index)
    place = read_manifest(index).store
    assert place["kind"] == store
    if store == "milvus":
        assert place == {"kind": "milvus", "uri": "", "collection": "cartqa_chunks"}
        assert (index / "milvus.db").is_dir()  # Milvus Lite's folder, inside the index folder
        assert not (index / read_manifest(index).build_id / "vectors.faiss").exists()
    else:
        assert (index / read_manifest(index).build_id / "vectors.faiss").exists()


def test_incremental_builds_keep_exactly_the_current_chunks(store, tiny_corpus, tmp_path):
    index = tmp_path / "index"
    build(tiny_corpus, index)
    (tiny_corpus / "new.txt").write_text("Humanitas has a CAR-T unit.", encoding="utf-8")
    (tiny_corpus / "int.txt").write_text("INT was established in 1928.", encoding="utf-8")
    (tiny_corpus / "ieo.md").unlink()
    r = build(tiny_corpus, index)
    assert (r.added, r.updated, r.removed, r.unchanged) == (1, 1, 1, 0)
    stored = _loaded(index)
    assert sorted(c.doc for c in stored.chunks) == ["int.txt", "new.txt"]
    vectors = stored.vectors
    assert vectors.shape == (2, 64)
    # every chunk finds itself first, and nothing of the removed file is left to find
    assert [rows[0] for rows in _top(stored, vectors, 5)] == [0, 1]
    assert all(row in (0, 1, -1) for rows in _top(stored, vectors, 5) for row in rows)


def test_search_is_exact_like_a_matrix_product(store, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(30):
        (corpus / f"d{i}.txt").write_text(f"Document {i} tells of the river number {i * 7} and town {i}.",
                                          encoding="utf-8")
    build(corpus, tmp_path / "index")
    stored = _loaded(tmp_path / "index")
    vectors = stored.vectors
    queries = np.random.default_rng(0).standard_normal((10, vectors.shape[1])).astype(np.float32)
    expected = np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, :3].tolist()
    assert _top(stored, queries, 3) == expected


def test_an_unchanged_file_costs_nothing_and_a_changed_one_only_its_chunks(store, tiny_corpus, tmp_path, monkeypatch):
    from cartqa.index import vectorstore

    index = tmp_path / "index"
    build(tiny_corpus, index)
    asked = []
    real = vectorstore.gather
    monkeypatch.setattr(vectorstore, "gather", lambda keys, *a: asked.append(list(keys)) or real(keys, *a))
    monkeypatch.setattr("cartqa.index.milvus.gather", vectorstore.gather)
    old = [chunk_key(c) for c in _loaded(index).chunks if c.doc == "ieo.md"]
    (tiny_corpus / "ieo.md").write_text("# IEO\n\nThe IEO opened in 1994.\n", encoding="utf-8")
    build(tiny_corpus, index)
    after = _loaded(index)
    new = [chunk_key(c) for c in after.chunks if c.doc == "ieo.md"]
    written = [k for call in asked for k in call]
    if store == "milvus":  # only the changed file's chunk goes to Milvus; its old chunk is deleted
        assert written == new and not set(old) & set(new)
        assert after.dense._client.get("cartqa_chunks", ids=old) == []
    else:  # FAISS writes its file anew: every chunk, the unchanged ones read back from the old build
        assert sorted(written) == sorted(chunk_key(c) for c in after.chunks)
    assert _top(after, after.vectors, 1) == [[i] for i in range(len(after.chunks))]


def test_a_question_is_answered_from_either_store(store, tiny_corpus, tmp_path):
    from cartqa.pipeline import engine

    index = tmp_path / "index"
    build(tiny_corpus, index)
    engine._CACHE.clear()
    e = engine.get_engine(tiny_corpus, index, "hash", refresh=False)
    hits = e.retriever.search("When was INT established?", k=2)
    assert "1928" in hits[0].chunk.text and hits[0].chunk.doc == "int.txt"


def test_an_unreadable_file_keeps_its_last_vectors(store, tiny_corpus, tmp_path):
    index = tmp_path / "index"
    build(tiny_corpus, index)
    (tiny_corpus / "int.txt").write_bytes(b"\x00\x01binary\x00")
    r = build(tiny_corpus, index)
    assert r.skipped and "int.txt" in r.skipped[0]
    stored = _loaded(index)
    assert any("1928" in c.text for c in stored.chunks)
    assert _top(stored, stored.vectors, 1) == [[i] for i in range(len(stored.chunks))]


def test_switching_store_moves_the_vectors_without_embedding_again(tiny_corpus, tmp_path, monkeypatch):
    from cartqa.index.embedders import HashEmbedder

    embedder = HashEmbedder()
    index = tmp_path / "index"
    build_index(tiny_corpus, index, embedder=embedder, store="faiss")
    faiss_vectors = _loaded(index).vectors
    monkeypatch.setattr(embedder, "embed_passages", lambda texts: pytest.fail(f"embedded {texts[:2]}"))
    for target in ("milvus", "faiss"):
        r = build_index(tiny_corpus, index, embedder=embedder, store=target)
        assert r.unchanged == 2 and read_manifest(index).store["kind"] == target
        assert np.allclose(_loaded(index).vectors, faiss_vectors, atol=1e-6)


def test_a_large_milvus_collection_is_searched_with_hnsw(tiny_corpus, tmp_path, monkeypatch):
    monkeypatch.setattr("cartqa.index.milvus.EXACT_UP_TO", 1)
    build(tiny_corpus, tmp_path / "index", store="milvus")
    stored = _loaded(tmp_path / "index")
    client = stored.dense._client
    assert client.describe_index("cartqa_chunks", "vector")["index_type"] == "HNSW" and stored.dense._hnsw
    assert _top(stored, stored.vectors, 1) == [[i] for i in range(len(stored.chunks))]


def test_a_milvus_collection_changed_behind_cartqas_back_is_rebuilt(tiny_corpus, tmp_path, monkeypatch, capsys):
    index = tmp_path / "index"
    monkeypatch.setenv("CARTQA_STORE", "milvus")
    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    build(tiny_corpus, index)
    stored = _loaded(index)
    stored.dense._client.delete("cartqa_chunks", ids=[chunk_key(stored.chunks[0])])
    with pytest.raises(IndexFormatError, match="has 1 vectors for 2 chunks"):
        _loaded(index)
    assert main(["index", "--corpus", str(tiny_corpus), "--index", str(index)]) == 0
    stored = _loaded(index)
    assert len(stored.vectors) == len(stored.chunks) == 2


def test_an_unknown_store_is_one_line(tiny_corpus, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CARTQA_STORE", "pinecone")
    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    assert main(["index", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "i")]) == 1
    err = capsys.readouterr().err
    assert "Unknown vector store 'pinecone'" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_an_unreachable_milvus_is_one_line_and_quick(tiny_corpus, tmp_path, monkeypatch, capsys):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("CARTQA_STORE", "milvus")
    monkeypatch.setenv("CARTQA_MILVUS_URI", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    started = time.monotonic()
    assert main(["index", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "i")]) == 1
    err = capsys.readouterr().err
    assert f"Milvus at http://127.0.0.1:{port} cannot be used" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and time.monotonic() - started < 30


def test_a_milvus_lite_file_open_in_another_process_is_one_clear_line(tiny_corpus, tmp_path):
    import os

    lite = tmp_path / "shared.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from pymilvus import MilvusClient; MilvusClient({str(lite)!r}); print('open', flush=True); "
                               "import sys; sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        env = {**os.environ, "CARTQA_STORE": "milvus", "CARTQA_MILVUS_URI": str(lite), "CARTQA_EMBEDDER": "hash"}
        done = subprocess.run([sys.executable, "-m", "cartqa.app.cli", "index", "--corpus", str(tiny_corpus),
                               "--index", str(tmp_path / "i")], env=env, capture_output=True, text=True, timeout=120)
    finally:
        holder.communicate("", timeout=30)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"cartqa: Milvus at {lite} cannot be used: the Milvus Lite file is open in another process "
        "(one process at a time may use it; a Milvus server can be shared)"], done.stderr


def test_importing_cartqa_and_building_with_faiss_never_loads_pymilvus(tmp_path, tiny_corpus):
    code = ("import sys; from cartqa import build_index; "
            f"build_index({str(tiny_corpus)!r}, {str(tmp_path / 'i')!r}, embedder='hash', store='faiss'); "
            "print([m for m in ('pymilvus', 'milvus_lite', 'grpc') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.slow
def test_milvus_lite_gives_faiss_top_3_for_every_seed_question(real_dirs, tmp_path, monkeypatch):
    """The real corpus and MiniLM: the same dense and fused top 3 for the 125 questions of
    eval/seed/questions.jsonl (bench/store_agreement.py measures every seed set)."""
    import json
    import shutil

    from cartqa.index.embedders import get_embedder
    from cartqa.search.retrieval import Retriever

    corpus, index = real_dirs
    milvus_index = tmp_path / "index"
    shutil.copytree(index, milvus_index, ignore=shutil.ignore_patterns(".lock"))
    build_index(corpus, milvus_index, store="milvus")  # moves the vectors, embeds nothing
    assert read_manifest(index).store["kind"] == "faiss" and read_manifest(milvus_index).store["kind"] == "milvus"
    model = get_embedder("minilm")
    retrievers = []
    for folder in (index, milvus_index):
        stored = _loaded(folder)
        retrievers.append(Retriever(stored.chunks, None, model, stored.sentence_vectors, stored.dense, stored.terms))
    lines = (REPO / "eval" / "seed" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line]
    assert len(questions) == 125
    # the questions embedded in one batch, for both stores: the stores are under test, not the model
    queries = model.embed_passages(questions)
    by_text = dict(zip(questions, queries))
    monkeypatch.setattr(model, "embed_query", lambda text: by_text[text].copy())
    dense = [r._dense.search(queries, 3)[1].tolist() for r in retrievers]
    assert dense[0] == dense[1] and all(-1 not in rows for rows in dense[1])
    for q in questions:
        faiss_top, milvus_top = ([h.chunk for h in r.search(q, k=3)] for r in retrievers)
        assert faiss_top == milvus_top, q


def test_a_new_process_searches_what_an_earlier_one_built(store, tiny_corpus, tmp_path):
    index = tmp_path / "index"
    build(tiny_corpus, index)
    _close_milvus()  # as if the build's process had ended: Milvus Lite opens the folder afresh
    stored = _loaded(index)
    assert _top(stored, stored.vectors, 1) == [[i] for i in range(len(stored.chunks))]


def _many_files(tmp_path, n=12):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(n):
        (corpus / f"d{i}.txt").write_text(f"Document {i} tells of river {i * 7}. Town {i} lies on it.\n\n"
                                          f"The mayor of town {i} was born in {1900 + i}.", encoding="utf-8")
    return corpus


def test_shards_split_the_files_and_assemble_without_computing_anything_again(store, tmp_path, monkeypatch):
    from cartqa.index.embedders import HashEmbedder
    from cartqa.index.shards import in_shard

    corpus = _many_files(tmp_path)
    embedder = HashEmbedder()
    shards = [tmp_path / f"shard-{i}" for i in range(3)]
    for i, folder in enumerate(shards):
        r = build_index(corpus, folder, embedder=embedder, shard=(i, 3), store="faiss")
        docs = set(read_manifest(folder).files)
        assert r.added == len(docs) and all(in_shard(d, (i, 3)) for d in docs)
    assert sum(len(read_manifest(f).files) for f in shards) == 12
    assert all(read_manifest(f).files for f in shards), "12 files hash into every one of 3 shards"
    embedded = []
    real = embedder.embed_passages
    monkeypatch.setattr(embedder, "embed_passages", lambda texts: embedded.extend(texts) or real(texts))
    r = build_index(corpus, tmp_path / "index", embedder=embedder, reuse=shards)
    assert r.added == 12 and embedded == [], "chunks, sentences and words all come from the shards"
    assembled = _loaded(tmp_path / "index")
    direct_dir = tmp_path / "direct"
    build_index(corpus, direct_dir, embedder=HashEmbedder(), store="faiss")
    direct = _loaded(direct_dir)
    assert sorted(assembled.chunks, key=chunk_key) == sorted(direct.chunks, key=chunk_key)
    order = {chunk_key(c): i for i, c in enumerate(direct.chunks)}
    rows = [order[chunk_key(c)] for c in assembled.chunks]
    assert np.allclose(assembled.vectors, direct.vectors[rows], atol=1e-6)
    assert sorted(assembled.sentence_vectors.keys) == sorted(direct.sentence_vectors.keys)
    for table in ("sentence_vectors", "phrase_vectors"):  # read from three shards' tables together
        got, want = getattr(assembled, table), getattr(direct, table)
        assert np.allclose(got.rows(want.keys), want.rows(want.keys), atol=1e-6), table
    assert dict(assembled.parses) == dict(direct.parses) and read_manifest(tmp_path / "index").store["kind"] == store


def test_a_shard_built_with_another_model_is_refused_by_name(tiny_corpus, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    build_index(tiny_corpus, tmp_path / "shard", embedder="hash-32")
    assert main(["index", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "i"),
                 "--reuse", str(tmp_path / "shard")]) == 1
    assert "built with another model or chunking (hash-32)" in capsys.readouterr().err
    for bad in ("3/3", "x", "1/0"):
        assert main(["index", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "i"), "--shard", bad]) == 1
        assert f"--shard {bad!r}" in capsys.readouterr().err


def test_a_changed_files_unchanged_chunks_keep_their_vectors(tmp_path, monkeypatch):
    from cartqa.index.embedders import HashEmbedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    first = " ".join(f"Station {i} recorded {i * 7} millimetres of rain." for i in range(40))
    (corpus / "long.txt").write_text(first, encoding="utf-8")
    embedder = HashEmbedder()
    build_index(corpus, tmp_path / "i", embedder=embedder)
    before = {c.text for c in _loaded(tmp_path / "i").chunks}
    embedded = []
    real = embedder.embed_passages
    monkeypatch.setattr(embedder, "embed_passages", lambda texts: embedded.extend(texts) or real(texts))
    (corpus / "long.txt").write_text(first + "\n\nThe wettest month was March.", encoding="utf-8")
    r = build_index(corpus, tmp_path / "i", embedder=embedder)
    after = {c.text for c in _loaded(tmp_path / "i").chunks}
    unchanged = before & after
    assert r.updated == 1 and len(before) > 2 and unchanged and after - before
    assert not unchanged & set(embedded), "a chunk the old build has is not embedded again"
    assert after - before <= set(embedded)
