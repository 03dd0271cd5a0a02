"""Turns and transcripts, and readers for the formats people actually export.

(Readers are being written; this module defines the shared types.)
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Turn:
    """One speaker's contribution. Times are seconds from the start, when known."""

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    line: int | None = None


@dataclass
class Transcript:
    """An ordered conversation with where it came from."""

    turns: list[Turn]
    source: str = "<text>"
    format: str = "text"
    notes: list[str] = field(default_factory=list)

    def speakers(self) -> list[str]:
        """Speakers in order of first appearance."""
        seen: dict[str, None] = {}
        for turn in self.turns:
            seen.setdefault(turn.speaker, None)
        return list(seen)
