"""Fit the learned reader's weights on the development sets: ``make train``.

Every development question is read as ``cartqa.answer`` would read it; every candidate of
its best sentences becomes a row labelled right or wrong against the gold answers. A
logistic regression over the rows gives each candidate's probability of being the short
answer; a second one, each sentence's probability of holding the answer. Out-of-fold
probabilities (folds grouped by document, so no document is scored by weights that saw
it) choose the two thresholds, and say how well the probabilities are calibrated.

    .venv/bin/python -m cartqa.evaluation.train \\
        --pair corpus index eval/seed/questions.jsonl eval/seed/heldout.jsonl \\
        --pair ../shared/corpora/dev index-dev eval/dev/wiki-dev.jsonl

Writes ``src/cartqa/reading/reader.json`` (plain JSON weights) and
``docs/calibration.svg``, and prints the figures. Blind sets must never be passed here.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cartqa.evaluation import ranker
from cartqa.evaluation.metrics import GoldQuestion, contains_answer, load_gold, short_answer_correct
from cartqa.evaluation.plots import calibration_svg
from cartqa.reading.scorer import Model, calibrated, with_candidates
from cartqa.reading.trees import Forest, Tree

log = logging.getLogger(__name__)

# What each outcome is worth, for choosing thresholds: a wrong answer costs more than a refusal,
# and hiding a passage that answers costs something too.
VALUE = {"right": 1.0, "wrong": -1.0, "answered_unanswerable": -1.0, "passage_right": 0.4,
         "passage_unanswerable": -0.3, "passage_wrong": -0.3, "refused_answerable": -0.3, "refused_unanswerable": 0.0}
MAX_FALSE_REFUSALS = 0.08
# Issue 17's operating point, the other half: of the development corpus's English unanswerable
# questions, at least this share gets no short answer (the seed's, refused 100% by the rules, would
# hide a shortfall there). The thresholds that refuse too few are ruled out as those that refuse
# too many answerable ones are; where none meets both, the one that breaks fewer wins. Reading by
# the rules, a corpus kept at MIN_SHORT_RIGHT_KEPT comes first.
MIN_UNANSWERABLE_REFUSED = 0.85
# A corpus whose English questions the rules alone answer right this often, out of fold, keeps that
# share when the scorer reads beside them: the thresholds may not trade its right short answers for
# gains elsewhere (issue 17: the seed's sets stay at 90% or more while the other corpora improve).
MIN_SHORT_RIGHT_KEPT = 0.90
FOLDS = 5


def fold_of(groups: list[str]) -> dict[str, int]:
    """Each group's fold (0 to FOLDS - 1), the same for the same groups in any order.

    >>> fold_of(["b", "a", "b"]) == fold_of(["a", "b"])
    True
    """
    ordered = sorted(set(groups))
    return {g: i % FOLDS for i, g in enumerate(np.random.default_rng(7).permutation(ordered).tolist())}


@dataclass
class Question:
    gold: GoldQuestion
    group: str  # the document (or set) it was written from: folds never split one
    rows: list  # (features, label, sentence key, sentence features, sentence label)


def collect(corpus: str, index: str, files: list[str], spans=None) -> list[Question]:
    """Read every question of ``files`` over ``corpus`` and keep its scored candidates.

    ``spans(group)``, when given, is the span reader (``SpanModel.read``) for a question of that
    document: one that never saw it, so the neural features are as good as on new text."""
    from cartqa import config
    from cartqa.pipeline.engine import get_engine
    from cartqa.pipeline.qa import clean_question, prepare
    from cartqa.reading.extractive import extract, question_phrases

    engine = get_engine(Path(corpus), Path(index), config.embedder_name())
    zero = Model({}, 0.0, 2.0, 2.0, {}, 0.0)  # scores nothing yet: every candidate is kept, none chosen
    out = []
    for path in files:
        for g in load_gold(path):
            p = prepare(clean_question(g.question), engine, Path(index))
            engine.related.warm(question_phrases(p.question))
            ext = extract(p.question, p.hits, engine.view, engine.retriever.sentence_similarity, engine.related.best,
                          translated=p.translated, learned=True, model=zero, keep=True,
                          spans=spans(g.doc or path) if spans else None)
            rows = []
            for r in ext.rows:
                label = g.answerable and short_answer_correct(r.candidate.text, g.answers)
                s_label = g.answerable and contains_answer(r.sentence.text, g.answers)
                rows.append((r.features, float(label), (r.sentence.doc, r.sentence.index), r.sentence_features,
                             float(s_label)))
            out.append(Question(g, g.doc or path, rows))
        log.info("%s: %d questions", path, len(out))
    return out


def save_rows(questions: list[Question], path: str) -> None:
    data = [{"gold": q.gold.__dict__, "group": q.group,
             "rows": [[f, y, list(k), sf, sy] for f, y, k, sf, sy in q.rows]} for q in questions]
    Path(path).write_text(json.dumps(data), encoding="utf-8")


def load_rows(path: str) -> list[Question]:
    out = []
    for d in json.loads(Path(path).read_text(encoding="utf-8")):
        g = GoldQuestion(**{**d["gold"], "answers": tuple(d["gold"]["answers"])})
        out.append(Question(g, d["group"], [(f, y, tuple(k), sf, sy) for f, y, k, sf, sy in d["rows"]]))
    return out


def _matrix(dicts: list[dict[str, float]], names: list[str]) -> np.ndarray:
    index = {n: i for i, n in enumerate(names)}
    m = np.zeros((len(dicts), len(names)), np.float32)
    for r, d in enumerate(dicts):
        for k, v in d.items():
            if k in index:
                m[r, index[k]] = v
    return m


def _fit(x: np.ndarray, y: np.ndarray, c: float, w: np.ndarray | None = None):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=2000).fit(x, y, sample_weight=w) if len(set(y.tolist())) > 1 else None


# Small, shallow, slow-learning trees: a few thousand questions' candidates, and the weights
# must carry over to documents no one has read. Fixed seed, no early stopping: refits repeat.
TREES = {"max_iter": 300, "learning_rate": 0.05, "max_leaf_nodes": 15, "min_samples_leaf": 40,
         "l2_regularization": 1.0, "early_stopping": False, "random_state": 7}


def _fit_trees(x: np.ndarray, y: np.ndarray, w: np.ndarray | None = None):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(**TREES).fit(x, y, sample_weight=w) if len(set(y.tolist())) > 1 else None


def export_forest(model, names: list[str]) -> Forest:
    """scikit-learn's fitted HistGradientBoostingClassifier as plain :class:`Forest` data."""
    trees = []
    for (predictor,) in model._predictors:  # one predictor per boosting round (binary: one class)
        n = predictor.nodes
        trees.append(Tree(tuple(int(v) for v in n["feature_idx"]), tuple(float(v) for v in n["num_threshold"]),
                          tuple(int(v) for v in n["left"]), tuple(int(v) for v in n["right"]),
                          tuple(round(float(v), 6) for v in n["value"]), tuple(bool(v) for v in n["is_leaf"])))
    return Forest(tuple(names), float(np.ravel(model._baseline_prediction)[0]), tuple(trees))


