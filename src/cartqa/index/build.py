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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from cartqa.corpus import parsing
from cartqa.corpus.chunking import ChunkSettings, chunk_document, passage
from cartqa.corpus.loaders import CorpusFile, read_document, scan_corpus, scan_folder
from cartqa.corpus.sentences import sentence_spans
from cartqa.errors import CorpusError, IndexFormatError, InputError, StoreError
from cartqa.index import precision
from cartqa.index.annotate import (Tables, chunk_terms, parses_for, recorded_words, sentence_texts, vectors_for,
                                   word_counts)
from cartqa.index.embedders import DEFAULT_EMBEDDER, Embedder, get_embedder
from cartqa.index.late import late_vectors, sentence_homes
from cartqa.index.progress import progress_bars
from cartqa.index.shards import Cache, in_shard
from cartqa.index.store import (
    FileEntry,
    Manifest,
    StoredIndex,
    build_lock,
    get_store,
    load_stored,
    read_manifest,
    write_manifest,
    write_stored,
)
from cartqa.index.tables import EMPTY, VectorTable, all_intact, intact, rows_of
from cartqa.index.vectorstore import VectorStore, chunk_key
from cartqa.records import BuildProgress, Chunk, IndexReport

log = logging.getLogger(__name__)

# Formats whose vectors, parses and terms a build keeps, computing only what they lack: format 2
# stored the first 5,000 of the corpus's words and pairs, format 3 no word counts, format 4 no
# list members' readings, format 5 sentence vectors embedded alone, format 6 those of sentences cut
# across chunks (with a late-chunking embedder they are all computed again).
UPGRADABLE = frozenset({2, 3, 4, 5, 6})
# The first format whose sentence vectors are all late-chunked (cartqa.index.late) where the embedder can.
LATE_SENTENCES = 7


def build_index(
    corpus_dir: str | Path = "corpus",
    index_dir: str | Path = "index",
    embedder: str | Embedder = DEFAULT_EMBEDDER,
    chunking: ChunkSettings | None = None,
    progress: bool | Callable[[BuildProgress], None] | None = None,
    store: str | None = None,
    shard: tuple[int, int] | None = None,
    reuse: Sequence[str | Path] = (),
) -> IndexReport:
    """Bring ``index_dir`` up to date with ``corpus_dir`` and report what changed.

    Files whose SHA-256 is unchanged keep their vectors; a change of model re-embeds
    everything, of chunking settings every chunk cut anew (the sentences', words' and parses
    already stored are kept); a damaged index is rebuilt from the
    corpus. ``progress``: True for bars on stderr, None for bars only on a terminal,
    or a function called with each :class:`BuildProgress`. ``store``: where the chunk vectors go,
    ``faiss`` or ``milvus`` (default: ``$CARTQA_STORE``, else ``faiss``; cartqa.index.vectorstore).
    ``shard``: (I, N) to build only the files of shard I of N; ``reuse``: index folders (shards)
    whose vectors, parses and terms are taken instead of computed (cartqa.index.shards).
    """
    precision.checked()  # a bad setting is refused before anything is read (a small build never asks torch)
    model = get_embedder(embedder) if isinstance(embedder, str) else embedder
    name = embedder if isinstance(embedder, str) else model.model_id
    settings = chunking or ChunkSettings()
    step = progress if callable(progress) else progress_bars(progress)
    vector_store = get_store(index_dir, store)
    try:
        with build_lock(index_dir):
            old = _old_manifest(index_dir)
            scan = scan_folder(corpus_dir, known=old.files if old else None)
            files = scan.files if shard is None else [f for f in scan.files if in_shard(f.doc, shard)]
            wanted = Manifest(model_id=model.model_id, dim=model.dim, embedder=name, chunking=asdict(settings))
            reusable = old if old and _reusable(old, wanted) else None
            stored = _old_build(index_dir, reusable) if reusable else None
            previous = set(old.files) if old else set()
            donors = [_reused(r, wanted) for r in reuse]
            if old and not reusable and _same_model(old, wanted):
                # New chunking, same model: the old build's sentence and word vectors, parses and the
                # vectors of chunks cut the same way still hold (all keyed by what was embedded).
                donor = _old_build(index_dir, old)
                donors += [donor] if donor else []
            return _update(Path(index_dir), files, wanted, stored, previous, model, settings, step,
                           scan.skipped, vector_store, donors)
    finally:
        close = getattr(step, "close", None)
        if close:
            close()


