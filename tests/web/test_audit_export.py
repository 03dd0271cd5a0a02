"""The whole-log audit export (`/admin/audit.csv`, #16) against an oracle: the rows the ORM and
Python write entry by entry, so the export's single statement (names joined and the time
written by the database, each distinct cell made safe once, a batch at a time) must say
exactly the same thing, for every filter, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import event, select, text
from tests.web.helpers import Person, sign_up
from tests.web.test_accounts_admin import add_entries, uid, user

from empathic.accounts import audit
from empathic.accounts.models import AuditEntry, User
from empathic.csvcells import read_cell, safe_cell
from empathic.mentoring import service as mentoring

DAY = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _keeps(filters: audit.Filters, entry: AuditEntry) -> bool:
    day = entry.at.astimezone(UTC).date()
    return (
        filters.actor_id in (None, entry.actor_id)
        and filters.subject_id in (None, entry.subject_id)
        and filters.action in ("", entry.action)
        and (filters.since is None or day >= filters.since)
        and (filters.until is None or day <= filters.until)
    )


def expected(app: Any, filters: audit.Filters) -> list[list[str]]:
    """The export as the ORM and Python write it, one entry at a time."""
    describe = audit.describer(app.state.areas)
    with app.state.sessions() as db:
        people = {person.id: (person.name, person.email) for person in db.scalars(select(User))}
        kept = [e for e in db.scalars(select(AuditEntry)) if _keeps(filters, e)]
        kept.sort(key=lambda e: (e.at, e.id), reverse=True)
        names = describe.names(db, {e.target for e in kept if e.target})
    rows = [list(audit.CSV_HEADER)]
    for e in kept:
        who = people.get(e.actor_id, ("", "")) if e.actor_id else ("", "")
        whose = people.get(e.subject_id, ("", "")) if e.subject_id else ("", "")
        what = describe.sentence(e.action, e.target, names)
        cells = (*who, *whose, what, e.action, e.target)
        when = e.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        rows.append([when, *(str(safe_cell(cell)) for cell in cells)])
    return rows


def as_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def exported(admin: Person, query: str = "") -> list[list[str]]:
    """The export's rows, after checking its text is exactly what the csv module writes."""
    response = admin.client.get(f"/admin/audit.csv{query}")
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.text)))
    assert response.text == as_csv(rows)
    return rows


@pytest.fixture
def log(admin: Person, make_client: Any, app: Any) -> dict[str, int]:
    """People whose names and emails start formulas, a named pair, a review that is gone, an
    action no area describes, entries without a person, ties, and times at a second's end."""
    evil = sign_up(make_client(), "=HYPERLINK(1)", "evil@example.org")
    comma = sign_up(make_client(), 'Doe, "Jane"', "jane@example.org")
    plus = sign_up(make_client(), "+Plus Person", "+plus@example.org")
    quoted = sign_up(make_client(), "'-Quoted Already", "-quoted@example.org")
    a, e, p, q = (uid(app, who.email) for who in (admin, evil, plus, quoted))
    with app.state.sessions() as db:
        boss = db.scalars(select(User).where(User.email == admin.email)).one()
        pair = mentoring.create_pair(db, boss, mentor_email=plus.email, mentee_email=evil.email)
        db.commit()
        target = f"pair:{pair.id}"
    zone = timezone(timedelta(hours=5, minutes=30))
    rows: list[tuple[int | None, int | None, str, str, datetime]] = [
        (a, e, "viewed shared run", "=1+1", DAY),
        (a, e, "viewed shared run", "run:2", DAY),  # a tie: the later id first
        (p, e, "mentoring.view", target, DAY - timedelta(days=1)),
        (q, p, "mentoring.view", target, DAY + timedelta(days=1)),
        (e, None, "-undescribed", "@target", DAY + timedelta(days=2)),
        (None, q, "reviews.account.read", "review:999/account:1", DAY - timedelta(days=3)),
        (
            a,
            None,
            "viewed cohort",
            "",
            DAY.replace(hour=23, minute=59, second=59, microsecond=999999),
        ),
        (p, q, "viewed shared growth", "\tuser", datetime(2026, 3, 12, 3, 0, tzinfo=zone)),
    ]
    rows += [(a, p, "viewed shared run", f"run:{n}", DAY - timedelta(hours=n)) for n in range(9)]
    odd = ['run "7", again', "line\nbreak\r\n", " ", "-", "'", '"', ",", "\r"]
    c = uid(app, comma.email)
    rows += [
        (c, c, "odd targets", t, DAY - timedelta(days=10, minutes=n)) for n, t in enumerate(odd)
    ]
    add_entries(app, rows)
    return {"admin": a, "evil": e, "plus": p, "quoted": q, "comma": c, "pair": pair.id}


