"""The analysis engine's session report inside the debrief, in the learner's turn numbers.

Split from `debrief`. The report is `analysis.report`'s JSON (`Report.to_dict()`), typed
there only as a JSON object, so here it is `dict[str, object]` and every value read is
checked: a field the engine renames shows up as a missing number, never as a crash.
"""

from __future__ import annotations

from empathic.analysis.coding import Coder
from empathic.analysis.overrides import Overrides
from empathic.analysis.report import build_report
from empathic.conversation import Transcript
from empathic.roleplay.result import LEARNER


def session_report(
    transcript: Transcript, *, coder: Coder, overrides: Overrides | None = None
) -> dict[str, object]:
    """The analysis engine's session report for the learner's turns (one isolated call)."""
    if not any(turn.speaker == LEARNER for turn in transcript.turns):
        return _fallback_report(transcript, coder, "no learner replies: nothing to analyse")
    built = build_report(transcript, learner=LEARNER, coder=coder, overrides=overrides)
    report: dict[str, object] = built.to_dict()
    return learner_numbered(report)


def json_object(value: object) -> dict[str, object]:
    """`value` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def json_objects(value: object) -> list[dict[str, object]]:
    """The JSON objects in `value` when it is a list (the same objects: edits stick)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def learner_numbered(report: dict[str, object]) -> dict[str, object]:
    """The report with every turn reference in the debrief's numbering (the learner's first
    line is turn 1), not the transcript's (where it is turn 1 of persona-and-learner turns
    counted from 0, so learner turn 5 was "turn 9")."""
    number: dict[int, int] = {}
    for turn in json_objects(report.get("turns")):
        index = turn.get("index")
        if turn.get("learner") and isinstance(index, int):
            number[index] = len(number) + 1
            turn["turn"] = number[index]
    summary = json_object(report.get("summary"))
    for key in ("strengths", "missed_opportunities"):
        for item in json_objects(summary.get(key)):
            turns = item.get("turns")
            listed = turns if isinstance(turns, list) else []
            item["turns"] = [number[t] for t in listed if isinstance(t, int) and t in number]
    for item in json_objects(summary.get("rewrites")):
        item["turn"] = _renumbered(number, item.get("turn"))
    for quotes in json_object(summary.get("dimension_evidence")).values():
        for quote in json_objects(quotes):
            quote["turn"] = _renumbered(number, quote.get("turn"))
    report["numbering"] = "learner turns: 1 is your first line"
    return report


def _renumbered(number: dict[int, int], turn: object) -> int | None:
    return number.get(turn) if isinstance(turn, int) else None


def _fallback_report(transcript: Transcript, coder: Coder, note: str) -> dict[str, object]:
    """Per-turn coding only, in the report's shape, when the full report is not available."""
    items, context = [], ""
    for turn in transcript.turns:
        if turn.speaker == LEARNER:
            items.append((turn.text, context))
        context = turn.text
    coded = coder.code_many(items)
    return {
        "pack": coder.name,
        "source": transcript.source,
        "learner": LEARNER,
        "notes": [note],
        "turns": [
            {"text": c.text, "labels": c.labels, "evidence": c.evidence, "confidence": c.confidence}
            for c in coded
        ],
        "summary": {
            "metrics": {},
            "dimensions": {},
            "strengths": [],
            "missed_opportunities": [],
            "rewrites": [],
        },
    }
