"""The reviews area's demo data: one published learning review and one still gathering accounts
(whose draft summary still says "human error", so the coaching shows).

Texts go through the same services as the pages, so the detectors check them; a flag
the demo's wording still raises on the published review is resolved with a stated
reason, as a facilitator would (the demo must publish whatever the detectors learn).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.areas import DemoOrganisation
from empathic.db import utcnow


def seed(db: Session, organisation: DemoOrganisation) -> None:
    """Farah facilitates both; the learners of her team are the contributors."""
    people = [u for u in organisation.learners if u.team_id == organisation.facilitator.team_id]
    _published(db, organisation.facilitator, people[:3])
    _in_progress(db, organisation.facilitator, people[:2])
    db.commit()


def _published(db: Session, facilitator: User, contributors: list[User]) -> None:
    from empathic.reviews import actions, coaching, discussion, flags, library, perspectives
    from empathic.reviews.service import invite, review_for, start_review

    occurred = utcnow().date() - timedelta(days=365 + 2)  # its anniversary is this week
    review = start_review(
        db,
        facilitator,
        title="Advisory meeting follow-up sent to the wrong distribution list",
        occurred_on=occurred.isoformat(),
        severity="low",
        response_type="aar",
        location="Virtual advisory board",
        description="Slides with draft data went to an external list instead of the internal one.",
        tags="distribution lists, email, data handling",
    )
    access = review_for(db, facilitator, review.id)
    for person in contributors:
        invite(db, access, person.email)
    texts = (
        "09:05 I opened the follow-up template. 09:20 The address field suggested two lists "
        "with almost the same name.",
        "09:30 The send went out while the board was still on the call. The lists look "
        "identical in the address picker.",
        "10:10 A board member replied that they had received internal slides.",
    )
    for person, text in zip(contributors, texts, strict=False):
        perspectives.write_account(db, review_for(db, person, review.id), text, anonymous=False)
    discussion.save_discussion(
        db,
        access,
        {
            "expected": "Follow-up slides go to the internal list only.",
            "actual": "They went to an external list with a near-identical name.",
            "difference": "The address picker shows both lists with the same label and "
            "no marker for external recipients.",
            "learning": "Look-alike names in a picker are a trap for anyone under time pressure.",
        },
    )
    discussion.add_factor(
        db, access, "tools", "The address picker labels internal and external lists alike."
    )
    discussion.add_factor(
        db, access, "tasks", "Follow-ups are sent during the meeting, while attention is split."
    )
    actions.add_action(
        db,
        access,
        text="Rename the external list and remove it from the picker's suggestions.",
        action_type="prevent",
        strength="strong",
        due_on=(occurred + timedelta(days=30)).isoformat(),
    )
    actions.add_action(
        db,
        access,
        text="Send follow-ups after the meeting from a checklist.",
        action_type="prevent",
        strength="intermediate",
        due_on=(utcnow().date() + timedelta(days=30)).isoformat(),
    )
    discussion.save_summary(
        db,
        access,
        "Two distribution lists with near-identical names sat side by side in the address "
        "picker, and follow-ups were sent while the meeting was still running. The picker "
        "now hides the external list, and follow-ups go out after the meeting from a checklist.",
    )
    for flag in coaching.blocking(db, review):
        flags.resolve(db, access, flag.id, "Demo wording reviewed by the facilitator.")
    library.publish(db, access)
    first, second = actions.actions_of(db, review)
    actions.update_action(db, access, first.id, "done", "External list renamed and hidden.")
    first.done_at = datetime.combine(occurred + timedelta(days=25), time(12), UTC)
    actions.update_action(db, access, second.id, "in_progress", "Checklist drafted.")


def _in_progress(db: Session, facilitator: User, contributors: list[User]) -> None:
    from empathic.reviews import actions, discussion, perspectives
    from empathic.reviews.service import invite, review_for, start_review

    today = utcnow().date()
    review = start_review(
        db,
        facilitator,
        title="Adverse-event report forwarded after the 24-hour window",
        occurred_on=(today - timedelta(days=6)).isoformat(),
        severity="none",
        response_type="swarm",
        location="Field medical team",
        description="A physician mentioned a side effect on a call; the report reached "
        "pharmacovigilance 30 hours later.",
        tags="pharmacovigilance, reporting",
    )
    access = review_for(db, facilitator, review.id)
    for person in contributors:
        invite(db, access, person.email)
    perspectives.write_account(
        db,
        review_for(db, contributors[0], review.id),
        "14:00 Call ended; I noted the side effect in my call notes.\n"
        "17:30 I meant to file the report but the form timed out.",
        anonymous=True,
    )
    discussion.save_summary(  # a first draft, so the coaching has something to show
        db,
        access,
        "It was human error: the report form timed out and was not sent again that day.",
    )
    actions.add_action(
        db,
        access,
        text="Remind the team about the 24-hour rule.",
        action_type="prevent",
        strength="weak",
        due_on=(today - timedelta(days=1)).isoformat(),
    )
