"""Signals from the data, computed for every pair at once with set-based SQL.

Each signal is a fact pattern, not a judgement: an overdue or stalled
milestone, falling check-ins, a long gap since the last session. A signal
becomes a flag (see flags.py) that asks for the human story. Signals use only
data the mentee has shared: milestone signals need the "milestones" consent,
check-in signals the "checkins" consent. Each kind is one query over all
pairs, so the cost grows with the data, not with the number of round trips.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Integer, Select, and_, case, cast, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from empathic.db import utcnow
from empathic.mentoring.models import (
    CheckIn,
    Consent,
    Flag,
    Milestone,
    Pair,
    ProgressChange,
    SessionLog,
)

STALLED_DAYS = 21
NO_SESSION_DAYS = 30
NUDGE_DAYS = 90
FALL_POINTS = 1.0

Q = TypeVar("Q", bound=Select)

KINDS = {
    "overdue_milestone": "Overdue milestone",
    "stalled_milestone": "Stalled milestone",
    "falling_checkins": "Falling check-ins",
    "no_session": "No recent session",
}


@dataclass(frozen=True)
class Candidate:
    """One signal found in the data, before it is compared with existing flags."""

    pair_id: int
    kind: str
    subject: str
    basis: str
    confidence: float
    facts: dict[str, Any]


@dataclass(frozen=True)
class SignalRun:
    found: int
    created: int


def _active(query: Q, pair_ids: Collection[int] | None) -> Q:
    query = query.where(Pair.state == "active")
    return query.where(Pair.id.in_(pair_ids)) if pair_ids is not None else query


def _consented(query: Q, source: str) -> Q:
    return query.join(
        Consent,
        and_(Consent.pair_id == Pair.id, Consent.source == source, Consent.granted.is_(True)),
    )


def _day(value: Any) -> str:
    return value.isoformat()[:10] if value is not None else ""


def overdue(db: Session, now: datetime, pair_ids: Collection[int] | None) -> list[Candidate]:
    today = now.date()
    query = select(
        Milestone.id, Milestone.pair_id, Milestone.title, Milestone.due_date, Milestone.progress
    ).join(Pair, Pair.id == Milestone.pair_id)
    query = _consented(_active(query, pair_ids), "milestones").where(
        Milestone.due_date < today, Milestone.progress < 100
    )
    out = []
    for mid, pair_id, title, due, progress in db.execute(query):
        days = (today - due).days if due is not None else 0
        out.append(
            Candidate(
                pair_id,
                "overdue_milestone",
                f"milestone:{mid}",
                f"due:{_day(due)}",
                round(0.5 + 0.4 * min(days, 30) / 30, 2),
                {
                    "summary": (
                        f"“{title}” was due {days} day{'' if days == 1 else 's'} ago "
                        f"and is at {progress}%."
                    ),
                    "items": [
                        ["Milestone", title],
                        ["Due", _day(due)],
                        ["Days overdue", days],
                        ["Progress", f"{progress}%"],
                    ],
                    "unknown": "Whether the date still matters, or progress happened "
                    "but was not recorded.",
                },
            )
        )
    return out


def stalled(db: Session, now: datetime, pair_ids: Collection[int] | None) -> list[Candidate]:
    last_q = select(ProgressChange.milestone_id, func.max(ProgressChange.at).label("last_at"))
    if pair_ids is not None:  # aggregate only the asked pairs' history, not the whole table
        last_q = last_q.join(Milestone, Milestone.id == ProgressChange.milestone_id).where(
            Milestone.pair_id.in_(pair_ids)
        )
    last = last_q.group_by(ProgressChange.milestone_id).subquery()
    since = func.coalesce(last.c.last_at, Milestone.created_at)
    query = (
        select(
            Milestone.id,
            Milestone.pair_id,
            Milestone.title,
            Milestone.progress,
            since.label("since"),
        )
        .join(Pair, Pair.id == Milestone.pair_id)
        .outerjoin(last, last.c.milestone_id == Milestone.id)
    )
    query = _consented(_active(query, pair_ids), "milestones").where(
        Milestone.progress < 100,
        since < now - timedelta(days=STALLED_DAYS),
        (Milestone.due_date.is_(None)) | (Milestone.due_date >= now.date()),
    )
    out = []
    for mid, pair_id, title, progress, since_at in db.execute(query):
        since_at = _aware(since_at)
        days = (now - since_at).days
        out.append(
            Candidate(
                pair_id,
                "stalled_milestone",
                f"milestone:{mid}",
                f"since:{since_at.isoformat()}",
                round(0.4 + 0.4 * min(days - STALLED_DAYS, 60) / 60, 2),
                {
                    "summary": f"“{title}” has stayed at {progress}% for {days} days.",
                    "items": [
                        ["Milestone", title],
                        ["Progress", f"{progress}%"],
                        ["Last change", _day(since_at)],
                        ["Days without change", days],
                    ],
                    "unknown": "Whether work happened off the record, or the milestone "
                    "is waiting on someone else.",
                },
            )
        )
    return out


def falling_checkins(
    db: Session, now: datetime, pair_ids: Collection[int] | None
) -> list[Candidate]:
    """Mean of the last two check-ins vs the two before, on a 1–5 well-being score."""
    score = (CheckIn.energy + CheckIn.support + (literal(6) - CheckIn.workload)) * 1.0 / 3
    ranked = select(
        CheckIn.pair_id,
        CheckIn.id,
        score.label("score"),
        func.row_number()
        .over(partition_by=CheckIn.pair_id, order_by=(CheckIn.at.desc(), CheckIn.id.desc()))
        .label("rn"),
    ).join(Pair, Pair.id == CheckIn.pair_id)
    ranked_sq = _consented(_active(ranked, pair_ids), "checkins").subquery()
    query = (
        select(
            ranked_sq.c.pair_id,
            func.max(ranked_sq.c.id),
            func.avg(_when(ranked_sq.c.rn <= 2, ranked_sq.c.score)).label("recent"),
            func.avg(_when(ranked_sq.c.rn > 2, ranked_sq.c.score)).label("before"),
        )
        .where(ranked_sq.c.rn <= 4)
        .group_by(ranked_sq.c.pair_id)
        .having(func.count() == 4)
    )
    out = []
    for pair_id, latest_id, recent_mean, before_mean in db.execute(query):
        drop = float(before_mean) - float(recent_mean)
        if drop < FALL_POINTS - 1e-9:
            continue
        out.append(
            Candidate(
                pair_id,
                "falling_checkins",
                "checkins",
                f"checkin:{latest_id}",
                round(min(0.8, 0.4 + 0.2 * drop), 2),
                {
                    "summary": f"Check-ins fell by {drop:.1f} points (1–5 scale): "
                    f"{float(before_mean):.1f} before, {float(recent_mean):.1f} in the last two.",
                    "items": [
                        ["Previous two (mean)", f"{float(before_mean):.1f}"],
                        ["Last two (mean)", f"{float(recent_mean):.1f}"],
                        ["Drop", f"{drop:.1f}"],
                    ],
                    "unknown": "Four short self-reports cannot say why; the score mixes "
                    "energy, support and workload (reversed).",
                },
            )
        )
    return out


def _when(condition: Any, value: Any) -> Any:
    return case((condition, value), else_=None)


def no_session(
    db: Session, now: datetime, pair_ids: Collection[int] | None, days: int = NO_SESSION_DAYS
) -> list[Candidate]:
    for_pairs = last_sessions(db, pair_ids, now - timedelta(days=days))
    out = []
    for pair_id, last_at, basis in for_pairs:
        gap = (now - last_at).days
        out.append(
            Candidate(
                pair_id,
                "no_session",
                "sessions",
                basis,
                round(0.5 + 0.3 * min(gap - days, 60) / 60, 2),
                {
                    "summary": f"No session logged for {gap} days.",
                    "items": [["Last session (or start)", _day(last_at)], ["Days", gap]],
                    "unknown": "Whether you met without logging it.",
                },
            )
        )
    return out


def last_sessions(
    db: Session,
    pair_ids: Collection[int] | None,
    before: datetime,
    mentor_id: int | None = None,
) -> list[tuple[int, datetime, str]]:
    """Active pairs whose last session (or creation, if none) is before `before`.

    The pair and mentor filters apply inside the aggregate too, so one pair page
    or one mentor's home page reads only their own sessions, not every log.
    """
    last_q = select(
        SessionLog.pair_id,
        func.max(SessionLog.held_at).label("last_at"),
        func.max(SessionLog.id).label("last_id"),
    )
    if pair_ids is not None:
        last_q = last_q.where(SessionLog.pair_id.in_(pair_ids))
    if mentor_id is not None:
        last_q = last_q.where(
            SessionLog.pair_id.in_(select(Pair.id).where(Pair.mentor_id == mentor_id))
        )
    last = last_q.group_by(SessionLog.pair_id).subquery()
    since = func.coalesce(last.c.last_at, Pair.created_at)
    query = _active(
        select(Pair.id, since.label("since"), last.c.last_id).outerjoin(
            last, last.c.pair_id == Pair.id
        ),
        pair_ids,
    ).where(since < before)
    if mentor_id is not None:
        query = query.where(Pair.mentor_id == mentor_id)
    return [
        (pair_id, _aware(at), f"session:{last_id}" if last_id else "start")
        for pair_id, at, last_id in db.execute(query)
    ]


def _aware(value: Any) -> datetime:
    """Aggregates bypass the column type, so SQLite returns naive text or datetimes."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def find(
    db: Session, now: datetime | None = None, pair_ids: Collection[int] | None = None
) -> list[Candidate]:
    now = now or utcnow()
    return [
        *overdue(db, now, pair_ids),
        *stalled(db, now, pair_ids),
        *falling_checkins(db, now, pair_ids),
        *no_session(db, now, pair_ids),
    ]


