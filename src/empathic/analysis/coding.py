"""Coding one utterance on the full label scheme, with confidence and evidence.

`RuleCoder` decides from the transparent detectors alone; trained packs
(`empathic.analysis.packs`) override its labels with classifier predictions
but keep its evidence, so every label can always be explained.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from empathic.analysis.labels import LABELS
from empathic.analysis.rules import Cue, find_cues

EVIDENCE_CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "emotional_reaction": {"*": ("warmth", "affirmation")},
    "interpretation": {"*": ("understanding", "reflection_stem", "self_disclosure")},
    "exploration": {"*": ("exploration", "open_opener")},
    "behaviour": {
        "question": ("open_opener", "closed_opener", "question_mark"),
        "reflection": ("reflection_stem", "complex_reflection"),
        "input": ("advice", "information", "negotiation", "options"),
        "other": ("greeting", "affirmation", "warmth"),
    },
    "question": {"open": ("open_opener",), "closed": ("closed_opener", "question_mark")},
    "reflection": {
        "simple": ("reflection_stem",),
        "complex": ("complex_reflection", "feeling_word", "reflection_stem"),
    },
    "input": {
        "advice": ("advice",),
        "information": ("information",),
        "negotiation": ("negotiation",),
        "options": ("options",),
    },
    "strategy": {
        "Questions": ("open_opener", "closed_opener", "question_mark"),
        "Restatement or Paraphrasing": ("reflection_stem",),
        "Reflection of feelings": ("reflection_stem", "feeling_word"),
        "Self-disclosure": ("self_disclosure",),
        "Affirmation and Reassurance": ("affirmation", "warmth", "dismissal"),
        "Providing Suggestions": ("advice", "options"),
        "Information": ("information",),
        "Other": ("greeting",),
    },
}

SUBTYPE_LABELS = ("question", "reflection", "input")


@dataclass
class CodedUtterance:
    """One learner utterance with a value, a confidence and evidence for every label.

    A label that does not apply (the `question` type of a reflection) is None.
    """

    text: str
    context: str
    labels: dict[str, str | None]
    confidence: dict[str, float]
    evidence: dict[str, list[str]]
    cues: list[Cue] = field(default_factory=list)

    def cue_names(self) -> set[str]:
        return {cue.name for cue in self.cues}

    def level(self, mechanism: str) -> int:
        """EPITOME level 0/1/2 of a mechanism (0 when unknown)."""
        value = self.labels.get(mechanism)
        return int(value) if value is not None else 0


class Coder(Protocol):
    """Anything that codes utterances in their context, many at a time for speed."""

    name: str

    def code_many(self, items: Sequence[tuple[str, str]]) -> list[CodedUtterance]: ...


def evidence_for(label: str, value: str | None, cues: Sequence[Cue]) -> list[str]:
    """The phrases that support value for label, in reading order, without repeats."""
    if value is None:
        return []
    table = EVIDENCE_CUES.get(label, {})
    wanted = table.get(value) or table.get("*") or ()
    phrases: dict[str, None] = {}
    for cue in cues:
        if cue.name in wanted and len(cue.text) > 1:
            phrases.setdefault(cue.text, None)
    return list(phrases)


def _rule_labels(
    text: str, cues: Sequence[Cue], given_behaviour: str | None = None
) -> tuple[dict[str, str | None], dict[str, float]]:
    """Deterministic labels from cues; confidences say how sure a rule can be."""
    n = {name: 0 for name in ("question_mark",)}
    for cue in cues:
        n[cue.name] = n.get(cue.name, 0) + 1
    has = lambda name: n.get(name, 0) > 0  # noqa: E731
    words = len(text.split())
    labels: dict[str, str | None] = dict.fromkeys(LABELS)
    conf: dict[str, float] = {}

    stem_first = any(c.name == "reflection_stem" and c.start < 12 for c in cues)
    inputs = [k for k in ("advice", "options", "negotiation", "information") if has(k)]
    if has("question_mark") and not (stem_first and not has("open_opener")):
        behaviour, b_conf = "question", 0.85
    elif has("reflection_stem"):
        behaviour, b_conf = "reflection", 0.7
    elif inputs:
        behaviour, b_conf = "input", 0.6
    else:
        behaviour, b_conf = "other", 0.5
    if given_behaviour is not None:
        behaviour, b_conf = given_behaviour, 1.0
    labels["behaviour"], conf["behaviour"] = behaviour, b_conf
    if behaviour == "question":
        advice_q = has("advice")
        is_open = has("open_opener") and not advice_q
        labels["question"], conf["question"] = ("open", 0.8) if is_open else ("closed", 0.75)
    elif behaviour == "reflection":
        deep = has("complex_reflection") or (has("feeling_word") and words > 12)
        labels["reflection"], conf["reflection"] = ("complex", 0.6) if deep else ("simple", 0.6)
    elif behaviour == "input":
        labels["input"], conf["input"] = inputs[0], 0.6

    er = 0
    if has("warmth"):
        er = 2 if (has("feeling_word") or n.get("warmth", 0) > 1) else 1
    elif has("affirmation"):
        er = 1
    ip = 0
    if has("understanding") or has("self_disclosure"):
        ip = 2 if (has("reflection_stem") or has("self_disclosure")) else 1
    elif has("reflection_stem"):
        ip = 2 if has("feeling_word") else 1
    ex = 0
    if has("exploration") or (behaviour == "question" and has("open_opener")):
        ex = 2 if words > 6 else 1
    for name, level in (("emotional_reaction", er), ("interpretation", ip), ("exploration", ex)):
        labels[name], conf[name] = str(level), 0.55 if level else 0.6

    if behaviour == "question":
        strategy = "Questions"
    elif has("self_disclosure"):
        strategy = "Self-disclosure"
    elif behaviour == "reflection":
        strategy = (
            "Reflection of feelings" if has("feeling_word") else "Restatement or Paraphrasing"
        )
    elif has("advice") or has("options"):
        strategy = "Providing Suggestions"
    elif has("affirmation") or has("warmth") or has("dismissal"):
        strategy = "Affirmation and Reassurance"
    elif has("information"):
        strategy = "Information"
    else:
        strategy = "Other"
    labels["strategy"], conf["strategy"] = strategy, 0.5
    return labels, conf


class RuleCoder:
    """The transparent coder: detectors only, no training data, free for any use."""

    name = "rules"

    def code(self, text: str, context: str = "") -> CodedUtterance:
        return self.code_many([(text, context)])[0]

    def code_many(
        self, items: Sequence[tuple[str, str]], given_behaviour: Sequence[str | None] | None = None
    ) -> list[CodedUtterance]:
        """Code each (text, context); `given_behaviour` fixes behaviour to score subtypes."""
        coded = []
        for row, (text, context) in enumerate(items):
            cues = find_cues(text)
            given = given_behaviour[row] if given_behaviour is not None else None
            labels, conf = _rule_labels(text, cues, given)
            evidence = {label: evidence_for(label, labels[label], cues) for label in LABELS}
            coded.append(CodedUtterance(text, context, labels, conf, evidence, cues))
        return coded


@dataclass
class AnalysedTurn:
    """A turn of the conversation; `coded` is set only for the learner's turns."""

    index: int
    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    coded: CodedUtterance | None = None

    @property
    def is_learner(self) -> bool:
        return self.coded is not None
