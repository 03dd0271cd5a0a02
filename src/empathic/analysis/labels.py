"""The label scheme of DESIGN.md §4, in one place so that readers, coders and evaluators agree."""

from __future__ import annotations

from typing import Final

MECHANISMS: Final = ("emotional_reaction", "interpretation", "exploration")
"""EPITOME mechanisms, each scored 0 (none), 1 (weak), 2 (strong)."""

SUBTYPE_OF: Final = {"question": "question", "reflection": "reflection", "input": "input"}
"""Subtype label name for each behaviour that has one."""

LABEL_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "emotional_reaction": ("0", "1", "2"),
    "interpretation": ("0", "1", "2"),
    "exploration": ("0", "1", "2"),
    "behaviour": ("question", "reflection", "input", "other"),
    "question": ("open", "closed"),
    "reflection": ("simple", "complex"),
    "input": ("information", "advice", "negotiation", "options"),
    "strategy": (
        "Questions",
        "Restatement or Paraphrasing",
        "Reflection of feelings",
        "Self-disclosure",
        "Affirmation and Reassurance",
        "Providing Suggestions",
        "Information",
        "Other",
    ),
}

LABELS: Final = tuple(LABEL_VALUES)

STRATEGY_ALIASES: Final = {"Others": "Other"}
"""Spellings seen in the wild mapped to the canonical value."""

CANONICAL_COLUMNS: Final = ("source", "conversation_id", "turn", "speaker", "context", "text")

DIMENSIONS: Final = (
    "validating_emotions",
    "encouraging_elaboration",
    "demonstrating_understanding",
    "advice_giving",
    "self_oriented",
    "dismissing_emotions",
)


def normalise_value(label: str, raw: str) -> str | None:
    """Return the canonical spelling of a label value, or None when the cell is empty."""
    value = raw.strip()
    if not value:
        return None
    if label == "strategy":
        value = STRATEGY_ALIASES.get(value, value)
    elif label in MECHANISMS:
        try:
            value = str(int(float(value)))
        except ValueError:
            return value
    else:
        value = value.lower()
    return value


def is_valid(label: str, value: str) -> bool:
    """True when value is one of the scheme's values for label."""
    return value in LABEL_VALUES.get(label, ())