def _scores(model, x: np.ndarray) -> np.ndarray:
    """A scikit-learn classifier's probabilities, or LightGBM's raw scores (calibrated per question)."""
    if hasattr(model, "booster_"):
        return ranker.scores(model, x)
    return model.predict_proba(x)[:, 1] if model is not None else np.zeros(len(x))


def question_weights(questions: list[Question], dev_share: float) -> np.ndarray:
    """Each question's weight: the seed's questions (one document, many sets) together weigh
    ``1 - dev_share`` and the development corpus's (many documents) ``dev_share``."""
    seed = np.array([not q.gold.kind for q in questions])
    n_seed, n_dev = int(seed.sum()), int((~seed).sum())
    if not n_seed or not n_dev:
        return np.ones(len(questions))
    return np.where(seed, 1.0, (n_seed / n_dev) * dev_share / (1.0 - dev_share))


def fit(questions: list[Question], c: float = 0.5, method: str = "logistic",
        dev_share: float = 0.5, override: bool = False) -> tuple[Model, dict]:
    """Weights (``method`` "lambdarank", "trees" or "logistic"), thresholds and out-of-fold figures
    for ``questions``. The ranker's scores and its pointwise trees' become probabilities through
    :func:`ranker.fit_calibration`, fitted on other folds' scores for the out-of-fold figures and on all
    of them for the model.

    ``override`` lets the scorer overrule the rules' pick past a threshold chosen out of fold (``make
    train`` asks for it with the trees). With the logistic weights it lost two of the seed's blind
    questions (heldout15, 93.8% -> 87.5% short answers right, 2026-12-05); with the trees it kept them
    and won on the development corpus's blind sets (docs/evaluation.md)."""
    names = sorted({k for q in questions for f, *_ in q.rows for k in f})
    s_names = sorted({k for q in questions if q.rows for f, _ in _sentences(q, np.zeros(len(q.rows))).values()
                      for k in f})
    folds_by_group = fold_of([q.group for q in questions])
    qw = question_weights(questions, dev_share)

    def candidates(idx, pointwise: bool = False):
        x, y = _stack(questions, idx, names)
        w = np.concatenate([np.full(len(questions[i].rows), qw[i]) for i in idx]) if len(x) else None
        if method == "lambdarank" and pointwise:
            return ranker.fit_pointwise(x, y, w)
        if method == "lambdarank":
            return ranker.fit_ranker(x, y, [len(questions[i].rows) for i in idx if questions[i].rows], w)
        return _fit_trees(x, y, w) if method == "trees" else _fit(x, y, c, w)

    folds = [([i for i, q in enumerate(questions) if folds_by_group[q.group] != k],
              [i for i, q in enumerate(questions) if folds_by_group[q.group] == k]) for k in range(FOLDS)]
    # All candidates are scored out of fold before any sentence model is fitted: each fold's
    # sentence model learns from what every other fold's candidates scored.
    kinds = (False, True) if method == "lambdarank" else (False,)  # lambdarank: the ranker, its pointwise trees
    raw = _out_of_fold(questions, folds, names, candidates, kinds)
    oof = [r[0] for r in raw]
    calibration = None
    if method == "lambdarank":
        oof, calibration = _calibrated(questions, raw, folds, qw)

    def sentences(idx):  # on the candidates' out-of-fold probabilities, as the reader sees its own
        x, y = _sentence_stack(questions, idx, oof, s_names)
        return _fit(x, y, c) if method == "logistic" else _fit_trees(x, y)

    s_oof: list[dict] = [{} for _ in questions]
    for train, test in folds:
        s_model = sentences(train)
        for i in test:
            s_oof[i] = _sentence_probs(questions[i], oof[i], s_model, s_names)
    cand = candidates(range(len(questions)))
    point = candidates(range(len(questions)), pointwise=True) if method == "lambdarank" else None
    sent = sentences(range(len(questions)))
    answer_t, passage_t, figures = _thresholds(questions, oof, s_oof)
    rules_a, rules_t, rules_o, rules_d, rules_figures = _rules_thresholds(questions, oof, s_oof, override)
    figures.update(rules_figures)
    figures["ranked_first"] = _ranked_first(questions, oof)
    if method == "lambdarank":
        forest = ranker.export_lightgbm(cand.booster_, names)
    else:
        forest = export_forest(cand, names) if method == "trees" else None
    s_forest = export_forest(sent, s_names) if method != "logistic" and sent is not None else None
    model = Model({} if forest else _named(cand, names), 0.0 if forest else float(cand.intercept_[0]),
                  answer_t, passage_t, {} if s_forest else _named(sent, s_names),
                  float(sent.intercept_[0]) if sent is not None and not s_forest else 0.0,
                  rules_t, forest, rules_a, rules_o, rules_d, s_forest, calibration,
                  ranker.export_lightgbm(point.booster_, names) if point is not None else None)
    figures["calibration"] = _calibration(questions, oof)
    return model, figures


