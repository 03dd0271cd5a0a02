"""Analyses run in a bounded pool of worker processes (issue #15): the same report as in
the web process, 503 with Retry-After when full, a clear answer when the time limit stops
one (and a fresh worker after), and /healthz answering while an analysis runs.

Real worker processes and a real uvicorn server on 127.0.0.1: the test client runs one
request at a time, and these tests are about requests that overlap.
"""

from __future__ import annotations

import asyncio
import html
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi.testclient import TestClient
from tests.web.helpers import sign_up

from empathic.analysis.packs import PackCache
from empathic.config import Settings
from empathic.insights import worker
from empathic.insights.pool import ProcessPool
from empathic.web.app import create_app
from empathic.web.local import csrf_token_in, free_port, wait_until_up

CONVERSATION = """\
Sam: I'm so stressed about the deadline, I feel like I'm drowning.
Alex: It sounds like you're overwhelmed and worried you'll let the team down.
Sam: Yes. And nobody seems to notice how much I'm carrying.
Alex: What would help most right now?
"""

LONG = "Sam: I'm worried about it.\nAlex: You sound stressed?\n" * 10_000
"""20 000 turns (530 kB): about 6 s of coding and rendering on the 2-core development
machine, so a time limit of 1 or 2 s always stops it (the tests never wait for it)."""


def _settings(data_dir: Path, **pool: Any) -> Settings:
    return Settings(data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'pool.db'}", **pool)


@contextmanager
def _served(settings: Settings) -> Iterator[tuple[httpx.Client, Any]]:
    """The app on a free loopback port, and a browser signed up to it."""
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.config.port}"
    try:
        wait_until_up(base, seconds=30)
        with httpx.Client(base_url=base, timeout=60) as browser:
            sign_up(browser, "Ana Lyst")  # type: ignore[arg-type]  # an httpx client will do
            yield browser, app
    finally:
        server.should_exit = True
        thread.join(timeout=15)
    assert not thread.is_alive()


def _post(browser: httpx.Client, text: str, **headers: str) -> httpx.Response:
    """POST /analyse as this browser, from a client of its own (any thread may call it),
    naming the coached speaker (without one the page first asks who they are)."""
    with httpx.Client(base_url=browser.base_url, cookies=browser.cookies, timeout=60) as own:
        token = csrf_token_in(own.get("/analyse").text)
        data = {"transcript": text, "learner": "Alex", "csrf_token": token}
        return own.post("/analyse", data=data, headers=headers)


def _in_background(call: Callable[[], httpx.Response]) -> tuple[threading.Thread, list[Any]]:
    answers: list[Any] = []
    thread = threading.Thread(target=lambda: answers.append(call()), daemon=True)
    thread.start()
    return thread, answers


def _wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_the_pool_gives_the_same_report_as_the_web_process(isolated_env: Path) -> None:
    settings = _settings(isolated_env)
    job = worker.AnalysisJob(CONVERSATION, "pasted text", None, "alex", "", "offline")
    wrong = worker.AnalysisJob(CONVERSATION, "pasted text", None, "Robin", "", "offline")
    here = worker.analyse(job, settings, PackCache())
    pool = worker.analysis_pool(settings)
    assert pool is not None

    async def through_pool() -> list[worker.AnalysisResult]:
        return [await pool.run(worker.analyse_in_worker, j) for j in (job, wrong)]

    try:
        # a loop of its own in a thread: another test (the browser's) may leave one running here
        with ThreadPoolExecutor(1) as thread:
            there, refused = thread.submit(asyncio.run, through_pool()).result()
    finally:
        pool.close()
    assert there == here
    assert "Coached speaker: <strong>Alex</strong>" in html.unescape(there.report_html.decode())
    assert refused.status == 400 and "Robin" in refused.error and not refused.report_html
    assert refused == worker.analyse(wrong, settings, PackCache())


