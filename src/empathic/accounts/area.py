"""The accounts area's registry entry and permissions: people, teams, sign-in, the audit log."""

from __future__ import annotations

from empathic.areas import Area, NavLink
from empathic.permissions import ADMINS, EVERYONE, Permission

SIGN_IN = Permission("accounts.sign_in", None, "Sign up, sign in and sign out.")
OWN_SESSIONS = Permission("accounts.sessions", EVERYONE, "End all of one's own sign-ins.")
ADMINISTER = Permission(
    "accounts.administer", ADMINS, "Manage people, roles and teams; read the audit log."
)


def area() -> Area:
    return Area(
        name="accounts",
        package="empathic.accounts",
        routers=("empathic.accounts.routes:router",),
        models="empathic.accounts.models",
        nav=(NavLink("Admin", "/admin", ADMINISTER, order=60),),
        permissions=(SIGN_IN, OWN_SESSIONS, ADMINISTER),
        notices=(("person", "Saved: the person's role and team."), ("team", "Team created.")),
    )
