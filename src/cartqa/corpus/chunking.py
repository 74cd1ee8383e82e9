"""Sentence-aware chunks, sized in the embedding model's tokens, with overlap.

>>> text = "One two three. Four five six. Seven eight nine."
>>> [c.text for c in chunk_text("d.txt", text, max_tokens=6, overlap=1, count_tokens=lambda s: len(s.split()))]
['One two three. Four five six.', 'Four five six. Seven eight nine.']
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from cartqa.corpus.headings import Headings
from cartqa.corpus.sentences import sentence_spans
from cartqa.lazy import LazyMapping
from cartqa.records import Chunk

if TYPE_CHECKING:
    from cartqa.corpus.loaders import Document


@dataclass(frozen=True)
class ChunkSettings:
    """How documents are cut; stored in the index manifest so a change forces a rebuild."""

    max_tokens: int = 128
    overlap_sentences: int = 1
    # Bumped when the chunking algorithm changes, so old indexes are rebuilt.
    # 3: a sentence longer than max_tokens is cut at words, so no chunk passes the embedder's limit.
    # 4: chunks carry their location and stay inside one page or section.
    # 5: chunks carry their document's title and heading (``Chunk.context``), embedded and indexed with them.
    # 6: a table's rows stay rows (cartqa.corpus.tabular): the text of documents with tables changed.
    # 7: a record's "Name: value" lines are paragraphs (cartqa.corpus.fields), a table's header names its
    #    cells, initials ("R.A.") end no sentence, and a line's edge spaces no longer double a space.
    # 8: a bulleted list's items keep their lines, without their bullets (cartqa.corpus.bullets).
    # 9: a Word table's cells named by grid position; fields need a capital or ":Name:" on most lines;
    #    a simple table's header only under "=" rules.
    # 10: a web address glued to a sentence's end starts a sentence of its own ("party.http://…").
    algorithm: int = 10

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
    single sentence longer than the budget is cut at words into pieces that fit
    (whose spans meet, so the document's text is still covered without gaps).
    """
    spans, sizes = _fitted(text, sentence_spans(text), max_tokens, count_tokens)
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
    """:func:`chunk_text` over a loaded document, each chunk with its ``location`` and ``context``.

    Pages and sections are chunked one by one, so a chunk's location is its only
    one; in flowing text (paragraphs of a text file) a chunk is located where it starts.
    """
    sections = document.sections
    if document.flowing or not sections:
        starts = [s.start for s in sections]
        chunks = [replace(c, location=sections[bisect.bisect_right(starts, c.start) - 1].location if sections else "")
                  for c in chunk_text(document.doc, document.text, max_tokens, overlap, count_tokens)]
    else:
        chunks = []
        for section in sections:
            for c in chunk_text(document.doc, document.text[section.start:section.end], max_tokens, overlap,
                                count_tokens):
                chunks.append(Chunk(c.doc, c.text, c.start + section.start, c.end + section.start, section.location))
    return with_context(chunks, Headings.of(document.text))


def with_context(chunks: list[Chunk], headings: Headings) -> list[Chunk]:
    """Each chunk with the title and heading it sits under that it does not write itself.

    A passage deep in an article ("He was born in Ulm.") rarely names the article's subject:
    with its title, BM25 and the embedder see who it is about. On the development sets the
    evidence's chunk came in the top 3 more often with it: datasets 76 -> 92%, news 80-87 ->
    81-90%, wiki 77-90 -> 78-91%.

    >>> text = "Linnerrud dataset\\n\\nHistory\\n\\nIt was collected in 1980."
    >>> [c.context for c in with_context([Chunk("d", text[28:], 28, 53), Chunk("d", text, 0, 53)], Headings.of(text))]
    ['Linnerrud dataset / History', '']
    """
    return [replace(c, context=" / ".join(h for h in headings.over(c.start) if h not in c.text)) for c in chunks]


def passage(chunk: Chunk) -> str:
    """What retrieval reads of a chunk, embedded and indexed by BM25: its context line, then its text.

    >>> passage(Chunk("d", "It was collected in 1980.", 28, 53, context="Linnerrud dataset / History"))
    'Linnerrud dataset / History\\nIt was collected in 1980.'
    """
    return f"{chunk.context}\n{chunk.text}" if chunk.context else chunk.text


