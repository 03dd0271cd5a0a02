"""Sharing the learning: publication, the searchable library, Markdown export, anniversaries.

Publication copies a de-identified snapshot into `review_library`: the event's title,
place and month, the AAR answers, the factors, the actions (without owners) and the
summary. Names, accounts, the timeline and the Just Culture step never go in. It is
refused while a flag on any of those texts is open, unless the facilitator resolved it
with a reason.

Search is the database's own full-text search: PostgreSQL's `websearch_to_tsquery`
against the stored, GIN-indexed `search_vector`, SQLite's FTS5 (porter stemming) through
a table the migration keeps in step by triggers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, extract, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.db import utcnow
from empathic.reviews import coaching
from empathic.reviews.actions import ACTION_TYPES, STATUSES, STRENGTHS, actions_of
from empathic.reviews.discussion import AAR_QUESTIONS, SEIPS, accountability_in, factors
from empathic.reviews.models import (
    FTS_CONFIG,
    RESPONSE_TYPES,
    SEVERITIES,
    Action,
    LibraryEntry,
    Review,
)
from empathic.reviews.service import Access, NotFound, require_facilitator, require_open, reviews_of
from empathic.reviews.text import ReviewError

SEARCH_LIMIT = 50
QUERY_LIMIT = 200
ANNIVERSARY_DAYS = 7
"""An anniversary resurfaces for a week (on the day and the six days after)."""


def publish(db: Session, access: Access) -> LibraryEntry:
    """Publish the learning, or say exactly what still stands in the way."""
    require_facilitator(access)
    require_open(access)
    review = access.review
    if not review.summary.strip():
        raise ReviewError("Write the learning summary before publishing.")
    open_flags = coaching.blocking(db, review)
    if open_flags:
        phrases = ", ".join(repr(f.phrase) for f in open_flags[:5])
        raise ReviewError(
            f"{len(open_flags)} flag{'s' if len(open_flags) != 1 else ''} still open "
            f"({phrases}): rewrite the text, or resolve each flag with a reason."
        )
    if accountability_in(db, access, review.summary):
        raise ReviewError("The summary repeats a Just Culture question; take it out first.")
    content = snapshot(db, access)
    entry = LibraryEntry(
        review_id=review.id,
        title=review.title,
        summary=review.summary,
        content=content,
        tags=list(review.tags),
        severity=review.severity,
        response_type=review.response_type,
        occurred_on=review.occurred_on,
        search_text=search_text(review, content),
    )
    db.add(entry)
    review.status, review.published_at = "published", utcnow()
    db.flush()
    return entry


def snapshot(db: Session, access: Access) -> dict[str, Any]:
    review = access.review
    return {
        "location": review.location,
        "aar": {key: getattr(review, key) for key in AAR_QUESTIONS},
        "factors": [{"category": f.category, "text": f.text} for f in factors(db, access)],
        "actions": [
            {
                "id": a.id,
                "text": a.text,
                "type": a.action_type,
                "strength": a.strength,
                "status": a.status,
                "due": a.due_on.isoformat() if a.due_on else "",
            }
            for a in actions_of(db, review)
        ],
    }


def search_text(review: Review, content: dict[str, Any]) -> str:
    parts = [review.title, " ".join(review.tags), review.location, review.summary]
    parts += list(content["aar"].values())
    parts += [f["text"] for f in content["factors"]] + [a["text"] for a in content["actions"]]
    return "\n".join(p for p in parts if p)


def search(db: Session, query: str, limit: int = SEARCH_LIMIT) -> list[LibraryEntry]:
    """Published learning matching `query` (best first); the newest when it is empty."""
    query = " ".join(query.split())[:QUERY_LIMIT]
    if not query:
        return recent(db, limit)
    if db.get_bind().dialect.name == "postgresql":
        config: ColumnElement[str] = literal_column(f"'{FTS_CONFIG}'")
        vector = LibraryEntry.search_vector
        wanted = func.websearch_to_tsquery(config, query)
        return list(
            db.scalars(
                select(LibraryEntry)
                .where(vector.op("@@")(wanted))
                .order_by(func.ts_rank(vector, wanted).desc(), LibraryEntry.id.desc())
                .limit(limit)
            )
        )
    match = fts5_query(query)
    if not match:
        return []
    ids = [
        row[0]
        for row in db.execute(
            text(
                "SELECT rowid FROM review_library_fts WHERE review_library_fts MATCH :q "
                "ORDER BY rank LIMIT :n"
            ),
            {"q": match, "n": limit},
        )
    ]
    found = {e.id: e for e in db.scalars(select(LibraryEntry).where(LibraryEntry.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


_TERM = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')


def fts5_query(query: str) -> str:
    """The same small language as `websearch_to_tsquery` in FTS5 syntax: words (all must
    match), "quoted phrases", `or` between terms, `-word` to exclude. Every term is
    quoted, so no input can be read as FTS5 operators."""
    positive: list[str] = []
    negative: list[str] = []
    pending_or = False
    for match in _TERM.finditer(query):
        minus = match.group(1) or match.group(3)
        raw = match.group(2) if match.group(2) is not None else match.group(4)
        if match.group(4) is not None and raw.lower() == "or" and not minus:
            pending_or = bool(positive)
            continue
        words = re.findall(r"\w+", raw)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if minus:
            negative.append(term)
        elif pending_or:
            positive[-1] = f"({positive[-1]} OR {term})"
            pending_or = False
        else:
            positive.append(term)
    if not positive:
        return ""
    found = " AND ".join(positive)
    return found + "".join(f" NOT {term}" for term in negative)


def recent(db: Session, limit: int = SEARCH_LIMIT) -> list[LibraryEntry]:
    return list(
        db.scalars(
            select(LibraryEntry)
            .order_by(LibraryEntry.published_at.desc(), LibraryEntry.id.desc())
            .limit(limit)
        )
    )


def entry_for(db: Session, entry_id: int) -> LibraryEntry:
    entry = db.get(LibraryEntry, entry_id)
    if entry is None:
        raise NotFound(entry_id)
    return entry


def entry_of(db: Session, review: Review) -> LibraryEntry | None:
    return db.scalar(select(LibraryEntry).where(LibraryEntry.review_id == review.id))


@dataclass(frozen=True)
class Change:
    """One published action then and now: the anniversary's "what changed since".

    Status only: an action's progress notes are free text written after the summary's
    de-identification checks, so the library never shows them."""

    text: str
    then: str
    now: str
    done_on: date | None

    @property
    def changed(self) -> bool:
        return self.then != self.now


def changes_since(db: Session, entry: LibraryEntry) -> list[Change]:
    live = {a.id: a for a in db.scalars(select(Action).where(Action.review_id == entry.review_id))}
    changes = []
    for item in entry.content.get("actions", []):
        action = live.get(item["id"])
        now = action.status if action is not None else "removed"
        changes.append(
            Change(
                text=item["text"],
                then=item["status"],
                now=now,
                done_on=action.done_at.date() if action is not None and action.done_at else None,
            )
        )
    return changes


def _window(today: date, days: int) -> list[tuple[int, int]]:
    return sorted({((d := today - timedelta(n)).month, d.day) for n in range(days)})


def anniversaries(
    db: Session, today: date | None = None, review_ids: list[int] | None = None
) -> list[tuple[LibraryEntry, int]]:
    """Published learning whose event was this week in an earlier year, with the years."""
    today = today or utcnow().date()
    month, day_ = (
        extract("month", LibraryEntry.occurred_on),
        extract("day", LibraryEntry.occurred_on),
    )
    query = select(LibraryEntry).where(
        or_(*(and_(month == m, day_ == d) for m, d in _window(today, ANNIVERSARY_DAYS))),
        LibraryEntry.occurred_on < today - timedelta(days=300),
    )
    if review_ids is not None:
        query = query.where(LibraryEntry.review_id.in_(review_ids))
    found = db.scalars(query.order_by(LibraryEntry.occurred_on.desc()).limit(SEARCH_LIMIT))
    return [(e, today.year - e.occurred_on.year) for e in found]


def anniversaries_for(db: Session, user: User) -> list[tuple[LibraryEntry, int]]:
    """Anniversaries of the reviews this person took part in (their home page)."""
    ids = [r.id for r in reviews_of(db, user) if r.status == "published"]
    return anniversaries(db, review_ids=ids) if ids else []


def years_since(entry: LibraryEntry, today: date | None = None) -> int:
    """Whole years since the event (0 in its first year): the entry page's anniversary line."""
    today = today or utcnow().date()
    years = today.year - entry.occurred_on.year
    if (today.month, today.day) < (entry.occurred_on.month, entry.occurred_on.day):
        years -= 1
    return max(years, 0)


