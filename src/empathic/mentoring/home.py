"""What mentoring asks of a person on their home page: an invitation, a story, a check-in.

Read by the home page through the area registry (`Area.home`); it only reads.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.areas import NextStep
from empathic.db import utcnow
from empathic.mentoring import signals
from empathic.mentoring.models import CheckIn, Flag, Pair
from empathic.mentoring.service import OPEN_STATES, accepting_role, pairs_of

CHECKIN_DUE_DAYS = 14
"""A mentee is reminded to check in when the last check-in is older than this."""


def next_steps(db: Session, user: User) -> list[NextStep]:
    """Invitations to answer, flags waiting for this person's side, a check-in due, a quiet pair."""
    mentoring, mentored = pairs_of(db, user)
    steps: list[NextStep] = []
    for pair in [*mentoring, *mentored]:
        role = "mentor" if pair.mentor_id == user.id else "mentee"
        if pair.state == "pending" and accepting_role(pair) == role:
            other = pair.mentee if role == "mentor" else pair.mentor
            steps.append(
                NextStep(
                    f"{other.name} invited you to mentoring: accept or decline",
                    f"/mentoring/pairs/{pair.id}",
                )
            )
    open_ids = [p.id for p in mentoring if p.state in OPEN_STATES]
    if open_ids:
        waiting = db.scalars(
            select(Flag.pair_id).where(
                Flag.pair_id.in_(open_ids), Flag.status == "open", Flag.mentor_story == ""
            )
        ).all()
        for pair in mentoring:
            count = sum(1 for pid in waiting if pid == pair.id)
            if count:
                steps.append(
                    NextStep(
                        f"A flag about {pair.mentee.name} waits for your conversation "
                        "with them" + (f" ({count} flags)" if count > 1 else ""),
                        f"/mentoring/pairs/{pair.id}",
                    )
                )
    names = {p.id: p.mentee.name for p in mentoring}
    for pair_id, days in signals.nudges(db, user.id):
        if pair_id in names:
            steps.append(
                NextStep(
                    f"No session with {names[pair_id]} for {days} days",
                    f"/mentoring/pairs/{pair_id}",
                )
            )
    steps += _checkins_due(db, [p for p in mentored if p.state == "active"])
    return steps


def _checkins_due(db: Session, pairs: list[Pair]) -> list[NextStep]:
    if not pairs:
        return []
    last = dict(
        db.execute(
            select(CheckIn.pair_id, func.max(CheckIn.at))
            .where(CheckIn.pair_id.in_([p.id for p in pairs]))
            .group_by(CheckIn.pair_id)
        ).all()
    )
    due = utcnow() - timedelta(days=CHECKIN_DUE_DAYS)
    return [
        NextStep(
            f"Time for a check-in with {pair.mentor.name}", f"/mentoring/pairs/{pair.id}#checkins-h"
        )
        for pair in pairs
        if last.get(pair.id) is None or _aware(last[pair.id]) < due
    ]


def _aware(moment: Any) -> Any:
    """SQLite hands back naive UTC from an aggregate (the column type is not applied)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
