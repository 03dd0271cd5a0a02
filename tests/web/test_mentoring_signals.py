"""Signals, flags with stories, escalation consent and nudges, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from tests.web.mentoring_world import World

from empathic.db import utcnow
from empathic.mentoring import flags, goals, records, service, signals, stories
from empathic.mentoring.models import Flag
from empathic.mentoring.service import MentoringError, NotFound
from empathic.roleplay.loading import find_scenario


def _kinds(db: Session) -> list[tuple[str, str]]:
    return sorted((f.kind, f.status) for f in db.scalars(select(Flag)))


def test_overdue_milestone_raises_one_flag_and_recompute_does_not_duplicate(world: World) -> None:
    mentor = world.pair(consent=("milestones",))
    today = utcnow().date()
    goals.add_milestone(world.db, mentor, "Finish the course", today - timedelta(days=10))
    goals.add_milestone(world.db, mentor, "Future one", today + timedelta(days=10))
    records.log_session(world.db, mentor, "Kick-off")
    first = signals.compute(world.db)
    assert (first.found, first.created) == (1, 1)
    again = signals.compute(world.db)
    assert (again.found, again.created) == (1, 0)
    flag = world.db.scalars(select(Flag)).one()
    assert flag.kind == "overdue_milestone" and flag.status == "open"
    assert "due 10 days ago" in flag.facts["summary"]
    assert 0.5 < flag.confidence < 0.9


def test_a_closed_flag_is_not_raised_again_from_the_same_facts(world: World) -> None:
    mentor = world.pair(consent=("milestones",))
    due = utcnow().date() - timedelta(days=3)
    milestone = goals.add_milestone(world.db, mentor, "Course", due)
    records.log_session(world.db, mentor, "Kick-off")
    signals.compute(world.db)
    flag = world.db.scalars(select(Flag)).one()
    flags.record_story(mentor, flag, "The course was cancelled by HR.")
    flags.resolve(mentor, flag, "Moved the date")
    assert signals.compute(world.db).created == 0
    milestone.due_date = due - timedelta(days=1)  # new facts: a new flag
    assert signals.compute(world.db).created == 1


def test_signals_use_only_shared_data(world: World) -> None:
    mentor = world.pair()
    mentee = world.as_(world.mentee, mentor)
    goals.add_milestone(world.db, mentee, "Private goal", utcnow().date() - timedelta(days=5))
    records.log_session(world.db, mentor, "Kick-off")
    assert signals.compute(world.db).found == 0
    service.set_consent(world.db, mentee, "milestones", True)
    assert signals.compute(world.db).created == 1
    service.set_consent(world.db, mentee, "milestones", False)
    assert flags.flags_of(world.db, mentor) == []  # the flag hides with its data
    assert len(flags.flags_of(world.db, mentee)) == 1  # the mentee still sees it


def test_stalled_milestone_and_no_session(world: World) -> None:
    mentor = world.pair(consent=("milestones",))
    milestone = goals.add_milestone(world.db, mentor, "Mentor a junior")
    goals.record_progress(world.db, mentor, milestone, 20, "Started")
    records.log_session(world.db, mentor, "Kick-off")
    assert signals.compute(world.db).found == 0
    later = utcnow() + timedelta(days=signals.STALLED_DAYS + 2)
    run = signals.compute(world.db, now=later)
    assert run.created == 1 and _kinds(world.db) == [("stalled_milestone", "open")]
    much_later = utcnow() + timedelta(days=signals.NO_SESSION_DAYS + 5)
    signals.compute(world.db, now=much_later)
    assert _kinds(world.db) == [("no_session", "open"), ("stalled_milestone", "open")]
    gap = world.db.scalars(select(Flag).where(Flag.kind == "no_session")).one()
    assert "No session logged for 35 days" in gap.facts["summary"]


def test_falling_checkins(world: World) -> None:
    mentor = world.pair(consent=("checkins",))
    mentee = world.as_(world.mentee, mentor)
    records.log_session(world.db, mentor, "Kick-off")
    start = utcnow() - timedelta(days=40)
    for days, (energy, workload, support) in enumerate([(4, 2, 4), (4, 2, 5), (4, 3, 4)]):
        row = records.add_checkin(
            world.db, mentee, energy=energy, workload=workload, support=support
        )
        row.at = start + timedelta(days=7 * days)
    assert signals.compute(world.db).found == 0  # three check-ins are not enough
    row = records.add_checkin(world.db, mentee, energy=2, workload=5, support=2)
    row.at = start + timedelta(days=21)
    world.db.flush()
    # scores (energy + support + 6 - workload) / 3: 4.0, 4.33 then 3.67, 1.67: 4.17 -> 2.67
    assert signals.compute(world.db).created == 1
    flag = world.db.scalars(select(Flag)).one()
    assert flag.kind == "falling_checkins" and "fell by 1.5 points" in flag.facts["summary"]


def test_small_dip_is_not_a_signal(world: World) -> None:
    mentor = world.pair(consent=("checkins",))
    mentee = world.as_(world.mentee, mentor)
    records.log_session(world.db, mentor, "Kick-off")
    for energy in (4, 4, 4, 3):
        records.add_checkin(world.db, mentee, energy=energy, workload=3, support=4)
    assert signals.compute(world.db).found == 0


def _overdue_flag(world: World) -> tuple[service.Access, service.Access, Flag]:
    mentor = world.pair(consent=("milestones",))
    goals.add_milestone(world.db, mentor, "Course", utcnow().date() - timedelta(days=4))
    records.log_session(world.db, mentor, "Kick-off")
    signals.compute(world.db)
    return mentor, world.as_(world.mentee, mentor), world.db.scalars(select(Flag)).one()


def test_flag_without_story_cannot_be_resolved_or_escalated(world: World) -> None:
    mentor, mentee, flag = _overdue_flag(world)
    flags.set_escalation_consent(mentee, flag, True)
    with pytest.raises(MentoringError, match="record what you learned"):
        flags.resolve(mentor, flag)
    with pytest.raises(MentoringError, match="record what you learned"):
        flags.escalate(mentor, flag, "Programme lead")
    with pytest.raises(MentoringError):
        flags.record_story(mentor, flag, "   ")
    assert flag.status == "open"
    flags.record_story(mentor, flag, "She is caring for a parent.")
    flags.resolve(mentor, flag, "Agreed a later date")
    assert flag.status == "resolved" and flag.closed_by_id == world.mentor.id
    with pytest.raises(MentoringError, match="already resolved"):
        flags.resolve(mentor, flag)


def test_escalation_needs_mentee_consent(world: World) -> None:
    mentor, mentee, flag = _overdue_flag(world)
    flags.record_story(mentor, flag, "Workload doubled after a reorganisation.")
    with pytest.raises(MentoringError, match="not agreed"):
        flags.escalate(mentor, flag, "Programme lead")
    with pytest.raises(PermissionError):
        flags.set_escalation_consent(mentor, flag, True)
    admin = service.pair_for(world.db, world.admin, mentor.pair.id)
    assert flags.flags_of(world.db, admin) == []  # not shared outside the pair
    with pytest.raises(NotFound):
        flags.flag_for(world.db, world.admin, flag.id)
    flags.set_escalation_consent(mentee, flag, True)
    flags.escalate(mentor, flag, "Programme lead")
    assert flag.status == "escalated" and flag.escalated_to == "Programme lead"
    assert [f.id for f in flags.flags_of(world.db, admin)] == [flag.id]
    with pytest.raises(NotFound):
        flags.flag_for(world.db, world.other, flag.id)


def test_mentee_adds_their_account_and_only_the_mentor_writes_the_story(world: World) -> None:
    mentor, mentee, flag = _overdue_flag(world)
    with pytest.raises(PermissionError):
        flags.record_story(mentee, flag, "My story")
    with pytest.raises(PermissionError):
        flags.add_account(mentor, flag, "Their story")
    flags.add_account(mentee, flag, "The course moved to next quarter.")
    assert flag.mentee_account.startswith("The course moved")
    with pytest.raises(PermissionError):
        flags.resolve(mentee, flag)


def test_every_flag_kind_has_five_stories_and_a_guide() -> None:
    for kind in signals.KINDS:
        found = stories.stories(kind)
        assert len(found) == 5 and all(s.supports and s.refutes for s in found)
        assert {s.title for s in found} >= {"Workload", "Skill gap", "Relationship friction"}
        guide = stories.guide(kind)
        assert guide.questions and guide.reflections
        assert any("Advice before understanding" in a for a in guide.avoid)
        assert guide.scenario in {"mentor-milestones", "remote-wellbeing"}
        assert guide.scenario_title == find_scenario(guide.scenario).title  # not a copy
    assert stories.guide("falling_checkins").scenario == "remote-wellbeing"


def test_nudge_after_ninety_days_without_a_session(world: World) -> None:
    mentor = world.pair()
    log = records.log_session(world.db, mentor, "Kick-off")
    world.db.flush()
    assert signals.nudges(world.db, world.mentor.id) == []
    log.held_at = utcnow() - timedelta(days=95)
    world.db.flush()
    assert signals.nudges(world.db, world.mentor.id) == [(mentor.pair.id, 95)]
    assert signals.nudges(world.db, world.mentee.id) == []  # a nudge is for the mentor
    service.transition(world.db, mentor, "pause")
    assert signals.nudges(world.db, world.mentor.id) == []
    count = world.db.scalar(select(func.count(Flag.id)))
    assert count == 0  # nudges are reminders, not flags


def test_the_database_refuses_a_second_open_flag(world: World) -> None:
    mentor, _mentee, flag = _overdue_flag(world)
    world.db.commit()
    twin = Flag(
        pair_id=flag.pair_id, kind=flag.kind, subject=flag.subject, basis="other", confidence=0.5
    )
    world.db.add(twin)
    with pytest.raises(IntegrityError):
        world.db.flush()
    world.db.rollback()
    flags.record_story(mentor, world.db.get(Flag, flag.id), "Talked.")  # type: ignore[arg-type]
    flags.resolve(mentor, world.db.get(Flag, flag.id))  # type: ignore[arg-type]
    world.db.add(
        Flag(
            pair_id=flag.pair_id,
            kind=flag.kind,
            subject=flag.subject,
            basis="other",
            confidence=0.5,
        )
    )
    world.db.flush()  # once the first is closed, a new open flag is allowed


def test_an_open_flag_follows_the_data_and_closes_when_the_milestone_is_done(world: World) -> None:
    """Progress to 60% updates the open flag's facts; reaching 100% closes it, saying why."""
    mentor = world.pair(consent=("milestones",))
    due = utcnow().date() - timedelta(days=5)
    milestone = goals.add_milestone(world.db, mentor, "Lead the advisory meeting", due)
    goals.record_progress(world.db, mentor, milestone, 30, "Agenda drafted")
    records.log_session(world.db, mentor, "Kick-off")
    signals.compute(world.db)
    flag = world.db.scalars(select(Flag).where(Flag.kind == "overdue_milestone")).one()
    assert "is at 30%" in flag.facts["summary"]
    goals.record_progress(world.db, mentor, milestone, 60, "Venue booked")
    signals.compute(world.db, pair_ids=[mentor.pair.id])
    world.db.refresh(flag)
    assert flag.status == "open" and "is at 60%" in flag.facts["summary"]
    assert ["Progress", "60%"] in flag.facts["items"]
    goals.record_progress(world.db, mentor, milestone, 100, "Held it")
    signals.compute(world.db, pair_ids=[mentor.pair.id])
    world.db.refresh(flag)
    assert flag.status == "resolved" and flag.outcome == signals.CLOSED_BY_DATA
    assert flag.closed_at is not None
    signals.compute(world.db)
    assert world.db.scalar(select(func.count()).select_from(Flag).where(Flag.status == "open")) == 0
