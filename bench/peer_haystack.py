"""Haystack 3.x as cartqa's peer: InMemoryDocumentStore, MiniLM embedders, embedding retrieval.

    bench/.envs/haystack/bin/python bench/peer_haystack.py build CORPUS INDEX
    bench/.envs/haystack/bin/python bench/peer_haystack.py probe INDEX QUESTIONS.jsonl
    bench/.envs/haystack/bin/python bench/peer_haystack.py store CORPUS INDEX   # random vectors, no model

Indexing is the usual pipeline (SentenceTransformersDocumentEmbedder -> DocumentWriter);
the store persists as Haystack writes it (``save_to_disk``: one JSON file, vectors included),
and a new process loads it back (``load_from_disk``). Questions go through
SentenceTransformersTextEmbedder -> InMemoryEmbeddingRetriever (exact cosine search).
"""

from __future__ import annotations

import sys
from pathlib import Path

import peer_runner
from haystack import Document, Pipeline
from haystack.components.retrievers.in_memory import InMemoryEmbeddingRetriever
from haystack.components.writers import DocumentWriter
from haystack.document_stores.in_memory import InMemoryDocumentStore
from haystack.utils import ComponentDevice
from haystack_integrations.components.embedders.sentence_transformers import (
    SentenceTransformersDocumentEmbedder,
    SentenceTransformersTextEmbedder,
)

STORE = "store.json"


def _model_args() -> dict:
    return {"model": peer_runner.model_dir(), "device": ComponentDevice.from_str("cpu"), "local_files_only": True}


class Haystack:
    def __init__(self) -> None:
        self.store = InMemoryDocumentStore(embedding_similarity_function="cosine")
        self.embedder = SentenceTransformersDocumentEmbedder(**_model_args(), progress_bar=False)
        self.query: Pipeline | None = None

    def load(self) -> None:
        self.embedder.warm_up()

    def build(self, records: list[tuple[str, str]], index: Path) -> None:
        indexing = Pipeline()
        indexing.add_component("embedder", self.embedder)
        indexing.add_component("writer", DocumentWriter(document_store=self.store))
        indexing.connect("embedder.documents", "writer.documents")
        indexing.run({"embedder": {"documents": [Document(content=t, meta={"file": f}) for f, t in records]}})
        index.mkdir(parents=True, exist_ok=True)
        self.store.save_to_disk(str(index / STORE))

    def store_vectors(self, records: list[tuple[str, str]], vectors: list[list[float]], index: Path) -> None:
        """The store ``build`` saves, written through the same writer, its vectors given."""
        writer = DocumentWriter(document_store=self.store)
        writer.run([Document(content=t, meta={"file": f}, embedding=v) for (f, t), v in zip(records, vectors)])
        index.mkdir(parents=True, exist_ok=True)
        self.store.save_to_disk(str(index / STORE))

    def open(self, index: Path) -> None:
        self.store = InMemoryDocumentStore.load_from_disk(str(index / STORE))
        self.query = Pipeline()
        self.query.add_component("embedder", SentenceTransformersTextEmbedder(**_model_args(), progress_bar=False))
        self.query.add_component("retriever", InMemoryEmbeddingRetriever(document_store=self.store))
        self.query.connect("embedder.embedding", "retriever.query_embedding")
        self.query.warm_up()

    def search(self, question: str, k: int) -> list[str]:
        out = self.query.run({"embedder": {"text": question}, "retriever": {"top_k": k}})
        return [d.content for d in out["retriever"]["documents"]]


if __name__ == "__main__":
    peer_runner.main(Haystack(), sys.argv[1:])
