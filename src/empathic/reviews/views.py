"""What each person sees of a review, gathered for the page (reads only, plus audit entries).

The TypedDicts name what each template is given, so mypy checks every key a route passes;
the routes add what the last post left (an error, the typed form) to `HomeView` and
`ReviewView`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from typing import TypedDict

from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.db import utcnow
from empathic.reviews import actions, coaching, discussion, library, perspectives, service
from empathic.reviews.library import Change
from empathic.reviews.models import (
    RESPONSE_TYPES,
    SEVERITIES,
    Account,
    AccountabilityCase,
    Action,
    Contributor,
    Factor,
    Flag,
    LibraryEntry,
    Review,
)
from empathic.reviews.perspectives import Moment, Shown
from empathic.reviews.scenarios import Practice, practice_for
from empathic.reviews.service import Access

KIND_LABELS = {
    "blame": "Blame",
    "hindsight": "Hindsight",
    "counterfactual": "Counterfactual",
    "person_as_cause": "A person as the cause",
    "judgement": "Judgement",
    "nhs_number": "NHS number",
    "date_of_birth": "Date of birth",
    "phone": "Phone number",
    "email": "Email address",
    "name": "A name",
}
FIELD_LABELS = {
    "title": "What happened (title)",
    "description": "Description",
    "location": "Where",
    "summary": "Learning summary",
    **discussion.AAR_QUESTIONS,
}


class Labels(TypedDict):
    """The names every review page shows for stored codes, and the questions it asks."""

    response_types: dict[str, str]
    severities: dict[str, str]
    aar_questions: dict[str, str]
    seips: dict[str, str]
    action_types: dict[str, str]
    strengths: dict[str, str]
    statuses: dict[str, str]
    kind_labels: dict[str, str]
    field_labels: dict[str, str]
    steps: dict[str, str]
    month_of: Callable[[date], str]


def labels() -> Labels:
    return {
        "response_types": RESPONSE_TYPES,
        "severities": SEVERITIES,
        "aar_questions": discussion.AAR_QUESTIONS,
        "seips": discussion.SEIPS,
        "action_types": actions.ACTION_TYPES,
        "strengths": actions.STRENGTHS,
        "statuses": actions.STATUSES,
        "kind_labels": KIND_LABELS,
        "field_labels": FIELD_LABELS,
        "steps": discussion.JUST_CULTURE_STEPS,
        "month_of": library.month_of,
    }


class HomeView(Labels):
    """reviews/home.html: my reviews, my overdue actions, the library."""

    mine: list[Review]
    overdue: list[Action]
    query: str
    results: list[LibraryEntry]
    anniversaries: list[tuple[LibraryEntry, int]]
    today: date


def home(db: Session, user: User, query: str = "") -> HomeView:
    """The reviews home: my reviews, my overdue actions, the library (searched)."""
    return {
        "mine": service.reviews_of(db, user),
        "overdue": actions.overdue_for(db, user),
        "query": query,
        "results": library.search(db, query),
        "anniversaries": library.anniversaries(db),
        "today": utcnow().date(),
        **labels(),
    }


FlagKey = tuple[str, int | None, str]
"""(target, target id, field): the text a flag is on."""


class ReviewView(Labels):
    """reviews/review.html without the last post's error and draft (`routes_base`)."""

    review: Review
    access: Access
    entry: LibraryEntry | None
    contributors: list[Contributor]
    mine: Account | None
    shown: list[Shown]
    others_visible: bool
    readers: list[tuple[str, datetime]]
    timeline: list[Moment]
    flags: dict[FlagKey, list[Flag]]
    segments: Callable[[str, FlagKey], list[tuple[str, Flag | None]]]
    blocking: list[Flag]
    history: list[Flag]
    factors: list[Factor]
    actions: list[Action]
    only_weak: bool
    cases: list[AccountabilityCase]
    practice: Practice
    meeting_due: date
    today: date


def review_page(db: Session, access: Access) -> ReviewView:
    """Everything the review page shows this viewer; reading others' accounts is audited."""
    review = access.review
    shown = perspectives.shown_accounts(db, access)
    mine = perspectives.own_account(db, access) if access.contributor else None
    others_visible = perspectives.may_read_others(db, access)
    all_flags = coaching.flags_of(db, review)
    flags = _by_text(all_flags, mine.id if mine is not None else None)
    action_list = actions.actions_of(db, review)
    entry = library.entry_of(db, review)
    return {
        "review": review,
        "access": access,
        "entry": entry,
        "contributors": service.contributors(db, review),
        "mine": mine,
        "shown": shown,
        "others_visible": others_visible,
        "readers": perspectives.readers(db, mine) if mine is not None and mine.written else [],
        "timeline": perspectives.timeline(shown, review.occurred_on) if others_visible else [],
        "flags": flags,
        "segments": lambda text, key: coaching.segments(text, _open(flags.get(key, []))),
        "blocking": coaching.blocking(db, review),
        "history": [f for f in all_flags if f.status == "resolved"],
        "factors": discussion.factors(db, access),
        "actions": action_list,
        "only_weak": actions.only_weak(action_list),
        "cases": discussion.cases(db, access),
        "practice": practice_for(review.tags, review.title, review.description),
        "meeting_due": service.meeting_due(review),
        "today": utcnow().date(),
        **labels(),
    }


def _by_text(flags: list[Flag], own_account: int | None) -> dict[FlagKey, list[Flag]]:
    """Flags grouped by the text they are on; another person's account coaching is theirs."""
    grouped: dict[FlagKey, list[Flag]] = defaultdict(list)
    for flag in flags:
        if flag.target == "account" and flag.target_id != own_account:
            continue
        grouped[(flag.target, flag.target_id, flag.field)].append(flag)
    return dict(grouped)


def _open(flags: list[Flag]) -> list[Flag]:
    return [f for f in flags if f.status == "open"]


class JustCulturePage(Labels):
    """reviews/justculture.html: the accountability questions, apart from the learning."""

    review: Review
    access: Access
    error: str
    cases: list[AccountabilityCase]


class LibraryPage(Labels):
    query: str
    results: list[LibraryEntry]


class EntryPage(Labels):
    """reviews/library/<id>: a published learning, what changed since, practice to try."""

    entry: LibraryEntry
    changes: list[Change]
    practice: Practice
    years: int