def _reusable(old: Manifest, wanted: Manifest) -> bool:
    """Can ``old``'s chunks, vectors, sentence vectors and parses be kept? Same model and chunking,
    and a format that :data:`UPGRADABLE` says differs only in holding less of what a build adds."""
    return _same_model(old, wanted) and old.settings()[3:] == wanted.settings()[3:]


def _same_model(old: Manifest, wanted: Manifest) -> bool:
    """Same model, in a format whose tables this build can read (the chunking may differ)?"""
    same_format = old.format_version == wanted.format_version or old.format_version in UPGRADABLE
    return same_format and old.settings()[1:3] == wanted.settings()[1:3]


def _old_manifest(index_dir: str | Path) -> Manifest | None:
    """The last build's manifest; None (a full rebuild) when it is missing or damaged."""
    try:
        return read_manifest(index_dir)
    except IndexFormatError as exc:
        log.warning("rebuilding the index from the corpus: %s", exc)
        return None


def _reused(index_dir: str | Path, wanted: Manifest) -> StoredIndex:
    """A build to take vectors and tables from; its model and chunking must be this build's."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise InputError(f"--reuse {index_dir}: no index there")
    if manifest.settings() != wanted.settings():
        raise InputError(f"--reuse {index_dir}: built with another model or chunking ({manifest.model_id})")
    return load_stored(index_dir, manifest)


def _old_build(index_dir: str | Path, manifest: Manifest) -> StoredIndex | None:
    try:
        return load_stored(index_dir, manifest)
    except (IndexFormatError, StoreError) as exc:  # the old store unreachable: build anew where it is set
        log.warning("rebuilding the index from the corpus: %s", exc)
        return None


def _update(index_dir: Path, files: list[CorpusFile], wanted: Manifest, stored: StoredIndex | None,
            previous: set[str], model: Embedder, settings: ChunkSettings, step,
            ignored: tuple[str, ...] = (), store: VectorStore | None = None,
            reused: Sequence[StoredIndex] = ()) -> IndexReport:
    """``stored`` is the reusable old build (None after a settings change or damage); ``previous``
    the documents the old manifest listed, so a forced re-embed reports "updated";
    ``ignored`` the files not read at all (unsupported, links leaving the corpus), with why;
    ``store`` where the vectors go (the setting when None); ``reused`` builds (shards) whose
    vectors and tables are taken instead of computed."""
    store = store or get_store(index_dir)
    old_files = stored.manifest.files if stored else {}
    kept = {f.doc for f in files if f.doc in old_files and old_files[f.doc].sha256 == f.sha256}
    changed = [f for f in files if f.doc not in kept]
    removed = sorted(previous - {f.doc for f in files})
    if (stored and not changed and not removed and stored.manifest.store == store.place
            and stored.manifest.format_version == wanted.format_version
            # a record cut short is worked out again: the repair the damage message asks for
            # (a scan of the two tables' line ends: 0.13 s for 24,000 parses at 250 documents)
            and all_intact(stored.parses) and all_intact(stored.document_words())):
        # Only timestamps may differ (e.g. a touched file): refresh them, keep the build.
        entries = {f.doc: FileEntry(f.sha256, f.size, f.mtime_ns, old_files[f.doc].chunks, old_files[f.doc].error)
                   for f in files}
        write_manifest(index_dir, _with_files(stored.manifest, entries))
        return IndexReport(unchanged=len(files), chunks=len(stored.chunks),
                           skipped=(*ignored, *(e.error for e in entries.values() if e.error)))
    chunks, entries = _keep(stored, kept, files)
    # Unchanged files that could not be read last time are still listed, with their reason.
    skipped, fresh = [*ignored, *(e.error for e in entries.values() if e.error)], []
    for n, file in enumerate(changed):
        step(BuildProgress("reading", n, len(changed), "files"))
        new_chunks, error = _read_and_chunk(file, model, settings)
        if error:
            skipped.append(error)
            if stored and file.doc in old_files:  # loses nothing: keep the last good version (and its vectors)
                new_chunks = [c for c in stored.chunks if c.doc == file.doc]
                chunks.extend(new_chunks)
        else:
            fresh.extend(new_chunks)
        entries[file.doc] = FileEntry(file.sha256, file.size, file.mtime_ns, len(new_chunks), error)
    step(BuildProgress("reading", len(changed), len(changed), "files"))
    upgrading = any(s is not None and s.manifest.format_version < LATE_SENTENCES for s in [stored, *reused])
    # Asked only when there is something to embed: a build that only removes files loads no model.
    late = bool(fresh or upgrading) and _late_chunking(model)

    def current(build: StoredIndex | None) -> StoredIndex | None:
        # An earlier format's sentence vectors (some or all embedded alone) must not be mixed with
        # late-chunked ones; everything else it holds (chunk vectors, words, parses, counts) is kept.
        old = build is not None and late and build.manifest.format_version < LATE_SENTENCES
        return replace(build, sentence_vectors=EMPTY) if old else build

    stored, reused = current(stored), [current(r) for r in reused]
    cache = Cache([*([stored] if stored else []), *reused])
    first_fresh = len(chunks)
    chunks.extend(fresh)
    sentences = sentence_texts(chunks)
    # Parsed by a second process at idle priority while the chunks are embedded (parsing.SharedParse).
    # spaCy is loaded only when a sentence needs it: ~1.2 s of a build that removes a file.
    unparsed = _unparsed(sentences, cache.parses)
    parse = parsing.SharedParse(unparsed, idle=True) if unparsed and parsing.available() else None
    try:
        embedded, late_sentences = _embed_chunks(chunks, first_fresh, cache, stored, model, late, upgrading, step)
        # A chunk embedded without context is a sentence's vector too, when it is one sentence.
        whole = {c.text: embedded[chunk_key(c)] for c in fresh if chunk_key(c) in embedded and not c.context}
        tables = _tables(chunks, sentences, {**whole, **late_sentences}, cache, model, step, parse, bool(unparsed))
    finally:
        if parse is not None:
            parse.close()
    step(BuildProgress("writing", len(changed), len(changed), "files"))
    manifest = write_stored(index_dir, _with_files(wanted, entries), chunks, embedded,
                            stored.dense if stored else None, tables, store)
    report = IndexReport(
        added=sum(f.doc not in previous for f in changed),
        updated=sum(f.doc in previous for f in changed),
        removed=len(removed), unchanged=len(kept), chunks=manifest.chunks, skipped=tuple(skipped),
    )
    log.info("index %s: %s", index_dir, report.summary())
    return report


def _embed_chunks(chunks: list[Chunk], first_fresh: int, cache: Cache, stored: StoredIndex | None,
                  model: Embedder, late: bool, upgrading: bool,
                  step) -> tuple[dict[int, np.ndarray], dict[str, np.ndarray]]:
    """Vectors of the new chunks (``chunks[first_fresh:]``), by key, that the store does not have:
    embedded, or taken from a reused build. A chunk the old build has (a changed file's unchanged
    part) needs none. With ``late`` (:func:`_late_chunking`), the same transformer pass also gives
    the vectors of the sentences and list readings no earlier build has (by text; cartqa.index.late):
    of the changed files, or of every file when ``upgrading`` an index whose sentence vectors were dropped."""
    fresh = chunks[first_fresh:]
    keys = [chunk_key(c) for c in fresh]
    todo = [first_fresh + n for n, k in enumerate(keys) if k not in cache]
    report = lambda done, total: step(BuildProgress("embedding", done, total, "chunks"))  # noqa: E731
    sentences: dict[str, np.ndarray] = {}
    if late:
        # New chunks of every changed file in one pass, so short files share batches; an unchanged
        # chunk runs too when it is the home of a sentence without a vector (an upgraded index's).
        # Only the changed files' sentences can lack a vector, unless an earlier format's were dropped.
        docs = None if upgrading else {chunks[i].doc for i in todo}
        homes = sentence_homes(chunks, lambda text: text not in cache.sentence_vectors, docs)
        by_index, sentences = late_vectors(chunks, todo, homes, model.embed_late, report)
        vectors = np.asarray([by_index[i] for i in todo], np.float32)
    else:
        # New chunks of every changed file in one batched pass, so short files share batches.
        _, vectors = vectors_for([passage(chunks[i]) for i in todo], EMPTY, model.embed_passages, model.dim, report,
                                 keep_duplicates=True)
    embedded = dict(zip((chunk_key(chunks[i]) for i in todo), vectors.reshape(-1, model.dim)))
    old = {chunk_key(c) for c in stored.chunks} if stored else set()
    borrowed = [k for k in dict.fromkeys(keys) if k in cache and k not in old]
    embedded.update(zip(borrowed, cache.vectors(borrowed, model.dim)))
    return embedded, sentences


def _late_chunking(model: Embedder) -> bool:
    """Does ``model`` give sentence vectors from their chunk's tokens (a MiniLM-like model)?"""
    can = getattr(model, "can_late_chunk", None)
    return bool(can and can())


