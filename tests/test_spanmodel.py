"""The neural span reader: its features, its numpy pass, its training pairs, and how the reader uses it."""

import numpy as np
import pytest

from cartqa.evaluation.metrics import GoldQuestion
from cartqa.evaluation.train_spans import Example, _hard_negative, examples
from cartqa.reading.choosing import Ranked, choose
from cartqa.reading.grounding import Sentence
from cartqa.reading.question import analyse
from cartqa.reading.scorer import Model
from cartqa.reading.spanmodel import SpanScores, features

SENTENCE = Sentence("a.txt", 0, 0, 66, "The National Cancer Institute of Milan was established in 1928.")


def _scores(text: str, start_at: str, end_at: str, none: float = 0.01) -> SpanScores:
    """Scores that put the answer from the token starting ``start_at`` to the one ending ``end_at``."""
    import re

    offsets = tuple((m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text))
    start, end = np.full(len(offsets) + 1, 1e-3), np.full(len(offsets) + 1, 1e-3)
    start[0] = end[0] = none
    start[1 + next(i for i, (a, _) in enumerate(offsets) if text[a:].startswith(start_at))] = 1.0
    end[1 + next(i for i, (_, b) in enumerate(offsets) if text[:b].endswith(end_at))] = 1.0
    return SpanScores(offsets, np.log(start / start.sum()), np.log(end / end.sum()))


def test_a_span_the_model_marks_scores_higher_than_one_that_only_holds_it_or_misses_it():
    s = _scores(SENTENCE.text, "1928", "1928")
    at = SENTENCE.text.index("1928")
    exact = features(s, at, at + 4, s.best())
    wider = features(s, at - 3, at + 4, s.best())  # "in 1928"
    elsewhere = features(s, 4, 12, s.best())  # "National"
    assert exact["nn_best"] == pytest.approx(1.0) and exact["nn_exact"] > 0.9
    assert wider["nn_cover"] > 0.9 > wider["nn_exact"]  # holds the answer, is not exactly it
    assert elsewhere["nn_exact"] < 0.01 and elsewhere["nn_cover"] < 0.01
    assert s.none() < 0.02 < s.best()


def test_the_reader_passes_the_neural_vote_to_every_candidate_and_sentence():
    q = analyse("When was the National Cancer Institute of Milan established?")
    asked = []

    def spans(question, sentences):
        asked.append((question, list(sentences)))
        return [_scores(t, "1928", "1928") for t in sentences]

    choice = choose(q, [Ranked(SENTENCE, 1.0, 0.9, True)], None, Model({}, 0.0, 0.5, 0.5), keep=True, spans=spans)
    assert asked == [(q.text, [SENTENCE.text])]
    year = next(r for r in choice.rows if r.candidate.text == "1928")
    other = next(r for r in choice.rows if "Institute" in r.candidate.text)
    assert year.features["nn_exact"] > 0.9 > other.features.get("nn_exact", 0.0)
    assert year.features["nn_none"] == pytest.approx(SpanScores.none(_scores(SENTENCE.text, "1928", "1928")))
    assert any("nn_top" in (r.sentence_features or {}) for r in choice.rows)  # the sentence's lead row
    plain = choose(q, [Ranked(SENTENCE, 1.0, 0.9, True)], None, Model({}, 0.0, 0.5, 0.5), keep=True)
    assert not any(k.startswith("nn_") for r in plain.rows for k in r.features)


