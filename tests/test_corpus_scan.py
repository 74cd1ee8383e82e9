"""Which files of a corpus folder are read, and what is reported as skipped: links leaving the
folder are never followed, links inside it never loop, other types are named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cartqa.corpus.loaders import scan_folder
from cartqa.index.build import build_index
from cartqa.index.store import load_stored, read_manifest
from cartqa.pipeline.qa import answer


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "club.txt").write_text("The club owns 14 gliders.", encoding="utf-8")
    (corpus / "sub" / "fees.txt").write_text("A flight costs 40 euros.", encoding="utf-8")
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "passwd.txt").write_text("root:x:0:0:The root password is swordfish.", encoding="utf-8")
    return corpus


def test_a_link_to_a_file_outside_is_not_followed_and_is_reported(corpus, tmp_path):
    (corpus / "x.txt").symlink_to(tmp_path / "secret" / "passwd.txt")
    (corpus / "etc").symlink_to(tmp_path / "secret")  # a folder outside
    scan = scan_folder(corpus)
    assert [f.doc for f in scan.files] == ["club.txt", "sub/fees.txt"]
    assert "x.txt: a link to a file outside the corpus folder, not followed" in scan.skipped
    assert any(line.startswith("etc: ") for line in scan.skipped)


def test_a_linked_secret_is_never_indexed_nor_quoted(corpus, tmp_path):
    (corpus / "x.txt").symlink_to(tmp_path / "secret" / "passwd.txt")
    index = tmp_path / "index"
    report = build_index(corpus, index, embedder="hash", progress=False)
    assert any(line.startswith("x.txt: ") for line in report.skipped)
    assert not any("swordfish" in c.text for c in load_stored(index, read_manifest(index)).chunks)
    a = answer("What is the root password?", corpus, index, embedder="hash")
    assert "swordfish" not in a.text and all("swordfish" not in s.text for s in a.sources)


def test_a_relative_link_climbing_out_is_caught(corpus):
    (corpus / "sub" / "up.txt").symlink_to(Path("..") / ".." / "secret" / "passwd.txt")
    assert any(line.startswith("sub/up.txt: a link to a file outside") for line in scan_folder(corpus).skipped)


def test_a_link_inside_the_corpus_is_read_once_and_links_never_loop(corpus):
    (corpus / "alias.txt").symlink_to(corpus / "club.txt")
    (corpus / "sub" / "loop").symlink_to(corpus)  # would recurse for ever if followed
    (corpus / "dangling.txt").symlink_to(corpus / "gone.txt")
    scan = scan_folder(corpus)
    assert [f.doc for f in scan.files] == ["alias.txt", "club.txt", "sub/fees.txt"]
    reasons = dict(line.split(": ", 1) for line in scan.skipped)
    assert "not followed" in reasons["sub/loop"] and "broken link" in reasons["dangling.txt"]


def test_a_corpus_folder_that_is_itself_a_link_is_read(corpus, tmp_path):
    (tmp_path / "docs").symlink_to(corpus)
    assert [f.doc for f in scan_folder(tmp_path / "docs").files] == ["club.txt", "sub/fees.txt"]


def test_special_files_are_skipped_not_opened(corpus):
    os.mkfifo(corpus / "pipe.txt")  # reading it would block for ever
    assert "pipe.txt: not a regular file" in scan_folder(corpus).skipped


def test_hidden_files_are_ignored_silently(corpus):
    (corpus / ".DS_Store").write_bytes(b"\x00")
    (corpus / ".git").mkdir()
    (corpus / ".git" / "config.txt").write_text("x", encoding="utf-8")
    scan = scan_folder(corpus)
    assert [f.doc for f in scan.files] == ["club.txt", "sub/fees.txt"] and scan.skipped == ()
