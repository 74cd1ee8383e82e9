"""Corpus words' e5 vectors, embedded the first time a question needs them and kept in a file.

The Italian reader used to embed the whole corpus vocabulary at the first Italian question of
each new build: 32,405 words, ~200 s at 1,000 documents, and more with every document. It now
asks only for the words of the passages near the question (a few hundred), so the vectors are
kept per word, whatever build they came from: a word's vector depends on the model alone.
Words a table already has (``table``: :mod:`cartqa.reading.italian.common_words`) are
taken from it, neither embedded nor written to the file.

>>> one_hot = lambda words: np.eye(2, dtype=np.float32)[[0 if w == "beds" else 1 for w in words]]
>>> store = WordVectors(None, one_hot, model_id="fake")
>>> store.vectors(["year", "beds"]).tolist(), len(store)
([[0.0, 1.0], [1.0, 0.0]], 2)
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

Embed = Callable[[Sequence[str]], np.ndarray]
Table = Callable[[Sequence[str]], dict[str, np.ndarray]]  # the vectors of those words it has
BATCH = 256  # words per model call


class WordVectors:
    """Vectors of words, embedded by ``embed`` when first asked for; with a ``path``, read from it
    at first use and written back (atomically, float16) whenever new words were embedded.

    The file is written by a thread of its own, so an answer does not wait for it (~90 ms for
    15,000 words); words embedded while it writes are written after. The thread is not a daemon:
    a process that ends waits for the last write. :meth:`flush` waits for it too.
    """

    def __init__(self, path: Path | None, embed: Embed, model_id: str, table: Table | None = None) -> None:
        self.path = path
        self.embed = embed
        self.model_id = model_id
        self.table = table
        self._known: dict[str, np.ndarray] | None = None  # read lazily: constructing reads no file
        self._borrowed: dict[str, np.ndarray] = {}  # from ``table``: not written to the file
        self._lock = threading.Lock()
        self._dirty = False  # words embedded since the file was last written
        self._writer: threading.Thread | None = None

    def __len__(self) -> int:
        with self._lock:
            return len(self._read())

    def vectors(self, words: Sequence[str]) -> np.ndarray:
        """One row per word (float32), embedding those not yet known in one go."""
        with self._lock:
            known, borrowed = self._read(), self._borrowed
            missing = list(dict.fromkeys(w for w in words if w not in known and w not in borrowed))
        if missing and self.table is not None:
            found = self.table(missing)
            with self._lock:
                borrowed.update(found)
            missing = [w for w in missing if w not in found]
        if missing:
            t0 = time.perf_counter()
            fresh = [np.asarray(self.embed(missing[i:i + BATCH]), np.float32) for i in range(0, len(missing), BATCH)]
            with self._lock:
                known.update(zip(missing, np.concatenate(fresh)))
                self._write_later()
            log.info("cross-lingual: embedded %d corpus words in %.2f s", len(missing), time.perf_counter() - t0)
        if not words:
            return np.zeros((0, 0), np.float32)
        return np.stack([known[w] if w in known else borrowed[w] for w in words])

    def _read(self) -> dict[str, np.ndarray]:
        if self._known is None:
            self._known = {}
            if self.path is not None:
                try:
                    with np.load(self.path, allow_pickle=False) as data:
                        if str(data["model"]) == self.model_id:
                            self._known = dict(zip(data["words"].tolist(), data["vectors"].astype(np.float32)))
                except FileNotFoundError:
                    pass
                except (OSError, ValueError, KeyError) as exc:
                    log.warning("%s is unreadable (%s); its words are embedded again.", self.path, exc)
        return self._known

    def flush(self, timeout: float | None = None) -> None:
        """Wait until the words embedded so far are in the file."""
        with self._lock:
            writer = self._writer
        if writer is not None:
            writer.join(timeout)

    def _write_later(self) -> None:
        """Have the file written (called holding the lock): by the writer thread, started if none runs."""
        if self.path is None:
            return
        self._dirty = True
        if self._writer is None:
            self._writer = threading.Thread(target=self._write_while_dirty, name="cartqa-e5-words")
            self._writer.start()

    def _write_while_dirty(self) -> None:
        while True:
            with self._lock:
                if not self._dirty:
                    self._writer = None
                    return
                self._dirty = False
                snapshot = dict(self._known or {})  # a copy: questions add words while it is written
            self._write(snapshot)

    def _write(self, known: dict[str, np.ndarray]) -> None:
        if self.path is None:
            return
        tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            with open(tmp, "wb") as fh:
                # float16 halves the file; cosines move by less than 1e-3.
                np.savez(fh, model=np.str_(self.model_id), words=np.array(list(known), dtype=str),
                         vectors=np.stack(list(known.values())).astype(np.float16))
            os.replace(tmp, self.path)
        except OSError as exc:  # a read-only index still answers; it embeds again next process
            log.warning("could not keep the cross-lingual word vectors in %s (%s)", self.path, exc)
            tmp.unlink(missing_ok=True)
