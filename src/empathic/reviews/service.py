"""Starting a review, who takes part, and who may see what; no HTTP here.

Every read of a review goes through `review_for`, so the relationship rules live in one
place: the facilitator, whoever started it, the invited contributors and the owners of
its actions see it; anyone else (an admin included, another team certainly) gets
`NotFound`, exactly as if it did not exist. What each member may see inside it (accounts
only after writing one's own, the Just Culture step only the facilitator) is decided by
the `Access` this returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.accounts.service import normalise_email
from empathic.db import utcnow
from empathic.permissions import Role, allowed, role_of
from empathic.reviews import coaching
from empathic.reviews.area import START
from empathic.reviews.models import RESPONSE_TYPES, SEVERITIES, Action, Contributor, Review
from empathic.reviews.text import (
    LONG,
    SHORT,
    ReviewError,
    choice,
    clean,
    day,
    one_line,
    words_list,
)


class NotFound(LookupError):
    """No such review, or not yours to see (the two are indistinguishable on purpose)."""


@dataclass(frozen=True)
class Access:
    """Who is looking at a review, in which capacities (one person can hold several)."""

    review: Review
    viewer: User
    roles: frozenset[str]  # facilitator, organiser, contributor, owner

    @property
    def facilitator(self) -> bool:
        return "facilitator" in self.roles

    @property
    def contributor(self) -> bool:
        return "contributor" in self.roles

    @property
    def open(self) -> bool:
        return self.review.status == "open"


def require_facilitator(access: Access) -> None:
    if not access.facilitator:
        raise PermissionError("only the review's facilitator can do this")


def require_open(access: Access) -> None:
    if not access.open:
        raise ReviewError("This review is published: its accounts and discussion are closed.")


def user_by_email(db: Session, email: str, what: str) -> User:
    user = db.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise ReviewError(
            f"{what}: no account uses {email.strip()[:254]!r}. Ask them to sign up first."
        )
    return user


def _facilitator(db: Session, actor: User, email: str) -> User:
    """The named facilitator: staff; a facilitator names someone in their own team."""
    person = actor if not email.strip() else user_by_email(db, email, "Facilitator")
    if not allowed(person, START):
        raise ReviewError("Facilitator: name a facilitator or an admin (trained to lead reviews).")
    if (
        role_of(actor) is Role.FACILITATOR
        and person.id != actor.id
        and (actor.team_id is None or person.team_id != actor.team_id)
    ):
        raise ReviewError("Facilitator: name someone in your own team, or ask an admin.")
    return person


def start_review(
    db: Session,
    actor: User,
    *,
    title: str,
    occurred_on: str,
    severity: str,
    response_type: str,
    description: str = "",
    location: str = "",
    facilitator_email: str = "",
    tags: str = "",
    tickets: str = "",
    meeting_on: str = "",
) -> Review:
    """A review of one event with a named facilitator; every field is checked before any
    row is written, and identifiers or blame in what was typed are flagged at once."""
    if not allowed(actor, START):
        raise PermissionError("only facilitators and admins start reviews")
    values = {
        "title": one_line(title, "What happened (title)", required=True),
        "description": clean(description, "Description", LONG),
        "location": one_line(location, "Where", SHORT),
        "occurred_on": day(occurred_on, "When", required=True, latest=utcnow().date()),
        "severity": choice(severity, "Severity", SEVERITIES),
        "response_type": choice(response_type, "Learning response", RESPONSE_TYPES),
        "tags": words_list(tags, "Tags"),
        "tickets": words_list(tickets, "Linked tickets"),
        "meeting_on": day(meeting_on, "Meeting date"),
    }
    facilitator = _facilitator(db, actor, facilitator_email)
    review = Review(
        team_id=actor.team_id if actor.team_id is not None else facilitator.team_id,
        created_by_id=actor.id,
        facilitator_id=facilitator.id,
        status="open",
        **values,
    )
    db.add(review)
    db.flush()
    coaching.check_event(db, review, member_names(db, review))
    return review


def update_event(
    db: Session,
    access: Access,
    *,
    title: str,
    description: str,
    location: str,
    tags: str,
    tickets: str,
    meeting_on: str,
) -> Review:
    """The facilitator corrects what was typed at the start (e.g. to remove an identifier)."""
    require_facilitator(access)
    require_open(access)
    values = {
        "title": one_line(title, "What happened (title)", required=True),
        "description": clean(description, "Description", LONG),
        "location": one_line(location, "Where", SHORT),
        "tags": words_list(tags, "Tags"),
        "tickets": words_list(tickets, "Linked tickets"),
        "meeting_on": day(meeting_on, "Meeting date"),
    }
    review = access.review
    for name, value in values.items():
        setattr(review, name, value)
    review.updated_at = utcnow()
    coaching.check_event(db, review, member_names(db, review))
    return review


def invite(db: Session, access: Access, email: str) -> Contributor:
    """The facilitator invites someone to write their own account (any role, any team)."""
    require_facilitator(access)
    require_open(access)
    person = user_by_email(db, email, "Contributor")
    review = access.review
    known = db.scalar(
        select(Contributor).where(
            Contributor.review_id == review.id, Contributor.user_id == person.id
        )
    )
    if known is not None:
        raise ReviewError(f"{person.name} is already invited.")
    contributor = Contributor(
        review_id=review.id, user_id=person.id, invited_by_id=access.viewer.id
    )
    db.add(contributor)
    db.flush()
    return contributor


def contributors(db: Session, review: Review) -> list[Contributor]:
    return list(
        db.scalars(
            select(Contributor)
            .where(Contributor.review_id == review.id)
            .order_by(Contributor.invited_at, Contributor.id)
        )
    )


def member_names(db: Session, review: Review) -> list[str]:
    """Names of everyone on the review (facilitator, starter, contributors), full and first."""
    ids = {review.facilitator_id, review.created_by_id} - {None}
    ids |= set(db.scalars(select(Contributor.user_id).where(Contributor.review_id == review.id)))
    names: list[str] = []
    for name in db.scalars(select(User.name).where(User.id.in_(ids))):
        names.append(name)
        first = name.split()[0] if name.split() else ""
        if first and first != name and len(first) > 1:
            names.append(first)
    return sorted(set(names))


def review_for(db: Session, viewer: User, review_id: int) -> Access:
    """The review if `viewer` takes part in it, else NotFound."""
    review = db.get(Review, review_id)
    if review is None:
        raise NotFound(review_id)
    roles: set[str] = set()
    if review.facilitator_id == viewer.id:
        roles.add("facilitator")
    if review.created_by_id == viewer.id:
        roles.add("organiser")
    if db.scalar(
        select(Contributor.id).where(
            Contributor.review_id == review.id, Contributor.user_id == viewer.id
        )
    ):
        roles.add("contributor")
    if db.scalar(
        select(Action.id).where(Action.review_id == review.id, Action.owner_id == viewer.id)
    ):
        roles.add("owner")
    if not roles:
        raise NotFound(review_id)
    return Access(review, viewer, frozenset(roles))


def reviews_of(db: Session, user: User) -> list[Review]:
    """Every review `user` takes part in, newest event first."""
    invited = select(Contributor.review_id).where(Contributor.user_id == user.id)
    owning = select(Action.review_id).where(Action.owner_id == user.id)
    return list(
        db.scalars(
            select(Review)
            .where(
                or_(
                    Review.facilitator_id == user.id,
                    Review.created_by_id == user.id,
                    Review.id.in_(invited),
                    Review.id.in_(owning),
                )
            )
            .order_by(Review.occurred_on.desc(), Review.id.desc())
        )
    )


def working_days_after(start: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after `start`."""
    current, left = start, days
    while left:
        current = date.fromordinal(current.toordinal() + 1)
        if current.weekday() < 5:
            left -= 1
    return current


def meeting_due(review: Review) -> date:
    """PagerDuty's habit: meet within five working days of starting the review."""
    return working_days_after(review.created_at.date(), 5)
