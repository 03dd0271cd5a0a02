"""A 2 MB single-line paste to /analyse: how long until a clear answer, and does /healthz
stay quick meanwhile? Measured, not asserted (issue: one paste must never freeze the server).

    python bench/paste.py

Serves the real app with uvicorn on 127.0.0.1 (SQLite in a temporary folder), signs up,
posts the paste and polls /healthz from another thread while it runs.
"""

from __future__ import annotations

import re
import socket
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from empathic.config import Settings
from empathic.web.app import create_app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    settings = Settings(data_dir=folder)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    while not server.started:
        time.sleep(0.05)
    with httpx.Client(base_url=base, timeout=120) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signup").text)
        assert token
        form = {"name": "Bench", "email": "bench@example.org", "password": "correct horse battery"}
        client.post("/signup", data={**form, "csrf_token": token[1]})
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/analyse").text)
        assert token
        paste = "Sam: I'm worried about the launch.\nAlex: " + "word " * 400_000
        health: list[float] = []
        done = threading.Event()

        def poll() -> None:
            with httpx.Client(base_url=base, timeout=30) as probe:
                while not done.is_set():
                    start = time.perf_counter()
                    probe.get("/healthz")
                    health.append(time.perf_counter() - start)
                    time.sleep(0.05)

        poller = threading.Thread(target=poll)
        poller.start()
        start = time.perf_counter()
        response = client.post(
            "/analyse", data={"transcript": paste, "learner": "Alex", "csrf_token": token[1]}
        )
        seconds = time.perf_counter() - start
        done.set()
        poller.join()
    server.should_exit = True
    print(f"paste_bytes: {len(paste.encode()):,}")
    print(f"status: {response.status_code}")
    print(f"answer_s: {seconds:.2f}  (goal < 5)")
    print(f"healthz_max_ms: {max(health) * 1000:.1f}  (goal < 100; {len(health)} polls)")


if __name__ == "__main__":
    main()
