"""The practice library and the pre-brief: filters, links, and no hidden fact ever shown."""

from __future__ import annotations

import html
import re

from tests.web.helpers import Person

from empathic.roleplay.loading import find_scenario, load_library


def test_library_lists_every_scenario_and_links_to_its_prebrief(learner: Person) -> None:
    page = learner.client.get("/practice")
    assert page.status_code == 200
    for scenario in load_library():
        assert f'href="/practice/{scenario.id}"' in page.text
        assert f"{scenario.counterpart.time_budget.minutes} minutes" in page.text


def test_library_filters_by_setting_and_skill(learner: Person) -> None:
    scenarios = load_library()
    skill = "respecting privacy"
    page = learner.client.get("/practice", params={"skill": skill})
    shown = set(re.findall(r'<h3><a href="/practice/([a-z0-9-]+)"', page.text))
    assert shown == {s.id for s in scenarios if skill in s.competencies}
    assert shown and len(shown) < len(scenarios)
    page = learner.client.get("/practice", params={"setting": "msl", "skill": "active listening"})
    shown = set(re.findall(r'<h3><a href="/practice/([a-z0-9-]+)"', page.text))
    expected = {s.id for s in scenarios if "msl" in s.tags and "active listening" in s.competencies}
    assert shown == expected and expected
    empty = learner.client.get("/practice", params={"setting": "msl", "skill": skill})
    assert "No scenario matches" in empty.text


def test_difficulty_filter_preselects_the_level_in_the_prebrief(learner: Person) -> None:
    page = learner.client.get("/practice", params={"difficulty": "hard"})
    assert 'href="/practice/ai-tool-anxiety?difficulty=hard"' in page.text
    brief = learner.client.get("/practice/ai-tool-anxiety?difficulty=hard")
    assert '<option value="hard" selected>' in brief.text


def test_prebrief_shows_the_public_card_and_never_a_hidden_fact(learner: Person) -> None:
    for scenario in load_library():
        page = learner.client.get(f"/practice/{scenario.id}")
        assert page.status_code == 200
        text = html.unescape(page.text)
        assert scenario.learner.goal in text
        assert scenario.counterpart.style in text
        assert 'for="intention"' in text and 'for="coach"' in text
        for fact in scenario.facts:
            for line in [*fact.lines, *fact.more]:
                assert line not in text, f"{scenario.id}: hidden fact {fact.id} leaked"
            assert fact.summary not in text


def test_unknown_scenario_is_a_404_page(learner: Person) -> None:
    page = learner.client.get("/practice/no-such-scenario")
    assert page.status_code == 404
    assert "Not found" in page.text
    response = learner.post("/practice/no-such-scenario/start", {"difficulty": "easy"})
    assert response.status_code == 404


def test_start_rejects_a_bad_difficulty_and_keeps_the_intention(learner: Person) -> None:
    response = learner.post(
        "/practice/ai-tool-anxiety/start", {"difficulty": "extreme", "intention": "listen more"}
    )
    assert response.status_code == 400
    assert "Choose a difficulty" in response.text
    assert "listen more" in response.text


def test_practice_pages_need_sign_in(client: object) -> None:
    response = client.get("/practice", follow_redirects=False)  # type: ignore[attr-defined]
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin")


def test_runs_in_progress_are_listed(learner: Person) -> None:
    scenario = find_scenario("remote-wellbeing")
    started = learner.post(
        f"/practice/{scenario.id}/start", {"difficulty": "easy"}, follow_redirects=False
    )
    location = started.headers["location"]
    page = learner.client.get("/practice")
    assert f'href="{location}"' in page.text
    assert scenario.title in page.text