def _fitted(text: str, spans: list[tuple[int, int]], max_tokens: int,
            count_tokens: Callable[[str], int]) -> tuple[list[tuple[int, int]], list[int]]:
    """``spans`` with any longer than ``max_tokens`` cut into pieces that fit, and their sizes.

    >>> text = "a b c d e. f."
    >>> _fitted(text, [(0, 10), (11, 13)], 2, lambda s: len(s.split()))
    ([(0, 3), (3, 7), (7, 10), (11, 13)], [2, 2, 1, 1])
    """
    out: list[tuple[int, int]] = []
    sizes: list[int] = []
    for s, e in spans:
        n = count_tokens(text[s:e])
        if n <= max_tokens:
            out.append((s, e))
            sizes.append(n)
            continue
        for piece in _pieces(text, s, e, max_tokens, count_tokens):
            out.append(piece)
            sizes.append(count_tokens(text[piece[0]:piece[1]]))
    return out, sizes


def _pieces(text: str, s: int, e: int, max_tokens: int, count_tokens: Callable[[str], int]) -> list[tuple[int, int]]:
    """Word-aligned pieces of ``text[s:e]``, each starting where the last ended (on its space).

    >>> _pieces("aaaa b c", 0, 8, 2, len)   # a word longer than the budget is cut by characters
    [(0, 1), (1, 2), (2, 3), (3, 4), (4, 8)]
    """
    pieces: list[tuple[int, int]] = []
    start, end, used = s, s, 0  # the piece so far is text[start:end], ``used`` tokens
    for m in re.finditer(r"\S+", text[s:e]):
        w_start, w_end = s + m.start(), s + m.end()
        cost = count_tokens(m.group())
        if used and used + cost > max_tokens:
            pieces.append((start, end))
            start, used = end, 0
        if cost > max_tokens:  # one huge "word" (a URL, a table row): cut it by characters
            width = max(1, (w_end - w_start) * max_tokens // (2 * cost))
            for a in range(w_start, w_end, width):
                pieces.append((start, min(a + width, w_end)))
                start = min(a + width, w_end)
            end, used = start, 0
            continue
        used += cost
        end = w_end
    if end > start:
        pieces.append((start, end))
    return pieces


def documents(chunks: Iterable[Chunk]) -> dict[str, str]:
    """Each document's normalised text rebuilt from its (overlapping) chunks: chunking undone.

    Gaps between chunks are inter-sentence whitespace; a newline keeps a paragraph
    break (two characters) from fusing two paragraphs.

    >>> documents([Chunk("d", "One two.", 0, 8), Chunk("d", "Three.", 10, 16)])
    {'d': 'One two.\\n\\nThree.'}
    """
    return dict(document_texts(chunks).items())


def document_texts(chunks: Iterable[Chunk]) -> LazyMapping[str, str]:
    """:func:`documents`, each rebuilt when first asked for: a question reads a few documents, and
    rebuilding all of them at load took ~0.1 s at 1,000 documents.

    >>> texts = document_texts([Chunk("d", "One two. Three", 0, 14), Chunk("d", "Three four.", 9, 20)])
    >>> texts["d"], list(texts), "e" in texts
    ('One two. Three four.', ['d'], False)
    """
    parts: dict[str, list[Chunk]] = {}
    for c in chunks:
        parts.setdefault(c.doc, []).append(c)
    return LazyMapping(parts, lambda doc: _rebuilt(parts[doc]))


def _rebuilt(parts: list[Chunk]) -> str:
    """One document's text from its chunks (in any order; overlaps hold the same text)."""
    out: list[str] = []
    end = 0
    for c in sorted(parts, key=lambda c: c.start):
        if c.end <= end:
            continue
        if c.start >= end:
            out.append("\n" * (c.start - end))
            out.append(c.text)
        else:
            out.append(c.text[end - c.start:])
        end = c.end
    return "".join(out)
