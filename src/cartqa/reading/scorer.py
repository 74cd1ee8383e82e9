"""The learned reader's scorer: features of a candidate answer, and the weights that turn them into a probability.

Features are generic on purpose (the kind of answer the question asks against the
kind of span, question words near the span, how the span hangs off them, the
sentence's coverage and meaning similarity, each rule's vote), so the weights
learned on the development corpus carry over to documents no one has read.
``make train`` (``python -m cartqa.evaluation.train``) fits them and writes
``reader.json`` beside this module: plain JSON, never a pickle.

>>> m = Model({"bias_only": 0.0}, -2.0, 0.5, 0.5)
>>> round(m.probability({"anything": 1.0}), 3)
0.119
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from cartqa.corpus.text import STOPWORDS, stem
from cartqa.reading.candidates import Candidate, Token
from cartqa.reading.trees import Forest

WEIGHTS = "reader.json"
_WH = re.compile(r"\b(who|whom|whose|what|when|where|which|why|how many|how much|how long|how old|how far|how|"
                 r"chi|cosa|che cosa|quando|dove|quale|quali|perch[eé]|quant[ieoa]|come)\b")
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")


@dataclass(frozen=True)
class SentenceView:
    """What the scorer needs to know of the sentence a candidate is in."""

    tokens: tuple[Token, ...]
    coverage: float  # share of the question's key terms the sentence says
    similarity: float  # meaning similarity to the question (0 without a model)
    grounded: bool  # the question's names and figures are in it (or what it refers back to)
    rank: int  # 0 for the sentence the reader ranks first
    rule_sentence: bool  # the hand-written rules took their answer from this sentence


@dataclass(frozen=True)
class Model:
    """Weights over named features (logistic, or boosted trees when ``forest`` is set; a ranker's
    trees, read with ``pointwise_forest`` through ``calibration``, when that is set) and the
    thresholds of the three outcomes."""

    weights: dict[str, float]
    bias: float
    answer_threshold: float  # a short answer at or above this probability
    passage_threshold: float  # else the sentence as the answer at or above this sentence probability
    sentence_weights: dict[str, float] | None = None
    sentence_bias: float = 0.0
    # reading by the rules: the sentence probability a passage needs when the rules refused
    rules_passage_threshold: float | None = None
    forest: Forest | None = None  # the candidates' trees; the logistic weights when None
    # reading by the rules: a short answer where they refused, and another candidate over their pick
    rules_answer_threshold: float | None = None
    rules_override_threshold: float | None = None
    # reading by the rules: their answer (or the override's) is shown as its sentence, span marked,
    # when the scorer rates it under this probability
    rules_doubt_threshold: float | None = None
    sentence_forest: Forest | None = None  # the sentences' trees; the logistic sentence weights when None
    # set when ``forest`` is a ranker: its scores, and those of ``pointwise_forest`` when set,
    # turned into probabilities (:func:`calibrated`)
    calibration: tuple[float, ...] | None = None
    pointwise_forest: Forest | None = None  # trees rating each candidate alone, read beside the ranker's

    def __post_init__(self) -> None:
        if self.calibration is not None:  # a bias, then two weights per forest (:func:`calibrated`)
            forests = sum(f is not None for f in (self.forest, self.pointwise_forest))
            if len(self.calibration) != 1 + 2 * forests:
                raise ValueError(f"reader.json: a calibration of {len(self.calibration)} weights for {forests} "
                                 f"forests (it needs {1 + 2 * forests}); run 'make train' to refit it")

    def reads(self, feature: str) -> bool:
        """Do the weights or trees of candidates or sentences use ``feature``?"""
        forests = (self.forest, self.pointwise_forest, self.sentence_forest)
        return (feature in self.weights or feature in (self.sentence_weights or {})
                or any(f is not None and feature in f.names for f in forests))

    def probability(self, features: dict[str, float]) -> float:
        """One candidate's probability, as the only candidate of its question."""
        return self.probabilities([features])[0]

    def probabilities(self, rows: list[dict[str, float]]) -> list[float]:
        """Every candidate of one question at once (trees walk all rows together; a ranker's
        scores are calibrated against the question's best)."""
        if self.forest is None:
            return [_logistic(self.bias, self.weights, f) for f in rows]
        if self.calibration is None or not rows:
            return self.forest.probabilities(rows)
        forests = [f for f in (self.forest, self.pointwise_forest) if f is not None]
        return calibrated([f.log_odds(f.matrix(rows)).tolist() for f in forests], self.calibration)

    def sentence_probabilities(self, rows: list[dict[str, float]]) -> list[float]:
        """Each sentence's probability of holding the answer (:func:`with_candidates` rows)."""
        if self.sentence_forest is not None:
            return self.sentence_forest.probabilities(rows)
        return [_logistic(self.sentence_bias, self.sentence_weights or {}, f) for f in rows]

    @staticmethod
    def from_json(d: dict) -> Model:
        """The model :meth:`to_json` wrote (older files lack the later keys)."""
        return Model(d["weights"], d["bias"], d["answer_threshold"], d["passage_threshold"],
                     d.get("sentence_weights"), d.get("sentence_bias", 0.0), d.get("rules_passage_threshold"),
                     Forest.from_json(d["forest"]) if d.get("forest") else None, d.get("rules_answer_threshold"),
                     d.get("rules_override_threshold"), d.get("rules_doubt_threshold"),
                     Forest.from_json(d["sentence_forest"]) if d.get("sentence_forest") else None,
                     tuple(d["calibration"]) if d.get("calibration") else None,
                     Forest.from_json(d["pointwise_forest"]) if d.get("pointwise_forest") else None)

    def to_json(self) -> dict:
        return {"weights": self.weights, "bias": self.bias, "answer_threshold": self.answer_threshold,
                "passage_threshold": self.passage_threshold, "sentence_weights": self.sentence_weights,
                "sentence_bias": self.sentence_bias, "rules_passage_threshold": self.rules_passage_threshold,
                "forest": self.forest.to_json() if self.forest is not None else None,
                "rules_answer_threshold": self.rules_answer_threshold,
                "rules_override_threshold": self.rules_override_threshold,
                "rules_doubt_threshold": self.rules_doubt_threshold,
                "sentence_forest": self.sentence_forest.to_json() if self.sentence_forest is not None else None,
                "calibration": list(self.calibration) if self.calibration is not None else None,
                "pointwise_forest": self.pointwise_forest.to_json() if self.pointwise_forest is not None else None}


