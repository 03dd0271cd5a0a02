"""The shapes of the debrief: the JSON `debrief` object and what the pages read.

TypedDicts, not classes: the debrief is stored and served as JSON and read by
templates as mappings, so the shapes are checked by mypy where they are built and
read, and cost nothing at run time.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from empathic.analysis.rewrite import OwnLineDict


class ScenarioSummary(TypedDict):
    id: str
    title: str
    difficulty: str
    persona: str
    learner_role: str
    goal: str


class FactItem(TypedDict):
    id: str
    summary: str
    core: bool
    uncovered: bool
    turn: int | None
    """The learner turn that opened it, if it was opened."""
    example: str
    """A line that could have opened it."""


class Facts(TypedDict):
    uncovered: list[str]
    total: int
    core_total: int
    core_uncovered: int
    items: list[FactItem]


class TimelinePoint(TypedDict):
    """The persona's state after one turn (turn 0: the starting state) and why it moved."""

    turn: int
    trust: float
    emotion: float
    patience: float
    why: list[str]
    intent: str
    delta: NotRequired[dict[str, float]]
    learner: NotRequired[str]
    counterpart: NotRequired[str]
    fact: NotRequired[str | None]
    moves: NotRequired[list[str]]


class Moment(TypedDict):
    turn: int
    learner: str
    delta: dict[str, float]
    why: list[str]


class Evidence(TypedDict):
    """The learner's words behind a rubric judgement."""

    turn: int
    move: str
    quote: str


class RubricQuote(TypedDict):
    """A rubric row's quoted evidence as the pages show it, with its label."""

    turn: int | None
    quote: str
    against: bool
    label: str


class RubricRow(TypedDict):
    id: str
    competency: str
    description: str
    met: bool
    turns: list[int]
    against: list[int]
    facts_missing: list[str]
    evidence: list[Evidence]


class ModelRewrite(TypedDict):
    """A language model's rewrite that the analysis engine scored higher than the original."""

    text: str
    score: float | None
    original_score: float
    why: str


class Rewrite(TypedDict):
    """A better line for one turn, and where it came from."""

    turn: int | None
    original: str
    rewrite: str
    why: str
    source: str
    """"session report", "scenario rubric", "scenario", "your line, rewritten", "language model"."""
    uses: NotRequired[list[str]]
    model_rewrite: NotRequired[ModelRewrite]


ListeningTurn = TypedDict(  # functional form: "try" is a Python keyword
    "ListeningTurn",
    {
        "turn": int,
        "learner": str,
        "kind": str,
        "credit": float,
        "worked": str,
        "try": str,
        "why": str,
        "rewrite": OwnLineDict | None,
    },
)
"""Coaching on one turn: what it took up, what to try, a verified rewrite of it."""


class Listening(TypedDict):
    turns: list[ListeningTurn]
    stock_phrases: list[str]
    responsive_turns: int


class Scoring(TypedDict):
    coder: str
    seed: int
    difficulty: str
    how: list[str]
    cannot_know: list[str]
