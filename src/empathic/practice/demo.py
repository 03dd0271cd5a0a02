"""The practice area's demo data: real runs for every demo learner, improving over time.

Runs are real: each is played through the engine from a scenario's reference
lines (the poor ones first, the empathic ones later, so growth is visible), then
back-dated over the past weeks.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.areas import DemoOrganisation
from empathic.db import utcnow
from empathic.practice import service as practice
from empathic.roleplay.loading import load_library


def seed(db: Session, organisation: DemoOrganisation) -> None:
    """Practice history for every demo learner."""
    for number, learner in enumerate(organisation.learners):
        _history(db, learner, number)


def _history(db: Session, learner: User, number: int) -> None:
    """Three to five ended runs per learner over the past weeks, improving over time."""
    library = load_library()
    cache = practice.SimulationCache(size=4)
    count = 3 + number % 3
    for k in range(count):
        scenario = library[(number + k) % len(library)]
        lines = scenario.playthroughs.poor.lines if k == 0 else scenario.playthroughs.empathic.lines
        if k == 1 and number % 2:
            lines = lines[: max(2, len(lines) // 2)]
        run = practice.start_run(
            db,
            learner,
            scenario.id,
            difficulty=("easy", "medium", "hard")[min(k, 2)],
            intention="Listen first and reflect what I hear before offering anything.",
            seed=1000 * number + k,
        )
        db.commit()
        for line in lines:
            if run.status != "active":
                break
            practice.play_turn(db, cache, run, line)
        practice.end_run(db, cache, run)
        when = utcnow() - timedelta(days=7 * (count - k) + number)
        run.created_at = when
        run.ended_at = when + timedelta(minutes=12)
        run.shared = k >= 1 and number % 2 == 0
        if k == count - 1:
            run.reflection = (
                "I asked more open questions than last time; next time I will slow down."
            )
        db.commit()
