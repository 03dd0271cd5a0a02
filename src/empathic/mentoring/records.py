"""Check-ins by the mentee, session logs by the mentor, and the career/psychosocial balance."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from empathic.db import utcnow
from empathic.mentoring import kram
from empathic.mentoring.models import CheckIn, KramSuggestion, KramTag, SessionLog
from empathic.mentoring.service import (
    OPEN_STATES,
    Access,
    MentoringError,
    NotFound,
    require_source,
)

MAX_TEXT = 20_000


def _scale(name: str, value: int) -> int:
    if not 1 <= value <= 5:
        raise MentoringError(f"{name} is a number from 1 to 5.")
    return value


def _open(access: Access) -> None:
    if access.pair.state not in OPEN_STATES:
        raise MentoringError("This relationship is not open (pending or completed).")


def add_checkin(
    db: Session, access: Access, *, energy: int, workload: int, support: int, note: str = ""
) -> CheckIn:
    """The mentee's self-report; only they write it."""
    if access.role != "mentee":
        raise PermissionError("only the mentee checks in")
    _open(access)
    checkin = CheckIn(
        pair_id=access.pair.id,
        energy=_scale("Energy", energy),
        workload=_scale("Workload", workload),
        support=_scale("How supported you feel", support),
        note=note.strip()[:2000],
    )
    db.add(checkin)
    db.flush()
    return checkin


def checkins_of(
    db: Session, access: Access, limit: int = 50, current: dict[str, bool] | None = None
) -> list[CheckIn]:
    """Latest check-ins, newest first; `current` is the pair's consents if already read."""
    require_source(db, access, "checkins", current)
    return list(
        db.scalars(
            select(CheckIn)
            .where(CheckIn.pair_id == access.pair.id)
            .order_by(CheckIn.at.desc(), CheckIn.id.desc())
            .limit(limit)
        )
    )


def log_session(
    db: Session, access: Access, notes: str, held_at: datetime | None = None
) -> SessionLog:
    """The mentor's record of a conversation; Kram functions are suggested, not applied."""
    if access.role != "mentor":
        raise PermissionError("only the mentor logs sessions")
    _open(access)
    notes = notes.strip()
    if not notes:
        raise MentoringError("Write a few lines about the session.")
    if len(notes) > MAX_TEXT:
        raise MentoringError(f"Notes are limited to {MAX_TEXT} characters.")
    when = held_at or utcnow()
    if when > utcnow() + timedelta(days=1):
        raise MentoringError("A session log is for a session that has happened.")
    log = SessionLog(pair_id=access.pair.id, author_id=access.viewer.id, held_at=when, notes=notes)
    db.add(log)
    db.flush()
    for found in kram.suggest(notes):
        db.add(KramSuggestion(session_id=log.id, function=found.function, evidence=found.evidence))
    db.flush()
    return log


def session_for(db: Session, access: Access, session_id: int) -> SessionLog:
    log = db.get(SessionLog, session_id)
    if log is None or log.pair_id != access.pair.id:
        raise NotFound(session_id)
    return log


def sessions_of(db: Session, access: Access) -> list[SessionLog]:
    """The pair's sessions, newest first, with tags and suggestions the page lists for each."""
    if not access.member:
        raise PermissionError("session notes belong to the pair")
    return list(
        db.scalars(
            select(SessionLog)
            .where(SessionLog.pair_id == access.pair.id)
            .options(selectinload(SessionLog.tags), selectinload(SessionLog.suggestions))
            .order_by(SessionLog.held_at.desc(), SessionLog.id.desc())
        )
    )


def confirm_tags(db: Session, access: Access, log: SessionLog, functions: list[str]) -> list[str]:
    """Replace the confirmed functions with the mentor's choice (suggestions stay as they were)."""
    if access.role != "mentor":
        raise PermissionError("only the mentor confirms tags")
    if log.pair_id != access.pair.id:
        raise NotFound(log.id)
    unknown = [f for f in functions if f not in kram.FUNCTIONS]
    if unknown:
        raise MentoringError(f"Unknown function(s): {', '.join(unknown)}.")
    chosen = list(dict.fromkeys(functions))
    suggested = {s.function for s in log.suggestions}
    for tag in list(log.tags):
        if tag.function not in chosen:
            log.tags.remove(tag)
    have = {t.function for t in log.tags}
    for function in chosen:
        if function not in have:
            log.tags.append(
                KramTag(
                    function=function,
                    confirmed_by_id=access.viewer.id,
                    from_suggestion=function in suggested,
                )
            )
    db.flush()
    return chosen


@dataclass(frozen=True)
class BalanceRow:
    """Confirmed career and psychosocial functions in one month."""

    month: str
    career: int
    psychosocial: int


def balance(sessions: Iterable[SessionLog]) -> list[BalanceRow]:
    """Month by month, how many confirmed tags were career and how many psychosocial.

    It counts the sessions `sessions_of` already loaded with their tags (and so
    already checked as the pair's), rather than querying them a second time.
    """
    counts: dict[str, Counter[str]] = {}
    for log in sessions:
        for tag in log.tags:
            month = log.held_at.strftime("%Y-%m")
            counts.setdefault(month, Counter())[kram.kind_of(tag.function)] += 1
    return [
        BalanceRow(month, c[kram.CAREER], c[kram.PSYCHOSOCIAL])
        for month, c in sorted(counts.items())
    ]