def _tables(chunks: list[Chunk], sentences: list[str], fresh: dict[str, np.ndarray], cache: Cache, model: Embedder,
            step, parse: parsing.SharedParse | None, unparsed: bool) -> Tables:
    """Sentence vectors, phrase vectors, parses and word counts; only texts the earlier builds lack are computed.
    ``sentences``: the chunks' (:func:`sentence_texts`). ``fresh``: sentence vectors this build already
    has, by text: the chunks it embedded or borrowed (a one-sentence chunk's vector is its sentence's),
    and the late-chunked sentences and readings. ``parse``: the parse of those no earlier build
    parsed (:func:`_unparsed`), begun; None without a parser or when there are none. ``unparsed``:
    are there such sentences (without a parser, their parses are not stored: none is)."""
    # Only what no earlier build has and this build's chunks did not give is embedded alone here
    # (an unchanged chunk's sentences are in the old table already).
    known = _Known(cache.sentence_vectors, fresh)
    per_document, corpus, records = word_counts(chunks, cache.document_words)
    # A list's members, each read with what announces it, are compared with a question as sentences
    # (cartqa.reading.extractive): embedded on the fly, a long list's took ~0.4 s of a warm answer.
    readings = [r for record in records for r in record["readings"]]
    sentence_table = vectors_for([*sentences, *readings], known, model.embed_passages, model.dim,
                                 lambda done, total: step(BuildProgress("embedding", done, total, "sentences")))
    phrase_table = vectors_for(recorded_words(records), cache.phrase_vectors,
                               model.embed_passages, model.dim,
                               lambda done, total: step(BuildProgress("embedding", done, total, "words")))
    todo = len(parse.texts) if parse else 0
    step(BuildProgress("parsing", 0, todo, "sentences"))
    fresh_parses = dict(zip(parse.texts, (p.to_json() for p in parse.result()))) if parse else {}
    # Stored when every sentence has one: without a parser, new sentences have none.
    complete = parse is not None or not unparsed
    parses = parses_for(sentences, cache.parses, fresh_parses) if complete else {}
    step(BuildProgress("parsing", todo, todo, "sentences"))
    return Tables(sentence_table, phrase_table, parses, chunk_terms(chunks, cache.terms), per_document, corpus)


