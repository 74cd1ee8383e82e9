"""Progress bars on stderr for index builds, driven by :class:`~cartqa.records.BuildProgress` events.

The same events a caller can receive (``build_index(progress=callback)``) drive one tqdm
bar per stage: files read, chunks and sentences embedded (with time left), sentences parsed.

>>> bars = progress_bars(False)          # not a terminal: events are dropped
>>> bars(BuildProgress("embedding", 1, 2, "chunks")); bars.close()
"""

from __future__ import annotations

import sys

from cartqa.records import BuildProgress


class _Bars:
    """Calls with BuildProgress events; shows a bar per (stage, unit) while that stage runs."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar = None
        self._key: tuple[str, str] | None = None

    def __call__(self, event: BuildProgress) -> None:
        if not self.enabled or event.total <= 0:
            return
        key = (event.stage, event.unit)
        if key != self._key:
            self.close()
            from tqdm import tqdm

            self._bar = tqdm(total=event.total, desc=event.stage, unit=event.unit.rstrip("s") or "item",
                             file=sys.stderr, leave=True, dynamic_ncols=True)
            self._key = key
        self._bar.total = event.total
        self._bar.update(event.done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        self._bar, self._key = None, None


def progress_bars(enabled: bool | None) -> _Bars:
    """Bars on stderr: always (True), never (False), or only when stderr is a terminal (None)."""
    return _Bars(sys.stderr.isatty() if enabled is None else enabled)
