"""A ranker for ``python -m cartqa.evaluation.train --method lambdarank``: LightGBM's trees, fitted,
exported as plain data and calibrated into probabilities.

LightGBM's lambdarank learns to put a question's right candidate first; its scores say nothing
about whether any candidate is right (an unanswerable question, all its candidates wrong,
teaches a ranker nothing), so LightGBM's pointwise trees are fitted beside it, and a logistic
model of both scores, fitted out of fold, turns them into the probabilities the thresholds
need (:func:`cartqa.reading.scorer.calibrated`). Only training imports lightgbm: reading walks
the exported trees (:class:`cartqa.reading.trees.Forest`).

>>> x = np.array([[0.0], [1.0], [0.0], [1.0]])
>>> model = fit_pointwise(x, np.array([0, 1, 0, 1]))  # too few rows to split: one leaf
>>> forest = export_lightgbm(model.booster_, ["f"])
>>> bool(np.allclose(forest.log_odds(x), model.predict(x, raw_score=True)))
True
"""

from __future__ import annotations

import numpy as np

from cartqa.reading.trees import Forest, Tree

# The boosted trees' settings (train.TREES): small, shallow, slow-learning, fixed seed, no early
# stopping, so refits repeat and the trees carry over to documents no one has read.
SETTINGS = {"n_estimators": 300, "learning_rate": 0.05, "num_leaves": 15, "min_child_samples": 40,
            "reg_lambda": 1.0, "random_state": 7, "deterministic": True, "force_row_wise": True,
            "n_jobs": 2, "verbose": -1}


def fit_ranker(x: np.ndarray, y: np.ndarray, sizes: list[int], w: np.ndarray | None = None):
    """LightGBM's lambdarank over rows grouped by question (``sizes``: each question's row count)."""
    import lightgbm

    if len(set(y.tolist())) < 2:
        return None
    return lightgbm.LGBMRanker(objective="lambdarank", **SETTINGS).fit(x, y.astype(int), group=sizes,
                                                                       sample_weight=w)


def fit_pointwise(x: np.ndarray, y: np.ndarray, w: np.ndarray | None = None):
    """LightGBM's binary trees, each candidate right or not, with the ranker's settings."""
    import lightgbm

    if len(set(y.tolist())) < 2:
        return None
    return lightgbm.LGBMClassifier(objective="binary", **SETTINGS).fit(x, y.astype(int), sample_weight=w)


def export_lightgbm(booster, names: list[str]) -> Forest:
    """LightGBM's fitted trees (``booster.dump_model()``) as plain :class:`Forest` data.

    The walker sends a row left when ``x <= threshold``, and the rows are never missing a value
    (an absent feature is 0): only numerical ``<=`` splits that saw no missing value are read,
    anything else (a categorical split, a default direction for NaN or for zero) is refused."""
    return Forest(tuple(names), 0.0, tuple(_tree(info["tree_structure"]) for info in booster.dump_model()["tree_info"]))


def _tree(root: dict) -> Tree:
    """One dumped tree's nested nodes as flat arrays in pre-order (the root is node 0)."""
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    leaf: list[bool] = []
    stack: list[tuple[dict, int | None, bool]] = [(root, None, False)]  # node, parent, is its right child
    while stack:
        node, parent, is_right = stack.pop()
        i = len(feature)
        if parent is not None:
            (right if is_right else left)[parent] = i
        is_leaf = "split_feature" not in node
        if not is_leaf and (node["decision_type"] != "<=" or node.get("missing_type", "None") != "None"):
            raise ValueError(f"cannot export a {node['decision_type']} split, missing {node.get('missing_type')}")
        feature.append(-1 if is_leaf else int(node["split_feature"]))
        threshold.append(0.0 if is_leaf else float(node["threshold"]))
        left.append(0)
        right.append(0)
        value.append(round(float(node["leaf_value"]), 7) if is_leaf else 0.0)
        leaf.append(is_leaf)
        if not is_leaf:  # the left child next (pre-order), so it goes on the stack last
            stack.append((node["right_child"], i, True))
            stack.append((node["left_child"], i, False))
    return Tree(tuple(feature), tuple(threshold), tuple(left), tuple(right), tuple(value), tuple(leaf))


def scores(model, x: np.ndarray) -> np.ndarray:
    """LightGBM's raw scores (log-odds for its pointwise trees), zeros without a model."""
    return model.predict(x, raw_score=True) if model is not None else np.zeros(len(x))


def _inputs(columns: list[np.ndarray]) -> np.ndarray:
    """The calibration's inputs for one question: each column's scores and their distance to its best."""
    return np.column_stack([v for c in columns for v in (c, c - c.max())])


def fit_calibration(raw: list[list[np.ndarray]], labels: list[np.ndarray], weights: list[float],
                    c: float = 1.0) -> tuple[float, ...]:
    """The logistic model :func:`cartqa.reading.scorer.calibrated` applies (a bias, then two weights
    per column), fitted on each question's columns of scores ``raw`` against its candidates' labels.
    ``raw`` must be out of fold: scores of the rows a model was fitted on are surer than any
    reader's will be."""
    from sklearn.linear_model import LogisticRegression

    keep = [i for i, r in enumerate(raw) if len(r[0])]
    x = np.concatenate([_inputs(raw[i]) for i in keep])
    y = np.concatenate([labels[i] for i in keep])
    w = np.concatenate([np.full(len(raw[i][0]), weights[i]) for i in keep])
    m = LogisticRegression(C=c, max_iter=2000).fit(x, y, sample_weight=w)
    return (float(m.intercept_[0]), *(float(v) for v in m.coef_[0]))
