"""Flags: a signal waits for the human story before anyone acts on it.

Rules: only the mentor records the story and closes a flag; nothing can be
resolved or escalated until the story is written; escalation (sharing the
flag outside the pair) also needs the mentee's recorded consent; the mentee
can always add their own account and sees every flag about them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.db import utcnow
from empathic.mentoring.models import Flag
from empathic.mentoring.service import (
    Access,
    MentoringError,
    NotFound,
    can_see,
    consents,
    one_line,
    pair_for,
)

SOURCE_OF = {
    "overdue_milestone": "milestones",
    "stalled_milestone": "milestones",
    "falling_checkins": "checkins",
    "no_session": None,
}
"""The data source a flag is built from; the mentor sees it only while that source is shared."""

MAX_TEXT = 5000


def visible(
    db: Session, access: Access, flag: Flag, current: dict[str, bool] | None = None
) -> bool:
    """Mentee: every flag. Mentor: flags on shared data. Admin: only consented escalations.

    `current` is the pair's consents if already read (see `service.can_see`).
    """
    if access.role == "mentee":
        return True
    if access.role == "admin":
        return flag.status == "escalated" and flag.escalation_consent_at is not None
    source = SOURCE_OF.get(flag.kind)
    return source is None or can_see(db, access, source, current)


def flags_of(db: Session, access: Access, *, current: dict[str, bool] | None = None) -> list[Flag]:
    """The pair's flags this viewer may see, newest first."""
    rows = db.scalars(
        select(Flag)
        .where(Flag.pair_id == access.pair.id)
        .order_by(Flag.raised_at.desc(), Flag.id.desc())
    ).all()
    return visible_of(db, access, rows, current)


def visible_of(
    db: Session, access: Access, rows: Sequence[Flag], current: dict[str, bool] | None = None
) -> list[Flag]:
    """The flags of `rows` this viewer may see; consent is read once for the whole list,
    so a page that already loaded the pair's flags filters them without a second query."""
    if current is None and access.role == "mentor" and rows:
        current = consents(db, access.pair)
    return [f for f in rows if visible(db, access, f, current)]


def flag_for(db: Session, viewer: User, flag_id: int) -> tuple[Access, Flag]:
    """The flag and the viewer's access, or NotFound for anyone who may not see it."""
    flag = db.get(Flag, flag_id)
    if flag is None:
        raise NotFound(flag_id)
    access = pair_for(db, viewer, flag.pair_id, action="flag")
    if not visible(db, access, flag):
        raise NotFound(flag_id)
    return access, flag


def _text(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise MentoringError(f"Write {what} first.")
    return value[:MAX_TEXT]


def _open(flag: Flag) -> None:
    if flag.status != "open":
        raise MentoringError(f"This flag is already {flag.status}.")


def record_story(access: Access, flag: Flag, story: str) -> Flag:
    """What the mentor learned in a conversation with the mentee."""
    if access.role != "mentor":
        raise PermissionError("only the mentor records the story")
    _open(flag)
    flag.mentor_story = _text(story, "what you learned in your conversation")
    flag.story_at = utcnow()
    return flag


def add_account(access: Access, flag: Flag, account: str) -> Flag:
    """The mentee's own account; allowed at any time, even after the flag is closed."""
    if access.role != "mentee":
        raise PermissionError("only the mentee adds their account")
    flag.mentee_account = _text(account, "your account")
    flag.account_at = utcnow()
    return flag


def set_escalation_consent(access: Access, flag: Flag, consent: bool) -> Flag:
    if access.role != "mentee":
        raise PermissionError("only the mentee consents to escalation")
    _open(flag)
    flag.escalation_consent_at = utcnow() if consent else None
    return flag


def _needs_story(flag: Flag) -> None:
    if not flag.mentor_story.strip():
        raise MentoringError(
            "Talk with your mentee first and record what you learned; "
            "a flag cannot be closed on the data alone."
        )


def resolve(access: Access, flag: Flag, outcome: str = "") -> Flag:
    if access.role != "mentor":
        raise PermissionError("only the mentor resolves flags")
    _open(flag)
    _needs_story(flag)
    flag.status, flag.outcome = "resolved", outcome.strip()[:MAX_TEXT]
    flag.closed_at, flag.closed_by_id = utcnow(), access.viewer.id
    return flag


def escalate(access: Access, flag: Flag, to: str, outcome: str = "") -> Flag:
    """Share the flag beyond the pair: needs the story and the mentee's consent."""
    if access.role != "mentor":
        raise PermissionError("only the mentor escalates flags")
    _open(flag)
    _needs_story(flag)
    if flag.escalation_consent_at is None:
        raise MentoringError(
            "Your mentee has not agreed to share this flag. Ask them; "
            "they record their consent on this page."
        )
    to = one_line(to)
    if not to:
        raise MentoringError("Say who the flag is escalated to (a role, e.g. programme lead).")
    flag.status, flag.escalated_to, flag.outcome = "escalated", to, outcome.strip()[:MAX_TEXT]
    flag.closed_at, flag.closed_by_id = utcnow(), access.viewer.id
    return flag
