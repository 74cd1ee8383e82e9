"""Shared fixtures: tiny corpora on the hash fake, the real corpus on the real models, and
the chat app launched once per session for the UI and browser tests."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def rules_only(monkeypatch) -> None:
    """The hand-written rules alone: no learned scorer steps in (tests that pin the rules' spans)."""
    from cartqa.reading import scorer

    monkeypatch.setattr(scorer, "load", lambda: None)


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


# --- the launched app, shared by the gradio_client (test_ui) and browser (test_browser) tests ---

APP_STARTUP_TIMEOUT = 180.0


@dataclass(frozen=True)
class LaunchedApp:
    url: str
    corpus: Path  # a private copy of corpus/: tests may add a document, and must remove it again
    log: Path

    def log_tail(self, tail: int = 8000) -> str:
        """The end of the app's log, for failure messages."""
        return _log_tail(self.log, tail)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(path: Path, tail: int = 8000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-tail:]
    except OSError as exc:  # pragma: no cover - only used in failure messages
        return f"<could not read {path}: {exc}>"


def _serving(url: str) -> bool:
    try:
        # No proxies: a proxy from the environment must not answer for 127.0.0.1.
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url + "config", timeout=5) as reply:
            return reply.status == 200
    except OSError:
        return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def launched_app(tmp_path_factory) -> Iterator[LaunchedApp]:
    """``app.py`` on a free port against a temporary copy of the corpus, once per session."""
    root = tmp_path_factory.mktemp("app")
    corpus = root / "corpus"
    corpus.mkdir()
    docs = sorted(CORPUS.glob("*.txt"))
    assert docs, f"no .txt documents in {CORPUS}"
    for doc in docs:
        shutil.copy2(doc, corpus / doc.name)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in os.environ.items() if k not in ("GRADIO_SERVER_NAME", "CARTQA_AUTH")}
    env.update({
        "CARTQA_CORPUS": str(corpus),
        "CARTQA_INDEX": str(root / "index"),
        "GRADIO_SERVER_PORT": str(port),
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
    })
    log_path = root / "app.log"
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen([sys.executable, str(REPO / "app.py")], cwd=REPO, env=env,
                                stdout=log_file, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + APP_STARTUP_TIMEOUT
            while not _serving(url):
                if proc.poll() is not None:
                    pytest.fail(f"app.py exited with code {proc.returncode} before serving.\n"
                                f"--- log ---\n{_log_tail(log_path)}")
                if time.monotonic() > deadline:
                    pytest.fail(f"app.py did not serve {url} within {APP_STARTUP_TIMEOUT:.0f} s.\n"
                                f"--- log ---\n{_log_tail(log_path)}")
                time.sleep(0.5)
            yield LaunchedApp(url, corpus, log_path)
        finally:
            _stop(proc)
