"""Tables of the mentoring area (added with migration 0002).

History is append-only where people need to see who changed what and why:
progress changes and consent changes are never updated, only added.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from empathic.accounts.models import User
from empathic.db import Base, UTCDateTime, utcnow

SOURCES = ("milestones", "checkins", "session_analysis", "practice")
"""Data sources a mentee can share with their mentor, one consent each."""


class Pair(Base):
    """A mentor and a mentee in one programme; both are users."""

    __tablename__ = "mentoring_pairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    programme: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    feed_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])


class MentorRequest(Base):
    """A mentee asked `email` to mentor them; kept by address so asking reveals no account.

    `pair_id` is the pending pair made when an active account uses the address; the
    mentee sees the address they typed, never whether it reached anyone.
    """

    __tablename__ = "mentor_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    pair_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentoring_pairs.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pair: Mapped[Pair | None] = relationship()


class Consent(Base):
    """The mentee's current choice for one data source (history in ConsentChange)."""

    __tablename__ = "mentoring_consents"
    __table_args__ = (UniqueConstraint("pair_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("mentoring_pairs.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(30))
    granted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsentChange(Base):
    """Every grant or withdrawal, kept so the mentee can see their own history."""

    __tablename__ = "mentoring_consent_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_pairs.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(30))
    granted: Mapped[bool] = mapped_column(Boolean)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Goal(Base):
    __tablename__ = "mentoring_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_pairs.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Milestone(Base):
    """A dated step; `progress` is the latest value of its ProgressChange history."""

    __tablename__ = "mentoring_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_pairs.id", ondelete="CASCADE"), index=True
    )
    goal_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentoring_goals.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date | None] = mapped_column(Date)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    changes: Mapped[list[ProgressChange]] = relationship(
        order_by="ProgressChange.at", cascade="all, delete-orphan"
    )


class ProgressChange(Base):
    """Who moved a milestone, when, from what to what, and why (the comment is required)."""

    __tablename__ = "mentoring_progress_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_milestones.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    old_progress: Mapped[int] = mapped_column(Integer)
    new_progress: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()


class CheckIn(Base):
    """The mentee's short self-report; scales run 1 (low) to 5 (high)."""

    __tablename__ = "mentoring_checkins"
    __table_args__ = (Index("ix_mentoring_checkins_pair_at", "pair_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("mentoring_pairs.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    energy: Mapped[int] = mapped_column(Integer)
    workload: Mapped[int] = mapped_column(Integer)
    support: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


class SessionLog(Base):
    """A mentoring conversation as the mentor recorded it."""

    __tablename__ = "mentoring_sessions"
    __table_args__ = (Index("ix_mentoring_sessions_pair_held", "pair_id", "held_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("mentoring_pairs.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    suggestions: Mapped[list[KramSuggestion]] = relationship(cascade="all, delete-orphan")
    tags: Mapped[list[KramTag]] = relationship(cascade="all, delete-orphan")


class KramSuggestion(Base):
    """A function the keyword rules suggested, with the words that triggered it."""

    __tablename__ = "mentoring_kram_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_sessions.id", ondelete="CASCADE"), index=True
    )
    function: Mapped[str] = mapped_column(String(40))
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)


class KramTag(Base):
    """A function the mentor confirmed; only these count in the balance view."""

    __tablename__ = "mentoring_kram_tags"
    __table_args__ = (UniqueConstraint("session_id", "function"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("mentoring_sessions.id", ondelete="CASCADE"))
    function: Mapped[str] = mapped_column(String(40))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_suggestion: Mapped[bool] = mapped_column(Boolean, default=False)


class Flag(Base):
    """A signal raised from the data; it waits for the human story before any action.

    `subject` names what the flag is about (a milestone, the check-ins, the
    sessions) and at most one open flag exists per pair, kind and subject.
    `basis` names the data that raised it, so a closed flag is not raised
    again from the same facts.
    """

    __tablename__ = "mentoring_flags"
    __table_args__ = (
        Index(
            "uq_mentoring_flags_open",
            "pair_id",
            "kind",
            "subject",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_pairs.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(60), default="")
    basis: Mapped[str] = mapped_column(String(80), default="")
    status: Mapped[str] = mapped_column(String(12), default="open")
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    confidence: Mapped[float] = mapped_column(Float)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    mentor_story: Mapped[str] = mapped_column(Text, default="")
    story_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mentee_account: Mapped[str] = mapped_column(Text, default="")
    account_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalation_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_to: Mapped[str] = mapped_column(String(200), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(Text, default="")


class Schedule(Base):
    """Recurring sessions: every `interval_weeks` from `starts_at`, `count` times or `until`.

    `starts_at` is the first session's instant; `time_zone` (an IANA name, migration 0005)
    is where the pair meets, so the sessions keep their local time when clocks change.
    None for schedules made before it existed: those were entered, and stay, in UTC.
    """

    __tablename__ = "mentoring_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("mentoring_pairs.id", ondelete="CASCADE"), index=True
    )
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    summary: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer, default=45)
    interval_weeks: Mapped[int] = mapped_column(Integer, default=2)
    count: Mapped[int | None] = mapped_column(Integer)
    until: Mapped[date | None] = mapped_column(Date)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def zone(self) -> str:
        return self.time_zone or "UTC"

    @property
    def local_start(self) -> datetime:
        """The first session on the wall clock of the pair's zone, as the page shows it."""
        return self.starts_at.astimezone(ZoneInfo(self.zone))
