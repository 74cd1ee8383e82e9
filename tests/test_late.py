"""Late chunking: which tokens a sentence averages, which chunk it is read from, and a build that
runs each chunk through the model once (fakes), then the real MiniLM (slow)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from cartqa import build_index
from cartqa.corpus.chunking import chunk_text, passage
from cartqa.corpus.enumerations import list_readings
from cartqa.index.annotate import sentence_texts
from cartqa.index.embedders import HashEmbedder
from cartqa.index.late import Home, late_vectors, sentence_homes, token_groups
from cartqa.index.store import FORMAT_VERSION, load_stored, read_manifest, write_manifest
from cartqa.records import Chunk

SPECIAL = (0, 0)


@pytest.mark.parametrize("offsets, groups, expected", [
    ([SPECIAL, (0, 3), (4, 8), (8, 9), SPECIAL], [((0, 9),)], [[1, 2, 3]]),  # [CLS] and [SEP] never count
    ([SPECIAL, (0, 3), (4, 8), (8, 9), (10, 12), SPECIAL, SPECIAL], [((0, 9),), ((10, 12),)], [[1, 2, 3], [4]]),
    ([SPECIAL, (0, 6), SPECIAL], [((0, 3),)], [[]]),  # a token straddling the span's end is not inside it
    ([SPECIAL, (0, 4), (5, 9), SPECIAL], [((5, 20),)], [[]]),  # cut: the sentence runs past the last token
    ([SPECIAL, (0, 4), (5, 9), SPECIAL], [((0, 4), (5, 20))], [[]]),  # a reading with a part cut off
    ([SPECIAL, SPECIAL], [((0, 4),)], [[]]),  # nothing left at all
    ([SPECIAL, (0, 5)], [], []),
    ([SPECIAL, (0, 4), (5, 8), SPECIAL], [((0, 4),), ((0, 8),)], [[1], [1, 2]]),  # groups may overlap
    ([SPECIAL, (0, 4), (5, 8), (9, 12), SPECIAL], [((0, 4), (9, 12))], [[1, 3]]),  # a reading's two parts
])
def test_token_groups(offsets, groups, expected):
    assert token_groups(offsets, groups) == expected


def homes(chunks, wanted=lambda text: True, docs=None):
    return [(h.text, h.chunk, h.spans) for h in sentence_homes(chunks, wanted, docs)]


def test_a_sentence_is_read_from_the_first_chunk_holding_it():
    chunks = [Chunk("d", "A one. B two.", 0, 13), Chunk("d", "B two. C three.", 7, 22)]
    assert homes(chunks) == [("A one.", 0, ((0, 6),)), ("B two.", 0, ((7, 13),)), ("C three.", 1, ((7, 15),))]


def test_a_sentence_that_is_a_whole_chunk_is_read_from_that_chunk():
    # "B two." is inside the first chunk too, but alone it keeps the vector of the chunk it is
    chunks = [Chunk("d", "A one. B two.", 0, 13), Chunk("e", "B two.", 0, 6)]
    assert homes(chunks) == [("A one.", 0, ((0, 6),)), ("B two.", 1, ((0, 6),))]


def test_a_sentence_cut_across_chunks_is_read_from_each_part():
    # a sentence cut at words to fit the budget spans two chunks: a home in each, for its part there
    chunks = [Chunk("d", "A very long", 0, 11), Chunk("d", " sentence cut.", 11, 25), Chunk("d", "Next.", 26, 31)]
    assert sentence_texts(chunks) == ["A very long sentence cut.", "Next."]
    assert homes(chunks) == [("A very long sentence cut.", 0, ((0, 11),)), ("A very long sentence cut.", 1, ((0, 14),)),
                             ("Next.", 2, ((0, 5),))]


def test_a_cut_lists_readings_are_read_from_the_chunks_holding_their_parts():
    text = "The factories are: A in Pavia, B in Bergamo and C in Monza."
    chunks = [Chunk("d", text[:31], 0, 31), Chunk("d", text[31:], 31, len(text))]
    found = sentence_homes(chunks, lambda t: True)
    by_text: dict[str, list] = {}
    for h in found:
        by_text.setdefault(h.text, []).append(h)
    assert [(h.chunk, h.spans) for h in by_text[text]] == [(0, ((0, 31),)), (1, ((0, len(text) - 31),))]
    first, third = by_text["The factories are: A in Pavia"], by_text["The factories are: C in Monza"]
    assert [(h.chunk, h.spans) for h in first] == [(0, ((0, 17), (19, 29)))]
    assert [(h.chunk, [chunks[h.chunk].text[a:b] for a, b in h.spans]) for h in third] == \
        [(0, ["The factories are"]), (1, ["C in Monza"])]


def test_parts_are_averaged_by_length_and_a_part_cut_off_loses_the_text():
    chunks = [Chunk("d", "aaaa", 0, 4), Chunk("d", "bb", 4, 6)]
    parts = [Home("ab", 0, ((0, 4),)), Home("ab", 1, ((0, 2),)), Home("lost", 0, ((0, 1),)), Home("lost", 1, ((0, 1),))]
    x, y = np.array([1.0, 0.0]), np.array([0.0, 1.0])

    def fake(texts, groups):
        vector = {"aaaa": x, "bb": y}
        return np.ones((len(texts), 2)), [[vector[t] if t == "aaaa" or g != ((0, 1),) else None for g in gs]
                                          for t, gs in zip(texts, groups)]

    _, sentences = late_vectors(chunks, [0, 1], parts, fake)
    assert set(sentences) == {"ab"}
    assert np.allclose(sentences["ab"], np.array([4.0, 2.0]) / np.linalg.norm([4.0, 2.0]))


def test_a_repeated_passage_is_run_once_and_every_copy_gets_its_vectors_and_weight():
    # one piece in three files (one of them under a title: another passage) and a chunk after it
    chunks = [Chunk("a", "aaaa", 0, 4), Chunk("b", "aaaa", 0, 4), Chunk("c", "aaaa", 0, 4, context="T"),
              Chunk("a", "bb", 4, 6)]
    runs = []

    def fake(texts, groups):  # every vector a function of the text it pools
        runs.extend(texts)
        vector = lambda t: np.array([float(len(t)), float(t.count("b"))])  # noqa: E731
        return np.stack([vector(t) for t in texts]), [[vector(t[g[0][0]:g[0][1]]) for g in gs]
                                                      for t, gs in zip(texts, groups)]

    # "ab" is cut across a copy and the next chunk; "a1" pools the same spans of the other copy
    parts = [Home("ab", 0, ((0, 4),)), Home("ab", 3, ((0, 2),)), Home("a1", 1, ((0, 4),))]
    vectors, sentences = late_vectors(chunks, [0, 1, 2, 3], parts, fake)
    assert sorted(runs) == ["T\naaaa", "aaaa", "bb"]  # the same passage: one run
    assert sorted(vectors) == [0, 1, 2, 3] and np.allclose(vectors[0], vectors[1])
    assert np.allclose(sentences["a1"], [4.0, 0.0])  # its one part, as the pass gave it
    assert np.allclose(sentences["ab"], np.array([20.0, 4.0]) / np.linalg.norm([20.0, 4.0]))  # 4 x (4, 0) + 2 x (2, 2)

    runs.clear()
    parts = [Home("ab", 0, ((0, 4),)), Home("ab", 1, ((0, 4),)), Home("ab", 3, ((0, 2),))]
    vectors, sentences = late_vectors(chunks, [0, 1, 2, 3], parts, fake)
    assert sorted(runs) == ["T\naaaa", "aaaa", "bb"]
    # both copies count in the average, as when each was run: 4 + 4 characters of "aaaa", 2 of "bb"
    assert np.allclose(sentences["ab"], np.array([36.0, 4.0]) / np.linalg.norm([36.0, 4.0]))
    runs.clear()
    # the same passage with other spans pooled in each copy (a sentence has its home in the first
    # copy only): one run pooling both, each home given its own
    _, sentences = late_vectors(chunks, [0, 1], [Home("x", 0, ((0, 2),)), Home("y", 1, ((0, 4),))], fake)
    assert runs == ["aaaa"] and np.allclose(sentences["x"], [2.0, 0.0]) and np.allclose(sentences["y"], [4.0, 0.0])


def test_a_text_gets_one_home_and_wanted_filters():
    chunks = [Chunk("d", "Same. Other.", 0, 12), Chunk("e", "Same. Third.", 0, 12)]
    assert homes(chunks) == [("Same.", 0, ((0, 5),)), ("Other.", 0, ((6, 12),)), ("Third.", 1, ((6, 12),))]
    assert homes(chunks, wanted=lambda text: text != "Same.") == [("Other.", 0, ((6, 12),)), ("Third.", 1, ((6, 12),))]


def test_only_the_named_documents_are_split():
    chunks = [Chunk("d", "Same. Other.", 0, 12), Chunk("e", "Same. Third.", 0, 12)]
    assert homes(chunks) == homes(chunks, docs=None)
    assert sentence_homes(chunks, lambda t: True, {"e"}) == [Home("Same.", 1, ((0, 5),)), Home("Third.", 1, ((6, 12),))]


def test_a_list_members_reading_is_read_off_its_lead_and_the_member():
    text = "Intro here. The factories are: A in Pavia, B in Bergamo and C in Monza."
    chunk = Chunk("d", text, 100, 100 + len(text))
    found = {h.text: h for h in sentence_homes([chunk], lambda t: True)}
    readings = list_readings(text[12:])
    assert set(found) == {"Intro here.", text[12:], *readings}
    for r in readings:
        lead, member = (text[a:b] for a, b in found[r].spans)
        assert f"{lead}: {member}" == r


def test_every_sentence_of_ordinary_chunks_has_a_home():
    text = " ".join(f"Sentence number {i} says {'much ' * (i % 7)}here." for i in range(60))
    chunks = chunk_text("d", text, max_tokens=24, overlap=1, count_tokens=lambda s: len(s.split()))
    found = {h.text: h for h in sentence_homes(chunks, lambda t: True)}
    assert set(found) == set(sentence_texts(chunks))
    assert all(chunks[h.chunk].text[h.spans[0][0]:h.spans[0][1]] == h.text for h in found.values())


class LateFake(HashEmbedder):
    """The hash fake with late chunking: a group's vector is the hash vector of ``late:`` and its
    spans' text, so a test can tell it from the text embedded alone; counts what each call saw."""

    def __init__(self) -> None:
        super().__init__()
        self.alone: list[str] = []
        self.late: list[str] = []

    def can_late_chunk(self) -> bool:
        return True

    def embed_passages(self, texts):
        self.alone.extend(texts)
        return super().embed_passages(texts)

    def embed_late(self, texts, groups):
        self.late.extend(texts)
        parts = [[HashEmbedder.embed_passages(self, ["late:" + " ".join(t[s:e] for s, e in g)])[0] for g in gs]
                 for t, gs in zip(texts, groups)]
        return HashEmbedder.embed_passages(self, list(texts)), parts


