"""Goals, milestones and their progress history.

Progress never changes silently: every change records who, when, from what
to what and why, because a number without its reason is exactly the kind of
data that misleads a mentor.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from empathic.mentoring.importing import ImportPreview, preview
from empathic.mentoring.models import Goal, Milestone, ProgressChange
from empathic.mentoring.service import (
    OPEN_STATES,
    Access,
    MentoringError,
    NotFound,
    one_line,
    require_source,
)

MAX_COMMENT = 2000


def _title(text: str) -> str:
    title = one_line(text)
    if not title:
        raise MentoringError("Enter a title.")
    return title


def _writable(db: Session, access: Access) -> None:
    """Only the pair, only while open, only on shared milestones (a consent read for a mentor)."""
    if not access.member:
        raise PermissionError("only the pair edits goals")
    require_source(db, access, "milestones")
    if access.pair.state not in OPEN_STATES:
        raise MentoringError("Goals can be changed only while the relationship is open.")


def add_goal(db: Session, access: Access, title: str, description: str = "") -> Goal:
    _writable(db, access)
    goal = Goal(pair_id=access.pair.id, title=_title(title), description=description.strip())
    db.add(goal)
    db.flush()
    return goal


def add_milestone(
    db: Session,
    access: Access,
    title: str,
    due: date | None = None,
    goal_id: int | None = None,
) -> Milestone:
    _writable(db, access)
    return _add_milestone(db, access, title, due, goal_id)


def _add_milestone(
    db: Session, access: Access, title: str, due: date | None, goal_id: int | None = None
) -> Milestone:
    """`add_milestone` after `_writable`: an import checks once for all its rows."""
    if goal_id is not None:
        goal = db.get(Goal, goal_id)
        if goal is None or goal.pair_id != access.pair.id:
            raise MentoringError("Choose one of this relationship's goals.")
    milestone = Milestone(
        pair_id=access.pair.id, goal_id=goal_id, title=_title(title), due_date=due
    )
    db.add(milestone)
    db.flush()
    return milestone


def milestone_for(db: Session, access: Access, milestone_id: int) -> Milestone:
    milestone = db.get(Milestone, milestone_id)
    if milestone is None or milestone.pair_id != access.pair.id:
        raise NotFound(milestone_id)
    return milestone


def record_progress(
    db: Session, access: Access, milestone: Milestone, progress: int, comment: str
) -> ProgressChange:
    """Change progress (0–100 %); the comment saying why is required."""
    _writable(db, access)
    return _record_progress(db, access, milestone, progress, comment)


def _record_progress(
    db: Session, access: Access, milestone: Milestone, progress: int, comment: str
) -> ProgressChange:
    """`record_progress` after `_writable` (see `_add_milestone`)."""
    if milestone.pair_id != access.pair.id:
        raise NotFound(milestone.id)
    comment = comment.strip()[:MAX_COMMENT]
    if not comment:
        raise MentoringError("Say why the progress changed: a comment is required.")
    if not 0 <= progress <= 100:
        raise MentoringError("Progress is a percentage from 0 to 100.")
    change = ProgressChange(
        milestone_id=milestone.id,
        actor_id=access.viewer.id,
        old_progress=milestone.progress,
        new_progress=progress,
        comment=comment,
    )
    milestone.progress = progress
    db.add(change)
    db.flush()
    return change


def preview_import(db: Session, access: Access, data: bytes | str) -> ImportPreview:
    """Check an upload before anything is saved; only someone who sees milestones may."""
    require_source(db, access, "milestones")
    return preview(data)


def save_import(
    db: Session, access: Access, found: ImportPreview, filename: str
) -> list[Milestone]:
    """Save every previewed row, or none when any row has an error.

    Permission and consent are checked once here, not once per row.
    """
    _writable(db, access)
    if not found.ok:
        raise MentoringError("Nothing was imported: fix the rows listed and upload the file again.")
    saved = []
    for row in found.rows:
        milestone = _add_milestone(db, access, row.title, row.due_date)
        if row.progress:
            _record_progress(
                db, access, milestone, row.progress, f"Imported from {filename or 'a CSV file'}"
            )
        saved.append(milestone)
    return saved


def goals_of(db: Session, access: Access) -> list[Goal]:
    return list(db.scalars(select(Goal).where(Goal.pair_id == access.pair.id).order_by(Goal.id)))


def milestones_of(db: Session, access: Access) -> list[Milestone]:
    """Milestones with their history, soonest due first (undated last)."""
    return list(
        db.scalars(
            select(Milestone)
            .where(Milestone.pair_id == access.pair.id)
            .options(selectinload(Milestone.changes).selectinload(ProgressChange.actor))
            .order_by(Milestone.due_date.is_(None), Milestone.due_date, Milestone.id)
        )
    )
