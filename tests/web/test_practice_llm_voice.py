"""The language-model voice in the browser: streamed phrasing, checks, fallbacks, admin choice.

Runs against the stub OpenAI-compatible server of tests/test_llm.py on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.helpers import Person, csrf, run_seed, sign_up, sse_events

from empathic.config import Settings
from empathic.practice.models import PracticeRun, PracticeTurn
from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import find_scenario
from empathic.web.app import create_app
from test_llm import Reply, StubServer

SCENARIO = "mentor-milestones"
PHRASED = ["Honestly, ", "it has been ", "a rough few weeks."]


@pytest.fixture
def stub() -> Iterator[StubServer]:
    server = StubServer().start()
    server.default = Reply(content="".join(PHRASED), chunks=PHRASED)
    yield server
    server.stop()


@pytest.fixture
def llm_app(isolated_env: Path, database_url: str, stub: StubServer) -> Iterator[Any]:
    settings = Settings(
        data_dir=isolated_env, database_url=database_url, llm_base_url=stub.url, llm_timeout_s=2
    )
    app = create_app(settings, run_migrations=False)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def people(llm_app: Any) -> Iterator[tuple[Person, Person]]:
    admin_client, learner_client = TestClient(llm_app), TestClient(llm_app)
    admin = sign_up(admin_client, "Ada Admin")
    learner = sign_up(learner_client, "Lee Learner")
    yield admin, learner
    admin_client.close()
    learner_client.close()


def _events(text: str) -> list[tuple[str, Any]]:
    return [(name, json.loads(data)) for name, data in sse_events(text)]


def _start(learner: Person) -> str:
    started = learner.post(f"/practice/{SCENARIO}/start", {"difficulty": "medium"})
    return str(started.url).rsplit("/", 1)[-1]


def _turn(learner: Person, run_id: str, text: str) -> list[tuple[str, Any]]:
    headers = {"X-CSRF-Token": csrf(learner.client), "Accept": "application/json"}
    body = learner.client.post(f"/runs/{run_id}/turns", data={"text": text}, headers=headers)
    assert body.status_code == 200, body.text
    return _events(learner.client.get(body.json()["stream"]).text)


def _stored(app: Any, run_id: str) -> list[PracticeTurn]:
    with app.state.sessions() as db:
        query = select(PracticeTurn).where(PracticeTurn.run_id == run_id)
        return list(db.scalars(query.order_by(PracticeTurn.index)))


def test_an_llm_scenario_streams_the_models_tokens_and_keeps_them(
    llm_app: Any, people: tuple[Person, Person], stub: StubServer
) -> None:
    admin, learner = people
    assert admin.post(f"/admin/voices/{SCENARIO}", {"voice": "llm"}).status_code == 200
    run_id = _start(learner)
    events = _turn(learner, run_id, "How have things been for you lately?")
    assert [data for name, data in events if name == "token"] == PHRASED
    assert "replace" not in [name for name, _ in events] and events[-1][0] == "done"
    (turn,) = _stored(llm_app, run_id)
    assert (turn.reply, turn.voice) == ("".join(PHRASED), "llm")
    requests = len(stub.requests)
    again = _events(learner.client.get(f"/runs/{run_id}/turns/1/stream").text)
    assert "".join(d for n, d in again if n == "token") == "".join(PHRASED)
    assert len(stub.requests) == requests  # voiced once, then served as stored


def test_a_reply_failing_a_check_is_replaced_by_the_scripted_line(
    llm_app: Any, people: tuple[Person, Person], stub: StubServer
) -> None:
    admin, learner = people
    admin.post(f"/admin/voices/{SCENARIO}", {"voice": "llm"})
    stub.default = Reply(content="As an AI language model I cannot say.")
    run_id = _start(learner)
    events = _turn(learner, run_id, "How have things been for you lately?")
    (turn,) = _stored(llm_app, run_id)
    assert (turn.voice, turn.voice_note) == ("fallback", "out of role")
    assert ("replace", turn.reply) in events
    scripted = run_lines(
        find_scenario(SCENARIO), [turn.learner_text], seed=run_seed(llm_app, run_id)
    )
    assert turn.reply == scripted.steps[0].reply


def test_an_endpoint_error_falls_back_too(
    llm_app: Any, people: tuple[Person, Person], stub: StubServer
) -> None:
    admin, learner = people
    admin.post(f"/admin/voices/{SCENARIO}", {"voice": "llm"})
    stub.default = Reply(status=500, raw='{"error": {"message": "down"}}')
    run_id = _start(learner)
    events = _turn(learner, run_id, "How have things been for you lately?")
    (turn,) = _stored(llm_app, run_id)
    assert turn.voice == "fallback" and "LLMServerError" in turn.voice_note
    assert events[-1][0] == "done" and ("replace", turn.reply) in events


def test_decisions_match_the_scripted_voice_and_no_locked_fact_is_sent(
    llm_app: Any, people: tuple[Person, Person], stub: StubServer
) -> None:
    admin, learner = people
    admin.post(f"/admin/voices/{SCENARIO}", {"voice": "llm"})
    scenario = find_scenario(SCENARIO)
    lines = scenario.playthroughs.poor.lines
    run_id = _start(learner)
    for line in lines:
        events = _turn(learner, run_id, line)
        if events[-1][1]["finished"]:
            break
    stored = _stored(llm_app, run_id)
    scripted = run_lines(scenario, [t.learner_text for t in stored], seed=run_seed(llm_app, run_id))
    states = [{k: round(v, 3) for k, v in s.after.as_dict().items()} for s in scripted.steps]
    assert [t.state for t in stored] == states
    locked = [f for f in scenario.facts if f.id not in scripted.uncovered]
    assert locked and stub.requests
    sent = json.dumps(stub.requests)
    for fact in locked:
        for text in (*fact.lines, *fact.more, fact.summary):
            assert text not in sent


def test_only_admins_choose_voices_and_llm_needs_an_endpoint(
    admin: Person, learner: Person
) -> None:
    assert learner.client.get("/admin/voices").status_code == 403
    assert learner.post(f"/admin/voices/{SCENARIO}", {"voice": "llm"}).status_code == 403
    page = admin.client.get("/admin/voices")
    assert page.status_code == 200 and "No language model is configured" in page.text
    refused = admin.post(f"/admin/voices/{SCENARIO}", {"voice": "llm"})
    assert refused.status_code == 400 and "EMPATHIC_LLM_BASE_URL" in refused.text
    assert admin.post("/admin/voices/no-such-scenario", {"voice": "scripted"}).status_code == 404


GOOD = "It sounds like you feel stretched thin and worried that nobody sees how much you carry."


def test_the_debrief_shows_checked_model_rewrites_once_per_run(
    llm_app: Any, people: tuple[Person, Person], stub: StubServer
) -> None:
    admin, learner = people
    admin.post(f"/admin/voices/{SCENARIO}", {"voice": "llm"})

    def respond(body: dict[str, Any]) -> Reply:
        if "coach of empathic communication" in json.dumps(body):
            return Reply(content=GOOD)
        return Reply(content="".join(PHRASED), chunks=PHRASED)

    stub.responder = respond
    run_id = _start(learner)
    for line in find_scenario(SCENARIO).playthroughs.poor.lines[:4]:
        _turn(learner, run_id, line)
    learner.post(f"/runs/{run_id}/end")
    page = learner.client.get(f"/runs/{run_id}/debrief")
    assert page.status_code == 200
    assert "Or: “" + GOOD.replace("'", "&#39;") + "”" in page.text
    asked = sum("coach of empathic communication" in json.dumps(b) for b in stub.requests)
    assert asked >= 1
    learner.client.get(f"/runs/{run_id}/debrief")
    again = sum("coach of empathic communication" in json.dumps(b) for b in stub.requests)
    assert again == asked  # kept with the run, not asked again


def test_a_turn_is_claimed_once_so_a_second_stream_never_phrases_it_again(
    llm_app: Any, people: tuple[Person, Person], stub: StubServer
) -> None:
    from empathic.practice import voicing

    admin, learner = people
    admin.post(f"/admin/voices/{SCENARIO}", {"voice": "llm"})
    run_id = _start(learner)
    headers = {"X-CSRF-Token": csrf(learner.client), "Accept": "application/json"}
    body = learner.client.post(
        f"/runs/{run_id}/turns", data={"text": "How are things?"}, headers=headers
    ).json()
    assert "reply" not in body, "a reply the model will phrase is read from its stream"
    with llm_app.state.sessions() as db:  # another tab's stream got there first
        assert voicing.claim_turn(db, run_id, 1) is True
        assert voicing.claim_turn(db, run_id, 1) is False
    requests = len(stub.requests)
    events = _events(learner.client.get(body["stream"]).text)
    (turn,) = _stored(llm_app, run_id)
    assert "".join(d for n, d in events if n == "token") == turn.reply  # the stored line
    assert len(stub.requests) == requests  # and no second request to the model


def test_the_model_continues_the_conversation_the_learner_saw(
    llm_app: Any, people: tuple[Person, Person], stub: StubServer
) -> None:
    admin, learner = people
    admin.post(f"/admin/voices/{SCENARIO}", {"voice": "llm"})
    first = "Honestly it has been a strange few weeks for me."
    stub.queue = [Reply(content=first, chunks=[first])]
    run_id = _start(learner)
    _turn(learner, run_id, "How have things been for you lately?")
    assert _stored(llm_app, run_id)[0].reply == first
    _turn(learner, run_id, "Strange in what way?")
    second_request = json.dumps(stub.requests[-1])
    assert first in second_request  # its own earlier words, not the scripted line
    line = "How have things been for you lately?"
    scripted = run_lines(find_scenario(SCENARIO), [line], seed=run_seed(llm_app, run_id))
    assert scripted.steps[0].reply != first  # the run's own scripted line, not the model's
    assert scripted.steps[0].reply not in second_request


def test_the_debrief_quotes_the_replies_the_learner_saw(
    llm_app: Any, people: tuple[Person, Person], stub: StubServer
) -> None:
    from empathic.practice import service

    admin, learner = people
    admin.post(f"/admin/voices/{SCENARIO}", {"voice": "llm"})
    run_id = _start(learner)
    _turn(learner, run_id, "How have things been for you lately?")
    learner.post(f"/runs/{run_id}/end")
    with llm_app.state.sessions() as db:
        run = db.get(PracticeRun, run_id)
        debrief = service.debrief_for(run, llm_app.state.simulations).to_dict()
    said = [t["text"] for t in debrief["report"]["turns"]]
    assert "".join(PHRASED) in said
