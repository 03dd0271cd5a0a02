"""iCalendar (RFC 5545) feeds for recurring mentoring sessions; pure functions, no I/O.

A weekly session is agreed in local time: "Thursdays at 09:00 in London" stays at
09:00 when the clocks change. So each event starts at a local time with a TZID, the
feed carries a VTIMEZONE for every zone it names (covering the schedule's dates
only), and the RRULE repeats in that zone. Schedules made before zones were stored
have none and stay in UTC, as the form then said. The `icalendar` library writes
the text: CRLF line ends, escaping, and folding at 75 octets without splitting a
character.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Timezone, vRecur
from icalendar import Event as VEvent

PRODID = "-//Empathic//Mentoring//EN"


@dataclass(frozen=True)
class Event:
    """One schedule: `starts_at` is the first session's instant, `zone` where it is held."""

    uid: str
    summary: str
    starts_at: datetime
    minutes: int
    interval_weeks: int
    count: int | None = None
    until: date | None = None
    zone: str = "UTC"

    def local_start(self) -> datetime:
        """The first session on the wall clock of its zone."""
        return self.starts_at.astimezone(ZoneInfo(self.zone))

    def last_day(self) -> date:
        """The day of the last session, so a VTIMEZONE need cover no more than that."""
        if self.count is not None:
            weeks = self.interval_weeks * (self.count - 1)
            return self.local_start().date() + timedelta(weeks=weeks)
        return self.until or self.local_start().date()


def rrule(event: Event) -> vRecur:
    """Weekly in the event's own zone; UNTIL is in UTC (RFC 5545 §3.3.10), its last day in full."""
    rule = vRecur(freq="WEEKLY", interval=event.interval_weeks)
    if event.count is not None:
        rule["count"] = event.count
    elif event.until is not None:
        last = datetime.combine(event.until, time(23, 59, 59), ZoneInfo(event.zone))
        rule["until"] = last.astimezone(UTC)
    return rule


def vevent(event: Event, now: datetime) -> VEvent:
    start = event.starts_at.astimezone(UTC) if event.zone == "UTC" else event.local_start()
    out = VEvent()
    out.add("uid", event.uid)
    out.add("dtstamp", now.astimezone(UTC))
    out.add("dtstart", start)
    out.add("dtend", start + timedelta(minutes=event.minutes))  # wall-clock minutes
    out.add("rrule", rrule(event))
    out.add("summary", event.summary)
    return out


def calendar(name: str, events: Iterable[Event], now: datetime) -> str:
    """A complete VCALENDAR document with one recurring VEVENT per schedule."""
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    spans: dict[str, tuple[date, date]] = {}
    items = list(events)
    for event in items:
        if event.zone != "UTC":
            first, last = event.local_start().date(), event.last_day()
            low, high = spans.get(event.zone, (first, last))
            spans[event.zone] = (min(low, first), max(high, last))
    for zone, (first, last) in sorted(spans.items()):
        # from a day before the first session to a day after the last, so every
        # occurrence falls inside a transition the VTIMEZONE lists
        day = timedelta(days=1)
        cal.add_component(Timezone.from_tzid(zone, first_date=first - day, last_date=last + day))
    for event in items:
        cal.add_component(vevent(event, now))
    return cal.to_ical().decode()
