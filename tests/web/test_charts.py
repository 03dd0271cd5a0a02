"""Server-drawn SVG charts: points land where the values say, ids never clash, text is escaped."""

from __future__ import annotations

import re

from empathic.charts import Series, data_table, line_chart


def test_points_are_placed_by_value_and_missing_values_are_skipped() -> None:
    svg = str(line_chart("Trust", ["1", "2", "3"], [Series("trust", [0.0, None, 1.0])], width=148))
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert len(circles) == 2
    (x0, y0), (x1, y1) = [(float(x), float(y)) for x, y in circles]
    assert x0 < x1 and y0 > y1  # 0 at the bottom, 1 at the top
    assert "from 0% to 100%" in svg


def test_two_charts_on_one_page_have_distinct_ids() -> None:
    first = str(line_chart("Trust", ["a"], [Series("t", [0.5])]))
    second = str(line_chart("Skills", ["a"], [Series("s", [0.5])]))
    ids = re.findall(r'id="([^"]+)"', first + second)
    assert len(ids) == 4 and len(set(ids)) == 4


def test_user_text_is_escaped_and_tables_show_every_value() -> None:
    svg = str(line_chart("<script>", ["<b>"], [Series("a&b", [0.25])]))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    table = str(data_table("Trust", ["run 1", "run 2"], [Series("trust", [0.25, None])]))
    assert "25%" in table and "–" in table and table.count("<tr>") == 3
