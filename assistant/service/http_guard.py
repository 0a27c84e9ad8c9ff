"""Protection of `assistant serve` in front of every request: body size, rate, Host and Origin.

Why in the app and not only in a proxy: the server is also run without nginx (an office's own LLM
client on the same machine), and a crafted request must be refused cheaply before JSON parsing or a
tool runs. All limits come from the environment (documented in docs/deployment.md):

- `ASSISTANT_MAX_BODY_BYTES` (default 16384): larger bodies get 413 with the limit stated;
- `ASSISTANT_RATE_PER_SECOND` (default 5) and `ASSISTANT_RATE_BURST` (default 30): a token bucket
  per client address; an empty bucket gets 429 with `Retry-After`. `0` per second disables it.
  Buckets live in each worker process, so N workers allow up to N times the rate per client;
- `ASSISTANT_ALLOWED_HOSTS` / `ASSISTANT_ALLOWED_ORIGINS` (comma-separated, `host:*` = any port;
  default loopback only): other Host headers, and browser Origins not listed, are refused, which
  stops DNS-rebinding pages from reaching a server bound to 127.0.0.1.
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_HOSTS = ("127.0.0.1:*", "localhost:*", "[::1]:*")
LOOPBACK_ORIGINS = ("http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*")
#: Paths that load balancers probe with whatever Host they like; no body, no tool, no limit.
UNGUARDED_PATHS = frozenset({"/healthz"})
MAX_CLIENTS = 10_000  # buckets kept per process (least recently seen dropped first)


def _split(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    items = tuple(x.strip() for x in (value or "").split(",") if x.strip())
    return items or default


@dataclass(frozen=True)
class GuardSettings:
    max_body_bytes: int = 16_384
    rate_per_second: float = 5.0
    burst: int = 30
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    allowed_origins: tuple[str, ...] = LOOPBACK_ORIGINS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> GuardSettings:
        source = os.environ if env is None else env
        return cls(
            max_body_bytes=int(source.get("ASSISTANT_MAX_BODY_BYTES") or 16_384),
            rate_per_second=float(source.get("ASSISTANT_RATE_PER_SECOND") or 5.0),
            burst=int(source.get("ASSISTANT_RATE_BURST") or 30),
            allowed_hosts=_split(source.get("ASSISTANT_ALLOWED_HOSTS"), LOOPBACK_HOSTS),
            allowed_origins=_split(source.get("ASSISTANT_ALLOWED_ORIGINS"), LOOPBACK_ORIGINS),
        )


def matches(value: str, patterns: tuple[str, ...]) -> bool:
    """`value` equals a pattern, or a pattern ending in `:*` matches it with any port (or none)."""
    for pattern in patterns:
        if value == pattern:
            return True
        if pattern.endswith(":*"):
            base = pattern[:-2]
            if value == base or (value.startswith(base + ":") and value[len(base) + 1:].isdigit()):
                return True
    return False


@dataclass
class TokenBuckets:
    """One token bucket per client: `rate` tokens a second, at most `burst`. Thread-safe."""

    rate: float
    burst: int
    _buckets: OrderedDict[str, tuple[float, float]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, client: str, now: float | None = None) -> float:
        """0.0 if a request may pass (a token is taken), else the seconds until the next token."""
        if self.rate <= 0:
            return 0.0
        moment = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(client, (float(self.burst), moment))
            tokens = min(float(self.burst), tokens + (moment - last) * self.rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate
            self._buckets[client] = (tokens - 1.0 if wait == 0.0 else tokens, moment)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
            return wait


async def _refuse(send: Send, status: int, message: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    body = json.dumps({"ok": False, "error": {"kind": f"http_{status}", "message": message}}).encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode("ascii")), *headers]})
    await send({"type": "http.response.body", "body": body})


class _BodyTooLargeError(Exception):
    pass


class RequestGuard:
    """ASGI middleware: Host/Origin check (outside /mcp, which the SDK checks itself), rate, size."""

    def __init__(self, app: ASGIApp, settings: GuardSettings) -> None:
        self.app = app
        self.settings = settings
        self.buckets = TokenBuckets(settings.rate_per_second, settings.burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in UNGUARDED_PATHS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        path = str(scope.get("path", ""))
        if not path.startswith("/mcp"):
            if not matches(headers.get("host", ""), self.settings.allowed_hosts):
                await _refuse(send, 421, "Host header not allowed: set ASSISTANT_ALLOWED_HOSTS to the names "
                                         "this server is reached by.")
                return
            origin = headers.get("origin")
            if origin is not None and not matches(origin, self.settings.allowed_origins):
                await _refuse(send, 403, "Origin not allowed: add it to ASSISTANT_ALLOWED_ORIGINS.")
                return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self.buckets.take(str(client))
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            await _refuse(send, 429, f"Too many requests from {client}: at most {self.settings.rate_per_second:g} "
                                     f"per second (bursts of {self.settings.burst}). Retry after {seconds} s.",
                          ((b"retry-after", str(seconds).encode("ascii")),))
            return
        limit = self.settings.max_body_bytes
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(send, 413, f"Request body too large: at most {limit} bytes are accepted.")
            return
        await self._forward_limited(scope, receive, send, limit)

    async def _forward_limited(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Pass the request on, counting streamed (chunked) body bytes against the limit."""
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLargeError:
            if not started:
                await _refuse(send, 413, f"Request body too large: at most {limit} bytes are accepted.")
