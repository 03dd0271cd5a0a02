"""Tables of the insights area: analyses a person chose to keep (issue #16).

A saved analysis keeps the scores, not the words: the conversation's text is stored only
when its owner ticks "Save the conversation text too", and no rendered report is kept,
because a report quotes every turn (storing it would be storing the words). With the
text kept, the report is rebuilt from it when the analysis is opened or exported.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from empathic.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from empathic.accounts.models import User


class SavedAnalysis(Base):
    """One analysed conversation in its owner's history; private to the owner."""

    __tablename__ = "saved_analyses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    """Random, so ids cannot be enumerated (the owner is checked too)."""
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200))
    """The uploaded file's name, or "pasted text"."""
    fmt: Mapped[str | None] = mapped_column(String(10))
    """The reader the upload's extension chose (None: sniffed), to rebuild the report."""
    learner: Mapped[str] = mapped_column(Text)
    """The coached speaker, as named in the transcript."""
    pack: Mapped[str] = mapped_column(String(120))
    pack_version: Mapped[str] = mapped_column(String(40))
    judge: Mapped[str] = mapped_column(String(10), default="offline")
    dimensions: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The six dimension scores (1 to 5) of the judge that scored them."""
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Headline counts and MITI 4 measures with their bands."""
    transcript: Mapped[str | None] = mapped_column(Text)
    """The conversation's text, only when the owner chose to keep it."""

    owner: Mapped[User] = relationship()

    @property
    def owner_id(self) -> int:
        """The person who saved it (`permissions.Resource`)."""
        return self.user_id

    @property
    def owner_team_id(self) -> int | None:
        return self.owner.team_id

    @property
    def shared(self) -> bool:
        """Never shared: saved analyses are for their owner alone."""
        return False

    @property
    def text_kept(self) -> bool:
        return self.transcript is not None
