"""The admin's audit log: who looked at whose data (or changed whose account), filtered, a
page at a time or as CSV; no HTTP here.

Each area names its own action codes in a sentence (`Area.audit_actions`) and its targets
(`Area.audit_targets`: "pair:3" is "the mentoring pair of Mona and Theo"), so the log reads
as sentences without this lower area knowing the higher ones. A page costs a fixed number
of statements whatever its length: the rows come with both people's names in one query
(the users table joined twice) and each area names all the page's targets at once.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Select, func, select, text
from sqlalchemy.orm import Session, aliased

from empathic.accounts.area import ADMINISTER
from empathic.accounts.models import AuditEntry, User
from empathic.accounts.service import AccountError
from empathic.areas import Area, load
from empathic.csvcells import safe_cell
from empathic.permissions import allowed

PAGE_SIZE = 100
CSV_HEADER = (
    "when (UTC)",
    "who",
    "who (email)",
    "whose data",
    "whose data (email)",
    "what",
    "action",
    "target",
)

Namer = Callable[[Session, Collection[str]], dict[str, str]]


@dataclass(frozen=True)
class Filters:
    """What the admin asked for; every field optional (empty: the whole log)."""

    actor_id: int | None = None
    subject_id: int | None = None
    action: str = ""
    since: date | None = None
    until: date | None = None

    def query(self, **changes: Any) -> str:
        """The query string of these filters (with `changes`, e.g. page=2), for links."""
        values = {
            "actor": self.actor_id,
            "subject": self.subject_id,
            "action": self.action,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            **changes,
        }
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _id(value: str, what: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise AccountError(f"Choose {what} from the list.")
    return int(value)


def _day(value: str, what: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise AccountError(f"Enter the {what} date as YYYY-MM-DD.") from None


def parse_filters(
    actor: str = "", subject: str = "", action: str = "", since: str = "", until: str = ""
) -> Filters:
    """Filters from the query string; AccountError says what to correct."""
    found = Filters(
        actor_id=_id(actor, "who"),
        subject_id=_id(subject, "whose data"),
        action=action.strip()[:60],
        since=_day(since, "from"),
        until=_day(until, "to"),
    )
    if found.since and found.until and found.until < found.since:
        raise AccountError("The “to” date must be on or after the “from” date.")
    return found


@dataclass(frozen=True)
class Describer:
    """Sentences and target names for action codes, from every area's registry entry."""

    sentences: dict[str, str] = field(default_factory=dict)
    namers: tuple[Namer, ...] = ()

    def sentence(self, action: str, target: str, names: dict[str, str]) -> str:
        template = self.sentences.get(action)
        if template is None:
            return action  # an action no area describes: its code is the best we have
        return template.replace("{target}", names.get(target) or target)

    def names(self, db: Session, targets: Collection[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        if targets:
            for namer in self.namers:
                found.update(namer(db, targets))
        return found


def describer(areas: Iterable[Area]) -> Describer:
    """The registry's sentences and target namers (namers imported on use)."""
    registry = tuple(areas)
    return Describer(
        {code: text for area in registry for code, text in area.audit_actions},
        tuple(load(area.audit_targets) for area in registry if area.audit_targets),
    )


@dataclass(frozen=True)
class Row:
    at: datetime
    actor_name: str | None
    actor_email: str | None
    subject_name: str | None
    subject_email: str | None
    action: str
    target: str
    sentence: str


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int
    page: int
    pages: int

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _filtered(filters: Filters, when: ColumnElement[Any] | None = None) -> Select[Any]:
    """The entries the filters keep: when, who (name, email), whose data (name, email),
    action, target; people may be gone (dates are whole UTC days). `when` replaces the
    entry's datetime (the CSV takes it as text made by the database)."""
    actor, subject = aliased(User), aliased(User)
    query = (
        select(
            AuditEntry.at if when is None else when,
            actor.name,
            actor.email,
            subject.name,
            subject.email,
            AuditEntry.action,
            AuditEntry.target,
        )
        .outerjoin(actor, actor.id == AuditEntry.actor_id)
        .outerjoin(subject, subject.id == AuditEntry.subject_id)
    )
    if filters.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.subject_id is not None:
        query = query.where(AuditEntry.subject_id == filters.subject_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.since:
        query = query.where(AuditEntry.at >= _start(filters.since))
    if filters.until:
        query = query.where(AuditEntry.at < _start(filters.until + timedelta(days=1)))
    return query


def _rows(db: Session, query: Select[Any], describe: Describer) -> list[Row]:
    # plain rows through the session's connection: the ORM's row handling doubled the time
    # of a whole-log CSV (12,600 entries, bench/pages.py)
    ordered = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    found = db.connection().execute(ordered).all()
    names = describe.names(db, {row.target for row in found if row.target})
    return [
        Row(
            at=row.at,
            actor_name=row[1],
            actor_email=row[2],
            subject_name=row[3],
            subject_email=row[4],
            action=row.action,
            target=row.target,
            sentence=describe.sentence(row.action, row.target, names),
        )
        for row in found
    ]


def _check_reader(viewer: User) -> None:
    """PermissionError unless `viewer` may read the audit log (an admin)."""
    if not allowed(viewer, ADMINISTER):
        raise PermissionError("only an admin can read the audit log")


def page_of(
    db: Session, viewer: User, filters: Filters, describe: Describer, page: int = 1
) -> Page:
    """One page (newest first) of the entries the filters keep."""
    _check_reader(viewer)
    query = _filtered(filters)
    total = int(db.scalar(select(func.count()).select_from(query.subquery())) or 0)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = _rows(db, query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE), describe)
    return Page(rows, total, page, pages)


CSV_BATCH = 2000
"""Entries fetched, named and written at a time by the CSV export (it streams: the whole
log is never held in memory; fewer, larger batches mean fewer round trips and namings)."""


def _when_text(dialect: str) -> ColumnElement[str]:
    """The entry's time as "YYYY-MM-DD HH:MM:SS" UTC, written by the database: converting
    and formatting each datetime in Python was a fifth of a whole-log export. Both cut the
    fraction of a second, as Python's strftime did; SQLite keeps the time as naive UTC."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", AuditEntry.at), "YYYY-MM-DD HH24:MI:SS")
    return func.strftime("%Y-%m-%d %H:%M:%S", AuditEntry.at)


def _whole_cursor(db: Session) -> None:
    """Tell PostgreSQL the export reads its cursor to the end: planned for its first tenth
    (`cursor_tuple_fraction`), a filtered export walked the whole time index backwards
    instead of reading the person's entries by their index and sorting them."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))


def _csv_line(values: Iterable[object]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


class _Cells(dict[str | None, str]):
    """Each distinct text as its CSV cell, spreadsheet-safe (`safe_cell`) and quoted as the
    csv module quotes it, worked out once: an export repeats the same few hundred names,
    emails, actions and targets thousands of times, and writing them through the csv
    module row by row was a third of a whole-log export."""

    def __missing__(self, value: str | None) -> str:
        # a lone empty field is quoted ("") by the csv module; in a row it is nothing
        cell = self[value] = _csv_line([safe_cell(value)])[:-2] if value else ""
        return cell


class _Sentences(dict[tuple[str, str], str]):
    """The cell of each (action, target)'s sentence, worked out once; `names` must already
    hold the target's name (each batch names its new targets before it is written)."""

    def __init__(self, describe: Describer, names: dict[str, str], cells: _Cells) -> None:
        super().__init__()
        self.describe, self.names, self.cells = describe, names, cells

    def __missing__(self, key: tuple[str, str]) -> str:
        cell = self[key] = self.cells[self.describe.sentence(key[0], key[1], self.names)]
        return cell


def csv_chunks(db: Session, viewer: User, filters: Filters, describe: Describer) -> Iterator[str]:
    """Every entry the filters keep as CSV text (as the csv module writes it), a batch of
    entries at a time; no cell can start a spreadsheet formula. One statement on a
    server-side cursor: plain rows, both people's names joined and the time formatted by
    the database; each distinct cell is made safe and quoted once, each line joined from
    them (objects, formatting and the csv module per entry cost most of the export)."""
    _check_reader(viewer)
    query = _filtered(filters, _when_text(db.get_bind().dialect.name))
    _whole_cursor(db)
    ordered = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    # the option on the statement, not the connection: that would stream the namers too
    result = db.connection().execute(ordered, execution_options={"yield_per": CSV_BATCH})
    names: dict[str, str] = {}
    asked: set[str] = set()  # targets already named (or found nameless) in earlier batches
    people = _Cells()  # names, emails and action codes: as many as people and actions
    cells = _Cells()  # targets and sentences: as many as entries, so kept for a batch only
    sentences = _Sentences(describe, names, cells)
    header = _csv_line(CSV_HEADER)
    for batch in result.partitions():
        new = {row[6] for row in batch if row[6]} - asked
        names.update(describe.names(db, new))  # in place: `sentences` reads it
        asked |= new
        lines = [
            # the time: digits, dashes, colons and a space; never quoted, never a formula
            f"{when},{people[actor]},{people[actor_email]},{people[subject]},"
            f"{people[subject_email]},{sentences[action, target]},{people[action]},"
            f"{cells[target]}\r\n"
            for when, actor, actor_email, subject, subject_email, action, target in batch
        ]
        yield header + "".join(lines)
        header = ""
        cells.clear()
        sentences.clear()
    if header:  # an empty export
        yield header


def people_in_log(db: Session, role: str) -> list[User]:
    """The filter's choices, by name: the people who looked (`role="actor"`) or whose data
    was looked at (`"subject"`). Asked person by person through the log's index, so its
    cost follows the number of people, not of entries; everyone else would match nothing."""
    column = AuditEntry.actor_id if role == "actor" else AuditEntry.subject_id
    present = select(AuditEntry.id).where(column == User.id).exists()
    return list(db.scalars(select(User).where(present).order_by(User.name, User.id)))


def action_kinds(db: Session, describe: Describer) -> list[tuple[str, str]]:
    """(code, sentence) of every described action and every code already in the log."""
    codes = set(describe.sentences) | set(db.scalars(select(AuditEntry.action).distinct()))
    kinds = [(code, describe.sentence(code, "…", {})) for code in codes]
    return sorted(kinds, key=lambda kind: (kind[1].casefold(), kind[0]))
