"""Nothing lost: a server killed mid-run (SIGKILL) loses no played turn, and the run goes on.

Starts the real `empathic serve` in a subprocess on both databases, plays two turns,
kills it without warning, starts it again and plays the third turn.
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from empathic.db import make_engine
from empathic.practice.models import PracticeRun
from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import find_scenario
from empathic.web.local import csrf_token_in, free_port, wait_until_up

SCENARIO = "remote-wellbeing"


class Server:
    def __init__(self, data_dir: Path, database_url: str) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "EMPATHIC_DATA_DIR": str(data_dir),
            "EMPATHIC_DATABASE_URL": database_url,
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "empathic.cli", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until_up(self.base, self.process, seconds=30)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def server(isolated_env: Path, database_url: str) -> Iterator[Server]:
    running = Server(isolated_env, database_url)
    yield running
    if running.process is not None and running.process.poll() is None:
        running.kill()


def _token(client: httpx.Client, path: str = "/") -> str:
    return csrf_token_in(client.get(path).text)


def _turn(client: httpx.Client, run_id: str, text: str) -> str:
    headers = {"X-CSRF-Token": _token(client), "Accept": "application/json"}
    body = client.post(f"/runs/{run_id}/turns", data={"text": text}, headers=headers).json()
    events = re.findall(r"event: token\ndata: (.*)\n\n", client.get(body["stream"]).text)
    return "".join(json.loads(e) for e in events)


def test_a_killed_server_loses_no_played_turn(server: Server, database_url: str) -> None:
    lines = find_scenario(SCENARIO).playthroughs.empathic.lines[:3]
    server.start()
    with httpx.Client(base_url=server.base, timeout=10) as client:
        token = _token(client, "/signup")
        form = {"name": "Kim", "email": "kim@example.org", "password": "correct horse battery"}
        client.post("/signup", data={**form, "csrf_token": token})
        started = client.post(
            f"/practice/{SCENARIO}/start",
            data={"difficulty": "medium", "csrf_token": _token(client)},
        )
        run_id = started.headers["location"].rsplit("/", 1)[-1]
        replies = [_turn(client, run_id, line) for line in lines[:2]]
        server.kill()
        server.start()
        page = client.get(f"/runs/{run_id}")
        assert page.status_code == 200  # still signed in: the session was committed too
        shown = html.unescape(page.text)
        for line, reply in zip(lines[:2], replies, strict=True):
            assert line in shown and reply in shown
        replies.append(_turn(client, run_id, lines[2]))
    engine = make_engine(database_url)
    with engine.connect() as conn:
        seed = conn.execute(select(PracticeRun.seed).where(PracticeRun.id == run_id)).scalar_one()
    engine.dispose()
    expected = run_lines(find_scenario(SCENARIO), lines, difficulty="medium", seed=seed)
    assert replies == [step.reply for step in expected.steps]