def _out_of_fold(questions: list[Question], folds, names: list[str], candidates, kinds=(False,)) -> list:
    """Each question's candidates scored by models that never saw its document: one column per
    kind of model (``candidates(train, kind)`` fits one; kind True: the ranker's pointwise trees)."""
    raw = [[np.zeros(len(q.rows)) for _ in kinds] for q in questions]
    for train, test in folds:
        for j, kind in enumerate(kinds):
            model = candidates(train, kind)
            for i in test:
                if questions[i].rows:
                    raw[i][j] = _scores(model, _matrix([f for f, *_ in questions[i].rows], names))
    return raw


def _calibrated(questions: list[Question], raw: list, folds, qw) -> tuple[list[np.ndarray], tuple[float, ...]]:
    """The ranker's and pointwise trees' out-of-fold scores as probabilities, and the calibration
    for the model. Each fold's probabilities come from a calibration fitted on the other folds,
    so the thresholds are chosen on probabilities as unsure as a new document's."""
    labels = [np.array([y for _, y, *_ in q.rows]) for q in questions]
    oof = [np.zeros(len(q.rows)) for q in questions]
    for train, test in folds:
        cal = ranker.fit_calibration([raw[i] for i in train], [labels[i] for i in train], [qw[i] for i in train])
        for i in test:
            if questions[i].rows:
                oof[i] = np.array(calibrated([r.tolist() for r in raw[i]], cal))
    return oof, ranker.fit_calibration(raw, labels, list(qw))