class _Known:
    """An old table and the build's fresh chunk vectors, looked up as one."""

    def __init__(self, table: VectorTable, extra: dict[str, np.ndarray]) -> None:
        self.table, self.extra = table, extra

    def __contains__(self, text: object) -> bool:
        return text in self.extra or text in self.table

    def get(self, text: str) -> np.ndarray | None:
        return self.extra[text] if text in self.extra else self.table.get(text)

    def rows(self, texts: Sequence[str], dim: int) -> np.ndarray:
        out = np.zeros((len(texts), dim), np.float32)
        stored = [n for n, t in enumerate(texts) if t not in self.extra]
        if stored:
            out[stored] = rows_of(self.table, [texts[n] for n in stored], dim)
        for n, t in enumerate(texts):
            if t in self.extra:
                out[n] = self.extra[t]
        return out


def _unparsed(sentences: list[str], old: Mapping[str, object]) -> list[str]:
    """The sentences, once each, that no earlier build parsed (or whose stored parse is cut short)."""
    return [t for t in dict.fromkeys(sentences) if not intact(old, t)]


def _keep(stored: StoredIndex | None, kept: set[str], files: list[CorpusFile]):
    """The unchanged files' chunks (their vectors stay in the old build's store) and entries."""
    chunks: list[Chunk] = []
    entries: dict[str, FileEntry] = {}
    if stored:
        chunks = [c for c in stored.chunks if c.doc in kept]
        for f in files:
            if f.doc in kept:
                old = stored.manifest.files[f.doc]
                entries[f.doc] = FileEntry(f.sha256, f.size, f.mtime_ns, old.chunks, old.error)
    return chunks, entries


