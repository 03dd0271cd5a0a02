"""Playing a run on the web: plain forms, the JSON + server-sent-events path, durability."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.helpers import Person, csrf, run_seed, sign_up, sse_events

from empathic.config import Settings
from empathic.practice.models import PracticeRun
from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import find_scenario
from empathic.web.app import create_app

SCENARIO = "ai-tool-anxiety"


def start(person: Person, scenario: str = SCENARIO, **form: str) -> str:
    """Start a run from the pre-brief form; returns its id."""
    data = {"difficulty": "medium", "intention": "", **form}
    response = person.post(f"/practice/{scenario}/start", data, follow_redirects=False)
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    assert location.startswith("/runs/")
    return location.removeprefix("/runs/")


def say(person: Person, run_id: str, text: str) -> Any:
    return person.post(f"/runs/{run_id}/turns", {"text": text}, follow_redirects=False)


def test_a_turn_is_played_stored_and_shown_after_reload(app: Any, learner: Person) -> None:
    run_id = start(learner, intention="reflect feelings first")
    page = learner.client.get(f"/runs/{run_id}")
    scenario = find_scenario(SCENARIO)
    assert page.status_code == 200
    assert 'for="turn-text"' in page.text and "End conversation" in page.text
    assert "<meter" not in page.text  # coach mode is off
    line = scenario.playthroughs.empathic.lines[0]
    response = say(learner, run_id, line)
    assert response.status_code == 303
    assert response.headers["location"] == f"/runs/{run_id}"
    expected = run_lines(scenario, [line], seed=run_seed(app, run_id)).steps[0].reply
    page = html.unescape(learner.client.get(f"/runs/{run_id}").text)
    assert line in page and expected in page


def test_an_empty_turn_is_a_400_that_keeps_nothing_lost(learner: Person) -> None:
    run_id = start(learner)
    page = say(learner, run_id, "   ")
    assert page.status_code == 400
    assert "Write what you would say" in page.text
    token = csrf(learner.client, f"/runs/{run_id}")
    too_long = learner.client.post(
        f"/runs/{run_id}/turns",
        data={"text": "word " * 500},
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )
    assert too_long.status_code == 400
    assert "under 2000 characters" in too_long.json()["detail"]


def test_json_turn_then_event_stream_gives_the_stored_reply(app: Any, learner: Person) -> None:
    run_id = start(learner, coach="1")
    page = learner.client.get(f"/runs/{run_id}")
    assert "<meter" in page.text and 'src="/static/practice.js" defer' in page.text
    token = csrf(learner.client, f"/runs/{run_id}")
    scenario = find_scenario(SCENARIO)
    line = scenario.playthroughs.empathic.lines[0]
    response = learner.client.post(
        f"/runs/{run_id}/turns",
        data={"text": line},
        headers={"X-CSRF-Token": token, "Accept": "application/json"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["index"] == 1 and body["learner"] == line and body["finished"] is False
    assert body["stream"] == f"/runs/{run_id}/turns/1/stream"
    assert body["debrief"] == f"/runs/{run_id}/debrief"
    streamed = learner.client.get(body["stream"])
    assert streamed.headers["content-type"].startswith("text/event-stream")
    parsed = sse_events(streamed.text)
    tokens = [json.loads(data) for name, data in parsed if name == "token"]
    expected = run_lines(scenario, [line], seed=run_seed(app, run_id)).steps[0]
    assert len(tokens) > 3
    assert "".join(tokens) == expected.reply
    assert [name for name, _ in parsed[-2:]] == ["state", "done"]
    state = json.loads(parsed[-2][1])
    assert state["trust"] == pytest.approx(expected.after.trust, abs=1e-3)
    assert json.loads(parsed[-1][1]) == {"finished": False, "debrief": body["debrief"]}
    # the answer carries the same reply and coach state: the page needs no second request
    assert body["reply"] == expected.reply and body["state"] == state
    assert learner.client.get(f"/runs/{run_id}/turns/2/stream").status_code == 404


def test_no_state_event_without_coach_mode(learner: Person) -> None:
    run_id = start(learner)
    say(learner, run_id, "How are you doing today?")
    names = [
        name for name, _ in sse_events(learner.client.get(f"/runs/{run_id}/turns/1/stream").text)
    ]
    assert "state" not in names and names[-1] == "done"


def test_the_empathic_playthrough_ends_in_a_good_debrief(learner: Person) -> None:
    run_id = start(learner, intention="name feelings before facts")
    scenario = find_scenario(SCENARIO)
    response = None
    for line in scenario.playthroughs.empathic.lines:
        response = say(learner, run_id, line)
        if response.headers["location"].endswith("/debrief"):
            break
    assert response is not None
    assert response.headers["location"] == f"/runs/{run_id}/debrief"
    assert learner.client.get(f"/runs/{run_id}", follow_redirects=False).status_code == 303
    page = learner.client.get(f"/runs/{run_id}/debrief")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert 'Outcome: <span class="badge good">good</span>' in text
    assert "name feelings before facts" in text
    assert "What the AI cannot know" in text and "<svg" in text
    assert "Reflection-to-question ratio" in text
    metrics = text.split('id="skills-h"')[1].split("<h3>Rubric</h3>")[0]
    assert "Fair from" in metrics and "None" not in metrics
    assert metrics.count('<span class="badge') == 2  # a band for each MITI score
    corrections = text.count(f'action="/runs/{run_id}/corrections"')
    assert text.count("Is a label wrong?") == corrections >= 5
    assert len(re.findall(r'aria-label="Try turn \d+ again in a new run"', text)) == corrections
    assert "Try this conversation again" in text
    after = say(learner, run_id, "One more thing?")
    assert after.status_code == 400 and "has ended" in after.text


def test_end_button_ends_in_the_debrief(learner: Person) -> None:
    run_id = start(learner)
    say(learner, run_id, "Let's just get the tool set up, it will save everyone time.")
    response = learner.post(f"/runs/{run_id}/end", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/runs/{run_id}/debrief"
    page = learner.client.get(f"/runs/{run_id}/debrief")
    assert page.status_code == 200
    assert "learner ended" in page.text


def test_ending_before_any_turn_still_gives_a_debrief(learner: Person) -> None:
    run_id = start(learner)
    page = learner.post(f"/runs/{run_id}/end")
    assert page.status_code == 200
    assert "nothing to measure" in page.text and "Is a label wrong?" not in page.text


def test_a_run_survives_a_restart(web_settings: Settings, app: Any, learner: Person) -> None:
    scenario = find_scenario(SCENARIO)
    lines = scenario.playthroughs.empathic.lines[:3]
    run_id = start(learner, difficulty="hard")
    say(learner, run_id, lines[0])
    say(learner, run_id, lines[1])
    fresh = create_app(web_settings, run_migrations=False)
    try:
        with TestClient(fresh) as browser:
            browser.cookies.update(learner.client.cookies)
            moved = Person(browser, learner.email, learner.name)
            assert lines[1] in html.unescape(browser.get(f"/runs/{run_id}").text)
            assert say(moved, run_id, lines[2]).status_code == 303
            with fresh.state.sessions() as db:
                from empathic.practice.models import PracticeRun

                run = db.get(PracticeRun, run_id)
                replies = [t.reply for t in run.turns]
                seed = run.seed
            assert fresh.state.simulations.replays == 1
    finally:
        fresh.state.engine.dispose()
    uninterrupted = run_lines(scenario, lines, difficulty="hard", seed=seed)
    assert replies == [step.reply for step in uninterrupted.steps]


def test_a_turn_played_twice_at_once_is_a_conflict_not_a_500(app: Any, learner: Person) -> None:
    """Two workers that both think turn 1 is next: the second commit is refused cleanly."""
    from empathic.practice import service
    from empathic.practice.models import PracticeRun
    from empathic.roleplay.loading import find_scenario

    started = learner.post("/practice/mentor-milestones/start", {"difficulty": "easy"})
    run_id = str(started.url).rsplit("/", 1)[-1]
    with app.state.sessions() as first, app.state.sessions() as second:
        run_a, run_b = first.get(PracticeRun, run_id), second.get(PracticeRun, run_id)
        stale = service.new_simulation(find_scenario("mentor-milestones"), "easy", run_b.seed)
        service.play_turn(first, service.SimulationCache(), run_a, "How are you?")
        other = service.SimulationCache()
        other.get = lambda run: stale  # type: ignore[method-assign]
        second.refresh = lambda *a, **k: None  # type: ignore[method-assign]
        with pytest.raises(service.TurnConflict):
            service.play_turn(second, other, run_b, "How are you really?")


def test_try_again_from_a_turn_replays_the_turns_before_it(app: Any, learner: Person) -> None:
    """A new run, same seed: the earlier turns and replies are the same; the old run stays."""
    run_id = start(learner)
    lines = find_scenario(SCENARIO).playthroughs.empathic.lines[:3]
    for line in lines:
        say(learner, run_id, line)
    again = learner.post(f"/runs/{run_id}/retry", {"turn": "3"}, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] != f"/runs/{run_id}"
    new_id = again.headers["location"].removeprefix("/runs/")
    with app.state.sessions() as db:
        old, new = db.get(PracticeRun, run_id), db.get(PracticeRun, new_id)
        assert old is not None and new is not None and new.seed == old.seed
        assert [t.learner_text for t in new.turns] == [t.learner_text for t in old.turns[:2]]
        assert [t.reply for t in new.turns] == [t.reply for t in old.turns[:2]]
        assert len(old.turns) == 3  # the old run is untouched
    page = learner.client.get(f"/runs/{new_id}").text
    assert "more turns" in page and html.escape(lines[1], quote=False) in page
    fresh = learner.post(f"/runs/{run_id}/retry", {"turn": "1"}, follow_redirects=False)
    assert fresh.status_code == 303
    with app.state.sessions() as db:
        run = db.get(PracticeRun, fresh.headers["location"].removeprefix("/runs/"))
        assert run is not None and run.turns == [] and run.status == "active"
    assert learner.post(f"/runs/{run_id}/retry", {"turn": "9"}).status_code == 400
    assert learner.post(f"/runs/{run_id}/retry", {"turn": "²"}).status_code == 400


def test_a_run_in_progress_can_be_discarded_but_an_ended_one_cannot(
    app: Any, learner: Person, make_client: Any
) -> None:
    run_id = start(learner)
    library = learner.client.get("/practice").text
    assert f'action="/runs/{run_id}/discard"' in library
    other = sign_up(make_client(), "Olu Other")
    assert other.post(f"/runs/{run_id}/discard").status_code == 404  # not theirs
    gone = learner.post(f"/runs/{run_id}/discard")
    assert gone.status_code == 200 and "The conversation was discarded." in gone.text
    assert f"/runs/{run_id}" not in gone.text
    assert learner.client.get(f"/runs/{run_id}").status_code == 404
    ended = start(learner)
    say(learner, ended, find_scenario(SCENARIO).playthroughs.empathic.lines[0])
    learner.post(f"/runs/{ended}/end")
    assert learner.post(f"/runs/{ended}/discard").status_code == 400
    assert learner.client.get(f"/runs/{ended}/debrief").status_code == 200


def test_two_runs_of_a_scenario_compare_before_and_after(
    app: Any, learner: Person, make_client: Any
) -> None:
    """The debrief links to the previous run of the scenario; the page shows what changed."""
    lines = find_scenario(SCENARIO).playthroughs
    first = start(learner)
    say(learner, first, lines.poor.lines[0])
    learner.post(f"/runs/{first}/end")
    second = start(learner)
    for line in lines.empathic.lines[:3]:
        say(learner, second, line)
    learner.post(f"/runs/{second}/end")
    debrief = learner.client.get(f"/runs/{second}/debrief").text
    link = f"/runs/compare?before={first}&amp;after={second}"
    assert link in debrief
    page = learner.client.get(html.unescape(link))
    assert page.status_code == 200 and "What changed between the two runs" in page.text
    assert '<span class="badge good">better</span>' in page.text  # listening improved
    other = sign_up(make_client(), "Olu Other")
    assert other.client.get(html.unescape(link)).status_code == 404  # not theirs
    mixed = start(learner, "mentor-milestones")
    say(learner, mixed, "How are you?")
    learner.post(f"/runs/{mixed}/end")
    refused = learner.client.get(f"/runs/compare?before={first}&after={mixed}")
    assert refused.status_code == 400 and "same scenario" in refused.text
