"""Which judge scored a report, and where the language-model judge and the offline one disagree.

The offline judge (the model pack) always runs first: its report is the metrics, the
findings, the rewrites and the fallback. `apply_llm_judge` then asks the language-model
judge (`analysis.llm_judge`); when it answers usably, the report's six dimensions and
their evidence become the model's, `summary.judges` lists both judges' scores side by
side, and the report's `judge` block names the model. On any failure the report stays the
offline one and says why, in `notes` and in `judge` (`fell_back: true`). The shapes are
documented in docs/cli.md (`--judge`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from empathic.analysis.judge_cache import JudgeCache
from empathic.analysis.labels import DIMENSIONS
from empathic.analysis.llm_judge import (
    JUDGED_LABELS,
    JudgeReplyError,
    Verdict,
    judge_conversation,
    prompt_version,
)
from empathic.analysis.report import Report
from empathic.config import Settings
from empathic.llm import ChatModel, LLMError, client_from_settings

JUDGES: Final = ("offline", "llm")
DISAGREE_AT: Final = 1.5
"""Dimension scores this far apart (or more) on the 1–5 scale are flagged as a disagreement."""
NO_ENDPOINT: Final = "no language-model endpoint is configured (EMPATHIC_LLM_BASE_URL is not set)"


def judge_cache(settings: Settings) -> JudgeCache | None:
    """The verdict cache under the data dir, or None when it cannot be written."""
    return JudgeCache.at(settings.data_dir / "cache" / "judge")


def compare_judges(
    offline_dimensions: Mapping[str, float],
    offline_labels: Mapping[int, Mapping[str, str | None]],
    llm_dimensions: Mapping[str, float],
    llm_labels: Mapping[int, Mapping[str, str]],
    llm_evidence: Mapping[int, Mapping[str, list[str]]] | None = None,
) -> dict[str, Any]:
    """Both judges per dimension and per learner turn, with their disagreements.

    A dimension disagrees when the scores differ by `DISAGREE_AT` or more; a turn lists the
    labels (behaviour and the three mechanism levels) on which the judges differ. Turns
    only one judge labelled are left out.
    """
    dimensions: dict[str, dict[str, Any]] = {}
    for name in DIMENSIONS:
        llm, offline = llm_dimensions.get(name), offline_dimensions.get(name)
        gap = None if llm is None or offline is None else round(abs(llm - offline), 2)
        dimensions[name] = {
            "llm": llm,
            "offline": offline,
            "difference": gap,
            "disagree": gap is not None and gap >= DISAGREE_AT,
        }
    turns = []
    for index in sorted(set(offline_labels) & set(llm_labels)):
        theirs = {k: offline_labels[index].get(k) for k in JUDGED_LABELS}
        ours = {k: llm_labels[index].get(k) for k in JUDGED_LABELS}
        turns.append(
            {
                "turn": index,
                "llm": ours,
                "offline": theirs,
                "evidence": dict((llm_evidence or {}).get(index, {})),
                "disagree": [k for k in JUDGED_LABELS if ours[k] != theirs[k]],
            }
        )
    return {
        "threshold": DISAGREE_AT,
        "dimensions": dimensions,
        "turns": turns,
        "disagreements": {
            "dimensions": [name for name, row in dimensions.items() if row["disagree"]],
            "turns": [row["turn"] for row in turns if row["disagree"]],
        },
    }


def _fell_back(report: Report, why: str, dropped: int = 0) -> Report:
    pack = report.pack.get("name", "offline")
    note = (
        f"The language-model judge was asked for but not used: {why}. The scores come from "
        f"the offline judge (model pack {pack})."
    )
    block = {
        "name": "offline",
        "model": pack,
        "fell_back": True,
        "why": why,
        "dropped_quotes": dropped,
        "prompt_version": prompt_version(),
        "cached": False,
    }
    return replace(report, notes=[*report.notes, note], judge=block, judges=None)


def _judged(report: Report, verdict: Verdict) -> Report:
    texts = [turn.text for turn in report.turns]
    offline_labels = {
        turn.index: dict(turn.coded.labels)
        for turn in report.learner_turns
        if turn.coded is not None
    }
    judges = {
        "judge": "llm",
        "model": verdict.model,
        **compare_judges(
            report.dimensions,
            offline_labels,
            verdict.dimensions,
            verdict.labels,
            verdict.label_evidence(texts),
        ),
    }
    split = judges["disagreements"]
    note = (
        f"Judge: the language model {verdict.model} scored the six dimensions and labelled "
        f"{len(verdict.labels)} of {len(report.learner_turns)} learner turns"
        f"{' (a cached reply)' if verdict.cached else ''}. Quotes checked against the "
        f"transcript: {verdict.verified_quotes} found, {verdict.dropped_quotes} dropped "
        "(not found). Its agreement with expert raters has not been measured: read its "
        f"scores as indicative. The offline judge (model pack {report.pack.get('name')}) "
        f"ran too; they disagree on {len(split['dimensions'])} of {len(DIMENSIONS)} "
        f"dimensions and on labels in {len(split['turns'])} of {len(judges['turns'])} turns."
    )
    block = {
        "name": "llm",
        "model": verdict.model,
        "fell_back": False,
        "why": "",
        "dropped_quotes": verdict.dropped_quotes,
        "prompt_version": verdict.prompt_version,
        "cached": verdict.cached,
    }
    return replace(
        report,
        dimensions=dict(verdict.dimensions),
        dimension_evidence=verdict.dimension_evidence(texts),
        reliability={},  # measured for the pack, not for the model
        notes=[*report.notes, note],
        judge=block,
        judges=judges,
    )


def apply_llm_judge(
    report: Report, model: ChatModel | None, cache: JudgeCache | None = None
) -> Report:
    """The report judged by `model`, or the offline report saying why it was not."""
    if model is None:
        return _fell_back(report, NO_ENDPOINT)
    if not any(turn.coded is not None for turn in report.learner_turns):
        return _fell_back(report, f"{report.learner} has no turns to judge")
    turns = [(turn.speaker, turn.text) for turn in report.turns]
    try:
        verdict = judge_conversation(turns, report.learner, model, cache)
    except LLMError as exc:
        return _fell_back(report, f"the language model failed ({type(exc).__name__}: {exc})")
    except JudgeReplyError as exc:
        return _fell_back(report, f"its reply was rejected: {exc}", exc.dropped)
    return _judged(report, verdict)


def judge_report(report: Report, judge: str, settings: Settings) -> Report:
    """`report` as the named judge gives it (`offline` or `llm`, using the settings' endpoint)."""
    if judge not in JUDGES:
        raise ValueError(f"unknown judge {judge!r}: choose one of {', '.join(JUDGES)}")
    if judge == "offline":
        return report
    try:
        client = client_from_settings(settings)
    except LLMError as exc:  # a malformed base URL
        return _fell_back(report, str(exc))
    if client is None:
        return apply_llm_judge(report, None)
    with client:
        return apply_llm_judge(report, client, judge_cache(settings))
