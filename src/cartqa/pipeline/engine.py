"""One loaded index build, ready to answer: retriever, corpus view and embedder.

Engines are cached per (index folder, build), so a process loads each model and
build once and every later question is fast. Before a question the corpus is
checked for changes without a stat of every file (:mod:`cartqa.index.freshness`):
a few changed files are indexed before answering, so the answer reflects a file
saved a moment ago; a large change, or a build already running elsewhere, never
blocks a question: it is answered from the current index while the build runs.
A damaged index is rebuilt from the corpus.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from cartqa.errors import IndexFormatError
from cartqa.index.build import build_index, pending_changes
from cartqa.index.embedders import Embedder, get_embedder
from cartqa.index.annotate import warm_words
from cartqa.index.freshness import CorpusWatch
from cartqa.index.store import Manifest, build_running, load_stored, read_manifest
from cartqa.reading.grounding import CorpusView
from cartqa.reading.semantic import Relatedness
from cartqa.search.retrieval import Retriever


@dataclass(frozen=True)
class Engine:
    """Everything needed to answer from one index build."""

    manifest: Manifest
    retriever: Retriever
    view: CorpusView
    embedder: Embedder
    related: Relatedness


log = logging.getLogger(__name__)

_CACHE: dict[tuple[str, str], Engine] = {}
_LOCK = threading.RLock()  # re-entrant: the background build loads its engine through get_engine


def _parser(known: dict):
    """spaCy's parser when its model is installed; extraction degrades gracefully without.

    ``known``: the parses the index stored; when there are some, the parser was there at
    build time and its model loads only when a question needs it.
    """
    from cartqa.reading import syntax

    return syntax.Parser(known) if known or syntax.available() else None


# Up to this many changed documents are indexed before answering; more build in the background.
INLINE_CHANGES = 20
_WATCHES: dict[str, CorpusWatch] = {}
_BACKGROUND: dict[str, threading.Thread] = {}


def get_engine(corpus_dir: Path, index_dir: Path, embedder: str, refresh: bool = True) -> Engine:
    """The engine for ``index_dir``, indexing corpus changes first (see the module's docstring)."""
    if refresh:
        _refresh(Path(corpus_dir), Path(index_dir), embedder)
    with _LOCK:
        return _load(Path(corpus_dir), Path(index_dir), embedder, refresh)


def _refresh(corpus_dir: Path, index_dir: Path, embedder: str) -> None:
    watch = _watch(corpus_dir)
    if not watch.changed():
        return
    pending = pending_changes(corpus_dir, index_dir)  # None: no usable index on disk
    if pending == 0:
        return
    if pending is not None and build_running(index_dir):
        watch.recheck()  # that build may have started before this change: look again next time
        return
    if pending is not None and pending > INLINE_CHANGES:
        _build_in_background(corpus_dir, index_dir, embedder)
        return
    with _LOCK:
        build_index(corpus_dir, index_dir, embedder=embedder)


def _watch(corpus_dir: Path) -> CorpusWatch:
    key = str(corpus_dir.resolve())
    with _LOCK:
        if key not in _WATCHES:
            _WATCHES[key] = CorpusWatch(corpus_dir)
        return _WATCHES[key]


def _build_in_background(corpus_dir: Path, index_dir: Path, embedder: str) -> None:
    key = str(index_dir.resolve())
    with _LOCK:
        if key in _BACKGROUND and _BACKGROUND[key].is_alive():
            return

        def run() -> None:
            try:
                build_index(corpus_dir, index_dir, embedder=embedder, progress=False)
                get_engine(corpus_dir, index_dir, embedder, refresh=False)  # loaded before the next question
            except Exception:  # noqa: BLE001 - a thread has no caller to tell; questions keep the old index
                log.exception("background index build of %s failed", index_dir)

        _BACKGROUND[key] = threading.Thread(target=run, name="cartqa-build", daemon=True)
        _BACKGROUND[key].start()


def _load(corpus_dir: Path, index_dir: Path, embedder: str, refresh: bool) -> Engine:
    try:
        manifest = read_manifest(index_dir)
    except IndexFormatError:
        if not refresh:
            raise
        manifest = None
    if manifest is None and refresh:
        build_index(corpus_dir, index_dir, embedder=embedder)
        manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexFormatError(f"No index in {index_dir}; run 'cartqa index --index {index_dir}'.")
    key = (str(index_dir.resolve()), manifest.build_id)
    engine = _CACHE.get(key)
    if engine is None:
        try:
            stored = load_stored(index_dir, manifest)
        except IndexFormatError as exc:
            if not refresh:
                raise
            log.warning("rebuilding the index from the corpus: %s", exc)
            build_index(corpus_dir, index_dir, embedder=embedder)
            manifest = read_manifest(index_dir)
            key = (str(index_dir.resolve()), manifest.build_id)
            stored = load_stored(index_dir, manifest)
        engine = _engine(manifest, stored)
        for old in [k for k in _CACHE if k[0] == key[0]]:
            del _CACHE[old]
        _CACHE[key] = engine
    return engine


def _engine(manifest: Manifest, stored) -> Engine:
    model = get_embedder(manifest.embedder)
    from cartqa.reading import wordnet

    view = CorpusView(stored.chunks, _parser(stored.parses), wordnet.WORDNET if wordnet.available() else None,
                      stored.words)
    related = Relatedness(model, stored.phrase_vectors)
    # the stored terms are read only when BM25 is not stored (an older build) and must be indexed here
    retriever = Retriever(stored.chunks, None, model, stored.sentence_vectors, stored.dense,
                          stored.terms if stored.bm25 is None else None, stored.bm25)
    if not len(stored.phrase_vectors) and stored.chunks:  # an index without tables: warm now
        # one batch now instead of hundreds of single look-ups while answering (0.6 s against ~15 ms each)
        sentences = [s.text for doc in view.sentences.values() for s in doc]
        related.warm(warm_words(sentences))
        retriever.warm_sentences(sentences)
    return Engine(manifest, retriever, view, model, related)


_WARMING = threading.Lock()
_WARMED: set[str] = set()  # what has been started: "dictionaries", and each index's Italian reader
_WARMERS: list[threading.Thread] = []


def _warm_reader() -> None:
    from cartqa.reading.extractive import committed_reader

    committed_reader()


def warm_in_background(engine: Engine | None = None, index_dir: str | Path | None = None) -> None:
    """Read what a later question may need, in background threads, once per process (and index).

    The Italian dictionary takes ~1.7 s to read and WordNet's nouns and verbs ~1 s (for "what
    kind of doctors"): read them beside the first English questions rather than during the first
    Italian one. With ``engine``, its Italian reader too (the index's English words, the
    table of common words' e5 vectors and e5 itself: ~0.4 s and ~30 MB at 1,000 documents). It waited
    for an Italian question to have been asked on the index when it meant embedding every corpus
    word (minutes at 10,000 documents); the table made that unnecessary. Called after the first
    answer, not while loading: threads reading them held the interpreter lock for ~3 s of a new
    process's first answer, which needs none of them most times.
    """
    from cartqa.reading import wordnet
    from cartqa.reading.italian import alignment, lexicon

    targets = []
    with _WARMING:
        if "dictionaries" not in _WARMED:
            _WARMED.add("dictionaries")
            targets += [lexicon.warm] if alignment.available() else []
            targets += [wordnet.warm] if wordnet.available() else []
            targets.append(_warm_reader)  # the span model: ~0.55 s to load, before a later question needs it
        # Once per index and build (a rebuild's new words make a new aligner), looked at on the first
        # answer only: every answer calls this, and without a cache now, this process's first Italian
        # question makes the aligner itself.
        build = getattr(getattr(engine, "manifest", None), "build_id", "")
        key = f"italian:{index_dir}:{build}" if engine is not None and index_dir is not None else ""
        if key and key not in _WARMED:
            _WARMED.add(key)
            if alignment.available():
                targets.append(lambda: alignment.warm(engine, Path(index_dir)))
        _WARMERS[:] = [t for t in _WARMERS if t.is_alive()]
        for target in targets:
            thread = threading.Thread(target=_quietly, args=(target,), name="cartqa-warm", daemon=True)
            thread.start()
            _WARMERS.append(thread)


def _quietly(target) -> None:
    # Warming only saves a later question time: if it fails, that question does the work and
    # reports any error itself, so here a log line, not a thread's traceback on stderr.
    try:
        target()
    except Exception as exc:  # noqa: BLE001
        log.warning("background warm-up failed: %s", exc)


def warmed(timeout: float | None = None) -> bool:
    """Wait up to ``timeout`` seconds for :func:`warm_in_background`'s reading; has it finished?

    Benchmarks measure warm answers after it, as a user's next question comes after reading the
    first answer (fired back to back, the first ones shared the interpreter with the readers).

    >>> warmed(0.0) in (True, False)
    True
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    for thread in list(_WARMERS):
        thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
    return not any(t.is_alive() for t in _WARMERS)
