"""The one chart module: accessible SVG, escaped text, labels that never overlap."""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser

import pytest

from empathic import charts
from empathic.charts import Bar, Marker, Series, Tick, bar_chart, line_chart, text_width


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(markup)
    return parser.tags


def x_labels(svg: str) -> list[tuple[float, str, str]]:
    """(x, anchor, text) of the x-axis labels (the text below the plot, grey)."""
    found = re.findall(
        r'<text x="([\d.]+)" y="(\d+)" text-anchor="(\w+)" fill="#4a5360">([^<]*)<', svg
    )
    bottom = max(int(y) for _, y, _, _ in found)
    return [(float(x), anchor, label) for x, y, anchor, label in found if int(y) == bottom]


def extents(labels: list[tuple[float, str, str]]) -> list[tuple[float, float]]:
    out = []
    for x, anchor, label in labels:
        w = text_width(label)
        left = {"start": x, "end": x - w, "middle": x - w / 2}[anchor]
        out.append((left, left + w))
    return sorted(out)


@pytest.mark.parametrize("n", [2, 5, 9, 17, 18, 30, 61, 200])
@pytest.mark.parametrize("label", ["turn {}", "run {} · 12 Mar 2026", "{}"])
def test_x_labels_never_overlap_and_the_ends_are_kept(n: int, label: str) -> None:
    names = [label.format(i) for i in range(1, n + 1)]
    svg = str(line_chart("T", names, [Series("s", [0.5] * n)]))
    shown = x_labels(svg)
    assert shown[-1][2] == names[-1] and shown[-1][1] == "end"
    assert len(shown) >= 2
    spans = extents(shown)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), spans
    assert spans[0][0] >= 48 - 0.1 and spans[-1][1] <= 640 - 12 + 0.1  # inside the plot


def test_markers_are_dashed_lines_with_titles_in_the_legend_and_description() -> None:
    svg = str(
        line_chart(
            "Trust",
            ["start", "turn 1", "turn 2"],
            [Series("Trust", [0.1, 0.4, None])],
            markers=[Marker(1, "workload <heavy>"), Marker(9, "out of range")],
            marker_name="fact uncovered",
        )
    )
    assert svg.count(f'stroke="{charts.MARKER_COLOUR}"') == 2  # the line and its legend entry
    assert "<title>fact uncovered: workload &lt;heavy&gt;</title>" in svg
    assert "Fact uncovered: turn 1: workload &lt;heavy&gt;." in svg
    assert "out of range" not in svg
    assert ">fact uncovered</text>" in svg
    assert "<title>Trust, turn 1: 40%</title>" in svg  # each point says what it is


def test_every_chart_is_an_image_labelled_by_its_own_title_and_description() -> None:
    made = [
        line_chart("A & B", ["1", "2"], [Series("x", [0.1, 0.2])]),
        bar_chart("bars", "Bars", "one bar", [Bar("b", 0.5, "50%")]),
        charts.svg("k", "Title", "Desc", 10, 10, ""),
    ]
    for markup in made:
        (tag, attrs), *_ = tags(str(markup))
        assert tag == "svg" and attrs["role"] == "img"
        for ref in (attrs["aria-labelledby"] or "").split():
            assert f'id="{ref}"' in markup
        assert "http" not in markup  # reports open offline: no URL, not even xmlns


def test_bar_chart_escapes_text_and_places_values_and_thresholds() -> None:
    svg = str(
        bar_chart(
            "b",
            "<t>",
            "<d>",
            [
                Bar(
                    "<script>",
                    0.25,
                    "25% <x>",
                    fill="#123456",
                    ticks=[Tick(0.4, "fair", "fair", "left"), Tick(0.5, "good", "good")],
                    attrs={"data-x": '"q"'},
                ),
                Bar("full", 1.0, "100%"),
                Bar("none", None),
            ],
            track=True,
        )
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;t&gt;" in svg
    assert 'data-x="&quot;q&quot;"' in svg
    assert re.search(r'<rect x="190" y="24" width="90.0" height="18" fill="#123456"/>', svg)
    assert 'class="value" text-anchor="start">25% &lt;x&gt;' in svg  # after a short bar
    assert 'class="value inside" text-anchor="end">100%' in svg  # inside a long one
    assert 'text-anchor="end">fair</text>' in svg and 'text-anchor="start">good</text>' in svg
    assert "not enough data" in svg


def test_line_chart_ids_differ_per_title_and_values_are_clamped() -> None:
    low = str(line_chart("One", ["a", "b"], [Series("s", [-5.0, 5.0])]))
    cys = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', low)]
    assert min(cys) >= 16 and max(cys) <= 260
    other = str(line_chart("Two", ["a", "b"], [Series("s", [0.0, 1.0])]))
    assert re.findall(r'id="([^"]+)"', low)[0] != re.findall(r'id="([^"]+)"', other)[0]
