"""Reading labelled data in the canonical CSV (DESIGN.md §4) with clear errors.

Also knows how rows group into conversations for honest cross-validation,
including data sets that give every row its own id but keep a running
context (ESConv-style windows), which would otherwise leak across folds.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from empathic.analysis.labels import CANONICAL_COLUMNS, LABELS, is_valid, normalise_value
from empathic.csvcells import read_cell

REQUIRED = ("conversation_id", "text")

CORRECTIONS_SOURCE = "empathic-corrections"
"""The `source` of rows `empathic corrections export` writes: a person's label corrections."""


class DataError(ValueError):
    """Bad labelled data: names the file and line."""


@dataclass
class LabelledRow:
    """One utterance with its context and whichever labels its data set provides."""

    source: str
    conversation_id: str
    turn: int
    speaker: str
    context: str
    text: str
    labels: dict[str, str] = field(default_factory=dict)
    line: int = 0


def read_labelled_csv(
    path: Path, *, strict: bool = True, require_labels: bool = True
) -> list[LabelledRow]:
    """Rows of a canonical CSV; unknown label values are errors when strict."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as err:
        raise DataError(f"{path}: cannot open ({err.strerror})") from None
    rows: list[LabelledRow] = []
    with handle:
        reader = csv.DictReader(handle)
        try:
            header = reader.fieldnames or []
        except (csv.Error, UnicodeDecodeError) as err:
            raise DataError(f"{path}:1: unreadable CSV header ({err}); save it as UTF-8") from None
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise DataError(
                f"{path}:1: missing column(s) {', '.join(missing)}; "
                f"expected the canonical columns {', '.join(CANONICAL_COLUMNS)}"
            )
        present = [label for label in LABELS if label in header]
        if require_labels and not present:
            raise DataError(
                f"{path}:1: no label columns; expected at least one of {', '.join(LABELS)}"
            )
        try:
            for raw in reader:
                line = reader.line_num
                labels: dict[str, str] = {}
                for label in present:
                    value = normalise_value(label, raw.get(label) or "")
                    if value is None:
                        continue
                    if not is_valid(label, value):
                        if strict:
                            raise DataError(
                                f"{path}:{line}: {label}={value!r} is not in the label scheme"
                            )
                        continue
                    labels[label] = value
                turn_text = (raw.get("turn") or "").strip()
                rows.append(
                    LabelledRow(
                        source=(raw.get("source") or "").strip(),
                        conversation_id=(raw.get("conversation_id") or "").strip(),
                        turn=_turn_number(turn_text, len(rows)),
                        speaker=(raw.get("speaker") or "").strip(),
                        context=read_cell(raw.get("context") or ""),
                        text=read_cell(raw.get("text") or ""),
                        labels=labels,
                        line=line,
                    )
                )
        except (csv.Error, UnicodeDecodeError) as err:
            raise DataError(f"{path}:{reader.line_num}: unreadable CSV ({err})") from None
    return rows


def conversation_groups(rows: Sequence[LabelledRow]) -> list[str]:
    """A group key per row such that no conversation is split across folds.

    When ids are unique per row, consecutive rows whose context contains the
    previous row's text are chained into one dialogue.
    """
    ids = [row.conversation_id for row in rows]
    if len(set(ids)) < len(ids) * 0.9:
        return [f"{row.source}:{row.conversation_id}" for row in rows]
    groups: list[str] = []
    current = ""
    previous: LabelledRow | None = None
    for row in rows:
        chained = (
            previous is not None
            and previous.text.strip() != ""
            and previous.text.strip() in row.context
        )
        if not chained:
            current = f"{row.source}:{row.conversation_id}"
        groups.append(current)
        previous = row
    return groups


def _turn_number(text: str, fallback: int) -> int:
    """The turn column as a number; anything else (blank, "1.5", a superscript "¹", which
    `str.isdigit` accepts but `int` refuses, found by fuzzing) keeps the row's position."""
    try:
        return int(text)
    except ValueError:
        return fallback
