"""Coding one utterance on the full label scheme, with confidence and evidence.

`RuleCoder` decides from the transparent detectors alone; trained packs
(`empathic.analysis.packs`) override its labels with classifier predictions
but keep its evidence, so every label can always be explained.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from empathic.analysis.chips import chips
from empathic.analysis.labels import LABELS
from empathic.analysis.level_cues import level_floors
from empathic.analysis.rules import Cue, find_cues

EVIDENCE_CUES: dict[str, dict[str, tuple[str, ...]]] = {
    "emotional_reaction": {"*": ("sympathy", "warmth", "affirmation", "encouragement")},
    "interpretation": {
        "*": (
            "understanding",
            "reflection_stem",
            "complex_reflection",
            "self_disclosure",
            "shared_experience",
        )
    },
    "exploration": {"*": ("exploration", "open_opener")},
    "behaviour": {
        "question": ("open_opener", "closed_opener", "question_mark"),
        "reflection": ("reflection_stem", "complex_reflection"),
        "input": ("advice", "information", "negotiation", "options"),
        "other": ("greeting", "affirmation", "warmth", "dismissal", "self_disclosure"),
    },
    "question": {"open": ("open_opener",), "closed": ("closed_opener", "advice", "question_mark")},
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
        "Restatement or Paraphrasing": ("reflection_stem", "complex_reflection"),
        "Reflection of feelings": ("reflection_stem", "feeling_word"),
        "Self-disclosure": ("self_disclosure",),
        "Affirmation and Reassurance": ("affirmation", "warmth", "dismissal"),
        "Providing Suggestions": ("advice", "options"),
        "Information": ("information",),
        "Other": ("greeting", "negotiation"),
    },
}
"""Which detectors count as evidence for each value of each label."""


ADVICE_QUESTION_OPENERS = (
    "have you",
    "why don",
    "why not",
    "what if",
    "how about",
    "could you",
    "can you",
)
"""Advice cues that are put as a question ("Have you tried...?"): MI codes them as
closed questions, helping-skills as Providing Suggestions, and they explore nothing."""

CHECK_QUESTIONS = (
    "is that",
    "isn't that",
    "is it",
    "isn't it",
    "does that",
    "have i",
    "did i",
    "am i",
    "right",
    "okay",
    "ok",
    "yeah",
    "correct",
    "true",
    "fair",
    "or not",
)
"""Openers of a question that only checks a reflection ("..., is that right?"):
the utterance stays a reflection. Any other question after a reflection makes it a
question, as MI codes "It sounds like X. Who else knows?"."""

INPUT_ORDER = ("options", "advice", "negotiation", "information")
"""Which input subtype wins when several fire: a menu of choices is options even
when each choice is phrased as advice; information is what is left."""


EXPLORATION_SPECIFIC_WORDS = 6
"""A question of more words than this names something specific of theirs (EPITOME's strong
exploration, "Are you feeling alone right now?"); a shorter one is generic ("How are you?")."""


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
    """The phrases that support value for label, in reading order, without repeats.

    Only cues a learner can learn from (`analysis.chips`): a lone "?" or "my" is true
    but tells nothing, and outer punctuation is trimmed ("What's on your mind").
    """
    if value is None:
        return []
    table = EVIDENCE_CUES.get(label, {})
    wanted = table.get(value) or table.get("*") or ()
    return chips((cue.text for cue in cues if cue.name in wanted), pattern=True)


def _is_advice_question(cue: Cue) -> bool:
    return cue.name == "advice" and cue.text.lower().startswith(ADVICE_QUESTION_OPENERS)


def _feeling_beyond(cues: Sequence[Cue], name: str) -> bool:
    """A feeling word outside every cue called name."""
    spans = [(c.start, c.end) for c in cues if c.name == name]
    return any(
        c.name == "feeling_word" and not any(s <= c.start < e for s, e in spans) for c in cues
    )


def _is_check(opener: str) -> bool:
    """True for "Is that", "..., does that" or "right?": a question that checks a reflection.

    The opener cue is the auxiliary and one word, after any introduction, so a check
    is the whole cue or its last words ("Okay, so, is that", but not "Right, did you").
    """
    words = " ".join(opener.lower().rstrip(" ?").replace(",", " ").split())
    return words in CHECK_QUESTIONS or words.endswith(tuple(f" {c}" for c in CHECK_QUESTIONS))


def _asks_about_feelings(cues: Sequence[Cue]) -> bool:
    """A feeling word inside a closed question ("Are you worried about your role?"),
    not in a reflection before it ("That sounds frustrating. Is there anyone...?")."""
    openers = [c.start for c in cues if c.name == "closed_opener"]
    marks = [c.start for c in cues if c.name == "question_mark"]
    return any(
        c.name == "feeling_word" and any(o <= c.start < m for o in openers for m in marks)
        for c in cues
    )


_NOT_ABOUT_THEM = frozenset({"blame", "dismissal", "information"})
_PLANS = frozenset({"negotiation", "options"})
_INVITES = re.compile(
    r"\b(?:talk|tell|say more|share|elaborate|explain|describe|open up|vent|feel|listen)", re.I
)
"""Verbs that make a question about a plan an invitation to talk ("Would you like to talk?")."""


def _asks_about_them(cues: Sequence[Cue], names: set[str], text: str) -> bool:
    """A question to them about them: not a fix, a blame, a minimising, a check of a
    reflection, nor a question about facts ("Did you get a chance to read the protocol?"),
    nor about a plan unless it invites them to talk ("Would you like to talk about it?")."""
    if not {"question_mark", "second_person"} <= names or names & _NOT_ABOUT_THEM:
        return False
    if names & _PLANS and not (names & {"feeling_word", "exploration"} or _INVITES.search(text)):
        return False
    return not any(
        _is_advice_question(c) or (c.name == "closed_opener" and _is_check(c.text)) for c in cues
    )


def mechanism_floors(cues: Sequence[Cue], text: str) -> dict[str, int]:
    """The lowest EPITOME level per mechanism that the detectors establish, whatever a model
    says: the level cues' floors (`level_cues`), and exploration for a question about them,
    strong when it is specific (more than six words), weak when generic ("How are you?"),
    as EPITOME defines it. Both coders apply them, so the levels mean the same in each."""
    names = {c.name for c in cues}
    floors = level_floors(names)
    if _asks_about_them(cues, names, text):
        asked = _question_lengths(cues, text)
        if asked:
            floors["exploration"] = 2 if max(asked) > EXPLORATION_SPECIFIC_WORDS else 1
    return floors


_SENTENCE_END = re.compile(r"[.!?…]+\s")


def _question_lengths(cues: Sequence[Cue], text: str) -> list[int]:
    """The length in words of each question sentence addressed to them (a "you" in it): the
    words of the question, not of the reflection or story before it."""
    lengths = []
    seconds = [c.start for c in cues if c.name == "second_person"]
    for mark in (c.start for c in cues if c.name == "question_mark"):
        head = text[:mark]
        start = max((m.end() for m in _SENTENCE_END.finditer(head)), default=0)
        if any(start <= s < mark for s in seconds):
            lengths.append(len(head[start:].split()))
    return lengths


def _behaviour(n: Counter[str], cues: Sequence[Cue]) -> tuple[str, float]:
    """MI behaviour from the cues, most telling form first.

    A question (or an open invitation such as "Tell me more") wins, except a
    reflection that only checks itself at the end ("It sounds like X, is that
    right?"). A reflection stem beats input, because reflecting is what the
    utterance does first; a statement built only from complex-reflection markers
    ("Part of you wants..., at the same time...") is a reflection when it is about
    the other person and carries no input, blame or dismissal. A bare "So ..."
    summary that leads into advice or options is input: the summary only sets it
    up. Self-disclosure is its own move (behaviour other) even when it ends in
    advice.
    """
    has = n.__contains__
    asks = has("question_mark") or has("open_opener")
    stem_first = any(c.name == "reflection_stem" and c.start < 12 for c in cues)
    only_checks = not has("open_opener") and all(
        _is_check(c.text) for c in cues if c.name == "closed_opener"
    )
    if asks and not (stem_first and only_checks):
        return "question", 0.85 if has("question_mark") else 0.7
    inputs = [k for k in INPUT_ORDER if has(k)]
    only_so_gist = all(c.text.lower().startswith("so") for c in cues if c.name == "reflection_stem")
    if has("reflection_stem") and not (only_so_gist and (has("advice") or has("options"))):
        return "reflection", 0.7
    strong_complex = any(
        c.name == "complex_reflection" and not c.text.lower().startswith("because") for c in cues
    )
    risky = has("blame") or has("dismissal") or has("self_disclosure")
    if strong_complex and has("second_person") and not inputs and not risky:
        return "reflection", 0.6
    if has("self_disclosure"):
        return "other", 0.55
    if inputs:
        return "input", 0.6
    return "other", 0.5


def _rule_labels(
    text: str, cues: Sequence[Cue], given_behaviour: str | None = None
) -> tuple[dict[str, str | None], dict[str, float]]:
    """Deterministic labels from cues; confidences say how sure a rule can be."""
    n = Counter(cue.name for cue in cues)
    has = n.__contains__
    words = len(text.split())
    labels: dict[str, str | None] = dict.fromkeys(LABELS)
    conf: dict[str, float] = {}

    behaviour, b_conf = _behaviour(n, cues)
    if given_behaviour is not None:
        behaviour, b_conf = given_behaviour, 1.0
    labels["behaviour"], conf["behaviour"] = behaviour, b_conf
    advice_q = any(_is_advice_question(c) for c in cues)
    complex_ = has("complex_reflection") or (has("feeling_word") and words > 12)
    if behaviour == "question":
        is_open = has("open_opener") and not advice_q
        labels["question"], conf["question"] = ("open", 0.8) if is_open else ("closed", 0.75)
    elif behaviour == "reflection":
        labels["reflection"], conf["reflection"] = ("complex" if complex_ else "simple"), 0.6
    elif behaviour == "input":
        inputs = [k for k in INPUT_ORDER if has(k)]
        # asked to code a subtype with no input cue: information is what is left
        labels["input"], conf["input"] = (inputs[0], 0.6) if inputs else ("information", 0.3)

    er = 0
    if has("warmth"):
        # strong when it names their feeling beyond the warm phrase itself ("I'm sorry, you
        # sound exhausted") or piles up warmth; "That sounds exhausting" alone is weak
        er = 2 if (_feeling_beyond(cues, "warmth") or n["warmth"] > 1) else 1
    elif has("affirmation"):
        er = 1
    ip = 0
    reflective = has("reflection_stem") or behaviour == "reflection"
    if has("understanding") or has("self_disclosure"):
        ip = 2 if (reflective or has("self_disclosure")) else 1
    elif reflective:
        ip = 2 if (has("complex_reflection") or has("feeling_word")) else 1
    ex = 0
    if advice_q or has("blame"):
        ex = 0  # advice put as a question or a blaming "why" explores nothing
    elif has("exploration") or (behaviour == "question" and labels["question"] == "open"):
        ex = 2 if words > EXPLORATION_SPECIFIC_WORDS else 1
    elif behaviour == "question" and not has("dismissal") and _asks_about_feelings(cues):
        ex = 1  # a closed question about how they feel still explores a little
    floors = mechanism_floors(cues, text)
    er = max(er, floors.get("emotional_reaction", 0))
    ip = max(ip, floors.get("interpretation", 0))
    ex = max(ex, floors.get("exploration", 0))
    for name, level in (("emotional_reaction", er), ("interpretation", ip), ("exploration", ex)):
        labels[name], conf[name] = str(level), 0.55 if level else 0.6

    if behaviour == "question":
        strategy = "Providing Suggestions" if advice_q else "Questions"
    elif has("self_disclosure"):
        strategy = "Self-disclosure"
    elif behaviour == "reflection":
        strategy = (
            "Reflection of feelings" if has("feeling_word") else "Restatement or Paraphrasing"
        )
    elif behaviour == "input" and labels["input"] in ("advice", "options"):
        strategy = "Providing Suggestions"
    elif has("affirmation") or has("warmth") or has("dismissal"):
        strategy = "Affirmation and Reassurance"
    elif has("advice") or has("options"):
        strategy = "Providing Suggestions"
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
        return self._code_many(items, given_behaviour, with_evidence=True)

    def _code_many(
        self,
        items: Sequence[tuple[str, str]],
        given_behaviour: Sequence[str | None] | None,
        *,
        with_evidence: bool,
    ) -> list[CodedUtterance]:
        """`code_many`; without evidence for a caller that rebuilds every label's evidence."""
        coded = []
        for row, (text, context) in enumerate(items):
            cues = find_cues(text)
            given = given_behaviour[row] if given_behaviour is not None else None
            labels, conf = _rule_labels(text, cues, given)
            evidence = (
                {label: evidence_for(label, labels[label], cues) for label in LABELS}
                if with_evidence
                else {}
            )
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
    utterances: list[CodedUtterance] = field(default_factory=list)
    """The learner turn's utterances (sentences) coded one by one, as MITI codes them: a
    turn that reflects and then asks holds a reflection and a question."""
    corrected: dict[str, str | None] = field(default_factory=dict)
    """Labels a person corrected (see `analysis.overrides`), each with the coder's value."""

    @property
    def is_learner(self) -> bool:
        return self.coded is not None

    @property
    def units(self) -> list[CodedUtterance]:
        """What session counts count: the utterances, or the whole turn when it is one."""
        if self.utterances:
            return self.utterances
        return [self.coded] if self.coded is not None else []
