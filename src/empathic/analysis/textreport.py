"""A plain-text session report for the terminal (`empathic analyze --format text`)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

SUBTYPES = ("question", "reflection", "input")


def _labels_line(labels: Mapping[str, Any]) -> str:
    behaviour = labels.get("behaviour", "?")
    subtype = next((labels[k] for k in SUBTYPES if labels.get(k)), None)
    kind = f"{subtype} {behaviour}" if subtype else str(behaviour)
    levels = "/".join(
        str(labels.get(k, "-")) for k in ("emotional_reaction", "interpretation", "exploration")
    )
    return f"[{kind}; ER/IP/EX {levels}; {labels.get('strategy', '?')}]"


def _judge_line(judge: Mapping[str, Any]) -> str:
    if judge.get("fell_back"):
        head = f"Judge: offline (model pack {judge.get('model')}), fell back: {judge.get('why')}"
    else:
        head = (
            f"Judge: language model {judge.get('model')} "
            f"({judge.get('dropped_quotes')} unverifiable quotes dropped"
            f"{'; cached' if judge.get('cached') else ''})"
        )
    return textwrap.fill(head, width=78, subsequent_indent="  ")


def _judges_lines(judges: Mapping[str, Any]) -> list[str]:
    """Both judges per dimension, then the turns whose labels they disagree on."""
    out = [
        f"Two judges compared: language model {judges.get('model')} and offline "
        f"(! = {judges['threshold']} points apart or more)"
    ]
    for name, row in judges["dimensions"].items():
        flag = "  ! disagree" if row["disagree"] else ""
        out.append(f"  {name:<28} llm {row['llm']}  offline {row['offline']}{flag}")
    for row in judges["turns"]:
        for label in row["disagree"]:
            out.append(
                f"  turn {row['turn'] + 1} {label}: llm {row['llm'][label]}, "
                f"offline {row['offline'][label]}"
            )
    if not judges["disagreements"]["turns"]:
        out.append("  the judges agree on every labelled turn")
    return out


def render_text(report: Mapping[str, Any]) -> str:
    """Readable in an 80-column terminal; every label followed by its evidence."""
    pack = report.get("pack", {})
    summary = report.get("summary", {})
    metrics = summary.get("metrics", {})
    out = [
        f"Empathic report — {report.get('source')}",
        f"Coached speaker: {report.get('learner')}",
        f"Model pack: {pack.get('name')} v{pack.get('version')} — licence: {pack.get('licence')}",
    ]
    if report.get("judge"):
        out.append(_judge_line(report["judge"]))
    out += [
        textwrap.fill(f"Note: {note}", width=78, subsequent_indent="  ")
        for note in report.get("notes", [])
    ]
    out.append("")
    for turn in report.get("turns", []):
        head = f"{turn['index'] + 1:>3} {turn['speaker']}: "  # counted from 1, as people do
        body = textwrap.fill(turn["text"], width=78, initial_indent=head, subsequent_indent=" " * 6)
        out.append(body)
        if turn.get("learner") and turn.get("labels"):
            out.append("      " + _labels_line(turn["labels"]))
            evidence = turn.get("evidence") or {}
            shown = evidence.get("behaviour") or evidence.get("strategy") or []
            if shown:
                out.append("      evidence: " + "; ".join(f"“{p}”" for p in shown[:3]))
    miti = metrics.get("miti", {})
    out += [
        "",
        "Session metrics",
        f"  talk share {metrics.get('talk_share')}, R:Q {metrics.get('r_q_ratio')} "
        f"({miti.get('r_q')}),",
        f"  complex reflections {metrics.get('pct_complex_reflections')}% ({miti.get('pct_cr')}), "
        f"open questions {metrics.get('pct_open_questions')}%",
        "Dimensions (1–5)",
    ]
    reliability = summary.get("reliability") or {}
    for name, value in summary.get("dimensions", {}).items():
        rel = reliability.get(name)
        note = ""
        if rel:
            note = f"  (ρ {rel['rho']:.2f} with experts" + (
                "; indicative only)" if rel["indicative"] else ")"
            )
        out.append(f"  {name:<28} {value}{note}")
    if summary.get("judges"):
        out += _judges_lines(summary["judges"])
    for title, key in (
        ("Strengths", "strengths"),
        ("Missed opportunities", "missed_opportunities"),
    ):
        out.append(title)
        for finding in summary.get(key, []) or [{"title": "none found", "detail": ""}]:
            out.append(
                textwrap.fill(
                    f"- {finding['title']}: {finding['detail']}", width=78, subsequent_indent="  "
                )
            )
    out.append("Suggested rewrites")
    for rewrite in summary.get("rewrites", []):
        out.append(
            textwrap.fill(
                f"- turn {rewrite['turn'] + 1}: “{rewrite['original']}”",
                width=78,
                subsequent_indent="  ",
            )
        )
        out.append(
            textwrap.fill(f"  try: “{rewrite['rewrite']}”", width=78, subsequent_indent="    ")
        )
    if report.get("limits"):
        out += ["", textwrap.fill(f"What the AI cannot know: {report['limits']}", width=78)]
    return "\n".join(out) + "\n"
