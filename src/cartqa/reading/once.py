"""Data read once per process, by one thread: the others wait for it instead of reading it again.

WordNet's and the Italian dictionary's tables take 1-2 s to parse. The pipeline starts reading
them in background threads after the first answer (:func:`cartqa.pipeline.engine.warm_in_background`);
with ``functools.lru_cache`` alone, a question needing them meanwhile parsed them a second time,
beside the thread, and took twice as long.

>>> calls = []
>>> @read_once
... def table():
...     calls.append(1)
...     return {"beds": 464}
>>> table() is table(), len(calls)
(True, 1)
>>> table.cache_clear(); _ = table(); len(calls)
2
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def read_once(read: Callable[[], T]) -> Callable[[], T]:
    """``read()`` computed by the first caller and kept; concurrent callers wait for it.
    ``cache_clear()`` forgets it (tests)."""
    cached = functools.lru_cache(maxsize=1)(read)
    lock = threading.Lock()

    @functools.wraps(read)
    def once() -> T:
        with lock:
            return cached()

    once.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return once
