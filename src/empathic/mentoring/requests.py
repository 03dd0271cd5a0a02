"""A mentee's requests for a mentor, answered alike whether or not the address has an account.

Asking someone by email must not become a way to learn who has an account
(issue #15). The request is kept under the address the mentee typed and shown
back to them exactly so; when an active account uses the address, a pending
pair is made for that person to accept or decline, and the mentee does not see
it until they answer. No free text travels with the request: the person asked
sees only the mentee's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from empathic.accounts.models import User
from empathic.accounts.service import normalise_email, valid_email
from empathic.mentoring.models import MentorRequest
from empathic.mentoring.service import MentoringError, NotFound, open_pair

MAX_WAITING = 5
"""Open requests a mentee may have at once: enough to ask around, too few to spray."""


@dataclass(frozen=True)
class RequestView:
    """What the mentee sees of a request: the address they typed and when."""

    id: int
    email: str
    created_at: datetime


def ask_mentor(db: Session, mentee: User, email: str) -> MentorRequest:
    """Keep the request; make a pending pair when an active account uses the address.

    The same answer either way: errors speak only of what the mentee typed or
    already knows (their own address, their own earlier request, their limit). An
    address whose owner already has an open relationship with the mentee is kept
    without a pair, like an address without an account, so guessing the address of
    someone you are paired with confirms nothing.
    """
    address = normalise_email(email)
    if not valid_email(address):
        raise MentoringError("Enter the email address of the person you want to ask.")
    if address == normalise_email(mentee.email):
        raise MentoringError("A mentor and a mentee must be two different people.")
    mine = select(MentorRequest).where(MentorRequest.mentee_id == mentee.id)
    if db.scalar(mine.where(MentorRequest.email == address)) is not None:
        raise MentoringError(f"You have already asked {address}; withdraw that request first.")
    waiting = db.scalar(
        select(func.count()).select_from(MentorRequest).where(MentorRequest.mentee_id == mentee.id)
    )
    if (waiting or 0) >= MAX_WAITING:
        raise MentoringError(
            f"You have {MAX_WAITING} requests waiting; withdraw one before asking someone else."
        )
    request = MentorRequest(mentee_id=mentee.id, email=address)
    mentor = db.scalar(select(User).where(User.email == address))
    if mentor is not None and mentor.active:
        try:
            request.pair = open_pair(db, mentee, mentor, mentee)
        except MentoringError:  # already paired: kept like any other, never says so
            request.pair = None
    db.add(request)
    db.flush()
    return request


def waiting_requests(db: Session, mentee: User) -> list[RequestView]:
    """The mentee's requests not accepted yet (unanswered, declined, or to an address
    without an account: all look alike), oldest first, as they typed them."""
    rows = db.scalars(
        select(MentorRequest)
        .where(MentorRequest.mentee_id == mentee.id)
        .order_by(MentorRequest.created_at, MentorRequest.id)
    ).all()
    return [RequestView(r.id, r.email, r.created_at) for r in rows]


def withdraw(db: Session, mentee: User, request_id: int) -> None:
    """Forget the request and any pending pair it made; someone else's request is NotFound."""
    request = db.scalar(
        select(MentorRequest)
        .where(MentorRequest.id == request_id, MentorRequest.mentee_id == mentee.id)
        .options(selectinload(MentorRequest.pair))
    )
    if request is None:
        raise NotFound(request_id)
    pair = request.pair
    db.delete(request)
    if pair is not None and pair.state == "pending":
        db.delete(pair)
    db.flush()
