"""The record of a run: every step with its coding, state change and reply.

Plain dataclasses with `to_dict()`, so the same record feeds the debrief, the
`--format json` output and the saved run that `--replay` re-executes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from empathic.analysis.responsiveness import Judgement
from empathic.conversation import Transcript, Turn
from empathic.roleplay.moves import Move
from empathic.roleplay.state import Effect, PersonaState

LEARNER = "Learner"
"""Speaker name of the learner in transcripts and reports."""


class MoveDict(TypedDict):
    move: str
    evidence: str


class StepDict(TypedDict):
    """One turn of the documented JSON shape (`StepRecord.to_dict()`)."""

    index: int
    learner: str
    counterpart: str
    intent: str
    reason: str
    also: list[str]
    fact: str | None
    hinted: str | None
    topics: list[str]
    moves: list[MoveDict]
    effects: list[dict[str, object]]
    labels: dict[str, str | None]
    state: dict[str, float]
    delta: dict[str, float]
    ended_by: str | None
    responsiveness: dict[str, object] | None


class FactCounts(TypedDict):
    uncovered: list[str]
    total: int
    core: list[str]


class RunDict(TypedDict):
    """The documented JSON shape of a run (`RunResult.to_dict()`), saved and replayed."""

    scenario: str
    title: str
    difficulty: str
    seed: int
    coder: str
    voice: str
    opening: str
    turns: list[StepDict]
    facts: FactCounts
    initial_state: dict[str, float]
    state: list[dict[str, float]]
    ended_by: str
    outcome: str
    unplayed: int


@dataclass(frozen=True)
class StepRecord:
    """One learner turn and the counterpart's reply, with why the state moved."""

    index: int
    learner: str
    reply: str
    intent: str
    reason: str
    also: tuple[str, ...]
    fact: str | None
    hinted: str | None
    topics: tuple[str, ...]
    moves: tuple[Move, ...]
    effects: tuple[Effect, ...]
    labels: dict[str, str | None]
    before: PersonaState
    after: PersonaState
    ended_by: str | None = None
    judgement: Judgement | None = None

    @property
    def move_names(self) -> list[str]:
        return [m.name for m in self.moves]

    def delta(self) -> dict[str, float]:
        return {
            k: round(getattr(self.after, k) - getattr(self.before, k), 4)
            for k in ("trust", "emotion", "patience")
        }

    def to_dict(self) -> StepDict:
        return {
            "index": self.index,
            "learner": self.learner,
            "counterpart": self.reply,
            "intent": self.intent,
            "reason": self.reason,
            "also": list(self.also),
            "fact": self.fact,
            "hinted": self.hinted,
            "topics": list(self.topics),
            "moves": [{"move": m.name, "evidence": m.evidence} for m in self.moves],
            "effects": [e.as_dict() for e in self.effects],
            "labels": dict(self.labels),
            "state": _rounded(self.after),
            "delta": self.delta(),
            "ended_by": self.ended_by,
            "responsiveness": self.judgement.as_dict() if self.judgement else None,
        }


@dataclass
class RunResult:
    """A finished (or interrupted) run."""

    scenario: str
    title: str
    persona: str
    difficulty: str
    seed: int
    coder: str
    voice: str
    opening: str
    steps: list[StepRecord]
    ended_by: str
    uncovered: list[str]
    facts: list[str]
    core: list[str]
    initial: PersonaState
    success_trust: float
    unplayed: int = 0

    @property
    def final(self) -> PersonaState:
        return self.steps[-1].after if self.steps else self.initial

    @property
    def core_uncovered(self) -> bool:
        return all(f in self.uncovered for f in self.core)

    @property
    def all_uncovered(self) -> bool:
        return set(self.facts) <= set(self.uncovered)

    @property
    def outcome(self) -> str:
        """good: the story was heard and trust held; poor: they left or trust fell; else mixed."""
        if self.ended_by == "counterpart_left":
            return "poor"
        if self.core_uncovered and self.final.trust >= self.success_trust:
            return "good"
        if not self.uncovered or self.final.trust < self.initial.trust:
            return "poor"
        return "mixed"

    @property
    def learner_lines(self) -> list[str]:
        return [s.learner for s in self.steps]

    def transcript(self) -> Transcript:
        """The conversation as analysis sees it: opening, then learner and persona turns."""
        turns = [Turn(self.persona, self.opening)]
        for step in self.steps:
            turns.append(Turn(LEARNER, step.learner))
            turns.append(Turn(self.persona, step.reply))
        return Transcript(turns=turns, source=f"roleplay:{self.scenario}", format="roleplay")

    def to_dict(self) -> RunDict:
        """The documented JSON shape (`turns`, `facts`, `state`, `ended_by`, ...)."""
        return {
            "scenario": self.scenario,
            "title": self.title,
            "difficulty": self.difficulty,
            "seed": self.seed,
            "coder": self.coder,
            "voice": self.voice,
            "opening": self.opening,
            "turns": [s.to_dict() for s in self.steps],
            "facts": {
                "uncovered": list(self.uncovered),
                "total": len(self.facts),
                "core": list(self.core),
            },
            "initial_state": _rounded(self.initial),
            "state": [_rounded(s.after) for s in self.steps],
            "ended_by": self.ended_by,
            "outcome": self.outcome,
            "unplayed": self.unplayed,
        }


def _rounded(state: PersonaState) -> dict[str, float]:
    return {k: round(v, 4) for k, v in state.as_dict().items()}