def month_of(day: date) -> str:
    """Published learning gives the month, not the day: enough to learn, less to identify."""
    return day.strftime("%B %Y")


def markdown(entry: LibraryEntry, changes: list[Change]) -> str:
    """The published learning as a Markdown document (what the export downloads)."""
    content = entry.content
    lines = [
        f"# {_md(entry.title)}",
        "",
        f"- Learning response: {RESPONSE_TYPES.get(entry.response_type, entry.response_type)}",
        f"- Severity: {SEVERITIES.get(entry.severity, entry.severity)}",
        f"- When: {month_of(entry.occurred_on)}",
    ]
    if content.get("location"):
        lines.append(f"- Where: {_md(content['location'])}")
    if entry.tags:
        lines.append(f"- Tags: {', '.join(_md(t) for t in entry.tags)}")
    lines += [f"- Published: {entry.published_at:%d %B %Y}", "", "## Learning summary", ""]
    lines += [_md(entry.summary), ""]
    answered = [(q, content["aar"].get(k, "")) for k, q in AAR_QUESTIONS.items()]
    if any(a for _, a in answered):
        lines += ["## After Action Review", ""]
        for question, answer in answered:
            if answer:
                lines += [f"### {question}", "", _md(answer), ""]
    if content.get("factors"):
        lines += ["## Contributing factors (work system)", ""]
        for factor in content["factors"]:
            label = SEIPS.get(factor["category"], factor["category"]).split(":")[0]
            lines.append(f"- **{label}:** {_md(factor['text'])}")
        lines.append("")
    if changes:
        lines += ["## Actions and what changed since", ""]
        for item, change in zip(content.get("actions", []), changes, strict=False):
            kind = ACTION_TYPES.get(item["type"], item["type"]).split(":")[0]
            strength = STRENGTHS.get(item["strength"], item["strength"]).split(":")[0]
            now = STATUSES.get(change.now, change.now)
            then = STATUSES.get(change.then, change.then)
            status = now if not change.changed else f"{then} at publication, now {now}"
            lines.append(f"- {_md(item['text'])} ({kind}, {strength}; {status})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _md(value: str) -> str:
    """Plain text kept plain in Markdown: a leading '#', '>' or list marker is escaped."""
    return "\n".join(
        re.sub(r"^(\s*)([#>*+-]|\d+\.)", r"\1\\\2", line) for line in value.splitlines()
    )
