"""CSV exports never hand a spreadsheet a formula, and read back unchanged."""

from __future__ import annotations

import csv
import io

import pytest

from empathic.analysis.datasets import read_labelled_csv
from empathic.conversation import Transcript, Turn, parse_transcript, to_csv
from empathic.csvcells import read_cell, safe_cell

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_cells_are_neutralised_and_read_back(text: str) -> None:
    assert safe_cell(text) == "'" + text
    assert read_cell(safe_cell(text)) == text  # type: ignore[arg-type]
    assert safe_cell("fine") == "fine" and safe_cell(3) == 3
    assert read_cell("'quoted on purpose") == "'quoted on purpose"
    for tricky in ("'" + text, "''" + text, "'plain", "''"):
        assert read_cell(safe_cell(tricky)) == tricky  # type: ignore[arg-type]


def test_transcript_export_has_no_formula_cells_and_round_trips(tmp_path) -> None:
    turns = [Turn("Sam", "=cmd|' /C calc'!A0"), Turn("Alex", "- I think so."), Turn("Sam", "ok")]
    exported = to_csv(Transcript(turns=turns, source="chat.txt"))
    cells = [cell for row in csv.reader(io.StringIO(exported)) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    again = parse_transcript(exported, fmt="csv")
    assert [t.text for t in again.turns] == [t.text for t in turns]
    path = tmp_path / "labelled.csv"
    path.write_text(
        exported.replace("turn,speaker", "turn,speaker").replace("text\n", "text,behaviour\n", 1),
        encoding="utf-8",
    )
    rows = read_labelled_csv(path, require_labels=False)
    assert [r.text for r in rows] == [t.text for t in turns]
