"""Boosted decision trees as plain data: evaluated with numpy, stored as JSON, never pickled.

``make train`` fits scikit-learn's HistGradientBoostingClassifier (``--method lambdarank``:
LightGBM's trees, :mod:`cartqa.evaluation.ranker`) and exports each tree's nodes here; reading
needs only numpy. A tree's node ``i`` sends a row left when ``x[feature[i]] <= threshold[i]``;
a leaf adds ``value[i]`` to the log-odds.

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
    """One regression tree as node arrays (node 0 is the root; a child's index points into them)."""

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
        """Every row's log-odds: all rows walk all trees together, one level per step.

        (Walking the 300 trees one at a time was ~7,000 small numpy calls, 17 ms of a warm answer.)
        """
        feature, threshold, left, right, value, leaf = self._stacked  # flat: tree t's node i at t * width + i
        width = len(leaf) // max(len(self.trees), 1)
        # One walker per (row, tree) pair, row r's in tree t at r * trees + t, each at its tree's root.
        tree_start = np.tile(np.arange(len(self.trees)) * width, len(x))
        row_start = np.repeat(np.arange(len(x)) * x.shape[1], len(self.trees))
        flat_x = np.ascontiguousarray(x, np.float64).ravel()
        at = tree_start.copy()
        walking = np.flatnonzero(~leaf.take(at))
        while len(walking):  # only the (row, tree) pairs not yet at a leaf, one level per step
            node = at.take(walking)
            go_left = flat_x.take(row_start.take(walking) + feature.take(node)) <= threshold.take(node)
            at[walking] = tree_start.take(walking) + np.where(go_left, left.take(node), right.take(node))
            walking = walking[~leaf.take(at.take(walking))]
        leaf_values = value.take(at).reshape(len(x), len(self.trees))
        # The leaves summed in tree order, one after another (a running sum, not numpy's pairwise
        # sum): the same floating-point total as adding them tree by tree.
        leaves = np.concatenate([np.full((len(x), 1), self.baseline), leaf_values], axis=1)
        return np.cumsum(leaves, axis=1)[:, -1]

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
    def _stacked(self) -> tuple[np.ndarray, ...]:
        """The trees' node arrays one after another, each padded to the longest tree's length
        (with leaves no node leads to); a child's index stays within its tree."""
        width = max((len(t.feature) for t in self.trees), default=1)

        def stack(field: str, dtype, pad) -> np.ndarray:
            out = np.full((len(self.trees), width), pad, dtype)
            for i, t in enumerate(self.trees):
                out[i, :len(t.feature)] = getattr(t, field)
            return out.ravel()

        return (stack("feature", np.int64, 0).clip(0), stack("threshold", np.float64, 0.0),
                stack("left", np.int64, 0), stack("right", np.int64, 0), stack("value", np.float64, 0.0),
                stack("leaf", bool, True))

    @staticmethod
    def from_json(d: dict) -> Forest:
        return Forest(tuple(d["names"]), float(d["baseline"]), tuple(Tree.from_json(t) for t in d["trees"]))
