"""The accounts area's registry entry and permissions: people, teams, sign-in, the audit log."""

from __future__ import annotations

from empathic.areas import Area, NavLink
from empathic.permissions import ADMINS, EVERYONE, Permission

SIGN_IN = Permission("accounts.sign_in", None, "Sign up, sign in and sign out.")
OWN_SESSIONS = Permission("accounts.sessions", EVERYONE, "End all of one's own sign-ins.")
ADMINISTER = Permission(
    "accounts.administer",
    ADMINS,
    "Manage people, roles and teams; invite, deactivate and reactivate; read the audit log.",
)


def area() -> Area:
    return Area(
        name="accounts",
        package="empathic.accounts",
        routers=("empathic.accounts.routes:router", "empathic.accounts.routes_admin:router"),
        models="empathic.accounts.models",
        nav=(NavLink("Admin", "/admin", ADMINISTER, order=60),),
        permissions=(SIGN_IN, OWN_SESSIONS, ADMINISTER),
        notices=(
            ("person", "Saved: the person's role and team."),
            ("team", "Team created."),
            ("deactivated", "Deactivated: every sign-in of that person has ended."),
            ("reactivated", "Reactivated: that person can sign in again."),
        ),
        audit_actions=(
            ("accounts.invite", "invited {target}"),
            ("accounts.deactivate", "deactivated their account"),
            ("accounts.reactivate", "reactivated their account"),
        ),
    )
