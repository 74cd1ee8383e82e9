"""The boosted trees, walked all together, give exactly the log-odds of walking them one by one."""

import numpy as np
import pytest

from cartqa.reading import scorer
from cartqa.reading.trees import Forest, Tree


def one_tree_at_a_time(forest: Forest, x: np.ndarray) -> np.ndarray:
    """The plain definition: each row walks each tree from its root; the leaves add to the baseline."""
    total = np.full(len(x), forest.baseline)
    for t in forest.trees:
        values = []
        for row in x:
            i = 0
            while not t.leaf[i]:
                i = t.left[i] if row[t.feature[i]] <= t.threshold[i] else t.right[i]
            values.append(t.value[i])
        total += np.asarray(values)
    return total


def random_tree(rng: np.random.Generator, features: int, depth: int) -> Tree:
    nodes: list[list] = []

    def grow(level: int) -> int:
        i = len(nodes)
        nodes.append([-1, 0.0, -1, -1, 0.0, True])
        if level < depth and rng.random() < 0.8:
            left, right = grow(level + 1), grow(level + 1)
            nodes[i] = [int(rng.integers(features)), float(rng.normal()), left, right, 0.0, False]
        else:
            nodes[i][4] = float(rng.normal())
        return i

    grow(0)
    return Tree(*(tuple(n[k] for n in nodes) for k in range(6)))


@pytest.mark.parametrize("seed", range(5))
def test_all_trees_at_once_equal_one_tree_at_a_time_exactly(seed):
    rng = np.random.default_rng(seed)
    forest = Forest(tuple("abcde"), float(rng.normal()), tuple(random_tree(rng, 5, int(rng.integers(0, 7)))
                                                              for _ in range(40)))
    x = rng.normal(size=(25, 5))
    x[0] = [t.threshold[0] for t in forest.trees[:5]]  # exactly on a threshold: goes left
    assert forest.log_odds(x).tolist() == one_tree_at_a_time(forest, x).tolist()


def test_no_rows_and_no_trees():
    assert Forest(("a",), 0.5, ()).log_odds(np.zeros((3, 1))).tolist() == [0.5, 0.5, 0.5]
    assert Forest(("a",), 0.5, (Tree((0,), (0.0,), (-1,), (-1,), (1.0,), (True,)),)).probabilities([]) == []


def test_the_committed_reader_is_unchanged():
    model = scorer.load()
    if model is None:
        pytest.skip("no committed reader")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, len(model.forest.names))) * rng.integers(0, 2, size=(40, len(model.forest.names)))
    assert model.forest.log_odds(x).tolist() == one_tree_at_a_time(model.forest, x).tolist()
