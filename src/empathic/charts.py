"""Server-drawn SVG charts for the web pages, the HTML report and the role-play debrief.

DESIGN.md names Vega-Lite; we draw plain SVG instead because the charts here are
simple line and bar charts, the pages must work without JavaScript, under a strict
Content-Security-Policy and from an e-mail attachment, and a vendored Vega bundle
would add about 1 MB to every page. Every chart is an `<svg role="img">` labelled by
its own title and description, every piece of text is escaped here, and axis labels
are thinned until they cannot overlap. Pure functions: markup in, markup out.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Literal

from markupsafe import Markup

PALETTE = ("#1f5f8b", "#b35900", "#1e6b3a", "#7a3e9d", "#a12a2a", "#4a5360")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "4 4")
"""Each series also gets its own dash pattern so colour is never the only cue."""
MARKER_COLOUR, MARKER_DASH = "#8a5a00", "3 3"
CHAR_WIDTH = 7.2
"""Generous width of one character at font-size 12, used to keep labels apart."""
GAP = 6


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Marker:
    """A dashed vertical line at x position `index`, e.g. "a fact uncovered" after a turn."""

    index: int
    label: str


@dataclass(frozen=True)
class Tick:
    """A threshold across one bar at `at` (0–1 of the bar's scale), labelled on one side."""

    at: float
    label: str
    cls: str = ""
    side: Literal["left", "right"] = "right"


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart; `value` is 0–1 of the scale, None when there is no data."""

    label: str
    value: float | None
    shown: str = ""
    fill: str = ""
    cls: str = "bar"
    ticks: Sequence[Tick] = ()
    attrs: Mapping[str, str] = field(default_factory=dict)


def svg(
    key: str,
    title: str,
    desc: str,
    width: float,
    height: float,
    body: str,
    *,
    attrs: str = "",
    role: str = "img",
) -> Markup:
    """The accessible wrapper every chart shares: role="img", labelled by title and desc.

    A chart whose marks are links is role="group" instead: an image's content is one
    picture to assistive technology, so links inside it would be reachable by Tab and yet
    nameless (axe: nested-interactive). No xmlns: these are inline in HTML, which implies
    it, and reports must not hold a URL.
    """
    return Markup(
        f'<svg{attrs} viewBox="0 0 {width:g} {height:g}" role="{role}" '
        f'aria-labelledby="{key}-title {key}-desc">'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def text(x: float, y: float, content: object, cls: str = "", anchor: str = "start") -> str:
    """An escaped <text>; styled by class, so pages and reports keep their own CSS."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{escape(cls)}" text-anchor="{anchor}">'
        f"{escape(str(content))}</text>"
    )


def value_label(x0: float, bar: float, room: float, y: float, shown: str) -> str:
    """A value after the bar, or inside its end (white on the bar) when there is no room."""
    if bar <= room:
        return text(x0 + bar + 6, y, shown, "value")
    return text(x0 + bar - 6, y, shown, "value inside", "end")


def point_marker(shape: str, x: float, y: float) -> str:
    """Shapes that tell kinds of point apart without colour: diamond, ring, square, dot."""
    if shape == "reflection":
        return f'<polygon points="{x},{y - 7} {x + 7},{y} {x},{y + 7} {x - 7},{y}" class="m-refl"/>'
    if shape == "question":
        return f'<circle cx="{x}" cy="{y}" r="6" class="m-q"/>'
    if shape == "input":
        return f'<rect x="{x - 5}" y="{y - 5}" width="10" height="10" class="m-in"/>'
    return f'<circle cx="{x}" cy="{y}" r="3.5" class="m-other"/>'


