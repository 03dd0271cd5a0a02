"""My growth: one chart point per ended run, the history table, and the empty state.

`play_run` is shared with the facilitator tests: it plays a scripted run through the
practice service, as the practice pages would, so summaries are the real stored ones.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from tests.web.helpers import Person

from empathic.accounts.models import User
from empathic.practice.service import end_run, play_turn, start_run
from empathic.roleplay.loading import load_library


def user_id(app: Any, email: str) -> int:
    with app.state.sessions() as db:
        found = db.scalar(select(User.id).where(User.email == email))
        assert found is not None
        return int(found)


def play_run(
    app: Any,
    email: str,
    *,
    scenario: int = 0,
    kind: str = "empathic",
    shared: bool = False,
    end: bool = True,
    turns: int | None = None,
) -> tuple[str, dict[str, Any] | None]:
    """Play a library playthrough (or its first `turns` lines); returns run id and summary."""
    chosen = load_library()[scenario]
    lines = getattr(chosen.playthroughs, kind).lines[:turns]
    with app.state.sessions() as db:
        user = db.scalar(select(User).where(User.email == email))
        run = start_run(db, user, chosen.id, seed=7)
        for line in lines:
            if play_turn(db, app.state.simulations, run, line).finished:
                break
        if end and run.status != "ended":
            end_run(db, app.state.simulations, run)
        run.shared = shared
        db.commit()
        return run.id, run.summary


def table_rows(html: str) -> list[list[str]]:
    """The rows of the chart's data table (label first), as the page shows them."""
    table = html.split('<details class="chart-data">', 1)[1].split("</details>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]


def test_growth_needs_sign_in(client: Any) -> None:
    response = client.get("/growth", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin")


def test_empty_growth_points_to_practice(learner: Person) -> None:
    page = learner.client.get("/growth")
    assert page.status_code == 200
    assert "no practice runs yet" in page.text
    assert 'href="/practice"' in page.text
    assert "<svg" not in page.text


def test_chart_points_are_the_stored_skills_oldest_first(app: Any, learner: Person) -> None:
    first_id, first = play_run(app, learner.email, kind="poor")
    second_id, second = play_run(app, learner.email, scenario=1, shared=True)
    active_id, _ = play_run(app, learner.email, scenario=2, end=False, turns=1)
    page = learner.client.get("/growth")
    assert page.status_code == 200
    assert page.text.count('<circle cx="') == 5 * 2  # five series, one point per ended run
    rows = table_rows(page.text)
    assert [row[0][:3] for row in rows] == ["1. ", "2. "]
    for row, summary in zip(rows, (first, second), strict=True):
        assert summary is not None
        skills = summary["skills"]
        expected = [
            skills["reflections"],
            skills["open_questions"],
            skills["warmth"],
            skills["advice_first"],
            summary["trust"],
        ]
        assert row[1:] == [f"{value:.0%}" for value in expected]
    assert first != second  # the poor and the empathic run differ, so order is checked
    assert f'href="/runs/{first_id}/debrief"' in page.text
    assert f'href="/runs/{second_id}/debrief"' in page.text
    assert f'href="/runs/{active_id}"' in page.text
    assert "shared" in page.text and "private" in page.text


def test_growth_shows_only_my_runs(app: Any, admin: Person, learner: Person) -> None:
    other_id, _ = play_run(app, admin.email, shared=True)
    page = learner.client.get("/growth")
    assert other_id not in page.text
    assert "no practice runs yet" in page.text
