"""End-to-end tests of the Gradio app: talk to ``app.py`` (launched once per session by
``conftest.launched_app``) through ``gradio_client``, the way a real API user would.

Run with ``pytest -m ui -s`` to see the 8-user p95 reply time.
"""

from __future__ import annotations

import math
import re
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
    """The conversation's HTML after one question (each API call is a fresh conversation)."""
    job = client.submit(message, mode, n_sources, api_name="/chat")
    result = job.result(timeout=timeout)
    transcript = result[0] if isinstance(result, (tuple, list)) else result
    assert isinstance(transcript, str), f"/chat returned {type(result).__name__}: {result!r}"
    return transcript


def _reply(transcript: str) -> str:
    assert '<div class="turn bot"' in transcript, transcript
    return transcript.rsplit('<div class="turn bot"', 1)[1]


def test_chat_answers_in_context_with_a_citation(client):
    reply = _reply(_chat(client, "When was the National Cancer Institute of Milan established?", timeout=180))
    assert "established in <mark><strong>1928</strong></mark>" in reply, reply
    assert re.search(r'<a class="cite" href="#t1-s1"', reply), reply
    assert 'id="t1-s1"' in reply and "has the answer" in reply, reply
    assert f'<h4 class="doc-name">{DOC}</h4>' in reply, reply
    assert reply.count(f'<h4 class="doc-name">{DOC}</h4>') == 1  # grouped by document
    assert "relevance" not in reply


def test_chat_refuses_and_helps(client):
    reply = _reply(_chat(client, "How many beds does Humanitas have?"))
    assert "The documents don't answer “How many beds does Humanitas have?”" in reply, reply
    assert '<details class="sources" open>' in reply, reply
    assert "<mark>" not in reply.split("<details")[0], reply


def test_chat_whitespace_only_adds_nothing(client):
    transcript = client.submit("   ", "extractive", 3, api_name="/chat").result(timeout=REQUEST_TIMEOUT)[0]
    # left as it was (an update without a value), or at least without a turn in it
    assert not isinstance(transcript, str) or 'class="turn' not in transcript, transcript


def test_chat_overlong_question_mentions_limit(client):
    reply = _reply(_chat(client, "a" * 100_000))
    assert "limit" in reply.lower(), reply[:500]
    assert "error" not in reply.lower(), reply[:500]
    assert len(reply) < 2_000, f"reply echoes the input ({len(reply)} chars)"


def test_chat_control_characters_and_emoji_still_answer(client):
    reply = _reply(_chat(client, "When was INT established?\x00\x07 🚀"))
    assert "<mark><strong>1928</strong></mark>" in reply, reply


def test_question_payloads_stay_text(client):
    question = 'When was INT established? <img src=x onerror="alert(1)"> <script>alert(2)</script>'
    transcript = _chat(client, question)
    assert "<img" not in transcript and "<script" not in transcript
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in transcript


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
        assert "<mark><strong>" in reply, f"{question!r}: not a found answer: {reply!r}"

    latencies = sorted(lat for _, lat in results.values())
    p95 = latencies[max(0, math.ceil(0.95 * len(latencies)) - 1)]
    print(f"8-user p95 reply time: {p95:.2f} s")
    assert p95 < CONCURRENT_TIMEOUT


def test_rebuild(client):
    status = client.predict(api_name="/rebuild")[0]
    assert isinstance(status, str), status
    assert status.startswith("<p>Rebuilt:"), status
