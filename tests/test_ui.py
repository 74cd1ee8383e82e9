"""End-to-end tests of the Gradio app: talk to ``app.py`` (launched once per session by
``conftest.launched_app``) through ``gradio_client``, the way a real API user would.

Run with ``pytest -m ui -s`` to see the 8-user p95 reply time.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import pytest

gradio_client = pytest.importorskip("gradio_client")

pytestmark = pytest.mark.ui

DOC = "lombardy-car-t-research.txt"
REQUEST_TIMEOUT = 120.0
CONCURRENT_TIMEOUT = 300.0

KNOWN = [
    ("When was the National Cancer Institute of Milan established?", "1928"),
    ("How many inpatient beds does INT have?", "464"),
    ("Which cell factory of the Plagencell project is in Pavia?", "San Matteo"),
    ("What is the ultimate goal of EURE-CART?", "forefront"),
]


def _client(url: str):
    return gradio_client.Client(url, verbose=False)


@pytest.fixture(scope="module")
def app_url(launched_app):
    """The session's app (see conftest.py), started on a private copy of the corpus."""
    return launched_app.url


@pytest.fixture(scope="module")
def client(app_url):
    return _client(app_url)


def _chat(client, message: str, mode: str = "extractive", n_sources: int = 3,
          timeout: float = REQUEST_TIMEOUT) -> str:
    job = client.submit(message, mode, n_sources, api_name="/chat")
    result = job.result(timeout=timeout)
    assert isinstance(result, str), f"/chat returned {type(result).__name__}: {result!r}"
    return result


def test_chat_answers_with_marked_source(client):
    reply = _chat(client, "When was the National Cancer Institute of Milan established?", timeout=180)
    assert "1928" in reply, reply
    assert reply.startswith("**1928"), reply
    assert "<details><summary>Sources (" in reply, reply
    assert "</details>" in reply, reply
    assert DOC in reply, reply
    assert "<mark>1928</mark>" in reply, reply


def test_chat_refuses_when_documents_do_not_say(client):
    reply = _chat(client, "How many beds does Humanitas have?")
    assert reply.startswith("🔍 The documents don't say"), reply
    assert "Closest passages looked at" in reply, reply
    assert not reply.startswith("**"), reply
    assert "<mark>" not in reply, reply


def test_chat_whitespace_only_gets_friendly_prompt(client):
    reply = _chat(client, "   ")
    assert reply.startswith("Type a question"), reply


def test_chat_overlong_question_mentions_limit(client):
    reply = _chat(client, "a" * 100_000)
    assert "limit" in reply.lower(), reply[:500]
    assert "error" not in reply.lower(), reply[:500]
    assert len(reply) < 2_000, f"reply echoes the input ({len(reply)} chars)"


def test_chat_control_characters_and_emoji_still_answer(client):
    reply = _chat(client, "When was INT established?\x00\x07 🚀")
    assert reply.startswith("**1928"), reply
    assert "<mark>1928</mark>" in reply, reply


def test_eight_concurrent_users(app_url, client):
    # Make sure the model is warm so the numbers measure serving, not loading.
    _chat(client, KNOWN[0][0], timeout=180)

    jobs = [KNOWN[i % len(KNOWN)] for i in range(8)]

    def ask(question: str) -> tuple[str, float]:
        c = _client(app_url)
        t0 = time.perf_counter()
        reply = _chat(c, question)
        return reply, time.perf_counter() - t0

    results: dict[int, tuple[str, float]] = {}
    errors: list[str] = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = {pool.submit(ask, q): i for i, (q, _) in enumerate(jobs)}
        for fut in as_completed(futures, timeout=CONCURRENT_TIMEOUT):
            i = futures[fut]
            try:
                results[i] = fut.result()
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(f"request {i} ({jobs[i][0]!r}): {exc!r}")

    assert not errors, "\n".join(errors)
    assert len(results) == 8
    for i, (question, expected) in enumerate(jobs):
        reply, _ = results[i]
        assert expected in reply, f"{question!r}: expected {expected!r} in {reply!r}"
        assert reply.startswith("**"), f"{question!r}: not a found answer: {reply!r}"

    latencies = sorted(lat for _, lat in results.values())
    p95 = latencies[max(0, math.ceil(0.95 * len(latencies)) - 1)]
    print(f"8-user p95 reply time: {p95:.2f} s")
    assert p95 < CONCURRENT_TIMEOUT


def test_rebuild(client):
    status = client.predict(api_name="/rebuild")
    assert isinstance(status, str), status
    assert status.startswith("Rebuilt:"), status
