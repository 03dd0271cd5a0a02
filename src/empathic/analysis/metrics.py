"""Session metrics (MITI 4 summary scores) and the six conversation dimensions.

Everything here is counted from the learner's coded turns, so each number can
be traced back to labelled utterances in the transcript.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Final

from empathic.analysis.coding import AnalysedTurn, CodedUtterance
from empathic.analysis.report_types import SessionMetrics
from empathic.analysis.rules import feelings_in

MITI_THRESHOLDS: Final[dict[str, Any]] = {
    "r_q": {"label": "Reflection-to-question ratio", "fair": 1.0, "good": 2.0, "unit": ":1"},
    "pct_cr": {"label": "% complex reflections", "fair": 40.0, "good": 50.0, "unit": "%"},
    "source": "MITI 4.2.1 summary-score thresholds (Moyers et al., 2016)",
}
"""MITI 4 fair and good thresholds, shown alongside the metrics in reports."""

BANDS: Final = ("below", "fair", "good")

DIMENSION_TITLES: Final[dict[str, str]] = {
    "validating_emotions": "Validating emotions",
    "encouraging_elaboration": "Encouraging elaboration",
    "demonstrating_understanding": "Demonstrating understanding",
    "advice_giving": "Advice giving",
    "self_oriented": "Self-oriented talk",
    "dismissing_emotions": "Dismissing emotions",
}
"""How each dimension is named for people."""

DIMENSION_HELP: Final[dict[str, str]] = {
    "validating_emotions": (
        "Acknowledging the feelings the other person voiced, in a way that takes up their words."
    ),
    "encouraging_elaboration": "Open questions and invitations that let the other person say more.",
    "demonstrating_understanding": (
        "Showing you grasped their situation: reflections in your words that take up theirs."
    ),
    "advice_giving": "How much of your talk was advice or suggestions (lower is usually better).",
    "self_oriented": "Talk that turned attention to yourself (lower is better).",
    "dismissing_emotions": (
        "Minimising, changing the subject, or answering a feeling with a fix (lower is better)."
    ),
}

LOWER_IS_BETTER: Final = frozenset({"advice_giving", "self_oriented", "dismissing_emotions"})
"""Dimensions where a high score is a warning rather than a strength."""


@dataclass(frozen=True)
class Exchange:
    """A learner turn together with what the other person said since the learner last spoke."""

    before: tuple[AnalysedTurn, ...]
    turn: AnalysedTurn

    @property
    def context(self) -> str:
        return " ".join(t.text for t in self.before)

    @cached_property
    def feelings(self) -> list[str]:
        """Feeling words the other person voiced just before this learner turn."""
        return feelings_in(self.context)


def exchanges(turns: Sequence[AnalysedTurn]) -> list[Exchange]:
    """Pair each learner turn with the other person's turns that it answers."""
    result: list[Exchange] = []
    pending: list[AnalysedTurn] = []
    for turn in turns:
        if turn.is_learner:
            result.append(Exchange(tuple(pending), turn))
            pending = []
        else:
            pending.append(turn)
    return result


def learner_coded(turns: Sequence[AnalysedTurn]) -> list[CodedUtterance]:
    """The coded utterances of the learner, in order."""
    return [t.coded for t in turns if t.coded is not None]


def acknowledges(coded: CodedUtterance) -> bool:
    """True when a turn acknowledges feelings: warmth, understanding, reflection, a feeling word.

    A feeling word inside a dismissal ("don't worry") does not count.
    """
    names = coded.cue_names()
    if names & {"warmth", "understanding", "reflection_stem"}:
        return True
    if coded.labels.get("behaviour") == "reflection":
        return True
    # encouragement alone ("good luck", "stay strong") acknowledges no feeling (`level_cues`)
    if coded.level("emotional_reaction") > 0 and "encouragement" not in names:
        return True
    dismissals = [c for c in coded.cues if c.name == "dismissal"]
    return any(
        c.name == "feeling_word" and not any(d.start <= c.start < d.end for d in dismissals)
        for c in coded.cues
    )


