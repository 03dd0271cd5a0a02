"""Persona state (trust, emotion, patience) and the dynamics that move it.

The engine owns the state (DESIGN §2.4): every change is computed from the
learner's moves by a small table of effects, with defaults here and overrides
per scenario and per difficulty. Personas do not drift into agreement: only
empathic moves earn trust, gains shrink when a move is repeated and are capped
per turn, and any harmful move in a turn halves what the rest of it earned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from empathic.roleplay.moves import Move
from empathic.roleplay.scenario import Difficulty, MoveEffect, Scenario

DEFAULT_EFFECTS: Final[dict[str, tuple[float, float, float]]] = {
    # move: (trust, emotion, patience)
    "complex_reflection": (0.12, 0.10, 0.03),
    "simple_reflection": (0.06, 0.04, 0.0),
    "open_question": (0.07, 0.03, 0.0),
    "open_question_generic": (0.02, 0.0, -0.02),
    "invitation": (0.05, 0.02, 0.0),
    "closed_question": (0.0, 0.0, -0.03),
    "warmth": (0.05, 0.08, 0.01),
    "understanding": (0.04, 0.04, 0.0),
    "affirmation": (0.04, 0.06, 0.0),
    "permission": (0.04, 0.02, 0.01),
    "offer": (0.02, 0.0, -0.02),
    "premature_advice": (-0.15, -0.12, -0.12),
    "information": (-0.03, 0.0, -0.05),
    "information_dump": (-0.10, -0.06, -0.20),
    "blame": (-0.25, -0.25, -0.10),
    "dismissal": (-0.15, -0.15, -0.05),
    "self_focus": (-0.05, -0.02, -0.08),
    "transparency": (0.05, 0.03, 0.02),
    "repetition": (-0.03, -0.02, -0.05),
}
"""How each move moves the persona before scenario overrides and difficulty."""

DEFAULT_DIFFICULTY: Final[dict[str, dict[str, float]]] = {
    "easy": {
        "trust_start": 0.3,
        "patience_start": 1.0,
        "gain": 1.25,
        "loss": 0.8,
        "threshold_shift": -0.05,
        "turn_cost": 0.8,
    },
    "medium": {
        "trust_start": 0.2,
        "patience_start": 1.0,
        "gain": 1.0,
        "loss": 1.0,
        "threshold_shift": 0.0,
        "turn_cost": 1.0,
    },
    "hard": {
        "trust_start": 0.15,
        "patience_start": 0.85,
        "emotion_shift": -0.1,
        "gain": 1.0,
        "loss": 1.4,
        "threshold_shift": 0.0,
        "turn_cost": 1.15,
    },
}
"""Difficulty levels before scenario overrides: where trust starts, how fast it moves."""

TRUST_CAP_PER_TURN: Final = 0.2
"""No single turn, however good, buys more than this much trust."""
REPEAT_DECAY: Final = 0.75
"""Each use of the same move in the two previous turns multiplies its gain by this."""
MIXED_PENALTY: Final = 0.5
"""Gains in a turn that also contains a harmful move are multiplied by this."""
UPSET_EMOTION: Final = -0.5
"""Below this emotion the persona needs UPSET_EXTRA more trust to disclose anything."""
UPSET_EXTRA: Final = 0.1


@dataclass(frozen=True)
class PersonaState:
    """Trust 0..1, emotion -1 (distressed) .. 1 (at ease), patience 0..1."""

    trust: float
    emotion: float
    patience: float

    def mood(self) -> str:
        """A word for the coach meter and the voice; never used for decisions."""
        if self.patience < 0.25:
            return "impatient"
        if self.emotion <= UPSET_EMOTION:
            return "upset"
        if self.trust >= 0.6:
            return "open"
        if self.trust >= 0.35:
            return "warming"
        return "guarded"

    def as_dict(self) -> dict[str, float]:
        return {"trust": self.trust, "emotion": self.emotion, "patience": self.patience}


@dataclass(frozen=True)
class Effect:
    """One reason the state moved: which move, by how much, on which words."""

    move: str
    trust: float
    emotion: float
    patience: float
    evidence: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "move": self.move,
            "trust": round(self.trust, 4),
            "emotion": round(self.emotion, 4),
            "patience": round(self.patience, 4),
            "evidence": self.evidence,
        }


def difficulty_for(scenario: Scenario, level: str) -> Difficulty:
    """Default difficulty level with the scenario's overrides applied."""
    if level not in DEFAULT_DIFFICULTY:
        raise ValueError(
            f"unknown difficulty {level!r}; expected one of {list(DEFAULT_DIFFICULTY)}"
        )
    values = dict(DEFAULT_DIFFICULTY[level])
    override = scenario.difficulty.get(level)  # type: ignore[call-overload]
    if override is not None:
        values.update(override.model_dump(exclude_none=True))
    return Difficulty.model_validate(values)