MILESTONE_KINDS = ("overdue_milestone", "stalled_milestone")
CLOSED_BY_DATA = "Closed by the data: the milestone is complete or no longer overdue."


def _refresh_open(db: Session, current: list[Candidate]) -> None:
    """An open flag shows what the data says now ("is at 60%"), not what it said when raised."""
    for c in current:
        db.execute(
            update(Flag)
            .where(Flag.pair_id == c.pair_id, Flag.kind == c.kind, Flag.subject == c.subject)
            .where(Flag.status == "open")
            .values(facts=c.facts, confidence=c.confidence)
        )


def close_finished_milestones(
    db: Session, now: datetime, pair_ids: Collection[int] | None = None
) -> int:
    """Close open milestone flags whose milestone is now complete (or, for an overdue flag,
    due later): the question the flag asked has been answered by the data itself."""
    today = now.date()
    milestone_id = func.substr(Flag.subject, len("milestone:") + 1)
    query = (
        select(Flag)
        .join(Milestone, cast(milestone_id, Integer) == Milestone.id)
        .where(Flag.status == "open", Flag.kind.in_(MILESTONE_KINDS))
        .where(
            (Milestone.progress >= 100)
            | ((Flag.kind == "overdue_milestone") & (Milestone.due_date >= today))
        )
    )
    if pair_ids is not None:
        query = query.where(Flag.pair_id.in_(pair_ids))
    closed = list(db.scalars(query))
    for flag in closed:
        flag.status, flag.outcome, flag.closed_at = "resolved", CLOSED_BY_DATA, now
    db.flush()
    return len(closed)


