"""Index-side timings in one process, the model loaded first (so it is not counted).

    .venv/bin/python bench/steps.py build|encode|change CORPUS INDEX

``build``: a full build. ``encode``: the raw encode of the built index's chunks (the floor
a build is compared with). ``change``: one file changed, one added, one removed, each an
incremental build. Prints one JSON line, with this process's peak memory.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from cartqa import build_index  # noqa: E402
from cartqa.corpus.chunking import passage  # noqa: E402
from cartqa.index.embedders import get_embedder  # noqa: E402
from cartqa.index.store import load_stored, read_manifest  # noqa: E402


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(what: str, corpus: Path, index: Path) -> None:
    model = get_embedder("minilm")
    model.embed_passages(["warm up"])
    out: dict[str, float] = {}
    if what == "build":
        cpu = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])  # noqa: E731 - user + system
        c0 = cpu()
        out["build_s"] = timed(lambda: build_index(corpus, index, progress=False))
        out["build_cpu_s"] = cpu() - c0
    elif what == "encode":
        texts = [passage(c) for c in load_stored(index, read_manifest(index)).chunks]  # as the build embeds them
        out["encode_s"] = timed(lambda: model.embed_passages(texts))
        out["chunks"] = len(texts)
    else:
        victim = sorted(corpus.glob("doc-*.txt"))[0]
        victim.write_text(victim.read_text(encoding="utf-8") + "\n\nA sentence added for the bench.\n", encoding="utf-8")
        out["changed_s"] = timed(lambda: build_index(corpus, index, progress=False))
        extra = corpus / "bench-added.txt"
        extra.write_text("A new document about the bench. It has two sentences.\n", encoding="utf-8")
        out["added_s"] = timed(lambda: build_index(corpus, index, progress=False))
        extra.unlink()
        out["removed_s"] = timed(lambda: build_index(corpus, index, progress=False))
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
