"""Tables of the learning reviews area (migration 0009).

A review's accounts, flags, factors, actions and Just Culture cases hang off the review
and go with it. What the library shows is a de-identified snapshot taken at publication
(`LibraryEntry`), so later edits never change what was shared; the live actions beside it
say what changed since.

Full-text search: on PostgreSQL a stored `tsvector` column kept by a trigger, with a GIN
index (an expression index made the planner re-parse every matching text to rank it:
p95 473 ms over 10,000 entries, against 42 ms stored); on SQLite an FTS5 table
`review_library_fts` kept in step by triggers, made by the migration only on SQLite and
outside this metadata (`empathic.db.autogenerate_includes` keeps it out of comparisons).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from empathic.accounts.models import User
from empathic.db import Base, UTCDateTime, utcnow

RESPONSE_TYPES = {
    "aar": "After Action Review",
    "swarm": "SWARM huddle",
    "review": "Fuller learning review",
}
"""PSIRF learning responses a review can be, by the code stored in `reviews.response_type`."""

SEVERITIES = {
    "none": "No harm",
    "low": "Low harm",
    "moderate": "Moderate harm",
    "severe": "Severe harm",
    "fatal": "Fatal",
}

FTS_CONFIG = "english"
"""The PostgreSQL text-search configuration of the library index (stemmed English)."""


class Review(Base):
    """One event and the learning response to it, led by a named facilitator."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    occurred_on: Mapped[date] = mapped_column(Date)
    location: Mapped[str] = mapped_column(String(200), default="")
    severity: Mapped[str] = mapped_column(String(12))
    response_type: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    tickets: Mapped[list[str]] = mapped_column(JSON, default=list)
    meeting_on: Mapped[date | None] = mapped_column(Date)
    expected: Mapped[str] = mapped_column(Text, default="")
    actual: Mapped[str] = mapped_column(Text, default="")
    difference: Mapped[str] = mapped_column(Text, default="")
    learning: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    facilitator: Mapped[User | None] = relationship(foreign_keys=[facilitator_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class Contributor(Base):
    """Someone the facilitator invited to give their own account of the event."""

    __tablename__ = "review_contributors"
    __table_args__ = (UniqueConstraint("review_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Account(Base):
    """One contributor's own perspective; withdrawn means its text is erased (the row says when)."""

    __tablename__ = "review_accounts"
    __table_args__ = (UniqueConstraint("review_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship()

    @property
    def written(self) -> bool:
        return self.withdrawn_at is None and bool(self.body)


class Flag(Base):
    """A blame-language or identifier flag on one text of a review, with its coaching.

    `target` and `field` say which text ("review"/"summary", "account"/"body" with the
    account's id in `target_id`, ...). Open flags on published texts block publication
    until the text is rewritten or the facilitator resolves the flag with a reason.
    """

    __tablename__ = "review_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    target: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(20))
    detector: Mapped[str] = mapped_column(String(12))
    """"blame" (`analysis.blame`) or "identifier" (`analysis.identifiers`)."""
    kind: Mapped[str] = mapped_column(String(20))
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    phrase: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(Text, default="")
    rewrite: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="open")
    reason: Mapped[str] = mapped_column(Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Factor(Base):
    """A contributing factor: a condition of the work system in one SEIPS category."""

    __tablename__ = "review_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Action(Base):
    """What will change: SRE type, strength in the hierarchy, an owner, a due date, a status."""

    __tablename__ = "review_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    action_type: Mapped[str] = mapped_column(String(10))
    strength: Mapped[str] = mapped_column(String(12))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    note: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User | None] = relationship()


class AccountabilityCase(Base):
    """A question of individual accountability, taken out of the learning (NHS Just Culture).

    Seen by the facilitator and whoever raised it; never by contributors, never in the
    summary, the library or an export.
    """

    __tablename__ = "review_accountability"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(Text)
    steps: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    outcome: Mapped[str] = mapped_column(Text, default="")
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    raised_by: Mapped[User | None] = relationship()


class LibraryEntry(Base):
    """The de-identified learning as published: no names, no accounts, no timeline."""

    __tablename__ = "review_library"
    __table_args__ = (
        Index("ix_review_library_search_vector", "search_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    severity: Mapped[str] = mapped_column(String(12))
    response_type: Mapped[str] = mapped_column(String(12))
    occurred_on: Mapped[date] = mapped_column(Date)
    search_text: Mapped[str] = mapped_column(Text)
    search_vector: Mapped[str | None] = mapped_column(
        TSVECTOR().with_variant(Text(), "sqlite"), deferred=True
    )
    """PostgreSQL: `to_tsvector('english', search_text)`, kept by a trigger (migration 0009)
    and GIN-indexed; stored, so ranking never re-parses the text. Unused (NULL) on SQLite,
    where the FTS5 table searches. Deferred: pages never load it."""
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