def test_only_the_best_sentences_are_read_and_the_others_candidates_carry_no_neural_vote():
    from cartqa.reading.choosing import READ_BY_SPAN_MODEL

    q = analyse("When was the institute established?")
    ranked = [Ranked(Sentence("a.txt", i, 0, 40, f"Institute {i} was established in {1900 + i}."), 1.0 - i / 10, 0.5,
                     True) for i in range(READ_BY_SPAN_MODEL + 2)]
    read = []

    def spans(question, sentences):
        read.extend(sentences)
        return [_scores(t, "established", "established") for t in sentences]

    rows = choose(q, ranked, None, Model({}, 0.0, 0.5, 0.5), keep=True, spans=spans).rows
    assert read == [r.sentence.text for r in ranked[:READ_BY_SPAN_MODEL]]
    voted = {r.sentence.index for r in rows if "nn_exact" in r.features}
    assert voted == set(range(READ_BY_SPAN_MODEL)) and {r.sentence.index for r in rows} > voted


@pytest.mark.parametrize("used", [("nn_exact",), ("coverage",)])
def test_the_committed_span_model_is_read_only_when_the_committed_weights_use_it(monkeypatch, used):
    from cartqa.reading import extractive, scorer, spanmodel

    class Fake:
        def read(self, question, sentences):
            return []

    fake = Fake()
    monkeypatch.setattr(spanmodel.SpanModel, "load", staticmethod(lambda: fake))
    weights = Model({name: 1.0 for name in used}, 0.0, 0.5, 0.5)
    monkeypatch.setattr(scorer, "load", lambda: weights)
    model, spans = extractive.committed_reader()
    assert model is weights
    assert (spans == fake.read) is ("nn_exact" in used)
    given = Fake().read
    assert extractive.committed_reader(given)[1] is given  # a reader the caller gives is kept


def test_a_hard_negative_shares_the_questions_words_and_holds_no_answer():
    g = GoldQuestion("q1", "How many beds does the Milan hospital have?", "en", True, ("1,340",),
                     "The hospital in Milan has 1,340 beds.", "factoid")
    sentences = ["The hospital in Milan has 1,340 beds.", "Milan hospital beds were renovated in 2010.",
                 "Rome is far away.", "A Milan hospital has 1,340 beds and more."]
    assert _hard_negative(g, sentences) == "Milan hospital beds were renovated in 2010."


def _pairs(tmp_path, document: str, questions: list[tuple[str, str, list[str], str]]) -> list[Example]:
    """train_spans.examples over one document "a.txt" and its (question, lang, answers, evidence)."""
    import json

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(document, encoding="utf-8")
    gold = tmp_path / "q.jsonl"
    gold.write_text("".join(json.dumps({"id": str(i), "question": q, "lang": lang, "answerable": bool(answers),
                                        "answers": answers, "evidence": evidence, "type": "f", "doc": "a.txt"}) + "\n"
                            for i, (q, lang, answers, evidence) in enumerate(questions)), encoding="utf-8")
    return examples(str(corpus), [str(gold)])


def test_every_answerable_english_question_teaches_its_span_and_a_sentence_without_it(tmp_path):
    founded = "The institute was founded in 1928 in Milan."
    found = _pairs(tmp_path, founded + " The institute has 400 beds. The institute is in Milan.",
                   [("When was the institute founded?", "en", ["1928"], founded), ("Quando?", "it", ["1928"], founded),
                    ("Who runs it?", "en", [], "")])
    positive = Example("When was the institute founded?", "The institute was founded in 1928 in Milan.", 29, 33, "a.txt")
    assert found[0] == positive and found[0].sentence[29:33] == "1928"
    assert len(found) == 2 and found[1].start == found[1].end == -1 and "1928" not in found[1].sentence


def test_unanswerable_questions_and_swapped_names_teach_no_answer(tmp_path):
    founded = "The INT institute was founded in 1928."
    found = _pairs(tmp_path, founded + " Its director is Marco Rossi. The IEO institute has 400 beds.",
                   [("When was the INT institute founded?", "en", ["1928"], founded),
                    ("Who is the director of IEO?", "en", [], "")])
    negatives = {(e.question, e.sentence) for e in found if e.start == -1}
    assert ("When was the IEO institute founded?", "The INT institute was founded in 1928.") in negatives
    assert ("Who is the director of IEO?", "Its director is Marco Rossi.") in negatives
    assert sum(e.start >= 0 for e in found) == 1


