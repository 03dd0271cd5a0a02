"""The debrief that ends every practice run (DESIGN §2.2: practice never without feedback).

It reveals the story behind the data (facts uncovered out of the total, and the
ones missed), the trust/emotion/patience timeline with the turns that moved it
and why, the rubric, the session report from the analysis engine, two or three
concrete rewrites, the learner's own intention and reflection, and how it was
scored and what the AI cannot know.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from empathic.analysis.coding import Coder, RuleCoder
from empathic.analysis.overrides import Overrides
from empathic.analysis.phrasing import sentences
from empathic.analysis.responsiveness import stock_habits
from empathic.analysis.rewrite import rewrite_own_line
from empathic.roleplay.debrief_report import session_report
from empathic.roleplay.debrief_rewrites import own_lines, rewrites
from empathic.roleplay.debrief_types import (
    Evidence,
    FactItem,
    Facts,
    Listening,
    ListeningTurn,
    Moment,
    Rewrite,
    RubricRow,
    ScenarioSummary,
    Scoring,
    TimelinePoint,
)
from empathic.roleplay.moves import MOVES
from empathic.roleplay.result import RunResult, StepRecord
from empathic.roleplay.scenario import Scenario
from empathic.roleplay.state import summarise

CANNOT_KNOW = (
    "Your tone of voice, pauses, face and intention: only your written words were coded.",
    "Whether a real person would react like this persona: it is a simplified model written "
    "for practice, and real people differ from each other and from day to day.",
    "Whether each label is right: the coder is automatic and makes mistakes (for example, a "
    "reflection phrased without a usual stem can be missed). Check the evidence shown for "
    "every turn and correct it where it is wrong.",
    "The relationship: trust, emotion and patience here are model numbers computed from your "
    "coded moves, not measurements of how anyone feels.",
    "The rest of the story: in a real conversation there is always more than the facts this "
    "scenario's author wrote down.",
)

OUTCOME_TEXT = {
    "good": "You heard the core story and the counterpart ended with enough trust.",
    "mixed": "You heard part of the story, but not all of the core or not with enough trust.",
    "poor": "The counterpart left, or trust ended lower than it started, or no story was heard.",
}


@dataclass
class Debrief:
    """Everything shown after a run; `to_dict()` is the JSON `debrief` object."""

    scenario: ScenarioSummary
    outcome: str
    ended_by: str
    facts: Facts
    timeline: list[TimelinePoint]
    moments: list[Moment]
    rubric: list[RubricRow]
    report: dict[str, object]
    """The analysis engine's session report (`analysis.report`), in learner numbering."""
    rewrites: list[Rewrite]
    scoring: Scoring
    listening: Listening
    intention: str = ""
    reflection: str = ""
    ended_why: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "outcome": self.outcome,
            "outcome_text": OUTCOME_TEXT.get(self.outcome, ""),
            "ended_by": self.ended_by,
            "ended_why": self.ended_why,
            "listening": self.listening,
            "facts": self.facts,
            "timeline": self.timeline,
            "moments": self.moments,
            "rubric": self.rubric,
            "report": self.report,
            "rewrites": self.rewrites,
            "intention": self.intention,
            "reflection": self.reflection,
            "scoring": self.scoring,
        }


def build_debrief(
    result: RunResult,
    scenario: Scenario,
    *,
    coder: Coder | None = None,
    intention: str = "",
    reflection: str = "",
    overrides: Overrides | None = None,
) -> Debrief:
    """Assemble the debrief of a run; the session report comes from the analysis engine
    (`overrides`: a person's label corrections by transcript turn index, which it counts)."""
    coder = coder if coder is not None else RuleCoder()
    report = session_report(result.transcript(), coder=coder, overrides=overrides)
    heard = listening(result, coder)
    return Debrief(
        scenario={
            "id": scenario.id,
            "title": scenario.title,
            "difficulty": result.difficulty,
            "persona": scenario.counterpart.name,
            "learner_role": scenario.learner.role,
            "goal": scenario.learner.goal,
        },
        outcome=result.outcome,
        ended_by=result.ended_by,
        facts=_facts(result, scenario),
        timeline=_timeline(result),
        moments=_moments(result),
        rubric=_rubric(result, scenario),
        report=report,
        rewrites=own_lines(rewrites(result, scenario, report), heard),
        intention=intention.strip(),
        reflection=reflection.strip(),
        scoring=_scoring(result, scenario, coder),
        listening=heard,
        ended_why=ended_why(result),
    )


