"""Three outcomes from scored candidates: a short answer, the sentence that answers, or "the documents don't say".

The hand-written rules (:mod:`cartqa.reading.picking`) propose one span or none; here
every candidate of the best sentences (:mod:`cartqa.reading.candidates`) is scored by the
learned model (:mod:`cartqa.reading.scorer`), the rules' pick among them as one vote.
A short answer when the model is confident; else, when one sentence clearly answers,
that sentence with its likeliest span marked; else a refusal. Pure: no I/O, no model
loads beyond the cached spaCy pipeline the candidates use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cartqa.reading.candidates import Candidate, analyse_many, propose
from cartqa.reading.grounding import Sentence
from cartqa.reading.question import Question
from cartqa.reading.scorer import (
    Model,
    SentenceView,
    features,
    relative,
    sentence_features,
    wh_word,
    with_candidates,
)
from cartqa.reading.spanmodel import SpanScores
from cartqa.reading.spanmodel import features as neural_features

# reads a question against sentences, each sentence's start and end probabilities (SpanModel.read)
SpanReader = Callable[[str, Sequence[str]], Sequence[SpanScores]]

SENTENCES = 6  # the best sentences by coverage and meaning whose candidates are scored
# the best of them the span model reads (a pass is tens of ms a sentence on one core; the first three
# held the right candidate of 97% of the development questions that had one among the six)
READ_BY_SPAN_MODEL = 3


@dataclass(frozen=True)
class Ranked:
    """A sentence as the reader ranked it."""

    sentence: Sentence
    coverage: float
    similarity: float
    grounded: bool


@dataclass(frozen=True)
class Row:
    """One scored candidate; kept for training and for explaining a choice."""

    sentence: Sentence
    candidate: Candidate
    features: dict[str, float]
    probability: float
    sentence_features: dict[str, float] | None = None


@dataclass(frozen=True)
class Choice:
    """What to answer: ``outcome`` is "answer", "passage" or "refusal"; offsets are within ``sentence``."""

    outcome: str
    sentence: Sentence | None = None
    start: int = 0
    end: int = 0
    probability: float = 0.0
    rows: tuple[Row, ...] = ()
    rule_probability: float | None = None  # the scorer's probability of the rules' own pick, when given


def choose(q: Question, ranked: Sequence[Ranked], rule: tuple[Sentence, int, int] | None, model: Model,
           keep: bool = False, rule_name: str = "", translated: bool = False,
           spans: SpanReader | None = None) -> Choice:
    """Score every candidate of the best ``ranked`` sentences and decide among the three outcomes.

    ``rule`` is the rules' answer (its sentence and offsets within it), or None when they refused;
    ``rule_name`` names the rule that found it (``picking.pick_named``); ``translated``: the question
    was read from Italian.
    ``keep`` returns every scored row (for training), not only the decision. ``spans``, when given,
    reads the question against the best sentences (:class:`cartqa.reading.spanmodel.SpanModel`): its
    probabilities are features of their candidates and of them.
    """
    top = list(ranked[:SENTENCES])
    if rule and all(r.sentence != rule[0] for r in top):
        top.append(Ranked(rule[0], 0.0, 0.0, True))
    wh = wh_word(q.text)
    terms = frozenset(q.terms)
    read = list(spans(q.text, [r.sentence.text for r in top[:READ_BY_SPAN_MODEL]])) if spans else []
    analysed = analyse_many([r.sentence.text for r in top])  # in one batch: faster than one by one
    neural = [{"nn_none": s.none(), "nn_top": s.best()} for s in read]
    found: list[tuple[Sentence, Candidate, dict[str, float]]] = []
    for rank, r in enumerate(top):
        own = rule if rule and rule[0] == r.sentence else None
        span = (own[1], own[2]) if own else None
        tokens = analysed[rank][0] if r.sentence.text.strip() else ()
        view = SentenceView(tokens, r.coverage, r.similarity, r.grounded, rank, own is not None)
        for c in propose(r.sentence.text, span):
            f = features(c, view, q.answer_type, wh, terms, q.focus, span, q.asked_noun, q.alternatives,
                         rule_name)
            if rank < len(read):
                f.update(neural[rank])
                f.update(neural_features(read[rank], c.start, c.end, neural[rank]["nn_top"]))
            found.append((r.sentence, c, f))
    relative([f for *_, f in found])
    rows = [Row(s, c, f, p) for (s, c, f), p in zip(found, model.probabilities([f for *_, f in found]))]
    if not rows:
        return Choice("refusal")
    # each sentence as the answer: its best candidate (the span marked) and all its candidates' probabilities
    leads: dict[tuple[str, int], Row] = {}
    scores: dict[tuple[str, int], list[float]] = {}
    for row in rows:
        key = (row.sentence.doc, row.sentence.index)
        scores.setdefault(key, []).append(row.probability)
        if key not in leads or row.probability > leads[key].probability:
            leads[key] = row
    found_leads, statics = [], []
    for rank, r in enumerate(top):
        key = (r.sentence.doc, r.sentence.index)
        if key in leads:
            view = SentenceView((), r.coverage, r.similarity, r.grounded, rank,
                                bool(rule and rule[0] == r.sentence))
            found_leads.append(leads[key])
            statics.append(({**sentence_features(view, q.answer_type, translated),
                             **(neural[rank] if rank < len(read) else {})}, scores[key]))
    full = with_candidates(statics)
    sentences = list(zip(model.sentence_probabilities(full), found_leads, [sf for sf, _ in statics]))
    if keep:
        by_lead = {id(lead): sf for _, lead, sf in sentences}
        rows = [Row(x.sentence, x.candidate, x.features, x.probability, by_lead.get(id(x))) for x in rows]
    kept = tuple(rows) if keep else ()
    own = max((row.probability for row in rows if row.features.get("rule_exact")), default=None)
    best = max(rows, key=lambda row: row.probability)
    if best.probability >= model.answer_threshold:
        return Choice("answer", best.sentence, best.candidate.start, best.candidate.end, best.probability, kept, own)
    # No span is sure: is one sentence clearly the answer's? Its likeliest span is marked.
    p, lead, _ = max(sentences, key=lambda t: t[0])
    outcome = "passage" if p >= model.passage_threshold else "refusal"
    return Choice(outcome, lead.sentence, lead.candidate.start, lead.candidate.end, p, kept, own)
