"""Mentoring security review: who sees what, consent to pairing, bad input; on both databases."""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import func, select
from tests.web.helpers import Person, sign_up
from tests.web.mentoring_world import World
from tests.web.test_mentoring_routes import _flag_ids, _overdue, _pair, _share

from empathic.accounts.models import Team, User
from empathic.mentoring import goals, records, service, views
from empathic.mentoring.models import Consent, ConsentChange, Milestone, Pair, SessionLog
from empathic.mentoring.routes import router
from empathic.mentoring.routes_flags import router as flags_router
from empathic.mentoring.service import MentoringError
from empathic.practice.models import PracticeRun


@pytest.fixture
def people(admin: Person, make_client: Any) -> dict[str, Person]:
    return {"admin": admin, **{n: sign_up(make_client(), n.title()) for n in ("mona", "theo")}}


# ----------------------------------------------------------------------------- 1 transparency


def test_transparency_is_the_mentees_alone(people: dict[str, Person]) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    _share(p["theo"], pair_id, "milestones")
    _overdue(p["theo"], pair_id)
    p["mona"].client.get(f"/mentoring/pairs/{pair_id}")  # raises the flag, records a view
    _share(p["theo"], pair_id, "milestones", granted=False)
    path = f"/mentoring/pairs/{pair_id}/transparency"
    assert p["mona"].client.get(path).status_code == 404
    assert p["admin"].client.get(path).status_code == 404
    page = p["theo"].client.get(path)
    assert page.status_code == 200
    assert len(_flag_ids(page.text)) == 1 and "Hidden from your mentor" in page.text


# ----------------------------------------------------------------------------- 2 creating pairs


def test_a_facilitator_pairs_only_within_their_team(world: World) -> None:
    def create(actor: User, mentor: User, mentee: User) -> Pair:
        return service.create_pair(
            world.db, actor, mentor_email=mentor.email, mentee_email=mentee.email
        )

    with pytest.raises(MentoringError, match="own team"):
        create(world.facilitator, world.mentor, world.other)
    with pytest.raises(MentoringError, match="own team"):
        create(world.facilitator, world.other, world.mentee)
    world.facilitator.team_id = None
    with pytest.raises(MentoringError, match="own team"):
        create(world.facilitator, world.mentor, world.mentee)
    assert create(world.admin, world.mentor, world.other).state == "pending"


def test_a_proposed_pair_waits_for_the_mentee_and_shows_the_mentor_nothing(world: World) -> None:
    pair = service.create_pair(
        world.db,
        world.facilitator,
        mentor_email=world.mentor.email,
        mentee_email=world.mentee.email,
    )
    assert pair.state == "pending"
    mentor = service.pair_for(world.db, world.mentor, pair.id)
    mentee = service.pair_for(world.db, world.mentee, pair.id)
    service.set_consent(world.db, mentee, "practice", True)  # chosen before accepting
    world.practice_run("run1", "Hard talk")
    assert not service.can_see(world.db, mentor, "practice")
    assert views.overview(world.db, mentor).practice == []
    with pytest.raises(PermissionError, match="only the mentee can accept"):
        service.transition(world.db, mentor, "accept")
    service.transition(world.db, mentee, "accept")
    assert pair.state == "active" and pair.start_date is not None
    assert [r.title for r in views.overview(world.db, mentor).practice] == ["Hard talk"]


def test_the_mentor_sees_only_practice_runs_the_mentee_shared(world: World) -> None:
    """The "practice" consent opens the list; each run's own `shared` choice still holds."""
    mentor = world.pair(consent=("practice",))
    mentee = world.as_(world.mentee, mentor)
    for run_id, title, shared in (("kept", "Private try", False), ("open", "Shared try", True)):
        world.practice_run(run_id, title, shared=shared)
    assert [r.title for r in views.overview(world.db, mentor).practice] == ["Shared try"]
    assert [r.title for r in views.overview(world.db, mentee).practice] == ["Shared try"]
    mirror = views.transparency(world.db, mentee).mentor_view
    assert [r.title for r in mirror.practice] == ["Shared try"]
    world.db.get(PracticeRun, "open").shared = False  # the mentee withdraws the run
    world.db.flush()
    assert views.overview(world.db, mentor).practice == []


