"""Facilitator views: cohort aggregates only above the minimum group size, shared runs of
one's own team only, audited views, and 403/404 for people out of scope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.web.helpers import Person, sign_up
from tests.web.test_insights_growth import play_run, table_rows, user_id

from empathic.accounts.models import AuditEntry, Team
from empathic.config import Settings
from empathic.db import utcnow
from empathic.practice.models import PracticeRun
from empathic.web.app import create_app

HIDDEN = "Too few learners to show without identifying someone"


def make_team(app: Any, admin: Person, name: str) -> int:
    assert admin.post("/admin/teams", {"name": name}, follow_redirects=False).status_code < 400
    with app.state.sessions() as db:
        return int(db.scalar(select(Team.id).where(Team.name == name)))


def assign(app: Any, admin: Person, person: Person, role: str, team_id: int | None) -> int:
    uid = user_id(app, person.email)
    data = {"role": role, "team_id": "" if team_id is None else str(team_id)}
    assert admin.post(f"/admin/users/{uid}", data, follow_redirects=False).status_code < 400
    return uid


def audit_entries(app: Any) -> list[tuple[int | None, int | None, str]]:
    with app.state.sessions() as db:
        rows = db.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.actor_id, e.subject_id, e.action) for e in rows]


@pytest.fixture
def small_app(web_settings: Settings, tmp_path: Path) -> Iterator[Any]:
    """The same database with a minimum group size of 2, so cohorts need few accounts."""
    settings = Settings(data_dir=tmp_path, database_url=web_settings.database_url, min_group_size=2)
    application = create_app(settings, run_migrations=False)
    yield application
    application.state.engine.dispose()


def test_learners_get_403(learner: Person) -> None:
    assert learner.client.get("/facilitator").status_code == 403
    assert learner.client.get("/facilitator/learners/1").status_code == 403


def test_facilitator_sees_own_teams_shared_runs_only(
    app: Any, admin: Person, make_client: Any
) -> None:
    ours, theirs = make_team(app, admin, "Ours"), make_team(app, admin, "Theirs")
    fac, mate, quiet, other = (
        sign_up(make_client(), name) for name in ("Fay Facil", "Mo Mate", "Quin Quiet", "Oz Other")
    )
    fac_id = assign(app, admin, fac, "facilitator", ours)
    mate_id = assign(app, admin, mate, "learner", ours)
    quiet_id = assign(app, admin, quiet, "learner", ours)
    other_id = assign(app, admin, other, "learner", theirs)
    shared_id, shared = play_run(app, mate.email, shared=True)
    private_id, _ = play_run(app, mate.email, scenario=1, kind="poor")
    quiet_private, _ = play_run(app, quiet.email)
    other_shared, _ = play_run(app, other.email, shared=True)

    page = fac.client.get("/facilitator")
    assert page.status_code == 200
    assert f'href="/runs/{shared_id}/debrief"' in page.text
    assert "Mo Mate" in page.text
    for hidden in (private_id, quiet_private, other_shared, "Oz Other", "Quin Quiet"):
        assert hidden not in page.text
    assert HIDDEN in page.text and "(N &lt; 5)" in page.text
    assert audit_entries(app) == []  # nothing individual or aggregate was shown yet

    growth = fac.client.get(f"/facilitator/learners/{mate_id}")
    assert growth.status_code == 200
    assert shared_id in growth.text and private_id not in growth.text
    rows = table_rows(growth.text)
    assert len(rows) == 1 and shared is not None
    assert rows[0][1] == f"{shared['skills']['reflections']:.0%}"
    assert audit_entries(app) == [(fac_id, mate_id, "viewed shared growth")]

    assert fac.client.get(f"/facilitator/learners/{quiet_id}").status_code == 404
    assert fac.client.get(f"/facilitator/learners/{other_id}").status_code == 404
    assert fac.client.get("/facilitator/learners/999999").status_code == 404
    assert len(audit_entries(app)) == 1

    everything = admin.client.get("/facilitator")
    assert shared_id in everything.text and other_shared in everything.text
    assert private_id not in everything.text
    assert admin.client.get(f"/facilitator/learners/{other_id}").status_code == 200
    assert "viewed shared growth" in admin.client.get("/admin/audit").text


def test_cohort_is_hidden_below_the_minimum_and_shown_at_it(
    small_app: Any, web_settings: Settings
) -> None:
    with TestClient(small_app) as boss_client:
        boss = sign_up(boss_client, "Bea Boss")
        team = make_team(small_app, boss, "Ward 7")
        learners = [sign_up(TestClient(small_app), n) for n in ("Ann One", "Ben Two", "Cy Three")]
        for person in learners:
            assign(small_app, boss, person, "learner", team)
        assign(small_app, boss, learners[2], "learner", None)  # not in the team
        play_run(small_app, learners[2].email)

        _, first = play_run(small_app, learners[0].email)
        _, second = play_run(small_app, learners[0].email, scenario=1, kind="poor")
        page = boss.client.get("/facilitator")
        assert "Ward 7" in page.text
        assert HIDDEN in page.text and "(N &lt; 2)" in page.text
        assert "Learners with ended runs" not in page.text
        assert audit_entries(small_app) == []

        _, third = play_run(small_app, learners[1].email, scenario=2)
        page = boss.client.get("/facilitator")
        assert HIDDEN not in page.text
        text = " ".join(page.text.split())
        assert "Learners with ended runs</th><td>2</td>" in text
        assert "Ended runs</th><td>3</td>" in text
        summaries = [s for s in (first, second, third) if s is not None]
        mean = sum(s["skills"]["warmth"] for s in summaries) / 3
        assert f"Mean warmth</th><td>{100 * mean:.0f}%</td>" in text
        good = sum(s["outcome"] == "good" for s in summaries) / 3
        assert f"Share of good outcomes</th><td>{100 * good:.0f}%</td>" in text
        boss_id = user_id(small_app, boss.email)
        assert audit_entries(small_app) == [(boss_id, None, "viewed cohort")]


def test_the_team_trend_compares_four_week_windows_of_enough_learners(small_app: Any) -> None:
    """Poor runs 5 weeks ago, empathic runs this week: the trend says better; a window with
    fewer learners than the minimum shows no trend (it could single someone out)."""
    with TestClient(small_app) as boss_client:
        boss = sign_up(boss_client, "Bea Boss")
        team = make_team(small_app, boss, "Ward 7")
        people = [sign_up(TestClient(small_app), n) for n in ("Ann One", "Ben Two")]
        for person in people:
            assign(small_app, boss, person, "learner", team)
        earlier = [play_run(small_app, p.email, kind="poor")[0] for p in people]
        with small_app.state.sessions() as db:
            for run_id in earlier:
                db.get(PracticeRun, run_id).created_at = utcnow() - timedelta(weeks=5)
            db.commit()
        play_run(small_app, people[0].email)
        page = " ".join(boss.client.get("/facilitator").text.split())
        warmth = page.split("Mean warmth</th>")[1].split("</tr>")[0]
        assert "not enough learners" in warmth and "better" not in warmth  # one learner lately
        play_run(small_app, people[1].email)
        page = " ".join(boss.client.get("/facilitator").text.split())
        warmth = page.split("Mean warmth</th>")[1].split("</tr>")[0]
        assert "↑ better" in warmth, warmth
