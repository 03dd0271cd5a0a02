"""Relationships, their states, consent and who may see what; no HTTP here.

Every read of a pair goes through `pair_for`, so authorisation lives in one
place: the pair's mentor and mentee see it; an admin sees it for
administration (audited, without the mentee's data); anyone else gets
`NotFound`, exactly as if the pair did not exist.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from empathic.accounts.models import User
from empathic.accounts.service import audit, normalise_email
from empathic.db import utcnow
from empathic.mentoring.area import ADMINISTER_PAIRS, PROPOSE_PAIR
from empathic.mentoring.models import SOURCES, Consent, ConsentChange, MentorRequest, Pair
from empathic.paging import Paged, fetch_page
from empathic.permissions import Role, allowed, role_of

WITH_PEOPLE = (selectinload(Pair.mentor), selectinload(Pair.mentee))
"""Pair lists show both names: load the people in one query each, not one per pair."""

TRANSITIONS: dict[str, dict[str, str]] = {
    "pending": {"accept": "active", "decline": "completed"},
    "active": {"pause": "paused", "complete": "completed"},
    "paused": {"resume": "active", "complete": "completed"},
    "completed": {},
}
"""state -> {action: next state}; anything not listed is refused."""

OPEN_STATES = ("active", "paused")
"""States in which the mentor sees what the mentee shares (never pending or completed)."""

SOURCE_LABELS = {
    "milestones": "Goals and milestones",
    "checkins": "Check-ins (energy, workload, support)",
    "session_analysis": "Analysis of session notes",
    "practice": "My role-play practice runs",
}


class MentoringError(ValueError):
    """A request the user can fix: the message says what to change."""


class NotFound(LookupError):
    """No such thing, or not yours to see (the two are indistinguishable on purpose)."""


@dataclass(frozen=True)
class Access:
    """Who is looking at a pair and so what they may see."""

    pair: Pair
    viewer: User
    role: str  # "mentor", "mentee" or "admin"

    @property
    def member(self) -> bool:
        return self.role in ("mentor", "mentee")


def one_line(text: str, limit: int = 200) -> str:
    """Whitespace collapsed and cut to fit a short column: titles, names, programmes."""
    return " ".join(text.split())[:limit]


def _user_by_email(db: Session, email: str) -> User:
    user = db.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:  # deactivated: the same answer, nothing new is told
        raise MentoringError(
            f"No account uses {email.strip()!r}. Ask them to sign up first, then try again."
        )
    return user


def _check_dates(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise MentoringError("The end date must be on or after the start date.")


def create_pair(
    db: Session,
    actor: User,
    *,
    mentor_email: str,
    mentee_email: str,
    programme: str = "",
    start: date | None = None,
    end: date | None = None,
) -> Pair:
    """A facilitator (within their own team) or an admin proposes a pair.

    The pair starts `pending`: the mentee's data is theirs, so nothing is
    shared with anyone until the mentee accepts.
    """
    if not allowed(actor, PROPOSE_PAIR):
        raise PermissionError("only facilitators and admins create pairs")
    facilitator = role_of(actor) is Role.FACILITATOR
    try:
        mentor, mentee = _user_by_email(db, mentor_email), _user_by_email(db, mentee_email)
    except MentoringError:
        if facilitator:  # one answer for "no account" and "not your team": no probing
            raise MentoringError(TEAM_ONLY) from None
        raise
    if facilitator and (
        actor.team_id is None or {mentor.team_id, mentee.team_id} != {actor.team_id}
    ):
        raise MentoringError(TEAM_ONLY)
    pair = open_pair(db, actor, mentor, mentee, programme, start, end)
    if actor.id == mentee.id:  # proposing oneself as mentee is asking: shown as a request
        db.add(MentorRequest(mentee_id=mentee.id, email=mentor.email, pair=pair))
    return pair


TEAM_ONLY = (
    "You can pair only people in your own team, by the email they sign in with; ask an "
    "admin otherwise."
)
"""A facilitator's answer both for an address without an account and for someone outside
their team: two answers would let them test any address in the organisation."""


def open_pair(
    db: Session,
    actor: User,
    mentor: User,
    mentee: User,
    programme: str = "",
    start: date | None = None,
    end: date | None = None,
) -> Pair:
    """A new pair is always `pending`: nothing is shared until the invited person accepts."""
    if mentor.id == mentee.id:
        raise MentoringError("A mentor and a mentee must be two different people.")
    _check_dates(start, end)
    clash = db.scalar(  # either direction: two open relationships would split one story
        select(Pair.id).where(
            or_(
                (Pair.mentor_id == mentor.id) & (Pair.mentee_id == mentee.id),
                (Pair.mentor_id == mentee.id) & (Pair.mentee_id == mentor.id),
            ),
            Pair.state != "completed",
        )
    )
    if clash is not None:
        raise MentoringError("These two people already have an open mentoring relationship.")
    pair = Pair(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        created_by_id=actor.id,
        programme=one_line(programme),
        state="pending",
        start_date=start,
        end_date=end,
        feed_token=secrets.token_urlsafe(24),
    )
    db.add(pair)
    db.flush()
    return pair


def accepting_role(pair: Pair) -> str:
    """Who must accept a pending pair: the mentor a mentee invited, else the mentee."""
    return "mentor" if pair.created_by_id == pair.mentee_id else "mentee"


def transition(db: Session, access: Access, action: str) -> Pair:
    """Move a pair along an allowed edge; only the invited person may accept."""
    pair = access.pair
    allowed = TRANSITIONS[pair.state]
    if action not in allowed:
        raise MentoringError(f"A {pair.state} relationship cannot {action}.")
    if action == "accept" and access.role != accepting_role(pair):
        raise PermissionError(f"only the {accepting_role(pair)} can accept")
    if action == "decline" and access.role not in ("mentor", "mentee"):
        raise PermissionError("only the pair can decline an invitation")
    pair.state = allowed[action]
    pair.updated_at = utcnow()
    if action == "accept":  # accepted: the pair now speaks for the mentee's request
        db.execute(delete(MentorRequest).where(MentorRequest.pair_id == pair.id))
    if pair.state == "active" and pair.start_date is None:
        pair.start_date = utcnow().date()
    if pair.state == "completed" and pair.end_date is None:
        pair.end_date = utcnow().date()
    if pair.state == "completed":
        pair.feed_token = secrets.token_urlsafe(24)  # revokes the calendar feed's address
    return pair


def pair_for(db: Session, viewer: User, pair_id: int, *, action: str = "view") -> Access:
    """The pair if `viewer` may see it, else NotFound; admins' views are audited."""
    pair = db.get(Pair, pair_id)
    if pair is None:
        raise NotFound(pair_id)
    if viewer.id == pair.mentor_id:
        role = "mentor"
    elif viewer.id == pair.mentee_id and not asked_by_mentee(pair):
        role = "mentee"
    elif allowed(viewer, ADMINISTER_PAIRS):
        role = "admin"
        audit(db, viewer, pair.mentee_id, f"mentoring.admin.{action}", f"pair:{pair.id}")
        audit(db, viewer, pair.mentor_id, f"mentoring.admin.{action}", f"pair:{pair.id}")
    else:
        raise NotFound(pair_id)
    if role == "mentor" and pair.state != "pending":
        audit(db, viewer, pair.mentee_id, f"mentoring.{action}", f"pair:{pair.id}")
    return Access(pair, viewer, role)


