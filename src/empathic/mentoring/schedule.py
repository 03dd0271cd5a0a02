"""Recurring session schedules and their calendar feed; the app plans, people meet."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import select
from sqlalchemy.orm import Session

from empathic.db import utcnow
from empathic.mentoring import ics
from empathic.mentoring.models import Pair, Schedule
from empathic.mentoring.service import OPEN_STATES, Access, MentoringError, NotFound, one_line

MAX_COUNT = 104


def add_schedule(
    db: Session,
    access: Access,
    *,
    starts_at: datetime | None,
    interval_weeks: int,
    count: int | None = None,
    until: date | None = None,
    minutes: int = 45,
    time_zone: str = "UTC",
) -> Schedule:
    """Either a number of sessions or an end date (not both), every 1–12 weeks, in a zone."""
    if not access.member:
        raise PermissionError("only the pair schedules sessions")
    if access.pair.state not in OPEN_STATES:
        raise MentoringError("Sessions can be scheduled only while the relationship is open.")
    if starts_at is None:
        raise MentoringError("First session: enter a date and time.")
    if not 1 <= interval_weeks <= 12:
        raise MentoringError("Meet every 1 to 12 weeks.")
    if (count is None) == (until is None):
        raise MentoringError("Give either a number of sessions or an end date.")
    if count is not None and not 1 <= count <= MAX_COUNT:
        raise MentoringError(f"Schedule from 1 to {MAX_COUNT} sessions.")
    zone = check_zone(time_zone)
    if until is not None and until < starts_at.astimezone(ZoneInfo(zone)).date():
        raise MentoringError("The end date must be after the first session.")
    if not 15 <= minutes <= 240:
        raise MentoringError("A session lasts 15 to 240 minutes.")
    pair = access.pair
    # Two 120-character names would overflow the 200-character summary column.
    title = one_line(f"Mentoring: {pair.mentor.name} and {pair.mentee.name}")
    row = Schedule(
        pair_id=pair.id,
        uid=f"{secrets.token_hex(12)}@empathic",
        summary=title,
        starts_at=starts_at,
        minutes=minutes,
        interval_weeks=interval_weeks,
        count=count,
        until=until,
        time_zone=zone,
    )
    db.add(row)
    db.flush()
    return row


def schedules_of(db: Session, pair: Pair) -> list[Schedule]:
    return list(
        db.scalars(select(Schedule).where(Schedule.pair_id == pair.id).order_by(Schedule.id))
    )


def check_zone(name: str) -> str:
    """An IANA time zone name the tz database knows (or UTC), else a message to act on."""
    if len(name) <= 64 and name in available_zones():
        return name
    raise MentoringError("Time zone: enter a zone name such as Europe/London or America/New_York.")


@lru_cache(maxsize=1)
def available_zones() -> frozenset[str]:
    """Every zone name of the tz database (the `tzdata` package when the system has none)."""
    return frozenset(available_timezones()) | {"UTC"}


def feed(db: Session, pair: Pair) -> str:
    """The pair's calendar: each schedule repeats in its own zone (UTC if it has none)."""
    events = [
        ics.Event(
            s.uid, s.summary, s.starts_at, s.minutes, s.interval_weeks, s.count, s.until, s.zone
        )
        for s in schedules_of(db, pair)
    ]
    return ics.calendar(f"Mentoring: {pair.mentor.name} and {pair.mentee.name}", events, utcnow())


def rotate_feed(access: Access) -> Pair:
    """Either person replaces the feed's secret address (say, after sharing it by mistake):
    the old link stops working at once."""
    if not access.member:
        raise PermissionError("only the two people in the pair rotate its calendar link")
    access.pair.feed_token = secrets.token_urlsafe(24)
    return access.pair


def pair_by_feed_token(db: Session, pair_id: int, token: str) -> Pair:
    """Calendar apps cannot sign in, so the feed URL carries the pair's secret token; a
    completed relationship has no feed (its token was also replaced when it completed)."""
    pair = db.get(Pair, pair_id)
    if (
        pair is None
        or not token
        or not secrets.compare_digest(pair.feed_token.encode(), token.encode())
    ):
        raise NotFound(pair_id)
    if pair.state == "completed":
        raise NotFound(pair_id)
    return pair
