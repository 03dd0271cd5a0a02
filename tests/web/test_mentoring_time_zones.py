"""Weekly sessions keep their local time when the clocks change (RFC 5545 TZID + VTIMEZONE)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from tests.web.mentoring_world import World

from empathic.mentoring import ics, schedule
from empathic.mentoring.forms import DEFAULT_ZONE, moment, zone_name
from empathic.mentoring.service import MentoringError

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def occurrences(feed: str) -> list[datetime]:
    """Every session the feed describes, read back as a calendar app would."""
    cal = icalendar.Calendar.from_ical(feed)
    (event,) = cal.walk("VEVENT")
    start = event.decoded("DTSTART")
    rule = event["RRULE"].to_ical().decode()
    return list(rrulestr(rule, dtstart=start))


def london_event(**changes: object) -> ics.Event:
    values: dict[str, object] = {
        "uid": "dst@empathic",
        "summary": "Mentoring: Mona and Theo",
        "starts_at": datetime(2026, 3, 19, 9, 0, tzinfo=LONDON).astimezone(UTC),
        "minutes": 45,
        "interval_weeks": 1,
        "count": 4,
        "zone": "Europe/London",
    }
    values.update(changes)
    return ics.Event(**values)  # type: ignore[arg-type]


def test_weekly_sessions_stay_at_nine_local_across_the_spring_clock_change() -> None:
    # BST starts on 29 March 2026: 26 March 09:00 GMT is 09:00 UTC, 2 April 09:00 BST is 08:00 UTC
    feed = ics.calendar("Pair", [london_event()], NOW)
    assert "DTSTART;TZID=Europe/London:20260319T090000\r\n" in feed
    assert "DTEND;TZID=Europe/London:20260319T094500\r\n" in feed
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/London\r\n" in feed
    found = occurrences(feed)
    assert [o.date() for o in found] == [date(2026, 3, d) for d in (19, 26)] + [
        date(2026, 4, d) for d in (2, 9)
    ]
    assert all((o.hour, o.minute) == (9, 0) for o in found)  # local time, every week
    by_day = {o.date(): o.astimezone(UTC) for o in found}
    assert by_day[date(2026, 3, 26)] == datetime(2026, 3, 26, 9, 0, tzinfo=UTC)
    assert by_day[date(2026, 4, 2)] == datetime(2026, 4, 2, 8, 0, tzinfo=UTC)


def test_the_vtimezone_knows_both_offsets_of_the_schedules_dates() -> None:
    cal = icalendar.Calendar.from_ical(ics.calendar("Pair", [london_event()], NOW))
    (zone,) = cal.walk("VTIMEZONE")
    offsets = {(part.name, part.decoded("TZOFFSETTO")) for part in zone.subcomponents if part.name}
    assert ("STANDARD", timedelta(0)) in offsets and ("DAYLIGHT", timedelta(hours=1)) in offsets
    # one VTIMEZONE per zone, however many schedules use it
    two = ics.calendar("Pair", [london_event(), london_event(uid="b@empathic")], NOW)
    assert two.count("BEGIN:VTIMEZONE") == 1


def test_autumn_too_and_until_counts_the_last_local_day_in_full() -> None:
    # GMT returns on 25 October 2026; the series ends on 29 October, a Thursday
    start = datetime(2026, 10, 15, 18, 30, tzinfo=LONDON).astimezone(UTC)
    event = london_event(starts_at=start, count=None, until=date(2026, 10, 29))
    feed = ics.calendar("Pair", [event], NOW)
    assert "UNTIL=20261029T235959Z" in feed  # 23:59:59 GMT on the last day, written in UTC
    found = occurrences(feed)
    assert [(o.day, o.hour, o.minute) for o in found] == [(15, 18, 30), (22, 18, 30), (29, 18, 30)]
    assert [o.astimezone(UTC).hour for o in found] == [17, 17, 18]


def test_the_form_reads_the_first_session_in_the_chosen_zone() -> None:
    assert zone_name("") == DEFAULT_ZONE == "Europe/London"
    assert zone_name(" America/New_York ") == "America/New_York"
    for bad in ("Mars/Olympus", "../../etc/passwd", "x" * 100):
        with pytest.raises(MentoringError, match="Time zone: enter a zone name"):
            zone_name(bad)
    assert moment("2026-04-02T09:00", "First", "Europe/London") == datetime(
        2026, 4, 2, 8, 0, tzinfo=UTC
    )
    assert moment("2026-04-02T09:00", "First") == datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    with pytest.raises(MentoringError, match="01:30 does not exist on 29 Mar 2026"):
        moment("2026-03-29T01:30", "First session", "Europe/London")


def test_the_schedule_stores_its_zone_and_the_feed_uses_it(world: World) -> None:
    access = world.pair()
    start = datetime(2026, 3, 19, 9, 0, tzinfo=LONDON).astimezone(UTC)
    with pytest.raises(MentoringError, match="Time zone"):
        schedule.add_schedule(
            world.db, access, starts_at=start, interval_weeks=1, count=3, time_zone="Nowhere"
        )
    row = schedule.add_schedule(
        world.db, access, starts_at=start, interval_weeks=1, count=3, time_zone="Europe/London"
    )
    world.db.commit()
    world.db.expire_all()
    assert row.time_zone == "Europe/London" and row.local_start.hour == 9
    found = occurrences(schedule.feed(world.db, access.pair))
    assert [o.astimezone(UTC).hour for o in found] == [9, 9, 8]


def test_an_end_date_is_compared_with_the_first_sessions_local_day(world: World) -> None:
    access = world.pair()
    # 00:30 on 1 May in Tokyo is still 30 April in UTC; ending on 30 April local is refused
    start = datetime(2026, 5, 1, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo")).astimezone(UTC)
    with pytest.raises(MentoringError, match="end date must be after"):
        schedule.add_schedule(
            world.db,
            access,
            starts_at=start,
            interval_weeks=1,
            until=date(2026, 4, 30),
            time_zone="Asia/Tokyo",
        )