def _sentences(index):
    stored = load_stored(index, read_manifest(index))
    return stored, {k: stored.sentence_vectors.get(k) for k in stored.sentence_vectors.keys}


def test_a_build_reads_sentence_vectors_from_one_pass_over_the_chunks(tiny_corpus, tmp_path):
    fake, index = LateFake(), tmp_path / "i"
    build_index(tiny_corpus, index, embedder=fake)
    stored, sentences = _sentences(index)
    assert sorted(fake.late) == sorted(passage(c) for c in stored.chunks), "each chunk once"
    assert not set(fake.alone) & (set(sentences) | {passage(c) for c in stored.chunks}), "nothing embedded again"
    plain = HashEmbedder()
    for text, vector in sentences.items():
        whole = any(c.text == text and not c.context for c in stored.chunks)
        expected = plain.embed_passages([text if whole else f"late:{text}"])[0]
        assert np.allclose(vector, expected), text
    assert np.allclose(stored.vectors, plain.embed_passages([passage(c) for c in stored.chunks]))


def test_a_new_file_runs_only_its_chunks(tiny_corpus, tmp_path):
    fake, index = LateFake(), tmp_path / "i"
    build_index(tiny_corpus, index, embedder=fake)
    fake.late.clear()
    (tiny_corpus / "new.txt").write_text("A new fact about Pavia. Pavia has a university.", encoding="utf-8")
    build_index(tiny_corpus, index, embedder=fake)
    assert fake.late == ["A new fact about Pavia. Pavia has a university."]
    assert np.allclose(_sentences(index)[1]["Pavia has a university."],
                       HashEmbedder().embed_passages(["late:Pavia has a university."])[0])


