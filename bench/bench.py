"""Benchmarks, each against a baseline measured in the same run (never a timed test).

    .venv/bin/python bench/bench.py

1. Rebuild cost: a full build of the corpus (baseline) vs an incremental build
   with nothing changed and with one small file added.
2. Answer latency after warm-up: retrieval + extractive answer vs retrieval alone (baseline).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from cartqa import answer, build_index  # noqa: E402
from cartqa.pipeline.engine import get_engine  # noqa: E402

QUESTIONS = ["When was the National Cancer Institute of Milan established?", "How many inpatient beds does INT have?",
             "Which cell factory is in Pavia?", "How many beds does Humanitas have?"]


def timed(fn, repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    root = Path(tempfile.mkdtemp())
    corpus, index = root / "corpus", root / "index"
    shutil.copytree(REPO / "corpus", corpus)
    # Ten copies make the full build long enough to measure.
    text = (REPO / "corpus" / "lombardy-car-t-research.txt").read_text(encoding="utf-8")
    for i in range(10):
        (corpus / f"copy-{i}.txt").write_text(text.replace("1928", str(1900 + i)), encoding="utf-8")
    build_index(corpus, root / "warm")  # load the model once, outside the timings

    def full() -> None:
        shutil.rmtree(index, ignore_errors=True)
        build_index(corpus, index)

    full_s = timed(full, 3)
    noop_s = timed(lambda: build_index(corpus, index), 5)
    extra = corpus / "extra.txt"

    def one_added() -> None:
        extra.write_text(f"A new fact written at {time.time()}.", encoding="utf-8")
        build_index(corpus, index)

    add_s = timed(one_added, 5)
    print(f"rebuild: full {full_s * 1000:.0f} ms (baseline) | unchanged {noop_s * 1000:.0f} ms "
          f"({full_s / noop_s:.0f}x faster) | one file added {add_s * 1000:.0f} ms ({full_s / add_s:.1f}x faster)")

    engine = get_engine(corpus, index, "minilm")
    for q in QUESTIONS:
        answer(q, corpus, index)
    search_s = timed(lambda: [engine.retriever.search(q, 5) for q in QUESTIONS], 10) / len(QUESTIONS)
    answer_s = timed(lambda: [answer(q, corpus, index) for q in QUESTIONS], 10) / len(QUESTIONS)
    print(f"per question: retrieval only {search_s * 1000:.1f} ms (baseline) | full answer {answer_s * 1000:.1f} ms "
          f"(+{(answer_s - search_s) * 1000:.1f} ms for freshness check and extraction)")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
