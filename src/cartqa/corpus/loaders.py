"""Read documents from the corpus folder: the I/O edge of ingestion.

Only listing, reading and decoding happen here: each format is read by
:mod:`cartqa.corpus.formats`, and its text cleaned by :mod:`cartqa.corpus.normalize`.
A link that leaves the corpus folder is never followed; it is listed as skipped,
with every file of a type cartqa does not read.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a.md").write_text("# Title\\n\\nSee [INT](http://x).")
>>> _ = (d / "b.xlsx").write_bytes(b"PK")
>>> scan = scan_folder(d)
>>> [(doc.doc, doc.text, doc.sections) for doc in map(read_document, scan.files)], scan.skipped
([('a.md', 'Title\\n\\nSee INT.', (Section(start=0, end=15, location='Title'),))], ('b.xlsx: unsupported file type .xlsx',))
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cartqa.corpus.formats import SUPPORTED_SUFFIXES, extract
from cartqa.corpus.normalize import normalize_text
from cartqa.errors import CorpusError

log = logging.getLogger(__name__)

__all__ = ["SUPPORTED_SUFFIXES", "CorpusFile", "CorpusScan", "Document", "Section", "load_corpus",
           "read_document", "scan_corpus", "scan_folder"]


@dataclass(frozen=True)
class CorpusFile:
    """A corpus file on disk: relative path, size, mtime and SHA-256 of its bytes."""

    doc: str
    path: Path
    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True)
class CorpusScan:
    """The readable files of a corpus folder, and what was left out: ``"name: reason"`` lines."""

    files: list[CorpusFile]
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """Where a stretch ``[start, end)`` of a document's normalised text is: "p. 4", a heading, "line 12"."""

    start: int
    end: int
    location: str


@dataclass(frozen=True)
class Document:
    """A loaded document: its normalised text, where it came from, and where each part of it is.

    ``flowing``: the sections are paragraphs of one running text, which a chunk may
    straddle; otherwise (pages, sections under headings) a chunk stays inside one.
    """

    doc: str
    text: str
    sha256: str
    sections: tuple[Section, ...] = ()
    flowing: bool = True


def scan_folder(corpus_dir: str | Path, known: Mapping[str, Any] | None = None) -> CorpusScan:
    """List the readable files under ``corpus_dir`` (recursively, hidden files ignored).

    Files of an unsupported type, links that leave the folder and anything else
    not read are listed in ``skipped`` with the reason. ``known`` maps a document
    to an entry with ``size``, ``mtime_ns`` and ``sha256`` from the last build: a
    file whose size and mtime match is not hashed again.
    """
    root = Path(corpus_dir)
    if not root.is_dir():
        raise CorpusError(f"Corpus folder not found: {root}. Create it and put documents in it "
                          f"({', '.join(SUPPORTED_SUFFIXES)}).")
    files, skipped = [], []
    for doc, path, reason in sorted(_walk(root)):
        if reason:
            skipped.append(f"{doc}: {reason}")
            continue
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            skipped.append(f"{doc}: unsupported file type {path.suffix or '(none)'}")
            continue
        stat = path.stat()
        old = (known or {}).get(doc)
        same = old is not None and (old.size, old.mtime_ns) == (stat.st_size, stat.st_mtime_ns)
        files.append(CorpusFile(doc, path, stat.st_size, stat.st_mtime_ns, old.sha256 if same else _sha256(path)))
    return CorpusScan(files, tuple(skipped))


def scan_corpus(corpus_dir: str | Path, known: Mapping[str, Any] | None = None) -> list[CorpusFile]:
    """The readable files of :func:`scan_folder`."""
    return scan_folder(corpus_dir, known).files


def _walk(root: Path) -> Iterator[tuple[str, Path, str]]:
    """``(doc, path, reason not read or "")`` of every non-hidden file under ``root``.

    A link is followed only when its target is a file inside the folder (so it is
    read once, under the link's name); a link to a folder is not descended (its
    files, if inside, are read where they are), so links can never loop.
    """
    home = root.resolve()
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            yield Path(folder).relative_to(root).as_posix(), Path(folder), f"unreadable folder ({exc.strerror})"
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            doc = path.relative_to(root).as_posix()
            if entry.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(home):
                    yield doc, path, "a link to a file outside the corpus folder, not followed"
                elif target.is_dir():
                    yield doc, path, "a link to a folder, not followed (files inside the corpus are read where they are)"
                elif not target.is_file():
                    yield doc, path, "a broken link"
                else:
                    yield doc, target, ""
            elif entry.is_dir(follow_symlinks=False):
                folders.append(path)
            elif entry.is_file(follow_symlinks=False):
                yield doc, path, ""
            else:
                yield doc, path, "not a regular file"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_document(file: CorpusFile) -> Document:
    """Read, decode and normalise one file; raises :class:`CorpusError` naming the file.

    Each located part is normalised alone, and parts are joined by a paragraph
    break, so no sentence runs from one page or section into the next.
    """
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{file.doc}: unreadable ({exc.strerror or exc})") from exc
    extracted = extract(data, file.path.suffix, file.doc)
    pieces: list[str] = []
    sections: list[Section] = []
    at = 0
    for part in extracted.parts:
        text = normalize_text(part.text)
        if not text:
            continue
        if pieces:
            at += 2  # the "\n\n" joining it to the previous part
        pieces.append(text)
        sections.append(Section(at, at + len(text), part.location))
        at += len(text)
    return Document(doc=file.doc, text="\n\n".join(pieces), sha256=file.sha256,
                    sections=tuple(sections), flowing=extracted.flowing)


def load_corpus(corpus_dir: str | Path) -> list[Document]:
    """Every readable document in ``corpus_dir``; unreadable ones are logged and skipped."""
    docs = []
    for file in scan_corpus(corpus_dir):
        try:
            docs.append(read_document(file))
        except CorpusError as exc:
            log.warning("skipped %s", exc)
    return docs