def test_removing_a_file_asks_nothing_of_the_model(tiny_corpus, tmp_path):
    fake, index = LateFake(), tmp_path / "i"
    build_index(tiny_corpus, index, embedder=fake)
    fake.can_late_chunk = lambda: pytest.fail("asked the model")
    (tiny_corpus / "ieo.md").unlink()
    assert build_index(tiny_corpus, index, embedder=fake).removed == 1


def test_a_format_5_index_gets_late_sentence_vectors_and_keeps_the_rest(tiny_corpus, tmp_path):
    plain, index = HashEmbedder(), tmp_path / "i"
    build_index(tiny_corpus, index, embedder=plain)  # sentences embedded alone, as format 5 did
    write_manifest(index, replace(read_manifest(index), format_version=5))
    old, old_sentences = _sentences(index)
    fake = LateFake()
    report = build_index(tiny_corpus, index, embedder=fake)
    assert report.unchanged == 2 and read_manifest(index).format_version == FORMAT_VERSION
    stored, sentences = _sentences(index)
    assert set(sentences) == set(old_sentences)
    assert not any(np.allclose(sentences[t], old_sentences[t]) for t in sentences
                   if all(c.text != t for c in stored.chunks)), "no sentence vector embedded alone is kept"
    assert fake.alone == [], "chunks, words and sentences are not embedded again alone"
    assert sorted(set(fake.late)) == sorted({passage(c) for c in stored.chunks})
    assert np.allclose(stored.vectors, old.vectors) and len(stored.phrase_vectors) == len(old.phrase_vectors)


