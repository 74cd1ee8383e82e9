"""Index builds as the chat shows them: one line per stage, never going backwards.

:func:`cartqa.index.build.build_index` calls ``progress(BuildProgress(stage, done, total,
unit))``; :class:`StageLines` keeps each stage's furthest point and ignores a stage once
a later one has begun, so the lines only move forward. :func:`run_build` runs a build in
a thread and yields the lines as they change.

>>> from cartqa.records import BuildProgress as P
>>> lines = StageLines()
>>> for step in (P("reading", 2, 3), P("embedding", 40, 90, "chunks"), P("embedding", 10, 90, "chunks"), P("reading", 1, 3)):
...     _ = lines.add(step)
>>> print(lines.text())
Reading: 3 of 3 files, done
Embedding: 40 of 90 chunks (44%)
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

from cartqa.records import BuildProgress

LABELS = {"reading": "Reading", "embedding": "Embedding", "writing": "Writing the index", "loading": "Loading the new index"}


class StageLines:
    """The progress of a build as monotonic per-stage lines."""

    def __init__(self) -> None:
        self.stages: list[str] = []
        self.done: dict[str, int] = {}
        self.total: dict[str, int] = {}
        self.unit: dict[str, str] = {}

    def add(self, step: BuildProgress) -> bool:
        """Take one step; True when the text changed."""
        before = self.text()
        if step.stage not in self.stages:
            self.stages.append(step.stage)
        elif step.stage != self.stages[-1]:
            return False  # a stage already left behind: moving back would read as a jump
        self.total[step.stage] = max(step.total, self.total.get(step.stage, 0))
        self.done[step.stage] = max(min(step.done, self.total[step.stage]), self.done.get(step.stage, 0))
        self.unit[step.stage] = step.unit
        return self.text() != before

    def text(self) -> str:
        lines = []
        for i, stage in enumerate(self.stages):
            label = LABELS.get(stage, stage.capitalize())
            done, total, unit = self.done[stage], self.total[stage], self.unit[stage]
            finished = i < len(self.stages) - 1
            if total <= 0:
                lines.append(f"{label}{', done' if finished else '…'}")
                continue
            shown = total if finished else done
            tail = ", done" if finished else f" ({100 * shown // total}%)"
            lines.append(f"{label}: {shown} of {total} {unit}{tail}")
        return "\n".join(lines)


def run_build(build: Callable[[Callable[[BuildProgress], None]], object], poll_s: float = 0.2
              ) -> Iterator[tuple[str, object, BaseException | None]]:
    """Run ``build(progress)`` in a thread; yield ``(lines, None, None)`` whenever the lines
    change, then ``(lines, result, error)`` once when it ends."""
    events: queue.Queue = queue.Queue()
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["result"] = build(events.put)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, which shows it
            outcome["error"] = exc
        finally:
            events.put(None)

    threading.Thread(target=work, name="cartqa-build", daemon=True).start()
    lines = StageLines()
    while True:
        try:
            step = events.get(timeout=poll_s)
        except queue.Empty:
            continue
        if step is None:
            break
        if lines.add(step):
            yield lines.text(), None, None
    yield lines.text(), outcome.get("result"), outcome.get("error")
