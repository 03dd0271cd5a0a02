"""The six conversation dimensions, defined as the Lend-an-Ear experts define them.

Each learner turn earns a credit between 0 and 1 per dimension; the mean credit
r becomes the score 1 + 4 * min(1, r / DIMENSION_TARGET), so doing it in half of
your turns scores 5 and never doing it scores 1. The credits read the coded
turn, its utterances (a turn that reflects and then asks holds both) and its
responsiveness: whether it takes up the other person's own words (the same
`uptake` judgement that role-play uses), because validation and understanding are
about *their* feelings and situation, and a generic line fits anyone:

- validating_emotions: the turn acknowledges a feeling (warmth, understanding, a
  reflection, a feeling word) *and* takes up their words (not as a bare list of them,
  nor as a verbatim echo).
- encouraging_elaboration: max(exploration / 2, 1 for an open question), unless the
  question blames ("why didn't you...?") or turns to small talk (`topics`); half for a
  stock invitation ("Tell me more"), halving again with each stock or empty turn.
- demonstrating_understanding: a reflection stated in your words (not asked) that
  takes up theirs: 1; one with content of its own, or an echo: 0.5; a stock one: 0.
- advice_giving: advice input, Providing Suggestions, or advice put as a question.
- self_oriented: an utterance that discloses about yourself without handing the
  attention back.
- dismissing_emotions: minimising (a dismissal cue), changing the subject (small talk,
  or a turn that takes up nothing they said and invites nothing), or answering a feeling
  they voiced with a fix.

Every credit above 0 is kept with the turn it came from, so each score can be
explained by quoted turns (`dimension_evidence`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from empathic.analysis.coding import AnalysedTurn, CodedUtterance
from empathic.analysis.labels import DIMENSIONS
from empathic.analysis.metrics import acknowledges, is_advice, is_self_focused
from empathic.analysis.report_types import DimensionQuote, Reliability
from empathic.analysis.responsiveness import uptake
from empathic.analysis.rules import feelings_in
from empathic.analysis.topics import WordCloseness, changes_subject, their_words

DIMENSION_TARGET: Final = 0.5
"""Mean per-turn credit that scores 5: doing it in half of your turns."""
STOCK_SHARE: Final = 0.5
"""Share of the elaboration credit a stock invitation earns, raised to the number of stock
or empty turns so far: "Tell me more" earns half, then a quarter, and so on."""
EVIDENCE_PER_DIMENSION: Final = 3
INDICATIVE_BELOW: Final = 0.4
"""A dimension whose measured ρ with experts is below this is shown as indicative only."""


_OPEN_WORDS: Final = re.compile(
    r"^\W*(?:(?:so|and|but|okay|ok|well|yeah|yes),?\s+)*(?:whats\b|what's\b|"
    r"(?:what|how|why|when|where|which|who)\s+(?:is|are|was|were|do|does|did|have|has|can|"
    r"could|would|will|should)\s+(?:you|it|that|this|things|they|he|she|we|your)\b)",
    re.IGNORECASE,
)
"""An open question typed without its mark: a question word and an inverted verb ("how
are you", "what did they"), or "whats". "What helped me was…" is a statement."""


def _open_invitation(unit: CodedUtterance) -> bool:
    """An open question, also one typed without its mark ("whats making you feel this way"),
    that does not blame."""
    if "blame" in unit.cue_names():
        return False
    text = unit.text.strip()
    unmarked = not text.endswith("?") and _OPEN_WORDS.match(text) is not None
    return unit.labels.get("question") == "open" or unmarked


_NOT_UNDERSTANDING: Final = frozenset(
    {
        "advice",
        "dismissal",
        "blame",
        "self_disclosure",
        "shared_experience",
        "affirmation",
        "options",
        "information",
    }
)
"""Cues of a move that is not a reflection, whatever the behaviour label says: a fix, a
reassurance ("you're great at your job"), a story of one's own, a fact."""
_ASKS: Final = re.compile(
    r"^\W*(?:(?:so|and|but|okay|ok|well|yeah|yes),?\s+)*(?:what|whats|what's|how|why|when|where|"
    r"which|who|do|does|did|is|are|have|has|can|could|would|will)\b",
    re.IGNORECASE,
)
"""A question typed without its question mark ("whats making you feel this way")."""


def _states_understanding(unit: CodedUtterance) -> bool:
    """A reflection stated, not asked, and not a fix, reassurance or story in disguise."""
    text = unit.text.strip()
    if unit.labels.get("behaviour") != "reflection" or text.endswith("?"):
        return False
    return not (unit.cue_names() & _NOT_UNDERSTANDING or _ASKS.match(text))


def _interpretation(units: Sequence[CodedUtterance]) -> int:
    """The highest interpretation level (EPITOME's "communicating understanding", 0–2) of
    the turn's utterances that are not fixes, reassurance, stories or facts."""
    return max(
        (u.level("interpretation") for u in units if not u.cue_names() & _NOT_UNDERSTANDING),
        default=0,
    )


def turn_credits(
    turns: Sequence[AnalysedTurn], closeness: WordCloseness | None = None
) -> list[tuple[AnalysedTurn, dict[str, float]]]:
    """Each learner turn with its credit per dimension (see the module docstring);
    `closeness` (from the pack's word vectors) keeps a question in new words about
    something close to theirs from counting as small talk."""
    out: list[tuple[AnalysedTurn, dict[str, float]]] = []
    said: list[str] = []
    theirs: dict[str, str] = {}
    pending: list[str] = []
    generic_turns = 0
    for turn in turns:
        if not turn.is_learner or turn.coded is None:
            said.append(turn.text)
            their_words([turn.text], into=theirs)
            pending.append(turn.text)
            continue
        coded, units = turn.coded, turn.units
        up = uptake(turn.text, said)
        took_up = up.kind == "responsive"
        # their words listed or echoed back verbatim are not validation or understanding
        heard = (
            took_up
            and not up.is_spray
            and not up.parrots
            and (not up.stock or up.stock_carried)  # "I hear you, your projects" is stock
        )
        generic = up.kind in ("stock", "empty")
        voiced_feeling = bool(feelings_in(" ".join(pending)))
        pending = []
        blames = any("blame" in u.cue_names() for u in units)
        # a reflection a person put right counts as one, whatever the detectors found in it
        corrected = "behaviour" in turn.corrected and coded.labels.get("behaviour") == "reflection"
        stated_reflection = corrected or any(_states_understanding(u) for u in units)
        chatter = changes_subject(up, theirs, said, closeness)
        elaboration = max(
            0.0 if blames or chatter or up.is_spray else coded.level("exploration") / 2,
            1.0
            if not (chatter or up.is_spray) and any(_open_invitation(u) for u in units)
            else 0.0,
        ) * (STOCK_SHARE ** (generic_turns + 1) if generic else 1.0)
        generic_turns += generic  # "Tell me more" fits anyone: half, and less each time
        dismisses = any("dismissal" in u.cue_names() for u in units)
        # changing the subject: small talk, or a turn that takes up nothing they said and
        # invites nothing; an open question about their situation in new words is exploring
        moves_away = bool(chatter) or (
            not took_up and elaboration == 0 and not (generic and acknowledges(coded))
        )
        credits = {
            "validating_emotions": 1.0 if acknowledges(coded) and heard else 0.0,
            "encouraging_elaboration": elaboration,
            "demonstrating_understanding": 0.0
            if up.kind == "stock" or (up.stock and not up.stock_carried)
            else max(1.0 if stated_reflection else 0.0, _interpretation(units) / 2)
            * (1.0 if heard else 0.5),
            "advice_giving": 1.0 if is_advice(coded) else 0.0,
            "self_oriented": 1.0 if any(is_self_focused(u) for u in units) else 0.0,
            "dismissing_emotions": 1.0
            if dismisses or moves_away or (voiced_feeling and is_advice(coded))
            else 0.0,
        }
        out.append((turn, credits))
    return out


def score(rate: float) -> float:
    """Map a per-turn rate onto 1–5: 0 → 1, DIMENSION_TARGET or more → 5."""
    return round(1 + 4 * min(1.0, max(0.0, rate) / DIMENSION_TARGET), 1)


Credited = list[tuple[AnalysedTurn, dict[str, float]]]


def dimension_scores(
    turns: Sequence[AnalysedTurn], credited: Credited | None = None
) -> dict[str, float]:
    """The six dimensions on 1–5 (one decimal); {} when the learner has no coded turns, so
    callers show "not enough data" rather than an invented score. `credited` is
    `turn_credits(turns)` when the caller already has it."""
    credited = credited if credited is not None else turn_credits(turns)
    if not credited:
        return {}
    return {name: score(sum(c[name] for _, c in credited) / len(credited)) for name in DIMENSIONS}


def dimension_evidence(
    turns: Sequence[AnalysedTurn], credited: Credited | None = None
) -> dict[str, list[DimensionQuote]]:
    """Per dimension, the turns that earned its fullest credit, quoted (at most three)."""
    credited = credited if credited is not None else turn_credits(turns)
    out: dict[str, list[DimensionQuote]] = {}
    for name in DIMENSIONS:
        ranked = sorted(
            ((turn, c[name]) for turn, c in credited if c[name] > 0),
            key=lambda item: (-item[1], item[0].index),
        )
        out[name] = [
            {"turn": turn.index, "credit": credit, "quote": turn.text[:200]}
            for turn, credit in ranked[:EVIDENCE_PER_DIMENSION]
        ]
    return out


def dimension_reliability(card: dict[str, Any]) -> dict[str, Reliability]:
    """Per dimension, the pack's measured agreement with experts from its card: ρ, the
    human bar, the data it was measured on, and whether it is only indicative. {} when the
    pack was never measured (the report then says so)."""
    measured = card.get("dimension_agreement") or {}
    rows = measured.get("dimensions") or {}
    out: dict[str, Reliability] = {}
    for name in DIMENSIONS:
        row = rows.get(name)
        if not isinstance(row, dict) or "rho" not in row:
            continue
        rho = float(row["rho"])
        out[name] = {
            "rho": rho,
            "expert_bar": row.get("expert_bar"),
            "n": row.get("n"),
            "data": measured.get("data", ""),
            "indicative": rho < INDICATIVE_BELOW,
        }
    return out
