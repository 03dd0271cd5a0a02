"""Actions: what will change, by whom and when, and how strong the change is.

Types follow SRE practice (repair, prevent, detect, mitigate). Strength follows the
action hierarchy used in patient safety: forcing functions, simplification and
standardisation are strong; checklists, redundancy and software changes intermediate;
training, reminders, warnings and new policies weak. A plan of only weak actions (the
classic "remind staff") is allowed but warned about.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from empathic.accounts.models import User
from empathic.areas import NextStep
from empathic.db import utcnow
from empathic.reviews import coaching
from empathic.reviews.models import Action, Review
from empathic.reviews.service import (
    Access,
    member_names,
    require_facilitator,
    require_open,
    user_by_email,
)
from empathic.reviews.text import ACTION, ReviewError, choice, clean, day

ACTION_TYPES = {
    "repair": "Repair: put right what happened",
    "prevent": "Prevent: stop it happening again",
    "detect": "Detect: notice sooner when it does",
    "mitigate": "Mitigate: lessen the harm when it does",
}
STRENGTHS = {
    "strong": "Strong: forcing functions, simplifying, standardising, removing the hazard",
    "intermediate": "Intermediate: checklists, redundancy, software changes, fewer interruptions",
    "weak": "Weak: training, reminders, warnings, double checks, a new policy",
}
STATUSES = {
    "open": "Open",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}
CLOSED = ("done", "dropped")

_HINTS = (
    (
        "strong",
        r"forcing|remov\w+|eliminat\w+|simplif\w+|standardi[sz]\w*|automat\w+|"
        r"barcode|lock\w*|physical|redesign\w*|separate storage|hard stop",
    ),
    (
        "intermediate",
        r"checklist|redundan\w+|software|alert in|reduce interruption\w*|"
        r"staffing|protected time|template|decision support",
    ),
    (
        "weak",
        r"remind\w*|train\w*|educat\w+|memo|poster|warn\w*|double[- ]check\w*|"
        r"policy|be more careful|awareness|email staff|re-?brief\w*",
    ),
)


def suggest_strength(text: str) -> str:
    """The strength the wording suggests (the facilitator decides): strongest match wins."""
    lowered = text.lower()
    for strength, pattern in _HINTS:
        if re.search(rf"\b(?:{pattern})\b", lowered):
            return strength
    return ""


def add_action(
    db: Session,
    access: Access,
    *,
    text: str,
    action_type: str,
    strength: str,
    owner_email: str = "",
    due_on: str = "",
) -> Action:
    """An action with an owner (the facilitator when none is named) and a due date."""
    require_facilitator(access)
    require_open(access)
    text = clean(text, "Action", ACTION, required=True)
    kind = choice(action_type, "Action type", ACTION_TYPES)
    strength = choice(strength or suggest_strength(text) or "", "Strength", STRENGTHS)
    due = day(due_on, "Due date")
    if due is not None and due < access.review.occurred_on:
        raise ReviewError("Due date: cannot be before the event.")
    owner = access.viewer if not owner_email.strip() else user_by_email(db, owner_email, "Owner")
    action = Action(
        review_id=access.review.id,
        text=text,
        action_type=kind,
        strength=strength,
        owner_id=owner.id,
        due_on=due,
        status="open",
    )
    db.add(action)
    db.flush()
    names = member_names(db, access.review)
    coaching.sync(db, access.review, "action", action.id, "text", text, names)
    return action


def action_for(db: Session, access: Access, action_id: int) -> Action:
    action = db.get(Action, action_id)
    if action is None or action.review_id != access.review.id:
        raise LookupError(action_id)
    return action


def update_action(
    db: Session, access: Access, action_id: int, status: str, note: str = ""
) -> Action:
    """Its owner or the facilitator moves an action on, also after publication (the
    anniversary's "what changed since" reads these)."""
    action = action_for(db, access, action_id)
    if not (access.facilitator or action.owner_id == access.viewer.id):
        raise PermissionError("only the action's owner or the facilitator updates it")
    status = choice(status, "Status", STATUSES)
    action.note = clean(note, "Note", ACTION) or action.note
    if status != action.status:
        action.done_at = utcnow() if status == "done" else None
    action.status, action.updated_at = status, utcnow()
    return action


def actions_of(db: Session, review: Review) -> list[Action]:
    return list(
        db.scalars(
            select(Action)
            .where(Action.review_id == review.id)
            .options(selectinload(Action.owner))
            .order_by(Action.id)
        )
    )


def only_weak(actions: list[Action]) -> bool:
    """True when there are actions and every one of them is weak."""
    return bool(actions) and all(a.strength == "weak" for a in actions)


def overdue_for(db: Session, user: User) -> list[Action]:
    """Actions this person owns that are past their due date and not closed."""
    return list(
        db.scalars(
            select(Action)
            .where(
                Action.owner_id == user.id,
                Action.status.not_in(CLOSED),
                Action.due_on < utcnow().date(),
            )
            .order_by(Action.due_on, Action.id)
        )
    )


def home_items(db: Session, user: User) -> list[NextStep]:
    """The home page's registry hook (`Area.home`): overdue actions, then anniversaries."""
    from empathic.reviews.library import anniversaries_for

    items: list[NextStep] = []
    for action in overdue_for(db, user):
        due = action.due_on.isoformat() if action.due_on else ""
        items.append(
            NextStep(
                f"Overdue action (due {due}): {action.text[:120]}",
                f"/reviews/{action.review_id}#action-{action.id}",
                "overdue",
            )
        )
    for entry, years in anniversaries_for(db, user):
        items.append(
            NextStep(
                f"{years} year{'s' if years != 1 else ''} since: {entry.title}. "
                "What changed since?",
                f"/reviews/library/{entry.id}#changes",
                "anniversary",
            )
        )
    return items
