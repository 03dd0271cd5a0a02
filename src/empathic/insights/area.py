"""The insights area's registry entry and permissions: analyse, growth, oversight, AI notes."""

from __future__ import annotations

from empathic.areas import Area, NavLink
from empathic.permissions import EVERYONE, STAFF, Permission, Scope

ANALYSE = Permission("insights.analyse", EVERYONE, "Analyse a conversation of one's own.")
GROWTH = Permission("insights.growth", EVERYONE, "See one's own growth over time.")
SAVED = Permission(
    "insights.saved",
    EVERYONE,
    "Reopen, rename, export and delete one's own saved analyses (never anyone else's).",
    Scope.OWN,
)
OVERSEE = Permission(
    "insights.oversee",
    STAFF,
    "See the shared work of the people one oversees (a facilitator's team; an admin's all).",
)
HOW_AI_WORKS = Permission("insights.how_ai_works", None, "Read how the AI works here.")


def area() -> Area:
    return Area(
        name="insights",
        package="empathic.insights",
        routers=("empathic.insights.routes:router", "empathic.insights.routes_saved:router"),
        models="empathic.insights.models",
        nav=(
            NavLink("Analyse", "/analyse", ANALYSE, order=20),
            NavLink("My analyses", "/analyses", SAVED, order=25),
            NavLink("My growth", "/growth", GROWTH, order=30),
            NavLink("Facilitator", "/facilitator", OVERSEE, order=50),
            NavLink("How the AI works", "/how-ai-works", HOW_AI_WORKS, order=90),
        ),
        permissions=(ANALYSE, GROWTH, SAVED, OVERSEE, HOW_AI_WORKS),
        notices=(
            ("analysis-renamed", "The analysis was renamed."),
            ("analysis-deleted", "The analysis was deleted, with everything saved with it."),
        ),
        audit_actions=(
            ("viewed cohort", "viewed a team's cohort figures"),
            ("viewed shared growth", "viewed their growth from shared runs"),
        ),
    )