def test_the_mentee_accepts_a_proposed_pair_from_the_home_page(
    people: dict[str, Person], app: Any
) -> None:
    p = people
    with app.state.sessions() as db:
        team = Team(name="Pilots")
        db.add(team)
        db.flush()
        for person in (p["mona"], p["theo"]):
            db.scalars(select(User).where(User.email == person.email)).one().team_id = team.id
        db.commit()
    created = p["admin"].post(
        "/mentoring/pairs",
        {"mentor_email": p["mona"].email, "mentee_email": p["theo"].email},
        follow_redirects=False,
    )
    pair_id = int(created.headers["location"].rsplit("/", 1)[1])
    mentor_page = p["mona"].client.get(f"/mentoring/pairs/{pair_id}").text
    assert "Waiting for Theo to accept" in mentor_page and "Goals and milestones" not in mentor_page
    early = p["mona"].post(f"/mentoring/pairs/{pair_id}/state", {"action": "accept"})
    assert early.status_code == 403
    home = p["theo"].client.get("/mentoring").text
    assert f'action="/mentoring/pairs/{pair_id}/state"' in home and "Accept Mona" in home
    accepted = p["theo"].post(
        f"/mentoring/pairs/{pair_id}/state", {"action": "accept"}, follow_redirects=False
    )
    assert accepted.status_code == 303
    assert 'badge good">active' in p["mona"].client.get(f"/mentoring/pairs/{pair_id}").text


# ----------------------------------------------------------------------------- 3 bad input


@pytest.mark.parametrize("big", [2**31, 2**63, 2**64, 10**30])
def test_ids_too_big_for_the_database_are_not_found(people: dict[str, Person], big: int) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    client = p["theo"].client
    for path in (
        f"/mentoring/pairs/{big}",
        f"/mentoring/pairs/{big}/transparency",
        f"/mentoring/pairs/{big}/calendar.ics?token=x",
        f"/mentoring/flags/{big}",
        f"/mentoring/pairs/{pair_id}/sessions/{big}/reflection",
        "/mentoring/pairs/-1",
    ):
        assert client.get(path).status_code == 404, path
    for path, data in (
        (f"/mentoring/pairs/{pair_id}/milestones/{big}/progress", {"progress": "5"}),
        (f"/mentoring/pairs/{pair_id}/sessions/{big}/tags", {}),
        (f"/mentoring/flags/{big}/account", {"account": "x"}),
        (f"/mentoring/pairs/{big}/consent", {"source": "practice", "granted": "1"}),
    ):
        assert p["theo"].post(path, data).status_code == 404, path
    form = {"title": "Step", "goal_id": str(big)}
    bad = p["theo"].post(f"/mentoring/pairs/{pair_id}/milestones", form)
    assert bad.status_code == 400 and "Goal: enter a whole number from 1 to" in bad.text
    bad = p["theo"].post(f"/mentoring/pairs/{pair_id}/checkins", {"energy": str(big)})
    assert bad.status_code == 400 and "Energy: enter a whole number from" in bad.text


@pytest.mark.parametrize("path", ["sessions", "schedule"])
def test_a_moment_without_a_utc_equivalent_is_a_clear_400(
    people: dict[str, Person], path: str
) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    field = "held_at" if path == "sessions" else "starts_at"
    for value in ("0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00", "0001-01-02T00:00"):
        response = p["mona"].post(
            f"/mentoring/pairs/{pair_id}/{path}", {field: value, "notes": "Met", "count": "2"}
        )
        assert response.status_code == 400, value
        assert re.search(r"enter a date (and time|between)", response.text), value


def test_a_csv_field_over_the_csv_limit_is_a_row_error_and_saves_nothing(
    people: dict[str, Person], app: Any
) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    huge = "title,progress\nFine,10\n" + '"' + "x" * 140_000 + '",5\n'
    preview = p["theo"].post(
        f"/mentoring/pairs/{pair_id}/import", files={"file": ("big.csv", huge, "text/csv")}
    )
    assert preview.status_code == 400 and "Row 3: the file cannot be read" in preview.text
    confirm = p["theo"].post(
        f"/mentoring/pairs/{pair_id}/import/confirm", {"csv_text": huge, "filename": "big.csv"}
    )
    assert confirm.status_code == 400
    nul = p["theo"].post(
        f"/mentoring/pairs/{pair_id}/import",
        files={"file": ("u16.csv", "title\nA\x00B\n", "text/csv")},
    )
    assert nul.status_code == 400 and "NUL characters" in nul.text
    with app.state.sessions() as db:
        assert db.scalar(select(func.count(Milestone.id))) == 0


