"""Mentoring service rules on both databases: pairs, states, consent, goals, import, records."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from tests.web.mentoring_world import World

from empathic.accounts.models import AuditEntry
from empathic.db import utcnow
from empathic.mentoring import goals, importing, kram, records, requests, schedule, service
from empathic.mentoring.models import ConsentChange, KramSuggestion, KramTag, Milestone
from empathic.mentoring.service import MentoringError, NotFound

# ----------------------------------------------------------------------------- pairs


def test_only_facilitators_and_admins_create_pairs(world: World) -> None:
    with pytest.raises(PermissionError):
        service.create_pair(
            world.db, world.other, mentor_email=world.mentor.email, mentee_email=world.mentee.email
        )
    access = world.pair()
    assert access.pair.state == "active" and access.role == "mentor"
    with pytest.raises(MentoringError, match="already have an open"):
        world.pair()


def test_mentee_invitation_is_pending_until_the_mentor_accepts(world: World) -> None:
    request = requests.ask_mentor(world.db, world.mentee, world.mentor.email.upper())
    pair = request.pair
    assert pair is not None and pair.state == "pending" and pair.mentor_id == world.mentor.id
    assert pair.programme == ""  # no free text travels to the person asked
    with pytest.raises(service.NotFound):  # the mentee must not learn an account exists
        service.pair_for(world.db, world.mentee, pair.id)
    assert service.pairs_of(world.db, world.mentee)[1] == []
    mentor = service.pair_for(world.db, world.mentor, pair.id)
    with pytest.raises(MentoringError, match="pending relationship cannot pause"):
        service.transition(world.db, mentor, "pause")
    service.transition(world.db, mentor, "accept")
    assert pair.state == "active" and pair.start_date is not None
    assert requests.waiting_requests(world.db, world.mentee) == []
    assert service.pair_for(world.db, world.mentee, pair.id).role == "mentee"


def test_a_request_to_an_address_without_an_account_is_kept_the_same_way(world: World) -> None:
    request = requests.ask_mentor(world.db, world.mentee, " Nobody@Example.org ")
    assert request.pair is None
    (shown,) = requests.waiting_requests(world.db, world.mentee)
    assert shown.email == "nobody@example.org"
    with pytest.raises(MentoringError, match="two different people"):
        requests.ask_mentor(world.db, world.mentee, world.mentee.email)
    with pytest.raises(MentoringError, match="Enter the email"):
        requests.ask_mentor(world.db, world.mentee, "not an address")
    with pytest.raises(service.NotFound):
        requests.withdraw(world.db, world.mentor, shown.id)
    requests.withdraw(world.db, world.mentee, shown.id)
    assert requests.waiting_requests(world.db, world.mentee) == []


def test_state_transitions_are_explicit(world: World) -> None:
    access = world.pair()
    service.transition(world.db, access, "pause")
    service.transition(world.db, access, "resume")
    service.transition(world.db, access, "complete")
    assert access.pair.state == "completed" and access.pair.end_date is not None
    for action in ("resume", "pause", "accept", "complete"):
        with pytest.raises(MentoringError):
            service.transition(world.db, access, action)


def test_outsiders_get_not_found_and_admin_views_are_audited(world: World) -> None:
    access = world.pair()
    with pytest.raises(NotFound):
        service.pair_for(world.db, world.other, access.pair.id)
    with pytest.raises(NotFound):
        service.pair_for(world.db, world.facilitator, access.pair.id)
    mine = select(func.count(AuditEntry.id)).where(AuditEntry.actor_id == world.admin.id)
    before = world.db.scalar(mine)
    admin = service.pair_for(world.db, world.admin, access.pair.id)
    world.db.flush()
    after = world.db.scalar(mine)
    assert admin.role == "admin" and not admin.member
    assert after == (before or 0) + 2
    with pytest.raises(NotFound):
        service.member_access(world.db, world.admin, access.pair.id)


# ----------------------------------------------------------------------------- consent


def test_consent_gates_what_the_mentor_sees_and_keeps_history(world: World) -> None:
    mentor = world.pair()
    mentee = world.as_(world.mentee, mentor)
    assert not service.can_see(world.db, mentor, "checkins")
    with pytest.raises(PermissionError):
        records.checkins_of(world.db, mentor)
    with pytest.raises(PermissionError):
        service.set_consent(world.db, mentor, "checkins", True)
    records.add_checkin(world.db, mentee, energy=4, workload=2, support=5, note="fine")
    service.set_consent(world.db, mentee, "checkins", True)
    assert [c.energy for c in records.checkins_of(world.db, mentor)] == [4]
    service.set_consent(world.db, mentee, "checkins", False)
    with pytest.raises(PermissionError):
        records.checkins_of(world.db, mentor)
    assert records.checkins_of(world.db, mentee)  # the mentee always sees their own
    history = world.db.scalars(select(ConsentChange.granted).order_by(ConsentChange.id)).all()
    assert history == [True, False]
    assert service.consents(world.db, mentor.pair)["checkins"] is False


# ----------------------------------------------------------------------------- goals


def test_progress_change_needs_a_comment_and_keeps_history(world: World) -> None:
    mentor = world.pair(consent=("milestones",))
    milestone = goals.add_milestone(world.db, mentor, "Lead a team meeting")
    with pytest.raises(MentoringError, match="comment is required"):
        goals.record_progress(world.db, mentor, milestone, 40, "   ")
    assert milestone.progress == 0
    with pytest.raises(MentoringError, match="0 to 100"):
        goals.record_progress(world.db, mentor, milestone, 140, "typo")
    goals.record_progress(world.db, mentor, milestone, 40, "Ran the first meeting")
    mentee = world.as_(world.mentee, mentor)
    goals.record_progress(world.db, mentee, milestone, 30, "Second one went less well")
    world.db.refresh(milestone)
    assert milestone.progress == 30
    assert [(c.old_progress, c.new_progress, c.actor_id) for c in milestone.changes] == [
        (0, 40, world.mentor.id),
        (40, 30, world.mentee.id),
    ]


def test_mentor_cannot_edit_milestones_without_consent(world: World) -> None:
    mentor = world.pair()
    with pytest.raises(PermissionError):
        goals.add_milestone(world.db, mentor, "Anything")
    mentee = world.as_(world.mentee, mentor)
    assert goals.add_milestone(world.db, mentee, "My own").pair_id == mentor.pair.id


GOOD_CSV = (
    "Milestone Title;Due Date;% Complete\nPresent at town hall;2026-12-01;20%\n"
    "Shadow a director;15/01/2027;\n"
)


def test_csv_import_previews_good_rows_with_header_variants() -> None:
    found = importing.preview(GOOD_CSV.encode("utf-8-sig"))
    assert found.ok, found.errors
    assert [
        (r.line, r.title, r.due_date.isoformat() if r.due_date else None, r.progress)
        for r in found.rows
    ] == [
        (2, "Present at town hall", "2026-12-01", 20),
        (3, "Shadow a director", "2027-01-15", 0),
    ]
    assert found.columns == {
        "title": "Milestone Title",
        "due_date": "Due Date",
        "progress": "% Complete",
    }


def test_csv_import_preview_is_only_for_who_sees_milestones(world: World) -> None:
    """The consent rule for the preview lives in the service, not in the upload route."""
    mentor = world.pair()
    data = b"title,due date\nLead the audit,2026-12-31\n"
    with pytest.raises(PermissionError, match="not shared milestones"):
        goals.preview_import(world.db, mentor, data)
    mentee = world.as_(world.mentee, mentor)
    assert [r.title for r in goals.preview_import(world.db, mentee, data).rows] == [
        "Lead the audit"
    ]
    service.set_consent(world.db, mentee, "milestones", True)
    assert goals.preview_import(world.db, mentor, data).ok


def test_csv_import_reports_every_bad_row_and_saves_nothing(world: World) -> None:
    mentor = world.pair(consent=("milestones",))
    text = (
        "title,deadline,progress\nGood one,2026-12-01,10\n,2026-12-01,5\n"
        "Bad date,03/04/2026,x\nToo far,2026-01-01,150\n"
    )
    found = importing.preview(text)
    assert not found.ok
    assert found.errors == [
        "Row 3: the title is empty.",
        "Row 4: '03/04/2026' could be day/month or month/day; write it as YYYY-MM-DD; "
        "progress 'x' is not a number from 0 to 100.",
        "Row 5: progress 150 is outside 0 to 100.",
    ]
    assert [r.title for r in found.rows] == ["Good one"]
    with pytest.raises(MentoringError, match="Nothing was imported"):
        goals.save_import(world.db, mentor, found, "bad.csv")
    count = world.db.scalar(select(func.count(Milestone.id)))
    assert count == 0
    assert not importing.preview("name,when\n").ok
    assert "No title column" in importing.preview("foo,bar\n1,2\n").errors[0]


def test_csv_import_saves_all_rows_with_a_progress_comment(world: World) -> None:
    mentor = world.pair(consent=("milestones",))
    found = importing.preview(GOOD_CSV)
    saved = goals.save_import(world.db, mentor, found, "lms.csv")
    assert [m.progress for m in saved] == [20, 0]
    world.db.refresh(saved[0])
    assert [c.comment for c in saved[0].changes] == ["Imported from lms.csv"]


# ----------------------------------------------------------------------------- records


def test_checkin_scales_and_author(world: World) -> None:
    mentor = world.pair()
    mentee = world.as_(world.mentee, mentor)
    with pytest.raises(PermissionError):
        records.add_checkin(world.db, mentor, energy=3, workload=3, support=3)
    with pytest.raises(MentoringError, match="1 to 5"):
        records.add_checkin(world.db, mentee, energy=0, workload=3, support=3)


def test_kram_suggestions_carry_evidence() -> None:
    found = {
        s.function: s
        for s in kram.suggest(
            "She felt overwhelmed. I encouraged her and we agreed she will present to the board; "
            "I will recommend her for the stretch assignment."
        )
    }
    assert found["counselling"].evidence == ["overwhelmed", "felt"]
    assert found["acceptance"].evidence == ["encouraged"]
    assert set(found["exposure"].evidence) == {"present to", "board"}
    assert found["sponsorship"].evidence == ["recommend"]
    assert "stretch assignment" in found["challenging_assignments"].evidence
    assert "friendship" not in found
    assert kram.suggest("We met.") == []


def test_session_tags_are_suggested_then_confirmed_separately(world: World) -> None:
    mentor = world.pair()
    log = records.log_session(
        world.db, mentor, "Gave feedback on her plan for the promotion panel. She felt anxious."
    )
    suggested = {s.function for s in log.suggestions}
    assert {"coaching", "sponsorship", "counselling"} <= suggested
    assert log.tags == [] and records.balance(records.sessions_of(world.db, mentor)) == []
    records.confirm_tags(world.db, mentor, log, ["coaching", "friendship"])
    tags = {t.function: t.from_suggestion for t in log.tags}
    assert tags == {"coaching": True, "friendship": False}
    assert world.db.scalar(select(func.count(KramSuggestion.id))) == len(suggested)
    month = log.held_at.strftime("%Y-%m")
    rows = records.balance(records.sessions_of(world.db, mentor))
    assert [(r.month, r.career, r.psychosocial) for r in rows] == [(month, 1, 1)]
    records.confirm_tags(world.db, mentor, log, ["counselling"])
    assert world.db.scalars(select(KramTag.function)).all() == ["counselling"]
    mentee = world.as_(world.mentee, mentor)
    with pytest.raises(PermissionError):
        records.confirm_tags(world.db, mentee, log, [])
    with pytest.raises(MentoringError):
        records.confirm_tags(world.db, mentor, log, ["flattery"])


def test_session_log_rules(world: World) -> None:
    mentor = world.pair()
    with pytest.raises(MentoringError):
        records.log_session(world.db, mentor, "  ")
    with pytest.raises(MentoringError, match="has happened"):
        records.log_session(world.db, mentor, "Plans", utcnow() + timedelta(days=3))
    with pytest.raises(PermissionError):
        records.log_session(world.db, world.as_(world.mentee, mentor), "My notes")


def test_no_second_open_relationship_in_the_other_direction(world: World) -> None:
    world.pair()  # the mentor mentors the mentee
    with pytest.raises(MentoringError, match="already have an open mentoring relationship"):
        service.open_pair(world.db, world.mentor, world.mentee, world.mentor)
    # asked by email, the clash is kept quiet: a request like any other, with no pair
    assert requests.ask_mentor(world.db, world.mentor, world.mentee.email).pair is None


def test_completing_a_pair_revokes_its_calendar_feed(world: World) -> None:
    access = world.pair()
    token = access.pair.feed_token
    assert schedule.pair_by_feed_token(world.db, access.pair.id, token) is access.pair
    service.transition(world.db, access, "complete")
    assert access.pair.feed_token != token
    for attempt in (token, access.pair.feed_token):
        with pytest.raises(NotFound):
            schedule.pair_by_feed_token(world.db, access.pair.id, attempt)


def test_a_facilitator_gets_one_answer_for_no_account_and_not_my_team(world: World) -> None:
    """Two answers would let a facilitator test any address in the organisation."""
    answers = set()
    for mentee_email in ("nobody@example.org", world.other.email):  # Omar: in no team
        with pytest.raises(MentoringError) as refused:
            service.create_pair(
                world.db,
                world.facilitator,
                mentor_email=world.mentor.email,
                mentee_email=mentee_email,
            )
        answers.add(str(refused.value))
    assert answers == {service.TEAM_ONLY}


def test_proposing_oneself_as_mentee_is_a_request_one_can_see_and_withdraw(
    world: World,
) -> None:
    """A pair made by its own mentee is hidden from them until accepted (`asked_by_mentee`),
    so a facilitator proposing themselves gets the request by address, like any mentee."""
    pair = service.create_pair(
        world.db,
        world.facilitator,
        mentor_email=world.mentor.email,
        mentee_email=world.facilitator.email,
    )
    (shown,) = requests.waiting_requests(world.db, world.facilitator)
    assert shown.email == world.mentor.email
    requests.withdraw(world.db, world.facilitator, shown.id)
    assert world.db.get(type(pair), pair.id) is None  # the pending pair went with it


def test_a_self_proposed_pair_with_a_start_date_stays_hidden_until_accepted(
    world: World,
) -> None:
    """The start date can come with the proposal, so it does not mean "accepted": the
    pending pair stays behind the request (found in review)."""
    pair = service.create_pair(
        world.db,
        world.facilitator,
        mentor_email=world.mentor.email,
        mentee_email=world.facilitator.email,
        start=date(2026, 1, 5),
    )
    assert pair.start_date is not None and service.asked_by_mentee(pair)
    with pytest.raises(service.NotFound):
        service.mentee_access(world.db, world.facilitator, pair.id)
