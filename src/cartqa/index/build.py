"""Incremental index builds: re-embed only added or changed files.

>>> import tempfile, pathlib
>>> corpus = pathlib.Path(tempfile.mkdtemp()); index = corpus.parent / (corpus.name + "-index")
>>> _ = (corpus / "int.txt").write_text("INT was established in 1928.")
>>> build_index(corpus, index, embedder="hash").summary()
'added 1, updated 0, removed 0, unchanged 0 (1 chunks)'
>>> build_index(corpus, index, embedder="hash").summary()
'added 0, updated 0, removed 0, unchanged 1 (1 chunks)'
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from cartqa.corpus.chunking import ChunkSettings, chunk_document
from cartqa.corpus.loaders import CorpusFile, read_document, scan_corpus, scan_folder
from cartqa.errors import CorpusError
from cartqa.index.embedders import DEFAULT_EMBEDDER, Embedder, get_embedder
from cartqa.index.store import (
    FileEntry,
    Manifest,
    StoredIndex,
    build_lock,
    load_stored,
    read_manifest,
    write_manifest,
    write_stored,
)
from cartqa.records import BuildProgress, Chunk, IndexReport

log = logging.getLogger(__name__)


def build_index(
    corpus_dir: str | Path = "corpus",
    index_dir: str | Path = "index",
    embedder: str | Embedder = DEFAULT_EMBEDDER,
    chunking: ChunkSettings | None = None,
    progress: bool | Callable[[BuildProgress], None] | None = None,
) -> IndexReport:
    """Bring ``index_dir`` up to date with ``corpus_dir`` and report what changed.

    Files whose SHA-256 is unchanged keep their vectors; a change of model or
    chunking settings re-embeds everything. ``progress``: True for a bar on stderr,
    None for one only on a terminal, or a function called with each :class:`BuildProgress`.
    """
    model = get_embedder(embedder) if isinstance(embedder, str) else embedder
    name = embedder if isinstance(embedder, str) else model.model_id
    settings = chunking or ChunkSettings()
    with build_lock(index_dir):
        old = read_manifest(index_dir)
        scan = scan_folder(corpus_dir, known=old.files if old else None)
        wanted = Manifest(model_id=model.model_id, dim=model.dim, embedder=name, chunking=asdict(settings))
        reusable = old if old and old.settings() == wanted.settings() else None
        stored = load_stored(index_dir, reusable) if reusable else None
        previous = set(old.files) if old else set()
        return _update(Path(index_dir), scan.files, wanted, stored, previous, model, settings, progress, scan.skipped)


def _update(index_dir: Path, files: list[CorpusFile], wanted: Manifest, stored: StoredIndex | None,
            previous: set[str], model: Embedder, settings: ChunkSettings, progress,
            ignored: tuple[str, ...] = ()) -> IndexReport:
    """``stored`` is the reusable old build (None after a settings change); ``previous``
    the documents the old manifest listed, so a forced re-embed reports "updated";
    ``ignored`` the files not read at all (unsupported, links leaving the corpus), with why."""
    old_files = stored.manifest.files if stored else {}
    kept = {f.doc for f in files if f.doc in old_files and old_files[f.doc].sha256 == f.sha256}
    changed = [f for f in files if f.doc not in kept]
    removed = sorted(previous - {f.doc for f in files})
    if stored and not changed and not removed:
        # Only timestamps may differ (e.g. a touched file): refresh them, keep the build.
        entries = {f.doc: FileEntry(f.sha256, f.size, f.mtime_ns, old_files[f.doc].chunks, old_files[f.doc].error)
                   for f in files}
        write_manifest(index_dir, _with_files(stored.manifest, entries))
        return IndexReport(unchanged=len(files), chunks=len(stored.chunks),
                           skipped=(*ignored, *(e.error for e in entries.values() if e.error)))
    chunks, vectors, entries = _keep(stored, kept, files)
    # Unchanged files that could not be read last time are still listed, with their reason.
    skipped = [*ignored, *(e.error for e in entries.values() if e.error)]
    report_step = progress if callable(progress) else (lambda step: None)
    for n, file in enumerate(_progress(changed, None if callable(progress) else progress)):
        report_step(BuildProgress("embedding", n, len(changed), "files"))
        new_chunks, error = _read_and_chunk(file, model, settings)
        if error:
            skipped.append(error)
            if stored and file.doc in old_files:  # loses nothing: keep the last good version
                new_chunks = [c for c in stored.chunks if c.doc == file.doc]
        chunks.extend(new_chunks)
        vectors.append(_embed(model, new_chunks, stored if error else None))
        entries[file.doc] = FileEntry(file.sha256, file.size, file.mtime_ns, len(new_chunks), error)
    report_step(BuildProgress("writing", len(changed), len(changed), "files"))
    matrix = np.concatenate(vectors) if vectors else np.zeros((0, model.dim), np.float32)
    manifest = write_stored(index_dir, _with_files(wanted, entries), chunks, matrix)
    report = IndexReport(
        added=sum(f.doc not in previous for f in changed),
        updated=sum(f.doc in previous for f in changed),
        removed=len(removed), unchanged=len(kept), chunks=manifest.chunks, skipped=tuple(skipped),
    )
    log.info("index %s: %s", index_dir, report.summary())
    return report


def _keep(stored: StoredIndex | None, kept: set[str], files: list[CorpusFile]):
    chunks: list[Chunk] = []
    vectors: list[np.ndarray] = []
    entries: dict[str, FileEntry] = {}
    if stored:
        rows = [i for i, c in enumerate(stored.chunks) if c.doc in kept]
        chunks = [stored.chunks[i] for i in rows]
        vectors = [stored.vectors[rows]] if rows else []
        for f in files:
            if f.doc in kept:
                old = stored.manifest.files[f.doc]
                entries[f.doc] = FileEntry(f.sha256, f.size, f.mtime_ns, old.chunks, old.error)
    return chunks, vectors, entries


def _read_and_chunk(file: CorpusFile, model: Embedder, settings: ChunkSettings) -> tuple[list[Chunk], str]:
    try:
        doc = read_document(file)
    except (CorpusError, OSError) as exc:
        log.warning("skipped %s", exc)
        return [], str(exc)
    return chunk_document(doc, settings.max_tokens, settings.overlap_sentences, model.count_tokens), ""


def _embed(model: Embedder, chunks: list[Chunk], stored: StoredIndex | None) -> np.ndarray:
    if stored is not None:  # re-use the last good vectors of an unreadable file
        wanted = set(chunks)
        rows = [i for i, c in enumerate(stored.chunks) if c in wanted]
        return stored.vectors[rows].reshape(-1, model.dim)
    return model.embed_passages([c.text for c in chunks]).reshape(-1, model.dim)


def _with_files(manifest: Manifest, files: dict[str, FileEntry]) -> Manifest:
    return Manifest(**{**asdict(manifest), "files": files})


def _progress(items: list, enabled: bool | None):
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled or len(items) < 2:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="embedding", unit="file", file=sys.stderr)


def is_stale(corpus_dir: str | Path, index_dir: str | Path) -> bool:
    """True when ``index_dir`` is missing or differs from the files in ``corpus_dir``.

    Cheap when nothing changed: files whose size and mtime match the manifest
    are not re-hashed.
    """
    manifest = read_manifest(index_dir)
    if manifest is None:
        return True
    files = scan_corpus(corpus_dir, known=manifest.files)
    current = {f.doc: f.sha256 for f in files}
    return current != {doc: e.sha256 for doc, e in manifest.files.items()}
