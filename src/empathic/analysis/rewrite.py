"""Rewrite a learner's own line in its context: keep their content, change the move.

A canned model line teaches little about the learner's own turn. Here the line is
split into sentences; stock phrases, dismissals, blame and self-focused stories are
dropped; advice becomes an offer ("You should prioritise" -> "Would it help to
prioritise?") and a "why didn't you" becomes a curious question; a reflection built
from the other person's own words goes first, and an open question closes it when
none is left. Every candidate is re-coded by the same coder and kept only when it
scores higher than the original and takes up the other person's words, so the
coaching never suggests a line the analysis itself would not credit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from empathic.analysis.coding import CodedUtterance, Coder
from empathic.analysis.metrics import acknowledges, is_advice, is_self_focused
from empathic.analysis.phrasing import (
    flip_pronouns,
    lower_first,
    sentences,
    source_clause,
    trim_clause,
)
from empathic.analysis.responsiveness import content_stems, uptake, without_stock

HARMFUL_CUES = frozenset({"dismissal", "blame"})
"""Cues whose sentence is dropped from a rewrite rather than rephrased."""

_ADVICE = re.compile(
    r"^(?:so,?\s+|well,?\s+|maybe\s+|honestly,?\s+)?(?:you\s+(?:really\s+)?(?:should|need to|"
    r"have to|must|ought to|could)|(?:just|try(?: to)?)\b)\s+"
    r"(?:(?:really|just|simply)\s+)*(?P<rest>.+)$",
    re.IGNORECASE,
)
_TRIED = re.compile(r"^have you (?:tried|thought about|considered)\s+(?P<rest>.+)$", re.IGNORECASE)
_WHY_NOT = re.compile(
    r"^why (?:didn't|don't|haven't|couldn't|wouldn't) you\s+(?P<rest>.+)$", re.IGNORECASE
)
_WHY = re.compile(r"^why (?:did|do|would) you\s+(?P<rest>.+)$", re.IGNORECASE)
_ARE_YOU_OK = re.compile(
    r"^(?:are|were) you (?:ok|okay|alright|all right|doing ok(?:ay)?)\b[^?]*\?$", re.IGNORECASE
)
_MOVING_ON = re.compile(
    r"^(?:next point|moving on|anyway|let's move on|on to|back to)\b(?: to)?[:,]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
BETTER_BY = 1.0
"""How much higher than the original a rewrite must score (one EPITOME level)."""
OPEN_QUESTION = "What has that been like for you?"
AFTER_CONTENT_QUESTION = "How does that sit with you?"


class OwnLineDict(TypedDict):
    """`OwnLineRewrite` as JSON (the debrief stores it per turn)."""

    text: str
    why: str
    reuses: list[str]
    before: float
    after: float


@dataclass(frozen=True)
class OwnLineRewrite:
    """A verified rewrite of one learner line."""

    text: str
    why: str
    reuses: tuple[str, ...]
    """The other person's words the rewrite takes up."""
    before: float
    after: float

    def as_dict(self) -> OwnLineDict:
        return {
            "text": self.text,
            "why": self.why,
            "reuses": list(self.reuses),
            "before": round(self.before, 2),
            "after": round(self.after, 2),
        }


def move_score(coded: CodedUtterance, said: Sequence[str]) -> float:
    """How much empathic work a line does in its context: EPITOME levels, a reflection,
    acknowledging feelings, taking up their words; harm, advice and self-focus cost."""
    names = coded.cue_names()
    score = float(
        sum(coded.level(m) for m in ("emotional_reaction", "interpretation", "exploration"))
    )
    score += 1.0 if coded.labels.get("behaviour") == "reflection" else 0.0
    score += 0.5 if acknowledges(coded) else 0.0
    took_up = uptake(coded.text, said)
    score += {"responsive": 1.5, "specific": 0.5}.get(took_up.kind, 0.0)
    score -= 0.5 * len(took_up.stock)
    score -= 3.0 if names & HARMFUL_CUES else 0.0
    score -= 1.0 if is_advice(coded) else 0.0
    score -= 1.0 if is_self_focused(coded) else 0.0
    return score


