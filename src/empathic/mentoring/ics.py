"""iCalendar (RFC 5545) feeds for recurring mentoring sessions; pure functions, no I/O.

Calendar apps are strict: lines end in CRLF, text values escape backslash,
semicolon, comma and newline, and lines longer than 75 octets are folded
(CRLF followed by one space) without splitting a UTF-8 character.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

PRODID = "-//Empathic//Mentoring//EN"
LIMIT = 75


@dataclass(frozen=True)
class Event:
    uid: str
    summary: str
    starts_at: datetime
    minutes: int
    interval_weeks: int
    count: int | None = None
    until: date | None = None


def escape_text(value: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets (§3.1)."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode())
        limit = LIMIT if not out else LIMIT - 1  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def rrule(event: Event) -> str:
    parts = ["FREQ=WEEKLY", f"INTERVAL={event.interval_weeks}"]
    if event.count is not None:
        parts.append(f"COUNT={event.count}")
    elif event.until is not None:
        # UNTIL must be UTC when DTSTART is UTC; the last day counts in full.
        parts.append("UNTIL=" + stamp(datetime.combine(event.until, time(23, 59, 59), UTC)))
    return ";".join(parts)


def calendar(name: str, events: Iterable[Event], now: datetime) -> str:
    """A complete VCALENDAR document with one recurring VEVENT per schedule."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp(now)}",
            f"DTSTART:{stamp(event.starts_at)}",
            f"DTEND:{stamp(event.starts_at + timedelta(minutes=event.minutes))}",
            f"RRULE:{rrule(event)}",
            f"SUMMARY:{escape_text(event.summary)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
