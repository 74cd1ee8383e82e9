"""A build's sentences parsed in two processes: shares put back in order, one process when few,
the helper's failure absorbed (fakes); the same parses as one process (spaCy, slow)."""

from __future__ import annotations

import json
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

    def __init__(self, *args, **kwargs) -> None:
        FakeHelper.sent = []
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