def _sentence_fate(coded: CodedUtterance) -> str:
    """drop (harmful, self-focused, only stock), keep, or a rephrasing kind."""
    text = coded.text.strip()
    for kind, pattern in (
        ("why_not", _WHY_NOT),
        ("why", _WHY),
        ("tried", _TRIED),
        ("are_you_ok", _ARE_YOU_OK),
        ("moving_on", _MOVING_ON),
    ):
        if pattern.match(text):
            return kind
    if coded.cue_names() & HARMFUL_CUES or is_self_focused(coded):
        return "drop"
    if _HINDSIGHT.search(text) or _NORMALISING.search(text):
        return "drop"
    if not content_stems(without_stock(text)) and not text.endswith("?"):
        return "drop"
    if is_advice(coded) and _ADVICE.match(text):
        return "advice"
    return "keep"


def _rephrase(kind: str, text: str) -> str:
    """The sentence with its move changed and its content kept."""
    body = text.strip().rstrip(".!?")
    if kind == "keep":
        return text.strip()
    if kind == "are_you_ok":
        return "How are you holding up with all this?"
    if kind == "moving_on":
        agenda = _MOVING_ON.match(body)
        item = agenda.group("rest") if agenda else ""
        return f"We can come to {item} when you're ready." if item else ""
    pattern = {"why_not": _WHY_NOT, "why": _WHY, "tried": _TRIED, "advice": _ADVICE}[kind]
    match = pattern.match(body)
    rest = match.group("rest").strip() if match else body
    if kind == "why_not":
        return f"What made it hard to {rest}?"
    if kind == "why":
        return f"What led you to {rest}?"
    if kind == "tried":
        return f"Would {rest} help, do you think, or have you found something else?"
    return f"Would it help to {rest}?"


_FILLERS = re.compile(r"\b(?:um+|uh+|er+m?|hmm+)\b,?\s*", re.IGNORECASE)
_STUTTER = re.compile(r"\b(\w+),\s+\1\b", re.IGNORECASE)
_ASIDE = re.compile(
    r",\s*(?:i guess|i suppose|i think|believe me|you know|honestly|to be honest|"
    r"put it that way)(?=\s*[.!?]|\s*$)",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|myself)\b", re.IGNORECASE)
_CLAUSE_STARTS = frozenset(
    "i i'm i've i'd i'll my we we're we've our it it's the this that there there's nobody "
    "nothing none no not everything everyone all some most people things work being having "
    "since after before when if".split()
)
"""First words of a statement that reads well after "It sounds like" (not "Spare me...")."""
_HINDSIGHT = re.compile(
    r"\byou(?:'d)?\s+(?:really\s+)?(?:should|shouldn't|could|ought to)\s+(?:really\s+)?"
    r"(?:have|'ve)\b|\byou(?:'re| are| were)\s+(?:supposed|meant)\s+to\b",
    re.IGNORECASE,
)
_NORMALISING = re.compile(
    r"\b(?:happens to (?:everyone|everybody|all of us)|everyone (?:goes|hits|finds|feels|is going)"
    r"|every team is|anyone would|you'll (?:settle|get used))",
    re.IGNORECASE,
)
"""Hindsight ("you should have...") and brushing a feeling off as what everyone has: dropped.
("Don't worry", "at least", "could be worse" are the coder's dismissal cues already.)"""


def _clean(text: str) -> str:
    """Their words without fillers and stutters ("I, um, I saw" -> "I saw")."""
    return _ASIDE.sub("", _STUTTER.sub(r"\1", _FILLERS.sub("", text))).strip()


