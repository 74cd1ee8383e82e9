"""The on-disk index: a versioned manifest beside chunk vectors (FAISS or Milvus) and chunk metadata.

Layout of ``index/``::

    manifest.json          # written last, replaced atomically; names the live build
    <build_id>/vectors.faiss       # chunk vectors (exact, or HNSW for large builds); with
                                   # CARTQA_STORE=milvus they are in a Milvus collection instead
    <build_id>/chunks.jsonl
    <build_id>/sentences.npy       # + .keys.json: a vector per corpus sentence (memory-mapped)
    <build_id>/phrases.npy         # + .keys.json: vectors of the corpus's words
    <build_id>/parses.jsonl        # each sentence's noun phrases and subject
    <build_id>/terms.jsonl         # each chunk's BM25 terms, and bm25/: their BM25 index (memory-mapped)
    <build_id>/words.json          # the corpus's word counts (idf, names, aliases): what a new process reads
    <build_id>/document-words.jsonl  # each document's share of them, by a hash of its text: what a build reuses

A build writes a new ``<build_id>/`` folder, then swaps ``manifest.json`` with
``os.replace``; a crash at any point leaves the previous index whole (with Milvus, whose
collection is changed in place, a crash leaves a collection that no longer matches the
manifest: the next load finds it damaged and rebuilds). No pickle.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import re
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from cartqa import config
from cartqa.corpus.wordstats import CorpusWords
from cartqa.errors import IndexFormatError, StoreError
from cartqa.index.lexical import bm25_index, read_bm25, write_bm25
from cartqa.index.tables import EMPTY, VectorTable, read_records, read_vectors, write_records, write_vectors
from cartqa.index.vectorstore import DenseIndex, FaissStore, VectorStore, chunk_key
from cartqa.records import Chunk

# 2: the build also stores sentence and phrase vectors and sentence parses (cartqa.index.tables).
# 3: every corpus word and word pair in the phrase table, not the first 5,000 (annotate.MAX_STORED).
# 4: the corpus's word counts, whole and per document (cartqa.corpus.wordstats), and the BM25 index.
# 5: the sentence table also holds each list member read with its lead (cartqa.corpus.enumerations).
# 6: sentence and reading vectors read off their chunk's tokens where the embedder can (cartqa.index.late).
# 7: a sentence or reading cut across chunks read from each chunk's part, not embedded alone.
FORMAT_VERSION = 7
MANIFEST = "manifest.json"
WORDS, DOCUMENT_WORDS = "words.json", "document-words"


@dataclass(frozen=True)
class FileEntry:
    """What the index knows of one corpus file."""

    sha256: str
    size: int
    mtime_ns: int
    chunks: int
    error: str = ""


@dataclass(frozen=True)
class Manifest:
    """Self-description of an index build; any setting change forces a full rebuild."""

    model_id: str
    dim: int
    embedder: str
    chunking: dict
    files: dict[str, FileEntry] = field(default_factory=dict)
    build_id: str = ""
    built_at: str = ""
    chunks: int = 0
    format_version: int = FORMAT_VERSION
    store: dict = field(default_factory=lambda: dict(FaissStore.place))  # where the chunk vectors are

    def settings(self) -> tuple:
        """What must match for old vectors to be reused."""
        return (self.format_version, self.model_id, self.dim, json.dumps(self.chunking, sort_keys=True))


@dataclass(frozen=True)
class StoredIndex:
    """A loaded build: its manifest, chunks and searchable chunk vectors (row i belongs to chunk i)."""

    manifest: Manifest
    chunks: list[Chunk]
    dense: DenseIndex  # FAISS (exact or HNSW, see cartqa.index.vectors) or a Milvus collection
    sentence_vectors: VectorTable = EMPTY
    phrase_vectors: VectorTable = EMPTY
    parses: Mapping[str, object] = field(default_factory=dict)  # read lazily: tables.read_records
    words: CorpusWords | None = None  # the corpus's word counts, when the build stored them
    bm25: object | None = None  # the chunks' BM25 index (a bm25s.BM25), when the build stored it
    folder: Path | None = None  # the build's folder

    @functools.cached_property
    def terms(self) -> list[list[str]] | None:
        """BM25's terms of chunk i, when the build stored them; read when first asked (a build reuses
        them), not at load: answering searches the stored BM25 index (13,740 lines at 1,000 documents)."""
        if self.folder is None or not (self.folder / "terms.jsonl").exists():
            return None
        try:
            with open(self.folder / "terms.jsonl", encoding="utf-8") as fh:
                terms = [json.loads(line) for line in fh]
        except (OSError, ValueError) as exc:
            raise IndexFormatError(f"index build {self.folder.name} is damaged ({_short(exc)}); "
                                   "run 'cartqa index' to rebuild it.") from exc
        if len(terms) != len(self.chunks):
            raise IndexFormatError(f"index build {self.folder.name} has {len(self.chunks)} chunks but {len(terms)} "
                                   "term lists; rebuild it.")
        return terms

    def document_words(self) -> dict[str, object]:
        """Each document's word counts by a hash of its text (read when a build asks: only builds reuse them)."""
        return read_records(self.folder, DOCUMENT_WORDS) if self.folder else {}

    @property
    def vectors(self) -> np.ndarray:
        """Every chunk's vector, row i for chunk i (read from the store: costly with a large Milvus)."""
        return self.dense.vectors([chunk_key(c) for c in self.chunks])


