"""``cartqa index --watch``: keep the index current while files come and go.

Builds once, then waits for changes in the corpus folder (``watchfiles``) and
rebuilds incrementally after each burst of changes, with one line each: what
changed and the build's summary. Ctrl-C, or ``stop`` being set, ends it cleanly.

>>> describe({("added", "/c/a.pdf"), ("modified", "/c/b.md"), ("deleted", "/c/b.md")}, "/c")
'a.pdf added, b.md deleted'
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from cartqa.errors import CartqaError
from cartqa.index.build import build_index

log = logging.getLogger(__name__)

# A deletion says most, then an addition: an editor's save is often delete + add + modify.
_WEIGHT = {"deleted": 3, "added": 2, "modified": 1}


def describe(changes: Iterable[tuple[str, str]], corpus_dir: str | Path) -> str:
    """``(kind, path)`` pairs as one line: each file once, under its strongest change, by name."""
    root = Path(corpus_dir).absolute()
    kinds: dict[str, str] = {}
    for kind, path in changes:
        name = Path(path).absolute().relative_to(root).as_posix() if Path(path).absolute().is_relative_to(root) \
            else Path(path).name
        if _WEIGHT.get(kind, 0) >= _WEIGHT.get(kinds.get(name, ""), 0):
            kinds[name] = kind
    return ", ".join(f"{name} {kind}" for name, kind in sorted(kinds.items()))


def watch_index(corpus_dir: str | Path, index_dir: str | Path, embedder: str,
                say: Callable[[str], None] = print, stop: threading.Event | None = None,
                debounce_ms: int = 1600) -> None:
    """Build, then rebuild on every change under ``corpus_dir`` until Ctrl-C or ``stop`` is set.

    ``say`` gets each line: the first build's summary, ``watching <folder> ...`` once
    the watcher runs, then one line per burst of changes.
    """
    import watchfiles

    corpus, index = Path(corpus_dir), Path(index_dir)
    # The first build's errors (no corpus folder) end the command with their one line.
    say(build_index(corpus, index, embedder=embedder, progress=False).summary())
    # The index may live inside the corpus folder: its own writes are no change.
    only_documents = watchfiles.DefaultFilter(ignore_paths=[str(index.absolute())])
    ready = False
    try:
        for changes in watchfiles.watch(corpus, watch_filter=_visible(only_documents, corpus), stop_event=stop,
                                        debounce=debounce_ms, rust_timeout=200, yield_on_timeout=True,
                                        raise_interrupt=False):
            if not ready:
                ready = True
                say(f"watching {corpus} for changes (Ctrl-C stops)")
            if changes:
                what = describe(((c.name, p) for c, p in changes), corpus)
                say(f"{what}: {_build(corpus, index, embedder)}")
    except KeyboardInterrupt:  # during a build; the index stays whole (builds swap in atomically)
        pass
    say("stopped watching")


def _visible(base: Callable[..., bool], corpus: Path) -> Callable[..., bool]:
    """``base``, and no hidden file or folder (those the corpus scan ignores too)."""
    root = corpus.absolute()

    def keep(change, path: str) -> bool:
        rel = Path(path).absolute().relative_to(root) if Path(path).absolute().is_relative_to(root) else Path(path)
        return base(change, path) and not any(part.startswith(".") for part in rel.parts)

    return keep


def _build(corpus: Path, index: Path, embedder: str) -> str:
    try:
        return build_index(corpus, index, embedder=embedder, progress=False).summary()
    except CartqaError as exc:  # e.g. the corpus folder was removed: say so, and keep watching
        return f"not rebuilt: {exc}"