_DIRECTIVE = re.compile(
    r"\byou(?:'d| would)?\s+(?:really\s+)?(?:need to|should|have to|must|ought to|"
    r"have got to|'ve got to)\b",
    re.IGNORECASE,
)
"""A reflected "I need to..." becomes "you need to...", which reads (and codes) as advice."""


def _reflection(said: Sequence[str]) -> str | None:
    """ "It sounds like ..." from their most recent words that can carry a reflection: a
    voiced feeling first, else their fullest statement about themselves (5 to 25 words);
    a remark as short as "Not to me." gives way to what they said before it."""
    for turn in reversed(said[-3:]):
        text = _clean(turn)
        feeling, clause, _ = source_clause(text)
        if clause is not None and feeling is not None:
            flipped = flip_pronouns(clause)
            if not _DIRECTIVE.search(flipped):
                return f"It sounds like {lower_first(flipped)}."
        statements = [trim_clause(s) for s in sentences(text) if not s.endswith("?")]
        about_them = [
            c
            for c in statements
            if 4 <= len(c.split()) <= 25
            and _FIRST_PERSON.search(c)
            and c.split()[0].lower().strip(",") in _CLAUSE_STARTS
            and not _DIRECTIVE.search(flip_pronouns(c))
        ]
        if about_them:
            clause = max(about_them, key=lambda c: len(c.split()))
            return f"It sounds like {lower_first(flip_pronouns(clause))}."
    return None


def _explain(fates: Sequence[str], reflected: bool, asked: bool) -> str:
    parts = []
    if reflected:
        parts.append("starts from their own words, so they know you heard them")
    if "drop" in fates:
        parts.append("leaves out what could sound dismissive, blaming, stock or about you")
    if "advice" in fates or "tried" in fates:
        parts.append("keeps your suggestion but offers it as a question they can own")
    if "why_not" in fates or "why" in fates:
        parts.append("turns 'why' into curiosity about what made it hard")
    if "moving_on" in fates:
        parts.append("stays with what they said before moving the agenda on")
    if "are_you_ok" in fates:
        parts.append("opens your yes-or-no check into a question they can answer in their words")
    if asked:
        parts.append("ends with an open question")
    if "keep" in fates:
        parts.append("keeps your own point")
    return "This version " + ", ".join(parts) + "."


def rewrite_own_line(
    line: str, context: str, coder: Coder, *, said: Sequence[str] = ()
) -> OwnLineRewrite | None:
    """A better version of `line` in reply to `context`, or None when none verifies.

    `said` is what the other person said so far (oldest first, `context` last when
    omitted); the rewrite must take up some of it and score higher than the line.
    """
    heard = list(said) or [context]
    parts = sentences(line) or [line]
    coded = coder.code_many([(line, context)] + [(p, context) for p in parts])
    before = move_score(coded[0], heard)
    fates = [_sentence_fate(c) for c in coded[1:]]
    kept = [_rephrase(f, p) for f, p in zip(fates, parts, strict=True) if f != "drop"]
    kept = [k for k in kept if k]
    reflection = _reflection(heard)
    asks = any(k.endswith("?") for k in kept)
    candidates: list[tuple[str, bool, bool]] = []
    for with_reflection in (True, False):
        head = [reflection] if with_reflection and reflection else []
        body = head + kept
        if body and not asks:
            question = AFTER_CONTENT_QUESTION if kept else OPEN_QUESTION
            candidates.append((" ".join([*body, question]), bool(head), True))
        if body:
            candidates.append((" ".join(body), bool(head), False))
    unique = [c for c in dict.fromkeys(candidates) if c[0] != line.strip()]
    if not unique:
        return None
    scored = coder.code_many([(text, context) for text, _, _ in unique])
    for (text, reflected, asked), code in zip(unique, scored, strict=True):
        took_up = uptake(text, heard)
        after = move_score(code, heard)
        if after >= before + BETTER_BY and took_up.echoed and not took_up.parrots:
            why = _explain(fates, reflected, asked)
            return OwnLineRewrite(text, why, took_up.echoed, before, after)
    return None
