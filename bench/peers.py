"""cartqa's peers in the bench: Haystack and txtai, each run in its own environment.

    BENCH_PEERS="haystack txtai"   # the default; BENCH_PEERS=0 leaves the peers out

Each peer indexes the same corpus folder as cartqa, in passages of about cartqa's chunk size
(bench/passages.py), embeds with the same MiniLM, and answers retrieval for the seed's
questions. They have no extractive reader of ours, so they are compared on retrieval: new
process to first retrieval, warm retrieval, and recall@3 of the seed's evidence among the
passages retrieved, scored here with cartqa's own matching (``contains_answer``).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import envs

HERE = Path(__file__).resolve().parent


def enabled() -> list[str]:
    """The peers this run measures, from ``BENCH_PEERS`` (``0`` or empty: none)."""
    names = os.environ.get("BENCH_PEERS", " ".join(envs.REQUIREMENTS)).split()
    if names in ([], ["0"]):
        return []
    unknown = [n for n in names if n not in envs.REQUIREMENTS]
    if unknown:
        raise ValueError(f"BENCH_PEERS names unknown peers {unknown}; known: {', '.join(envs.REQUIREMENTS)}")
    return names


def _env() -> dict[str, str]:
    return os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def _cmd(peer: str, *args: str | Path) -> list[str]:
    return [str(envs.python_of(peer)), str(HERE / f"peer_{peer}.py"), *map(str, args)]


def _build(peer: str, corpus: Path, index: Path) -> dict:
    done = subprocess.run(_cmd(peer, "build", corpus, index), capture_output=True, text=True, env=_env())
    if done.returncode != 0:
        raise RuntimeError(f"{peer} build failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _probe(peer: str, index: Path, questions: Path) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen(_cmd(peer, "probe", index, questions), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=_env())
    first = proc.stdout.readline()
    first_s = time.perf_counter() - t0
    rest = proc.stdout.read()
    if proc.wait() != 0 or first.strip() != "first":
        raise RuntimeError(f"{peer} probe failed on {index}")
    return {"first_answer_s": first_s, **json.loads(rest.strip().splitlines()[-1])}


def recall_at_3(top3: list[list[str]], evidence: list[str]) -> float:
    """Share of questions whose evidence lies in one of their top three passages, as cartqa's
    ``evidence_rank`` finds it in an answer's sources (normalised, case and spaces folded)."""
    from cartqa.evaluation.metrics import contains_answer

    found = sum(bool(e) and any(contains_answer(t, [e]) for t in texts) for texts, e in zip(top3, evidence))
    return found / len(evidence)


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def measure(peer: str, corpus: Path, root: Path, questions: Path) -> dict:
    """One peer at one corpus: every figure from a fresh process in the peer's environment."""
    from cartqa.evaluation.metrics import load_gold

    install_s = envs.ensure(peer)
    index = root / f"{peer}-{corpus.name}"
    row: dict = {"system": peer, "install_s": install_s}
    row |= _build(peer, corpus, index)
    row["index_mb"] = size_mb(index)
    probed = _probe(peer, index, questions)
    evidence = [g.evidence for g in load_gold(questions) if g.answerable]
    row |= {k: v for k, v in probed.items() if k != "top3"}
    row |= {"recall@3": recall_at_3(probed["top3"], evidence), "questions": len(evidence)}
    return row
