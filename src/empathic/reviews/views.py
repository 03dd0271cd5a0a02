"""What each person sees of a review, gathered for the page (reads only, plus audit entries)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.db import utcnow
from empathic.reviews import actions, coaching, discussion, library, perspectives, service
from empathic.reviews.models import RESPONSE_TYPES, SEVERITIES, Flag
from empathic.reviews.scenarios import practice_for
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


def labels() -> dict[str, Any]:
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


def home(db: Session, user: User, query: str = "") -> dict[str, Any]:
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


def review_page(db: Session, access: Access) -> dict[str, Any]:
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


def _by_text(
    flags: list[Flag], own_account: int | None
) -> dict[tuple[str, int | None, str], list[Flag]]:
    """Flags grouped by the text they are on; another person's account coaching is theirs."""
    grouped: dict[tuple[str, int | None, str], list[Flag]] = defaultdict(list)
    for flag in flags:
        if flag.target == "account" and flag.target_id != own_account:
            continue
        grouped[(flag.target, flag.target_id, flag.field)].append(flag)
    return dict(grouped)


def _open(flags: list[Flag]) -> list[Flag]:
    return [f for f in flags if f.status == "open"]
