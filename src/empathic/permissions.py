"""Who may do what: roles, declared permissions and the one `allowed()` rule.

Every web route declares a `Permission` (see `empathic.web.deps.permit`), and each
area lists the permissions it defines in its registry entry (`empathic.areas`), so
the authorisation matrix can be read and tested in one place. Checks on a
particular thing (a run, a pair, a person) go through the same `allowed()` with
the thing as `resource`: its owner, the owner's team and whether the owner shared
it decide, on top of the role.

This module knows nothing of HTTP, SQL or any area; it reads only the attributes
named in the protocols below.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    """A person's role in the organisation (stored as text on `users.role`)."""

    LEARNER = "learner"
    FACILITATOR = "facilitator"
    ADMIN = "admin"


class Scope(StrEnum):
    """What a permission requires of a particular resource, beyond the role."""

    ANY = "any"
    """The role is enough (a list page, an admin tool)."""
    OWN = "own"
    """Only the resource's owner (one's own run, one's own reflection)."""
    OWN_OR_OVERSEEN = "own_or_overseen"
    """The owner, or someone who oversees the owner when the owner shared it (consent)."""


class Actor(Protocol):
    """The signed-in person as this module needs them."""

    @property
    def id(self) -> int: ...
    @property
    def role(self) -> str: ...
    @property
    def team_id(self) -> int | None: ...


class Resource(Protocol):
    """A thing someone owns: a practice run, a saved analysis, a pair seen by its mentee."""

    @property
    def owner_id(self) -> int: ...
    @property
    def owner_team_id(self) -> int | None: ...
    @property
    def shared(self) -> bool: ...


EVERYONE = frozenset(Role)
STAFF = frozenset({Role.FACILITATOR, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Permission:
    """A named action and who may take it.

    `roles` is None for a public action (no sign-in needed, e.g. the sign-in page or
    a calendar feed guarded by its own token).
    """

    name: str
    roles: frozenset[Role] | None
    description: str
    scope: Scope = Scope.ANY

    @property
    def public(self) -> bool:
        return self.roles is None

    def refusal(self) -> str:
        """The sentence shown to a signed-in person whose role may not do this."""
        if self.roles == ADMINS:
            return "This page is for admins."
        if self.roles == STAFF:
            return "This page is for facilitators and admins."
        return "Your role may not do this."


def role_of(actor: Actor) -> Role | None:
    """The actor's role, or None for a value no longer known (treated as no role)."""
    try:
        return Role(actor.role)
    except ValueError:
        return None


def oversees(actor: Actor, person_id: int, person_team_id: int | None) -> bool:
    """An admin oversees everyone else, a facilitator the rest of their own team, others nobody.

    `accounts.service.overseen_ids` is the SQL form of this same rule.
    """
    if person_id == actor.id:
        return False
    role = role_of(actor)
    if role is Role.ADMIN:
        return True
    return (
        role is Role.FACILITATOR and actor.team_id is not None and actor.team_id == person_team_id
    )


def allowed(actor: Actor | None, permission: Permission, resource: Resource | None = None) -> bool:
    """Whether `actor` (None when nobody is signed in) may take `permission` on `resource`."""
    if permission.roles is None:
        return True
    if actor is None or role_of(actor) not in permission.roles:
        return False
    if resource is None or permission.scope is Scope.ANY:
        return True
    if resource.owner_id == actor.id:
        return True
    return (
        permission.scope is Scope.OWN_OR_OVERSEEN
        and resource.shared
        and oversees(actor, resource.owner_id, resource.owner_team_id)
    )


PUBLIC = Permission("public", None, "Anyone, signed in or not: home, health check, static help.")
"""The permission of pages that need no sign-in and hold nobody's data."""
