"""What other areas ask of practice: a person's runs, shared runs, a team's figures.

The one door to practice's table for insights and mentoring (the import contracts keep
them out of `practice.models`); each function is one query (a page: its count and rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, distinct, func, select, true
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.accounts.service import overseen_ids
from empathic.paging import Paged, fetch_page
from empathic.permissions import Role
from empathic.practice.models import PracticeRun


def runs_page(
    db: Session, user_id: int, page: int = 1, *, shared_only: bool = False
) -> Paged[PracticeRun]:
    """A person's runs (or only those they shared), newest first, a page at a time."""
    query = select(PracticeRun).where(PracticeRun.user_id == user_id)
    if shared_only:
        query = query.where(PracticeRun.shared.is_(True))
    return fetch_page(db, query.order_by(PracticeRun.created_at.desc(), PracticeRun.id), page)


def latest_ended_runs(
    db: Session, user_id: int, limit: int, *, shared_only: bool = False
) -> Paged[PracticeRun]:
    """A person's `limit` latest ended runs with a summary, newest first, and how many
    there are in all (what a growth chart draws)."""
    query = select(PracticeRun).where(
        PracticeRun.user_id == user_id,
        PracticeRun.status == "ended",
        PracticeRun.summary.is_not(None),
    )
    if shared_only:
        query = query.where(PracticeRun.shared.is_(True))
    ended = func.coalesce(PracticeRun.ended_at, PracticeRun.created_at)
    newest = query.order_by(ended.desc(), PracticeRun.created_at.desc(), PracticeRun.id)
    return fetch_page(db, newest, 1, limit)


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


@dataclass(frozen=True)
class TeamFigures:
    """A team's ended runs in one time window, added up by the database."""

    learners: int
    runs: int
    good: int
    means: dict[str, float | None]
    """Mean of each skill share (0..1) and of the final trust; None where no run has one."""


Window = tuple[datetime | None, datetime | None]
"""Runs created at or after the first moment and before the second (None: no bound)."""


def team_figures(
    db: Session, team_ids: Sequence[int], skills: Sequence[str], windows: dict[str, Window]
) -> dict[int, dict[str, TeamFigures]]:
    """{team id: {window name: figures}} over the ended runs of each team's learners, in one
    aggregate query for every team and window: a team's runs are never loaded (an admin's
    page asked once per team and read every run of the organisation, issue #16)."""
    if not team_ids:
        return {}
    values = {key: PracticeRun.summary[("skills", key)].as_float() for key in skills}
    values["trust"] = PracticeRun.summary["trust"].as_float()
    good = PracticeRun.summary["outcome"].as_string() == "good"
    columns: list[Any] = [User.team_id]
    for start, end in windows.values():
        inside = and_(
            true(),
            *([PracticeRun.created_at >= start] if start is not None else []),
            *([PracticeRun.created_at < end] if end is not None else []),
        )
        columns += [
            func.count(distinct(case((inside, PracticeRun.user_id)))),
            func.count(case((inside, 1))),
            func.count(case((and_(inside, good), 1))),
            *(func.avg(case((inside, value))) for value in values.values()),
        ]
    query = (
        select(*columns)
        .join(User, User.id == PracticeRun.user_id)
        .where(User.team_id.in_(team_ids), User.role == Role.LEARNER)
        .where(PracticeRun.status == "ended", PracticeRun.summary.is_not(None))
        .group_by(User.team_id)
    )
    found: dict[int, dict[str, TeamFigures]] = {}
    width = 3 + len(values)
    for row in db.execute(query):
        found[row[0]] = {}
        for n, name in enumerate(windows):
            learners, runs, good_runs, *means = row[1 + n * width : 1 + (n + 1) * width]
            found[row[0]][name] = TeamFigures(
                int(learners),
                int(runs),
                int(good_runs),
                {k: None if m is None else float(m) for k, m in zip(values, means, strict=True)},
            )
    return found


def shared_runs_overseen(
    db: Session, viewer: User, page: int = 1
) -> Paged[tuple[PracticeRun, User]]:
    """Runs shared by the people the viewer oversees, newest first, with their owner, a page
    at a time."""
    query = (
        select(PracticeRun, User)
        .join(User, User.id == PracticeRun.user_id)
        .where(PracticeRun.shared.is_(True), User.id.in_(overseen_ids(viewer)))
        .order_by(PracticeRun.created_at.desc(), PracticeRun.id)
    )
    found = fetch_page(db, query, page, rows=True)
    return Paged([(run, user) for run, user in found.items], found.total, found.page)
