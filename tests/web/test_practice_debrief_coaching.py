"""The web debrief shows why the run ended, each turn's listening coaching in its card, the
stock phrases with their counts and the rubric evidence, worded for whoever is reading."""

from __future__ import annotations

import dataclasses
import html
import re
from typing import Any

import pytest
from tests.web.helpers import Person, sign_up
from tests.web.test_practice_access import make_facilitator, set_role

from empathic.practice import service
from empathic.practice.models import PracticeRun
from empathic.roleplay.render import rubric_evidence

SCENARIO = "mentor-milestones"
STOCK = "I hear you. That sounds hard. Tell me more."


def _text(raw: str) -> str:
    """What a reader sees: the tags dropped, then the escapes undone."""
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def _card(raw: str, number: int) -> str:
    """The text of one learner turn's card on the debrief page."""
    return _text(raw.split(f'id="turn-{number}"')[1].split("</article>")[0])


def _skills(raw: str) -> str:
    return _text(raw.split('id="skills-h"')[1].split('id="turns-h"')[0])


def _stock_run(person: Person, turns: int = 4) -> str:
    started = person.post(f"/practice/{SCENARIO}/start", {"difficulty": "easy"})
    run_id = str(started.url).rsplit("/", 1)[-1]
    for _ in range(turns):
        response = person.post(f"/runs/{run_id}/turns", {"text": STOCK}, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/runs/{run_id}"  # still going
    assert person.post(f"/runs/{run_id}/end").status_code == 200
    return run_id


def _debrief(app: Any, run_id: str) -> dict[str, Any]:
    """The debrief the page is built from."""
    with app.state.sessions() as db:
        run = db.get(PracticeRun, run_id)
        assert run is not None
        return service.debrief_for(run, app.state.simulations).to_dict()


def test_the_owner_sees_why_it_ended_stock_counts_and_coaching_in_each_turn(
    app: Any, learner: Person
) -> None:
    run_id = _stock_run(learner)
    d = _debrief(app, run_id)
    page = learner.client.get(f"/runs/{run_id}/debrief")
    assert page.status_code == 200
    raw = page.text
    assert d["ended_why"] and f"Why it ended: {d['ended_why']}" in _text(raw)
    skills = _skills(raw)
    assert "'I hear you' 4 times" in skills
    assert "0 of 4 turns took up what Jordan Lee said" in skills
    turns = d["listening"]["turns"]
    assert [t["turn"] for t in turns] == [1, 2, 3, 4]
    for item in turns:
        card = _card(raw, item["turn"])
        assert f"You said: “{STOCK}”" in card
        assert item["try"] and f"What to try: {item['try']}" in card
        if item["worked"]:
            assert f"What worked: {item['worked']}" in card
        if item.get("rewrite"):
            assert f"Your line, rewritten: “{item['rewrite']['text']}”" in card
    assert "nearly repeats your turn 1" in _card(raw, 2)
    assert "nearly repeats" not in _card(raw, 1)
    for row in d["rubric"]:
        for quote in rubric_evidence(row):
            assert f"{quote['label']}: “{quote['quote']}”" in skills
    assert "The learner said:" not in _text(raw) and "Their line" not in _text(raw)
    assert "Turn None" not in _text(raw)


def test_a_facilitator_reads_the_learners_lines_and_rubric_evidence(
    app: Any, admin: Person, learner: Person, make_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = _stock_run(learner, turns=3)
    coach = sign_up(make_client(), "Fay Facilitator")
    set_role(admin, learner, "learner", "Ward 7")
    make_facilitator(admin, coach, "Ward 7")
    learner.post(f"/runs/{run_id}/share", {"shared": "1"})
    rewrite = {
        "text": "It sounds like the <b>milestones</b> feel out of reach.",
        "why": "Starts from their words & asks about them.",
        "reuses": ["milestones"],
        "before": 0.5,
        "after": 4.0,
    }
    real = service.debrief_for

    def with_extras(run: PracticeRun, cache: Any, *corrected: Any) -> Any:
        found = real(run, cache, *corrected)
        turns = [{**t, "rewrite": None} for t in found.listening["turns"]]
        turns[1]["rewrite"] = rewrite
        rubric = [{**row, "evidence": []} for row in found.rubric]
        rubric[0]["evidence"] = [{"turn": 2, "quote": "<i>sounds hard</i>"}]
        listening = {**found.listening, "turns": turns}
        return dataclasses.replace(found, listening=listening, rubric=rubric)

    monkeypatch.setattr(service, "debrief_for", with_extras)
    for person, mine in ((coach, False), (learner, True)):
        page = person.client.get(f"/runs/{run_id}/debrief")
        assert page.status_code == 200
        raw = page.text
        assert "<b>milestones</b>" not in raw and "<i>sounds hard</i>" not in raw
        text = _text(raw)
        card = _card(raw, 2)
        said, line, they = (
            ("You said", "Your line", "you") if mine else ("The learner said", "Their line", "they")
        )
        assert f"{said}: “{STOCK}”" in card
        assert f"{line}, rewritten: “{rewrite['text']}”" in card
        assert "It takes up Jordan Lee's words: “milestones”." in card
        assert f"Scored 0.5 as {they} said it and 4 rewritten" in card
        assert "rewritten" not in _card(raw, 1) and "rewritten" not in _card(raw, 3)
        assert "Turn 2: “<i>sounds hard</i>”" in _skills(raw)
        assert "'I hear you' 3 times" in _skills(raw)
        assert ("You said:" in text) is mine and ("The learner said:" in text) is not mine
        whose = "Your" if mine else "The learner's"
        assert f"{whose} metrics against the MITI 4" in text
        assert f"{they} spoke " in _skills(raw)
        assert ("The coaching below is written to them" in text) is not mine
