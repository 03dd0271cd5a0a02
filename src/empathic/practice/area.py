"""The practice area's registry entry and permissions: role-play runs, debriefs, corrections."""

from __future__ import annotations

from empathic.areas import Area, CliCommand, NavLink
from empathic.permissions import ADMINS, EVERYONE, STAFF, Permission, Scope

PLAY = Permission("practice.play", EVERYONE, "Practise a scenario; only one's own runs.", Scope.OWN)
DEBRIEF = Permission(
    "practice.debrief",
    EVERYONE,
    "Read a debrief: one's own, or a shared one of someone the reader oversees.",
    Scope.OWN_OR_OVERSEEN,
)
REVIEW = Permission(
    "practice.review", STAFF, "Review the label corrections the pack is least sure of."
)
PACKS = Permission("practice.packs", ADMINS, "Compare packs on the organisation's corrections.")
CHOOSE_VOICES = Permission("practice.voices", ADMINS, "Review and approve persona voice lines.")


def area() -> Area:
    return Area(
        name="practice",
        package="empathic.practice",
        routers=(
            "empathic.practice.routes:router",
            "empathic.practice.routes_voice:router",
            "empathic.practice.routes_review:router",
        ),
        models="empathic.practice.models",
        nav=(NavLink("Practice", "/practice", PLAY, order=10),),
        home="empathic.practice.home:next_steps",
        demo="empathic.practice.demo:seed",
        cli=(
            CliCommand(
                "scenarios",
                "empathic.roleplay.cli:scenarios_app",
                "The scenario library: list and check.",
            ),
            CliCommand("practice", "empathic.roleplay.cli:practice"),
            CliCommand(
                "corrections",
                "empathic.practice.cli:corrections_app",
                "Export label corrections as CSV.",
            ),
        ),
        permissions=(PLAY, DEBRIEF, REVIEW, PACKS, CHOOSE_VOICES),
        notices=(
            ("discarded", "The conversation was discarded."),
            ("comment", "Comment saved: everyone who can read this debrief sees it."),
        ),
        audit_actions=(
            ("viewed shared run", "viewed a shared practice run"),
            ("viewed review queue", "viewed their turns in the label review queue"),
        ),
    )
