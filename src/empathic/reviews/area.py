"""The learning reviews area's registry entry and permissions.

Two role permissions only: everyone may read the published library and the reviews they
take part in; facilitators and admins may start one. Who is facilitator or contributor of
a particular review is a relationship rule in `reviews.service.review_for`.
"""

from __future__ import annotations

from empathic.areas import Area, CliCommand, NavLink
from empathic.permissions import EVERYONE, STAFF, Permission

READ = Permission(
    "reviews.read",
    EVERYONE,
    "Read the published learning library and take part in one's own reviews "
    "(the review decides facilitator and contributor rights).",
)
START = Permission(
    "reviews.start", STAFF, "Start a learning review from an event and name its facilitator."
)


def area() -> Area:
    return Area(
        name="reviews",
        package="empathic.reviews",
        routers=("empathic.reviews.routes:router",),
        models="empathic.reviews.models",
        nav=(NavLink("Learning reviews", "/reviews", READ, order=45),),
        demo="empathic.reviews.demo:seed",
        cli=(
            CliCommand(
                "reviews",
                "empathic.reviews.cli:reviews_app",
                "Learning reviews: export a published learning summary.",
            ),
        ),
        permissions=(READ, START),
        notices=(
            ("review-started", "Review started. Invite the people involved next."),
            ("review-event", "Event details saved."),
            ("review-invited", "Contributor invited: they can now write their account."),
            ("review-account", "Your account is saved."),
            ("review-withdrawn", "Your account is withdrawn and its text deleted."),
            ("review-discussion", "Discussion saved."),
            ("review-factor", "Contributing factor recorded."),
            ("review-factor-removed", "Contributing factor removed."),
            ("review-action", "Action added."),
            ("review-action-updated", "Action updated."),
            ("review-summary", "Learning summary saved."),
            ("review-rewritten", "The neutral rewrite is in the text."),
            ("review-resolved", "Flag resolved; the reason is kept with the review."),
            ("review-published", "Published to the learning library."),
            ("review-justculture", "Recorded in the Just Culture step, apart from the learning."),
        ),
        audit_actions=(("reviews.account.read", "read {target}"),),
        audit_targets="empathic.reviews.audit_names:account_names",
        home="empathic.reviews.actions:home_items",
    )
