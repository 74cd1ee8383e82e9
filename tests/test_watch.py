"""``cartqa index --watch``: a short-lived watcher in a thread, stopped by an event; and the
command itself, stopped by Ctrl-C (SIGINT). Timeouts below only bound a failure."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading

import pytest

from cartqa.app.watch import describe, watch_index
from cartqa.index.store import load_stored, read_manifest

WAIT = 60  # seconds before a missing line fails the test; a passing run takes well under one


@pytest.fixture
def watcher(tiny_corpus, tmp_path):
    lines: queue.Queue[str] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=watch_index, args=(tiny_corpus, tmp_path / "index", "hash"),
                              kwargs={"say": lines.put, "stop": stop, "debounce_ms": 50}, daemon=True)
    thread.start()
    assert lines.get(timeout=WAIT).startswith("added 2, updated 0, removed 0, unchanged 0")
    assert lines.get(timeout=WAIT).startswith("watching ")
    yield lines
    stop.set()
    thread.join(timeout=WAIT)
    assert not thread.is_alive()
    assert lines.get(timeout=WAIT) == "stopped watching"


def test_each_change_rebuilds_the_index_with_one_line(watcher, tiny_corpus, tmp_path):
    # Written beside, then moved in: one event (a hidden file is no change), as a file manager copies
    (tiny_corpus / ".club.txt.part").write_text("The club owns 14 gliders.", encoding="utf-8")
    os.replace(tiny_corpus / ".club.txt.part", tiny_corpus / "club.txt")
    assert watcher.get(timeout=WAIT) == "club.txt added: added 1, updated 0, removed 0, unchanged 2 (3 chunks)"
    index = tmp_path / "index"
    assert any("14 gliders" in c.text for c in load_stored(index, read_manifest(index)).chunks)
    (tiny_corpus / "ieo.md").unlink()
    assert watcher.get(timeout=WAIT) == "ieo.md deleted: added 0, updated 0, removed 1, unchanged 2 (2 chunks)"


def test_describe_names_each_file_once():
    changes = {("added", "/c/sub/new.pdf"), ("modified", "/c/sub/new.pdf"), ("modified", "/c/a.md")}
    assert describe(changes, "/c") == "a.md modified, sub/new.pdf added"


def _ctrl_c_as_at_a_terminal() -> None:
    """The command as a terminal starts it. Run from a background job (``make test &``), the tests
    inherit SIGINT ignored, so would the command, and Ctrl-C would never reach it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_the_command_cleanly(tiny_corpus, tmp_path):
    env = {**os.environ, "CARTQA_EMBEDDER": "hash", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "cartqa.app.cli", "index", "--watch", "--corpus", str(tiny_corpus),
                             "--index", str(tmp_path / "index")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, preexec_fn=_ctrl_c_as_at_a_terminal)
    try:
        assert proc.stdout.readline().startswith("added 2")
        assert proc.stdout.readline().startswith("watching ")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=WAIT)
    finally:
        proc.kill()
    assert proc.returncode == 0 and out.strip() == "stopped watching"
    assert "Traceback" not in err


def test_a_missing_corpus_folder_is_one_line(tmp_path, capsys, monkeypatch):
    from cartqa.app.cli import main

    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    assert main(["index", "--watch", "--corpus", str(tmp_path / "nope"), "--index", str(tmp_path / "i")]) == 1
    assert "Corpus folder not found" in capsys.readouterr().err
