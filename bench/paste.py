"""A 2 MB single-line paste to /analyse: how long until a clear answer, and does /healthz
stay quick meanwhile? Measured, not asserted (issue #15: one paste must never freeze the
server).

    python bench/paste.py [--mb 2] [--workers 1]

Runs `empathic serve` in its own process (SQLite in a temporary folder), as it runs in
use, and polls /healthz from a third process, so neither the client's work nor the
poller's shares the server's interpreter. One small analysis first starts the analysis
worker, so the figures are a warm server's. Two journeys: the speaker named in the form
(one post), and the speaker step (a post without a name answers with the speakers
found; the browser posts the text again with the chosen one).
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from multiprocessing.synchronize import Event

import httpx

from empathic.db import scratch_database
from empathic.web.local import csrf_token_in, serving_subprocess


def _poll(base: str, stop: Event, results: multiprocessing.Queue[float]) -> None:
    with httpx.Client(base_url=base, timeout=30) as probe:
        while not stop.is_set():
            start = time.perf_counter()
            probe.get("/healthz")
            results.put(time.perf_counter() - start)
            time.sleep(0.02)


def _token(client: httpx.Client, path: str) -> str:
    return csrf_token_in(client.get(path).text)


def _journeys(client: httpx.Client, paste: str) -> dict[str, tuple[int, float]]:
    """(status, seconds) of each journey."""
    figures = {}
    start = time.perf_counter()
    named = client.post(
        "/analyse",
        data={"transcript": paste, "learner": "Alex", "csrf_token": _token(client, "/analyse")},
    )
    figures["named speaker"] = (named.status_code, time.perf_counter() - start)
    start = time.perf_counter()
    token = _token(client, "/analyse")
    asked = client.post("/analyse", data={"transcript": paste, "csrf_token": token})
    assert "Who are you in this conversation?" in asked.text, asked.text[:300]
    figures["speaker step: list"] = (asked.status_code, time.perf_counter() - start)
    start = time.perf_counter()
    chosen = client.post(
        "/analyse", data={"transcript": paste, "learner": "Alex", "csrf_token": token}
    )
    figures["speaker step: analyse"] = (chosen.status_code, time.perf_counter() - start)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=2.0, help="Size of the paste in MB.")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory() as folder,
        scratch_database(args.database, "empathic_paste") as url,
    ):
        env = {"EMPATHIC_DATA_DIR": folder, "EMPATHIC_DATABASE_URL": url}
        with (
            serving_subprocess(env, "--workers", str(args.workers)) as (base, _),
            httpx.Client(base_url=base, timeout=180) as client,
        ):
            form = {"name": "Bench", "email": "bench@example.org"}
            form |= {"password": "correct horse battery", "csrf_token": _token(client, "/signup")}
            client.post("/signup", data=form)
            warm = {"transcript": "Sam: Hi.\nAlex: Hello.", "learner": "Alex"}
            client.post("/analyse", data={**warm, "csrf_token": _token(client, "/analyse")})
            words = int(args.mb * 1_000_000 / 5)
            paste = "Sam: I'm worried about the launch.\nAlex: " + "word " * words
            stop = multiprocessing.Event()
            results: multiprocessing.Queue[float] = multiprocessing.Queue()
            poller = multiprocessing.Process(target=_poll, args=(base, stop, results))
            poller.start()
            time.sleep(0.5)  # the poller's first answers are the idle baseline
            figures = _journeys(client, paste)
            stop.set()
            poller.join()
    health = []
    while not results.empty():
        health.append(results.get())
    health.sort()
    size = len(paste.encode())
    print(f"paste_bytes: {size:,}  workers: {args.workers}  database: {args.database}")
    for name, (status, seconds) in figures.items():
        print(f"{name}: status {status}, answer {seconds:.2f} s  (goal < 5)")
    p95 = health[min(len(health) - 1, int(0.95 * len(health)))]
    print(
        f"healthz: max {max(health) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms  "
        f"(goal < 100; {len(health)} polls)"
    )


if __name__ == "__main__":
    main()
