"""Sign-up, sign-in, sessions, roles, teams and the audit log; no HTTP here."""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, delete, false, func, insert, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from empathic import passwords
from empathic.accounts.area import ADMINISTER
from empathic.accounts.models import ROLES, AuditEntry, AuthSession, SigninAttempt, Team, User
from empathic.config import Settings
from empathic.db import utcnow
from empathic.paging import Paged, fetch_page
from empathic.permissions import Role, allowed, role_of

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10
MAX_EMAIL = 254
MAX_PASSWORD = 1024
SIGN_UP_LOCK = 0x456D7061
"""Advisory lock key ("Empa") that orders concurrent sign-ups on PostgreSQL."""
ATTEMPT_WINDOW = timedelta(minutes=15)
DELAY_CAPS = {"email": 30, "addr": 15 * 60, "pair": 15 * 60}
"""Longest pause (seconds) after repeated failures, per counter. The account's own counter
is capped short, so a stranger guessing someone's password can delay the owner's right
password by at most 30 s; the guesser's own address and address-account pair pause long."""


DEACTIVATED = "This account has been deactivated. Ask your administrator if you need it again."


class AccountError(ValueError):
    """A request the user can fix: the message says what to change."""


class TooManyAttempts(AccountError):
    """Sign-in paused after repeated failures; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        when = f"{retry_after} s" if retry_after < 120 else f"{retry_after // 60} min"
        super().__init__(f"Too many failed sign-ins. Try again in {when}.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class SignedIn:
    user: User
    token: str
    csrf_token: str


def _hasher() -> PasswordHasher:
    """The argon2 hasher of the configured profile (standard; cheap only in test suites)."""
    return passwords.hasher()


GUESSABLE_BELOW = 2
"""zxcvbn score (0–4) a new password must reach: 0 and 1 fall to an online or offline guess
within hours (common passwords, keyboard walks, repeats, names)."""


def guessable(password: str, personal: list[str]) -> str | None:
    """Why a password is too easy to guess (against zxcvbn's common-password lists, keyboard
    patterns and the person's own name and email), or None when it is strong enough."""
    from zxcvbn import zxcvbn

    words = [w for item in personal for w in re.split(r"[\s@._-]+", item) if len(w) > 2]
    # zxcvbn's matching grows faster than linearly: the first 100 characters decide
    verdict = zxcvbn(password[:100], user_inputs=words)
    if verdict["score"] >= GUESSABLE_BELOW:
        return None
    feedback = verdict.get("feedback") or {}
    hints = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
    detail = " ".join(h for h in hints if h)
    return "That password is too easy to guess." + (f" {detail}" if detail else "")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def valid_email(email: str) -> bool:
    """A normalised address one could write to: one @, a dot in the domain, no spaces or
    control characters, at most MAX_EMAIL characters (the SMTP limit)."""
    return bool(EMAIL.match(email)) and len(email) <= MAX_EMAIL and "\x00" not in email


def sign_up(db: Session, *, email: str, name: str, password: str) -> User:
    """Create an account; the very first account becomes the admin."""
    email = normalise_email(email)
    name = " ".join(name.split())
    problems = []
    if "\x00" in email + name + password:
        raise AccountError("Remove the invisible control characters and try again.")
    if not valid_email(email):
        problems.append("Enter an email address like name@example.org.")
    if not name:
        problems.append("Enter your name.")
    if len(password) < MIN_PASSWORD:
        problems.append(f"Choose a password of at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        problems.append(f"Choose a password of at most {MAX_PASSWORD} characters.")
    elif len(password) >= MIN_PASSWORD and (weak := guessable(password, [email, name])):
        problems.append(weak)
    if problems:
        raise AccountError(" ".join(problems))
    if db.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("An account with this email already exists. Sign in instead.")
    user = User(
        email=email, name=name[:120], password_hash=hash_password(password), role=Role.LEARNER
    )
    return create_account(db, user)


def create_account(db: Session, user: User) -> User:
    """Insert a new person (by sign-up or single sign-on); the very first becomes the admin."""
    _serialise_sign_ups(db)
    try:
        with db.begin_nested():  # two sign-ups racing for one email: the second is told so
            db.add(user)
            db.flush()
    except IntegrityError as exc:
        raise AccountError("An account with this email already exists. Sign in instead.") from exc
    if db.scalar(select(func.count(User.id))) == 1:  # counted after our insert: only us
        user.role = Role.ADMIN
    return user


def _serialise_sign_ups(db: Session) -> None:
    """Make "the first account becomes admin" hold when two people sign up at once.

    PostgreSQL: a transaction-scoped advisory lock, so the second sign-up counts
    users only after the first has committed. SQLite needs nothing: its write lock,
    taken by the insert, already orders the two transactions before they count.
    """
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SIGN_UP_LOCK})


