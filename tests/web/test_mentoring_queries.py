"""Query shape of the mentoring pages: a page's SQL does not grow with its rows, and one
pair's signals aggregate only that pair's data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from tests.web.helpers import Person, csrf, sign_up
from tests.web.mentoring_world import PASSWORD, World, practice_run

from empathic.accounts import service as accounts
from empathic.accounts.models import User
from empathic.db import utcnow
from empathic.mentoring import goals, importing, records, service, signals
from empathic.mentoring.models import SOURCES, Flag


@contextmanager
def counted(app: Any) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends while the block runs."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(app.state.engine, "before_cursor_execute", record)


def _user(db: Session, email: str) -> User:
    return db.scalars(select(User).where(User.email == email)).one()


def _busy_pair(db: Session, mentor: User, mentee_name: str, rows: int) -> int:
    """An active pair sharing everything, with `rows` of each thing the pair page lists."""
    admin = db.scalars(select(User).where(User.role == "admin")).first()
    assert admin is not None
    mentee = accounts.sign_up(
        db, email=f"{mentee_name.lower()}@example.org", name=mentee_name, password=PASSWORD
    )
    pair = service.create_pair(
        db, admin, mentor_email=mentor.email, mentee_email=mentee.email, programme="Load"
    )
    as_mentee = service.pair_for(db, mentee, pair.id)
    service.transition(db, as_mentee, "accept")
    for source in SOURCES:
        service.set_consent(db, as_mentee, source, True)
    as_mentor = service.Access(pair, mentor, "mentor")
    overdue = date.today() - timedelta(days=5)
    for n in range(rows):
        milestone = goals.add_milestone(db, as_mentee, f"Step {n}", overdue)
        goals.record_progress(db, as_mentor, milestone, 10, "Started")  # mentor as actor
        goals.record_progress(db, as_mentee, milestone, 20, "Going on")  # mentee as actor
        records.add_checkin(db, as_mentee, energy=3, workload=3, support=3)
        log = records.log_session(
            db, as_mentor, f"Mona: What feels hard?\nTheo: I feel anxious ({n}).", utcnow()
        )
        records.confirm_tags(db, as_mentor, log, ["counselling", "coaching"])
        practice_run(db, mentee.id, f"{mentee_name}{n}", f"Run {n}", seed=n)
    db.flush()
    return pair.id


def _page_statements(app: Any, person: Person, path: str) -> int:
    """Statements for one view of a page (after a first view warmed the caches)."""
    assert person.client.get(path).status_code == 200
    with counted(app) as statements:
        response = person.client.get(path)
    assert response.status_code == 200
    return len(statements)


def _sign_in(make_client: Any, email: str) -> Person:
    client = make_client()
    response = client.post(
        "/signin",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf(client, "/signin")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return Person(client, email, email)


def test_the_pair_page_reads_the_same_number_of_statements_for_2_or_6_of_everything(
    app: Any, admin: Person, make_client: Any
) -> None:
    mona = sign_up(make_client(), "Mona")
    with app.state.sessions() as db:
        mentor = _user(db, mona.email)
        few = _busy_pair(db, mentor, "Theo", 2)
        many = _busy_pair(db, mentor, "Tara", 6)
        signals.compute(db)  # what the scheduled `empathic mentoring signals` does
        db.commit()
    page = mona.client.get(f"/mentoring/pairs/{many}").text
    assert all(f"Step {n}" in page and f"Run {n}" in page for n in range(6))
    assert page.count("by Mona") == 6 and page.count("by Tara") == 6  # progress actors
    assert len(set(re.findall(r"/mentoring/flags/(\d+)", page))) == 6  # one overdue flag each
    few_count = _page_statements(app, mona, f"/mentoring/pairs/{few}")
    assert few_count == _page_statements(app, mona, f"/mentoring/pairs/{many}")
    theo = _sign_in(make_client, "theo@example.org")
    tara = _sign_in(make_client, "tara@example.org")
    assert _page_statements(app, theo, f"/mentoring/pairs/{few}/transparency") == (
        _page_statements(app, tara, f"/mentoring/pairs/{many}/transparency")
    )


def _pairs_for(db: Session, mentor: User, names: list[str]) -> None:
    admin = db.scalars(select(User).where(User.role == "admin")).first()
    assert admin is not None
    for name in names:
        mentee = accounts.sign_up(
            db, email=f"{name.lower()}@example.org", name=name, password=PASSWORD
        )
        pair = service.create_pair(db, admin, mentor_email=mentor.email, mentee_email=mentee.email)
        service.transition(db, service.pair_for(db, mentee, pair.id), "accept")
        pair.created_at = utcnow() - timedelta(days=120)  # quiet: each pair gets a nudge


def test_the_home_page_reads_the_same_number_of_statements_for_2_or_6_pairs(
    app: Any, admin: Person, make_client: Any
) -> None:
    mona = sign_up(make_client(), "Mona")
    counts: dict[str, list[int]] = {"mentor": [], "admin": []}
    names = [f"Mentee{n}" for n in range(6)]
    for batch in (names[:2], names[2:]):
        with app.state.sessions() as db:
            _pairs_for(db, _user(db, mona.email), batch)
            db.commit()
        counts["mentor"].append(_page_statements(app, mona, "/mentoring"))
        counts["admin"].append(_page_statements(app, admin, "/mentoring"))
    home = mona.client.get("/mentoring").text
    assert all(name in home for name in names)  # six pairs, six names, six nudges
    assert home.count("no session for 120 days") == 6
    assert counts["mentor"][0] == counts["mentor"][1]
    assert counts["admin"][0] == counts["admin"][1]


def test_an_import_reads_consent_once_not_once_per_row(app: Any, world: World) -> None:
    """The mentor's consent is checked when the import is saved, not again for each row."""
    mentor = world.pair(consent=("milestones",))
    found = importing.preview("title,progress\n" + "".join(f"Step {n},{n}\n" for n in range(1, 21)))
    assert found.ok
    with counted(app) as statements:
        saved = goals.save_import(world.db, mentor, found, "plan.csv")
    assert [m.progress for m in saved] == list(range(1, 21))
    assert sum("mentoring_consents" in s for s in statements) == 1


