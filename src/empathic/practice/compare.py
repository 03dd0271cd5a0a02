"""Before and after: two ended runs of the same scenario side by side, with what changed.

Built from the runs' stored summaries (outcome, facts uncovered, trust, skills), so it
costs no replay; only the owner's own runs can be compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.practice.models import PracticeRun
from empathic.practice.service import PracticeError, RunNotFound, own_run

ROWS = (
    ("uncovered", "Facts uncovered", True),
    ("trust", "Trust at the end", True),
    ("reflections", "Turns with a reflection", True),
    ("open_questions", "Turns with an open question", True),
    ("warmth", "Turns with warmth or understanding", True),
    ("advice_first", "Turns with advice before understanding", False),
)
"""(summary key, what the page calls it, whether higher is better)."""


@dataclass(frozen=True)
class Comparison:
    before: PracticeRun
    after: PracticeRun
    rows: list[dict[str, Any]]


def previous_run(db: Session, run: PracticeRun) -> PracticeRun | None:
    """The learner's latest ended run of the same scenario before this one, if any."""
    return db.scalars(
        select(PracticeRun)
        .where(
            PracticeRun.user_id == run.user_id,
            PracticeRun.scenario_id == run.scenario_id,
            PracticeRun.status == "ended",
            PracticeRun.created_at < run.created_at,
        )
        .order_by(PracticeRun.created_at.desc())
        .limit(1)
    ).first()


def compare(db: Session, user: User, before_id: str, after_id: str) -> Comparison:
    """The two runs (oldest first) with each measure's change; both must be the user's."""
    runs = [own_run(db, user, before_id), own_run(db, user, after_id)]
    if any(r.status != "ended" or not r.summary for r in runs):
        raise RunNotFound("not ended")
    if runs[0].scenario_id != runs[1].scenario_id:
        raise PracticeError("Compare two runs of the same scenario.")
    before, after = sorted(runs, key=lambda r: r.created_at)
    rows = []
    for key, name, higher_better in ROWS:
        old, new = _value(before, key), _value(after, key)
        change = None if old is None or new is None else round(new - old, 3)
        better = None if not change else (change > 0) == higher_better
        rows.append({"name": name, "key": key, "before": old, "after": new, "better": better})
    return Comparison(before, after, rows)


def _value(run: PracticeRun, key: str) -> float | None:
    summary = run.summary or {}
    value = summary.get(key, (summary.get("skills") or {}).get(key))
    return float(value) if isinstance(value, int | float) else None
