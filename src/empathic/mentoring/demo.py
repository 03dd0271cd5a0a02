"""The mentoring area's demo data: a pair with shared data and a flag waiting for its story."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.areas import DemoOrganisation
from empathic.db import utcnow


def seed(db: Session, organisation: DemoOrganisation) -> None:
    """The facilitator mentors the first learner and is mentored by the second."""
    learners = organisation.learners
    _mentoring(db, organisation.facilitator, learners[0], learners[1])


def _mentoring(db: Session, facilitator: User, lena: User, mentor: User) -> None:
    """Farah mentors Lena (with data shared and one overdue milestone, so a flag waits for
    its story) and is mentored by a colleague: both sides of the companion have content."""
    from empathic.mentoring import goals, records, service, signals

    pair = service.create_pair(
        db,
        facilitator,
        mentor_email=facilitator.email,
        mentee_email=lena.email,
        programme="MSL leadership 2026",
    )
    mentee = service.pair_for(db, lena, pair.id)
    service.transition(db, mentee, "accept")
    for source in ("milestones", "checkins"):
        service.set_consent(db, mentee, source, True)
    access = service.pair_for(db, facilitator, pair.id)
    today = utcnow().date()
    late = goals.add_milestone(db, access, "Lead one HCP advisory meeting", today - timedelta(14))
    goals.record_progress(db, access, late, 30, "Agenda drafted; venue still open.")
    goals.add_milestone(db, access, "Shadow a senior MSL on two visits", today + timedelta(21))
    scores = ((4, 3, 4), (4, 3, 4), (3, 4, 3), (2, 5, 3))
    for weeks_ago, (energy, workload, support) in zip((6, 4, 2, 0), scores, strict=True):
        checkin = records.add_checkin(db, mentee, energy=energy, workload=workload, support=support)
        checkin.at = utcnow() - timedelta(weeks=weeks_ago)  # a history, not one moment
    records.log_session(
        db,
        access,
        "We talked about the advisory meeting. I offered to introduce Lena to the medical "
        "director so she gets exposure, and we agreed she can tell me when the workload "
        "feels too much.",
        held_at=utcnow() - timedelta(days=20),
    )
    peer = (
        service.create_pair(
            db, facilitator, mentor_email=mentor.email, mentee_email=facilitator.email
        )
        if mentor.team_id == facilitator.team_id
        else None
    )
    if peer is not None:
        accepting = mentor if service.accepting_role(peer) == "mentor" else facilitator
        service.transition(db, service.pair_for(db, accepting, peer.id), "accept")
    signals.compute(db)
    db.commit()
