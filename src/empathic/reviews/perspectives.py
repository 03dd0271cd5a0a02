"""Every perspective, separately: contributors' own accounts and the timeline merged from them.

Rules (issue #17, "listen to every perspective"):

- each invited contributor writes their own account; nobody sees anyone else's until
  they have written theirs (so no account is shaped by another);
- a contributor may ask for their account to be shown to the group without their name;
  the facilitator always sees who wrote what;
- a contributor may withdraw their account until the review is published: its text is
  erased and its flags forgotten;
- every time someone is shown another person's account, the audit log records it, and
  the author can see who read theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from empathic.accounts.models import AuditEntry, User
from empathic.accounts.service import audit
from empathic.db import utcnow
from empathic.reviews import coaching
from empathic.reviews.models import Account
from empathic.reviews.service import Access, member_names, require_open
from empathic.reviews.text import LONG, ReviewError, clean

READ_ACTION = "reviews.account.read"
"""The audit action of being shown someone else's account."""

_STAMP = re.compile(
    r"^\s*(?:(?P<day>\d{4}-\d{2}-\d{2})[ T]+)?(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)\b"
    r"\s*(?:[-\u2013\u2014:]\s*)?(?P<what>\S.*)$"
)
"""A timeline line: "22:40 handover started" or "2026-03-02 02:10 - glucose rechecked"."""


@dataclass(frozen=True)
class Shown:
    """An account as this viewer may see it: `label` is the name or "Colleague 2"."""

    account: Account
    label: str
    own: bool
    named: bool


@dataclass(frozen=True)
class Moment:
    """One line of the merged timeline."""

    at: datetime
    dated: bool
    what: str
    who: str


def own_account(db: Session, access: Access) -> Account | None:
    return db.scalar(
        select(Account).where(
            Account.review_id == access.review.id, Account.author_id == access.viewer.id
        )
    )


def write_account(db: Session, access: Access, body: str, anonymous: bool) -> Account:
    """Write or rewrite one's own account; it is checked for blame and identifiers at once."""
    if not access.contributor:
        raise PermissionError("only invited contributors write an account")
    require_open(access)
    text = clean(body, "Your account", LONG, required=True)
    account = own_account(db, access)
    now = utcnow()
    if account is None:
        account = Account(review_id=access.review.id, author_id=access.viewer.id, written_at=now)
        db.add(account)
    account.body, account.anonymous, account.updated_at = text, anonymous, now
    account.withdrawn_at = None
    db.flush()
    names = member_names(db, access.review)
    coaching.sync(db, access.review, "account", account.id, "body", text, names)
    return account


def withdraw_account(db: Session, access: Access) -> Account:
    """Take one's account back before publication: the text is erased, not hidden."""
    require_open(access)
    account = own_account(db, access)
    if account is None or not account.written:
        raise ReviewError("You have no account here to withdraw.")
    account.body, account.withdrawn_at = "", utcnow()
    coaching.drop(db, access.review, "account", account.id)
    return account


def may_read_others(db: Session, access: Access) -> bool:
    """The facilitator always; a contributor once their own account is written."""
    if access.facilitator:
        return True
    mine = own_account(db, access) if access.contributor else None
    return mine is not None and mine.written


def shown_accounts(db: Session, access: Access) -> list[Shown]:
    """The accounts this viewer may read (own first), each read of another's audited.

    Empty for someone who may not read others yet (their own, if any, is still shown).
    """
    written = [
        a
        for a in db.scalars(
            select(Account)
            .where(Account.review_id == access.review.id, Account.withdrawn_at.is_(None))
            .options(selectinload(Account.author))
            .order_by(Account.written_at, Account.id)
        )
        if a.written
    ]
    everyone = may_read_others(db, access)
    numbers = {a.id: n for n, a in enumerate((a for a in written if a.anonymous), start=1)}
    shown: list[Shown] = []
    for account in written:
        own = account.author_id == access.viewer.id
        if not (own or everyone):
            continue
        named = own or access.facilitator or not account.anonymous
        label = account.author.name if named else f"Colleague {numbers[account.id]}"
        if not own:
            audit(db, access.viewer, account.author_id, READ_ACTION, target_of(account))
        shown.append(Shown(account, label, own, named))
    return sorted(shown, key=lambda s: not s.own)


def target_of(account: Account) -> str:
    return f"review:{account.review_id}/account:{account.id}"


def readers(db: Session, account: Account) -> list[tuple[str, datetime]]:
    """Who was shown this account and when they last were (for its author only)."""
    rows = db.execute(
        select(User.name, AuditEntry.at)
        .join(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.action == READ_ACTION, AuditEntry.target == target_of(account))
        .order_by(AuditEntry.at)
    ).all()
    last: dict[str, datetime] = {}
    for name, at in rows:
        last[name] = at
    return sorted(last.items(), key=lambda item: item[1], reverse=True)


def timeline(shown: list[Shown], event_day: date) -> list[Moment]:
    """Lines that start with a time, from every account shown, merged in time order.

    A line with only a time is placed on the event's day; a night shift that runs past
    midnight writes the date ("2026-03-02 02:10 ...").
    """
    moments: list[Moment] = []
    for item in shown:
        for line in item.account.body.splitlines():
            match = _STAMP.match(line)
            if not match:
                continue
            try:
                day = date.fromisoformat(match["day"]) if match["day"] else event_day
            except ValueError:
                continue
            at = datetime.combine(day, time(int(match["h"]), int(match["m"])))
            moments.append(Moment(at, bool(match["day"]), match["what"].strip(), item.label))
    return sorted(moments, key=lambda m: m.at)
