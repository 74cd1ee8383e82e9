"""The corpus's word counts, counted per document and summed, equal those counted over the whole corpus;
an index build stores them, reuses an unchanged document's share, and a new process reads them."""

import json

import pytest

from cartqa import build_index
from cartqa.corpus import wordstats
from cartqa.corpus.wordstats import CorpusWords, DocumentWords, merge, of_document
from cartqa.index.store import FORMAT_VERSION, load_stored, read_manifest
from cartqa.reading.grounding import CorpusView
from cartqa.records import Chunk

DOCS = {
    "a.txt": "The National Cancer Institute of Milan (INT) opened in 1928. INT has 464 beds. "
             "It joined the European consortium EURE-CART.",
    "b.txt": "The INT (Istituto Nazionale Tumori) treats cancer in Milan. The Italian coordinator is Pavia.",
    "c.txt": "Istituto Nazionale (INT) is a later name. The hospital treats cancer; the milan office is closed.",
    "d.txt": "",
}


def chunks(docs: dict[str, str]) -> list[Chunk]:
    return [Chunk(doc, text, 0, len(text)) for doc, text in docs.items()]


@pytest.mark.parametrize("docs", [DOCS, {}, {"x.txt": "One sentence only."}, {"u.txt": "Città di Milano (CDM). Ünïcode."}])
def test_counts_from_stored_shares_equal_counting_the_corpus(docs):
    computed = CorpusView(chunks(docs))
    shares = [DocumentWords.from_json(json.loads(json.dumps(of_document([s.text for s in sentences]).to_json())))
              for sentences in computed.sentences.values()]
    counts = CorpusWords.from_json(json.loads(json.dumps(merge(shares).to_json())))
    stored = CorpusView(chunks(docs), counts=counts)
    for name in ("aliases", "descriptions", "_idf", "_max_idf", "vocabulary", "acronyms", "proper", "names_only",
                 "place_adjectives"):
        assert getattr(stored, name) == getattr(computed, name), name
    assert list(stored.aliases) == list(computed.aliases), "in the order the corpus gives them"


def test_an_acronym_keeps_the_last_long_name_and_a_short_then_long_one_only_when_it_has_none():
    counts = merge(of_document([text]) for text in DOCS.values())
    assert counts.aliases["int"] == ("istituto", "nazionale")  # c.txt's "Long Name (ACR)" is the last
    assert counts.descriptions == {"eure-cart": ("european", "consortium")}
    alone = merge([of_document(["The INT (Istituto Nazionale Tumori) treats cancer."])])
    assert alone.aliases["int"] == ("istituto", "nazionale", "tumori")


def test_idf_counts_sentences_and_names_are_words_no_document_writes_in_lower_case():
    counts = merge(of_document([text]) for text in ["Cancer cancer cancer, Milan treats cancer.", "A milan office."])
    assert counts.sentences == 2 and counts.df["cancer"] == 1  # one document, one "sentence" each here
    assert "milan" in counts.proper and "milan" not in counts.names_only  # written "milan" in the other document
    two = merge([of_document(["Cancer is here.", "Cancer is there."])])
    assert two.df["cancer"] == 2 and two.sentences == 2


def test_a_document_twice_counts_twice(tmp_path):
    from cartqa.index.annotate import word_counts

    per_document, corpus, records = word_counts(chunks({"a.txt": "INT has beds.", "b.txt": "INT has beds."}), {})
    assert len(per_document) == 1 and corpus["sentences"] == 2 and corpus["df"]["bed"] == 2
    assert len(records) == 2 and records[0] is records[1]


def test_the_build_stores_the_counts_and_reuses_an_unchanged_documents_share(tiny_corpus, tmp_path, monkeypatch):
    index = tmp_path / "i"
    build_index(tiny_corpus, index, embedder="hash")
    stored = load_stored(index, read_manifest(index))
    view = CorpusView(stored.chunks)
    assert stored.words == merge(of_document([s.text for s in sentences], [c.text for c in stored.chunks if c.doc == doc])
                                 for doc, sentences in view.sentences.items())
    assert stored.words.aliases["int"] == ("national", "cancer", "institute", "milan")
    assert len(stored.document_words()) == 2 and stored.bm25 is not None
    counted = []
    real = wordstats.of_document
    monkeypatch.setattr("cartqa.index.annotate.of_document", lambda s, c: counted.append(s) or real(s, c))
    (tiny_corpus / "new.txt").write_text("Humanitas has a CAR-T unit.", encoding="utf-8")
    build_index(tiny_corpus, index, embedder="hash")
    assert counted == [["Humanitas has a CAR-T unit."]], "only the new document is counted"
    stored = load_stored(index, read_manifest(index))
    assert "humanitas" in stored.words.vocabulary and "int" in stored.words.aliases


