"""Read documents from the corpus folder: the I/O edge of ingestion.

Only reading and decoding happen here; cleaning is :mod:`cartqa.corpus.normalize`.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.md").write_text("# Title\\n\\nSee [INT](http://x).")
>>> [(f.doc, f.text) for f in load_corpus(d)]
[('a.md', 'Title\\n\\nSee INT.')]
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cartqa.corpus.normalize import normalize_text
from cartqa.errors import CorpusError

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class CorpusFile:
    """A corpus file on disk: relative path, size, mtime and SHA-256 of its bytes."""

    doc: str
    path: Path
    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True)
class Document:
    """A loaded document: its normalised text and where it came from."""

    doc: str
    text: str
    sha256: str


def scan_corpus(corpus_dir: str | Path, known: Mapping[str, Any] | None = None) -> list[CorpusFile]:
    """List supported files under ``corpus_dir`` (recursively, hidden files skipped).

    ``known`` maps a document to an entry with ``size``, ``mtime_ns`` and
    ``sha256`` from the last build: a file whose size and mtime match is not
    hashed again.
    """
    root = Path(corpus_dir)
    if not root.is_dir():
        raise CorpusError(f"Corpus folder not found: {root}. Create it and put .txt or .md files in it.")
    files = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        doc, stat = rel.as_posix(), path.stat()
        old = (known or {}).get(doc)
        same = old is not None and (old.size, old.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
        files.append(CorpusFile(doc, path, stat.st_size, stat.st_mtime_ns, old.sha256 if same else _sha256(path)))
    return files


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_document(file: CorpusFile) -> Document:
    """Decode and normalise one file; raises :class:`CorpusError` naming the file."""
    data = file.path.read_bytes()
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            raw = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{file.doc}: not UTF-8 or Windows-1252 text ({exc.reason})") from exc
    if "\x00" in raw:
        raise CorpusError(f"{file.doc}: looks like a binary file, not text")
    if file.path.suffix.lower() == ".md":
        raw = strip_markdown(raw)
    return Document(doc=file.doc, text=normalize_text(raw), sha256=file.sha256)


def load_corpus(corpus_dir: str | Path) -> list[Document]:
    """Every readable document in ``corpus_dir``; unreadable ones are logged and skipped."""
    docs = []
    for file in scan_corpus(corpus_dir):
        try:
            docs.append(read_document(file))
        except CorpusError as exc:
            log.warning("skipped %s", exc)
    return docs


def strip_markdown(text: str) -> str:
    """Drop Markdown markup that would pollute passages, keeping the words."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.M)
    text = re.sub(r"^\s*[-*+]\s+", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    return text