def member_access(db: Session, viewer: User, pair_id: int) -> Access:
    """Like `pair_for` but only for the two people in the pair (content, not administration)."""
    access = pair_for(db, viewer, pair_id)
    if not access.member:
        raise NotFound(pair_id)
    return access


def mentee_access(db: Session, viewer: User, pair_id: int) -> Access:
    """The pair for its mentee only (their own data, so nothing to audit); else NotFound."""
    pair = db.get(Pair, pair_id)
    if pair is None or pair.mentee_id != viewer.id or asked_by_mentee(pair):
        raise NotFound(pair_id)
    return Access(pair, viewer, "mentee")


def asked_by_mentee(pair: Pair) -> bool:
    """A pair the mentee asked for and the person asked has not accepted (pending, or
    declined): the mentee must not learn it exists, since that tells them an account does.

    Until it is accepted, the mentee sees only their request, by the address they typed
    (`mentoring.requests`); a declined request looks the same as one to an address
    without an account. A pending pair was never accepted, whatever start date it was
    proposed with; a completed one without a start date was declined (accepting sets it).
    """
    return pair.created_by_id == pair.mentee_id and (
        pair.state == "pending" or (pair.state == "completed" and pair.start_date is None)
    )


def pairs_of(db: Session, user: User) -> tuple[list[Pair], list[Pair]]:
    """(pairs where I mentor, pairs where I am mentored), newest first."""
    rows = db.scalars(
        select(Pair)
        .where(or_(Pair.mentor_id == user.id, Pair.mentee_id == user.id))
        .options(*WITH_PEOPLE)
        .order_by(Pair.created_at.desc(), Pair.id.desc())
    ).all()
    mentored = [p for p in rows if p.mentee_id == user.id and not asked_by_mentee(p)]
    return [p for p in rows if p.mentor_id == user.id], mentored


