"""The mentoring area's registry entry and permissions: pairs, milestones, flags, check-ins."""

from __future__ import annotations

from empathic.areas import Area, CliCommand, NavLink
from empathic.permissions import ADMINS, EVERYONE, STAFF, Permission

MENTOR = Permission(
    "mentoring.use",
    EVERYONE,
    "Take part in one's own mentoring pairs (the pair decides mentor and mentee rights).",
)
PROPOSE_PAIR = Permission(
    "mentoring.propose_pair", STAFF, "Propose a pair: a facilitator in their team, an admin anyone."
)
ADMINISTER_PAIRS = Permission(
    "mentoring.administer", ADMINS, "Administer any pair (audited; never its content)."
)
CALENDAR_FEED = Permission(
    "mentoring.calendar_feed", None, "Read a pair's calendar feed with its secret token."
)


def area() -> Area:
    return Area(
        name="mentoring",
        package="empathic.mentoring",
        routers=("empathic.mentoring.routes:router",),
        models="empathic.mentoring.models",
        nav=(NavLink("Mentoring", "/mentoring", MENTOR, order=40),),
        home="empathic.mentoring.home:next_steps",
        demo="empathic.mentoring.demo:seed",
        cli=(
            CliCommand(
                "mentoring",
                "empathic.mentoring.cli:mentoring_app",
                "The mentoring companion: signals.",
            ),
        ),
        permissions=(MENTOR, PROPOSE_PAIR, ADMINISTER_PAIRS, CALENDAR_FEED),
        audit_actions=(
            ("mentoring.view", "opened {target}"),
            ("mentoring.flag", "opened a flag raised in {target}"),
            ("mentoring.admin.view", "opened {target} to administer it"),
            ("mentoring.admin.flag", "opened a flag raised in {target} to administer it"),
        ),
        audit_targets="empathic.mentoring.audit_names:pair_names",
        notices=(
            ("state", "The relationship's state is changed."),
            (
                "asked",
                "Request saved. If an account uses that address, its owner can now accept or "
                "decline; you will see the relationship here once they answer.",
            ),
            ("withdrawn", "Request withdrawn."),
            ("consent", "Your sharing choice is saved."),
            ("goal", "Goal added."),
            ("milestone", "Milestone added."),
            ("progress", "Progress recorded."),
            ("import", "Milestones imported."),
            ("checkin", "Check-in saved."),
            ("session", "Session logged."),
            ("tags", "Support tags confirmed."),
            ("schedule", "Sessions scheduled: the calendar feed below now lists them."),
            ("feed", "The calendar link is new: the old one no longer works."),
        ),
    )
