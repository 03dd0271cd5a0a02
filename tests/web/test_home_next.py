"""The home page says what is next: a run to continue, a weak skill to practise, mentoring."""

from __future__ import annotations

import html
from typing import Any

from tests.web.helpers import Person, asked_pair, ended_run, sign_up

from empathic.db import utcnow
from empathic.practice.home import weakest_skill
from empathic.practice.models import PracticeRun


def test_a_new_learner_is_pointed_at_a_first_run(learner: Person) -> None:
    page = learner.client.get("/").text
    assert 'id="next-h"' in page and "Start your first practice conversation" in page


def test_a_run_in_progress_and_the_weakest_skill_come_first(app: Any, learner: Person) -> None:
    ended_run(learner, "mentor-milestones")
    started = learner.post("/practice/ai-tool-anxiety/start", {"difficulty": "easy"})
    run_id = str(started.url).rsplit("/", 1)[-1]
    page = html.unescape(learner.client.get("/").text)
    assert f'href="/runs/{run_id}">Continue “' in page
    assert "Start your first practice conversation" not in page
    assert "Practise " in page and 'href="/practice/' in page


def test_the_weakest_skill_counts_advice_first_inverted() -> None:
    def run(**skills: float) -> PracticeRun:
        return PracticeRun(summary={"skills": skills}, created_at=utcnow())

    few_reflections = [run(reflections=0.1, open_questions=0.5, warmth=0.5, advice_first=0.2)]
    assert weakest_skill(few_reflections)[0] == "reflections"
    much_advice = [run(reflections=0.6, open_questions=0.5, warmth=0.5, advice_first=0.8)]
    assert weakest_skill(much_advice) == ("advice_first", 0.8)


def test_mentoring_invitations_and_check_ins_due_are_listed(
    admin: Person, make_client: Any
) -> None:
    mona, theo = sign_up(make_client(), "Mona"), sign_up(make_client(), "Theo")
    pair_id = asked_pair(theo, mona)
    assert "Theo invited you to mentoring: accept or decline" in mona.client.get("/").text
    mona.post(f"/mentoring/pairs/{pair_id}/state", {"action": "accept"})
    assert "invited you" not in mona.client.get("/").text
    assert "Time for a check-in with Mona" in theo.client.get("/").text
    theo.post(
        f"/mentoring/pairs/{pair_id}/checkins", {"energy": "3", "workload": "3", "support": "4"}
    )
    assert "Time for a check-in" not in theo.client.get("/").text