def all_pairs(db: Session, admin: User, page: int = 1) -> Paged[Pair]:
    """Administration list (names, states, programmes; none of the mentee's data), newest
    first, a page at a time."""
    if not allowed(admin, ADMINISTER_PAIRS):
        raise PermissionError("only admins list every pair")
    query = select(Pair).options(*WITH_PEOPLE).order_by(Pair.created_at.desc(), Pair.id.desc())
    return fetch_page(db, query, page)


def consents(db: Session, pair: Pair) -> dict[str, bool]:
    """The current choice per source; a source never chosen is not shared."""
    found = {
        c.source: c.granted for c in db.scalars(select(Consent).where(Consent.pair_id == pair.id))
    }
    return {source: found.get(source, False) for source in SOURCES}


def consent_history(db: Session, pair: Pair) -> list[ConsentChange]:
    return list(
        db.scalars(
            select(ConsentChange)
            .where(ConsentChange.pair_id == pair.id)
            .order_by(ConsentChange.at.desc(), ConsentChange.id.desc())
        )
    )


def _consent_row(db: Session, pair_id: int, source: str) -> Consent | None:
    return db.scalar(select(Consent).where(Consent.pair_id == pair_id, Consent.source == source))


def set_consent(db: Session, access: Access, source: str, granted: bool) -> None:
    """Only the mentee decides what their mentor sees; every change is kept.

    The first choice for a source inserts a row; a double click can race two
    inserts into the unique (pair, source) constraint, so the insert runs in a
    savepoint and the loser falls back to updating the winner's row.
    """
    if access.role != "mentee":
        raise PermissionError("only the mentee changes consent")
    if source not in SOURCES:
        raise MentoringError(f"Unknown data source {source!r}.")
    pair = access.pair
    now = utcnow()
    row = _consent_row(db, pair.id, source)
    if row is None:
        try:
            with db.begin_nested():
                db.add(Consent(pair_id=pair.id, source=source, granted=granted, updated_at=now))
        except IntegrityError:
            row = _consent_row(db, pair.id, source)
            if row is None:  # pragma: no cover (the conflicting row vanished again)
                raise
    if row is not None:
        if row.granted == granted:
            return
        row.granted, row.updated_at = granted, now
    db.add(
        ConsentChange(pair_id=pair.id, source=source, granted=granted, actor_id=access.viewer.id)
    )
    db.flush()


def can_see(
    db: Session, access: Access, source: str, current: dict[str, bool] | None = None
) -> bool:
    """The mentee sees all of their own data; the mentor only what the mentee shares,
    and only while the relationship is open (not before acceptance, not after it ends).

    `current` is the pair's `consents`, when the caller already has them: a page
    that checks many sources or flags then reads consent once, not once per check.
    """
    if access.role == "mentee":
        return True
    if access.role == "mentor" and access.pair.state in OPEN_STATES:
        return (current if current is not None else consents(db, access.pair)).get(source, False)
    return False


def require_source(
    db: Session, access: Access, source: str, current: dict[str, bool] | None = None
) -> None:
    """PermissionError unless the viewer may see `source` (see `can_see`)."""
    if not can_see(db, access, source, current):
        raise PermissionError(f"the mentee has not shared {source}")
