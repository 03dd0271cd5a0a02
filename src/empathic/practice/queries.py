"""What other areas ask of practice: runs by owner, shared runs, a team's ended runs.

The one door to practice's table for insights and mentoring (the import contracts keep
them out of `practice.models`); each function is one query.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.accounts.service import overseen_ids
from empathic.permissions import Role
from empathic.practice.models import PracticeRun


def runs_of(db: Session, user_id: int, *, shared_only: bool = False) -> list[PracticeRun]:
    query = select(PracticeRun).where(PracticeRun.user_id == user_id)
    if shared_only:
        query = query.where(PracticeRun.shared.is_(True))
    return list(db.scalars(query.order_by(PracticeRun.created_at.desc())))


def shared_runs_of(db: Session, user_id: int, limit: int) -> list[PracticeRun]:
    """A person's latest runs that they shared, newest first (what their mentor may see)."""
    return list(
        db.scalars(
            select(PracticeRun)
            .where(PracticeRun.user_id == user_id, PracticeRun.shared.is_(True))
            .order_by(PracticeRun.created_at.desc(), PracticeRun.id)
            .limit(limit)
        )
    )


def ended_team_runs(db: Session, team_id: int) -> list[PracticeRun]:
    """Every ended, summarised run of the team's learners (for protected team aggregates)."""
    runs = db.scalars(
        select(PracticeRun)
        .join(User, User.id == PracticeRun.user_id)
        .where(User.team_id == team_id, User.role == Role.LEARNER)
        .where(PracticeRun.status == "ended")
    )
    return [run for run in runs if run.summary]


def shared_runs_overseen(db: Session, viewer: User) -> list[tuple[PracticeRun, User]]:
    """Runs shared by the people the viewer oversees, newest first, with their owner."""
    query = (
        select(PracticeRun, User)
        .join(User, User.id == PracticeRun.user_id)
        .where(PracticeRun.shared.is_(True), User.id.in_(overseen_ids(viewer)))
        .order_by(PracticeRun.created_at.desc())
    )
    return [(run, user) for run, user in db.execute(query).all()]
