"""Build progress as the chat shows it: one line per stage, only ever moving forward."""

from __future__ import annotations

import re

import pytest

from cartqa.app.progress import StageLines, run_build
from cartqa.records import BuildProgress as P


def _numbers(text: str) -> dict[str, int]:
    return {line.split(":")[0]: int(m.group(1)) for line in text.splitlines() if (m := re.search(r"(\d+) of", line))}


@pytest.mark.parametrize("steps", [
    [P("embedding", 9, 10), P("embedding", 1, 10)],  # a late, older event
    [P("reading", 1, 2), P("embedding", 5, 90, "chunks"), P("reading", 0, 2), P("embedding", 3, 90, "chunks")],
    [P("embedding", 80, 90, "chunks"), P("embedding", 5, 9, "files")],  # a smaller total does not shrink it
])
def test_lines_never_go_back(steps):
    lines, seen = StageLines(), []
    for step in steps:
        lines.add(step)
        seen.append(_numbers(lines.text()))
    for before, after in zip(seen, seen[1:]):
        for stage, n in before.items():
            assert after.get(stage, n) >= n, (before, after)


def test_one_line_per_stage_earlier_stages_done():
    lines = StageLines()
    for step in (P("reading", 1, 3), P("reading", 2, 3), P("embedding", 40, 90, "chunks"), P("writing", 0, 1)):
        lines.add(step)
    assert lines.text().splitlines() == ["Reading: 3 of 3 files, done", "Embedding: 90 of 90 chunks, done",
                                         "Writing the index: 0 of 1 files (0%)"]


def test_run_build_reports_lines_then_the_result():
    def build(progress):
        for i in range(3):
            progress(P("embedding", i, 3))
        return "report"

    out = list(run_build(build))
    assert out[-1] == ("Embedding: 2 of 3 files (66%)", "report", None)
    assert [text for text, _, _ in out[:-1]] == [f"Embedding: {i} of 3 files ({100 * i // 3}%)" for i in range(3)]


def test_run_build_hands_back_the_error():
    def build(progress):
        raise ValueError("bad")

    (_, result, error), = list(run_build(build))
    assert result is None and isinstance(error, ValueError)
