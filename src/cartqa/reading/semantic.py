"""How close in meaning two words or short phrases are, from the embedder's vectors.

Paraphrases share meaning, not spelling: "hospitalise" / "inpatient",
"organisation" / "consortium". Each distinct word is embedded once per process
and cached; :meth:`Relatedness.warm` embeds a vocabulary in one batch up front.

>>> from cartqa.index.embedders import HashEmbedder
>>> related = Relatedness(HashEmbedder())
>>> round(related.best("beds", ["beds", "year"]), 2)
1.0
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from cartqa.index.annotate import MAX_WARMED  # an index without stored vectors warms that many, sorted
from cartqa.index.embedders import Embedder
from cartqa.index.tables import EMPTY, VectorTable
# (word, candidate words) -> the highest cosine: what the extractor takes (Relatedness.best).
Related = Callable[[str, Iterable[str]], float]


class Relatedness:
    """Cosine similarity of bare words or short phrases (vectors cached per text)."""

    def __init__(self, embedder: Embedder, stored: VectorTable = EMPTY) -> None:
        self._embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}
        self._stored = stored  # the index's vectors of the corpus's words (computed at build time)
        self._lock = threading.Lock()

    def _matrix(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
            for t in [t for t in missing if t in self._stored]:
                v = self._stored.get(t)
                self._vectors[t] = v / (np.linalg.norm(v) or 1.0)
            missing = [t for t in missing if t not in self._vectors]
            if missing:
                for t, v in zip(missing, self._embedder.embed_passages(missing)):
                    self._vectors[t] = v / (np.linalg.norm(v) or 1.0)
            return np.stack([self._vectors[t] for t in texts])

    def warm(self, texts: Iterable[str]) -> None:
        """Embed ``texts`` now, in one batch, so later look-ups of them cost a matrix product.

        One batch of a few hundred words takes well under a second; embedding them one
        look-up at a time costs about 15 ms each.
        """
        wanted = sorted(set(texts))[:MAX_WARMED]
        if wanted:
            self._matrix(wanted)

    def similarities(self, text: str, candidates: Sequence[str]) -> list[float]:
        """Cosine of ``text`` to each candidate."""
        if not candidates:
            return []
        m = self._matrix([text, *candidates])
        return [float(x) for x in m[1:] @ m[0]]

    def best(self, text: str, candidates: Iterable[str]) -> float:
        """The highest cosine of ``text`` to any candidate (0.0 when there is none)."""
        sims = self.similarities(text, sorted(set(candidates)))
        return max(sims, default=0.0)
