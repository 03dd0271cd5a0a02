"""Reading form fields and path ids into typed values, with messages a person can act on.

Every integer is range-checked before it reaches the database: PostgreSQL's
INTEGER stops at 2**31 - 1 and SQLite's at 2**63 - 1, and a bigger number
would otherwise surface as a server error instead of a message.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from empathic.mentoring.schedule import check_zone
from empathic.mentoring.service import MentoringError
from empathic.web.params import MAX_INT, id_in_path


def optional_date(value: str, what: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise MentoringError(f"{what}: enter a date as YYYY-MM-DD.") from None


def optional_int(value: str, what: str, low: int = -MAX_INT, high: int = MAX_INT) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        found = int(value)
    except ValueError:
        raise MentoringError(f"{what}: enter a whole number.") from None
    if not low <= found <= high:
        raise MentoringError(f"{what}: enter a whole number from {low} to {high}.")
    return found


def optional_id(value: str, what: str) -> int | None:
    """A chosen row's id from a form (a select's value)."""
    return optional_int(value, what, 1, MAX_INT)


def required_int(value: str, what: str) -> int:
    found = optional_int(value, what)
    if found is None:
        raise MentoringError(f"{what}: enter a whole number.")
    return found


MIN_YEAR, MAX_YEAR = 1900, 2999
"""Years a mentoring date can have; outside them it is a typo, and arithmetic could overflow."""


def moment(value: str, what: str, zone: str = "UTC") -> datetime | None:
    """A `datetime-local` field, read in `zone` (UTC unless the form names one), as UTC.

    A wall-clock time the zone skips when clocks go forward is refused, not shifted.
    """
    value = value.strip()
    if not value:
        return None
    tz = ZoneInfo(zone)
    try:
        parsed = datetime.fromisoformat(value)
        local = parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed
        found = local.astimezone(UTC)
    except (ValueError, OverflowError):  # 0001-01-01T00:00+05:00 has no UTC equivalent
        raise MentoringError(f"{what}: enter a date and time.") from None
    if not MIN_YEAR <= found.year <= MAX_YEAR:
        raise MentoringError(f"{what}: enter a date between {MIN_YEAR} and {MAX_YEAR}.")
    if parsed.tzinfo is None and found.astimezone(tz).replace(tzinfo=None) != parsed:
        raise MentoringError(
            f"{what}: {parsed:%H:%M} does not exist on {parsed:%d %b %Y} in {zone} "
            "(the clocks go forward); choose another time."
        )
    return found


DEFAULT_ZONE = "Europe/London"
"""The zone a schedule gets when the form sends none (a browser without JavaScript)."""


def zone_name(value: str) -> str:
    """An IANA zone name such as Europe/London; empty means DEFAULT_ZONE."""
    return check_zone(value.strip() or DEFAULT_ZONE)


PairId = id_in_path("pair_id")
RequestId = id_in_path("request_id")
FlagId = id_in_path("flag_id")
MilestoneId = id_in_path("milestone_id")
SessionId = id_in_path("session_id")
"""Path ids from 1 to 2**31 - 1; anything else (too big, negative, not a number) is a 404.

(The mentoring area has no `user_id` in its paths; people are chosen by email.)
"""
