"""The mentoring form models: the same per-field messages as the old readers, on the models
and through the pages (a bad value re-renders the pair page with its message, 400)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from tests.web.helpers import Person, sign_up
from tests.web.test_mentoring_routes import _pair

from empathic.mentoring.forms import (
    CheckinForm,
    MentoringForm,
    MilestoneForm,
    PairForm,
    ProgressForm,
    ScheduleForm,
    SessionForm,
)
from empathic.mentoring.service import MentoringError
from empathic.web.params import MAX_INT

BIG = str(MAX_INT + 1)


@pytest.mark.parametrize(
    ("form", "posted", "message"),
    [
        (PairForm, {"start_date": "1/2/2026"}, "Start date: enter a date as YYYY-MM-DD."),
        (PairForm, {"end_date": "2026-02-30"}, "End date: enter a date as YYYY-MM-DD."),
        (MilestoneForm, {"due_date": "soon"}, "Due date: enter a date as YYYY-MM-DD."),
        (MilestoneForm, {"goal_id": "first"}, "Goal: enter a whole number."),
        (MilestoneForm, {"goal_id": "0"}, f"Goal: enter a whole number from 1 to {MAX_INT}."),
        (MilestoneForm, {"goal_id": BIG}, f"Goal: enter a whole number from 1 to {MAX_INT}."),
        (ProgressForm, {}, "Progress: enter a whole number."),
        (ProgressForm, {"progress": "half"}, "Progress: enter a whole number."),
        (ProgressForm, {"progress": "  "}, "Progress: enter a whole number."),
        (ProgressForm, {"progress": "50.5"}, "Progress: enter a whole number."),
        (CheckinForm, {"workload": "3", "support": "3"}, "Energy: enter a whole number."),
        (
            CheckinForm,
            {"energy": "3", "workload": BIG, "support": "3"},
            f"Workload: enter a whole number from {-MAX_INT} to {MAX_INT}.",
        ),
        (CheckinForm, {"energy": "3", "workload": "3", "support": "x"}, "Support: enter a whole"),
        (SessionForm, {"held_at": "yesterday"}, "When: enter a date and time."),
        (SessionForm, {"held_at": "1899-12-31T10:00"}, "When: enter a date between 1900 and 2999."),
        (SessionForm, {"held_at": "0001-01-01T00:00+05:00"}, "When: enter a date and time."),
        (ScheduleForm, {"time_zone": "Atlantis/Capital"}, "Time zone: enter a zone name such as"),
        (ScheduleForm, {"starts_at": "next week"}, "First session: enter a date and time."),
        (ScheduleForm, {"interval_weeks": "two"}, "Interval: enter a whole number."),
        (ScheduleForm, {"count": "many"}, "Number of sessions: enter a whole number."),
        (ScheduleForm, {"until": "2026-13-01"}, "Until: enter a date as YYYY-MM-DD."),
        (ScheduleForm, {"minutes": "1e3"}, "Minutes: enter a whole number."),
    ],
)
def test_each_bad_value_gets_its_fields_message(
    form: type[MentoringForm], posted: dict[str, str], message: str
) -> None:
    with pytest.raises(MentoringError) as raised:
        form.read(posted)
    assert str(raised.value).startswith(message)
    # the model itself carries the same words, unprefixed, on the field
    with pytest.raises(ValidationError) as invalid:
        form.model_validate({**dict.fromkeys(form.model_fields, ""), **form.BLANK, **posted})
    first = invalid.value.errors()[0]
    assert str(first["msg"]).startswith(message)


def test_the_first_wrong_field_in_the_forms_order_is_named() -> None:
    """The old readers stopped at the first problem; the page still names that one."""
    with pytest.raises(MentoringError, match=r"^Energy: "):
        CheckinForm.read({"energy": "x", "workload": "y", "support": "z"})
    with pytest.raises(MentoringError, match=r"^Time zone: "):  # read before the time it places
        ScheduleForm.read({"time_zone": "Nowhere", "starts_at": "garbage", "minutes": "x"})
    with pytest.raises(MentoringError, match=r"^Start date: "):
        PairForm.read({"start_date": "x", "end_date": "y"})


def test_good_values_become_typed_ones() -> None:
    pair = PairForm.read(
        {"mentor_email": "m@example.org", "programme": "Pilot", "start_date": " 2026-01-05 "}
    )
    assert (pair.mentor_email, pair.mentee_email, pair.programme) == ("m@example.org", "", "Pilot")
    assert (pair.start_date, pair.end_date) == (date(2026, 1, 5), None)
    step = MilestoneForm.read({"title": "Read", "goal_id": " 7 ", "csrf_token": "t"})
    assert (step.title, step.due_date, step.goal_id) == ("Read", None, 7)
    assert not hasattr(step, "csrf_token")
    assert CheckinForm.read({"energy": "-2", "workload": "0", "support": "+5"}).support == 5
    assert SessionForm.read({"notes": "n"}).held_at is None
    held = SessionForm.read({"held_at": "2026-03-01T09:30"}).held_at
    assert held == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)  # no zone sent: read as UTC


def test_a_schedule_reads_its_time_in_its_zone_and_blank_numbers_as_the_forms_defaults() -> None:
    """Empty or missing fields take the defaults the form shows, as FastAPI's Form() did."""
    plan = ScheduleForm.read(
        {"starts_at": "2026-07-01T09:00", "interval_weeks": "", "count": "", "time_zone": ""}
    )
    assert plan.time_zone == "Europe/London"
    assert plan.starts_at == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # 09:00 BST
    assert (plan.interval_weeks, plan.minutes, plan.count, plan.until) == (2, 45, None, None)
    there = ScheduleForm.read({"starts_at": "2026-07-01T09:00", "time_zone": "America/New_York"})
    assert there.starts_at == datetime(2026, 7, 1, 13, 0, tzinfo=UTC)
    with pytest.raises(
        MentoringError, match="01:30 does not exist on 29 Mar 2026 in Europe/London"
    ):
        ScheduleForm.read({"starts_at": "2026-03-29T01:30"})


