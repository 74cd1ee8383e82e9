import json
import os

import pytest

from cartqa import build_index
from cartqa.corpus.chunking import ChunkSettings, passage
from cartqa.errors import CorpusError, IndexFormatError
from cartqa.index.build import is_stale
from cartqa.index.store import FORMAT_VERSION, StoredIndex, load_stored, read_manifest


def build(corpus, index):
    return build_index(corpus, index, embedder="hash")


def test_incremental_build_reports_each_kind_of_change(tiny_corpus, tmp_path):
    index = tmp_path / "index"
    r = build(tiny_corpus, index)
    assert (r.added, r.updated, r.removed, r.unchanged) == (2, 0, 0, 0)
    r = build(tiny_corpus, index)
    assert (r.added, r.updated, r.removed, r.unchanged) == (0, 0, 0, 2)
    (tiny_corpus / "new.txt").write_text("Humanitas has a CAR-T unit.", encoding="utf-8")
    (tiny_corpus / "int.txt").write_text("INT was established in 1928.", encoding="utf-8")
    (tiny_corpus / "ieo.md").unlink()
    r = build(tiny_corpus, index)
    assert (r.added, r.updated, r.removed, r.unchanged) == (1, 1, 1, 0)
    stored = load_stored(index, read_manifest(index))
    assert sorted({c.doc for c in stored.chunks}) == ["int.txt", "new.txt"]
    assert len(stored.vectors) == len(stored.chunks)


def test_unchanged_files_are_not_re_embedded(tiny_corpus, tmp_path, monkeypatch):
    from cartqa.index.embedders import HashEmbedder

    embedder = HashEmbedder()
    build_index(tiny_corpus, tmp_path / "i", embedder=embedder)
    seen = []
    real = embedder.embed_passages
    monkeypatch.setattr(embedder, "embed_passages", lambda texts: seen.extend(texts) or real(texts))
    (tiny_corpus / "new.txt").write_text("A new fact about Pavia.", encoding="utf-8")
    build_index(tiny_corpus, tmp_path / "i", embedder=embedder)
    # the new chunk once (its one sentence reuses the chunk's vector), then only words the corpus lacked
    assert seen[0] == "A new fact about Pavia." and seen.count("A new fact about Pavia.") == 1
    assert set(seen[1:]) == {"new", "fact", "about", "pavia"}  # "a" was there already; pairs are not embedded


def test_manifest_describes_the_index(tiny_corpus, tmp_path):
    build(tiny_corpus, tmp_path / "i")
    data = json.loads((tmp_path / "i" / "manifest.json").read_text())
    assert data["format_version"] == FORMAT_VERSION and data["model_id"] == "hash-64" and data["dim"] == 64
    assert set(data["files"]) == {"int.txt", "ieo.md"} and len(data["files"]["int.txt"]["sha256"]) == 64
    assert data["chunking"]["max_tokens"] > 0 and data["built_at"]
    assert (tmp_path / "i" / data["build_id"] / "vectors.faiss").exists()


def test_an_unchanged_manifest_is_not_decoded_again_and_a_new_build_is_read(tiny_corpus, tmp_path, monkeypatch):
    from cartqa.index import store

    index = tmp_path / "i"
    build(tiny_corpus, index)
    decoded = []
    real = store._parsed_manifest
    monkeypatch.setattr(store, "_parsed_manifest", lambda *a: decoded.append(a) or real(*a))
    first = read_manifest(index)
    decoded.clear()
    assert read_manifest(index) is first and read_manifest(str(index)) is first and decoded == []
    (tiny_corpus / "new.txt").write_text("A new fact about Pavia.", encoding="utf-8")
    build(tiny_corpus, index)
    second = read_manifest(index)
    assert second.build_id != first.build_id and "new.txt" in second.files and "new.txt" not in first.files
    (index / "manifest.json").write_text("[1, 2, 3]", encoding="utf-8")  # damaged in place: read, refused
    with pytest.raises(IndexFormatError, match="manifest.json"):
        read_manifest(index)
    (index / "manifest.json").unlink()
    assert read_manifest(index) is None


