"""The Documents panel's file edge: uploads get a safe name and land atomically, only
indexed files inside the corpus are read or deleted, types come from the loaders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cartqa import build_index
from cartqa.app import documents
from cartqa.corpus import loaders
from cartqa.errors import InputError


@pytest.fixture
def indexed(tiny_corpus: Path, tmp_path: Path) -> tuple[Path, Path]:
    index = tmp_path / "index"
    build_index(tiny_corpus, index, embedder="hash")
    return tiny_corpus, index


@pytest.mark.parametrize(("sent", "saved"), [
    ("notes.txt", "notes.txt"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\win.md", "win.md"),
    (".bashrc.txt", "bashrc.txt"),
    ("a\x00b\x07c.txt", "abc.txt"),
    ("<img src=x onerror=alert(1)>.txt", "img src=x onerror=alert(1)_.txt"),
    ("Relazione è già.md", "Relazione è già.md"),
])
def test_upload_names_cannot_leave_the_corpus(sent, saved):
    assert documents.safe_name(sent) == saved


@pytest.mark.parametrize("sent", ["", "..", "/", ".txt", "\x00", "notes"])
def test_unusable_names_are_refused(sent):
    with pytest.raises(InputError):
        documents.check_upload(sent, 10)


def test_types_are_the_loaders_own(monkeypatch):
    with pytest.raises(InputError, match=r"\.exe files are not supported; use \.txt, \.md"):
        documents.check_upload("tool.exe", 10)
    monkeypatch.setattr(loaders, "SUPPORTED_SUFFIXES", (*loaders.SUPPORTED_SUFFIXES, ".pdf"))
    assert documents.check_upload("report.PDF", 10) == "report.PDF"


def test_size_is_checked(monkeypatch):
    monkeypatch.setenv("CARTQA_MAX_UPLOAD_MB", "0.001")
    with pytest.raises(InputError, match="the limit is"):
        documents.check_upload("big.txt", 5000)
    with pytest.raises(InputError, match="empty"):
        documents.check_upload("none.txt", 0)
    monkeypatch.setenv("CARTQA_MAX_UPLOAD_MB", "lots")
    with pytest.raises(InputError, match="CARTQA_MAX_UPLOAD_MB"):
        documents.max_upload_bytes()


def test_upload_is_written_whole_and_never_replaces(tiny_corpus, tmp_path):
    src = tmp_path / "upload" / "ferry.txt"
    src.parent.mkdir()
    src.write_text("The Bellagio ferry was launched in 1911.", encoding="utf-8")
    assert documents.save_upload(tiny_corpus, src, "../ferry.txt") == "ferry.txt"
    assert (tiny_corpus / "ferry.txt").read_text(encoding="utf-8") == src.read_text(encoding="utf-8")
    assert not [p for p in tiny_corpus.iterdir() if p.name.startswith(".")]  # no temp file left
    src.write_text("something else", encoding="utf-8")
    with pytest.raises(InputError, match="already exists"):
        documents.save_upload(tiny_corpus, src, "ferry.txt")
    assert "Bellagio" in (tiny_corpus / "ferry.txt").read_text(encoding="utf-8")


def test_listing_comes_from_the_manifest(indexed):
    corpus, index = indexed
    rows = {d.name: d for d in documents.list_documents(index)}
    assert set(rows) == {"int.txt", "ieo.md"}
    assert rows["ieo.md"].kind == "MD" and rows["int.txt"].chunks >= 1 and rows["int.txt"].size > 0
    assert rows["int.txt"].indexed


def test_reading_is_the_indexed_text(indexed):
    corpus, index = indexed
    text = documents.document_text(corpus, index, "ieo.md")
    assert "Women Cancer Center opened in 2008" in text and "**" not in text  # as indexed: markup gone


@pytest.mark.parametrize("doc", ["../index/manifest.json", "/etc/passwd", "unindexed.txt"])
def test_reading_only_indexed_files_inside_the_corpus(indexed, doc):
    corpus, index = indexed
    (corpus / "unindexed.txt").write_text("not in the index", encoding="utf-8")
    with pytest.raises(InputError):
        documents.document_text(corpus, index, doc)


def test_a_symlink_leaving_the_corpus_is_not_read(tiny_corpus, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash", encoding="utf-8")
    os.symlink(secret, tiny_corpus / "x.txt")
    index = tmp_path / "index"
    build_index(tiny_corpus, index, embedder="hash")
    with pytest.raises(InputError):
        documents.document_text(tiny_corpus, index, "x.txt")


def test_delete_removes_only_an_indexed_file_in_the_corpus(indexed, tmp_path):
    corpus, index = indexed
    outside = tmp_path / "keep.txt"
    outside.write_text("keep me", encoding="utf-8")
    for doc in ("../keep.txt", "/etc/hostname", "missing.txt"):
        with pytest.raises(InputError):
            documents.delete_document(corpus, index, doc)
    assert outside.exists()
    documents.delete_document(corpus, index, "ieo.md")
    assert not (corpus / "ieo.md").exists() and (corpus / "int.txt").exists()
