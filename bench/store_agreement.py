"""Do FAISS and Milvus (Lite) give the same top 3 for every question of some question sets?

    .venv/bin/python bench/store_agreement.py CORPUS INDEX SET.jsonl...

Builds ``INDEX`` with FAISS (incremental: an up-to-date index costs nothing), copies it and
moves the copy's vectors to Milvus Lite (no re-embedding), then asks every question of the
sets both ways: the dense top 3 (the stores' own search) and the retriever's fused top 3 (what
the reader sees). Prints the agreement per set and overall as JSON lines.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from cartqa import build_index  # noqa: E402
from cartqa.index.embedders import get_embedder  # noqa: E402
from cartqa.index.store import load_stored, read_manifest  # noqa: E402
from cartqa.search.retrieval import Retriever  # noqa: E402


def retriever(index: Path) -> Retriever:
    stored = load_stored(index, read_manifest(index))
    model = get_embedder(stored.manifest.embedder)
    return Retriever(stored.chunks, None, model, stored.sentence_vectors, stored.dense, stored.terms)


def top3(r: Retriever, question: str) -> tuple[list[int], list[tuple]]:
    query = r.embedder.embed_query(question).reshape(1, -1)
    dense = [int(i) for i in r._dense.search(query, 3)[1][0] if i >= 0]
    fused = [(h.chunk.doc, h.chunk.start, h.chunk.end) for h in r.search(question, k=3)]
    return [r.chunks[i].text for i in dense], fused


def _embed_once(model, questions: list[str]) -> None:
    """Embed every question in batches up front (one at a time is ~10x slower on a busy machine);
    both stores then search with the same query vectors."""
    unique = list(dict.fromkeys(questions))
    vectors = dict(zip(unique, model.embed_passages(unique)))
    model.embed_query = lambda text: vectors[text].copy()


def compare(corpus: Path, index: Path, sets: list[Path]) -> list[dict]:
    build_index(corpus, index, store="faiss", progress=False)
    work = Path(tempfile.mkdtemp(prefix="cartqa-agreement-"))
    try:
        milvus_index = work / "index"
        shutil.copytree(index, milvus_index, ignore=shutil.ignore_patterns("milvus.db", ".lock"))
        started = time.perf_counter()
        build_index(corpus, milvus_index, store="milvus", progress=False)
        moved = time.perf_counter() - started
        faiss_r, milvus_r = retriever(index), retriever(milvus_index)
        asked = {path: [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line]
                 for path in sets}
        _embed_once(faiss_r.embedder, [q for questions in asked.values() for q in questions])
        rows, total = [], {"set": "all", "questions": 0, "dense_same": 0, "fused_same": 0}
        for path, questions in asked.items():
            same = [[a == b for a, b in zip(top3(faiss_r, q), top3(milvus_r, q))] for q in questions]
            row = {"set": path.name, "questions": len(questions), "dense_same": sum(s[0] for s in same),
                   "fused_same": sum(s[1] for s in same)}
            rows.append(row)
            for key in ("questions", "dense_same", "fused_same"):
                total[key] += row[key]
        total["chunks"], total["move_to_milvus_s"] = len(faiss_r.chunks), round(moved, 1)
        return [*rows, total]
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    corpus_arg, index_arg, *set_args = sys.argv[1:]
    for line in compare(Path(corpus_arg), Path(index_arg), [Path(s) for s in set_args]):
        print(json.dumps(line))
