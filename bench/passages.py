"""The peers' passages: whole sentences grouped up to a word budget, one sentence of overlap.

Standard library only, so every peer's environment imports it as it is. It mirrors cartqa's
chunking (``cartqa.corpus.chunking.chunk_text``: whole sentences, at most 128 MiniLM tokens,
consecutive chunks share one sentence) with words for tokens: about 1.3 MiniLM tokens a word
in English prose, so 96 words stay within MiniLM's 128-token budget on most passages.

>>> passages("One two three. Four five six. Seven eight nine.", max_words=6)
['One two three. Four five six.', 'Four five six. Seven eight nine.']
"""

from __future__ import annotations

import re
from pathlib import Path

MAX_WORDS = 96
SUFFIXES = (".txt", ".md")
_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9])|\n\s*\n")


def sentences(text: str, max_words: int = MAX_WORDS) -> list[str]:
    """Sentences (and paragraph ends), a sentence longer than ``max_words`` cut at words."""
    out: list[str] = []
    for s in _BREAK.split(text):
        words = s.split()
        for i in range(0, len(words), max_words):
            out.append(" ".join(words[i:i + max_words]))
    return [s for s in out if s]


def passages(text: str, max_words: int = MAX_WORDS, overlap: int = 1) -> list[str]:
    """Consecutive sentences up to ``max_words`` words; neighbours share ``overlap`` sentences."""
    sents = sentences(text, max_words)
    sizes = [len(s.split()) for s in sents]
    out: list[str] = []
    i = 0
    while i < len(sents):
        j, used = i, 0
        while j < len(sents) and (j == i or used + sizes[j] <= max_words):
            used += sizes[j]
            j += 1
        out.append(" ".join(sents[i:j]))
        if j >= len(sents):
            break
        # Step back by the overlap only while the next passage still gains a new sentence.
        nxt = max(i + 1, j - overlap)
        while nxt < j and sum(sizes[nxt:j + 1]) > max_words:
            nxt += 1
        i = nxt
    return out


def read_corpus(folder: Path, max_words: int = MAX_WORDS) -> list[tuple[str, str]]:
    """``(file name, passage)`` for every text document in ``folder``, in name order."""
    out = []
    for path in sorted(folder.iterdir()):
        if path.suffix in SUFFIXES and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            out += [(path.name, p) for p in passages(text, max_words)]
    return out