def _ranked_first(questions: list[Question], oof) -> dict[str, float]:
    """Per kind of document: of the answerable questions with a right candidate, how often the
    out-of-fold probabilities rank one first (the ranker's own figure, before any threshold)."""
    hits: dict[str, list[bool]] = {}
    for q, o in zip(questions, oof):
        if q.gold.answerable and any(y for _, y, *_ in q.rows):
            hits.setdefault(q.gold.kind or "seed", []).append(bool(q.rows[int(o.argmax())][1]))
    return {k: round(100 * sum(v) / len(v), 1) for k, v in sorted(hits.items())}


def _named(model, names: list[str]) -> dict[str, float]:
    if model is None:
        return {}
    return {n: round(float(w), 5) for n, w in zip(names, model.coef_[0]) if abs(w) > 1e-6}


def _stack(questions, idx, names):
    feats = [f for i in idx for f, *_ in questions[i].rows]
    labels = [y for i in idx for _, y, *_ in questions[i].rows]
    return _matrix(feats, names), np.array(labels)


def _sentences(q: Question, probs: np.ndarray) -> dict:
    """Each sentence of ``q`` (by key): its features with its candidates' probabilities ``probs``
    (:func:`cartqa.reading.scorer.with_candidates`, as the reader computes them) and its label."""
    static: dict = {}
    scores: dict = {}
    label: dict = {}
    for (f, y, key, sf, sy), p in zip(q.rows, probs):
        scores.setdefault(key, []).append(float(p))
        label[key] = sy
        if sf is not None:
            static[key] = sf
    keys = [k for k in scores if k in static]
    full = with_candidates([(static[k], scores[k]) for k in keys])
    return {k: (f, label[k]) for k, f in zip(keys, full)}


def _sentence_stack(questions, idx, oof, s_names):
    feats, labels = [], []
    for i in idx:
        for f, sy in _sentences(questions[i], oof[i]).values():
            feats.append(f)
            labels.append(sy)
    return _matrix(feats, s_names), np.array(labels)


def _sentence_probs(q: Question, probs: np.ndarray, model, s_names) -> dict:
    rows = _sentences(q, probs)
    if not rows:
        return {}
    keys = list(rows)
    return dict(zip(keys, _scores(model, _matrix([rows[k][0] for k in keys], s_names))))


@dataclass(frozen=True)
class Summary:
    """What deciding a question needs: its best candidate's and best sentence's probability and rightness."""

    answerable: bool
    best: float
    best_right: bool
    sentence: float
    sentence_right: bool


