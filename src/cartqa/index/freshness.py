"""Has the corpus changed since we last looked? Answered without a stat of every file.

On Linux the kernel's inotify queues an event the moment a file in a watched folder is
written, created, moved or deleted; :meth:`CorpusWatch.changed` reads that queue without
waiting, so a question costs one non-blocking ``read`` and still sees a file saved a moment
before. Elsewhere (or when watches run out) it falls back to saying "maybe" at most every
``interval`` seconds, and the caller compares files with the manifest then.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> w = CorpusWatch(d)
>>> w.changed()             # the first look always checks
True
>>> w.changed()
False
>>> _ = (d / "a.txt").write_text("new")
>>> w.changed()
True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import struct
import threading
import time
from pathlib import Path

log = logging.getLogger(__name__)

# inotify(7) event bits: content written, metadata, created, deleted, moved, the folder itself gone.
_MASK = 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800
_IN_ISDIR = 0x40000000
_IN_CREATE = 0x100
_IN_MOVED_TO = 0x80
_HEADER = struct.Struct("iIII")


class CorpusWatch:
    """Tells whether anything under ``folder`` changed since the last :meth:`changed` call."""

    def __init__(self, folder: str | Path, interval: float = 2.0) -> None:
        self.folder = Path(folder)
        self.interval = interval
        self._fd: int | None = None
        self._first = True
        self._last_poll = 0.0
        self._lock = threading.Lock()
        self._libc = None
        try:
            self._start()
        except OSError as exc:
            log.info("no inotify for %s (%s): checking files every %.0f s", folder, exc, interval)
            self._close()

    @property
    def watching(self) -> bool:
        """True when the kernel reports changes (else a timed fallback)."""
        return self._fd is not None

    def changed(self) -> bool:
        """True when the corpus may have changed since the last call (always on the first)."""
        with self._lock:
            if self._first:
                self._first = False
                self._last_poll = time.monotonic()
                return True
            if self._fd is None:
                now = time.monotonic()
                if now - self._last_poll >= self.interval:
                    self._last_poll = now
                    return True
                return False
            return self._drain()

    def recheck(self) -> None:
        """Make the next :meth:`changed` say True (a build that may have missed a change ran)."""
        with self._lock:
            self._first = True

    def _start(self) -> None:
        if not hasattr(os, "O_NONBLOCK") or not ctypes.util.find_library("c"):
            raise OSError("inotify needs Linux")
        self._libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        if not hasattr(self._libc, "inotify_init1"):
            raise OSError("inotify needs Linux")
        fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self._fd = fd
        if not self.folder.is_dir():
            raise OSError(f"{self.folder.name} is not a folder yet")
        for root, dirs, _ in os.walk(self.folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            self._watch(root)

    def _watch(self, folder: str) -> None:
        if self._libc.inotify_add_watch(self._fd, os.fsencode(folder), _MASK) < 0:
            raise OSError(ctypes.get_errno(), f"cannot watch {folder}")

    def _drain(self) -> bool:
        """Read every queued event; True when there was one. New folders are watched too."""
        seen = False
        while True:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                return seen
            except OSError:  # the queue overflowed or the folder went away: say "changed"
                return True
            seen = seen or bool(data)
            offset = 0
            while offset + _HEADER.size <= len(data):
                _, mask, _, size = _HEADER.unpack_from(data, offset)
                name = data[offset + _HEADER.size: offset + _HEADER.size + size].rstrip(b"\0")
                offset += _HEADER.size + size
                if mask & _IN_ISDIR and mask & (_IN_CREATE | _IN_MOVED_TO):
                    self._watch_new(os.fsdecode(name))
                    if self._fd is None:
                        return True

    def _watch_new(self, name: str) -> None:
        # The event does not say which watched folder holds the new one: look for it.
        for root, dirs, _ in os.walk(self.folder):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            if name in dirs:
                try:
                    self._watch(os.path.join(root, name))
                except OSError:
                    self._close()  # fall back to the timed check rather than miss changes
                    return

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd = None

    def __del__(self) -> None:
        self._close()
