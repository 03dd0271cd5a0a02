"""The load benchmark drives a real server: its own small HTTP client plays whole runs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from empathic.web.loadbench import CONNECTION_PER, run


@pytest.mark.parametrize("connection", CONNECTION_PER)
def test_the_load_benchmark_plays_runs_without_errors(connection: str) -> None:
    """Two runs each, so a connection per run is closed and opened again in between."""
    # a thread of its own: the browser tests leave an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        figures = pool.submit(run, "sqlite", 2, 2, 0.0, 1, connection).result()
    assert figures["errors"] == 0, figures["error_kinds"]
    assert isinstance(figures["turns"], int) and figures["turns"] >= 8  # 2 learners x 2 runs
