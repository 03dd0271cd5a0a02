"""Reading form fields into typed values, with messages a person can act on."""

from __future__ import annotations

from datetime import UTC, date, datetime

from empathic.mentoring.service import MentoringError


def optional_date(value: str, what: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise MentoringError(f"{what}: enter a date as YYYY-MM-DD.") from None


def optional_int(value: str, what: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise MentoringError(f"{what}: enter a whole number.") from None


def required_int(value: str, what: str) -> int:
    found = optional_int(value, what)
    if found is None:
        raise MentoringError(f"{what}: enter a whole number.")
    return found


def moment(value: str, what: str) -> datetime | None:
    """A `datetime-local` field, read as UTC (the page says so next to the field)."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise MentoringError(f"{what}: enter a date and time.") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