# ----------------------------------------------------------------------------- signals


def test_one_pairs_signals_aggregate_only_that_pairs_rows(app: Any, world: World) -> None:
    """The aggregate subqueries carry the pair filter, and the results are unchanged."""
    db = world.db
    mentor = world.pair(consent=("milestones", "checkins"))
    mentee = world.as_(world.mentee, mentor)
    other = service.create_pair(
        db, world.admin, mentor_email=world.other.email, mentee_email=world.facilitator.email
    )
    service.transition(db, service.pair_for(db, world.facilitator, other.id), "accept")
    service.set_consent(db, service.pair_for(db, world.facilitator, other.id), "milestones", True)
    old = utcnow() - timedelta(days=60)
    for access in (mentee, service.pair_for(db, world.facilitator, other.id)):
        milestone = goals.add_milestone(db, access, "Stalled step", date.today() + timedelta(30))
        goals.record_progress(db, access, milestone, 10, "Began")
        milestone.created_at = old
        for change in milestone.changes:
            change.at = old
        access.pair.created_at = old
    db.flush()
    now = utcnow()
    with counted(app) as statements:
        one = signals.find(db, now, [mentor.pair.id])
    every = signals.find(db, now, None)
    assert {(c.kind, c.subject) for c in one} == {
        (c.kind, c.subject) for c in every if c.pair_id == mentor.pair.id
    }
    assert {c.kind for c in one} == {"stalled_milestone", "no_session"}
    aggregates = {
        "mentoring_progress_changes": r"FROM mentoring_progress_changes(.*?)GROUP BY",
        "mentoring_sessions": r"FROM mentoring_sessions(.*?)GROUP BY",
    }
    for table, pattern in aggregates.items():
        inner = [m for s in statements for m in re.findall(pattern, s, re.DOTALL)]
        assert inner, f"no aggregate over {table}"
        assert all("pair_id IN" in body for body in inner), (table, inner)


def test_nudges_aggregate_only_the_mentors_sessions(app: Any, world: World) -> None:
    mentor = world.pair()
    mentor.pair.created_at = utcnow() - timedelta(days=100)
    world.db.flush()
    with counted(app) as statements:
        found = signals.nudges(world.db, world.mentor.id)
    assert [pair_id for pair_id, _ in found] == [mentor.pair.id]
    inner = [
        m
        for s in statements
        for m in re.findall(r"FROM mentoring_sessions(.*?)GROUP BY", s, re.DOTALL)
    ]
    assert inner and all("mentor_id" in body for body in inner)
    assert signals.nudges(world.db, world.other.id) == []


def test_viewing_pages_writes_nothing_but_the_audit_log(
    app: Any, admin: Person, make_client: Any
) -> None:
    """A GET never changes data: overdue milestones raise flags when something changes or the
    scheduled job runs, not when someone looks (views of others' data are still audited)."""
    mona = sign_up(make_client(), "Mona")
    with app.state.sessions() as db:
        pair = _busy_pair(db, _user(db, mona.email), "Theo", 2)
        db.commit()
    theo = _sign_in(make_client, "theo@example.org")
    with counted(app) as statements:
        for person, path in (
            (mona, f"/mentoring/pairs/{pair}"),
            (theo, f"/mentoring/pairs/{pair}"),
            (theo, f"/mentoring/pairs/{pair}/transparency"),
            (mona, "/mentoring"),
            (admin, f"/mentoring/pairs/{pair}"),
        ):
            assert person.client.get(path).status_code == 200
    writes = [
        s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes and all("audit_log" in s for s in writes), writes
    with app.state.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Flag)) == 0
    assert (
        theo.post(
            f"/mentoring/pairs/{pair}/checkins", {"energy": "3", "workload": "3", "support": "3"}
        ).status_code
        == 200
    )
    with app.state.sessions() as db:
        assert db.scalar(select(func.count()).select_from(Flag)) == 2  # the change raised them
