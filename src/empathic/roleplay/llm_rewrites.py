"""Optional language-model rewrites of a learner's weak turns in the debrief.

The model proposes a better reflection or open question for a turn the debrief
already chose to rewrite; the analysis engine then codes the original and the
proposal in the same context, and the proposal is shown only when it scores
higher (`empathy_score`) and passes the same checks as persona replies (length,
in role, nothing specific that the conversation does not contain). The request
holds only the public conversation: the turn, the line before it and the
persona's public card, never a hidden fact or the rubric.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from empathic.analysis.coding import CodedUtterance, Coder
from empathic.llm import ChatModel, LLMError, Message
from empathic.roleplay.debrief_types import Rewrite
from empathic.roleplay.llm_voice import OUT_OF_ROLE, WORD, clean, introduced, prompt_template
from empathic.roleplay.result import RunResult

MAX_WORDS = 40
AIMS = (
    "a complex reflection that names the feeling or meaning behind their words",
    "one open question about what matters most to them",
)
HARMFUL_CUES = {"blame": 3.0, "dismissal": 3.0}


def empathy_score(coded: CodedUtterance) -> float:
    """A single number for "more empathic": EPITOME levels plus MITI behaviour weights.

    Reflections (complex above simple) and open questions raise it; closed
    questions, advice and unrequested information lower it; blame or dismissal
    phrases lower it most. Used only to compare two versions of one turn.
    """
    score = float(
        sum(coded.level(m) for m in ("emotional_reaction", "interpretation", "exploration"))
    )
    labels = coded.labels
    behaviour = labels.get("behaviour")
    if behaviour == "reflection":
        score += 2.0 if labels.get("reflection") == "complex" else 1.0
    elif behaviour == "question":
        score += 1.0 if labels.get("question") == "open" else -0.5
    elif behaviour == "input":
        score -= 1.0 if labels.get("input") == "advice" else 0.5
    names = coded.cue_names()
    score -= sum(weight for cue, weight in HARMFUL_CUES.items() if cue in names)
    return score


@dataclass(frozen=True)
class Proposal:
    turn: int
    text: str
    accepted: bool
    reason: str
    original_score: float
    score: float | None


def _context(result: RunResult, turn: int) -> str:
    """The counterpart's line just before learner turn `turn` (the opening for turn 1)."""
    if turn <= 1:
        return result.opening
    return result.steps[turn - 2].reply


def build_messages(
    persona: str, persona_role: str, context: str, original: str, aim: str
) -> list[Message]:
    system = prompt_template("rewrite_system.txt").substitute(
        persona=persona,
        persona_role=persona_role,
        context=context,
        original=original,
        aim=aim,
        max_words=MAX_WORDS,
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": "Rewrite it."}]


def _problem(text: str, allowed: str) -> str | None:
    if not text:
        return "empty reply"
    if len(WORD.findall(text)) > MAX_WORDS:
        return f"too long (over {MAX_WORDS} words)"
    if OUT_OF_ROLE.search(text):
        return "out of role"
    return introduced(text, {w.lower() for w in WORD.findall(allowed)}, "the conversation")


def propose_rewrites(
    rewrites: Sequence[Rewrite],
    result: RunResult,
    *,
    persona: str,
    persona_role: str,
    client: ChatModel,
    coder: Coder,
) -> list[Proposal]:
    """One model proposal per debrief rewrite that has a learner turn; checked, then scored."""
    proposals: list[Proposal] = []
    for number, item in enumerate(rewrites):
        turn, original = item.get("turn"), str(item.get("original") or "")
        if not isinstance(turn, int) or not original or turn > len(result.steps):
            continue
        context = _context(result, turn)
        aim = AIMS[number % len(AIMS)]
        messages = build_messages(persona, persona_role, context, original, aim)
        try:
            text = clean(client.complete(messages, temperature=0.0, seed=turn, max_tokens=120))
        except LLMError as exc:
            proposals.append(Proposal(turn, "", False, f"{type(exc).__name__}: {exc}", 0.0, None))
            continue
        text = re.sub(r"^(?:leader|you|rewrite)\s*:\s*", "", text, flags=re.I)
        problem = _problem(text, " ".join((context, original, persona, persona_role)))
        if problem is not None:  # refused before coding: no work for a proposal never shown
            base = empathy_score(coder.code_many([(original, context)])[0])
            proposals.append(Proposal(turn, text, False, problem, base, None))
            continue
        before, after = coder.code_many([(original, context), (text, context)])
        base, score = empathy_score(before), empathy_score(after)
        accepted = score > base
        reason = "scores higher" if accepted else f"does not score higher ({score:g} ≤ {base:g})"
        proposals.append(Proposal(turn, text, accepted, reason, base, score))
    return proposals


def with_model_rewrites(rewrites: list[Rewrite], proposals: Sequence[Proposal]) -> list[Rewrite]:
    """The debrief's rewrites, each with `model_rewrite` when an accepted proposal exists."""
    accepted = {p.turn: p for p in proposals if p.accepted}
    out: list[Rewrite] = []
    for item in rewrites:
        turn = item["turn"]
        proposal = accepted.get(turn) if turn is not None else None
        if proposal is None:
            out.append(item)
            continue
        out.append(
            {
                **item,
                "model_rewrite": {
                    "text": proposal.text,
                    "score": proposal.score,
                    "original_score": proposal.original_score,
                    "why": "Suggested by the language model and checked by the analysis "
                    "engine: it codes as more empathic than what you said.",
                },
            }
        )
    return out
