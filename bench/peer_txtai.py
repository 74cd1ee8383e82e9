"""txtai 9.x as cartqa's peer: an Embeddings index over MiniLM, with its content stored.

    bench/.envs/txtai/bin/python bench/peer_txtai.py build CORPUS INDEX
    bench/.envs/txtai/bin/python bench/peer_txtai.py probe INDEX QUESTIONS.jsonl

txtai's defaults otherwise: Faiss (exact ``IDMap,Flat`` up to 5,000 passages, IVF past that),
the passages' text in its SQLite store (``content=True``) so a search returns them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import peer_runner
from txtai import Embeddings


class Txtai:
    def __init__(self) -> None:
        self.embeddings = Embeddings(path=peer_runner.model_dir(), method="sentence-transformers", content=True)

    def load(self) -> None:
        self.embeddings.transform("warm up")  # loads the model

    def build(self, records: list[tuple[str, str]], index: Path) -> None:
        self.embeddings.index({"id": str(i), "text": t, "file": f} for i, (f, t) in enumerate(records))
        self.embeddings.save(str(index))

    def open(self, index: Path) -> None:
        self.embeddings = Embeddings()
        self.embeddings.load(str(index))

    def search(self, question: str, k: int) -> list[str]:
        return [hit["text"] for hit in self.embeddings.search(question, k)]


if __name__ == "__main__":
    peer_runner.main(Txtai(), sys.argv[1:])