# ----------------------------------------------------------------------------- through the pages


@pytest.fixture
def people(admin: Person, make_client: Any) -> dict[str, Person]:
    return {"admin": admin, **{n: sign_up(make_client(), n.title()) for n in ("mona", "theo")}}


@pytest.mark.parametrize(
    ("path", "posted", "message"),
    [
        ("checkins", {"energy": "3", "workload": "lots", "support": "3"}, "Workload: enter a"),
        ("milestones", {"title": "Step", "due_date": "31/12/2026"}, "Due date: enter a date"),
        ("sessions", {"notes": "Talked", "held_at": "soon"}, "When: enter a date and time."),
        ("schedule", {"starts_at": "2026-09-01T09:00", "count": "x"}, "Number of sessions:"),
    ],
)
def test_a_bad_value_re_renders_the_pair_page_with_its_message_and_saves_nothing(
    people: dict[str, Person], path: str, posted: dict[str, str], message: str
) -> None:
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    before = p["theo"].client.get(f"/mentoring/pairs/{pair_id}").text
    bad = p["theo"].post(f"/mentoring/pairs/{pair_id}/{path}", posted)
    assert bad.status_code == 400
    assert f'<p class="error" role="alert">{message}' in bad.text
    assert 'id="sc-zone"' in bad.text  # the pair page again, with its forms
    assert p["theo"].client.get(f"/mentoring/pairs/{pair_id}").text == before  # nothing saved


def test_a_bad_date_when_proposing_a_pair_re_renders_the_home_page(
    people: dict[str, Person],
) -> None:
    p = people
    posted = {"mentor_email": p["mona"].email, "mentee_email": p["theo"].email}
    posted["programme"] = "Spring cohort"
    bad = p["admin"].post("/mentoring/pairs", {**posted, "end_date": "next year"})
    assert bad.status_code == 400
    assert '<p class="error" role="alert">End date: enter a date as YYYY-MM-DD.</p>' in bad.text
    assert "Spring cohort" not in p["admin"].client.get("/mentoring").text
    p["admin"].post("/mentoring/pairs", posted)  # the same pair, well dated, is proposed
    assert "Spring cohort" in p["admin"].client.get("/mentoring").text


def test_a_bad_form_to_someone_elses_pair_is_still_not_found(
    people: dict[str, Person], make_client: Any
) -> None:
    """The form is read after the pair is found, so its message never tells a pair exists."""
    p = people
    pair_id = _pair(p["admin"], p["mona"], p["theo"])
    outsider = sign_up(make_client(), "Olga")
    bad = outsider.post(f"/mentoring/pairs/{pair_id}/checkins", {"energy": "x"})
    assert bad.status_code == 404
