"""The app's command line as a user runs it: normal output carries no debug lines."""

from __future__ import annotations

import os
import subprocess
import sys


def test_ask_prints_no_debug_lines(tiny_corpus, tmp_path):
    env = {**os.environ, "CARTQA_EMBEDDER": "hash", "CARTQA_CORPUS": str(tiny_corpus),
           "CARTQA_INDEX": str(tmp_path / "index")}
    done = subprocess.run([sys.executable, "-m", "cartqa.app.cli", "ask", "How many inpatient beds does INT have?"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "464" in done.stdout
    assert "DEBUG" not in done.stderr + done.stdout and "bm25s" not in done.stderr
