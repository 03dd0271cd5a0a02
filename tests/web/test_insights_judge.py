"""The judge choice on the Analyse page, against the stub OpenAI-compatible server on 127.0.0.1.

The app gets the endpoint from its settings, as in production; the stub counts requests.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.helpers import Person, sign_up

from empathic.analysis.labels import DIMENSIONS
from empathic.analysis.report import analyze
from empathic.config import Settings
from empathic.web.app import create_app
from llm_judge_stub import CONVERSATION, GOOD, as_reply, verdict
from test_llm import Reply, StubServer


@pytest.fixture
def stub() -> Iterator[StubServer]:
    server = StubServer().start()
    server.default = Reply(content=as_reply(GOOD))
    yield server
    server.stop()


@pytest.fixture
def judged_app(isolated_env: Path, database_url: str, stub: StubServer) -> Iterator[Any]:
    settings = Settings(
        data_dir=isolated_env,
        database_url=database_url,
        llm_base_url=stub.url,
        llm_model="tiny",
        llm_timeout_s=2,
    )
    app = create_app(settings, run_migrations=False)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def person(judged_app: Any) -> Iterator[Person]:
    with TestClient(judged_app) as client:
        yield sign_up(client, "Lee Learner")


ALEX = {"learner": "Alex"}
"""The coached speaker: without one the page first asks who the person is (issue #16)."""


def _row(page: str, dimension: str) -> str:
    start = page.index(f'<tr data-dimension="{dimension}">')
    return page[start : page.index("</tr>", start)]


def test_without_an_endpoint_the_llm_judge_is_offered_but_disabled(learner: Person) -> None:
    page = learner.client.get("/analyse").text
    assert '<label for="judge"' in page and 'id="judge"' in page
    assert '<option value="offline" selected>' in page
    assert '<option value="llm" disabled>' in page
    assert "No language model is configured for this site" in page
    posted = html.unescape(learner.post("/analyse", {"transcript": CONVERSATION, **ALEX}).text)
    assert "Judge:" not in posted and "Two judges compared" not in posted
    forced = html.unescape(
        learner.post("/analyse", {"transcript": CONVERSATION, "judge": "llm", **ALEX}).text
    )
    assert "The language-model judge was not used: no language-model endpoint" in forced


def test_choosing_the_llm_judge_shows_its_scores_beside_the_offline_ones(
    person: Person, stub: StubServer, isolated_env: Path
) -> None:
    form = person.client.get("/analyse").text
    assert '<option value="llm">' in form  # offered, not chosen, not disabled
    port = stub.url.split(":")[2].split("/")[0]
    assert f"language model at <strong>127.0.0.1:{port}</strong>" in form
    stub.default = Reply(content=as_reply(verdict({"turns.0.behaviour.value": "input"})))
    response = person.post("/analyse", {"transcript": CONVERSATION, "judge": "llm", **ALEX})
    assert response.status_code == 200, response.text
    page = html.unescape(response.text)
    assert "Judge: <strong>language model tiny</strong>" in page
    assert "Two judges compared" in page
    offline = analyze(CONVERSATION, settings=Settings(data_dir=isolated_env)).dimensions
    for name in DIMENSIONS:
        llm = float(GOOD["dimensions"][name]["score"])
        row = _row(page, name)
        assert f"<td>{llm:.1f}</td><td>{offline[name]:.1f}</td>" in row
        expected = "<strong>disagree</strong>" if abs(llm - offline[name]) >= 1.5 else "agree"
        assert f"<td>{expected}</td>" in row
    assert (  # Alex's first turn: index 1, shown as turn 2
        '<tr data-turn="2"><td><a href="#turn-2">2</a></td><td>Behaviour</td><td>input</td>' in page
    )
    assert "“It sounds like you're overwhelmed”" in page  # the model's verified quote
    assert '<option value="llm" selected>' in page  # the choice is kept for the next analysis
    assert len(stub.requests) == 1
    again = html.unescape(
        person.post("/analyse", {"transcript": CONVERSATION, "judge": "llm", **ALEX}).text
    )
    assert "a cached verdict" in again and len(stub.requests) == 1


def test_a_failing_model_falls_back_to_the_offline_report_and_says_why(
    person: Person, stub: StubServer
) -> None:
    stub.default = Reply(content="I think Alex did quite well overall.")
    page = html.unescape(
        person.post("/analyse", {"transcript": CONVERSATION, "judge": "llm", **ALEX}).text
    )
    assert "Judge: <strong>offline</strong>" in page
    why = (
        "The language-model judge was not used: its reply was rejected: the reply is not valid JSON"
    )
    assert why in page
    assert "Two judges compared" not in page
    assert "Validating emotions" in page  # the normal report is still there


def test_an_unknown_judge_is_refused(person: Person) -> None:
    response = person.post("/analyse", {"transcript": CONVERSATION, "judge": "oracle", **ALEX})
    assert response.status_code == 400
    assert "Choose a judge: offline or llm." in response.text
