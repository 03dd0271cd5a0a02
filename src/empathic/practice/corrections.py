"""Label corrections: a person says a coded label is wrong, and it becomes training data.

DESIGN §2.5: every AI output can be corrected by a person, and corrections are
stored and exportable. A correction keeps the predicted value, the learner's
turn and the counterpart line it answered, so the export is a canonical CSV
(`analysis.datasets`) that `empathic eval` and `empathic train` read directly.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.analysis.datasets import CORRECTIONS_SOURCE, LabelledRow
from empathic.analysis.labels import CANONICAL_COLUMNS, LABEL_VALUES, LABELS, normalise_value
from empathic.csvcells import safe_cell
from empathic.practice.models import Correction, PracticeRun
from empathic.practice.service import (
    PracticeError,
    SimulationCache,
    context_before,
    plain,
    turn_of,
)

SOURCE = CORRECTIONS_SOURCE
"""The `source` column of exported rows, so mixed data sets can tell them apart."""

MAX_NOTE = 1000


def parse_choice(label: str, value: str) -> tuple[str, str]:
    """Validate a label and value; the value may also be written `label=value` (one select)."""
    label, value = label.strip(), value.strip()
    if "=" in value:
        named, value = (part.strip() for part in value.split("=", 1))
        if label and label != named:
            raise PracticeError(f"The value chosen belongs to {named!r}, not to {label!r}.")
        label = named
    if label not in LABEL_VALUES:
        raise PracticeError(f"Choose a label: {', '.join(LABELS)}.")
    canonical = normalise_value(label, value)
    if canonical is None or canonical not in LABEL_VALUES[label]:
        allowed = ", ".join(LABEL_VALUES[label])
        raise PracticeError(f"{value!r} is not a value of {label}; choose one of: {allowed}.")
    return label, canonical


def add_correction(
    db: Session,
    cache: SimulationCache,
    user: User,
    run: PracticeRun,
    turn_index: int,
    label: str,
    value: str,
    note: str = "",
) -> Correction:
    """Store a correction of one learner turn's label, with what the coder had predicted."""
    if run.status != "ended":
        raise PracticeError("Correct labels from the debrief, after the conversation has ended.")
    label, corrected = parse_choice(label, value)
    try:
        turn = turn_of(run, turn_index)
    except LookupError as exc:
        raise PracticeError(f"There is no turn {turn_index} in this conversation.") from exc
    steps = cache.get(run).steps
    step = steps[turn_index - 1] if 0 < turn_index <= len(steps) else None
    predicted = (step.labels.get(label) if step is not None else None) or ""
    correction = Correction(
        user_id=user.id,
        run_id=run.id,
        turn_index=turn.index,
        label=label,
        predicted=predicted,
        corrected=corrected,
        text=turn.learner_text,
        context=context_before(run, turn.index),
        note=plain(note).strip()[:MAX_NOTE],
    )
    db.add(correction)
    db.flush()
    return correction


def latest_corrections(db: Session, user: User | None = None) -> list[Correction]:
    """One correction per (run, turn, label): the newest wins, as a person's last word."""
    query = select(Correction).order_by(Correction.created_at, Correction.id)
    if user is not None:
        query = query.where(Correction.user_id == user.id)
    newest: dict[tuple[str, int | None, str], Correction] = {}
    for correction in db.scalars(query):
        key = (
            correction.run_id or f"correction-{correction.id}",
            correction.turn_index,
            correction.label,
        )
        newest.pop(key, None)
        newest[key] = correction
    return list(newest.values())


def corrections_for_run(db: Session, run: PracticeRun) -> dict[int, list[Correction]]:
    """A run's stored corrections by turn, to show the learner what they already fixed."""
    found: dict[int, list[Correction]] = {}
    query = select(Correction).where(Correction.run_id == run.id).order_by(Correction.id)
    for correction in db.scalars(query):
        found.setdefault(correction.turn_index or 0, []).append(correction)
    return found


def label_overrides(by_turn: Mapping[int, list[Correction]]) -> dict[int, dict[str, str]]:
    """A run's corrections (`corrections_for_run`) as the debrief counts them: learner turn
    -> {label: value}, the newest per label last, as a person's last word."""
    found: dict[int, dict[str, str]] = {}
    for turn, corrections in by_turn.items():
        labels = found.setdefault(turn, {})
        for correction in sorted(corrections, key=lambda c: c.id):
            labels.pop(correction.label, None)
            labels[correction.label] = correction.corrected
    return found


def _row(c: Correction) -> dict[str, str]:
    """One exported row: the canonical columns and only the corrected label filled."""
    row = {name: "" for name in (*CANONICAL_COLUMNS, *LABELS)}
    row.update(
        source=SOURCE,
        conversation_id=c.run_id or f"correction-{c.id}",
        turn="" if c.turn_index is None else str(c.turn_index),
        speaker="learner",
        context=c.context,
        text=c.text,
    )
    row[c.label] = c.corrected
    return row


def write_csv(corrections: Iterable[Correction], out: TextIO) -> int:
    """Write canonical CSV rows (only the corrected label filled); returns the row count."""
    writer = csv.DictWriter(out, fieldnames=[*CANONICAL_COLUMNS, *LABELS], lineterminator="\n")
    writer.writeheader()
    count = 0
    for c in corrections:
        writer.writerow({k: safe_cell(v) for k, v in _row(c).items()})
        count += 1
    return count


def labelled_rows(corrections: Iterable[Correction]) -> list[LabelledRow]:
    """The rows `write_csv` exports, read back as labelled data, to score packs on the
    database's corrections without a file."""
    rows = []
    for c in corrections:
        row = _row(c)
        rows.append(
            LabelledRow(
                source=row["source"],
                conversation_id=row["conversation_id"],
                turn=c.turn_index or 0,
                speaker=row["speaker"],
                context=row["context"],
                text=row["text"],
                labels={c.label: c.corrected},
            )
        )
    return rows


def export(db: Session, out: TextIO, user: User | None = None) -> int:
    """Export the newest corrections (of one user, or everyone's) as canonical CSV."""
    return write_csv(latest_corrections(db, user), out)