def test_an_unchanged_documents_word_forms_and_list_readings_are_read_not_worked_out(tiny_corpus, tmp_path,
                                                                                     monkeypatch):
    from cartqa.index import annotate

    index = tmp_path / "i"
    build_index(tiny_corpus, index, embedder="hash")
    listed = "The units are: A in Pavia, B in Bergamo."
    (tiny_corpus / "new.txt").write_text(listed, encoding="utf-8")
    seen = []
    real = annotate.list_readings
    monkeypatch.setattr(annotate, "list_readings", lambda s: seen.append(s) or real(s))
    build_index(tiny_corpus, index, embedder="hash")
    assert seen == [listed], "only the new document's sentences"
    monkeypatch.undo()
    full = tmp_path / "full"
    build_index(tiny_corpus, full, embedder="hash")
    incremental, fresh = (load_stored(i, read_manifest(i)) for i in (index, full))
    assert incremental.phrase_vectors.keys == fresh.phrase_vectors.keys
    assert "pavia" in incremental.phrase_vectors and "bergamo" in incremental.phrase_vectors
    assert incremental.sentence_vectors.keys == fresh.sentence_vectors.keys
    assert "The units are: A in Pavia" in incremental.sentence_vectors


def test_a_new_process_reads_the_counts_instead_of_counting(tiny_corpus, tmp_path, monkeypatch):
    from cartqa.pipeline import engine

    index = tmp_path / "i"
    build_index(tiny_corpus, index, embedder="hash")
    monkeypatch.setattr("cartqa.reading.grounding.of_document", lambda s: pytest.fail("counted at load"))
    loaded = engine._engine(read_manifest(index), load_stored(index, read_manifest(index)))
    assert loaded.view.aliases["int"] == ("national", "cancer", "institute", "milan")


def test_a_format_3_index_is_upgraded_without_embedding_anything(tiny_corpus, tmp_path, monkeypatch):
    import shutil
    from dataclasses import replace

    from cartqa.index.embedders import HashEmbedder
    from cartqa.index.store import write_manifest

    embedder, index = HashEmbedder(), tmp_path / "i"
    build_index(tiny_corpus, index, embedder=embedder)
    build = index / read_manifest(index).build_id
    for name in ("words.json", "document-words.jsonl", "bm25"):  # what format 3 did not store
        shutil.rmtree(build / name) if (build / name).is_dir() else (build / name).unlink()
    write_manifest(index, replace(read_manifest(index), format_version=3))
    assert load_stored(index, read_manifest(index)).words is None
    monkeypatch.setattr(embedder, "embed_passages", lambda texts: pytest.fail(f"embedded {texts}"))
    r = build_index(tiny_corpus, index, embedder=embedder)
    stored = load_stored(index, read_manifest(index))
    assert r.unchanged == 2 and read_manifest(index).format_version == FORMAT_VERSION
    assert stored.words is not None and stored.bm25 is not None


def test_damaged_counts_are_a_damaged_index(tiny_corpus, tmp_path):
    from cartqa.errors import IndexFormatError

    index = tmp_path / "i"
    build_index(tiny_corpus, index, embedder="hash")
    (index / read_manifest(index).build_id / "words.json").write_text('{"sentences": 1, "df": {}, "vocabulary": 3}')
    with pytest.raises(IndexFormatError, match="damaged"):
        load_stored(index, read_manifest(index))


def test_the_italian_readers_vocabulary_is_read_from_the_counts_and_equals_reading_every_chunk(tiny_corpus, tmp_path,
                                                                                                 monkeypatch):
    from cartqa.pipeline import engine
    from cartqa.reading.italian import alignment
    from cartqa.reading.italian.vocabulary import Vocabulary

    (tiny_corpus / "it.txt").write_text("L'Ospedale Maggiore di Milano ha 900 letti. CAR-T e NBI.", encoding="utf-8")
    index = tmp_path / "i"
    build_index(tiny_corpus, index, embedder="hash")
    loaded = engine._engine(read_manifest(index), load_stored(index, read_manifest(index)))
    english = lambda w: w not in {"ospedale", "maggiore"}  # noqa: E731
    stored = Vocabulary.from_written(loaded.view.stored_counts.written, english)
    assert stored == Vocabulary.of([c.text for c in loaded.retriever.chunks], english)
    assert stored.foreign == {"ospedale", "maggiore"} and "car-t" not in stored.targets
    if not alignment.available():
        return
    monkeypatch.setattr(Vocabulary, "of", classmethod(lambda cls, *a: pytest.fail("read every chunk")))
    aligner = alignment.for_engine(loaded, index)
    assert aligner.vocabulary == Vocabulary.from_written(loaded.view.stored_counts.written, alignment.is_english)
    assert "letti" not in aligner.vocabulary.targets and "maggiore" in aligner.vocabulary.targets  # not English; a name