def test_nul_bytes_in_mentoring_forms_are_refused_with_a_message(
    people: dict[str, Person], app: Any
) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    for person, path, data in (
        ("mona", "sessions", {"notes": "Talked\x00about goals"}),
        ("theo", "goals", {"title": "Lead\x00"}),
        ("theo", "milestones", {"title": "Step", "due_date": "", "goal_id": "\x00"}),
        ("theo", "checkins", {"energy": "3", "workload": "3", "support": "3", "note": "\x00"}),
    ):
        response = p[person].post(f"/mentoring/pairs/{pair_id}/{path}", data)
        assert response.status_code == 400, path
        assert "contains a NUL character" in response.text, path
    invite = p["theo"].post("/mentoring/invite", {"mentor_email": "a\x00@example.org"})
    assert invite.status_code == 400 and "contains a NUL character" in invite.text
    with app.state.sessions() as db:
        assert db.scalar(select(func.count(SessionLog.id))) == 0


# ----------------------------------------------------------------------------- 4 event loop


def test_mentoring_routes_do_not_block_the_event_loop() -> None:
    """Sync DB work in an `async def` route would stall every other request."""
    routes = [*router.routes, *flags_router.routes]
    endpoints = [r.endpoint for r in routes if isinstance(r, APIRoute)]
    assert len(endpoints) > 20
    assert [e.__name__ for e in endpoints if inspect.iscoroutinefunction(e)] == []


# ----------------------------------------------------------------------------- 5 completed


def test_a_completed_pair_shows_the_former_mentor_no_shared_data(world: World) -> None:
    mentor = world.pair(consent=("milestones", "checkins", "practice"))
    mentee = world.as_(world.mentee, mentor)
    goals.add_milestone(world.db, mentee, "Lead the audit")
    records.add_checkin(world.db, mentee, energy=3, workload=3, support=3)
    world.practice_run("run2", "Hard talk")
    before = views.overview(world.db, mentor)
    assert before.milestones and before.checkins and before.practice
    service.transition(world.db, mentor, "pause")
    paused = views.overview(world.db, mentor)  # paused may resume: sharing continues
    assert paused.milestones and paused.checkins and paused.practice
    service.transition(world.db, mentor, "complete")
    after = views.overview(world.db, mentor)
    assert (after.milestones, after.checkins, after.practice) == ([], [], [])
    with pytest.raises(PermissionError):
        records.checkins_of(world.db, mentor)
    own = views.overview(world.db, mentee)
    assert own.milestones and own.checkins and own.practice


# ----------------------------------------------------------------------------- 6 consent race


def test_a_racing_first_consent_becomes_an_update(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentee = world.as_(world.mentee, world.pair())
    pair_id = mentee.pair.id
    world.db.add(Consent(pair_id=pair_id, source="checkins", granted=False))  # the other click
    world.db.flush()
    real, stale = world.db.scalar, [True]

    def first_look_misses(statement: Any, *args: Any, **kwargs: Any) -> Any:
        """The other click's row is not yet visible when this one checks for it."""
        entities = [d.get("entity") for d in getattr(statement, "column_descriptions", [])]
        if stale and Consent in entities:
            return stale.pop() and None
        return real(statement, *args, **kwargs)

    monkeypatch.setattr(world.db, "scalar", first_look_misses)
    service.set_consent(world.db, mentee, "checkins", True)  # saw no row, then lost the insert
    monkeypatch.undo()
    assert service.consents(world.db, mentee.pair)["checkins"] is True
    service.set_consent(world.db, mentee, "checkins", True)  # a second click changes nothing
    history = world.db.scalars(
        select(ConsentChange.granted).where(ConsentChange.pair_id == pair_id)
    ).all()
    assert history == [True]


def test_double_clicking_share_works(people: dict[str, Person]) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    _share(p["theo"], pair_id, "checkins")
    _share(p["theo"], pair_id, "checkins")
    page = p["theo"].client.get(f"/mentoring/pairs/{pair_id}").text
    assert 'Stop sharing<span class="sr-only"> Check-ins' in page