def test_the_export_says_what_the_oracle_says_for_every_filter(
    admin: Person, app: Any, log: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = [
        "",
        f"?actor={log['admin']}",
        f"?subject={log['evil']}",
        f"?actor={log['plus']}&subject={log['quoted']}",
        f"?subject={log['comma']}",
        "?action=viewed+shared+run",
        "?action=-undescribed",
        "?since=2026-03-10&until=2026-03-10",
        "?since=2026-03-11",
        "?until=2026-03-09",
        f"?actor={log['admin']}&action=viewed+shared+run&since=2026-03-10",
        "?action=nothing+like+it",
    ]
    for batch in (audit.CSV_BATCH, 3):
        monkeypatch.setattr(audit, "CSV_BATCH", batch)
        for query in queries:
            parsed = audit.parse_filters(**dict(parse_qsl(query[1:])))
            assert exported(admin, query) == expected(app, parsed), (batch, query)


def test_the_oracle_itself_reads_as_the_admin_expects(
    admin: Person, app: Any, log: dict[str, int]
) -> None:
    rows = exported(admin)
    assert rows[0] == list(audit.CSV_HEADER) and len(rows) == 1 + 17 + 8
    first = rows[1]  # the newest: the undescribed action, with nobody's data
    assert first[1:3] == ["'=HYPERLINK(1)", "evil@example.org"] and first[3:5] == ["", ""]
    assert first[5:] == ["'-undescribed", "'-undescribed", "'@target"]
    assert read_cell(first[7]) == "@target"
    by_when = {row[0]: row for row in rows[1:]}
    assert by_when["2026-03-11 21:30:00"][7] == "'\tuser"  # +05:30 stored, UTC shown
    assert by_when["2026-03-10 23:59:59"][5] == "viewed a team's cohort figures"  # cut, not rounded
    opened = [row for row in rows[1:] if row[6] == "mentoring.view"]
    pair = "opened the mentoring pair of +Plus Person and =HYPERLINK(1)"
    assert [row[5] for row in opened] == [pair, pair]
    assert opened[0][1:3] == ["''-Quoted Already", "'-quoted@example.org"]
    assert read_cell(opened[0][1]) == "'-Quoted Already"
    assert opened[1][1:5] == [
        "'+Plus Person",
        "'+plus@example.org",
        "'=HYPERLINK(1)",
        "evil@example.org",
    ]
    gone = next(row for row in rows[1:] if row[6] == "reviews.account.read")
    assert gone[1:3] == ["", ""] and gone[5] == "read review:999/account:1"
    tie = [row[7] for row in rows[1:] if row[0] == "2026-03-10 12:00:00"]
    assert tie == ["run:0", "run:2", "'=1+1"]  # same time: the latest written first


def test_times_are_utc_whatever_the_database_sessions_time_zone(
    admin: Person, app: Any, log: dict[str, int]
) -> None:
    engine = app.state.engine
    if engine.dialect.name == "postgresql":
        engine.dispose()  # new connections, each set to a zone far from UTC

        @event.listens_for(engine, "connect")
        def far_away(connection: Any, _record: Any) -> None:
            with connection.cursor() as cursor:
                cursor.execute("SET TIME ZONE 'Pacific/Kiritimati'")
            connection.commit()

    rows = exported(admin)
    assert rows == expected(app, audit.Filters())
    assert "2026-03-10 23:59:59" in {row[0] for row in rows}


def test_the_export_streams_a_batch_at_a_time_and_only_to_an_admin(
    admin: Person, learner: Person, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "CSV_BATCH", 2)
    a = uid(app, admin.email)
    add_entries(app, [(a, None, "viewed cohort", f"n{n}", DAY + timedelta(n)) for n in range(5)])
    describe = audit.describer(app.state.areas)
    with app.state.sessions() as db:
        chunks = list(audit.csv_chunks(db, user(app, admin.email), audit.Filters(), describe))
        assert len(chunks) == 3  # the header with the first batch, then one chunk a batch
        assert [len(c.splitlines()) for c in chunks] == [3, 2, 1]
        if db.get_bind().dialect.name == "postgresql":  # planned to be read to the end,
            assert db.scalar(text("SHOW cursor_tuple_fraction")) == "1"
            db.rollback()  # for this transaction only
            assert db.scalar(text("SHOW cursor_tuple_fraction")) == "0.1"
        refused = audit.csv_chunks(db, user(app, learner.email), audit.Filters(), describe)
        with pytest.raises(PermissionError):
            next(refused)
    assert learner.client.get("/admin/audit.csv").status_code == 403
