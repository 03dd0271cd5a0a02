"""Scoring a coder against labelled data (`empathic eval`).

Every label column present is scored on the rows where it is non-empty;
`question`, `reflection` and `input` are scored given the gold behaviour, so
a subtype is judged on its own and not through the behaviour classifier.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from empathic.analysis.coding import CodedUtterance
from empathic.analysis.datasets import LabelledRow
from empathic.analysis.labels import LABELS, SUBTYPE_OF
from empathic.analysis.scoring import score
from empathic.analysis.training import is_scored, task_rows

Progress = Callable[[int], None]
BATCH = 512


def _code(
    coder: Any,
    rows: Sequence[LabelledRow],
    given: str | None,
    progress: Progress | None,
) -> list[CodedUtterance]:
    coded: list[CodedUtterance] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        items = [(r.text, r.context) for r in batch]
        behaviours = [given] * len(batch) if given else None
        coded.extend(coder.code_many(items, behaviours))
        if progress:
            progress(len(batch))
    return coded


def rows_for(rows: Sequence[LabelledRow], task: str) -> list[LabelledRow]:
    """Rows on which a task is scored."""
    return [r for r in task_rows(rows, task) if is_scored(r, task)]


def work_size(rows: Sequence[LabelledRow]) -> int:
    """How many utterances evaluation will code, for a progress bar."""
    plain = {id(r) for task in LABELS if task not in SUBTYPE_OF for r in rows_for(rows, task)}
    return len(plain) + sum(len(rows_for(rows, task)) for task in SUBTYPE_OF)


def evaluate(
    coder: Any, rows: Sequence[LabelledRow], progress: Progress | None = None
) -> dict[str, dict[str, float | int]]:
    """Accuracy and macro-F1 per label present in rows."""
    results: dict[str, dict[str, float | int]] = {}
    plain_rows = [
        r
        for r in rows
        if r.text.strip() and any(t in r.labels for t in LABELS if t not in SUBTYPE_OF)
    ]
    plain_coded = _code(coder, plain_rows, None, progress)
    for task in LABELS:
        if task in SUBTYPE_OF:
            selected = rows_for(rows, task)
            if not selected:
                continue
            coded = _code(coder, selected, task, progress)
            gold = [r.labels[task] for r in selected]
            predicted = [str(c.labels.get(task)) for c in coded]
        else:
            pairs = [
                (r, c) for r, c in zip(plain_rows, plain_coded, strict=True) if task in r.labels
            ]
            if not pairs:
                continue
            gold = [r.labels[task] for r, _ in pairs]
            predicted = [str(c.labels.get(task)) for _, c in pairs]
        results[task] = score(gold, predicted)
    return results