class Dynamics:
    """The effect table of one scenario at one difficulty."""

    def __init__(self, scenario: Scenario, difficulty: Difficulty) -> None:
        self.difficulty = difficulty
        table = dict(DEFAULT_EFFECTS)
        for name in scenario.markers:
            table.setdefault(name, (0.0, 0.0, 0.0))
        for name, override in scenario.dynamics.items():
            table[name] = _merge(table.get(name, (0.0, 0.0, 0.0)), override)
        self.table = table
        per_turn = table.get(
            "time", (0.0, 0.0, -1.0 / (scenario.counterpart.time_budget.turns + 3))
        )
        self.turn_cost = per_turn[2] * difficulty.turn_cost

    def initial(self, persona_emotion: float) -> PersonaState:
        d = self.difficulty
        return PersonaState(
            trust=d.trust_start,
            emotion=_clamp(persona_emotion + d.emotion_shift, -1.0, 1.0),
            patience=d.patience_start,
        )

    def is_harmful(self, move: str) -> bool:
        return self.table.get(move, (0.0, 0.0, 0.0))[0] < 0

    def apply(
        self,
        state: PersonaState,
        moves: Sequence[Move],
        recent: Sequence[Sequence[str]],
        credit: float = 1.0,
        credits: Mapping[str, float] | None = None,
    ) -> tuple[PersonaState, list[Effect]]:
        """The next state and every effect that produced it, in move order.

        `credit` (0..1, from `analysis.responsiveness`) scales everything the turn earns
        (moves and the scenario's positive markers alike): full for a turn that takes up
        what was said, little for stock phrases, nothing for a near repeat. `credits`
        overrides it per move (a move only the turn's stock phrases make).
        """
        d = self.difficulty
        harmful = any(self.is_harmful(m.name) for m in moves)
        effects: list[Effect] = []
        for move in moves:
            trust, emotion, patience = self.table.get(move.name, (0.0, 0.0, 0.0))
            if trust > 0 or (trust == 0 and emotion > 0):
                repeats = sum(1 for names in recent[-2:] if move.name in names)
                factor = d.gain * (REPEAT_DECAY**repeats) * (MIXED_PENALTY if harmful else 1.0)
                factor *= (credits or {}).get(move.name, credit)
                trust, emotion = trust * factor, emotion * factor
                patience = patience * factor if patience > 0 else patience * d.loss
            else:
                trust, emotion, patience = _scale(trust, d), _scale(emotion, d), _scale(patience, d)
            effects.append(Effect(move.name, trust, emotion, patience, move.evidence))
        effects.append(Effect("time", 0.0, 0.0, self.turn_cost, "each turn uses the time budget"))
        gained = sum(e.trust for e in effects if e.trust > 0)
        if gained > TRUST_CAP_PER_TURN:
            effects = _cap(effects, TRUST_CAP_PER_TURN / gained)
        new = PersonaState(
            trust=_clamp(state.trust + sum(e.trust for e in effects), 0.0, 1.0),
            emotion=_clamp(state.emotion + sum(e.emotion for e in effects), -1.0, 1.0),
            patience=_clamp(state.patience + sum(e.patience for e in effects), 0.0, 1.0),
        )
        return new, effects


def _merge(base: tuple[float, float, float], override: MoveEffect) -> tuple[float, float, float]:
    return (
        base[0] if override.trust is None else override.trust,
        base[1] if override.emotion is None else override.emotion,
        base[2] if override.patience is None else override.patience,
    )


def _scale(value: float, d: Difficulty) -> float:
    return value * d.loss if value < 0 else value * d.gain


def _cap(effects: list[Effect], ratio: float) -> list[Effect]:
    return [
        Effect(e.move, e.trust * ratio, e.emotion, e.patience, e.evidence) if e.trust > 0 else e
        for e in effects
    ]


def _clamp(value: float, low: float, high: float) -> float:
    return round(max(low, min(high, value)), 6)


def summarise(effects: Sequence[Effect], descriptions: Mapping[str, str]) -> list[str]:
    """Plain-language reasons for a turn's change, biggest trust effect first."""
    out = []
    for e in sorted(effects, key=lambda e: -abs(e.trust)):
        if e.move == "time" or not (e.trust or e.emotion or e.patience):
            continue
        what = descriptions.get(e.move, e.move.replace("_", " "))
        words = f' ("{e.evidence}")' if e.evidence else ""
        out.append(
            f"{what}{words}: trust {e.trust:+.2f}, emotion {e.emotion:+.2f}, "
            f"patience {e.patience:+.2f}"
        )
    return out
