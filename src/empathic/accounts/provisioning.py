"""Who a single sign-on is: the linked identity's person, or one provisioned just in time.

Role and team come from the provider's claims on every sign-in when their claims are
configured (`EMPATHIC_OIDC_ROLE_CLAIM`, `EMPATHIC_OIDC_TEAM_CLAIM`), so the provider stays
the one place people are managed; the only admin is never demoted, so an installation
always keeps someone who can reach the admin page. A person created here with an email the
provider verified takes the admin's open invitation for that email (`accounts.invitations`),
before the claims apply; a deactivated person is refused.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from empathic.accounts import invitations, service
from empathic.accounts.models import Identity, Team, User
from empathic.accounts.oidc import Claims, SsoError
from empathic.config import Settings
from empathic.permissions import Role

MAX_NAME = 120


def claim(claims: Claims, name: str) -> object:
    """A claim by its exact name, else by a dotted path (`realm_access.roles`)."""
    if name in claims:
        return claims[name]
    found: object = claims
    for part in name.split("."):
        if not isinstance(found, dict) or part not in found:
            return None
        found = found[part]
    return found


def claim_values(claims: Claims, name: str) -> list[str]:
    """A claim as a list of strings: one string, or the strings of a list."""
    value = claim(claims, name)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _listed(setting: str) -> set[str]:
    return {v.strip().casefold() for v in setting.split(",") if v.strip()}


def role_from_claims(settings: Settings, claims: Claims) -> str | None:
    """admin, facilitator or learner from the role claim; None when no claim is configured."""
    if not settings.oidc_role_claim:
        return None
    values = {v.strip().casefold() for v in claim_values(claims, settings.oidc_role_claim)}
    if values & _listed(settings.oidc_admin_values):
        return "admin"
    if values & _listed(settings.oidc_facilitator_values):
        return "facilitator"
    return "learner"


def team_from_claims(settings: Settings, claims: Claims) -> str | None:
    """The team name from the team claim (the first of a list), or None."""
    if not settings.oidc_team_claim:
        return None
    names = [
        " ".join(v.replace("\x00", "").split())
        for v in claim_values(claims, settings.oidc_team_claim)
    ]
    names = [n for n in names if n]
    return names[0][:MAX_NAME] if names else None


def email_verified(claims: Claims) -> bool:
    """Whether the provider vouches for the email (some send the string "true")."""
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _email(settings: Settings, claims: Claims) -> str:
    raw = claims.get("email")
    email = service.normalise_email(raw) if isinstance(raw, str) else ""
    if not service.valid_email(email):
        raise SsoError(
            403,
            f"{settings.oidc_provider_name} did not share a usable email address, which "
            "Empathic needs for your account. Ask your administrator to release it.",
            "no_email",
        )
    return email


def _name(claims: Claims, email: str) -> str:
    parts = [
        claims.get("name"),
        f"{claims.get('given_name') or ''} {claims.get('family_name') or ''}",
    ]
    parts += [claims.get("preferred_username"), email.split("@", 1)[0]]
    for part in parts:
        if isinstance(part, str) and (name := " ".join(part.replace("\x00", "").split())):
            return name[:MAX_NAME]
    return email[:MAX_NAME]


def person_for(db: Session, settings: Settings, issuer: str, claims: Claims) -> tuple[User, str]:
    """The person this checked ID token signs in, and how they were found: "known" (a
    linked identity), "linked" (an existing account with the same verified email) or
    "created" (a new account without a password)."""
    subject = str(claims["sub"])
    identity = db.scalar(
        select(Identity).where(Identity.provider == issuer, Identity.subject == subject)
    )
    if identity is not None:
        user, how = identity.user, "known"
    else:
        user, how = _provision(db, settings, issuer, subject, claims)
    if not user.active:
        raise SsoError(403, service.DEACTIVATED, "deactivated")
    apply_claims(db, settings, user, claims)
    return user, how


def _provision(
    db: Session, settings: Settings, issuer: str, subject: str, claims: Claims
) -> tuple[User, str]:
    email = _email(settings, claims)
    existing = db.scalar(select(User).where(User.email == email))
    if existing is not None:
        if not email_verified(claims):
            raise SsoError(
                403,
                f"An account with this email address already exists, and "
                f"{settings.oidc_provider_name} has not confirmed that the address is yours, "
                "so the two cannot be joined. Ask your administrator.",
                "email_unverified",
            )
        linked = select(Identity.id).where(
            Identity.user_id == existing.id, Identity.provider == issuer
        )
        if db.scalar(linked) is not None:
            raise SsoError(
                403,
                "The account with this email address is already joined to a different "
                f"{settings.oidc_provider_name} sign-in. Ask your administrator.",
                "linked_elsewhere",
            )
        user, how = existing, "linked"
    else:
        fresh = User(email=email, name=_name(claims, email), password_hash=None, role=Role.LEARNER)
        try:
            user, how = service.create_account(db, fresh), "created"
        except service.AccountError as exc:  # the same person signing in twice at once
            raise _busy() from exc
        if email_verified(claims):  # an invitation is for the owner of the address only
            invitations.claim_for_sso(db, user)
    try:
        with db.begin_nested():
            db.add(Identity(user_id=user.id, provider=issuer, subject=subject, email=email))
            db.flush()
    except IntegrityError as exc:
        raise _busy() from exc
    return user, how


def _busy() -> SsoError:
    return SsoError(400, "Your account was being set up in another window. Sign in again.", "race")


def apply_claims(db: Session, settings: Settings, user: User, claims: Claims) -> None:
    """Set role and team from the configured claims (each left alone when not configured)."""
    role = role_from_claims(settings, claims)
    keeps_admin = user.role == Role.ADMIN  # the last active admin is never demoted
    if (
        role is not None
        and role != user.role
        and not (keeps_admin and service.active_admins(db) == 1)
    ):
        user.role = role
    if settings.oidc_team_claim:
        name = team_from_claims(settings, claims)
        user.team_id = _team_named(db, name).id if name else None


def _team_named(db: Session, name: str) -> Team:
    """The team of this name, created on first sight."""
    found = db.scalar(select(Team).where(Team.name == name))
    if found is not None:
        return found
    team = Team(name=name)
    try:
        with db.begin_nested():
            db.add(team)
            db.flush()
    except IntegrityError:  # created by a sign-in running at the same moment
        found = db.scalar(select(Team).where(Team.name == name))
        if found is None:
            raise
        return found
    return team
