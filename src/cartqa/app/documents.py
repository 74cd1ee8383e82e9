"""The corpus as the chat's Documents panel sees it: list, read, add and delete documents,
safely. The I/O edge of the app.

Reading goes only to files the index lists and that resolve inside the corpus folder;
an upload gets a plain name that cannot leave the folder and is written atomically
(a hidden temp file, then ``os.replace``), so a crash leaves no half file to index.

>>> safe_name("../../etc/passwd.txt"), safe_name("C:\\\\x\\\\Report (v2).md"), safe_name(".hidden.txt")
('passwd.txt', 'Report (v2).md', 'hidden.txt')
"""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from cartqa.corpus import loaders
from cartqa.errors import CartqaError, InputError
from cartqa.index.store import read_manifest

DEFAULT_MAX_UPLOAD_MB = 50


@dataclass(frozen=True)
class DocumentInfo:
    """One row of the Documents panel."""

    name: str
    kind: str
    size: int
    chunks: int
    indexed: str
    error: str = ""


def max_upload_bytes() -> int:
    """``$CARTQA_MAX_UPLOAD_MB`` (default 50) in bytes."""
    raw = os.environ.get("CARTQA_MAX_UPLOAD_MB") or str(DEFAULT_MAX_UPLOAD_MB)
    try:
        mb = float(raw)
    except ValueError as exc:
        raise InputError(f"CARTQA_MAX_UPLOAD_MB must be a number of megabytes. Currently, it is {raw!r}") from exc
    return int(mb * 1024 * 1024)


def supported_suffixes() -> tuple[str, ...]:
    """The file types the loaders read (read at call time: the list grows with the loaders)."""
    return tuple(loaders.SUPPORTED_SUFFIXES)


def list_documents(index_dir: str | Path) -> list[DocumentInfo]:
    """The documents the index lists, from its manifest (no model, no corpus scan)."""
    manifest = read_manifest(index_dir)
    if manifest is None:
        return []
    return [DocumentInfo(name, Path(name).suffix.lstrip(".").upper() or "?", e.size, e.chunks, manifest.built_at,
                         e.error) for name, e in sorted(manifest.files.items())]


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def indexed_path(corpus_dir: str | Path, index_dir: str | Path, doc: str) -> Path:
    """The file of ``doc`` if the index lists it and it lies inside the corpus, else :class:`InputError`."""
    manifest = read_manifest(index_dir)
    if manifest is None or doc not in manifest.files:
        raise InputError(f"{doc!r} is not an indexed document.")
    root = Path(corpus_dir)
    path = root / doc
    if Path(doc).is_absolute() or ".." in Path(doc).parts or not _inside(path, root) or not path.is_file():
        raise InputError(f"{doc!r} is not in the corpus folder any more.")
    return path


def document_text(corpus_dir: str | Path, index_dir: str | Path, doc: str) -> str:
    """The document's text as the index read it (chunk offsets point into it)."""
    path = indexed_path(corpus_dir, index_dir, doc)
    manifest = read_manifest(index_dir)
    files = loaders.scan_corpus(corpus_dir, known=manifest.files if manifest else None)
    file = next((f for f in files if f.doc == doc and f.path.resolve() == path.resolve()), None)
    if file is None:
        raise InputError(f"{doc!r} is not in the corpus folder any more.")
    return loaders.read_document(file).text


def safe_name(filename: str) -> str:
    """A plain file name from whatever a browser sent: no folders, no leading dot, no control
    or shell-special characters; raises :class:`InputError` when nothing usable is left."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", filename or ""))[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base)
    base = re.sub(r"[^\w .,()+@=-]", "_", base).strip(" .")
    base = base.lstrip(".-_ ")
    stem, suffix = os.path.splitext(base)
    if not stem or len(base) > 160:
        raise InputError(f"{filename[:80]!r} is not a usable file name; rename the file and upload it again.")
    return base


def check_upload(filename: str, size: int) -> str:
    """The name to save an upload as, after checking its type and size."""
    name = safe_name(filename)
    suffix = Path(name).suffix.lower()
    kinds = supported_suffixes()
    if suffix not in kinds:
        raise InputError(f"{name}: {suffix or 'no extension'} files are not supported; use {', '.join(kinds)}.")
    limit = max_upload_bytes()
    if size > limit:
        raise InputError(f"{name} is {size / 1048576:.1f} MB; the limit is {limit / 1048576:.0f} MB.")
    if size == 0:
        raise InputError(f"{name} is empty.")
    return name


def save_upload(corpus_dir: str | Path, source: str | Path, filename: str) -> str:
    """Copy an uploaded file into the corpus under a safe name, atomically; returns the name.

    Never replaces a document: uploading a name that exists is an error that loses nothing.
    """
    src = Path(source)
    name = check_upload(filename, src.stat().st_size)
    root = Path(corpus_dir)
    target = root / name
    if not _inside(target, root):  # belt and braces: safe_name already keeps it in
        raise InputError(f"{name}: not a name inside the corpus folder.")
    if target.exists() or target.is_symlink():
        raise InputError(f"A document named {name} already exists; delete it first or rename the file.")
    tmp = root / f".upload-{uuid.uuid4().hex}.tmp"  # hidden: the corpus scan skips it
    try:
        with open(src, "rb") as fin, open(tmp, "xb") as fout:
            shutil.copyfileobj(fin, fout)
            fout.flush()
            os.fsync(fout.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return name


def delete_document(corpus_dir: str | Path, index_dir: str | Path, doc: str) -> None:
    """Remove an indexed document's file from the corpus (a symlink itself, never its target)."""
    root = Path(corpus_dir)
    manifest = read_manifest(index_dir)
    path = root / doc
    if manifest is None or doc not in manifest.files:
        raise InputError(f"{doc!r} is not an indexed document.")
    if Path(doc).is_absolute() or ".." in Path(doc).parts or not _inside(path.parent, root):
        raise InputError(f"{doc!r} is not in the corpus folder.")
    try:
        path.unlink()
    except FileNotFoundError:
        pass  # already gone: the rebuild drops it from the index
    except OSError as exc:
        raise CartqaError(f"Could not delete {doc}: {exc.strerror}") from exc
