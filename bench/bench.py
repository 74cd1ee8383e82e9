"""Speed at any size (issue 18): one run, corpora of 100 and 1,000 documents (more on request),
cartqa beside Haystack and txtai (bench/peers.py).

    .venv/bin/python bench/bench.py            # sizes 100 1000; BENCH_SIZES="100 1000 10000" for more
    make bench                                 # BENCH_PEERS=0: cartqa alone (the peers install from PyPI)

Each corpus is built at bench time into a temp folder from ``../shared/corpora/dev/`` (the
news texts may not be committed; see bench/corpora.py), with the seed corpus inside so the
seed's questions (``eval/seed/questions.jsonl``) have answers among the distractors. Every
figure comes from a fresh process, as a user would meet it:

- full build, and the raw encode of the same chunks (their ratio is the build's overhead), in one
  process: half the chunks encoded before the build and half after (bench/steps.py);
- one file changed / added / removed (incremental builds);
- index size on disk, peak memory of the build and of the serving process;
- new process to first answer; warm answer p50 / p95, and retrieval alone; warm answers again in
  a later process, with the e5 vectors of the words the first one's Italian questions needed kept;
- recall@3 of the seed's evidence among the answer's sources.

The peers are measured on the same corpus folder, on retrieval (they have no reader of ours).
``BENCH_CARTQA=0`` measures the peers alone; ``BENCH_PEER_ENCODE=0`` leaves out their raw encode.
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

import peers  # noqa: E402
from peers import size_mb  # noqa: E402
from corpora import make_corpus  # noqa: E402
from table import table  # noqa: E402

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


def measure(corpus: Path, index: Path) -> dict:
    row: dict = {"system": "cartqa"}
    # the build between the two halves of the raw encode of its chunks, in one process (bench/steps.py)
    row |= child(str(HERE / "steps.py"), "build", str(corpus), str(index))
    row["build_peak_mb"] = row.pop("peak_mb")
    row["index_mb"] = size_mb(index)
    row |= probe(corpus, index)
    # A later process over the same index: the e5 vectors of the corpus words the first one's Italian
    # questions needed are kept in the index (cartqa.reading.italian.wordvectors), as they are for a user.
    later = probe(corpus, index)
    row |= {"later_answer_p50_ms": later["answer_p50_ms"], "later_answer_p95_ms": later["answer_p95_ms"]}
    row |= {k: v for k, v in child(str(HERE / "steps.py"), "change", str(corpus), str(index)).items() if k != "peak_mb"}
    return row


def main() -> None:
    sizes = [int(s) for s in (sys.argv[1:] or os.environ.get("BENCH_SIZES", "100 1000").split())]
    root = Path(tempfile.mkdtemp(prefix="cartqa-bench-"))
    # The peers first: cartqa's change step edits the corpus (one file changed, one added and removed).
    systems = peers.enabled() + (["cartqa"] if os.environ.get("BENCH_CARTQA", "1") != "0" else [])
    rows = []
    try:
        for n in sizes:
            corpus = make_corpus(n, root / f"c{n}")
            for system in systems:
                t0 = time.perf_counter()
                if system == "cartqa":
                    row = measure(corpus, root / f"i{n}")
                else:
                    row = peers.measure(system, corpus, root, QUESTIONS)
                rows.append({"documents": n, **row})
                print(f"{system}, {n} documents: measured in {time.perf_counter() - t0:.0f} s\n{json.dumps(rows[-1])}",
                      file=sys.stderr, flush=True)  # kept even if a later system fails
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"cartqa bench, {time.strftime('%Y-%m-%d')}, {platform.machine()} {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    rows.sort(key=lambda r: (r["documents"], r["system"] != "cartqa"))
    print(table(rows))
    for r in rows:
        if r.get("install_s"):
            print(f"\n{r['system']}'s environment installed in {r['install_s']:.0f} s (reused on later runs)")


if __name__ == "__main__":
    main()
