"""The project's own corpus: parses, uses only the label scheme, and is large enough."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from empathic.analysis.datasets import read_labelled_csv
from empathic.analysis.labels import LABEL_VALUES, MECHANISMS, SUBTYPE_OF

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
FILES = sorted(CORPUS.glob("*.csv"))


def test_corpus_files_exist() -> None:
    assert len(FILES) >= 10, f"expected the corpus CSVs in {CORPUS}"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_file_parses_strictly_and_learner_rows_are_fully_labelled(path: Path) -> None:
    rows = read_labelled_csv(path)  # strict: any value outside the scheme raises DataError
    with path.open(encoding="utf-8", newline="") as handle:
        raw = list(csv.DictReader(handle))
    assert len(rows) == len(raw)
    previous: dict[str, str] = {}
    for row, cells in zip(rows, raw, strict=True):
        assert row.context == previous.get(row.conversation_id, ""), (path.name, row.line)
        previous[row.conversation_id] = row.text
        if cells["role"] != "learner":
            assert not row.labels, (path.name, row.line)
            continue
        for label in (*MECHANISMS, "behaviour", "strategy"):
            assert label in row.labels, (path.name, row.line, label)
        behaviour = row.labels["behaviour"]
        for subtype in SUBTYPE_OF:
            assert (subtype in row.labels) == (subtype == behaviour), (path.name, row.line)


def test_corpus_size_and_coverage() -> None:
    learner = [r for p in FILES for r in read_labelled_csv(p) if r.labels]
    conversations = {r.conversation_id for p in FILES for r in read_labelled_csv(p)}
    assert len(learner) >= 4000
    assert len(conversations) >= 300
    for label, values in LABEL_VALUES.items():
        seen = Counter(r.labels[label] for r in learner if label in r.labels)
        assert set(seen) == set(values), (label, seen)
        assert min(seen.values()) >= 30, (label, seen)


def test_corpus_carries_its_licence_and_datasheet() -> None:
    licence = (CORPUS / "LICENSE.md").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0" in licence
    sheet = (CORPUS / "DATASHEET.md").read_text(encoding="utf-8")
    for heading in ("## How it was written", "## Label definitions", "## Known gaps"):
        assert heading in sheet
    conversations = {r.conversation_id for p in FILES for r in read_labelled_csv(p)}
    learner = sum(1 for p in FILES for r in read_labelled_csv(p) if r.labels)
    # The datasheet's headline counts must describe the files as they are.
    assert f"{len(conversations):,} conversations" in sheet
    assert f"{learner:,} labelled turns" in sheet