def bar_chart(
    key: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    *,
    width: int = 600,
    label_width: int = 190,
    bar_width: int = 360,
    row_height: int = 34,
    bar_height: int = 18,
    track: bool = False,
    grid: Sequence[tuple[float, str]] = (),
    room: float | None = None,
    min_bar: float = 0.0,
) -> Markup:
    """Horizontal bars with labels on the left, optional grid, thresholds and value labels.

    Styled by class (axis, track, bar, value, tick, grid, threshold, muted) for the
    page's CSS; `room` is how long a bar may be before its value moves inside it.
    """
    top, x0 = 24, label_width
    room = bar_width - 110 if room is None else room
    parts = []
    for at, label in grid:
        gx = x0 + bar_width * at
        parts.append(
            f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="{top - 6}" '
            f'y2="{top - 6 + len(bars) * row_height}" class="grid"/>'
            + text(gx, top - 12, label, "tick", "middle")
        )
    baseline = round(bar_height * 0.75)
    for i, bar in enumerate(bars):
        y = top + i * row_height
        attrs = "".join(f' {name}="{escape(value)}"' for name, value in bar.attrs.items())
        parts.append(f"<g{attrs}>" + text(0, y + baseline, bar.label, "axis"))
        if track:
            parts.append(
                f'<rect x="{x0}" y="{y}" width="{bar_width}" height="{bar_height}" class="track"/>'
            )
        if bar.value is None:
            parts.append(text(x0 + 8, y + baseline, "not enough data", "muted"))
        else:
            w = max(min_bar, bar_width * min(max(bar.value, 0.0), 1.0))
            paint = f'fill="{escape(bar.fill)}"' if bar.fill else f'class="{escape(bar.cls)}"'
            parts.append(f'<rect x="{x0}" y="{y}" width="{w:.1f}" height="{bar_height}" {paint}/>')
            parts.append(value_label(x0, w, room, y + baseline, bar.shown))
        for tick in bar.ticks:
            tx = x0 + bar_width * tick.at
            parts.append(
                f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{y - 6}" y2="{y + bar_height + 6}" '
                f'class="threshold {escape(tick.cls)}"/>'
            )
            # a label left of its line and the next one right: close thresholds don't collide
            side = (tx - 3, "end") if tick.side == "left" else (tx + 3, "start")
            parts.append(text(side[0], y - 9, tick.label, "tick", side[1]))
        parts.append("</g>")
    height = top + len(bars) * row_height + (6 if grid else 0)
    attrs = ' class="chart" preserveAspectRatio="xMinYMin meet"'
    return svg(key, title, desc, width, height, "".join(parts), attrs=attrs)


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
    markers: Sequence[Marker] = (),
    marker_name: str = "marker",
) -> Markup:
    """A multi-series line chart with optional shaded bands (e.g. MITI fair/good ranges) and
    dashed vertical markers; styled inline, so it looks the same on any page."""
    left, right, top = 48, 12, 16
    names = [s.name for s in series] + ([marker_name] if markers else [])
    legend = _legend_rows(names, left, width - right)
    bottom = 30 + 18 * len(legend)
    height += 18 * (len(legend) - 1)
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(x_labels), 1)
    span = (y_max - y_min) or 1.0

    def x(i: int) -> float:
        return left + (plot_w * (i / (n - 1)) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (min(max(v, y_min), y_max) - y_min) / span)

    def fmt(v: float) -> str:
        return escape(y_format.format(v))

    parts = []
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
            f'fill="#4a5360">{fmt(value)}</text>'
        )
    for i in _shown_labels([x(i) for i in range(len(x_labels))], x_labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - bottom + 16}" text-anchor="{_anchor(i, n)}" '
            f'fill="#4a5360">{escape(x_labels[i])}</text>'
        )
    for m in markers:
        if 0 <= m.index < n:
            parts.append(
                f'<line x1="{x(m.index):.1f}" x2="{x(m.index):.1f}" y1="{top}" '
                f'y2="{top + plot_h}" stroke="{MARKER_COLOUR}" stroke-dasharray="{MARKER_DASH}">'
                f"<title>{escape(f'{marker_name}: {m.label}')}</title></line>"
            )
    for index, s in enumerate(series):
        colour, dash = PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]
        points = [(i, x(i), y(v), v) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for _, px, py, _ in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
                f'stroke-dasharray="{dash}"/>'
            )
        for i, px, py, v in points:
            where = x_labels[i] if i < len(x_labels) else str(i + 1)
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(s.name)}, {escape(where)}: {fmt(v)}</title></circle>"
            )
    for row, items in enumerate(legend):
        ly = height - bottom + 34 + 18 * row
        for index, legend_x in items:
            if index < len(series):
                colour, dash = PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]
            else:
                colour, dash = MARKER_COLOUR, MARKER_DASH
            parts.append(
                f'<line x1="{legend_x}" x2="{legend_x + 22}" y1="{ly - 4}" y2="{ly - 4}" '
                f'stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/>'
                f'<text x="{legend_x + 26}" y="{ly}" fill="#1b1f24">{escape(names[index])}</text>'
            )
    key = f"c{zlib.crc32(title.encode()):08x}"  # ids unique per chart when a page holds several
    desc = _describe(x_labels, series, y_format, markers, marker_name)
    attrs = ' font-family="system-ui, sans-serif" font-size="12"'
    return svg(key, title, desc, width, height, "".join(parts), attrs=attrs)


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
        f'<div class="table-wrap" role="region" aria-label="{escape(caption)}" tabindex="0">'
        f'<table><thead><tr><th scope="col"></th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></details>"
    )


