"""A neural vote on where an answer lies: MiniLM fine-tuned to mark its start and end in a sentence.

The rules and the candidates' features read a sentence word by word; this reads the question
and the sentence together, as an extractive QA model does (BERT's start and end logits over
"[CLS] question [SEP] sentence [SEP]", the [CLS] token standing for "no answer here"). No such
model ships offline, so ``make train-spans`` (:mod:`cartqa.evaluation.train_spans`) fits one on
the development questions: low-rank updates of the MiniLM the index already uses, and a two-logit
head, saved as plain arrays in ``spans.npz`` beside this module (a few MB; never a pickle).
Its output is a feature of each candidate (:func:`features`); the learned scorer decides.

>>> s = SpanScores(offsets=((0, 3), (4, 9)), start=np.log([0.1, 0.8, 0.1]), end=np.log([0.1, 0.1, 0.8]))
>>> round(s.span(4, 9), 3), round(s.span(0, 9), 3), round(s.best(), 3)
(0.08, 0.64, 0.64)
>>> {k: round(v, 3) for k, v in features(s, 4, 9, s.best()).items()}
{'nn_exact': 0.08, 'nn_cover': 0.08, 'nn_best': 0.125}
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from cartqa.reading.once import read_once

log = logging.getLogger(__name__)

ADAPTER = "spans.npz"
MAX_SPAN = 15  # tokens: longer is no short answer


@dataclass(frozen=True)
class SpanScores:
    """One sentence read against a question: each token's character offsets in the sentence, and
    log-probabilities that the answer starts / ends at each, index 0 being "no answer" ([CLS])."""

    offsets: tuple[tuple[int, int], ...]
    start: np.ndarray  # len(offsets) + 1 log-probabilities
    end: np.ndarray

    def tokens(self, a: int, b: int) -> tuple[int, int] | None:
        """The first and last token (1-based, as in ``start``) inside characters ``a``..``b``."""
        inside = [i for i, (x, y) in enumerate(self.offsets, start=1) if y > a and x < b]
        return (inside[0], inside[-1]) if inside else None

    def span(self, a: int, b: int) -> float:
        """The probability that the answer is exactly characters ``a``..``b``."""
        t = self.tokens(a, b)
        return math.exp(self.start[t[0]] + self.end[t[1]]) if t else 0.0

    def best(self) -> float:
        """The likeliest span's probability (the start and end within :data:`MAX_SPAN` tokens)."""
        n = len(self.offsets)
        if not n:
            return 0.0
        s, e = self.start[1:], self.end[1:]
        grid = s[:, None] + e[None, :]
        i, j = np.indices(grid.shape)
        grid[(j < i) | (j - i >= MAX_SPAN)] = -np.inf
        return float(math.exp(grid.max()))

    def none(self) -> float:
        """The probability of "no answer in this sentence"."""
        return math.exp(self.start[0] + self.end[0])


def features(scores: SpanScores, a: int, b: int, best: float) -> dict[str, float]:
    """A candidate's neural features: the probability that it is the answer exactly, that the answer
    lies within it, and its exact probability against the sentence's likeliest span (``best``)."""
    t = scores.tokens(a, b)
    if t is None:
        return {}
    exact = math.exp(scores.start[t[0]] + scores.end[t[1]])
    cover = float(np.exp(scores.start[t[0]:t[1] + 1]).sum() * np.exp(scores.end[t[0]:t[1] + 1]).sum())
    return {"nn_exact": exact, "nn_cover": cover, "nn_best": exact / best if best > 0 else 0.0}


class SpanModel:
    """The fine-tuned MiniLM and its head, run without torch (:class:`cartqa.index.minilm.NumpyMiniLM`).

    ``SpanModel.load()`` returns None when the adapter or the base model is missing: reading goes on
    without the neural vote."""

    def __init__(self, encoder, head: np.ndarray, bias: np.ndarray) -> None:
        self.encoder = encoder
        self.head = head.astype(np.float32)  # (2, dim): start and end
        self.bias = bias.astype(np.float32)

    @staticmethod
    def from_file(path: str | Path, base: str | Path) -> SpanModel:
        """The adapter at ``path`` merged into the MiniLM folder ``base``."""
        from cartqa.index.minilm import NumpyMiniLM

        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k].astype(np.float32) for k in z.files}
        scale = float(arrays.pop("scale"))
        head, bias = arrays.pop("head.weight"), arrays.pop("head.bias")
        deltas = {name[:-2]: scale * (arrays[name[:-2] + ".B"] @ arrays[name])
                  for name in arrays if name.endswith(".A")}
        return SpanModel(NumpyMiniLM(base).adapted(deltas), head, bias)

    @staticmethod
    @read_once  # a question arriving while the background warm-up loads it waits for that load
    def load() -> SpanModel | None:
        """The committed adapter over the MiniLM the package ships, once per process."""
        from cartqa.index.embedders import minilm_path

        path = resources.files("cartqa.reading") / ADAPTER
        try:
            return SpanModel.from_file(str(path), minilm_path())
        except (OSError, ImportError, KeyError, ValueError) as e:
            log.info("no neural span model (%s): reading without it", e)
            return None

    def read(self, question: str, sentences: Sequence[str]) -> list[SpanScores]:
        """Each sentence's start and end log-probabilities for ``question``."""
        out = []
        for states, offsets, seq in self.encoder.pair_states(question, sentences):
            keep = [0] + [i for i, s in enumerate(seq) if s == 1]
            logits = states[keep] @ self.head.T + self.bias
            logp = logits - _logsumexp(logits)
            out.append(SpanScores(tuple(offsets[i] for i in keep[1:]), logp[:, 0], logp[:, 1]))
        return out


def _logsumexp(x: np.ndarray) -> np.ndarray:
    top = x.max(axis=0, keepdims=True)
    return top + np.log(np.exp(x - top).sum(axis=0, keepdims=True))
