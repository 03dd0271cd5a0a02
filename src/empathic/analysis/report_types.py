"""The shapes of a session report's JSON: metrics, MITI bands, quoted evidence, reliability.

TypedDicts, not classes: the report is JSON (`--format json`, the web page, saved
analyses, the debrief) and these name its fields once so mypy checks every place that
builds or reads them, at no cost at run time.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class MitiBands(TypedDict):
    """ "below", "fair", "good" or "n/a" (not enough data) per MITI summary score."""

    r_q: str
    pct_cr: str
    overall: str


class SessionMetrics(TypedDict):
    """Counts and ratios of one conversation; a ratio is None when its denominator is 0."""

    learner_turns: int
    learner_utterances: int
    other_turns: int
    talk_share: float | None
    mean_words_learner: float | None
    mean_words_other: float | None
    questions: int
    open_questions: int
    closed_questions: int
    reflections: int
    simple_reflections: int
    complex_reflections: int
    inputs: int
    advice: int
    r_q_ratio: float | None
    pct_complex_reflections: float | None
    pct_open_questions: float | None
    miti: MitiBands
    miti_thresholds: dict[str, Any]


class DimensionQuote(TypedDict):
    """A turn that earned a dimension's credit, quoted so the score is explained."""

    turn: int | None
    """The turn's index (the debrief renumbers it to learner turns; None if not found)."""
    quote: str
    credit: NotRequired[float]
    """The offline judge's credit for the turn (a language model's quotes carry none)."""


class Reliability(TypedDict):
    """A pack's measured agreement with expert judges on one dimension (from its card)."""

    rho: float
    expert_bar: float | None
    n: int | None
    data: str
    indicative: bool
    """True when ρ is below the bar at which the score means more than a hint."""