def calibrated(columns: Sequence[Sequence[float]], calibration: Sequence[float]) -> list[float]:
    """One question's candidates' scores as probabilities: a logistic model fitted out of fold
    (``calibration``: a bias, then for each column of scores the weight of a score and the weight
    of its distance to the column's best in the question).

    A listwise ranker's scores order a question's candidates, but no loss pins their level;
    beside them, the log-odds of trees that rate each candidate alone say how likely any answer
    is (an unanswerable question gives the ranker nothing to learn from).

    >>> [round(p, 3) for p in calibrated([[2.0, 0.0]], (-1.0, 1.0, 2.0))]
    [0.731, 0.007]
    >>> [round(p, 3) for p in calibrated([[2.0, 0.0], [0.0, 1.0]], (-1.0, 1.0, 2.0, 1.0, 0.0))]
    [0.731, 0.018]
    """
    z = [calibration[0]] * len(columns[0]) if columns else []
    for j, scores in enumerate(columns):
        best = max(scores, default=0.0)
        w_score, w_behind = calibration[1 + 2 * j], calibration[2 + 2 * j]
        z = [acc + w_score * x + w_behind * (x - best) for acc, x in zip(z, scores)]
    return [1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, v)))) for v in z]


def _logistic(bias: float, weights: dict[str, float], features: dict[str, float]) -> float:
    z = bias + sum(weights.get(k, 0.0) * v for k, v in features.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@functools.lru_cache(maxsize=1)
def load() -> Model | None:
    """The committed weights, or None before ``make train`` has written them (the rules answer alone)."""
    path = resources.files("cartqa.reading") / WEIGHTS
    if not path.is_file():
        return None
    return Model.from_json(json.loads(path.read_text(encoding="utf-8")))


def wh_word(question: str) -> str:
    """The question's wh-word ("how many", "when", ...), or "none" for a keyword query.

    >>> wh_word("So, how many beds does INT have?"), wh_word("alaska capital")
    ('how many', 'none')
    """
    m = _WH.search(question.lower())
    return m.group(1) if m else "none"


def kind(c: Candidate, tokens: tuple[Token, ...]) -> str:
    """The coarse kind of a span: its entity label, else a number, a key's value or a phrase."""
    ent = next((lab[4:] for lab in sorted(c.labels) if lab.startswith("ENT_")), "")
    if ent:
        return ent
    if "NUM" in c.labels or any(ch.isdigit() for ch in c.text):
        return "NUMBER"
    if "VALUE" in c.labels:
        return "VALUE"
    if tokens and tokens[c.root].pos == "PROPN":
        return "PROPN"
    return "PHRASE"


def features(c: Candidate, s: SentenceView, answer_type: str, wh: str, terms: frozenset[str], focus: str,
             rule: tuple[int, int] | None, asked: str = "", alternatives: tuple[str, ...] = (),
             rule_name: str = "") -> dict[str, float]:
    """The named features of candidate ``c`` (see the module docstring); ``alternatives`` are the
    choices a closed question offers ("in 1945 or in 1953?"); ``rule_name`` names the rule that
    picked ``rule``: some rules are right more often than others."""
    tokens = s.tokens
    k = kind(c, tokens)
    f: dict[str, float] = {f"lab={lab}": 1.0 for lab in c.labels}
    f[f"type={answer_type}|kind={k}"] = 1.0
    f[f"wh={wh}|kind={k}"] = 1.0
    f[f"kind={k}"] = 1.0
    f["coverage"] = s.coverage
    f["similarity"] = s.similarity
    f["grounded"] = float(s.grounded)
    f["top_sentence"] = float(s.rank == 0)
    f["sentence_rank"] = 1.0 / (1 + s.rank)
    f["rule_sentence"] = float(s.rule_sentence)
    if rule:
        inter = max(0, min(rule[1], c.end) - max(rule[0], c.start))
        union = max(rule[1], c.end) - min(rule[0], c.start)
        f["rule_iou"] = inter / union if union else 0.0
        f["rule_exact"] = float((c.start, c.end) == rule)
        if rule_name:
            f[f"rule_by={rule_name}"] = 1.0
            f[f"rule_exact|by={rule_name}"] = f["rule_exact"]
    own = _stems(c.text)
    f["in_question"] = sum(w in terms for w in own) / len(own) if own else 1.0
    f["all_in_question"] = float(bool(own) and all(w in terms for w in own))
    f["focus_inside"] = float(bool(focus) and focus in own)
    n = len(c.text.split())
    f["words"] = min(n, 12) / 12
    f["one_word"] = float(n == 1)
    f["year"] = float(bool(_YEAR.search(c.text)))
    f["parenthesised"] = float(c.start > 0 and "(" in c.text[:1] or c.text.endswith(")"))
    if alternatives:  # a closed question is answered by saying one of its choices, not the others
        f["closed"] = 1.0
        f.update(_choice(own, alternatives))
    if tokens:
        stems = _token_stems(tokens)
        marks = [i for i, st in enumerate(stems) if st in terms and not (c.first <= i <= c.last)]
        dist = min((min(abs(i - c.first), abs(i - c.last)) for i in marks), default=len(tokens))
        f["near"] = 1.0 / (1 + dist)
        f["near_count"] = min(sum(1 for i in marks if abs(i - c.first) <= 4 or abs(i - c.last) <= 4), 4) / 4
        head = tokens[tokens[c.root].head]
        f["governor_in_question"] = float(stem(head.lemma) in terms and not (c.first <= tokens[c.root].head <= c.last))
        f[f"governor_pos={head.pos}"] = 1.0
        after = [stem(t.lemma) for t in tokens[c.last + 1:c.last + 3]]
        f["focus_after"] = float(bool(focus) and focus in after)
        f["position"] = c.first / max(len(tokens), 1)
        f[f"wh={wh}|dep={tokens[c.root].dep}"] = 1.0
        # Where a sentence joins clauses ("resident in July 1929, and became a citizen on March 3,
        # 1931"), the answer sits in the clause that says the question's words, near them in the parse.
        heads = _clause_heads(tokens)
        said = {stems[i] for i, h in enumerate(heads) if h == heads[c.root] and not (c.first <= i <= c.last)}
        f["clause_terms"] = len(said & terms) / len(terms) if terms else 0.0
        f["tree_near"] = 1.0 / (1 + min((_tree_distance(tokens, c.root, i) for i in marks), default=len(tokens)))
        if asked:  # "which *city*": WordNet says whether the span's head names one
            kind_of = _is_a(tokens[c.root].lemma.lower(), asked)
            f["asked_is_a"] = float(kind_of is True)
            f["asked_not_a"] = float(kind_of is False)
            f["asked_inside"] = float(stem(asked) in own)
        f["sentence_words"] = min(len(tokens), 60) / 60
    return f


def _choice(own: list[str], alternatives: tuple[str, ...]) -> dict[str, float]:
    """How much of the best-matching choice the span says, and whether it says that one more than the others.

    >>> _choice(["1945"], ("1945", "1953"))
    {'choice': 1.0, 'choice_unique': 1.0}
    """
    said = set(own)
    shares = sorted((len(said & set(ws)) / len(ws) for ws in (_stems(a) for a in alternatives) if ws), reverse=True)
    best = shares[0] if shares else 0.0
    return {"choice": best, "choice_unique": float(best > (shares[1] if len(shares) > 1 else 0.0))}


def _stems(text: str) -> list[str]:
    return [stem(w) for w in re.findall(r"[\w'-]+", text.lower()) if w not in STOPWORDS]


_last_stems: tuple[tuple[Token, ...], tuple[str, ...]] = ((), ())


def _token_stems(tokens: tuple[Token, ...]) -> tuple[str, ...]:
    """Each token's stemmed lemma, kept for the last sentence only: its candidates come one after
    another, and stemming its tokens again for each was ~2% of a warm answer."""
    global _last_stems
    last = _last_stems
    if last[0] is tokens:  # by identity, as _clause_heads
        return last[1]
    stems = tuple(stem(t.lemma) for t in tokens)
    _last_stems = (tokens, stems)
    return stems


_last_heads: tuple[tuple[Token, ...], tuple[int, ...]] = ((), ())


def _clause_heads(tokens: tuple[Token, ...]) -> tuple[int, ...]:
    """For each token, the verb whose clause holds it: its nearest verbal ancestor (itself for a
    verb), else the sentence's root. Clauses joined by "and" have their own heads."""
    global _last_heads
    last = _last_heads  # a sentence's candidates come one after another: kept for the last sentence only
    if last[0] is tokens:  # by identity: hashing the tokens would cost more than a candidate's features
        return last[1]

    def head(i: int) -> int:
        for _ in range(len(tokens)):
            if tokens[i].pos in ("VERB", "AUX") or tokens[i].head == i:
                return i
            i = tokens[i].head
        return i

    heads = tuple(head(i) for i in range(len(tokens)))
    _last_heads = (tokens, heads)
    return heads


def _tree_distance(tokens: tuple[Token, ...], a: int, b: int) -> int:
    """Edges between tokens ``a`` and ``b`` in the parse."""
    up: dict[int, int] = {}
    for d in range(len(tokens) + 1):
        up.setdefault(a, d)
        if tokens[a].head == a:
            break
        a = tokens[a].head
    for d in range(len(tokens) + 1):
        if b in up:
            return up[b] + d
        if tokens[b].head == b:
            break
        b = tokens[b].head
    return len(tokens)  # different sentences' roots: as far as can be


def _is_a(word: str, kind: str) -> bool | None:
    from cartqa.reading import wordnet

    return wordnet.is_a(word, kind) if wordnet.available() else None


def relative(rows: list[dict[str, float]]) -> None:
    """Add, in place, how each candidate compares with the question's other candidates: its
    sentence's coverage and similarity, and its nearness to question words, against the best."""
    for name in ("coverage", "similarity", "near", "in_question", "clause_terms", "tree_near"):
        best = max((f.get(name, 0.0) for f in rows), default=0.0)
        for f in rows:
            f[f"rel_{name}"] = f.get(name, 0.0) - best
    n = len(rows)
    for f in rows:
        f["candidates"] = min(n, 200) / 200


def sentence_features(s: SentenceView, answer_type: str, translated: bool = False) -> dict[str, float]:
    """Features of a sentence as the answer, before its candidates are scored (kept for training):
    does it answer, even when no span is sure? ``translated``: the question was read from Italian,
    where the sentences it finds cover fewer of its terms for the same worth."""
    return {"coverage": s.coverage, "similarity": s.similarity, "grounded": float(s.grounded),
            "top_sentence": float(s.rank == 0), "sentence_rank": 1.0 / (1 + s.rank),
            "rule_sentence": float(s.rule_sentence), f"type={answer_type}": 1.0, "translated": float(translated)}


def with_candidates(sentences: Sequence[tuple[dict[str, float], Sequence[float]]]) -> list[dict[str, float]]:
    """Each sentence's :func:`sentence_features` with what its candidates' probabilities say: its
    best and second best, their sum, how far its best falls behind the question's best, its place
    among the sentences by best candidate, and how many candidates it has. The reader (scored
    candidates) and the trainer (out-of-fold ones) both call it.

    >>> rows = with_candidates([({"coverage": 1.0}, [0.2, 0.7]), ({"coverage": 0.5}, [0.9])])
    >>> [(f["best_candidate"], f["second"], round(f["gap"], 2), f["is_best"]) for f in rows]
    [(0.7, 0.2, 0.2, 0.0), (0.9, 0.0, 0.0, 1.0)]
    """
    bests = [max(ps, default=0.0) for _, ps in sentences]
    top = max(bests, default=0.0)
    order = sorted(range(len(sentences)), key=lambda i: -bests[i])
    place = {i: k for k, i in enumerate(order)}
    out = []
    for i, (static, ps) in enumerate(sentences):
        ranked = sorted(ps, reverse=True)
        out.append({**static, "best_candidate": bests[i], "second": ranked[1] if len(ranked) > 1 else 0.0,
                    "psum": min(sum(ranked), 3.0), "gap": top - bests[i], "srank": 1.0 / (1 + place[i]),
                    "is_best": float(place[i] == 0), "n_cands": min(len(ranked), 30) / 30})
    return out
