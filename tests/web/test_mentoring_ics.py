"""iCalendar output (RFC 5545), schedules and session-note reflection."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.helpers import csrf
from tests.web.mentoring_world import PASSWORD, World

from empathic.analysis.packs import PackCache
from empathic.config import Settings
from empathic.mentoring import ics, records, schedule, service
from empathic.mentoring.reflect import NOT_DIALOGUE, reflect, session_reflection
from empathic.mentoring.service import MentoringError, NotFound


def parse(text: str) -> list[tuple[str, str]]:
    """A strict little reader: CRLF only, unfolded, (name-with-params, value) pairs."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", ""), "bare LF"
    assert "\r" not in text.replace("\r\n", ""), "bare CR"
    for raw in text.split("\r\n"):
        assert len(raw.encode()) <= 75, raw
    unfolded = text.replace("\r\n ", "").split("\r\n")[:-1]
    return [tuple(line.split(":", 1)) for line in unfolded]  # type: ignore[misc]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def rule(value: str) -> dict[str, str]:
    """RRULE parts by name: their order carries no meaning (RFC 5545 §3.3.10)."""
    return dict(part.split("=", 1) for part in value.split(";"))  # type: ignore[misc]


def event(**changes: object) -> ics.Event:
    values: dict[str, object] = {
        "uid": "abc@empathic",
        "summary": "Mentoring, Mona; Theo",
        "starts_at": datetime(2026, 12, 1, 9, 30, tzinfo=UTC),
        "minutes": 45,
        "interval_weeks": 2,
        "count": 6,
    }
    values.update(changes)
    return ics.Event(**values)  # type: ignore[arg-type]


NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


def test_calendar_structure_and_required_properties() -> None:
    lines = parse(
        ics.calendar(
            "Pair", [event(), event(uid="two@empathic", count=None, until=date(2027, 3, 1))], NOW
        )
    )
    names = [n for n, _ in lines]
    assert names[0] == "BEGIN" and lines[0][1] == "VCALENDAR" and lines[-1] == ("END", "VCALENDAR")
    assert ("VERSION", "2.0") in lines and any(n == "PRODID" for n in names)
    blocks = [i for i, line in enumerate(lines) if line == ("BEGIN", "VEVENT")]
    ends = [i for i, line in enumerate(lines) if line == ("END", "VEVENT")]
    assert len(blocks) == len(ends) == 2 and all(b < e for b, e in zip(blocks, ends, strict=True))
    first = dict(lines[blocks[0] + 1 : ends[0]])
    assert first["UID"] == "abc@empathic"
    assert first["DTSTAMP"] == "20261122T080000Z"
    assert first["DTSTART"] == "20261201T093000Z" and first["DTEND"] == "20261201T101500Z"
    assert rule(first["RRULE"]) == {"FREQ": "WEEKLY", "INTERVAL": "2", "COUNT": "6"}
    assert first["SUMMARY"] == "Mentoring\\, Mona\\; Theo"
    assert unescape(first["SUMMARY"]) == "Mentoring, Mona; Theo"
    second = dict(lines[blocks[1] + 1 : ends[1]])
    assert rule(second["RRULE"]) == {
        "FREQ": "WEEKLY",
        "INTERVAL": "2",
        "UNTIL": "20270301T235959Z",
    }
    assert "BEGIN:VTIMEZONE" not in names  # UTC schedules (made before zones) need none


def test_long_lines_fold_without_splitting_characters() -> None:
    # Two-, three- and four-octet characters early in the line: a fold that counted
    # characters instead of octets would leave physical lines longer than 75 octets.
    summary = "Gespräch über Ziele, Meilensteine; 目標と進捗 🌱 und Wohlbefinden " * 4
    name = "Paar Zoë Ångström, Müller, 田中 " * 4
    text = ics.calendar(name, [event(summary=summary)], NOW)
    assert "\r\n " in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    got = dict(parse(text))
    assert unescape(got["SUMMARY"]) == summary
    assert unescape(got["X-WR-CALNAME"]) == name
    odd = "ü" * 40 + "€" * 40 + "🌱" * 40 + " a\\b\nc"
    folded = dict(parse(ics.calendar("x", [event(summary=odd)], NOW)))
    assert folded["SUMMARY"].endswith(" a\\\\b\\nc") and unescape(folded["SUMMARY"]) == odd


def test_folded_lines_stay_within_75_octets() -> None:
    text = ics.calendar("x", [event(summary="x" * 150)], NOW)
    physical = [line for line in text.split("\r\n") if line.startswith(("SUMMARY", " "))]
    assert len(physical) == 3 and all(len(line.encode()) <= 75 for line in physical)
    assert dict(parse(text))["SUMMARY"] == "x" * 150