def test_a_full_pool_answers_503_with_retry_after(isolated_env: Path) -> None:
    settings = _settings(isolated_env, analysis_queue=1, analysis_timeout_s=2)
    with _served(settings) as (browser, app):
        pool: ProcessPool = app.state.analysis_pool
        running, running_answer = _in_background(lambda: _post(browser, LONG))
        _wait_for(lambda: pool.in_flight == 1)
        queued, queued_answer = _in_background(lambda: _post(browser, CONVERSATION))
        _wait_for(lambda: pool.in_flight == 2)

        page = _post(browser, CONVERSATION)
        assert page.status_code == 503
        assert int(page.headers["retry-after"]) >= 1
        assert "analysing as many transcripts as it can" in page.text
        assert "Alex: What would help most right now?" in page.text  # what was typed stays
        as_json = _post(browser, CONVERSATION, accept="application/json")
        assert as_json.status_code == 503 and "retry-after" in as_json.headers
        assert "Try again in" in as_json.json()["detail"]

        running.join(30)
        queued.join(30)
        assert running_answer[0].status_code == 504  # stopped by the time limit
        assert queued_answer[0].status_code == 200  # the queued one ran once a worker was free
        assert "Report: pasted text" in queued_answer[0].text


def test_the_time_limit_stops_an_analysis_and_the_next_one_works(isolated_env: Path) -> None:
    settings = _settings(isolated_env, analysis_timeout_s=1)
    with _served(settings) as (browser, _app):
        started = time.monotonic()
        stopped = _post(browser, LONG)
        assert time.monotonic() - started < 10
        assert stopped.status_code == 504
        page = html.unescape(stopped.text)
        assert "This transcript took longer than 1 s to analyse" in page
        assert "Split it into shorter conversations" in page

        after = _post(browser, CONVERSATION)  # on a new worker: the old one was killed
        assert after.status_code == 200
        assert "Report: pasted text" in after.text


def test_healthz_answers_while_an_analysis_runs(isolated_env: Path) -> None:
    settings = _settings(isolated_env, analysis_timeout_s=2)
    with _served(settings) as (browser, app):
        analysis, _ = _in_background(lambda: _post(browser, LONG))
        _wait_for(lambda: app.state.analysis_pool.in_flight == 1)
        time.sleep(0.3)  # well into the analysis (or the worker's start)
        with httpx.Client(base_url=str(browser.base_url), timeout=5) as probe:
            for _ in range(3):
                assert probe.get("/healthz").status_code == 200
                assert analysis.is_alive()  # answered while the analysis was in flight
        analysis.join(30)


def test_with_no_workers_analyses_run_in_a_thread_of_the_web_process(isolated_env: Path) -> None:
    app = create_app(_settings(isolated_env, analysis_workers=0))
    assert app.state.analysis_pool is None
    with TestClient(app) as browser:
        sign_up(browser, "Ana Lyst")
        token = csrf_token_in(browser.get("/analyse").text)
        data = {"transcript": CONVERSATION, "learner": "Alex", "csrf_token": token}
        page = browser.post("/analyse", data=data)
        step = browser.post("/analyse", data={"transcript": LONG, "csrf_token": token})
    assert page.status_code == 200
    assert "Report: pasted text" in page.text and "<!-- the report is" not in page.text
    assert step.status_code == 200 and "Who are you in this conversation?" in step.text


def test_the_speaker_step_runs_in_the_pool_too(isolated_env: Path) -> None:
    """Listing the speakers parses the whole paste (0.4 s for 2 MB): not in the web process."""
    settings = _settings(isolated_env)
    job = worker.CastJob(LONG, "pasted text", None)
    pool = worker.analysis_pool(settings)
    assert pool is not None
    try:
        with ThreadPoolExecutor(1) as thread:
            there = thread.submit(asyncio.run, pool.run(worker.cast_in_worker, job)).result()
    finally:
        pool.close()
    assert there == worker.cast(job)
    assert there.cast is not None
    assert [(s.name, s.turns) for s in there.cast.speakers] == [("Sam", 10_000), ("Alex", 10_000)]
