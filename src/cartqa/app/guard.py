"""Failing closed at the chat's edge: the login setting, login throttling, and messages
without server paths.

>>> parse_auth("ana:s3cret"), parse_auth(None)
(('ana', 's3cret'), None)
>>> parse_auth("ana")
Traceback (most recent call last):
...
cartqa.app.guard.AuthConfigError: CARTQA_AUTH must be user:password; it has no ':'. Not starting without a login.
>>> public_message("Could not read /srv/data/corpus/a.txt", ["/srv/data/corpus"])
'Could not read corpus/a.txt'
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from cartqa.errors import CartqaError

MAX_LOCKOUT_S = 300.0


class AuthConfigError(CartqaError):
    """``CARTQA_AUTH`` is set but unusable: the chat refuses to start rather than run open."""


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``user:password`` as a pair; ``None`` when unset; :class:`AuthConfigError` when malformed."""
    if value is None or value == "":
        return None
    if ":" not in value:
        raise AuthConfigError("CARTQA_AUTH must be user:password; it has no ':'. Not starting without a login.")
    user, password = value.split(":", 1)
    if not user.strip() or not password:
        raise AuthConfigError("CARTQA_AUTH must be user:password with both parts non-empty. "
                              "Not starting without a login.")
    return user.strip(), password


class LoginThrottle:
    """Per-client exponential lockout after failed logins: after the n-th failure in a row
    that client's next try is refused (HTTP 429) for 2**(n-1) seconds, up to 5 minutes.

    >>> t = LoginThrottle(clock=lambda: 100.0)
    >>> t.wait("1.2.3.4"), t.failed("1.2.3.4"), t.failed("1.2.3.4"), t.wait("1.2.3.4")
    (0.0, 1.0, 2.0, 2.0)
    >>> t.succeeded("1.2.3.4"); t.wait("1.2.3.4")
    0.0
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.failures: dict[str, int] = {}
        self.until: dict[str, float] = {}

    def wait(self, client: str) -> float:
        """Seconds ``client`` must still wait before its next login try (0 when it may try)."""
        return max(0.0, self.until.get(client, 0.0) - self.clock())

    def failed(self, client: str) -> float:
        """Record a failure; returns the lockout it starts."""
        n = self.failures.get(client, 0) + 1
        self.failures[client] = n
        delay = min(2.0 ** (n - 1), MAX_LOCKOUT_S)
        self.until[client] = self.clock() + delay
        return delay

    def succeeded(self, client: str) -> None:
        self.failures.pop(client, None)
        self.until.pop(client, None)


class ThrottleLogins:
    """ASGI middleware applying a :class:`LoginThrottle` to ``POST .../login``."""

    def __init__(self, app, throttle: LoginThrottle | None = None):
        self.app = app
        self.throttle = throttle or LoginThrottle()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "POST" or not scope["path"].rstrip("/").endswith("/login"):
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("?", 0))[0]
        wait = self.throttle.wait(client)
        if wait > 0:
            body = json.dumps({"detail": f"Too many failed logins; try again in {wait:.0f} s."}).encode()
            await send({"type": "http.response.start", "status": 429,
                        "headers": [(b"content-type", b"application/json"), (b"retry-after", str(int(wait) + 1).encode())]})
            await send({"type": "http.response.body", "body": body})
            return None
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status.get("code") == 200:
            self.throttle.succeeded(client)
        elif status.get("code") in (400, 401, 403):
            self.throttle.failed(client)
        return None


_ABSOLUTE = re.compile(r"(?<![\w.~/-])/(?:[^\s/'\"`:;,()]+/)+([^\s/'\"`:;,()]*)")


def public_message(text: str, roots: Iterable[str | Path] = ()) -> str:
    """``text`` for a web user: the corpus and index folders by their names, any other
    absolute path by its last part."""
    for root in roots:
        for form in {str(Path(root)), str(Path(root).resolve())}:
            if form not in ("/", ".", ""):
                text = text.replace(form.rstrip("/") + "/", Path(form).name + "/").replace(form, Path(form).name)
    return _ABSOLUTE.sub(lambda m: m.group(1) or "…", text)
