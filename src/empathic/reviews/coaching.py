"""Blame-language and identifier flags on a review's texts, kept in step with each save.

The detectors are the analysis engine's (`analysis.blame.find_blame`,
`analysis.identifiers.find_identifiers`); this module decides which texts are checked
how, and remembers each flag's life: open until the phrase is rewritten (then
"rewritten") or the facilitator resolves it with a reason ("resolved", kept through
later saves while the phrase is still there).

Texts that are published (the event, the AAR answers, factors, actions, the summary)
must name no one: there every name is flagged, people on the review included. An
account stays inside the review, so there only names of people *not* on the review are
flagged (a patient, a colleague who was not invited).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from empathic.db import utcnow
from empathic.reviews.models import Flag, Review
from empathic.reviews.text import fold

EVENT_FIELDS = ("title", "description", "location")
DISCUSSION_FIELDS = ("expected", "actual", "difference", "learning")
PUBLISHED_TARGETS = ("review", "factor", "action")
"""Flags on these targets block publication; flags on accounts coach their author only."""

NAME_WHY = (
    "Published learning names no one: it is read across the organisation, and a name turns "
    "the story of a work system into the story of a person. Describe the role instead."
)


@dataclass(frozen=True)
class Found:
    """One detector finding, whichever detector it came from."""

    detector: str
    kind: str
    start: int
    end: int
    phrase: str
    why: str
    rewrite: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return self.detector, self.kind, fold(self.phrase)


def detect(text: str, names: list[str], *, published: bool) -> list[Found]:
    """Blame, hindsight and counterfactual language and identifiers in `text`, in order."""
    from empathic.analysis.blame import find_blame
    from empathic.analysis.identifiers import find_identifiers

    if not text.strip():
        return []
    found = [
        Found("blame", f.kind, f.start, f.end, f.phrase, f.why, f.rewrite)
        for f in find_blame(text, people=tuple(names))
    ]
    known = () if published else tuple(names)
    found += [
        Found("identifier", f.kind, f.start, f.end, f.phrase, f.why)
        for f in find_identifiers(text, known_names=known)
    ]
    if published:
        found += [f for f in _member_names(text, names) if not any(_overlap(f, g) for g in found)]
    return sorted(found, key=lambda f: (f.start, f.end))


def _member_names(text: str, names: list[str]) -> list[Found]:
    """Every mention of someone on the review (published texts only)."""
    found: list[Found] = []
    for name in sorted(names, key=len, reverse=True):
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            candidate = Found("identifier", "name", match.start(), match.end(), name, NAME_WHY)
            if not any(_overlap(candidate, other) for other in found):
                found.append(candidate)
    return found


def _overlap(a: Found, b: Found) -> bool:
    return a.start < b.end and b.start < a.end


def sync(
    db: Session,
    review: Review,
    target: str,
    target_id: int | None,
    field: str,
    text: str,
    names: list[str],
) -> None:
    """Re-check one text after it was saved.

    A finding already flagged keeps its flag (and a resolution stays resolved); a flagged
    phrase no longer in the text closes as "rewritten"; a new finding opens a flag.
    """
    found = detect(text, names, published=target in PUBLISHED_TARGETS)
    existing = list(
        db.scalars(
            select(Flag)
            .where(
                Flag.review_id == review.id,
                Flag.target == target,
                Flag.target_id == target_id if target_id is not None else Flag.target_id.is_(None),
                Flag.field == field,
                Flag.status.in_(("open", "resolved")),
            )
            .order_by(Flag.id)
        )
    )
    unused = list(existing)
    now = utcnow()
    for item in found:
        match = next((f for f in unused if (f.detector, f.kind, fold(f.phrase)) == item.key), None)
        if match is not None:
            unused.remove(match)
            match.span_start, match.span_end, match.phrase = item.start, item.end, item.phrase[:200]
            match.why, match.rewrite = item.why, item.rewrite
            continue
        db.add(
            Flag(
                review_id=review.id,
                target=target,
                target_id=target_id,
                field=field,
                detector=item.detector,
                kind=item.kind,
                span_start=item.start,
                span_end=item.end,
                phrase=item.phrase[:200],
                why=item.why,
                rewrite=item.rewrite,
                status="open",
                raised_at=now,
            )
        )
    for gone in unused:
        if gone.status == "open":
            gone.status, gone.closed_at = "rewritten", now
    db.flush()


def check_event(db: Session, review: Review, names: list[str]) -> None:
    for field in EVENT_FIELDS:
        sync(db, review, "review", None, field, getattr(review, field), names)


def check_discussion(db: Session, review: Review, names: list[str]) -> None:
    for field in DISCUSSION_FIELDS:
        sync(db, review, "review", None, field, getattr(review, field), names)


def drop(db: Session, review: Review, target: str, target_id: int) -> None:
    """Forget the flags of a text that no longer exists (a withdrawn account, a removed
    factor): a flag must not keep a phrase the person took back."""
    for flag in db.scalars(
        select(Flag).where(
            Flag.review_id == review.id, Flag.target == target, Flag.target_id == target_id
        )
    ):
        db.delete(flag)
    db.flush()


def flags_of(db: Session, review: Review) -> list[Flag]:
    """Every flag ever raised on the review, oldest first (closed ones show the history)."""
    return list(db.scalars(select(Flag).where(Flag.review_id == review.id).order_by(Flag.id)))


def blocking(db: Session, review: Review) -> list[Flag]:
    """Open flags on what would be published: each must be rewritten or resolved first."""
    return list(
        db.scalars(
            select(Flag)
            .where(
                Flag.review_id == review.id,
                Flag.status == "open",
                Flag.target.in_(PUBLISHED_TARGETS),
            )
            .order_by(Flag.id)
        )
    )


def segments(text: str, flags: list[Flag]) -> list[tuple[str, Flag | None]]:
    """`text` cut into plain and flagged pieces for highlighting (overlaps: first wins)."""
    pieces: list[tuple[str, Flag | None]] = []
    at = 0
    for flag in sorted(flags, key=lambda f: (f.span_start, f.span_end)):
        start, end = flag.span_start, flag.span_end
        if start < at or end > len(text) or start >= end:
            continue
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], flag))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces
