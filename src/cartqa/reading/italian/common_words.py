"""e5 vectors of common English words, made once per machine, so no index embeds them.

The Italian reader compares a question's words with the corpus words of the passages near it
(:mod:`cartqa.reading.italian.alignment`), whose e5 vectors cost ~6.5 ms a word on 2 cores the
first time an index needs them: a new index's first Italian questions waited 1.3-2.9 s for the
200-300 words near each. Most of those words are common English (at 1,000 documents of the bench,
1,887 of the 2,146 the seed's Italian questions needed are whole words of MiniLM's English
vocabulary), and a word's vector depends on the model and the phrase it is embedded in, not on the
corpus. So the vectors of MiniLM's 22,501 whole words are made once per machine (173 s on 2 cores)
when ``make`` installs cartqa (:func:`cartqa.reading.italian.alignment.make_common_words`), and
kept in the cache folder (:func:`path`, beside converted models) as int8 with a scale per row:
8.5 MB instead of 35 MB in float32. Without it the reader embeds every word as before. Cosines between
3,000 of its words moved by at most 0.0012 (mean 0.0002) from the float32 ones; the aligner's
thresholds are 0.85-0.90, and the blind Italian sets' figures were the same.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "words.npz"
>>> write(path, ["bed", "year"], np.array([[0.6, 0.8], [1.0, 0.0]], np.float32), model_id="fake")
>>> table = read(path, model_id="fake")
>>> sorted(table.vectors(["bed", "hospital"])), round(float(table.vectors(["bed"])["bed"] @ [0.6, 0.8]), 3)
(['bed'], 1.0)
>>> read(path, model_id="another model") is None  # vectors of another model or phrase are never mixed in
True
"""

from __future__ import annotations

import functools
import logging
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cartqa import config

log = logging.getLogger(__name__)

FILE = "common-words-e5.npz"
BATCH = 256  # words per model call when the table is made


@dataclass(frozen=True)
class CommonWords:
    """A table of words' unit vectors, stored as int8 codes times a scale per row."""

    model_id: str
    rows: dict[str, int]
    codes: np.ndarray  # int8, one row per word
    scales: np.ndarray  # float32, one per row

    def __len__(self) -> int:
        return len(self.rows)

    def vectors(self, words: Sequence[str]) -> dict[str, np.ndarray]:
        """The unit vectors (float32) of those of ``words`` the table has."""
        found = [w for w in dict.fromkeys(words) if w in self.rows]
        if not found:
            return {}
        index = [self.rows[w] for w in found]
        vectors = self.codes[index].astype(np.float32) * self.scales[index, None]
        # renormalised: the rounding leaves each row's length a little off 1, and callers take dot products as cosines
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return dict(zip(found, vectors))


def quantised(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes and a scale per row: each row's largest component maps to +-127."""
    vectors = np.asarray(vectors, np.float32)
    scales = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127.0
    codes = np.clip(np.rint(vectors / scales[:, None]), -127, 127).astype(np.int8)
    return codes, scales.astype(np.float32)


def write(path: Path, words: Sequence[str], vectors: np.ndarray, model_id: str) -> None:
    """Write the table atomically (a reader never sees half a file)."""
    codes, scales = quantised(vectors)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "wb") as fh:
        np.savez_compressed(fh, model=np.str_(model_id), words=np.array(list(words), dtype=str),
                            codes=codes, scales=scales)
    os.replace(tmp, path)


def path() -> Path:
    """Where the table is kept: :func:`cartqa.config.cache_dir` (``$CARTQA_CACHE``, else ``~/.cache/cartqa``)."""
    return config.cache_dir() / FILE


@functools.lru_cache(maxsize=4)
def read(path: Path, model_id: str | None = None) -> CommonWords | None:
    """The table at ``path`` when it was made by ``model_id``; ``None`` when it is missing, unreadable
    or another model's (the reader then embeds every word itself, as before)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if model_id is not None and str(data["model"]) != model_id:
                log.info("%s holds vectors of %s, not %s: not used", path, data["model"], model_id)
                return None
            words = data["words"].tolist()
            return CommonWords(str(data["model"]), {w: i for i, w in enumerate(words)},
                               data["codes"], data["scales"].astype(np.float32))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError) as exc:
        log.warning("%s is unreadable (%s); its words are embedded as questions need them.", path, exc)
        return None


def make(path: Path, words: Sequence[str], embed: Callable[[Sequence[str]], np.ndarray], model_id: str) -> int:
    """Embed ``words`` with ``embed`` into the table at ``path`` (a progress bar on stderr)."""
    from tqdm import tqdm

    words = list(words)
    parts = [np.asarray(embed(words[i:i + BATCH]), np.float32)
             for i in tqdm(range(0, len(words), BATCH), desc="e5 vectors of common words", unit="batch")]
    write(path, words, np.concatenate(parts), model_id)
    return len(words)
