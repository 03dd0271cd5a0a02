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


def _svg(kind: str, title: str, desc: str, width: int, height: int, body: str) -> Markup:
    """Wrap chart content in an accessible, responsive SVG element."""
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{kind}-title {kind}-desc" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{kind}-title">{escape(title)}</title>'
        f'<desc id="{kind}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def _text(x: float, y: float, content: Any, cls: str = "", anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}">'
        f"{escape(str(content))}</text>"
    )


def _value_label(x0: float, bar: float, room: float, y: float, shown: str) -> str:
    """A value after the bar, or inside its end (white on the bar) when there is no room."""
    if bar <= room:
        return _text(x0 + bar + 6, y, shown, "value")
    return _text(x0 + bar - 6, y, shown, "value inside", "end")


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
    x0, width, row_h = 190, 360, 56
    parts: list[str] = []
    desc: list[str] = []
    for i, (label, value, top, thresholds, band, unit) in enumerate(rows):
        y = 24 + i * row_h
        parts.append(_text(0, y + 15, label, "axis"))
        parts.append(f'<rect x="{x0}" y="{y}" width="{width}" height="20" class="track"/>')
        if value is None:
            parts.append(_text(x0 + 8, y + 15, "not enough data", "muted"))
        else:
            colour = BAND_COLOURS.get(band or "", "#1f5fa8")
            w = width * min(float(value), top) / top
            parts.append(f'<rect x="{x0}" y="{y}" width="{w:.1f}" height="20" fill="{colour}"/>')
            shown = f"{_num(value, 2)}{unit}" + (f" ({band})" if band else "")
            parts.append(_value_label(x0, w, width - 110, y + 15, shown))
        for name in ("fair", "good") if thresholds else ():
            tx = x0 + width * float(thresholds[name]) / top
            parts.append(
                f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{y - 6}" y2="{y + 26}" '
                f'class="threshold {name}"/>'
            )
            # fair's label sits left of its line and good's right, so close thresholds don't collide
            side = (tx - 3, "end") if name == "fair" else (tx + 3, "start")
            parts.append(_text(side[0], y - 9, f"{name} {_num(thresholds[name])}", "tick", side[1]))
        desc.append(
            f"{label}: {_num(value, 2)}{unit if value is not None else ''}"
            + (f", band {band}" if band else ", no MITI threshold")
        )
    return _svg(
        "miti",
        "Session metrics against MITI 4 thresholds",
        "; ".join(desc),
        600,
        24 + len(rows) * row_h,
        "".join(parts),
    )


def dimension_chart(dimensions: Mapping[str, float]) -> Markup:
    """Horizontal bars on the 1–5 scale; dimensions where lower is better are amber and ↓."""
    x0, width, row_h = 230, 330, 34
    parts = []
    for k in range(1, 6):
        gx = x0 + width * (k - 1) / 4
        parts.append(
            f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="18" y2="{18 + 6 * row_h}" class="grid"/>'
        )
        parts.append(_text(gx, 12, k, "tick", "middle"))
    desc = []
    for i, name in enumerate(DIMENSIONS):
        y = 24 + i * row_h
        value = dimensions.get(name)
        lower = name in LOWER_IS_BETTER
        label = pretty(name) + (" ↓" if lower else "")
        parts.append(f'<g data-dimension="{name}">' + _text(0, y + 14, label, "axis"))
        if value is None:
            parts.append(_text(x0 + 6, y + 14, "not enough data", "muted") + "</g>")
            continue
        w = max(2.0, width * (float(value) - 1) / 4)
        cls = "bar lower" if lower else "bar"
        parts.append(f'<rect x="{x0}" y="{y}" width="{w:.1f}" height="18" class="{cls}"/>')
        parts.append(_value_label(x0, w, width - 40, y + 14, _num(value)) + "</g>")
        desc.append(f"{pretty(name)} {_num(value)} of 5" + (" (lower is better)" if lower else ""))
    return _svg(
        "dims",
        "Six conversation dimensions, 1 to 5",
        "; ".join(desc) or "No data",
        600,
        30 + 6 * row_h,
        "".join(parts),
    )


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "reflection":
        return f'<polygon points="{x},{y - 7} {x + 7},{y} {x},{y + 7} {x - 7},{y}" class="m-refl"/>'
    if kind == "question":
        return f'<circle cx="{x}" cy="{y}" r="6" class="m-q"/>'
    if kind == "input":
        return f'<rect x="{x - 5}" y="{y - 5}" width="10" height="10" class="m-in"/>'
    return f'<circle cx="{x}" cy="{y}" r="3.5" class="m-other"/>'


def timeline_chart(turns: Sequence[Mapping[str, Any]]) -> Markup:
    """Each learner turn's empathy level (sum of the three mechanism levels, 0–6)."""
    points = []
    for turn in turns:
        labels = turn.get("labels") or {}
        if not turn.get("learner"):
            continue
        level = sum(int(labels.get(m) or 0) for m in MECHANISMS)
        points.append((int(turn["index"]), level, labels.get("behaviour") or "other"))
    x0, y0, width, height = 40, 20, 530, 150
    parts = []
    for k in range(0, 7, 2):
        gy = y0 + height - height * k / 6
        parts.append(
            f'<line x1="{x0}" x2="{x0 + width}" y1="{gy:.1f}" y2="{gy:.1f}" '
            'class="grid"/>' + _text(x0 - 8, gy + 4, k, "tick", "end")
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
        parts.append(
            f'<a href="#turn-{index}"><g><title>{escape(tip)}</title>'
            f"{_marker(kind, round(x, 1), round(y, 1))}</g></a>"
        )
        if len(points) <= 20:
            parts.append(_text(x, y0 + height + 16, index, "tick", "middle"))
    parts.append(_text(x0 + width / 2, y0 + height + 34, "turn number", "muted", "middle"))
    desc = ", ".join(f"turn {i} {k} level {lvl}" for i, lvl, k in points) or "No learner turns"
    return _svg(
        "timeline", "Empathy level of each learner turn", desc, 600, height + 64, "".join(parts)
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