def test_batches_hold_every_example_once_and_pair_like_lengths():
    import random

    from cartqa.evaluation.train_spans import _batches
    data = [Example("q", "x" * n, -1, -1, "d") for n in range(1, 161)]
    batches = _batches(data, random.Random(0), pool=5)
    assert sorted(len(e.sentence) for b in batches for e in b) == list(range(1, 161))
    assert all(max(len(e.sentence) for e in b) - min(len(e.sentence) for e in b) < 80 for b in batches)
    assert [len(b[0].sentence) for b in batches] != sorted(len(b[0].sentence) for b in batches)  # shuffled


@pytest.mark.slow
def test_the_numpy_pass_with_merged_updates_gives_torchs_logits(tmp_path):
    """The adapter read by numpy (updates merged into MiniLM's weights) scores as the torch model it was
    fitted as: transformers' BERT with the same updates added, and the head over its output tokens."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from cartqa.evaluation.train_spans import save
    from cartqa.index.embedders import minilm_path
    from cartqa.reading.spanmodel import SpanModel

    rng = np.random.default_rng(0)
    bert = AutoModel.from_pretrained(minilm_path()).eval()
    state = bert.state_dict()
    arrays = {"scale": np.array(1.0, np.float32), "head.weight": rng.normal(0, 0.1, (2, 384)).astype(np.float32),
              "head.bias": np.zeros(2, np.float32)}
    for name in ("encoder.layer.0.attention.self.query.weight", "encoder.layer.5.output.dense.weight"):
        out, inn = state[name].shape
        arrays[name + ".A"] = rng.normal(0, 0.05, (4, inn)).astype(np.float16).astype(np.float32)
        arrays[name + ".B"] = rng.normal(0, 0.05, (out, 4)).astype(np.float16).astype(np.float32)
        state[name] = state[name] + torch.tensor(arrays[name + ".B"] @ arrays[name + ".A"])
    bert.load_state_dict(state)
    save(arrays, tmp_path / "spans.npz")
    model = SpanModel.from_file(tmp_path / "spans.npz", minilm_path())
    question = "When was the institute founded?"
    sentences = ["The institute was founded in 1928 in Milan.", "It has 400 beds."]
    tokenizer = AutoTokenizer.from_pretrained(minilm_path())
    for sentence, read in zip(sentences, model.read(question, sentences)):
        enc = tokenizer(question, sentence, return_tensors="pt")
        with torch.no_grad():
            hidden = bert(**enc).last_hidden_state[0].numpy()
        keep = [0] + [i for i, s in enumerate(enc.sequence_ids(0)) if s == 1]
        logits = hidden[keep] @ arrays["head.weight"].T + arrays["head.bias"]
        logp = logits - np.log(np.exp(logits).sum(axis=0))
        assert np.abs(logp[:, 0] - read.start).max() < 1e-3 and np.abs(logp[:, 1] - read.end).max() < 1e-3
        assert sentence[slice(*read.offsets[0])] == sentence.split()[0]  # offsets within the sentence


def test_the_committed_reader_and_its_span_model_load_in_the_background_after_the_first_answer(monkeypatch):
    from cartqa.pipeline import engine as engines
    from cartqa.reading import extractive, wordnet
    from cartqa.reading.italian import lexicon

    loaded = []
    monkeypatch.setattr(engines, "_WARMED", set())
    monkeypatch.setattr(engines, "_WARMERS", [])
    monkeypatch.setattr(lexicon, "warm", lambda: None)
    monkeypatch.setattr(wordnet, "warm", lambda: None)
    monkeypatch.setattr(extractive, "committed_reader", lambda spans=None: loaded.append("reader") or (None, None))
    engines.warm_in_background()
    engines.warm_in_background()  # once per process
    assert engines.warmed(5.0) and loaded == ["reader"]
