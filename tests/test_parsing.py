"""A build's sentences parsed in two processes: shares put back in order, one process when few,
the helper's failure absorbed (fakes); the same parses as one process (spaCy, slow)."""

from __future__ import annotations

import json
import threading
import time

import pytest

from cartqa.corpus import parsing
from cartqa.corpus.parsing import Parsed


def fake_parse(texts):
    """A parse that names its text: the subject spans the whole sentence."""
    return [Parsed(subject=(0, len(t))) for t in texts]


class FakeHelper:
    """The helper process, speaking its JSON lines, parsing with :func:`fake_parse`; it can die
    after ``lives`` shares. Records the share sizes it was sent."""

    sent: list[int] = []
    lives = 1_000
    command: list[str] = []
    killed = False

    def __init__(self, command, *args, **kwargs) -> None:
        FakeHelper.sent, FakeHelper.command, FakeHelper.killed = [], list(command), False
        self.stdin, self.stdout, self.last = self, self, None

    def write(self, line: bytes) -> None:
        self.last = json.loads(line)
        FakeHelper.sent.append(len(self.last))

    def flush(self) -> None:
        pass

    def readline(self) -> bytes:
        if len(FakeHelper.sent) > FakeHelper.lives:
            return b""
        return json.dumps([p.to_json() for p in fake_parse(self.last)]).encode() + b"\n"

    def close(self) -> None:
        pass

    def wait(self) -> int:
        return 0

    def poll(self) -> int | None:
        return None

    def kill(self) -> None:
        FakeHelper.killed = True


def slow_parse(texts):
    """This process's parse, slow enough that the helper gets shares."""
    time.sleep(0.02)
    return fake_parse(texts)


@pytest.fixture
def fakes(monkeypatch):
    monkeypatch.setattr(parsing, "parse_sentences", slow_parse)
    monkeypatch.setattr(parsing, "TWO_PROCESSES", 10)
    monkeypatch.setattr(parsing, "SHARE", 4)
    monkeypatch.setattr(parsing.subprocess, "Popen", FakeHelper)
    monkeypatch.setattr(FakeHelper, "lives", 1_000)
    monkeypatch.setattr(FakeHelper, "sent", [])


TEXTS = [f"Sentence {'x' * i}." for i in range(23)]  # 23: the last share is short


def test_shares_come_back_in_order(fakes):
    assert parsing.parse_corpus(TEXTS) == fake_parse(TEXTS)
    assert FakeHelper.sent and all(n <= 4 for n in FakeHelper.sent)


@pytest.mark.parametrize("lives", [0, 2])
def test_what_a_dead_helper_had_is_parsed_here(fakes, monkeypatch, lives):
    monkeypatch.setattr(FakeHelper, "lives", lives)
    assert parsing.parse_corpus(TEXTS) == fake_parse(TEXTS)


def test_a_helper_answering_a_share_short_has_it_parsed_here(fakes, monkeypatch):
    class Short(FakeHelper):
        def readline(self) -> bytes:  # one parse missing: taken whole, it would shift every later one
            return json.dumps([p.to_json() for p in fake_parse(self.last)][:-1]).encode() + b"\n"

    monkeypatch.setattr(parsing.subprocess, "Popen", Short)
    assert parsing.parse_corpus(TEXTS) == fake_parse(TEXTS)


def test_a_helper_that_cannot_start_leaves_it_all_here(fakes, monkeypatch):
    def cannot(*args, **kwargs):
        raise OSError("no such interpreter")

    monkeypatch.setattr(parsing.subprocess, "Popen", cannot)
    assert parsing.parse_corpus(TEXTS) == fake_parse(TEXTS)


def test_a_helper_stuck_on_a_share_is_not_waited_for(fakes, monkeypatch):
    """An idle-priority helper on a busy machine may never finish its share: it is parsed here."""
    release = threading.Event()

    class Stuck(FakeHelper):
        def readline(self) -> bytes:
            if len(FakeHelper.sent) >= 2:  # its second share never comes back until it is killed
                release.wait(10)
                return b""
            return super().readline()

        def kill(self) -> None:
            super().kill()
            release.set()

    monkeypatch.setattr(parsing.subprocess, "Popen", Stuck)
    t0 = time.perf_counter()
    assert parsing.parse_corpus(TEXTS) == fake_parse(TEXTS)
    assert time.perf_counter() - t0 < 5 and FakeHelper.killed


def test_an_early_helper_parses_before_result_is_asked(fakes):
    started = parsing.SharedParse(TEXTS, idle=True)
    deadline = time.time() + 5
    while len(FakeHelper.sent) < 6 and time.time() < deadline:  # all 6 shares, none parsed here yet
        time.sleep(0.01)
    assert FakeHelper.sent == [3, 4, 4, 4, 4, 4], "the helper takes shares from the end, alone"
    assert "--idle" in FakeHelper.command
    assert started.result() == fake_parse(TEXTS)


def test_close_stops_the_helper(fakes):
    started = parsing.SharedParse(TEXTS)
    started.close()
    assert FakeHelper.killed or FakeHelper.sent == []


def test_the_idle_helper_runs_at_idle_priority():
    """Its own process lowers itself (not a preexec_fn: unsafe in a process with torch's threads)."""
    import os
    import subprocess
    import sys

    if not hasattr(os, "SCHED_IDLE"):
        pytest.skip("no SCHED_IDLE on this system")
    code = ("import os; from cartqa.corpus.parse_helper import lower_priority; "
            "print(lower_priority(), os.sched_getscheduler(0) == os.SCHED_IDLE)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["idle", "True"]


@pytest.mark.parametrize("texts, processes", [(TEXTS[:9], 2), (TEXTS, 1), ([], 2)])
def test_few_sentences_are_parsed_in_this_process(fakes, texts, processes):
    assert parsing.parse_corpus(texts, processes) == fake_parse(texts)
    assert FakeHelper.sent == [], "no second process"


@pytest.mark.slow
def test_two_processes_parse_as_one(monkeypatch):
    monkeypatch.setattr(parsing, "TWO_PROCESSES", 100)
    monkeypatch.setattr(parsing, "SHARE", 64)
    texts = [f"The Institute number {i} has {i * 7} inpatient beds and opened in {1900 + i}." for i in range(300)]
    texts += ["INT, established in 1928, is a center of excellence.", "Città di Milano, è già.", "Yes.", ""]
    assert parsing.parse_corpus(texts) == parsing.parse_sentences(texts)