ENDED_WHY = {
    "wrapped_up": "You closed the conversation (or agreed a next step) and they wrapped up.",
    "time_up": "The time budget ran out.",
    "counterpart_left": "They left: harm in your last turn came after an earlier push back.",
    "learner_ended": "You stopped the conversation.",
    "in_progress": "The conversation has not ended.",
}


def ended_why(result: RunResult) -> str:
    """Why the run ended, in one sentence, quoting the turn that ended it."""
    text = ENDED_WHY.get(result.ended_by, result.ended_by.replace("_", " "))
    if result.steps and result.ended_by in ("wrapped_up", "counterpart_left"):
        last = result.steps[-1]
        text += f' (turn {last.index}: "{last.learner[:100]}")'
    return text


def listening(result: RunResult, coder: Coder | None = None) -> Listening:
    """Per-turn coaching on responsiveness: what each turn took up, stock phrases, repeats,
    and for a weak turn a rewrite of the learner's own line, verified by re-coding.

    Stock phrases are named with how often they were used ("'I hear you' 5 times"), so a
    learner sees the habit, not only the score.
    """
    coder = coder if coder is not None else RuleCoder()
    turns: list[ListeningTurn] = []
    said = [result.opening]
    for step in result.steps:
        heard, said = said, [*said, step.reply]
        j = step.judgement
        if j is None:
            continue
        if j.uptake.kind == "responsive":
            worked = "You took up their words: " + ", ".join(j.uptake.echoed[:5]) + "."
            try_next = ""
        elif j.repeats is not None:
            worked = ""
            try_next = f"This nearly repeats your turn {j.repeats + 1}; say something new."
        elif j.uptake.is_spray:
            worked = ""
            try_next = "One question about one thing they said works better than a list of topics."
        elif j.uptake.kind in ("stock", "empty"):
            worked = ""
            try_next = (
                "Stock phrases fit any conversation; name what they actually said or felt "
                "in their words."
            )
        else:
            worked = "Specific: " + ", ".join(j.uptake.specific[:5]) + "."
            try_next = "Build it on their last words so they know you heard them."
        revised = None
        if needs_rewrite(step):
            found = rewrite_own_line(step.learner, heard[-1], coder, said=heard)
            revised = found.as_dict() if found is not None else None
        turns.append(
            {
                "turn": step.index,
                "learner": step.learner,
                "kind": j.uptake.kind,
                "credit": round(j.credit, 2),
                "worked": worked,
                "try": try_next,
                "why": j.why,
                "rewrite": revised,
            }
        )
    responsive = sum(1 for t in turns if t["kind"] == "responsive")
    habits = stock_habits(s.judgement for s in result.steps if s.judgement is not None)
    return {"turns": turns, "stock_phrases": habits, "responsive_turns": responsive}


def needs_rewrite(step: StepRecord) -> bool:
    """A turn worth rewriting: it cost trust, or was not fully heard (stock, a repeat, a list,
    or content that did not take up their words)."""
    judged = step.judgement
    weak = judged is not None and (judged.credit < 1.0 or judged.repeats is not None)
    return weak or step.delta()["trust"] < 0


def _facts(result: RunResult, scenario: Scenario) -> Facts:
    turn_of = {s.fact: s.index for s in result.steps if s.fact}
    items: list[FactItem] = [
        {
            "id": f.id,
            "summary": f.summary,
            "core": f.core,
            "uncovered": f.id in result.uncovered,
            "turn": turn_of.get(f.id),
            "example": f.example,
        }
        for f in scenario.facts
    ]
    return {
        "uncovered": list(result.uncovered),
        "total": len(scenario.facts),
        "core_total": len(result.core),
        "core_uncovered": sum(1 for f in result.core if f in result.uncovered),
        "items": items,
    }