def test_a_format_2_index_is_upgraded_by_embedding_only_the_words_it_lacked(tiny_corpus, tmp_path, monkeypatch):
    from dataclasses import replace

    from cartqa.index import annotate
    from cartqa.index.embedders import HashEmbedder
    from cartqa.index.store import write_manifest

    embedder, index = HashEmbedder(), tmp_path / "i"
    monkeypatch.setattr(annotate, "MAX_STORED", 3)  # format 2 kept the first words only
    build_index(tiny_corpus, index, embedder=embedder)
    write_manifest(index, replace(read_manifest(index), format_version=2))
    monkeypatch.setattr(annotate, "MAX_STORED", 2_000_000)
    seen = []
    real = embedder.embed_passages
    monkeypatch.setattr(embedder, "embed_passages", lambda texts: seen.extend(texts) or real(texts))
    r = build_index(tiny_corpus, index, embedder=embedder)
    assert r.unchanged == 2 and read_manifest(index).format_version == FORMAT_VERSION
    stored = load_stored(index, read_manifest(index))
    assert seen and not set(seen) & ({c.text for c in stored.chunks} | set(stored.sentence_vectors.keys)), \
        "no chunk nor sentence is embedded again"
    assert len(seen) == len(stored.phrase_vectors) - 3 and "1928" in stored.phrase_vectors


def test_changed_settings_rebuild_everything(tiny_corpus, tmp_path):
    build(tiny_corpus, tmp_path / "i")
    r = build_index(tiny_corpus, tmp_path / "i", embedder="hash-32")
    assert r.updated == 2 and r.unchanged == 0


def test_a_chunk_is_embedded_and_searched_with_the_title_and_heading_it_sits_under(tmp_path):
    from cartqa.index.embedders import HashEmbedder
    from cartqa.search.retrieval import Retriever

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "linnerrud.txt").write_text(
        "Linnerrud dataset\n\nHistory\n\nThe data were collected from twenty middle-aged men in a fitness club.",
        encoding="utf-8")
    (corpus / "other.txt").write_text("Iris plants\n\nFisher collected fifty flowers of each species.",
                                      encoding="utf-8")
    embedder, seen = HashEmbedder(), []
    real = embedder.embed_passages
    embedder.embed_passages = lambda texts: seen.extend(texts) or real(texts)
    build_index(corpus, tmp_path / "i", embedder=embedder, chunking=ChunkSettings(max_tokens=16, overlap_sentences=0))
    stored = load_stored(tmp_path / "i", read_manifest(tmp_path / "i"))
    deep = next(c for c in stored.chunks if c.text.startswith("The data"))
    assert deep.context == "Linnerrud dataset / History"
    assert "Linnerrud dataset / History\nThe data were collected from twenty middle-aged men in a fitness club." in seen
    # the title's word finds the chunk that never writes it, by BM25 and by its vector
    retriever = Retriever(stored.chunks, None, embedder, index=stored.dense, bm25=stored.bm25)
    assert retriever.search("linnerrud men", k=1)[0].chunk == deep
    assert stored.terms[stored.chunks.index(deep)].count("linnerrud") == 1


def test_a_new_title_re_embeds_the_chunks_under_it(tmp_path):
    from cartqa.index.embedders import HashEmbedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = "\n\nThe data were collected from twenty middle-aged men in a fitness club."
    (corpus / "d.txt").write_text("Linnerrud dataset" + body, encoding="utf-8")
    embedder, seen = HashEmbedder(), []
    settings = ChunkSettings(max_tokens=16, overlap_sentences=0)
    build_index(corpus, tmp_path / "i", embedder=embedder, chunking=settings)
    real = embedder.embed_passages
    embedder.embed_passages = lambda texts: seen.extend(texts) or real(texts)
    (corpus / "d.txt").write_text("Bodyworks dataset" + body, encoding="utf-8")  # same length: same offsets
    build_index(corpus, tmp_path / "i", embedder=embedder, chunking=settings)
    assert "Bodyworks dataset\nThe data were collected from twenty middle-aged men in a fitness club." in seen


