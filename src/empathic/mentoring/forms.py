"""The mentoring forms as typed models, with messages a person can act on; and path ids.

A route takes the posted text (`Posted`) and reads it with `<Form>.read` only inside
the change it runs, once the pair is known: someone else's pair stays a 404, never a
form message. A value that cannot be read raises `MentoringError` with the same words as
before, naming the field, so the page shows it above the forms (400, nothing saved).
When several fields are wrong the first one in the form's order is named.

Every integer is range-checked before it reaches the database: PostgreSQL's
INTEGER stops at 2**31 - 1 and SQLite's at 2**63 - 1, and a bigger number
would otherwise surface as a server error instead of a message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Annotated, ClassVar, Self
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

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


def _message(read: Callable[[str], object]) -> Callable[[object], object]:
    """`read` as a pydantic validator whose error text is exactly the person's message
    (pydantic would prefix a plain ValueError with "Value error, ")."""

    def check(value: object) -> object:
        try:
            return read(str(value))
        except MentoringError as problem:
            message = {"message": str(problem)}
            raise PydanticCustomError("mentoring_form", "{message}", message) from None

    return check


def day(what: str) -> BeforeValidator:
    """An optional date field: empty is None, else YYYY-MM-DD."""
    return BeforeValidator(_message(lambda v: optional_date(v, what)))


def whole(what: str) -> BeforeValidator:
    """A required whole number within the INTEGER range."""
    return BeforeValidator(_message(lambda v: required_int(v, what)))


def maybe_whole(what: str, low: int = -MAX_INT) -> BeforeValidator:
    """An optional whole number from `low` up to the INTEGER range; empty is None."""
    return BeforeValidator(_message(lambda v: optional_int(v, what, low)))


def when(what: str) -> BeforeValidator:
    """An optional date and time read in UTC; empty is None."""
    return BeforeValidator(_message(lambda v: moment(v, what)))


class MentoringForm(BaseModel):
    """One post of a mentoring form, every field typed and checked.

    Like FastAPI's `Form()`, a field that is missing or empty takes its default: the
    posted text in `BLANK`, else "" (so a required number says "enter a whole number").
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    BLANK: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def read(cls, posted: Mapping[str, str]) -> Self:
        """The typed form, or `MentoringError` with the first wrong field's message."""
        text = {name: posted.get(name) or cls.BLANK.get(name, "") for name in cls.model_fields}
        try:
            return cls.model_validate(text)
        except ValidationError as exc:
            raise MentoringError(exc.errors()[0]["msg"]) from None


class PairForm(MentoringForm):
    """Proposing a pair (`/mentoring/pairs`): the people are checked by the service."""

    mentor_email: str
    mentee_email: str
    programme: str
    start_date: Annotated[date | None, day("Start date")]
    end_date: Annotated[date | None, day("End date")]


class MilestoneForm(MentoringForm):
    title: str
    due_date: Annotated[date | None, day("Due date")]
    goal_id: Annotated[int | None, maybe_whole("Goal", 1)]
    """The chosen goal's id (a select's value), or None for a milestone on its own."""


class ProgressForm(MentoringForm):
    progress: Annotated[int, whole("Progress")]
    comment: str


class CheckinForm(MentoringForm):
    energy: Annotated[int, whole("Energy")]
    workload: Annotated[int, whole("Workload")]
    support: Annotated[int, whole("Support")]
    note: str


class SessionForm(MentoringForm):
    notes: str
    held_at: Annotated[datetime | None, when("When")]


class ScheduleForm(MentoringForm):
    """A schedule; the first session's time is read in the posted zone (the browser's)."""

    BLANK: ClassVar[Mapping[str, str]] = {"interval_weeks": "2", "minutes": "45"}

    time_zone: Annotated[str, BeforeValidator(_message(zone_name))]
    """Read first: the first session's time needs it. Empty means DEFAULT_ZONE."""
    starts_at: datetime | None
    interval_weeks: Annotated[int, whole("Interval")]
    count: Annotated[int | None, maybe_whole("Number of sessions")]
    until: Annotated[date | None, day("Until")]
    minutes: Annotated[int, whole("Minutes")]

    @field_validator("starts_at", mode="before")
    @classmethod
    def _first(cls, value: object, info: ValidationInfo) -> object:
        zone = info.data.get("time_zone")
        if zone is None:  # the zone was wrong: its message is the one shown
            return None
        return _message(lambda v: moment(v, "First session", zone))(value)


async def posted_text(request: Request) -> dict[str, str]:
    """The form's text fields as posted (an upload is read by its own route).

    Not `Annotated[CheckinForm, Form()]` as in `insights.forms`: FastAPI would answer a bad
    value with a 422 before the route runs, where the pair page must say what to fix.
    """
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str)}


Posted = Annotated[dict[str, str], Depends(posted_text)]


PairId = Annotated[int, Depends(id_in_path("pair_id"))]
RequestId = Annotated[int, Depends(id_in_path("request_id"))]
FlagId = Annotated[int, Depends(id_in_path("flag_id"))]
MilestoneId = Annotated[int, Depends(id_in_path("milestone_id"))]
SessionId = Annotated[int, Depends(id_in_path("session_id"))]
"""Path ids from 1 to 2**31 - 1; anything else (too big, negative, not a number) is a 404.

(The mentoring area has no `user_id` in its paths; people are chosen by email.)
"""
