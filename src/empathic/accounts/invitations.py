"""An admin invites a person by email with a role and a team; no HTTP here.

Empathic sends no email: the admin sees the sign-up link once and sends it themselves. The
link holds a random token and the table only its SHA-256 (like sign-in sessions), so a
copy of the database cannot be used to sign up. An invitation works once, for 7 days; a new
invitation for the same email replaces an open one. With single sign-on the email is the
key instead: the first sign-in with a provider-verified email takes the open invitation.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from empathic.accounts.area import ADMINISTER
from empathic.accounts.models import ROLES, Invitation, Team, User
from empathic.accounts.service import (
    AccountError,
    audit,
    normalise_email,
    sign_up,
    valid_email,
)
from empathic.db import utcnow
from empathic.permissions import allowed

INVITATION_DAYS = 7
INVITE = "accounts.invite"
"""Audit log action code (sentence: `accounts.area`)."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationError(AccountError):
    """The link cannot be used (unknown, expired or used); the message says what to do."""


@dataclass(frozen=True)
class Invited:
    """A new invitation and its token: the only moment the token exists in clear."""

    invitation: Invitation
    token: str


def invite(db: Session, actor: User, *, email: str, role: str, team_id: int | None) -> Invited:
    """Create an invitation (replacing an open one for the same email) and audit it."""
    if not allowed(actor, ADMINISTER):
        raise PermissionError("only an admin can invite people")
    email = normalise_email(email)
    if not valid_email(email):
        raise AccountError("Enter an email address like name@example.org.")
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; expected one of {', '.join(ROLES)}.")
    if team_id is not None and db.get(Team, team_id) is None:
        raise AccountError("No such team.")
    if db.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(
            f"{email} already has an account: set their role and team in the list of people."
        )
    db.execute(delete(Invitation).where(Invitation.email == email, Invitation.used_at.is_(None)))
    token = secrets.token_urlsafe(32)
    now = utcnow()
    invitation = Invitation(
        token_hash=_token_hash(token),
        email=email,
        role=role,
        team_id=team_id,
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    db.add(invitation)
    db.flush()
    audit(db, actor, None, INVITE, f"{email} as {role}")
    return Invited(invitation, token)


def invitation_for(db: Session, token: str) -> Invitation:
    """The usable invitation behind a link's token, else InvitationError saying why."""
    found = db.scalar(select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if found is None:
        raise InvitationError(
            "This invitation link is not valid: check that you copied all of it, or ask your "
            "administrator for a new one (a newer invitation replaces an older one)."
        )
    if found.used_at is not None:
        raise InvitationError("This invitation has already been used. Sign in instead.")
    if found.expires_at <= utcnow():
        raise InvitationError("This invitation has expired. Ask your administrator for a new one.")
    return found


def sign_up_invited(db: Session, token: str, *, name: str, password: str) -> User:
    """Sign up with the invitation's email, role and team; the invitation is then used up.

    In a savepoint: a refused password leaves the invitation open, and of two sign-ups with
    one link at the same moment only the first claims it (the conditional update).
    """
    invitation = invitation_for(db, token)
    with db.begin_nested():
        now = utcnow()
        claimed = db.execute(
            update(Invitation)
            .where(
                Invitation.id == invitation.id,
                Invitation.used_at.is_(None),
                Invitation.expires_at > now,
            )
            .values(used_at=now)
        )
        if int(getattr(claimed, "rowcount", 0) or 0) != 1:  # taken or expired a moment ago
            raise InvitationError(
                "This invitation has already been used or has just expired. Sign in, or ask "
                "your administrator for a new one."
            )
        user = sign_up(db, email=invitation.email, name=name, password=password)
        _apply(db, invitation, user)
    return user


def claim_for_sso(db: Session, user: User) -> bool:
    """Give a person just created by single sign-on (with a verified email) the role and team
    of an open invitation for that email; whether there was one."""
    invitation = db.scalar(
        select(Invitation)
        .where(
            Invitation.email == user.email,
            Invitation.used_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.created_at.desc())
        .limit(1)
    )
    if invitation is None:
        return False
    invitation.used_at = utcnow()
    _apply(db, invitation, user)
    return True


def _apply(db: Session, invitation: Invitation, user: User) -> None:
    user.role = invitation.role
    user.team_id = invitation.team_id
    invitation.used_by_id = user.id
    db.flush()


def open_invitations(db: Session) -> list[Invitation]:
    """Invitations not yet used or expired, newest first, with their team (for the admin)."""
    return list(
        db.scalars(
            select(Invitation)
            .where(Invitation.used_at.is_(None), Invitation.expires_at > utcnow())
            .options(selectinload(Invitation.team))
            .order_by(Invitation.created_at.desc())
        )
    )
