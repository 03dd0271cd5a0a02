"""Server-rendered SVG charts: no JavaScript, readable by screen readers, tiny pages.

DESIGN.md names Vega-Lite; we draw plain SVG instead because the charts here are
simple line charts, the pages must work without JavaScript and under a strict
Content-Security-Policy, and a vendored Vega bundle would add about 1 MB to
every page. Each chart carries a title, a description and a data table fallback.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

PALETTE = ("#1f5f8b", "#b35900", "#1e6b3a", "#7a3e9d", "#a12a2a", "#4a5360")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "4 4")
"""Each series also gets its own dash pattern so colour is never the only cue."""


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    y_min: float = 0.0,
    y_max: float = 1.0,
    y_format: str = "{:.0%}",
    width: int = 640,
    height: int = 260,
    bands: Sequence[tuple[float, float, str]] = (),
) -> Markup:
    """A multi-series line chart with optional shaded bands (e.g. MITI fair/good ranges)."""
    left, right, top = 48, 12, 16
    legend = _legend_rows(series, left, width - right)
    bottom = 30 + 18 * len(legend)
    height += 18 * (len(legend) - 1)
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(x_labels), 1)
    span = (y_max - y_min) or 1.0

    def x(i: int) -> float:
        return left + (plot_w * (i / (n - 1)) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (min(max(v, y_min), y_max) - y_min) / span)

    key = f"c{zlib.crc32(title.encode()):08x}"  # ids unique per chart when a page holds several
    parts = [
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="{key}-t {key}-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{key}-t">{escape(title)}</title>',
        f'<desc id="{key}-d">{escape(_describe(x_labels, series, y_format))}</desc>',
    ]
    for low, high, label in bands:
        parts.append(
            f'<rect x="{left}" y="{y(high):.1f}" width="{plot_w}" '
            f'height="{y(low) - y(high):.1f}" fill="#eef3e8"/>'
            f'<text x="{left + plot_w - 4}" y="{y(high) + 12:.1f}" text-anchor="end" '
            f'fill="#1e6b3a">{escape(label)}</text>'
        )
    for k in range(5):
        value = y_min + span * k / 4
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#d3d7dc"/><text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" '
            f'fill="#4a5360">{escape(y_format.format(value))}</text>'
        )
    step = max(1, n // 8)
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 16}" text-anchor="{_anchor(i, n)}" '
                f'fill="#4a5360">{escape(label)}</text>'
            )
    for index, s in enumerate(series):
        colour, dash = PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]
        points = [(x(i), y(v)) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
                f'stroke-dasharray="{dash}"/>'
            )
        for px, py in points:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>')
    for row, items in enumerate(legend):
        ly = height - bottom + 34 + 18 * row
        for index, legend_x in items:
            colour, dash = PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]
            parts.append(
                f'<line x1="{legend_x}" x2="{legend_x + 22}" y1="{ly - 4}" y2="{ly - 4}" '
                f'stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/>'
                f'<text x="{legend_x + 26}" y="{ly}" fill="#1b1f24">'
                f"{escape(series[index].name)}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def data_table(
    caption: str, x_labels: Sequence[str], series: Sequence[Series], y_format: str = "{:.0%}"
) -> Markup:
    """The chart's numbers as a table, for screen readers and for anyone who wants exact values."""
    head = "".join(f'<th scope="col">{escape(s.name)}</th>' for s in series)
    rows = []
    for i, label in enumerate(x_labels):
        cells = "".join(
            f"<td>{_fmt(s.values[i] if i < len(s.values) else None, y_format)}</td>" for s in series
        )
        rows.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
    return Markup(
        f'<details class="chart-data"><summary>{escape(caption)} as a table</summary>'
        f'<div class="table-wrap"><table><thead><tr><th scope="col"></th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></details>"
    )


def _anchor(i: int, n: int) -> str:
    """End labels hug the plot's edges so they are never cut off."""
    if n > 1 and i == 0:
        return "start"
    if n > 1 and i == n - 1:
        return "end"
    return "middle"


def _legend_rows(series: Sequence[Series], start: int, end: int) -> list[list[tuple[int, int]]]:
    """(series index, x) per legend row, wrapping before an entry would overflow the chart."""
    rows: list[list[tuple[int, int]]] = [[]]
    x = start
    for index, s in enumerate(series):
        needed = 34 + 7 * len(s.name)
        if rows[-1] and x + needed > end:
            rows.append([])
            x = start
        rows[-1].append((index, x))
        x += needed
    return rows


def _fmt(value: float | None, y_format: str) -> str:
    return "–" if value is None else escape(y_format.format(value))


def _describe(x_labels: Sequence[str], series: Sequence[Series], y_format: str) -> str:
    parts = []
    for s in series:
        known = [v for v in s.values if v is not None]
        if known:
            parts.append(
                f"{s.name}: from {y_format.format(known[0])} to {y_format.format(known[-1])}"
            )
    points = f"{len(x_labels)} points"
    return f"{points}. " + "; ".join(parts) if parts else f"{points}, no values."