def returns_focus(coded: CodedUtterance) -> bool:
    """True when a turn hands attention back to the other person (a question or a reflection)."""
    return coded.labels.get("behaviour") in ("question", "reflection") or bool(
        coded.cue_names() & {"question_mark", "reflection_stem"}
    )


def is_self_focused(coded: CodedUtterance) -> bool:
    """Self-disclosure that keeps attention on the learner instead of returning it."""
    discloses = bool(coded.cue_names() & {"self_disclosure", "shared_experience"}) or (
        coded.labels.get("strategy") == "Self-disclosure"
    )
    return discloses and not returns_focus(coded)


def is_advice(coded: CodedUtterance) -> bool:
    """Advice input, the Providing Suggestions strategy, or advice put as a question
    ("have you tried...?"), which the coder labels a closed question."""
    labels = coded.labels
    return (
        labels.get("input") == "advice"
        or labels.get("strategy") == "Providing Suggestions"
        or (labels.get("behaviour") == "question" and "advice" in coded.cue_names())
    )


def _words(text: str) -> int:
    return len(text.split())


def _ratio(num: float, den: float, scale: float = 1.0, digits: int = 2) -> float | None:
    return round(scale * num / den, digits) if den else None


def band(value: float | None, fair: float, good: float) -> str:
    """MITI band of a value: "good", "fair", "below", or "n/a" when it cannot be computed."""
    if value is None:
        return "n/a"
    if value >= good:
        return "good"
    return "fair" if value >= fair else "below"


def _worse(*bands: str) -> str:
    known = [b for b in bands if b in BANDS]
    return min(known, key=BANDS.index) if known else "n/a"


def session_metrics(turns: Sequence[AnalysedTurn]) -> SessionMetrics:
    """Counts, ratios and MITI bands for one conversation.

    Ratios are None when their denominator is zero, so reports can say "not
    enough data" instead of showing a misleading 0. Bands are computed on the
    exact ratios, not the rounded ones. The overall band is the worse of the
    bands that could be computed ("n/a" only when neither could).
    """
    coded = [unit for turn in turns if turn.is_learner for unit in turn.units]
    learner_words = [_words(t.text) for t in turns if t.is_learner]
    other_words = [_words(t.text) for t in turns if not t.is_learner]
    total = sum(learner_words) + sum(other_words)

    def count(label: str, value: str) -> int:
        return sum(1 for c in coded if c.labels.get(label) == value)

    questions = count("behaviour", "question")
    reflections = count("behaviour", "reflection")
    complex_ = count("reflection", "complex")
    open_ = count("question", "open")
    r_q = reflections / questions if questions else None
    pct_cr = 100 * complex_ / reflections if reflections else None
    th = MITI_THRESHOLDS
    rq_band = band(r_q, th["r_q"]["fair"], th["r_q"]["good"])
    if questions == 0 and reflections > 0:  # only reflections: MITI's best case, not missing
        rq_band = "good"
    cr_band = band(pct_cr, th["pct_cr"]["fair"], th["pct_cr"]["good"])
    return {
        "learner_turns": len(learner_words),
        "learner_utterances": len(coded),
        "other_turns": len(other_words),
        "talk_share": _ratio(sum(learner_words), total, digits=3),
        "mean_words_learner": _ratio(sum(learner_words), len(learner_words), digits=1),
        "mean_words_other": _ratio(sum(other_words), len(other_words), digits=1),
        "questions": questions,
        "open_questions": open_,
        "closed_questions": count("question", "closed"),
        "reflections": reflections,
        "simple_reflections": count("reflection", "simple"),
        "complex_reflections": complex_,
        "inputs": count("behaviour", "input"),
        "advice": count("input", "advice"),
        "r_q_ratio": None if r_q is None else round(r_q, 2),
        "pct_complex_reflections": None if pct_cr is None else round(pct_cr, 1),
        "pct_open_questions": _ratio(open_, questions, scale=100, digits=1),
        "miti": {"r_q": rq_band, "pct_cr": cr_band, "overall": _worse(rq_band, cr_band)},
        "miti_thresholds": {k: (dict(v) if isinstance(v, dict) else v) for k, v in th.items()},
    }