def test_schedule_rules_and_feed(world: World) -> None:
    access = world.pair()
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with pytest.raises(MentoringError, match="either"):
        schedule.add_schedule(world.db, access, starts_at=start, interval_weeks=2)
    with pytest.raises(MentoringError, match="1 to 12 weeks"):
        schedule.add_schedule(world.db, access, starts_at=start, interval_weeks=0, count=3)
    row = schedule.add_schedule(world.db, access, starts_at=start, interval_weeks=3, count=4)
    feed = dict(parse(schedule.feed(world.db, access.pair)))
    assert feed["UID"] == row.uid
    assert rule(feed["RRULE"]) == {"FREQ": "WEEKLY", "INTERVAL": "3", "COUNT": "4"}
    assert feed["DTSTART"] == "20261201T090000Z" and row.zone == "UTC"  # the service's default
    assert unescape(feed["SUMMARY"]) == "Mentoring: Mona and Theo"
    pair = schedule.pair_by_feed_token(world.db, access.pair.id, access.pair.feed_token)
    assert pair.id == access.pair.id
    with pytest.raises(NotFound):
        schedule.pair_by_feed_token(world.db, access.pair.id, "guess")


def test_reflection_on_dialogue_notes() -> None:
    notes = (
        "Mona: How have the last weeks been?\n"
        "Theo: Hard. I feel stretched and behind on the course.\n"
        "Mona: It sounds like you are carrying a lot and worried about falling behind.\n"
        "Theo: Yes, exactly.\n"
    )
    found = reflect(notes, "Mona Mentor", Settings())
    assert found.ok and found.mentor == "Mona" and found.message == ""
    metrics = dict(found.metrics)
    assert metrics["Questions (open)"] == "1 (1)"
    assert metrics["Reflections (complex)"].startswith("1 ")
    assert all("http" not in line for line in found.summary)


def test_reflection_refuses_notes_that_are_not_a_dialogue() -> None:
    found = reflect("We talked about the course. She seemed tired.", "Mona", Settings())
    assert not found.ok and found.message == NOT_DIALOGUE and found.metrics == []
    lonely = reflect("Mona: hello there", "Mona", Settings())
    assert not lonely.ok and "Only one speaker" in lonely.message


def test_a_schedule_without_a_first_session_is_refused_by_the_service(world: World) -> None:
    """The rule lives in the service, so every caller (not only the form) gets it."""
    access = world.pair()
    with pytest.raises(MentoringError, match="First session: enter a date and time"):
        schedule.add_schedule(world.db, access, starts_at=None, interval_weeks=2, count=3)


def test_session_reflection_needs_the_mentees_consent_in_the_service(world: World) -> None:
    mentor = world.pair()
    log = records.log_session(world.db, mentor, "Mona: How are you?\nTheo: Tired, thanks.")
    packs = PackCache()
    with pytest.raises(PermissionError, match="not shared the analysis"):
        session_reflection(world.db, mentor, log.id, Settings(), packs)
    with pytest.raises(NotFound):
        session_reflection(world.db, mentor, log.id + 1000, Settings(), packs)
    mentee = world.as_(world.mentee, mentor)
    service.set_consent(world.db, mentee, "session_analysis", True)
    found_log, found = session_reflection(world.db, mentor, log.id, Settings(), packs)
    assert found_log.id == log.id and found.ok and found.mentor == "Mona"


def test_reflection_pages_load_the_pack_once_and_share_it_with_insights(
    app: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading a pack reads model files: once per app, in the cache insights uses too."""
    import empathic.analysis.packs as packs_module

    loads: list[str | None] = []
    real = packs_module.load_pack

    def counting(name: str | None, settings: Settings) -> Any:
        loads.append(name)
        return real(name, settings)

    monkeypatch.setattr(packs_module, "load_pack", counting)
    mentor = world.pair(consent=("session_analysis",))
    notes = "Mona: What feels hardest?\nTheo: I feel anxious about the panel."
    log = records.log_session(world.db, mentor, notes)
    world.db.commit()
    client = TestClient(app)
    token = csrf(client, "/signin")
    client.post(
        "/signin",
        data={"email": world.mentor.email, "password": PASSWORD, "csrf_token": token},
    )
    path = f"/mentoring/pairs/{mentor.pair.id}/sessions/{log.id}/reflection"
    for _ in range(3):
        page = client.get(path)
        assert page.status_code == 200 and "Key metrics for Mona" in page.text
    assert len(loads) == 1
    cache = app.state.packs
    assert isinstance(cache, PackCache) and PackCache.of(app.state) is cache
    client.close()
