"""Where a person should look first: the review queue and the organisation packs' scores.

The queue lists the learner turns of the runs shared with a facilitator (the
runs whose debriefs they may open), least confident first: a turn's confidence
is the lowest the coder gave its behaviour and EPITOME labels, leaving out the
labels a person already corrected. Each turn's codes are kept (`TurnCode`), so a view codes
only the turns shared since the last one. The comparison scores `open` and each
organisation pack on the corrections of the runs that pack held back from
training, as `empathic packs compare open NAME --data CORRECTIONS.csv` does.
No HTTP here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from empathic import __version__
from empathic.accounts.models import User
from empathic.accounts.service import audit, overseen_ids
from empathic.analysis.coding import Coder
from empathic.analysis.labels import MECHANISMS
from empathic.analysis.packs import PackError, PackInfo
from empathic.practice.corrections import labelled_rows, latest_corrections
from empathic.practice.models import Correction, PracticeRun, PracticeTurn, TurnCode

REVIEWED_LABELS = ("behaviour", *MECHANISMS)
"""The labels whose confidence ranks a turn: what the metrics and dimensions count most."""
PAGE_SIZE = 50
MAX_RUNS = 200
"""Newest shared runs read per page view: coding them all again must stay quick."""


@dataclass(frozen=True)
class QueueItem:
    """One learner turn and the label the coder was least sure of."""

    run_id: str
    title: str
    owner_id: int
    owner: str
    turn: int
    text: str
    label: str
    value: str
    confidence: float

    @property
    def link(self) -> str:
        return f"/runs/{self.run_id}/debrief#turn-{self.turn}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "title": self.title,
            "learner": self.owner,
            "turn": self.turn,
            "text": self.text,
            "label": self.label,
            "value": self.value,
            "confidence": self.confidence,
            "link": self.link,
        }


@dataclass(frozen=True)
class Queue:
    """One page of the queue and how much there is in all."""

    items: list[QueueItem]
    total: int
    runs: int
    page: int
    pages: int
    capped: bool
    """More runs are shared than MAX_RUNS: only the newest were read."""

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


@dataclass(frozen=True)
class SharedRun:
    """What the queue needs of a shared run: no summary, no turns (loaded apart)."""

    id: str
    title: str
    opening: str
    owner_id: int
    owner: str


def shared_ended_runs(db: Session, viewer: User) -> list[SharedRun]:
    """The newest ended runs shared by people the viewer oversees (MAX_RUNS + 1 at most)."""
    query = (
        select(PracticeRun.id, PracticeRun.title, PracticeRun.opening, User.id, User.name)
        .join(User, User.id == PracticeRun.user_id)
        .where(
            PracticeRun.shared.is_(True),
            PracticeRun.status == "ended",
            User.id.in_(overseen_ids(viewer)),
        )
        .order_by(PracticeRun.created_at.desc(), PracticeRun.id)
        .limit(MAX_RUNS + 1)
    )
    return [SharedRun(*row) for row in db.execute(query).all()]


def _corrected_labels(db: Session, run_ids: Sequence[str]) -> dict[tuple[str, int], set[str]]:
    found: dict[tuple[str, int], set[str]] = {}
    if not run_ids:
        return found
    query = select(Correction.run_id, Correction.turn_index, Correction.label).where(
        Correction.run_id.in_(run_ids)
    )
    for run_id, turn_index, label in db.execute(query):
        if run_id is not None and turn_index is not None:
            found.setdefault((run_id, turn_index), set()).add(label)
    return found


@dataclass(frozen=True)
class CodedTurn:
    """A learner turn with the labels that rank it: {label: (value, confidence)}."""

    run_id: str
    index: int
    text: str
    labels: dict[str, tuple[str, float]]


def coder_key(coder: Coder) -> str:
    """Which coder coded a turn, precisely enough that stored codes never outlive it.

    A pack's name and version, plus a fingerprint of its files: a pack retrained the same
    day keeps its date as version (the correct-then-retrain loop) but not its files. The
    rule coder: its name and the app's version (rules change with releases). Both also
    carry the labels the queue ranks on, so ranking on another label codes again.
    """
    info = getattr(coder, "info", None)
    name = str(getattr(coder, "name", type(coder).__name__))
    parts = [name, ",".join(REVIEWED_LABELS)]
    # the files the coder in memory was loaded from, not what is on disk now: a retrain
    # writes new files, but this process keeps coding with the pack it loaded
    fingerprint = str(getattr(coder, "fingerprint", ""))
    parts += [info.version, fingerprint] if info is not None else [__version__]
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]
    shown = f"{name}@{info.version}" if info is not None else name
    return f"{shown[:140]}#{digest}"


def _basis(text: str, before: str) -> str:
    return hashlib.sha256(f"{text}\x00{before}".encode()).hexdigest()


def coded_turns(db: Session, runs: Sequence[SharedRun], coder: Coder) -> list[CodedTurn]:
    """Every learner turn of `runs` with its ranking labels, in run order then turn order.

    Codes are read from `practice_turn_codes`; only turns this coder never coded (or whose
    text changed since) are coded now, and their codes are kept for the next view.
    """
    if not runs:
        return []
    key = coder_key(coder)
    rows = db.execute(
        select(
            PracticeTurn.id,
            PracticeTurn.run_id,
            PracticeTurn.index,
            PracticeTurn.learner_text,
            PracticeTurn.reply,
            TurnCode.basis,
            TurnCode.labels,
        )
        .outerjoin(TurnCode, (TurnCode.turn_id == PracticeTurn.id) & (TurnCode.coder == key))
        .where(PracticeTurn.run_id.in_([run.id for run in runs]))
        .order_by(PracticeTurn.run_id, PracticeTurn.index)
    ).all()
    by_run: dict[str, list[Any]] = {}
    for row in rows:
        by_run.setdefault(row.run_id, []).append(row)
    found: list[CodedTurn] = []
    missing: list[tuple[int, int, str, str]] = []  # (place in found, turn id, text, before)
    for run in runs:
        before = run.opening
        for row in by_run.get(run.id, []):
            basis = _basis(row.learner_text, before)
            labels = row.labels if row.basis == basis else None
            if labels is None:
                missing.append((len(found), row.id, row.learner_text, before))
            found.append(CodedTurn(run.id, row.index, row.learner_text, _ranking(labels or {})))
            before = row.reply
    if missing:
        coded = coder.code_many([(text, before) for _, _, text, before in missing])
        fresh = []
        for (place, turn_id, text, before), utterance in zip(missing, coded, strict=True):
            labels = {
                label: [str(utterance.labels[label]), utterance.confidence.get(label, 1.0)]
                for label in REVIEWED_LABELS
                if utterance.labels.get(label) is not None
            }
            found[place] = replace(found[place], labels=_ranking(labels))
            fresh.append(
                {"turn_id": turn_id, "coder": key, "basis": _basis(text, before), "labels": labels}
            )
        _keep(db, fresh)
    return found


def _ranking(labels: dict[str, Any]) -> dict[str, tuple[str, float]]:
    return {label: (str(value), float(confidence)) for label, (value, confidence) in labels.items()}


def _keep(db: Session, fresh: list[dict[str, Any]]) -> None:
    """Store new codes, replacing the turn's earlier ones whichever coder made them; a view
    storing the same codes at the same time wins the race harmlessly: the coder gives the
    same labels to the same text."""
    try:
        with db.begin_nested():
            db.execute(
                # any coder's: one row per turn, so retrained packs leave nothing behind
                delete(TurnCode).where(TurnCode.turn_id.in_([row["turn_id"] for row in fresh]))
            )
            db.execute(insert(TurnCode), fresh)
    except IntegrityError:
        pass


def review_queue(db: Session, viewer: User, coder: Coder, page: int = 1) -> Queue:
    """The viewer's queue, least confident first; each learner shown on the page is audited
    (the queue quotes their turns)."""
    found = shared_ended_runs(db, viewer)
    capped, found = len(found) > MAX_RUNS, found[:MAX_RUNS]
    runs = {run.id: run for run in found}
    corrected = _corrected_labels(db, list(runs))
    items: list[QueueItem] = []
    for turn in coded_turns(db, found, coder):
        done = corrected.get((turn.run_id, turn.index), set())
        open_labels = [
            (confidence, label)
            for label, (_, confidence) in turn.labels.items()
            if label not in done
        ]
        if not open_labels:
            continue  # a person decided every label that ranks it
        confidence, label = min(open_labels)
        run = runs[turn.run_id]
        value = turn.labels[label][0]
        items.append(
            QueueItem(
                run.id,
                run.title,
                run.owner_id,
                run.owner,
                turn.index,
                turn.text,
                label,
                value,
                confidence,
            )
        )
    items.sort(key=lambda item: (item.confidence, item.run_id, item.turn))
    pages = max(1, -(-len(items) // PAGE_SIZE))
    page = min(max(1, page), pages)
    shown = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    for owner_id in sorted({item.owner_id for item in shown}):
        mine = sum(1 for item in shown if item.owner_id == owner_id)
        audit(db, viewer, owner_id, "viewed review queue", f"{mine} turn(s)")
    return Queue(shown, len(items), len(found), page, pages, capped)


PackLoader = Callable[[str], tuple[PackInfo, Any]]


def organisation_comparisons(
    db: Session, infos: Sequence[PackInfo], load: PackLoader
) -> list[dict[str, Any]]:
    """For each organisation pack (its card holds runs back), `open` and it scored on the
    database's corrections of those runs; `problem` says why a pack could not be scored."""
    from empathic.analysis.compare import compare_on_held_back  # training code: load on use
    from empathic.analysis.datasets import DataError

    rows = labelled_rows(latest_corrections(db))
    out: list[dict[str, Any]] = []
    for info in infos:
        if not isinstance(info.card.get("held_back"), dict) or info.name == "open":
            continue
        try:
            result = compare_on_held_back([load("open"), load(info.name)], rows)
        except (DataError, PackError) as exc:
            out.append({"pack": info.name, "problem": str(exc)})
            continue
        out.append({"pack": info.name, **result})
    return out