def sign_in(
    db: Session, settings: Settings, *, email: str, password: str, address: str
) -> SignedIn:
    """Check the password and open a session; repeated failures pause further attempts."""
    email = normalise_email(email)[:MAX_EMAIL]
    keys = [f"email:{email}", f"addr:{address[:200]}", f"pair:{email}|{address[:200]}"]
    _check_rate(db, settings, keys)
    user = db.scalar(select(User).where(User.email == email))
    if user is None:
        _verify_against_nobody(password)
    if user is None or not _verify(user, password):
        for key in keys:
            db.add(SigninAttempt(key=key))
        db.commit()
        raise AccountError("That email and password do not match an account.")
    if not user.active:  # told only to someone who knows the password
        raise AccountError(DEACTIVATED)
    if user.password_hash and _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.execute(delete(SigninAttempt).where(SigninAttempt.key.in_(keys)))
    return open_session(db, settings, user)


def open_session(db: Session, settings: Settings, user: User) -> SignedIn:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        AuthSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + timedelta(days=settings.session_days),
        )
    )
    db.flush()
    return SignedIn(user, token, csrf)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against for unknown emails, so both answers take as long."""
    return hash_password(secrets.token_urlsafe(16))


def _verify_against_nobody(password: str) -> None:
    """Spend the time a real check takes, so timing does not tell which emails have accounts."""
    with contextlib.suppress(VerificationError, InvalidHashError):
        _hasher().verify(_dummy_hash(), password)


def _verify(user: User, password: str) -> bool:
    if user.password_hash is None:  # signs in only through single sign-on
        _verify_against_nobody(password)
        return False
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def signin_delay(failures: int, free: int, cap: int) -> int:
    """Seconds to wait after the last failure: none for the first `free` failures, then
    1, 2, 4, ... doubling up to `cap` (progressive, never a hard lock)."""
    if failures < free:
        return 0
    return int(min(2 ** min(failures - free, 30), cap))


def _check_rate(db: Session, settings: Settings, keys: list[str]) -> None:
    now = utcnow()
    db.execute(delete(SigninAttempt).where(SigninAttempt.at < now - ATTEMPT_WINDOW))
    waits = [0.0]
    for key in keys:
        stamps = db.scalars(select(SigninAttempt.at).where(SigninAttempt.key == key)).all()
        if not stamps:
            continue
        cap = DELAY_CAPS[key.split(":", 1)[0]]
        delay = signin_delay(len(stamps), settings.signin_attempts, cap)
        waits.append((max(stamps) + timedelta(seconds=delay) - now).total_seconds())
    if max(waits) > 0:
        raise TooManyAttempts(math.ceil(max(waits)))


def session_for(db: Session, token: str | None) -> AuthSession | None:
    """The live session behind a cookie token, or None (unknown or expired)."""
    if not token:
        return None
    # the person comes in the same query: every signed-in request asks for both
    found = db.get(AuthSession, _token_hash(token), options=[joinedload(AuthSession.user)])
    if found is None:
        return None
    if found.expires_at <= utcnow() or not found.user.active:
        db.delete(found)
        return None
    return found


def sign_out(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(AuthSession).where(AuthSession.token_hash == _token_hash(token)))


def sign_out_everywhere(db: Session, user: User) -> int:
    """End every session of the user (a lost laptop, a shared computer); returns how many."""
    ended = db.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
    return int(getattr(ended, "rowcount", 0) or 0)


def set_role(db: Session, actor: User, user_id: int, role: str) -> User:
    if not allowed(actor, ADMINISTER):
        raise PermissionError("only an admin can change roles")
    if role not in ROLES:
        raise AccountError(f"Unknown role {role!r}; expected one of {', '.join(ROLES)}.")
    user = db.get(User, user_id)
    if user is None:
        raise AccountError("No such user.")
    if user.id == actor.id and role != Role.ADMIN and active_admins(db) == 1:
        raise AccountError("You are the only admin; make someone else admin first.")
    user.role = role
    return user


def active_admins(db: Session) -> int:
    """Admins who can still sign in: the installation must always keep one."""
    query = select(func.count(User.id)).where(
        User.role == Role.ADMIN, User.deactivated_at.is_(None)
    )
    return int(db.scalar(query) or 0)


def create_team(db: Session, actor: User, name: str) -> Team:
    if not allowed(actor, ADMINISTER):
        raise PermissionError("only an admin can create teams")
    name = " ".join(name.split())
    if not name:
        raise AccountError("Enter a team name.")
    if db.scalar(select(Team.id).where(Team.name == name)) is not None:
        raise AccountError(f"A team called {name!r} already exists.")
    team = Team(name=name[:120])
    db.add(team)
    db.flush()
    return team


def assign_team(db: Session, actor: User, user_id: int, team_id: int | None) -> User:
    if not allowed(actor, ADMINISTER):
        raise PermissionError("only an admin can assign teams")
    user = db.get(User, user_id)
    if user is None:
        raise AccountError("No such user.")
    if team_id is not None and db.get(Team, team_id) is None:
        raise AccountError("No such team.")
    user.team_id = team_id
    return user


def overseen_ids(viewer: User) -> Select[int]:
    """Ids of the people whose shared work the viewer may see, never the viewer.

    The one place this rule lives: an admin oversees everyone, a facilitator
    their own team, anyone else nobody. Practice runs and the facilitator pages
    both ask it.
    """
    query = select(User.id).where(User.id != viewer.id)
    role = role_of(viewer)
    if role is Role.ADMIN:
        return query
    if role is Role.FACILITATOR and viewer.team_id is not None:
        return query.where(User.team_id == viewer.team_id)
    return query.where(false())


def oversees(db: Session, viewer: User, person_id: int) -> bool:
    """Whether `overseen_ids` holds this person."""
    return db.scalar(overseen_ids(viewer).where(User.id == person_id)) is not None


def audit(db: Session, actor: User, subject_id: int | None, action: str, target: str = "") -> None:
    """Record a view of another person's data (never called for one's own)."""
    if subject_id is not None and subject_id == actor.id:
        return
    db.add(AuditEntry(actor_id=actor.id, subject_id=subject_id, action=action, target=target))


def audit_targets(db: Session, actor: User, action: str, targets: Sequence[str]) -> None:
    """Record one action on several targets (no one person's data) in one statement: a
    page of N teams' figures writes N entries, not N round trips."""
    if targets:
        rows = [{"actor_id": actor.id, "action": action, "target": t} for t in targets]
        db.execute(insert(AuditEntry), rows)


def people_page(db: Session, page: int = 1, query: str = "") -> Paged[User]:
    """People by name, a page at a time; `query` keeps those whose name or email holds it."""
    found = select(User).order_by(User.name, User.id)
    words = " ".join(query.split())[:MAX_EMAIL]
    if words:
        pattern = "%" + re.sub(r"([\\%_])", r"\\\1", words) + "%"
        found = found.where(
            or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\"))
        )
    return fetch_page(db, found, page)


def list_teams(db: Session) -> list[Team]:
    return list(db.scalars(select(Team).order_by(Team.name)))


def team_sizes(db: Session) -> dict[int, int]:
    """How many people each team has (teams without anyone are left out), in one query."""
    query = select(User.team_id, func.count(User.id)).where(User.team_id.is_not(None))
    rows = db.execute(query.group_by(User.team_id))
    return {team: count for team, count in rows if team is not None}