def test_without_late_chunking_a_format_5_index_keeps_its_sentence_vectors(tiny_corpus, tmp_path):
    plain, index = HashEmbedder(), tmp_path / "i"
    build_index(tiny_corpus, index, embedder=plain)
    write_manifest(index, replace(read_manifest(index), format_version=5))
    seen = []
    real = plain.embed_passages
    plain.embed_passages = lambda texts: seen.extend(texts) or real(texts)
    assert build_index(tiny_corpus, index, embedder=plain).unchanged == 2
    assert seen == [] and read_manifest(index).format_version == FORMAT_VERSION


# --- the real MiniLM ---

@pytest.fixture(scope="module")
def minilm():
    from cartqa.index.embedders import get_embedder

    return get_embedder("minilm")


@pytest.fixture(autouse=True)
def float32(monkeypatch):
    """These tests hold late chunking to the model's own float32 vectors; a build on a CPU with
    native bfloat16 runs the forward pass in it (cartqa.index.precision), tested on its own below."""
    monkeypatch.setenv("CARTQA_PRECISION", "float32")


@pytest.fixture(scope="module")
def seed_chunks(minilm):
    from pathlib import Path

    from cartqa.corpus.chunking import chunk_document
    from cartqa.corpus.loaders import read_document, scan_folder

    chunks = []
    for f in scan_folder(Path(__file__).resolve().parents[1] / "corpus").files:
        chunks += chunk_document(read_document(f), 128, 1, minilm.count_tokens)
    return chunks[:40]


def _reference(minilm, text, spans):
    """The mean of the output tokens inside ``spans``, from the transformer run by hand."""
    import torch

    model = minilm.model
    features = model.tokenizer([text], return_offsets_mapping=True, return_tensors="pt")
    offsets = features.pop("offset_mapping")[0].tolist()
    with torch.inference_mode():
        tokens = model[0].auto_model(**features).last_hidden_state[0].numpy()
    inside = [i for i, (s, e) in enumerate(offsets) if e > s and any(a <= s and e <= b for a, b in spans)]
    expected = tokens[inside].mean(0)
    return expected / np.linalg.norm(expected)


@pytest.mark.slow
def test_minilm_chunk_vectors_are_sentence_transformers_own(minilm, seed_chunks):
    assert minilm.can_late_chunk()
    texts = [passage(c) for c in seed_chunks]
    vectors, _ = minilm.embed_late(texts, [[] for _ in texts])
    assert np.abs(vectors - minilm.embed_passages(texts)).max() <= 1e-5


