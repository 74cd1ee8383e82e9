"""Boosted decision trees as plain data: evaluated with numpy, stored as JSON, never pickled.

``make train`` fits scikit-learn's HistGradientBoostingClassifier and exports each tree's
nodes here (:func:`cartqa.evaluation.train`); reading needs only numpy. A tree's node
``i`` sends a row left when ``x[feature[i]] <= threshold[i]``; a leaf adds ``value[i]``
to the log-odds.

>>> f = Forest(("a",), -1.0, (Tree((0, -1, -1), (0.5, 0.0, 0.0), (1, 0, 0), (2, 0, 0), (0.0, -1.0, 3.0),
...                                 (False, True, True)),))
>>> [round(p, 3) for p in f.probabilities([{"a": 0.0}, {"a": 1.0}, {}])]
[0.119, 0.881, 0.119]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Tree:
    """One regression tree, node arrays in scikit-learn's order (node 0 is the root)."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]
    leaf: tuple[bool, ...]

    def to_json(self) -> dict:
        return {"feature": list(self.feature), "threshold": list(self.threshold), "left": list(self.left),
                "right": list(self.right), "value": list(self.value), "leaf": [int(x) for x in self.leaf]}

    @staticmethod
    def from_json(d: dict) -> Tree:
        return Tree(tuple(d["feature"]), tuple(d["threshold"]), tuple(d["left"]), tuple(d["right"]),
                    tuple(d["value"]), tuple(bool(x) for x in d["leaf"]))


@dataclass(frozen=True)
class Forest:
    """Named features, a baseline log-odds and the trees whose leaves add to it."""

    names: tuple[str, ...]
    baseline: float
    trees: tuple[Tree, ...]

    def matrix(self, rows: Sequence[dict[str, float]]) -> np.ndarray:
        """Rows of named features as a dense matrix in ``names`` order (a missing feature is 0)."""
        index = self._index
        x = np.zeros((len(rows), len(self.names)), np.float64)
        for r, row in enumerate(rows):
            for k, v in row.items():
                j = index.get(k)
                if j is not None:
                    x[r, j] = v
        return x

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        """Every row's log-odds: all rows walk each tree together, one level per step."""
        total = np.full(len(x), self.baseline)
        rows = np.arange(len(x))
        for t in self._arrays:
            feature, threshold, left, right, value, leaf = t
            node = np.zeros(len(x), np.int64)
            while True:
                inner = ~leaf[node]
                if not inner.any():
                    break
                n = node[inner]
                go_left = x[rows[inner], feature[n]] <= threshold[n]
                node[inner] = np.where(go_left, left[n], right[n])
            total += value[node]
        return total

    def probabilities(self, rows: Sequence[dict[str, float]]) -> list[float]:
        if not rows:
            return []
        z = np.clip(self.log_odds(self.matrix(rows)), -30.0, 30.0)
        return (1.0 / (1.0 + np.exp(-z))).tolist()

    def to_json(self) -> dict:
        return {"names": list(self.names), "baseline": self.baseline, "trees": [t.to_json() for t in self.trees]}

    # Derived once per forest (cached_property writes past the frozen dataclass's __setattr__).
    @cached_property
    def _index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.names)}

    @cached_property
    def _arrays(self) -> list[tuple[np.ndarray, ...]]:
        return [(np.asarray(t.feature, np.int64).clip(0), np.asarray(t.threshold, np.float64),
                 np.asarray(t.left, np.int64), np.asarray(t.right, np.int64),
                 np.asarray(t.value, np.float64), np.asarray(t.leaf, bool)) for t in self.trees]

    @staticmethod
    def from_json(d: dict) -> Forest:
        return Forest(tuple(d["names"]), float(d["baseline"]), tuple(Tree.from_json(t) for t in d["trees"]))