def _timeline(result: RunResult) -> list[TimelinePoint]:
    start = result.initial
    points: list[TimelinePoint] = [
        {
            "turn": 0,
            "trust": round(start.trust, 3),
            "emotion": round(start.emotion, 3),
            "patience": round(start.patience, 3),
            "why": ["starting state"],
            "intent": "",
        }
    ]
    for s in result.steps:
        points.append(
            {
                "turn": s.index,
                "trust": round(s.after.trust, 3),
                "emotion": round(s.after.emotion, 3),
                "patience": round(s.after.patience, 3),
                "delta": s.delta(),
                "learner": s.learner,
                "counterpart": s.reply,
                "intent": s.intent,
                "fact": s.fact,
                "moves": s.move_names,
                "why": summarise(s.effects, MOVES),
            }
        )
    return points


def _moments(result: RunResult, limit: int = 3) -> list[Moment]:
    """The turns that moved trust most, either way."""
    ranked = sorted(result.steps, key=lambda s: -abs(s.delta()["trust"]))
    return [
        {
            "turn": s.index,
            "learner": s.learner,
            "delta": s.delta(),
            "why": summarise(s.effects, MOVES)[:2],
        }
        for s in sorted(ranked[:limit], key=lambda s: s.index)
        if s.delta()["trust"] != 0
    ]


def _earned(step: StepRecord) -> bool:
    """A looked-for move counts only where the turn was heard as more than stock: a stock
    line or a near repeat shows the form of a skill, not the skill."""
    judged = step.judgement
    return judged is None or (judged.credit >= 0.6 and judged.repeats is None)


def _rubric(result: RunResult, scenario: Scenario) -> list[RubricRow]:
    rows: list[RubricRow] = []
    for item in scenario.rubric:
        hits = [
            s.index for s in result.steps if set(item.look_for) & set(s.move_names) and _earned(s)
        ]
        bad = [s.index for s in result.steps if set(item.avoid) & set(s.move_names)]
        missing = [f for f in item.facts if f not in result.uncovered]
        met = bool(result.steps) and not bad and not missing
        if item.look_for:
            met = met and len(hits) >= item.at_least
        rows.append(
            {
                "id": item.id,
                "competency": item.competency,
                "description": item.description,
                "met": met,
                "turns": hits,
                "against": bad,
                "facts_missing": missing,
                "evidence": _quotes(result, hits, item.look_for)
                + _quotes(result, bad, item.avoid)
                + [
                    {"turn": s.index, "move": f"opened: {s.fact}", "quote": s.learner[:200]}
                    for s in result.steps
                    if s.fact in item.facts
                ],
            }
        )
    return rows


def _quotes(result: RunResult, turns: list[int], moves: Sequence[str]) -> list[Evidence]:
    """The learner's words behind each graded move: an item is met or missed on quoted
    evidence, not on a keyword alone."""
    out: list[Evidence] = []
    for step in result.steps:
        if step.index not in turns:
            continue
        for move in step.moves:
            if move.name in moves:
                quote = _sentence_with(step.learner, move.evidence.split("; ")[0])
                out.append({"turn": step.index, "move": move.name, "quote": quote[:200]})
                break
    return out


def _sentence_with(line: str, fragment: str) -> str:
    """The sentence of `line` holding the evidence fragment (the whole line if none does)."""
    for sentence in sentences(line):
        if fragment and fragment.lower() in sentence.lower():
            return sentence
    return line


def _scoring(result: RunResult, scenario: Scenario, coder: Coder) -> Scoring:
    return {
        "coder": coder.name,
        "seed": result.seed,
        "difficulty": result.difficulty,
        "how": [
            f"Each of your turns was coded by the '{coder.name}' coder; the labels and the words "
            "behind them are shown per turn.",
            "The coded moves (reflections, open questions, warmth, advice, blame...) moved "
            "trust, emotion and patience by a fixed table: defaults, this scenario's overrides "
            f"and the '{result.difficulty}' difficulty multipliers. Every change is listed with "
            "its reason.",
            "A fact was disclosed when your turn reached one of its topics (synonyms and "
            "inflections count, and following up a hint counts), trust met its need and the "
            "facts it depends on were already uncovered.",
            f"A good ending needs the core story uncovered and final trust of at least "
            f"{scenario.end.success_trust:.2f}. The seed ({result.seed}) only chooses wording, "
            "never what the persona does.",
        ],
        "cannot_know": list(CANNOT_KNOW),
    }
