"""Tables of the practice area: a run is its seed plus the learner's lines, stored as played."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from empathic.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from empathic.accounts.models import User


class PracticeRun(Base):
    """One role-play run; its id is random so ids cannot be enumerated (access is checked too)."""

    __tablename__ = "practice_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200))
    difficulty: Mapped[str] = mapped_column(String(10))
    seed: Mapped[int] = mapped_column(Integer)
    voice: Mapped[str] = mapped_column(String(20), default="scripted")
    coach: Mapped[bool] = mapped_column(Boolean, default=False)
    intention: Mapped[str] = mapped_column(Text, default="")
    reflection: Mapped[str] = mapped_column(Text, default="")
    opening: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="active")
    ended_by: Mapped[str | None] = mapped_column(String(40))
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    turns: Mapped[list[PracticeTurn]] = relationship(
        back_populates="run", order_by="PracticeTurn.index", cascade="all, delete-orphan"
    )
    owner: Mapped[User] = relationship()

    @property
    def owner_id(self) -> int:
        """The learner whose run it is (`permissions.Resource`)."""
        return self.user_id

    @property
    def owner_team_id(self) -> int | None:
        """The learner's team, which decides which facilitator oversees the run."""
        return self.owner.team_id


class PracticeTurn(Base):
    """A learner line and the counterpart's reply, committed before the reply is shown."""

    __tablename__ = "practice_turns"
    __table_args__ = (UniqueConstraint("run_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("practice_runs.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    learner_text: Mapped[str] = mapped_column(Text)
    reply: Mapped[str] = mapped_column(Text)
    state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    voice: Mapped[str] = mapped_column(String(20), default="scripted", server_default="scripted")
    """scripted; pending (a language model will phrase it when streamed); voicing (a stream
    is phrasing it now); llm; fallback (the scripted line was kept, see voice_note)."""
    voice_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    """Why a language-model reply fell back to the scripted line."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    run: Mapped[PracticeRun] = relationship(back_populates="turns")


class TurnCode(Base):
    """The labels a coder gave one learner turn, kept for the review queue.

    The queue ranks every learner turn of up to 200 shared runs by the coder's confidence;
    coding them all again on each view took seconds with a trained pack (issue #16), so
    each turn is coded once per coder (`coder`: the pack's name and version) and reused.
    `basis` is a hash of the turn's text and the line it answered: when either changes,
    the turn is coded again.
    """

    __tablename__ = "practice_turn_codes"

    turn_id: Mapped[int] = mapped_column(
        ForeignKey("practice_turns.id", ondelete="CASCADE"), primary_key=True
    )
    coder: Mapped[str] = mapped_column(String(160), primary_key=True)
    basis: Mapped[str] = mapped_column(String(64))
    labels: Mapped[dict[str, Any]] = mapped_column(JSON)
    """{label: [value, confidence]} of the labels that rank a turn in the queue."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Correction(Base):
    """A learner saying a label is wrong and what it should be: future training data."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[str | None] = mapped_column(
        ForeignKey("practice_runs.id", ondelete="CASCADE"), index=True
    )
    turn_index: Mapped[int | None] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(40))
    predicted: Mapped[str] = mapped_column(String(40), default="")
    corrected: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScenarioVoice(Base):
    """The admin's choice of voice for one scenario (scripted unless set to llm)."""

    __tablename__ = "scenario_voices"

    scenario_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    voice: Mapped[str] = mapped_column(String(20), default="scripted")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RunComment(Base):
    """A note on an ended run: a facilitator's feedback on a shared run, or the learner's reply.

    Only people who may read the debrief may comment, so a comment is never seen by
    anyone the learner did not share the run with.
    """

    __tablename__ = "practice_run_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[str] = mapped_column(
        ForeignKey("practice_runs.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()
