"""Driving a local Empathic server: free ports, CSRF tokens from pages, waiting for start-up.

Shared by the load benchmark, the LLM first-token benchmark and the tests that
start a real server, so each does not grow its own copy.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import httpx

CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def csrf_token_in(html: str) -> str:
    """The CSRF token a page carries in its `<meta name="csrf-token">`."""
    found = CSRF_META.search(html)
    if not found:
        raise ValueError("the page carries no CSRF token")
    return found.group(1)


def wait_until_up(
    base: str, process: subprocess.Popen[bytes] | None = None, seconds: float = 60
) -> None:
    """Return once `base`/healthz answers 200; fail early if the server process exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server at {base} did not answer within {seconds:.0f} s")


@contextmanager
def serving_subprocess(
    env: Mapping[str, str], *options: str, seconds: float = 60
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`empathic serve` in its own process on a free port, as it runs in use, with `env`
    added to this one's; yields (base URL, process) once it answers, stops it after."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "empathic.cli", "serve", "--port", str(port), *options],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, server, seconds)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=30)
