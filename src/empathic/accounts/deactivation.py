"""Deactivating and reactivating a person: kept rather than deleted, so their records and the
audit log keep their name, but signed out everywhere and unable to sign in; no HTTP here."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from empathic.accounts.area import ADMINISTER
from empathic.accounts.models import User
from empathic.accounts.service import AccountError, audit, sign_out_everywhere
from empathic.db import utcnow
from empathic.permissions import Role, allowed

DEACTIVATE = "accounts.deactivate"
REACTIVATE = "accounts.reactivate"
"""Audit log action codes (sentences: `accounts.area`)."""


def _person(db: Session, actor: User, user_id: int) -> User:
    if not allowed(actor, ADMINISTER):
        raise PermissionError("only an admin can deactivate or reactivate people")
    user = db.get(User, user_id)
    if user is None:
        raise AccountError("No such person.")
    return user


def deactivate(db: Session, actor: User, user_id: int) -> User:
    """End every sign-in of the person now and refuse new ones; never oneself, never the last
    admin who can still sign in (else nobody could reach the admin page again)."""
    user = _person(db, actor, user_id)
    if user.id == actor.id:
        raise AccountError("You cannot deactivate yourself; ask another admin.")
    if not user.active:
        return user
    if user.role == Role.ADMIN:
        # Locks the active admins' rows (PostgreSQL): two admins deactivating each other at
        # the same moment are serialised, and the second sees the first's change.
        admins = db.scalars(
            select(User.id)
            .where(User.role == Role.ADMIN, User.deactivated_at.is_(None))
            .with_for_update()
        ).all()
        if set(admins) <= {user.id}:
            raise AccountError(
                f"{user.name} is the last active admin; make someone else admin first."
            )
    user.deactivated_at = utcnow()
    sign_out_everywhere(db, user)
    audit(db, actor, user.id, DEACTIVATE)
    return user


def reactivate(db: Session, actor: User, user_id: int) -> User:
    """Let the person sign in again (with their old password or single sign-on)."""
    user = _person(db, actor, user_id)
    if user.active:
        return user
    user.deactivated_at = None
    audit(db, actor, user.id, REACTIVATE)
    return user
