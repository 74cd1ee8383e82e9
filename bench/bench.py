"""Speed at any size (issue 18): one run, corpora of 100 and 1,000 documents (more on request).

    .venv/bin/python bench/bench.py            # sizes 100 1000; BENCH_SIZES="100 1000 10000" for more
    make bench

Each corpus is built at bench time into a temp folder from ``/work/shared/corpora/dev/`` (the
news texts may not be committed; see bench/corpora.py), with the seed corpus inside so the
seed's questions (``eval/seed/questions.jsonl``) have answers among the distractors. Every
figure comes from a fresh process, as a user would meet it:

- full build, and the raw encode of the same chunks (their ratio is the build's overhead);
- one file changed / added / removed (incremental builds);
- index size on disk, peak memory of the build and of the serving process;
- new process to first answer; warm answer p50 / p95, and retrieval alone;
- recall@3 of the seed's evidence among the answer's sources.

Prints a markdown table. Never a timed test: figures only, from this run.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from corpora import make_corpus  # noqa: E402

QUESTIONS = REPO / "eval" / "seed" / "questions.jsonl"


def child(*args: str) -> dict:
    """Run a bench script in a fresh process; its last stdout line is JSON."""
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def probe(corpus: Path, index: Path) -> dict:
    """Start a serving process; time it to its first answer, then read its warm figures."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(HERE / "probe.py"), str(corpus), str(index), str(QUESTIONS)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    first = proc.stdout.readline()
    first_s = time.perf_counter() - t0
    rest = proc.stdout.read()
    if proc.wait() != 0 or first.strip() != "first":
        raise RuntimeError(f"probe failed on {corpus}")
    return {"first_answer_s": first_s, **json.loads(rest.strip().splitlines()[-1])}


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def measure(count: int, root: Path) -> dict:
    corpus, index = make_corpus(count, root / f"c{count}"), root / f"i{count}"
    row: dict = {"documents": count}
    row |= child(str(HERE / "steps.py"), "build", str(corpus), str(index))
    row["build_peak_mb"] = row.pop("peak_mb")
    row |= child(str(HERE / "steps.py"), "encode", str(corpus), str(index))
    row.pop("peak_mb")
    row["index_mb"] = size_mb(index)
    row |= probe(corpus, index)
    row |= {k: v for k, v in child(str(HERE / "steps.py"), "change", str(corpus), str(index)).items() if k != "peak_mb"}
    return row


def table(rows: list[dict]) -> str:
    lines = [
        ("documents (chunks)", lambda r: f"{r['documents']:,} ({r['chunks']:,})"),
        ("full build", lambda r: f"{r['build_s']:.0f} s"),
        ("build / raw encode", lambda r: f"{r['build_s'] / r['encode_s']:.2f}x ({r['encode_s']:.0f} s encode)"),
        ("one file changed / added / removed",
         lambda r: f"{r['changed_s']:.1f} / {r['added_s']:.1f} / {r['removed_s']:.1f} s "
                   f"({100 * r['changed_s'] / r['build_s']:.1f}% of full)"),
        ("index size", lambda r: f"{r['index_mb']:.0f} MB"),
        ("peak memory: build / serving", lambda r: f"{r['build_peak_mb']:.0f} / {r['peak_mb']:.0f} MB"),
        ("new process to first answer", lambda r: f"{r['first_answer_s']:.1f} s"),
        ("warm answer p50 / p95", lambda r: f"{r['answer_p50_ms']:.0f} / {r['answer_p95_ms']:.0f} ms"),
        ("retrieval alone p50 / p95", lambda r: f"{r['search_p50_ms']:.0f} / {r['search_p95_ms']:.0f} ms"),
        ("recall@3 (seed questions)", lambda r: f"{r['recall@3']:.2f} ({r['questions']} questions)"),
    ]
    out = ["| | " + " | ".join(f"{r['documents']:,} documents" for r in rows) + " |",
           "| --- |" + " --- |" * len(rows)]
    out += [f"| {name} | " + " | ".join(fmt(r) for r in rows) + " |" for name, fmt in lines]
    return "\n".join(out)


def main() -> None:
    sizes = [int(s) for s in (sys.argv[1:] or os.environ.get("BENCH_SIZES", "100 1000").split())]
    root = Path(tempfile.mkdtemp(prefix="cartqa-bench-"))
    rows = []
    try:
        for n in sizes:
            rows.append(measure(n, root))
            print(f"{n} documents measured", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"cartqa bench, {time.strftime('%Y-%m-%d')}, {platform.machine()} {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(table(rows))
    print(json.dumps(rows), file=sys.stderr)


if __name__ == "__main__":
    main()
