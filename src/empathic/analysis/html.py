"""A self-contained HTML report: inline CSS, server-drawn SVG charts, no network.

The file must open from an e-mail attachment or a shared drive years later, so
nothing is fetched. Every piece of user text reaches the page through Jinja2
autoescaping or `markupsafe.escape`; evidence highlighting splits the raw text
into segments first and escapes each one, so a transcript cannot inject markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup, escape

from empathic import charts
from empathic.analysis.labels import DIMENSIONS, MECHANISMS
from empathic.analysis.metrics import (
    DIMENSION_HELP,
    DIMENSION_TITLES,
    LOWER_IS_BETTER,
    MITI_THRESHOLDS,
)

BAND_COLOURS = {"good": "#1b6e3a", "fair": "#8a5a00", "below": "#b3261e", "n/a": "#5f6368"}
CHIP_ORDER = ("behaviour", "question", "reflection", "input", "strategy", *MECHANISMS)
LABEL_NAMES = {
    "emotional_reaction": "Emotional reaction",
    "interpretation": "Interpretation",
    "exploration": "Exploration",
    "behaviour": "Behaviour",
    "question": "Question",
    "reflection": "Reflection",
    "input": "Input",
    "strategy": "Strategy",
}
CANNOT_KNOW = (
    "Tone of voice, facial expression, silence and body language: only the words were analysed.",
    "The history between the people and what happened before or after this conversation.",
    "Whether a phrase landed as intended: only the other person can say that.",
    "Labels come from a model and transparent rules; they are estimates with the confidence "
    "shown, and a person should correct them where they are wrong.",
)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """Built on first use, not at import, and reused afterwards."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("empathic.analysis", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["num"] = _num
    env.filters["clock"] = _clock
    env.filters["pretty"] = pretty
    return env