def summarise(q: Question, probs: np.ndarray, s_probs: dict) -> Summary:
    if not len(probs):
        return Summary(q.gold.answerable, 0.0, False, 0.0, False)
    i = int(probs.argmax())
    key = max(s_probs, key=s_probs.get) if s_probs else None
    s_right = key is not None and any(sy for f, y, k, sf, sy in q.rows if k == key)
    return Summary(q.gold.answerable, float(probs[i]), bool(q.rows[i][1]), float(s_probs.get(key, 0.0)), s_right)


def decide(s: Summary, answer_t: float, passage_t: float) -> str:
    """The outcome the reader would give, named by how it fares against the gold."""
    if s.best >= answer_t:
        return ("right" if s.best_right else "wrong") if s.answerable else "answered_unanswerable"
    if s.sentence >= passage_t:
        if not s.answerable:
            return "passage_unanswerable"
        return "passage_right" if s.sentence_right else "passage_wrong"
    return "refused_answerable" if s.answerable else "refused_unanswerable"


def _thresholds(questions, oof, s_oof) -> tuple[float, float, dict]:
    summaries = [summarise(q, o, s) for q, o, s in zip(questions, oof, s_oof)]
    grid = [round(float(x), 3) for x in np.arange(0.05, 0.96, 0.025)]
    n_ans = max(1, sum(s.answerable for s in summaries))
    best = None
    for a in grid:
        for p in grid:
            outcomes = [decide(s, a, p) for s in summaries]
            value = sum(VALUE[o] for o in outcomes) - 1000 * _broken(questions, outcomes, n_ans)
            if best is None or value > best[0]:
                best = (value, a, p, outcomes)
    _, a, p, outcomes = best
    counts = {k: outcomes.count(k) for k in VALUE}
    by_kind: dict[str, dict[str, int]] = {}
    for q, o in zip(questions, outcomes):
        kind = f"{q.gold.kind or 'seed'}/{q.gold.lang}"
        by_kind.setdefault(kind, dict.fromkeys(VALUE, 0))[o] += 1
    return a, p, {"answer_threshold": a, "passage_threshold": p, "out_of_fold": counts, "by_kind": by_kind}


def rule_pick(q: Question) -> int | None:
    """The row of the rules' own pick, or None when they refused."""
    return next((i for i, (f, *_) in enumerate(q.rows) if f.get("rule_exact")), None)


def rules_outcome(q: Question, probs: np.ndarray, s: Summary, answer_t: float, passage_t: float,
                  override_t: float, doubt_t: float = 0.0, pick: int | None = -1) -> str:
    """The outcome reading by the rules: their pick when they have one (unless the scorer rates
    another candidate at ``override_t`` or more; its sentence as a passage when the scorer rates the
    pick under ``doubt_t``), else the scorer's, at the rules' thresholds. ``pick``: :func:`rule_pick`
    of ``q`` when the caller has it (a threshold search asks for each question hundreds of times)."""
    i = rule_pick(q) if pick == -1 else pick
    if i is not None:
        if len(probs) and probs.max() >= override_t and int(probs.argmax()) != i:
            i = int(probs.argmax())
        if len(probs) and probs[i] < doubt_t:
            if not q.gold.answerable:
                return "passage_unanswerable"
            return "passage_right" if q.rows[i][4] else "passage_wrong"
        if not q.gold.answerable:
            return "answered_unanswerable"
        return "right" if q.rows[i][1] else "wrong"
    return decide(s, answer_t, passage_t)


NEVER = 2.0  # a threshold no probability reaches


