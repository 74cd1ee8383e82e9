"""Shared fixtures: tiny corpora on the hash fake, and the real corpus on the real models."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "int.txt").write_text(
        "The National Cancer Institute of Milan (INT), established in 1928, is a center of excellence. "
        "INT has 464 inpatient beds.\n\nThe Institute coordinates many clinical trials.", encoding="utf-8")
    (corpus / "ieo.md").write_text("# IEO\n\nThe IEO treats breast cancer. Its **Women Cancer Center** opened in 2008.\n",
                                   encoding="utf-8")
    return corpus


@pytest.fixture(scope="session")
def real_dirs(tmp_path_factory) -> tuple[Path, Path]:
    """A copy of the real corpus and an index built on it with the real offline models."""
    from cartqa import build_index

    root = tmp_path_factory.mktemp("real")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    build_index(corpus, root / "index")
    return corpus, root / "index"