def _num(value: Any, digits: int = 1, suffix: str = "") -> str:
    """A number for people: "—" when unknown."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}".rstrip("0").rstrip(".") + suffix
    return f"{value}{suffix}"


def _clock(seconds: Any) -> str:
    if seconds is None:
        return ""
    total = int(float(seconds))
    return f"{total // 60}:{total % 60:02d}"


def pretty(name: str) -> str:
    """validating_emotions → Validating emotions."""
    if name in DIMENSION_TITLES:
        return DIMENSION_TITLES[name]
    return LABEL_NAMES.get(name, name.replace("_", " ").capitalize())


def highlight(
    text: str,
    evidence: Mapping[str, Iterable[str]] | None,
    risks: Mapping[str, Iterable[str]] | None = None,
) -> list[dict[str, Any]]:
    """Split text into plain and highlighted segments, for the template to escape.

    evidence maps a label to the phrases behind it; risks maps a missed-opportunity
    title to phrases. Phrases are found case-insensitively; overlapping matches
    merge and keep every reason, and a segment is a risk when any reason is.
    """
    spans: list[tuple[int, int, set[tuple[str, str]]]] = []
    sources = [("evidence", pretty(k), v) for k, v in (evidence or {}).items()]
    sources += [("risk", k, v) for k, v in (risks or {}).items()]
    for kind, name, phrases in sources:
        for phrase in phrases:
            if phrase.strip():
                for m in re.finditer(re.escape(phrase.strip()), text, re.IGNORECASE):
                    spans.append((m.start(), m.end(), {(kind, name)}))
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, set[tuple[str, str]]]] = []
    for start, end, reasons in spans:
        if merged and start < merged[-1][1]:
            s0, e0, r0 = merged[-1]
            merged[-1] = (s0, max(e0, end), r0 | reasons)
        else:
            merged.append((start, end, set(reasons)))
    segments: list[dict[str, Any]] = []
    pos = 0
    for start, end, reasons in merged:
        if start > pos:
            segments.append({"text": text[pos:start], "mark": False, "risk": False, "why": ""})
        found = {k: sorted(n for kind, n in reasons if kind == k) for k in ("evidence", "risk")}
        why = [f"{head}{', '.join(found[k])}" for k, head in _WHY_HEADS if found[k]]
        segments.append(
            {
                "text": text[start:end],
                "mark": True,
                "risk": bool(found["risk"]),
                "why": "; ".join(why),
            }
        )
        pos = end
    if pos < len(text):
        segments.append({"text": text[pos:], "mark": False, "risk": False, "why": ""})
    return segments


_WHY_HEADS = (("evidence", "Evidence for "), ("risk", "Missed opportunity: "))


def _risks_by_turn(missed: Iterable[Mapping[str, Any]]) -> dict[int, dict[str, list[str]]]:
    """Missed-opportunity phrases to highlight, per turn index."""
    result: dict[int, dict[str, list[str]]] = {}
    for finding in missed:
        for index in finding.get("turns") or []:
            phrases = [str(p) for p in finding.get("evidence") or []]
            result.setdefault(int(index), {})[str(finding.get("title", ""))] = phrases
    return result


def miti_chart(metrics: Mapping[str, Any]) -> Markup:
    """Bars for R:Q, %CR and %OQ with the MITI 4 fair and good thresholds marked."""
    th = metrics.get("miti_thresholds") or MITI_THRESHOLDS
    bands = metrics.get("miti") or {}
    rows = [
        ("R:Q ratio", metrics.get("r_q_ratio"), 3.0, th["r_q"], bands.get("r_q", "n/a"), ":1"),
        (
            "% complex reflections",
            metrics.get("pct_complex_reflections"),
            100.0,
            th["pct_cr"],
            bands.get("pct_cr", "n/a"),
            "%",
        ),
        ("% open questions", metrics.get("pct_open_questions"), 100.0, None, None, "%"),
    ]
    bars: list[charts.Bar] = []
    desc: list[str] = []
    for label, value, top, thresholds, band, unit in rows:
        ticks = [
            charts.Tick(
                float(thresholds[name]) / top,
                f"{name} {_num(thresholds[name])}",
                name,
                "left" if name == "fair" else "right",
            )
            for name in (("fair", "good") if thresholds else ())
        ]
        bars.append(
            charts.Bar(
                label,
                None if value is None else float(value) / top,
                f"{_num(value, 2)}{unit}" + (f" ({band})" if band else ""),
                fill=BAND_COLOURS.get(band or "", "#1f5fa8"),
                ticks=ticks,
            )
        )
        desc.append(
            f"{label}: {_num(value, 2)}{unit if value is not None else ''}"
            + (f", band {band}" if band else ", no MITI threshold")
        )
    return charts.bar_chart(
        "miti",
        "Session metrics against MITI 4 thresholds",
        "; ".join(desc),
        bars,
        row_height=56,
        bar_height=20,
        track=True,
    )


def dimension_chart(dimensions: Mapping[str, float]) -> Markup:
    """Horizontal bars on the 1–5 scale; dimensions where lower is better are amber and ↓."""
    bars = []
    desc = []
    for name in DIMENSIONS:
        value = dimensions.get(name)
        lower = name in LOWER_IS_BETTER
        bars.append(
            charts.Bar(
                pretty(name) + (" ↓" if lower else ""),
                None if value is None else (float(value) - 1) / 4,
                _num(value),
                cls="bar lower" if lower else "bar",
                attrs={"data-dimension": name},
            )
        )
        if value is not None:
            desc.append(
                f"{pretty(name)} {_num(value)} of 5" + (" (lower is better)" if lower else "")
            )
    return charts.bar_chart(
        "dims",
        "Six conversation dimensions, 1 to 5",
        "; ".join(desc) or "No data",
        bars,
        label_width=230,
        bar_width=330,
        grid=[((k - 1) / 4, str(k)) for k in range(1, 6)],
        room=290,
        min_bar=2.0,
    )


def timeline_chart(turns: Sequence[Mapping[str, Any]]) -> Markup:
    """Each learner turn's empathy level (sum of the three mechanism levels, 0–6)."""
    points = []
    for turn in turns:
        labels = turn.get("labels") or {}
        if not turn.get("learner"):
            continue
        level = sum(int(labels.get(m) or 0) for m in MECHANISMS)
        # people count turns from 1: the number shown, and the anchor `#turn-N` it links to
        points.append((int(turn["index"]) + 1, level, labels.get("behaviour") or "other"))
    x0, y0, width, height = 40, 20, 530, 150
    parts = []
    for k in range(0, 7, 2):
        gy = y0 + height - height * k / 6
        parts.append(
            f'<line x1="{x0}" x2="{x0 + width}" y1="{gy:.1f}" y2="{gy:.1f}" '
            'class="grid"/>' + charts.text(x0 - 8, gy + 4, k, "tick", "end")
        )
    step = width / max(1, len(points) - 1) if len(points) > 1 else 0.0
    coords = [
        (x0 + (i * step if step else width / 2), y0 + height - height * lvl / 6)
        for i, (_, lvl, _) in enumerate(points)
    ]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" class="line"/>')
    for (index, level, kind), (x, y) in zip(points, coords, strict=True):
        tip = f"Turn {index}: {kind}, empathy level {level} of 6"
        parts.append(  # the link's <title> is its name and its tooltip
            f'<a href="#turn-{index}"><title>{escape(tip)}</title>'
            f"{charts.point_marker(kind, round(x, 1), round(y, 1))}</a>"
        )
        if len(points) <= 20:
            parts.append(charts.text(x, y0 + height + 16, index, "tick", "middle"))
    parts.append(charts.text(x0 + width / 2, y0 + height + 34, "turn number", "muted", "middle"))
    desc = ", ".join(f"turn {i} {k} level {lvl}" for i, lvl, k in points) or "No learner turns"
    return charts.svg(
        "timeline",
        "Empathy level of each learner turn",
        desc,
        600,
        height + 64,
        "".join(parts),
        attrs=' class="chart" preserveAspectRatio="xMinYMin meet"',
        role="group",  # its markers are links to the turns
    )


