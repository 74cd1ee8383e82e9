"""One serving process, as a user starts it: first answer, then warm answers, timed.

    .venv/bin/python bench/probe.py CORPUS INDEX QUESTIONS.jsonl

Prints ``first`` as soon as the first answer is ready (the caller times the process up
to that line), then one JSON line: how long the process went on reading in the background
after it (dictionaries, the Italian reader: ``warm_up_s``), then, once it has, warm answer and
retrieval-alone p50 / p95 (ms), recall@3 of the evidence among the answer's sources, and this
process's peak memory.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from cartqa import answer  # noqa: E402
from cartqa.evaluation.metrics import evidence_rank, load_gold  # noqa: E402


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main(corpus: str, index: str, questions: str) -> None:
    gold = [g for g in load_gold(questions) if g.answerable]
    answer(gold[0].question, corpus, index)
    print("first", flush=True)
    from cartqa.config import embedder_name
    from cartqa.pipeline.engine import get_engine, warmed

    t0 = time.perf_counter()
    warmed(120.0)  # a user reads the first answer before asking the next
    warm_up = time.perf_counter() - t0
    engine = get_engine(Path(corpus), Path(index), embedder_name())
    full, search, found = [], [], 0
    for g in gold:
        t0 = time.perf_counter()
        a = answer(g.question, corpus, index)
        full.append(time.perf_counter() - t0)
        forget = getattr(engine.embedder, "_query_vector", None)
        if forget is not None:  # retrieval alone includes embedding the question, as a new question does
            forget.cache_clear()
        t0 = time.perf_counter()
        engine.retriever.search(g.question, k=5)
        search.append(time.perf_counter() - t0)
        rank = evidence_rank(a, g.evidence)
        found += rank is not None and rank <= 3
    print(json.dumps({
        "warm_up_s": round(warm_up, 2), "answer_p50_ms": pct(full, 0.5), "answer_p95_ms": pct(full, 0.95),
        "search_p50_ms": pct(search, 0.5), "search_p95_ms": pct(search, 0.95),
        "recall@3": found / len(gold), "questions": len(gold),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "mean_answer_ms": statistics.mean(full) * 1000,
    }), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