def compute(
    db: Session, now: datetime | None = None, pair_ids: Collection[int] | None = None
) -> SignalRun:
    """Raise a flag for each new signal; never a second open flag for the same subject,
    and never again from the same facts once a flag about them was closed."""
    now = now or utcnow()
    found = find(db, now, pair_ids)
    close_finished_milestones(db, now, pair_ids)
    if not found:
        return SignalRun(0, 0)
    existing = select(Flag.pair_id, Flag.kind, Flag.subject, Flag.basis, Flag.status)
    if pair_ids is not None:
        existing = existing.where(Flag.pair_id.in_(pair_ids))
    open_keys, seen = set(), set()
    for pair_id, kind, subject, basis, status in db.execute(existing):
        seen.add((pair_id, kind, subject, basis))
        if status == "open":
            open_keys.add((pair_id, kind, subject))
    _refresh_open(db, [c for c in found if (c.pair_id, c.kind, c.subject) in open_keys])
    rows = []
    for c in found:
        if (c.pair_id, c.kind, c.subject) in open_keys or (
            c.pair_id,
            c.kind,
            c.subject,
            c.basis,
        ) in seen:
            continue
        open_keys.add((c.pair_id, c.kind, c.subject))
        # Story, account, escalation and outcome start empty from the model's Python
        # `default=""`, which Core inserts apply too; `status` stays explicit because
        # the open-flag unique index (and the IntegrityError below) depends on it.
        rows.append(
            {
                "pair_id": c.pair_id,
                "kind": c.kind,
                "subject": c.subject,
                "basis": c.basis,
                "status": "open",
                "facts": c.facts,
                "confidence": c.confidence,
                "raised_at": now,
            }
        )
    if rows:
        try:
            with db.begin_nested():
                db.execute(insert(Flag), rows)
        except IntegrityError:
            # A concurrent request raised the same flags a moment ago (the open-flag
            # unique index stopped the duplicate); theirs stand.
            return SignalRun(len(found), 0)
    return SignalRun(len(found), len(rows))


def nudges(db: Session, mentor_id: int, now: datetime | None = None) -> list[tuple[int, int]]:
    """(pair id, days) for the mentor's active pairs with no session for NUDGE_DAYS."""
    now = now or utcnow()
    stale = last_sessions(db, None, now - timedelta(days=NUDGE_DAYS), mentor_id=mentor_id)
    return [(pair_id, (now - at).days) for pair_id, at, _ in stale]
