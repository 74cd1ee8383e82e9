"""Sentence-aware chunks, sized in the embedding model's tokens, with overlap.

>>> text = "One two three. Four five six. Seven eight nine."
>>> [c.text for c in chunk_text("d.txt", text, max_tokens=6, overlap=1, count_tokens=lambda s: len(s.split()))]
['One two three. Four five six.', 'Four five six. Seven eight nine.']
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from cartqa.corpus.sentences import sentence_spans
from cartqa.records import Chunk

if TYPE_CHECKING:
    from cartqa.corpus.loaders import Document


@dataclass(frozen=True)
class ChunkSettings:
    """How documents are cut; stored in the index manifest so a change forces a rebuild."""

    max_tokens: int = 128
    overlap_sentences: int = 1
    # Bumped when the chunking algorithm changes, so old indexes are rebuilt.
    # 3: chunks carry their location and stay inside one page or section.
    algorithm: int = 3

    def __post_init__(self) -> None:
        if self.max_tokens < 8:
            raise ValueError(f"max_tokens must be at least 8. Currently, it is {self.max_tokens}")
        if self.overlap_sentences < 0:
            raise ValueError(f"overlap_sentences must be >= 0. Currently, it is {self.overlap_sentences}")


def chunk_text(
    doc: str,
    text: str,
    max_tokens: int,
    overlap: int,
    count_tokens: Callable[[str], int],
) -> list[Chunk]:
    """Group whole sentences into chunks of at most ``max_tokens`` tokens.

    Consecutive chunks share ``overlap`` sentences, so a sentence that refers
    back ("The Hospital ...") usually sits beside the one it refers to. A
    single sentence longer than the budget becomes a chunk of its own (the
    embedder truncates it; BM25 still sees all of it).
    """
    spans = sentence_spans(text)
    sizes = [count_tokens(text[s:e]) for s, e in spans]
    chunks: list[Chunk] = []
    i = 0
    while i < len(spans):
        j, used = i, 0
        while j < len(spans) and (j == i or used + sizes[j] <= max_tokens):
            used += sizes[j]
            j += 1
        start, end = spans[i][0], spans[j - 1][1]
        chunks.append(Chunk(doc=doc, text=text[start:end], start=start, end=end))
        if j >= len(spans):
            break
        # Step back by the overlap, but only as far as still leaves room for the next
        # new sentence: otherwise a chunk would repeat the previous one's tail alone.
        nxt = max(i + 1, j - overlap)
        while nxt < j and sum(sizes[nxt:j + 1]) > max_tokens:
            nxt += 1
        i = nxt
    return chunks


def chunk_document(document: Document, max_tokens: int, overlap: int,
                   count_tokens: Callable[[str], int]) -> list[Chunk]:
    """:func:`chunk_text` over a loaded document, each chunk with its ``location``.

    Pages and sections are chunked one by one, so a chunk's location is its only
    one; in flowing text (paragraphs of a text file) a chunk is located where it starts.
    """
    sections = document.sections
    if document.flowing or not sections:
        starts = [s.start for s in sections]
        return [replace(c, location=sections[bisect.bisect_right(starts, c.start) - 1].location if sections else "")
                for c in chunk_text(document.doc, document.text, max_tokens, overlap, count_tokens)]
    chunks = []
    for section in sections:
        for c in chunk_text(document.doc, document.text[section.start:section.end], max_tokens, overlap, count_tokens):
            chunks.append(Chunk(c.doc, c.text, c.start + section.start, c.end + section.start, section.location))
    return chunks