@pytest.mark.slow
def test_minilm_sentence_vectors_average_the_sentence_tokens_of_the_chunk(minilm, seed_chunks):
    chunk = next(c for c in seed_chunks if len(sentence_texts([c])) >= 3)
    sentence = sentence_texts([chunk])[1]
    start = chunk.text.index(sentence)
    span = (start, start + len(sentence))
    _, parts = minilm.embed_late([chunk.text, sentence], [[(span,), (span, (0, 3))], [((0, len(sentence)),)]])
    assert np.abs(parts[0][0] - _reference(minilm, chunk.text, [span])).max() <= 1e-5
    assert np.abs(parts[0][1] - _reference(minilm, chunk.text, [span, (0, 3)])).max() <= 1e-5
    # a sentence that is its whole text keeps the vector it has alone
    assert np.abs(parts[1][0] - minilm.embed_passages([sentence])[0]).max() <= 1e-5


@pytest.mark.slow
def test_the_numpy_twin_reads_the_same_vectors_as_torch(minilm, seed_chunks):
    from cartqa.index import late

    chunk = next(c for c in seed_chunks if len(sentence_texts([c])) >= 3)
    texts = [" " + chunk.text, passage(seed_chunks[0])]  # a leading space is stripped, spans move with it
    groups = [[((1, 40),), ((1, 10), (50, 80))], [((0, 20),)]]
    twin_vectors, twin_parts = minilm.twin().encode_late(texts, groups)
    vectors, parts = late.encode(minilm.model, texts, groups)  # torch's pass
    assert np.abs(twin_vectors - vectors).max() <= 1e-5
    assert all(np.abs(a - b).max() <= 1e-5 for ps, qs in zip(parts, twin_parts) for a, b in zip(ps, qs))


@pytest.mark.slow
def test_bfloat16_late_vectors_keep_their_meaning(minilm, seed_chunks, monkeypatch):
    minilm.model  # noqa: B018 - torch's model loaded, as in a build (else small calls go to numpy's twin)
    texts = [passage(c) for c in seed_chunks[:8]]
    groups = [[((0, 30),)] for _ in texts]
    want, want_parts = minilm.embed_late(texts, groups)
    monkeypatch.setenv("CARTQA_PRECISION", "bfloat16")
    got, got_parts = minilm.embed_late(texts, groups)
    assert not np.array_equal(got, want)  # the setting reaches the forward pass
    assert (got * want).sum(1).min() >= 0.999
    assert min(float(a[0] @ b[0]) for a, b in zip(got_parts, want_parts)) >= 0.999
    batch, question = minilm.embed_passages(texts), minilm.embed_passages([texts[0][:200]])
    monkeypatch.setenv("CARTQA_PRECISION", "float32")
    assert not np.array_equal(batch, minilm.embed_passages(texts))  # in bfloat16 too
    assert (batch * minilm.embed_passages(texts)).sum(1).min() >= 0.999
    assert np.array_equal(question, minilm.embed_passages([texts[0][:200]]))  # a question stays float32


@pytest.mark.slow
def test_a_real_build_stores_late_sentence_vectors(real_dirs, minilm):
    _, index = real_dirs
    stored = load_stored(index, read_manifest(index))
    assert stored.manifest.format_version == FORMAT_VERSION
    found = sentence_homes(stored.chunks, lambda text: True)
    assert any(len(h.spans) == 2 for h in found), "the seed's lists have readings"
    spans: dict[int, list[Home]] = {}
    for h in [*found[:12], *[h for h in found if len(h.spans) == 2][:6]]:
        spans.setdefault(h.chunk, []).append(h)
    ids = list(spans)
    texts = [passage(stored.chunks[i]) for i in ids]
    shift = [len(t) - len(stored.chunks[i].text) for t, i in zip(texts, ids)]
    _, parts = minilm.embed_late(texts, [[tuple((s + d, e + d) for s, e in h.spans) for h in spans[i]]
                                         for i, d in zip(ids, shift)])
    # The build may have run torch in bfloat16 (cartqa.index.precision) or numpy's twin in float32:
    # the same vectors to a cosine of 0.9995 (embedded alone, the seed's sentences are 0.6-0.92 from their late ones).
    for i, vectors in zip(ids, parts):
        for h, v in zip(spans[i], vectors):
            assert float(stored.sentence_vectors.get(h.text) @ v) >= 0.9995, h.text
