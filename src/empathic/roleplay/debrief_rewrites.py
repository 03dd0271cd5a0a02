"""Two or three concrete rewrites for a run's debrief, and the learner's own lines in them.

Split from `debrief` so the debrief module assembles and this one chooses lines:
the session report's rewrites first, then the scenario rubric's repair for a turn
that cost trust, a line that could have opened a missed fact, and the learner's
own line rewritten and verified wherever one scored higher than a model line.
"""

from __future__ import annotations

from empathic.roleplay.debrief_report import json_object, json_objects
from empathic.roleplay.debrief_types import Listening, Rewrite
from empathic.roleplay.moves import MOVES
from empathic.roleplay.result import RunResult, StepRecord
from empathic.roleplay.scenario import Scenario


def rewrites(
    result: RunResult, scenario: Scenario, report: dict[str, object], limit: int = 3
) -> list[Rewrite]:
    """Two or three concrete rewrites.

    First the worst turns: the session report's rewrites (built from the
    counterpart's own words) or, where it has none, the scenario rubric's model
    line; then one line that could have opened a fact that stayed hidden; then
    the weakest remaining turns until there are at least two.
    """
    repairs = _report_rewrites(result, report)
    covered = {r["turn"] for r in repairs}
    harmful = sorted(
        (s for s in result.steps if s.delta()["trust"] < 0), key=lambda s: s.delta()["trust"]
    )
    repairs += [_repair(s, scenario) for s in harmful if s.index not in covered]
    repairs.sort(key=lambda r: _trust_delta(result, r["turn"]))
    out = repairs[:2]
    used = {r["turn"] for r in out if r["turn"] is not None}
    missed = next((f for f in scenario.facts if f.id not in result.uncovered), None)
    if missed is not None:
        after = _after_hint(result, missed.id, used)
        out.append(
            {
                "turn": after.index if after else None,
                "original": after.learner if after else "",
                "rewrite": missed.example,
                "why": "A line like this could have opened part of the story you did not hear: "
                f"{missed.summary}",
                "source": "scenario",
            }
        )
        if after:
            used.add(after.index)
    for extra in repairs[2:]:
        if len(out) >= 2:
            break
        out.append(extra)
        if extra["turn"] is not None:
            used.add(extra["turn"])
    for step in sorted(result.steps, key=lambda s: s.delta()["trust"]):
        if len(out) >= min(2, limit):
            break
        if step.index not in used:
            out.append(_repair(step, scenario))
            used.add(step.index)
    return out[:limit]


def own_lines(items: list[Rewrite], heard: Listening) -> list[Rewrite]:
    """Put the learner's own line, rewritten and verified, in place of a model line for the
    same turn; the model line stays only where no own-line rewrite scored higher."""
    revised = {t["turn"]: t["rewrite"] for t in heard["turns"] if t["rewrite"]}
    out: list[Rewrite] = []
    for item in items:
        turn = item["turn"]
        own = revised.get(turn) if turn is not None and item["source"] != "scenario" else None
        if own is None:
            out.append(item)
            continue
        out.append(
            {
                **item,
                "rewrite": own["text"],
                "why": f"{item['why']} {own['why']}".strip(),
                "uses": own["reuses"],
                "source": "your line, rewritten",
            }
        )
    return out


def _report_rewrites(result: RunResult, report: dict[str, object]) -> list[Rewrite]:
    """The session report's rewrites (already in learner-turn numbering) for the run's steps."""
    out: list[Rewrite] = []
    steps = {s.index: s for s in result.steps}
    for item in json_objects(json_object(report.get("summary")).get("rewrites")):
        if not item.get("rewrite"):
            continue
        index = item.get("turn")
        step = steps.get(index) if isinstance(index, int) else None
        if step is None or (item.get("original") and item["original"] != step.learner):
            continue
        uses = item.get("uses")
        out.append(
            {
                "turn": step.index,
                "original": step.learner,
                "rewrite": str(item["rewrite"]),
                "why": str(item.get("why") or ""),
                "uses": [str(word) for word in uses] if isinstance(uses, list) else [],
                "source": "session report",
            }
        )
    return out


def _trust_delta(result: RunResult, turn: int | None) -> float:
    for step in result.steps:
        if step.index == turn:
            return step.delta()["trust"]
    return 0.0


def _repair(step: StepRecord, scenario: Scenario) -> Rewrite:
    """A better line for a weak turn, from the rubric item that names what went wrong."""
    names = set(step.move_names)
    example, why = None, ""
    for item in scenario.rubric:
        if names & set(item.avoid):
            example = item.example
            bad = sorted(names & set(item.avoid))
            what = MOVES.get(bad[0], bad[0]).capitalize()
            why = f"{what} cost trust here. The rubric looks for this: {item.description}"
            break
    if example is None:
        for item in scenario.rubric:
            if item.look_for and not names & set(item.look_for):
                example = item.example
                why = f"This turn earned little. The rubric looks for this: {item.description}"
                break
    return {
        "turn": step.index,
        "original": step.learner,
        "rewrite": example or scenario.rubric[0].example,
        "why": why or "A reflection or an open question would have earned more here.",
        "source": "scenario rubric",
    }


def _after_hint(result: RunResult, fact_id: str, used: set[int]) -> StepRecord | None:
    """The learner turn right after the persona hinted at a fact (the missed cue)."""
    for prev, nxt in zip(result.steps, result.steps[1:], strict=False):
        if prev.hinted == fact_id and nxt.index not in used:
            return nxt
    return None