def test_new_chunking_keeps_the_sentence_and_word_vectors_and_parses(tiny_corpus, tmp_path, monkeypatch):
    from cartqa.index import build as building
    from cartqa.index.embedders import HashEmbedder

    embedder, index = HashEmbedder(), tmp_path / "i"
    build_index(tiny_corpus, index, embedder=embedder)
    before = load_stored(index, read_manifest(index))
    seen = []
    real = embedder.embed_passages
    monkeypatch.setattr(embedder, "embed_passages", lambda texts: seen.extend(texts) or real(texts))
    monkeypatch.setattr(building.parsing, "SharedParse",
                        lambda texts, **kw: pytest.fail(f"parsed again: {list(texts)[:3]}"))
    r = build_index(tiny_corpus, index, embedder=embedder, chunking=ChunkSettings(max_tokens=10))
    after = load_stored(index, read_manifest(index))
    assert r.updated == 2 and [c.text for c in after.chunks] != [c.text for c in before.chunks]
    # only the chunks cut anew are embedded: every sentence and word was in the old build
    assert seen and set(seen) <= {passage(c) for c in after.chunks}
    assert set(after.sentence_vectors.keys) == set(before.sentence_vectors.keys)


def test_a_removed_file_loads_no_parser_and_the_kept_records_are_copied_as_stored(tiny_corpus, tmp_path,
                                                                                  monkeypatch):
    """Removing a file parses nothing, so spaCy is not loaded (~1.2 s); the kept sentences' parses and
    the kept documents' word records are written as the old build stored them, not decoded again."""
    from cartqa.index import build as building
    from cartqa.index.store import DOCUMENT_WORDS

    index = tmp_path / "i"
    build(tiny_corpus, index)
    before = load_stored(index, read_manifest(index))
    if not before.parses:
        pytest.skip("spaCy's English parser is not installed")
    # An earlier writer's spelling of the same JSON (no spaces): a kept line is copied, so it stays.
    compact = {}
    for name in ("parses", DOCUMENT_WORDS):
        path = before.folder / f"{name}.jsonl"
        lines = [json.dumps(json.loads(line), separators=(",", ":")) for line in path.read_text().splitlines()]
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        compact[name] = lines
    kept = [t for t in before.parses if t in (tiny_corpus / "int.txt").read_text(encoding="utf-8")]
    monkeypatch.setattr(building.parsing, "available", lambda: pytest.fail("loaded the parser"))
    (tiny_corpus / "ieo.md").unlink()
    assert build(tiny_corpus, index).removed == 1
    monkeypatch.undo()
    after = load_stored(index, read_manifest(index))
    assert sorted(after.parses) == sorted(kept) and kept
    assert after.parses[kept[0]] == before.parses[kept[0]]
    for name in ("parses", DOCUMENT_WORDS):
        written = (after.folder / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert written and set(written) <= set(compact[name]), name


def test_the_build_starts_parsing_before_it_embeds_the_chunks(tiny_corpus, tmp_path, monkeypatch):
    """The sentences no build parsed go to an idle-priority parse first, so it runs beside the embedding."""
    from cartqa.corpus import parsing
    from cartqa.index import build as building
    from cartqa.index.embedders import HashEmbedder

    if not parsing.available():
        pytest.skip("no English parser")
    events, embedder, real = [], HashEmbedder(), parsing.SharedParse

    class Recorded(real):
        def __init__(self, texts, **kwargs):
            events.append(("parse", len(texts), kwargs.get("idle")))
            super().__init__(texts, **kwargs)

        def result(self):
            events.append(("parsed",))
            return super().result()

    monkeypatch.setattr(building.parsing, "SharedParse", Recorded)
    real_embed = embedder.embed_passages
    monkeypatch.setattr(embedder, "embed_passages", lambda texts: events.append(("embed",)) or real_embed(texts))
    build_index(tiny_corpus, tmp_path / "i", embedder=embedder)
    stored = load_stored(tmp_path / "i", read_manifest(tmp_path / "i"))
    kinds = [e[0] for e in events]
    assert kinds[0] == "parse" and events[0][1:] == (len(stored.parses), True)
    assert kinds.index("parsed") > kinds.index("embed")


def test_staleness_follows_content_not_timestamps(tiny_corpus, tmp_path):
    index = tmp_path / "i"
    assert is_stale(tiny_corpus, index)
    build(tiny_corpus, index)
    assert not is_stale(tiny_corpus, index)
    os.utime(tiny_corpus / "int.txt", ns=(1, 1))  # touched, same bytes
    assert not is_stale(tiny_corpus, index)
    (tiny_corpus / "int.txt").write_text("changed", encoding="utf-8")
    assert is_stale(tiny_corpus, index)


def test_unreadable_file_is_reported_and_loses_nothing(tiny_corpus, tmp_path):
    index = tmp_path / "i"
    build(tiny_corpus, index)
    (tiny_corpus / "int.txt").write_bytes(b"\x00\x01binary\x00")
    r = build(tiny_corpus, index)
    assert r.skipped and "int.txt" in r.skipped[0]
    stored = load_stored(index, read_manifest(index))
    assert any("1928" in c.text for c in stored.chunks), "the last good version is kept"


def test_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="not found"):
        build(tmp_path / "nope", tmp_path / "i")