def _rules_thresholds(questions, oof, s_oof, override: bool = False) -> tuple[float, float, float, float, dict]:
    """Reading by the rules, the scorer answers only where they refused, or overrides their pick
    when it is surer of another candidate, or shows their pick as its sentence when it doubts it: the
    thresholds (answer, passage, override, doubt) that do best out of fold, a short answer, an
    override and a doubt allowed only where they add value, and never below
    :data:`MIN_SHORT_RIGHT_KEPT` of right short answers for a corpus the rules alone keep above it."""
    summaries = [summarise(q, o, s) for q, o, s in zip(questions, oof, s_oof)]
    grid = [round(float(x), 3) for x in np.arange(0.05, 0.96, 0.025)]
    n_ans = max(1, sum(q.gold.answerable for q in questions))

    picks = [rule_pick(q) for q in questions]

    def outcomes(a, p, o, d=0.0):
        return [rules_outcome(q, pr, s, a, p, o, d, i) for q, pr, s, i in zip(questions, oof, summaries, picks)]

    # the corpora the rules alone serve well enough to be kept at MIN_SHORT_RIGHT_KEPT
    kept = {k for k, share in _short_right(questions, outcomes(NEVER, NEVER, NEVER)).items()
            if share >= MIN_SHORT_RIGHT_KEPT}

    def value(a, p, o, d=0.0):
        out = outcomes(a, p, o, d)
        short = _short_right(questions, out)
        dropped = sum(short[k] < MIN_SHORT_RIGHT_KEPT for k in kept)
        # A corpus dropped under its floor costs more than any bound broken: the seed's sets must
        # stay at 90% (issue 17), and on the development sets' out-of-fold figures no doubt
        # threshold kept them there and refused 85% of the unanswerable questions (2026-12-06).
        return sum(VALUE[x] for x in out) - 1000 * _broken(questions, out, n_ans) - 10**6 * dropped

    # one threshold at a time keeps the search small: the passage first (no short answers, no
    # overrides: what the rules' refusals hide), then the short answer, then the override, then
    # the doubt (0.0: the rules' answers always stand)
    p = max(grid, key=lambda t: value(NEVER, t, NEVER))
    a = max([NEVER] + grid, key=lambda t: value(t, p, NEVER))
    o = max([NEVER] + grid, key=lambda t: value(a, p, t)) if override else NEVER
    d = max([0.0] + grid, key=lambda t: value(a, p, o, t))
    by_kind: dict[str, dict[str, int]] = {}
    for q, x in zip(questions, outcomes(a, p, o, d)):
        by_kind.setdefault(f"{q.gold.kind or 'seed'}/{q.gold.lang}", dict.fromkeys(VALUE, 0))[x] += 1
    return a, p, o, d, {"rules_answer_threshold": a, "rules_passage_threshold": p, "rules_override_threshold": o,
                        "rules_doubt_threshold": d, "rules_by_kind": by_kind}


def _broken(questions, outcomes, n_answerable: int) -> int:
    """How many of the two refusal bounds ``outcomes`` break: answerable questions refused above
    :data:`MAX_FALSE_REFUSALS`, the development corpus's English unanswerable ones refused under
    :data:`MIN_UNANSWERABLE_REFUSED`.

    >>> q = lambda answerable: Question(GoldQuestion("1", "q", "en", answerable, (), "", "", kind="wiki"), "d", [])
    >>> _broken([q(True), q(False), q(False)], ["right", "refused_unanswerable", "answered_unanswerable"], 1)
    1
    """
    refused = outcomes.count("refused_answerable") / max(1, n_answerable)
    unanswerable = [x for q, x in zip(questions, outcomes) if q.gold.kind and q.gold.lang == "en" and not q.gold.answerable]
    kept_back = sum(x != "answered_unanswerable" for x in unanswerable) / len(unanswerable) if unanswerable else 1.0
    return int(refused > MAX_FALSE_REFUSALS) + int(kept_back < MIN_UNANSWERABLE_REFUSED)


def _short_right(questions, outcomes) -> dict[str, float]:
    """Each corpus's share of English answerable questions answered right and short (the seed's
    questions have no kind: "seed")."""
    by_kind: dict[str, list[bool]] = {}
    for q, x in zip(questions, outcomes):
        if q.gold.lang == "en" and q.gold.answerable:
            by_kind.setdefault(q.gold.kind or "seed", []).append(x == "right")
    return {k: sum(v) / len(v) for k, v in by_kind.items()}


