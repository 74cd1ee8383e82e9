"""The sentence-transformers embedder's threading, on a fake model (no weights are loaded)."""

import threading

import numpy as np
import pytest

from cartqa.index.embedders import FEW_CHARS, SentenceTransformerEmbedder


class _FakeModel:
    """Records how many torch threads each encode call ran with."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def encode(self, texts, **_):
        import torch

        self.threads.append(torch.get_num_threads())
        return np.ones((len(texts), 4), np.float32) / 2


def _embedder() -> tuple[SentenceTransformerEmbedder, _FakeModel]:
    e = SentenceTransformerEmbedder("fake", dim=4)
    e._model = _FakeModel()
    return e, e._model


@pytest.mark.parametrize("texts, one_thread", [
    (["When was INT established?"], True),  # a question
    (["beds", "cancer institute", "inpatient beds"], True),  # its words
    (["x" * (FEW_CHARS // 2)] * 2, True),
    (["x" * 100] * (FEW_CHARS // 100 + 1), False),  # a build's batch keeps every thread
])
def test_small_calls_run_on_one_thread_and_the_setting_comes_back(texts, one_thread):
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    e, model = _embedder()
    assert e.embed_passages(texts).shape == (len(texts), 4)
    assert model.threads == [1 if one_thread else before]
    assert torch.get_num_threads() == before


def test_concurrent_small_calls_leave_the_setting_as_it_was():
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    e, model = _embedder()
    workers = [threading.Thread(target=lambda: [e.embed_passages(["a question?"]) for _ in range(20)])
               for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert model.threads == [1] * 80
    assert torch.get_num_threads() == before


class _FakeTwin:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts):
        self.calls.append(len(texts))
        return np.ones((len(texts), 4), np.float32) / 2


def test_a_model_with_a_numpy_twin_sends_it_the_calls_a_question_makes():
    from cartqa.index.embedders import TWIN_CHARS

    e, model = _embedder()
    e._model, e._twin = None, _FakeTwin()
    e.embed_query("When was INT established?")
    e.embed_passages(["beds", "inpatient beds"])
    assert e._twin.calls == [1, 2]
    e._model = model  # a build's first large batch loaded torch's model: it keeps it, small calls too
    e.embed_passages(["x" * 100] * (TWIN_CHARS // 100 + 1))
    e.embed_passages(["beds"])
    assert e._twin.calls == [1, 2] and len(model.threads) == 2


def test_a_folder_without_a_runnable_twin_has_none(tmp_path):
    e = SentenceTransformerEmbedder(str(tmp_path), dim=4)
    assert e.twin() is None


@pytest.mark.parametrize("given, expected", [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_importing_cartqa_lets_idle_openmp_threads_sleep_unless_told_otherwise(given, expected):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if given:
        env["OMP_WAIT_POLICY"] = given
    out = subprocess.run([sys.executable, "-c", "import os, cartqa; print(os.environ['OMP_WAIT_POLICY'])"],
                         env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == expected
