"""Long lists a page at a time (issue #16, measured with bench/pages.py): people, shared runs,
a learner's runs and saved analyses, every mentoring pair. Each page shows 50 rows, says
how many there are and which are shown, and links to the pages around it; a page number
out of range shows the nearest page. Rows are written straight to the tables (fifty
sign-ups would take minutes of password hashing)."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select
from tests.web.helpers import Person, sign_up
from tests.web.test_accounts_admin import add_entries, uid
from tests.web.test_insights_growth import table_rows

from empathic.accounts.models import Team, User
from empathic.db import utcnow
from empathic.insights.models import SavedAnalysis
from empathic.mentoring.models import Pair
from empathic.practice.models import PracticeRun

SUMMARY = {
    "outcome": "good",
    "trust": 0.5,
    "skills": {"reflections": 0.5, "open_questions": 0.25, "warmth": 0.5, "advice_first": 0.0},
}


def people(app: Any, count: int, team_id: int | None = None) -> list[int]:
    with app.state.sessions() as db:
        made = [
            User(email=f"p{n:03}@example.org", name=f"Person {n:03}", team_id=team_id)
            for n in range(count)
        ]
        db.add_all(made)
        db.commit()
        return [person.id for person in made]


def runs(app: Any, user_id: int, count: int, *, shared: bool = False) -> list[str]:
    """Ended runs, one a day, oldest first."""
    start = utcnow() - timedelta(days=count + 1)
    made = [
        PracticeRun(
            id=secrets.token_hex(16),
            user_id=user_id,
            scenario_id="ai-tool-anxiety",
            title=f"Run {n:03}",
            difficulty="medium",
            seed=n,
            status="ended",
            shared=shared,
            summary=SUMMARY,
            created_at=start + timedelta(days=n),
            ended_at=start + timedelta(days=n, minutes=12),
        )
        for n in range(count)
    ]
    with app.state.sessions() as db:
        db.add_all(made)
        db.commit()
    return [run.id for run in made]


def role_forms(page: str) -> int:
    """One role form per person shown on the admin page."""
    return len(re.findall(r'action="/admin/users/\d+"', page))


def debrief_links(page: str) -> list[str]:
    return re.findall(r'href="/runs/([0-9a-f]+)/debrief"', page)


def test_the_admin_page_lists_people_fifty_at_a_time_and_finds_them(
    app: Any, admin: Person
) -> None:
    assert admin.post("/admin/teams", {"name": "Ward 7"}).status_code == 200
    with app.state.sessions() as db:
        ward = db.scalar(select(Team.id).where(Team.name == "Ward 7"))
    people(app, 60)
    with app.state.sessions() as db:
        for person in db.scalars(select(User).where(User.name.in_(["Person 001", "Person 002"]))):
            person.team_id = ward
        db.commit()

    first = admin.client.get("/admin").text
    assert "61 people; showing 1–50." in first
    assert role_forms(first) == 50
    assert "Ada Admin" in first and "Person 048" in first and "Person 049" not in first
    assert 'href="/admin?page=2" rel="next"' in first and 'rel="prev"' not in first
    assert "Ward 7 (2)" in first  # team sizes are counted, not loaded

    last = admin.client.get("/admin?page=2").text
    assert "61 people; showing 51–61." in last and role_forms(last) == 11
    assert "Person 059" in last and 'href="/admin?page=1" rel="prev"' in last
    assert role_forms(admin.client.get("/admin?page=99").text) == 11

    found = admin.client.get("/admin", params={"q": "person 05"}).text
    assert "10 people match “person 05”." in found and role_forms(found) == 10
    by_email = admin.client.get("/admin", params={"q": "P007@EXAMPLE"}).text
    assert role_forms(by_email) == 1 and "Person 007" in by_email
    wildcard = admin.client.get("/admin", params={"q": "%"}).text  # a literal per cent sign
    assert "0 people match" in wildcard and role_forms(wildcard) == 0


def test_runs_shared_with_a_facilitator_come_fifty_at_a_time(
    app: Any, admin: Person, learner: Person
) -> None:
    made = runs(app, uid(app, learner.email), 55, shared=True)
    first = admin.client.get("/facilitator").text
    assert "55 shared runs; showing 1–50, newest first." in first
    assert debrief_links(first) == made[::-1][:50]
    assert 'href="/facilitator?page=2" rel="next"' in first
    second = admin.client.get("/facilitator?page=2").text
    assert debrief_links(second) == made[4::-1] and "showing 51–55" in second


def test_the_facilitator_page_asks_the_same_statements_for_one_team_or_many(
    app: Any, admin: Person
) -> None:
    """Team figures come from one aggregate query: the page asked once per team before."""
    statements: list[str] = []
    event.listen(app.state.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    def cost() -> int:
        statements.clear()
        assert admin.client.get("/facilitator").status_code == 200
        return len(statements)

    def shown_team(number: int) -> None:
        """A team with enough learners with ended runs for its figures to be shown."""
        with app.state.sessions() as db:
            team = Team(name=f"Team {number}")
            db.add(team)
            db.flush()
            members = [
                User(email=f"t{number}-{n}@example.org", name=f"T{number} {n}", team_id=team.id)
                for n in range(app.state.settings.min_group_size)
            ]
            db.add_all(members)
            db.commit()
            ids = [member.id for member in members]
        for user_id in ids:
            runs(app, user_id, 1)

    shown_team(0)
    one = cost()
    for n in range(1, 6):
        shown_team(n)
    page = admin.client.get("/facilitator").text
    assert page.count("Learners with ended runs") == 6  # every team's figures are shown
    assert cost() == one


def test_growth_draws_the_latest_fifty_runs_and_lists_every_run_a_page_at_a_time(
    app: Any, learner: Person, admin: Person
) -> None:
    learner_id = uid(app, learner.email)
    made = runs(app, learner_id, 60, shared=True)
    page = learner.client.get("/growth").text
    assert "The chart draws your latest 50 of 60 ended runs" in page
    assert page.count('<circle cx="') == 5 * 50
    rows = table_rows(page)
    assert rows[0][0].startswith("11. ") and rows[-1][0].startswith("60. ")  # numbered in all
    assert "60 runs; showing 1–50, newest first." in page
    assert debrief_links(page) == made[::-1][:50]
    older = learner.client.get("/growth?page=2").text
    assert debrief_links(older) == made[9::-1] and 'href="/growth?page=1" rel="prev"' in older

    shared = admin.client.get(f"/facilitator/learners/{learner_id}?page=2").text
    assert "60 shared runs; showing 51–60, newest first." in shared
    assert debrief_links(shared) == made[9::-1]
    assert f'href="/facilitator/learners/{learner_id}?page=1" rel="prev"' in shared


def test_saved_analyses_come_fifty_at_a_time(app: Any, learner: Person) -> None:
    learner_id, start = uid(app, learner.email), utcnow() - timedelta(days=60)
    with app.state.sessions() as db:
        db.add_all(
            SavedAnalysis(
                id=secrets.token_hex(16),
                user_id=learner_id,
                created_at=start + timedelta(days=n),
                title=f"Talk {n:03}",
                source="pasted text",
                learner="Alex",
                pack="rules",
                pack_version="1",
                dimensions={"empathy": 3},
                metrics={},
            )
            for n in range(55)
        )
        db.commit()
    first = learner.client.get("/analyses").text
    assert "55 saved analyses; showing 1–50." in first
    assert first.count('<th scope="row"><a href="/analyses/') == 50
    assert "Talk 054" in first and "Talk 004" not in first
    second = learner.client.get("/analyses?page=2").text
    assert second.count('<th scope="row"><a href="/analyses/') == 5 and "Talk 000" in second
    growth = learner.client.get("/growth").text
    assert "Your latest 50 of 55 saved analyses" in growth


def test_an_admin_sees_every_pair_fifty_at_a_time(app: Any, admin: Person) -> None:
    ids = people(app, 110)
    with app.state.sessions() as db:
        db.add_all(
            Pair(
                mentor_id=ids[2 * n],
                mentee_id=ids[2 * n + 1],
                state="active",
                feed_token=secrets.token_urlsafe(8),
            )
            for n in range(55)
        )
        db.commit()
    first = admin.client.get("/mentoring").text
    assert "55 relationships; showing 1–50, newest first." in first
    assert first.count('<th scope="row"><a href="/mentoring/pairs/') == 50
    second = admin.client.get("/mentoring?page=2").text
    assert second.count('<th scope="row"><a href="/mentoring/pairs/') == 5
    assert 'href="/mentoring?page=1" rel="prev"' in second


def test_the_audit_filters_offer_the_people_in_the_log(
    app: Any, admin: Person, make_client: Any
) -> None:
    kim, lee, _ = (sign_up(make_client(), n) for n in ("Kim Coach", "Lee Learner", "Quin Q"))
    add_entries(
        app, [(uid(app, kim.email), uid(app, lee.email), "viewed shared run", "r", utcnow())]
    )
    page = admin.client.get("/admin/audit").text
    who = page.split('id="f-actor"', 1)[1].split("</select>", 1)[0]
    whose = page.split('id="f-subject"', 1)[1].split("</select>", 1)[0]
    assert "Kim Coach" in who and "Lee Learner" not in who and "Quin Q" not in who
    assert "Lee Learner" in whose and "Kim Coach" not in whose and "Quin Q" not in whose