def _calibration(questions, oof, bins: int = 10) -> list[dict]:
    """Predicted probability of each question's best candidate against how often it is right."""
    pairs = [(float(o.max()), bool(q.rows[int(o.argmax())][1])) for q, o in zip(questions, oof) if len(o)]
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [r for p, r in pairs if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if inside:
            mean_p = float(np.mean([p for p, r in pairs if lo <= p < hi or (b == bins - 1 and p == 1.0)]))
            out.append({"bin": [lo, hi], "predicted": round(mean_p, 3), "right": round(sum(inside) / len(inside), 3),
                        "n": len(inside)})
    return out


def _dump(d: dict) -> str:
    """``d`` as JSON, a forest's trees one per line (a refit's diff stays readable)."""
    forests = [k for k in ("forest", "sentence_forest", "pointwise_forest") if d.get(k)]
    text = json.dumps({k: v for k, v in d.items() if k not in forests}, indent=1, sort_keys=True)[:-2]
    for k in forests:
        trees = ",\n".join("  " + json.dumps(t, sort_keys=True, separators=(",", ":")) for t in d[k]["trees"])
        rest = json.dumps({x: v for x, v in d[k].items() if x != "trees"}, sort_keys=True)[1:-1]
        text += f',\n "{k}": {{{rest}, "trees": [\n{trees}\n ]}}'
    return text + "\n}\n"


def _half_readers(folder: str, pairs: list[list[str]]):
    """For a question's document, the read of the span adapter fitted without its half of the folds."""
    from cartqa.index.embedders import minilm_path
    from cartqa.reading.spanmodel import SpanModel

    fold = fold_of([g.doc or path for pair in pairs for path in pair[2:] for g in load_gold(path)])
    halves = [SpanModel.from_file(Path(folder) / f"spans-half{h}.npz", minilm_path()) for h in (0, 1)]
    return lambda group: halves[fold[group] % 2].read


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m cartqa.evaluation.train", description=__doc__.split("\n")[0])
    ap.add_argument("--pair", nargs="+", action="append", required=True, metavar="CORPUS INDEX FILE",
                    help="a corpus folder, its index folder, and the development sets written from it")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "reading" / "reader.json"))
    ap.add_argument("--svg", default="docs/calibration.svg")
    ap.add_argument("-C", type=float, default=0.5, help="inverse regularisation strength")
    ap.add_argument("--method", choices=("logistic", "trees", "lambdarank"), default="logistic",
                    help="the candidates' model: logistic weights, boosted trees (~25 min on 2 cores for "
                         "3,267 questions' rows), or LightGBM's ranker with its scores calibrated")
    ap.add_argument("--dev-share", type=float, default=0.5,
                    help="the development corpus's share of the weight against the seed's questions")
    ap.add_argument("--override", action=argparse.BooleanOptionalAction, default=False,
                    help="let the scorer overrule the rules' pick past a threshold chosen out of fold")
    ap.add_argument("--rows", help="a JSON file of collected rows: read if it exists, else written (to refit fast)")
    ap.add_argument("--spans-halves", metavar="DIR",
                    help="the span readers train_spans --halves wrote: each question is read by the one that "
                         "never saw its document (without it, no neural features)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    for name in ("transformers", "sentence_transformers", "bm25s", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if any("blind" in f for pair in args.pair for f in pair[2:]):
        ap.error("blind sets are measured, never trained on")
    if args.rows and Path(args.rows).exists():
        questions = load_rows(args.rows)
    else:
        spans = _half_readers(args.spans_halves, args.pair) if args.spans_halves else None
        questions = [q for pair in args.pair for q in collect(pair[0], pair[1], pair[2:], spans)]
        if args.rows:
            save_rows(questions, args.rows)
    model, figures = fit(questions, args.C, args.method, args.dev_share, args.override)
    # one line per tree keeps the file diffable without a line per node
    Path(args.out).write_text(_dump(model.to_json()), encoding="utf-8")
    Path(args.svg).write_text(calibration_svg(figures["calibration"]), encoding="utf-8")
    print(json.dumps({k: v for k, v in figures.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
