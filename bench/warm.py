"""Where a serving process spends its time: first answer, then each question once, as bench/probe.py.

    .venv/bin/python bench/warm.py CORPUS INDEX [QUESTIONS.jsonl] [--profile OUT.prof] [--cold OUT.prof]
                                   [--answers OUT.jsonl] [--back-to-back]

Prints one JSON line: seconds to the first answer (imports, loads, the first question), how long
the process then went on reading in the background (``warm_up_s``; the warm answers are timed
after it, as a user reads the first answer before asking again; ``--back-to-back`` times them
without waiting), warm answer p50 / p95 / mean (ms) over the answerable questions, the slowest
questions' ids.
``--profile`` writes a cProfile of the warm questions; ``--cold`` one of the first answer;
``--answers`` the warm answers, as bench/answers.py records them (compare with ``answers.py --compare``).
"""

from __future__ import annotations

import cProfile
import json
import sys
import time
from pathlib import Path

T0 = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def recorded(a) -> dict:
    from answers import shown

    return shown(a)


def main(argv: list[str]) -> None:
    back_to_back = "--back-to-back" in argv
    argv = [a for a in argv if a != "--back-to-back"]
    flags = {argv[i]: argv[i + 1] for i in range(len(argv)) if argv[i].startswith("--")}
    args = [a for i, a in enumerate(argv) if not a.startswith("--") and not (i and argv[i - 1].startswith("--"))]
    corpus, index = args[0], args[1]
    questions = args[2] if len(args) > 2 else str(Path(__file__).resolve().parents[1] / "eval/seed/questions.jsonl")
    cold = cProfile.Profile() if "--cold" in flags else None
    if cold:
        cold.enable()
    from cartqa import answer
    from cartqa.evaluation.metrics import load_gold

    gold = [g for g in load_gold(questions) if g.answerable]
    answer(gold[0].question, corpus, index)
    first = time.perf_counter() - T0
    if cold:
        cold.disable()
        cold.dump_stats(flags["--cold"])
    from cartqa.pipeline.engine import warmed

    t0 = time.perf_counter()
    if not back_to_back:
        warmed(120.0)
    warm_up = time.perf_counter() - t0
    prof = cProfile.Profile() if "--profile" in flags else None
    times, shown = [], []
    for g in gold:
        if prof:
            prof.enable()
        t0 = time.perf_counter()
        a = answer(g.question, corpus, index)
        times.append((time.perf_counter() - t0, g.id))
        shown.append({"set": Path(questions).name, "id": g.id, "answer": recorded(a)})
        if prof:
            prof.disable()
    if prof:
        prof.dump_stats(flags["--profile"])
    if "--answers" in flags:
        Path(flags["--answers"]).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in shown),
                                            encoding="utf-8")
    secs = [t for t, _ in times]
    print(json.dumps({"first_s": round(first, 2), "warm_up_s": round(warm_up, 2), "p50_ms": round(pct(secs, 0.5)), "p95_ms": round(pct(secs, 0.95)),
                      "mean_ms": round(1000 * sum(secs) / len(secs)), "n": len(secs),
                      "slowest": [(i, round(t * 1000)) for t, i in sorted(times, reverse=True)[:8]]}))


if __name__ == "__main__":
    main(sys.argv[1:])
