"""Failing closed at the chat's edge: a malformed CARTQA_AUTH stops the start, failed logins
are throttled per client, changes need a login (or are off when read-only), and messages
to web users carry no server paths."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from cartqa.app import guard, panel
from cartqa.errors import InputError

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("value", ["bob", "bob:", ":secret", "  :secret", ":"])
def test_malformed_auth_refuses(value):
    with pytest.raises(guard.AuthConfigError, match="CARTQA_AUTH must be user:password"):
        guard.parse_auth(value)


def test_wellformed_auth():
    assert guard.parse_auth("bob:se:cret") == ("bob", "se:cret")
    assert guard.parse_auth("") is None


def test_app_with_malformed_auth_does_not_start(tmp_path):
    env = {"CARTQA_AUTH": "bob", "PATH": "/usr/bin:/bin", "CARTQA_CORPUS": str(tmp_path), "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, str(REPO / "app.py")], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["cartqa: CARTQA_AUTH must be user:password; it has no ':'. "
                                                "Not starting without a login."]
    assert "secret" not in done.stderr


def test_throttle_doubles_per_client_and_resets_on_success():
    now = [0.0]
    t = guard.LoginThrottle(clock=lambda: now[0])
    assert [t.failed("a") for _ in range(5)] == [1, 2, 4, 8, 16]
    assert t.wait("a") == 16 and t.wait("b") == 0  # per client
    now[0] = 16.0
    assert t.wait("a") == 0
    t.succeeded("a")
    assert t.failed("a") == 1
    assert max(t.failed("c") for _ in range(40)) == guard.MAX_LOCKOUT_S


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(url: str, user: str, password: str) -> int:
    data = urllib.parse.urlencode({"username": user, "password": password}).encode()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(urllib.request.Request(url + "login", data=data), timeout=30) as reply:
            return reply.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.ui
def test_launched_chat_throttles_wrong_passwords_and_prints_its_url(tiny_corpus, tmp_path, monkeypatch, capsys):
    from cartqa.app.ui import launch

    monkeypatch.setenv("CARTQA_AUTH", "bob:right")
    port = _free_port()
    demo = launch(port=port, corpus_dir=tiny_corpus, index_dir=tmp_path / "index", block=False, warm=False)
    try:
        url = f"http://127.0.0.1:{port}/"
        assert f"open {url} in your browser" in capsys.readouterr().out
        assert _get(url + "config") == 401  # nothing, documents included, without a login
        assert _login(url, "bob", "wrong") == 400
        assert _login(url, "bob", "right") == 429  # even the right password waits out the lockout
        assert _login(url, "bob", "wrong") == 429
    finally:
        demo.close()


def _get(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=30) as reply:
            return reply.status
    except urllib.error.HTTPError as exc:
        return exc.code


class _Request:
    def __init__(self, username):
        self.username = username


def test_changes_need_a_login_when_auth_is_set(monkeypatch):
    monkeypatch.setenv("CARTQA_AUTH", "bob:right")
    monkeypatch.delenv("CARTQA_READONLY", raising=False)
    with pytest.raises(InputError, match="Log in"):
        panel.may_change(_Request(None))
    panel.may_change(_Request("bob"))


def test_read_only_refuses_changes_and_hides_the_controls(monkeypatch, tiny_corpus, tmp_path):
    from cartqa.app.ui import build_app

    monkeypatch.delenv("CARTQA_AUTH", raising=False)
    monkeypatch.setenv("CARTQA_READONLY", "1")
    with pytest.raises(InputError, match="read-only"):
        panel.may_change(_Request("bob"))
    ids = {c.get("props", {}).get("elem_id") for c in build_app(tiny_corpus, tmp_path / "i").get_config_file()["components"]}
    assert "doc-list" in ids and not ids & {"upload", "delete", "confirm-delete"}
    monkeypatch.setenv("CARTQA_READONLY", "0")
    ids = {c.get("props", {}).get("elem_id") for c in build_app(tiny_corpus, tmp_path / "i").get_config_file()["components"]}
    assert {"upload", "delete", "confirm-delete"} <= ids


def test_messages_carry_no_server_paths(tmp_path):
    corpus = tmp_path / "deep" / "corpus"
    text = f"Corpus folder not found: {corpus}. Also /var/lib/secret/thing.txt failed."
    shown = guard.public_message(text, [corpus])
    assert str(tmp_path) not in shown and "/var/lib" not in shown
    assert "Corpus folder not found: corpus." in shown and "thing.txt" in shown


def test_chat_errors_carry_no_server_paths(tmp_path, monkeypatch):
    from cartqa.app.ui import respond

    monkeypatch.setenv("CARTQA_EMBEDDER", "hash")
    *_, turns = respond("When was INT established?", [], corpus_dir=tmp_path / "nowhere", index_dir=tmp_path / "i")
    reply = turns[-1][1]
    assert "not found" in reply and str(tmp_path) not in reply