def text_width(label: str) -> float:
    """Estimated width of a label at font-size 12 (generous, so estimates never overlap)."""
    return CHAR_WIDTH * len(label)


def _shown_labels(xs: Sequence[float], labels: Sequence[str]) -> list[int]:
    """Indices of the x labels to draw: evenly spaced, the last always, none touching."""
    n = len(labels)
    if n == 0:
        return []
    widest = max(text_width(label) for label in labels)
    slot = (xs[-1] - xs[0]) / (n - 1) if n > 1 else widest
    step = max(1, math.ceil((widest + GAP) / max(slot, 1e-9)))

    def clash(a: int, b: int) -> bool:
        return _extent(xs, labels, a)[1] + GAP > _extent(xs, labels, b)[0]

    shown: list[int] = []
    for i in range(0, n, step):
        if not shown or not clash(shown[-1], i):
            shown.append(i)
    if shown[-1] != n - 1:
        while shown and clash(shown[-1], n - 1):
            shown.pop()  # the last label matters more than the one before it
        shown.append(n - 1)
    return shown


def _extent(xs: Sequence[float], labels: Sequence[str], i: int) -> tuple[float, float]:
    """Left and right edge of label i, given its anchor."""
    w = text_width(labels[i])
    anchor = _anchor(i, len(labels))
    if anchor == "start":
        return xs[i], xs[i] + w
    if anchor == "end":
        return xs[i] - w, xs[i]
    return xs[i] - w / 2, xs[i] + w / 2


def _anchor(i: int, n: int) -> str:
    """End labels hug the plot's edges so they are never cut off."""
    if n > 1 and i == 0:
        return "start"
    if n > 1 and i == n - 1:
        return "end"
    return "middle"


def _legend_rows(names: Sequence[str], start: int, end: int) -> list[list[tuple[int, int]]]:
    """(entry index, x) per legend row, wrapping before an entry would overflow the chart."""
    rows: list[list[tuple[int, int]]] = [[]]
    x = start
    for index, name in enumerate(names):
        needed = 34 + math.ceil(text_width(name))
        if rows[-1] and x + needed > end:
            rows.append([])
            x = start
        rows[-1].append((index, x))
        x += needed
    return rows


def _fmt(value: float | None, y_format: str) -> str:
    return "–" if value is None else escape(y_format.format(value))


def _describe(
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_format: str,
    markers: Sequence[Marker],
    marker_name: str,
) -> str:
    parts = []
    for s in series:
        known = [v for v in s.values if v is not None]
        if known:
            parts.append(
                f"{s.name}: from {y_format.format(known[0])} to {y_format.format(known[-1])}"
            )
    points = f"{len(x_labels)} points"
    said = f"{points}. " + "; ".join(parts) + "." if parts else f"{points}, no values."
    where = [f"{x_labels[m.index]}: {m.label}" for m in markers if 0 <= m.index < len(x_labels)]
    return said + (f" {marker_name.capitalize()}: " + "; ".join(where) + "." if where else "")
