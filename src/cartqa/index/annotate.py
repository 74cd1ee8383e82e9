"""What a question needs beyond chunk vectors, computed at build time: sentence vectors,
word vectors, sentence parses, the corpus's word counts.

Everything is keyed by its text, so a build computes only what the previous build did
not already hold (an unchanged file adds nothing), and a new process loads the tables
instead of recomputing them. The sentences are those the reader sees: the documents
rebuilt from their chunks (as :class:`cartqa.reading.grounding.CorpusView` does), split
by :func:`cartqa.corpus.sentences.sentence_spans`.

>>> from cartqa.records import Chunk
>>> sentence_texts([Chunk("d", "INT has 464 beds. It opened", 0, 27), Chunk("d", "in 1928.", 28, 36)])
['INT has 464 beds.', 'It opened\\nin 1928.']
>>> warm_words(["INT has 464 beds."])
['464', 'beds', 'has', 'int']
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from cartqa.corpus.chunking import documents, passage
from cartqa.corpus.enumerations import list_readings
from cartqa.corpus.sentences import sentence_spans
from cartqa.corpus.text import terms, word_forms
from cartqa.corpus.wordstats import DocumentWords, merge, of_document
from cartqa.index.tables import Picked, intact, rows_of
from cartqa.records import BuildProgress, Chunk

# A reader without stored vectors warms this many of the corpus's words at load (sorted).
MAX_WARMED = 5_000
# The build stores them all, up to this many: a word a question is compared with but missing from
# the table costs a model call while answering (at 100 documents, the first 5,000 alone left 27,000
# out, and embedding them question by question was three quarters of a warm answer's time).
MAX_STORED = 2_000_000
# Sentences embedded per call, so progress moves and memory stays flat.
BATCH = 256


@dataclass(frozen=True)
class Tables:
    """The build's text-keyed tables (see :mod:`cartqa.index.tables`)."""

    sentences: tuple[list[str], np.ndarray]
    phrases: tuple[list[str], np.ndarray]
    parses: Mapping[str, object]
    chunk_terms: list[list[str]] = field(default_factory=list)  # BM25's terms of chunk i
    document_words: Mapping[str, dict] = field(default_factory=dict)  # a document's text hash -> its word counts
    corpus_words: dict | None = None  # their sum (cartqa.corpus.wordstats.CorpusWords), as JSON


def chunk_terms(chunks: Sequence[Chunk], old: Mapping[str, list[str]]) -> list[list[str]]:
    """The stemmed content words of each chunk with its context (what BM25 indexes), reusing ``old``
    (:func:`~cartqa.corpus.chunking.passage` -> terms)."""
    read = [passage(c) for c in chunks]
    return [old[p] if p in old else terms(p) for p in read]


def word_counts(chunks: Iterable[Chunk], old: Mapping[str, dict]) -> tuple[Picked, dict, list[dict]]:
    """Each document's record, by a hash of its chunks, reusing ``old`` (hash -> record): its word
    counts (:func:`cartqa.corpus.wordstats.of_document`), its word forms (``forms``: what
    :func:`warm_words` takes from its sentences) and its sentences' list readings (``readings``);
    the counts' sum in corpus order, as JSON; and the records in document order.

    An unchanged document's forms and readings are read, not worked out again: over every corpus
    sentence they took ~2.5 s of a changed file's ~6 s at 1,000 documents.

    >>> from cartqa.records import Chunk
    >>> per_document, corpus, records = word_counts([Chunk("d", "INT has 464 beds.", 0, 17)], {})
    >>> records[0]["vocabulary"], records[0]["forms"], corpus["sentences"], corpus["written"]
    ('464 beds has int', '464 beds has int', 1, ['beds', '', 'int'])
    """
    chunks = list(chunks)
    parts: dict[str, list[Chunk]] = {}
    for c in chunks:
        parts.setdefault(c.doc, []).append(c)
    fresh: dict[str, dict] = {}  # the records worked out now; a kept one is written as stored
    keys: list[str] = []
    records: list[dict] = []
    for doc, text in documents(chunks).items():
        # the chunks make the document's text, its sentences and the words the Italian reader sees
        key = hashlib.sha256(json.dumps([[c.start, c.end, c.text] for c in parts[doc]]).encode()).hexdigest()
        record = fresh[key] if key in fresh else old[key] if intact(old, key) else None
        if record is None or "forms" not in record:  # new, or kept by a build before forms were
            sentences = [text[s:e] for s, e in sentence_spans(text)]
            record = fresh[key] = {**(record or of_document(sentences, [c.text for c in parts[doc]]).to_json()),
                                   "forms": " ".join(sorted({f for s in sentences for f in word_forms(s)})),
                                   "readings": [r for s in sentences for r in list_readings(s)]}
        keys.append(key)
        records.append(record)  # two copies of a text count twice
    return Picked(keys, fresh, old), merge([DocumentWords.from_json(r) for r in records]).to_json(), records