def test_old_builds_are_cleaned_and_no_temp_left(tiny_corpus, tmp_path):
    index = tmp_path / "i"
    build(tiny_corpus, index)
    (tiny_corpus / "x.txt").write_text("More text here.", encoding="utf-8")
    build(tiny_corpus, index)
    dirs = [p.name for p in index.iterdir() if p.is_dir()]
    assert dirs == [read_manifest(index).build_id]


def test_build_reports_progress_to_a_function(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(3):
        (corpus / f"d{i}.txt").write_text(f"Document {i} says the number {i}.", encoding="utf-8")
    steps = []
    build_index(corpus, tmp_path / "index", embedder="hash", progress=steps.append)
    reading = [s for s in steps if s.stage == "reading"]
    assert [s.done for s in reading] == [0, 1, 2, 3] and {(s.total, s.unit) for s in reading} == {(3, "files")}
    embedding = [s for s in steps if (s.stage, s.unit) == ("embedding", "chunks")]
    assert embedding[-1].done == embedding[-1].total == 3
    assert [s.stage for s in steps][-1] == "writing"
    stages = list(dict.fromkeys(s.stage for s in steps))
    assert stages == ["reading", "embedding", "parsing", "writing"]


def test_sentences_are_counted_in_one_batch_with_the_same_counts():
    from cartqa.index.build import _counter
    from cartqa.index.embedders import HashEmbedder

    class Batched(HashEmbedder):
        def count_tokens_many(self, texts):
            self.batches = getattr(self, "batches", 0) + 1
            return [self.count_tokens(t) for t in texts]

    model = Batched()
    text = "INT was established in 1928. It has 464 beds.\n\nA new paragraph, here."
    count = _counter(model, text)
    assert [count(s) for s in ("It has 464 beds.", "not a sentence of it")] == [5, 5] and model.batches == 1


def test_the_build_stores_what_a_new_process_would_recompute(tiny_corpus, tmp_path, monkeypatch):
    from cartqa.corpus.text import terms
    from cartqa.index.annotate import sentence_texts
    from cartqa.pipeline import engine
    from cartqa.reading import syntax

    index = tmp_path / "i"
    build(tiny_corpus, index)
    stored = load_stored(index, read_manifest(index))
    sentences = sentence_texts(stored.chunks)
    assert len(sentences) >= 4 and all(s in stored.sentence_vectors for s in sentences)
    assert "breast" in stored.phrase_vectors and "breast cancer" not in stored.phrase_vectors  # words, not pairs
    assert stored.terms == [terms(c.text) for c in stored.chunks]
    if stored.parses:  # spaCy is installed
        assert set(stored.parses) == set(sentences)
    # a new process loads them: nothing is embedded or parsed at load
    model = engine.get_embedder("hash")
    embedded = []
    real = model.embed_passages
    monkeypatch.setattr(model, "embed_passages", lambda texts: embedded.extend(texts) or real(texts))
    monkeypatch.setattr(syntax, "parse_sentences", lambda texts: pytest.fail(f"parsed at load: {texts[:3]}"))
    # nor are BM25's terms read: the stored BM25 index is searched
    monkeypatch.setattr(StoredIndex, "terms", property(lambda self: pytest.fail("the chunks' terms read at load")))
    engine._CACHE.clear()
    e = engine.get_engine(tiny_corpus, index, "hash", refresh=False)
    assert embedded == []
    assert len(e.retriever.sentence_similarity("How many beds?", sentences)) == len(sentences)
    assert e.related.best("beds", ["cancer", "breast"]) != 0.0
    assert embedded == ["How many beds?"], "only the question is embedded"


def test_the_build_embeds_each_list_member_read_with_its_lead_as_a_sentence(tmp_path):
    from cartqa.corpus.enumerations import list_readings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "The cell factories are: Tettamanti in Monza, Lanzani in Bergamo, San Matteo in Pavia and Besta in Milano."
    (corpus / "factories.txt").write_text(text, encoding="utf-8")
    build(corpus, tmp_path / "i")
    stored = load_stored(tmp_path / "i", read_manifest(tmp_path / "i"))
    readings = list_readings(text)
    assert "The cell factories are: San Matteo in Pavia" in readings
    assert all(r in stored.sentence_vectors for r in readings)


def test_the_stored_terms_are_read_when_asked_and_a_damaged_file_says_rebuild(tiny_corpus, tmp_path):
    from cartqa.errors import IndexFormatError

    index = tmp_path / "i"
    build(tiny_corpus, index)
    manifest = read_manifest(index)
    stored = load_stored(index, manifest)
    assert "terms" not in stored.__dict__  # loading did not read them
    assert len(stored.terms) == len(stored.chunks) and "terms" in stored.__dict__
    lines = (index / manifest.build_id / "terms.jsonl").read_text(encoding="utf-8").splitlines()
    (index / manifest.build_id / "terms.jsonl").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    with pytest.raises(IndexFormatError, match="rebuild"):
        load_stored(index, manifest).terms


@pytest.mark.slow
def test_no_chunk_passes_the_real_embedders_input_limit(tmp_path, capfd):
    from cartqa.index.embedders import get_embedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    table_row = ", ".join(f"station {i} recorded {i * 7} millimetres of rain in March" for i in range(60))
    (corpus / "rain.txt").write_text(f"Rainfall by station: {table_row}. The wettest month was March.\n",
                                     encoding="utf-8")
    build_index(corpus, tmp_path / "i")
    model = get_embedder("minilm")
    chunks = load_stored(tmp_path / "i", read_manifest(tmp_path / "i")).chunks
    assert len(chunks) > 1 and all(model.count_tokens(c.text) <= 128 for c in chunks)
    assert "Token indices sequence length" not in capfd.readouterr().err


def test_an_unknown_precision_is_one_line_before_anything_is_built(tiny_corpus, tmp_path, monkeypatch):
    from cartqa.errors import InputError

    index = tmp_path / "i"
    build_index(tiny_corpus, index, embedder="hash")
    before = read_manifest(index).build_id
    (tiny_corpus / "new.txt").write_text("Humanitas has a CAR-T unit.", encoding="utf-8")
    monkeypatch.setenv("CARTQA_PRECISION", "half")
    with pytest.raises(InputError, match="Unknown precision 'half' .*'auto', 'float32' or 'bfloat16'"):
        build_index(tiny_corpus, index, embedder="hash")  # the fake embedder never asks torch
    assert read_manifest(index).build_id == before
    monkeypatch.setenv("CARTQA_PRECISION", "float32")
    assert build_index(tiny_corpus, index, embedder="hash").added == 1