def _chips(turn: Mapping[str, Any]) -> list[dict[str, str]]:
    labels = turn.get("labels") or {}
    confidence = turn.get("confidence") or {}
    chips = []
    for name in CHIP_ORDER:
        value = labels.get(name)
        if value is None:
            continue
        shown = f"{value}/2" if name in MECHANISMS else str(value)
        conf = confidence.get(name)
        chips.append(
            {
                "label": pretty(name),
                "value": shown,
                "confidence": "" if conf is None else f"{round(100 * float(conf))}%",
                "kind": "mech" if name in MECHANISMS else "label",
            }
        )
    return chips


def render_html(report: Mapping[str, Any]) -> str:
    """Render the session report (shape documented in analysis/report.py) as one HTML file."""
    summary = report.get("summary") or {}
    metrics = summary.get("metrics") or {}
    dimensions = summary.get("dimensions") or {}
    missed = summary.get("missed_opportunities") or []
    risks = _risks_by_turn(missed)
    turns = []
    for turn in report.get("turns") or []:
        item = dict(turn)
        text = str(turn.get("text", ""))
        item["segments"] = highlight(text, turn.get("evidence"), risks.get(int(turn["index"])))
        item["chips"] = _chips(turn) if turn.get("learner") else []
        turns.append(item)
    pack = dict(report.get("pack") or {})
    pack.setdefault("licence", pack.get("license", "unknown"))
    context = {
        "report": report,
        "pack": pack,
        "source": report.get("source", ""),
        "learner": report.get("learner", ""),
        "notes": report.get("notes") or [],
        "judge": report.get("judge"),
        "judges": summary.get("judges"),
        "cannot_know": CANNOT_KNOW,
        "metrics": metrics,
        "thresholds": metrics.get("miti_thresholds") or MITI_THRESHOLDS,
        "band_colours": BAND_COLOURS,
        "dimensions": [
            {
                "key": d,
                "name": pretty(d),
                "value": dimensions.get(d),
                "help": DIMENSION_HELP[d],
                "lower": d in LOWER_IS_BETTER,
                "reliability": (summary.get("reliability") or {}).get(d),
            }
            for d in DIMENSIONS
        ],
        "has_dimensions": bool(dimensions),
        "turns": turns,
        "strengths": summary.get("strengths") or [],
        "missed": missed,
        "rewrites": summary.get("rewrites") or [],
        "charts": {
            "miti": miti_chart(metrics) if metrics else None,
            "dimensions": dimension_chart(dimensions) if dimensions else None,
            "timeline": timeline_chart(turns) if any(t.get("learner") for t in turns) else None,
        },
    }
    return _environment().get_template("report.html.j2").render(**context)