def sentence_texts(chunks: Iterable[Chunk]) -> list[str]:
    """Every sentence of the documents the chunks make up, in document order."""
    return [text[s:e] for text in documents(chunks).values() for s, e in sentence_spans(text)]


def warm_words(sentences: Iterable[str]) -> list[str]:
    """The words of ``sentences`` the reader compares by meaning (sorted, at most :data:`MAX_STORED`)."""
    found: set[str] = set()
    for s in set(sentences):
        found |= word_forms(s)
    return sorted(found)[:MAX_STORED]


def recorded_words(records: Iterable[dict]) -> list[str]:
    """:func:`warm_words` of the corpus, from its documents' records (:func:`word_counts`)."""
    found: set[str] = set()
    for r in records:
        found.update(r["forms"].split())
    return sorted(found)[:MAX_STORED]


def vectors_for(texts: list[str], old, embed: Callable[[list[str]], np.ndarray], dim: int,
                step: Callable[[int, int], None] = lambda done, total: None,
                keep_duplicates: bool = False) -> tuple[list[str], np.ndarray]:
    """``texts`` and their vectors: reused from ``old`` (a :class:`VectorTable` or anything with
    ``in`` and ``get``) where present, else embedded in batches of similar length (less padding).
    Duplicates are dropped unless ``keep_duplicates`` (chunk rows must match chunks one to one)."""
    keys = list(texts) if keep_duplicates else list(dict.fromkeys(texts))
    missing = sorted({t for t in keys if t not in old}, key=len)
    fresh: dict[str, np.ndarray] = {}
    for i in range(0, len(missing), BATCH):
        step(i, len(missing))
        batch = missing[i:i + BATCH]
        fresh.update(zip(batch, embed(batch)))
    step(len(missing), len(missing))
    matrix = np.zeros((len(keys), dim), np.float32)
    kept = [i for i, t in enumerate(keys) if t not in fresh]
    # Read together (one at a time took ~0.5 s of a changed file's build at 1,000 documents), a
    # block at a time so no second copy of a large table is held.
    for b in range(0, len(kept), BATCH * 16):
        block = kept[b:b + BATCH * 16]
        matrix[block] = rows_of(old, [keys[i] for i in block], dim)
    for i, t in enumerate(keys):
        if t in fresh:
            matrix[i] = fresh[t]
    return keys, matrix


def parses_for(sentences: list[str], old: Mapping[str, object], fresh: Mapping[str, object]) -> Picked:
    """Each sentence's stored parse: ``fresh`` (this build's) where it has one, else ``old``'s
    (copied as stored when written: :class:`~cartqa.index.tables.Picked`).

    >>> dict(parses_for(["A.", "B.", "A."], {"A.": "old"}, {"B.": "new"}))
    {'A.': 'old', 'B.': 'new'}
    """
    return Picked(sentences, fresh, old)