def _read_and_chunk(file: CorpusFile, model: Embedder, settings: ChunkSettings) -> tuple[list[Chunk], str]:
    try:
        doc = read_document(file)
    except (CorpusError, OSError) as exc:
        log.warning("skipped %s", exc)
        return [], str(exc)
    return chunk_document(doc, settings.max_tokens, settings.overlap_sentences, _counter(model, doc.text)), ""


def _counter(model: Embedder, text: str) -> Callable[[str], int]:
    """``model.count_tokens``, with the sentences of ``text`` counted up front in one batch."""
    many = getattr(model, "count_tokens_many", None)
    if many is None:
        return model.count_tokens
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    counts = dict(zip(sentences, many(sentences)))
    return lambda t: counts[t] if t in counts else model.count_tokens(t)


def _with_files(manifest: Manifest, files: dict[str, FileEntry]) -> Manifest:
    return Manifest(**{**asdict(manifest), "files": files})


def is_stale(corpus_dir: str | Path, index_dir: str | Path) -> bool:
    """True when ``index_dir`` is missing, damaged or differs from the files in ``corpus_dir``.

    Cheap when nothing changed: files whose size and mtime match the manifest
    are not re-hashed.
    """
    return pending_changes(corpus_dir, index_dir) != 0


def pending_changes(corpus_dir: str | Path, index_dir: str | Path) -> int | None:
    """How many documents differ between ``corpus_dir`` and the index (added, changed or
    removed); None when there is no usable index (everything must be built)."""
    try:
        manifest = read_manifest(index_dir)
    except IndexFormatError:
        return None  # damaged: build_index rebuilds it
    if manifest is None:
        return None
    current = {f.doc: f.sha256 for f in scan_corpus(corpus_dir, known=manifest.files)}
    indexed = {doc: e.sha256 for doc, e in manifest.files.items()}
    return sum(current.get(d) != indexed.get(d) for d in current.keys() | indexed.keys())
