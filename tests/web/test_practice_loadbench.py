"""The load benchmark drives a real server: its own small HTTP client plays whole runs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from empathic.web.loadbench import run


def test_the_load_benchmark_plays_runs_without_errors() -> None:
    # a thread of its own: the browser tests leave an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        figures = pool.submit(run, "sqlite", learners=2, runs=1, think=0.0, workers=1).result()
    assert figures["errors"] == 0, figures["error_kinds"]
    assert isinstance(figures["turns"], int) and figures["turns"] >= 2
    assert figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
