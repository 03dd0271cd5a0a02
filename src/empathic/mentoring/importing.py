"""Milestones from a CSV exported by an LMS or HRIS, checked row by row before saving.

The import is all or nothing: the preview lists every row with its problems,
and a file with any bad row saves nothing, so a half-imported plan never
leaves the mentor and mentee arguing about which rows made it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from empathic.textio import TextDecodeError, decode_text

MAX_BYTES = 512_000
MAX_ROWS = 500

HEADERS: dict[str, tuple[str, ...]] = {
    "title": (
        "title",
        "name",
        "milestone",
        "milestone title",
        "milestone name",
        "goal",
        "task",
        "activity",
        "course",
        "course title",
        "item",
        "objective",
    ),
    "due_date": (
        "due_date",
        "due date",
        "due",
        "deadline",
        "target date",
        "target_date",
        "end date",
        "end_date",
        "due by",
        "completion date",
        "date",
    ),
    "progress": (
        "progress",
        "progress %",
        "progress (%)",
        "percent",
        "percent complete",
        "% complete",
        "completion",
        "completion %",
        "complete",
        "percentage",
    ),
}
"""Accepted header spellings per field (compared case- and space-insensitively)."""

MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


@dataclass(frozen=True)
class ImportRow:
    line: int
    title: str
    due_date: date | None
    progress: int


@dataclass
class ImportPreview:
    """What would be saved, and why not when `errors` is non-empty."""

    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _key(header: str) -> str:
    return " ".join(header.strip().strip("\ufeff").lower().replace("_", " ").split())


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        key = _key(raw)
        for name, variants in HEADERS.items():
            if name not in found and key in {_key(v) for v in variants}:
                found[name] = index
    return found


def parse_date(text: str) -> date | None:
    """ISO dates, 31.12.2026, 31 Dec 2026, and day/month or month/day when unambiguous."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        return date(int(m[3]), int(m[2]), int(m[1]))
    if m := re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*[ -,]*(\d{4})", text):
        month = MONTHS.get(m[2].lower())
        if month is None:
            raise ValueError(f"unknown month {m[2]!r}")
        return date(int(m[3]), month, int(m[1]))
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if a > 12:
            return date(year, b, a)
        if b > 12 or a == b:
            return date(year, a, b)
        raise ValueError(f"{text!r} could be day/month or month/day; write it as YYYY-MM-DD")
    raise ValueError(f"{text!r} is not a date; write it as YYYY-MM-DD")


def parse_progress(text: str) -> int:
    """0–100, with or without a percent sign; empty means 0."""
    text = text.strip().removesuffix("%").strip().replace(",", ".")
    if not text:
        return 0
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"progress {text!r} is not a number from 0 to 100") from None
    if not 0 <= value <= 100:
        raise ValueError(f"progress {text} is outside 0 to 100")
    return round(value)


NOT_TEXT = (
    "The file is not a text file: it holds NUL characters or other control codes. "
    "Save it as CSV (UTF-8) and retry."
)


def _decode(data: bytes) -> str:
    """UTF-8 or UTF-16 (empathic.textio), and Windows-1252, which Excel still writes as "CSV"."""
    try:
        return decode_text(data, "the file", fallback="cp1252")
    except TextDecodeError as exc:
        if exc.binary:
            raise ValueError(NOT_TEXT) from None
        raise ValueError(
            f"Line {exc.line}: the file is neither UTF-8 nor Windows-1252 text. "
            "Save it as CSV (UTF-8) and retry."
        ) from None


def preview(data: bytes | str) -> ImportPreview:
    """Parse the file and check every row; nothing is saved here."""
    out = ImportPreview()
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        out.errors.append(f"The file is larger than {MAX_BYTES // 1000} kB.")
        return out
    try:
        text = _decode(raw)  # never holds NUL, which PostgreSQL cannot store
    except ValueError as exc:
        out.errors.append(str(exc))
        return out
    if not text.strip():
        out.errors.append("The file is empty.")
        return out
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text.split("\n", 1)[0], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        out.errors.append("The file has no header row.")
        return out
    columns = _columns(header)
    if "title" not in columns:
        out.errors.append("No title column: name one of " + ", ".join(HEADERS["title"][:4]) + ".")
        return out
    out.columns = {name: header[index].strip() for name, index in columns.items()}
    line = 1
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(out.rows) + len(out.errors) >= MAX_ROWS:
                out.errors.append(f"More than {MAX_ROWS} rows; split the file.")
                break
            _row(out, line, cells, columns)
    except csv.Error as exc:  # e.g. a field over csv.field_size_limit(): the rest is unreadable
        out.errors.append(f"Row {line + 1}: the file cannot be read from here on ({exc}).")
    if not out.rows and not out.errors:
        out.errors.append("The file has a header but no rows.")
    return out


def _row(out: ImportPreview, line: int, cells: list[str], columns: dict[str, int]) -> None:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    problems = []
    title = " ".join(cell("title").split())
    if not title:
        problems.append("the title is empty")
    elif len(title) > 200:
        problems.append("the title is longer than 200 characters")
    due: date | None = None
    try:
        due = parse_date(cell("due_date"))
    except ValueError as exc:
        problems.append(str(exc))
    progress = 0
    try:
        progress = parse_progress(cell("progress"))
    except ValueError as exc:
        problems.append(str(exc))
    if problems:
        out.errors.append(f"Row {line}: " + "; ".join(problems) + ".")
    else:
        out.rows.append(ImportRow(line, title, due, progress))
