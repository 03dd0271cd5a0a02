"""Logs people can use: one access line per request and a security log of refusals.

`empathic.access` gets one JSON line per request (method, path, status, milliseconds,
client address); `empathic.security` gets failed sign-ins, pauses, refusals (401/403),
ids that name nothing (404) and bursts of them from one address (someone probing ids).
Nothing secret or personal is written: no query strings, no bodies, no headers, and any
path segment that looks like a token or an id is shortened to its first four characters.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import defaultdict, deque
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS = logging.getLogger("empathic.access")
SECURITY = logging.getLogger("empathic.security")

BURST: Final = 20
"""Refusals (403/404) from one address within BURST_WINDOW_S that count as probing."""
BURST_WINDOW_S: Final = 60.0
_TOKENISH = re.compile(r"^(?=[^/]*[0-9A-Z_])[A-Za-z0-9_\-]{16,}(\.[a-z]{2,4})?$")
"""16+ characters with a digit, capital or underscore: tokens and hex ids, not slugs
such as "mentor-milestones"."""
_KINDS: Final = {401: "sign_in_required", 403: "refused", 404: "not_found", 429: "paused"}


def redacted_path(path: str) -> str:
    """The path with token- or id-like segments cut to four characters and an ellipsis."""
    return "/".join(
        (part[:4] + "…") if _TOKENISH.match(part) else part for part in path.split("/")
    )[:200]


def configure(level: str = "INFO") -> None:
    """Send the app's loggers to stderr once (the server's own config leaves them silent)."""
    root = logging.getLogger("empathic")
    root.setLevel(level.upper())
    if not any(getattr(h, "empathic", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        handler.empathic = True  # type: ignore[attr-defined]
        root.addHandler(handler)


class AccessLog:
    """A plain ASGI middleware: the access line, and security events by status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.refusals: dict[str, deque[float]] = defaultdict(deque)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            self._log(scope, status, (time.perf_counter() - started) * 1000)

    def _log(self, scope: Scope, status: int, ms: float) -> None:
        client = (scope.get("client") or ("unknown", 0))[0]
        path, method = redacted_path(scope["path"]), scope["method"]
        line = {"method": method, "path": path, "status": status, "ms": round(ms, 1)}
        ACCESS.info(json.dumps({**line, "client": client}))
        kind = _KINDS.get(status)
        if path == "/signin" and method == "POST" and status == 400:
            kind = "sign_in_failed"
        if kind is None:
            return
        SECURITY.warning(json.dumps({"event": kind, "path": path, "client": client}))
        if status in (403, 404):
            self._burst(client)

    def _burst(self, client: str) -> None:
        now = time.monotonic()
        seen = self.refusals[client]
        seen.append(now)
        while seen and now - seen[0] > BURST_WINDOW_S:
            seen.popleft()
        if len(seen) == BURST:  # once per burst, not for every refusal after it
            SECURITY.warning(
                json.dumps({"event": "probe_burst", "client": client, "refusals": BURST})
            )
        if len(self.refusals) > 10_000:  # bounded memory under many addresses
            self.refusals.clear()