def get_store(index_dir: str | Path, place: dict | str | None = None) -> VectorStore:
    """The vector store ``place`` names: a manifest's ``store`` entry, a ``CARTQA_STORE`` value, or
    None for the setting (``faiss`` unless ``CARTQA_STORE`` says ``milvus``)."""
    if not isinstance(place, dict):
        name = config.store(place)
        place = {"kind": name, "uri": config.milvus_uri(), "collection": config.milvus_collection()}
    kind = place.get("kind")
    if kind == "faiss":
        return FaissStore()
    if kind == "milvus":
        from cartqa.index.milvus import MilvusStore

        return MilvusStore(str(place.get("uri") or ""), str(place.get("collection") or config.milvus_collection()),
                           index_dir, config.milvus_token())
    raise StoreError(f"Unknown vector store {kind!r} (CARTQA_STORE): use 'faiss' or 'milvus'.")


_MANIFESTS: dict[str, tuple[tuple[int, ...], Manifest]] = {}  # by path: the file's identity, its manifest
_MANIFESTS_LOCK = threading.Lock()
_MAX_MANIFESTS = 16


def read_manifest(index_dir: str | Path) -> Manifest | None:
    """The live manifest, or ``None`` when no index was built yet.

    Every question asks it which build is live: an unchanged file (the same inode, size and
    times: a build replaces it by a new file) gives the manifest read before, one ``stat``
    instead of decoding every file's entry (7 ms a question at 1,000 documents, ~10x that at
    10,000). The manifest is shared: never change it, make a new one (``dataclasses.replace``).
    """
    path = Path(index_dir) / MANIFEST
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise IndexFormatError(f"{path} is unreadable ({exc}); delete {index_dir} and run 'cartqa index'.") from exc
    key, identity = str(path.absolute()), (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    with _MANIFESTS_LOCK:
        known = _MANIFESTS.get(key)
    if known is not None and known[0] == identity:
        return known[1]
    manifest = _parsed_manifest(path, index_dir)
    if manifest is None:
        return None
    with _MANIFESTS_LOCK:
        if len(_MANIFESTS) >= _MAX_MANIFESTS:
            _MANIFESTS.clear()
        _MANIFESTS[key] = (identity, manifest)
    return manifest


def _parsed_manifest(path: Path, index_dir: str | Path) -> Manifest | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["files"] = {k: FileEntry(**v) for k, v in data.get("files", {}).items()}
        manifest = Manifest(**data)
        if not all(isinstance(v, t) for v, t in ((manifest.build_id, str), (manifest.chunking, dict),
                                                    (manifest.store, dict))):
            raise TypeError("build_id, chunking or store of the wrong type")
        return manifest
    except FileNotFoundError:  # removed between the stat and the read
        return None
    except (ValueError, TypeError, AttributeError, OSError) as exc:
        raise IndexFormatError(f"{path} is unreadable ({exc}); delete {index_dir} and run 'cartqa index'.") from exc


def load_stored(index_dir: str | Path, manifest: Manifest) -> StoredIndex:
    """Read the chunks of the build ``manifest`` names and open its vectors where they are stored."""
    build = Path(index_dir) / manifest.build_id
    try:
        with open(build / "chunks.jsonl", encoding="utf-8") as fh:
            chunks = [_chunk(json.loads(line)) for line in fh if line.strip()]
        dense = get_store(index_dir, manifest.store).open(build, chunks, manifest.dim)
        tables = dict(sentence_vectors=read_vectors(build, "sentences"), phrase_vectors=read_vectors(build, "phrases"),
                      parses=read_records(build, "parses"), words=_read_words(build), bm25=read_bm25(build))
    except (OSError, ValueError, TypeError, KeyError, RuntimeError, IndexFormatError) as exc:
        raise IndexFormatError(f"index build {manifest.build_id} is damaged ({_short(exc)}); "
                               "run 'cartqa index' to rebuild it.") from exc
    return StoredIndex(manifest, chunks, dense, **tables, folder=build)


def _chunk(fields: dict) -> Chunk:
    """A stored chunk, its document name, location and context shared with its document's other
    chunks: one string each instead of one per chunk (at 10,000 documents, 210,677 chunks took
    174 MB instead of 208, and 1.58 s to read instead of 1.51)."""
    for name in ("doc", "location", "context"):
        if name in fields:
            fields[name] = sys.intern(fields[name])
    return Chunk(**fields)


def _read_words(build: Path) -> CorpusWords | None:
    if not (build / WORDS).exists():
        return None
    try:
        return CorpusWords.from_json(json.loads((build / WORDS).read_text(encoding="utf-8")))
    except AttributeError as exc:  # a field of the wrong type
        raise ValueError(f"{WORDS}: {exc}") from exc


def _short(exc: Exception) -> str:
    """The reason without folders (messages may reach web users): ``'/srv/i/x/chunks.jsonl'`` -> ``'chunks.jsonl'``."""
    return re.sub(r"(?:/[^/\s'\"]+)+/", "", str(exc))[:200]


def build_running(index_dir: str | Path) -> bool:
    """Is a build of ``index_dir`` under way, in this process or another? (Never waits.)"""
    root = Path(index_dir)
    lock = _THREAD_LOCKS.get(str(root.resolve()))
    if lock is not None and lock.locked():
        return True
    if not (root / ".lock").exists():
        return False
    with open(root / ".lock", "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False


def write_stored(index_dir: str | Path, manifest: Manifest, chunks: list[Chunk], fresh: dict[int, np.ndarray],
                 previous: DenseIndex | None = None, tables=None, store: VectorStore | None = None) -> Manifest:
    """Write a new build and make it live; returns the manifest as written.

    ``fresh``: the vectors embedded by this build, by chunk key; the other chunks' vectors are
    ``previous``'s. ``store``: where the vectors go (default: the ``CARTQA_STORE`` setting)."""
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    store = store or get_store(root)
    build_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    tmp = root / f".{build_id}.tmp"
    tmp.mkdir()
    with open(tmp / "chunks.jsonl", "w", encoding="utf-8") as fh:
        for chunk in chunks:  # strings and numbers: vars, not asdict's deep copy (0.5 s at 1,000 documents)
            fh.write(json.dumps(vars(chunk), ensure_ascii=False) + "\n")
    if tables is not None:  # an annotate.Tables
        write_vectors(tmp, "sentences", *tables.sentences)
        write_vectors(tmp, "phrases", *tables.phrases)
        write_records(tmp, "parses", tables.parses)
        with open(tmp / "terms.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(t, ensure_ascii=False) + "\n" for t in tables.chunk_terms)
        write_bm25(tmp, bm25_index(tables.chunk_terms))
        if tables.corpus_words is not None:
            write_records(tmp, DOCUMENT_WORDS, tables.document_words)
            (tmp / WORDS).write_text(json.dumps(tables.corpus_words, ensure_ascii=False), encoding="utf-8")
    store.write(tmp, chunks, fresh, previous, manifest.dim)  # last: Milvus changes in place
    os.replace(tmp, root / build_id)
    written = Manifest(**{**asdict(manifest), "files": manifest.files, "build_id": build_id, "store": store.place,
                          "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "chunks": len(chunks)})
    write_manifest(root, written)
    _remove_old_builds(root, keep=build_id)
    return written


def write_manifest(index_dir: Path, manifest: Manifest) -> None:
    """Replace ``manifest.json`` atomically (write a temp file, then ``os.replace``)."""
    data = asdict(manifest)
    tmp = index_dir / f".{MANIFEST}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, index_dir / MANIFEST)


def _remove_old_builds(root: Path, keep: str) -> None:
    for child in root.iterdir():
        if child.is_dir() and child.name != keep and (child.name[:8].isdigit() or child.name.endswith(".tmp")):
            shutil.rmtree(child, ignore_errors=True)


_THREAD_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


@contextlib.contextmanager
def build_lock(index_dir: str | Path) -> Iterator[None]:
    """Serialise builds of one index across threads and processes."""
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    key = str(root.resolve())
    with _GUARD:
        lock = _THREAD_LOCKS.setdefault(key, threading.Lock())
    with lock, open(root / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
