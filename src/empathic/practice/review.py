"""Where a person should look first: the review queue and the organisation packs' scores.

The queue lists the learner turns of the runs shared with a facilitator (the
runs whose debriefs they may open), least confident first: a turn's confidence
is the lowest the coder gave its behaviour and EPITOME labels, leaving out the
labels a person already corrected. The comparison scores `open` and each
organisation pack on the corrections of the runs that pack held back from
training, as `empathic packs compare open NAME --data CORRECTIONS.csv` does.
No HTTP here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from empathic.accounts.models import User
from empathic.accounts.service import audit, overseen_ids
from empathic.analysis.coding import Coder
from empathic.analysis.labels import MECHANISMS
from empathic.analysis.packs import PackError, PackInfo
from empathic.practice.corrections import labelled_rows, latest_corrections
from empathic.practice.models import Correction, PracticeRun

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


def shared_ended_runs(db: Session, viewer: User) -> list[tuple[PracticeRun, User]]:
    """The newest ended runs shared by people the viewer oversees (MAX_RUNS + 1 at most)."""
    query = (
        select(PracticeRun, User)
        .join(User, User.id == PracticeRun.user_id)
        .where(
            PracticeRun.shared.is_(True),
            PracticeRun.status == "ended",
            User.id.in_(overseen_ids(viewer)),
        )
        .options(selectinload(PracticeRun.turns))
        .order_by(PracticeRun.created_at.desc(), PracticeRun.id)
        .limit(MAX_RUNS + 1)
    )
    return [(run, owner) for run, owner in db.execute(query).all()]


def _corrected_labels(db: Session, run_ids: Sequence[str]) -> dict[tuple[str, int], set[str]]:
    found: dict[tuple[str, int], set[str]] = {}
    if not run_ids:
        return found
    query = select(Correction).where(Correction.run_id.in_(run_ids))
    for correction in db.scalars(query):
        if correction.run_id is not None and correction.turn_index is not None:
            found.setdefault((correction.run_id, correction.turn_index), set()).add(
                correction.label
            )
    return found


def review_queue(db: Session, viewer: User, coder: Coder, page: int = 1) -> Queue:
    """The viewer's queue, least confident first; each learner shown on the page is audited
    (the queue quotes their turns)."""
    found = shared_ended_runs(db, viewer)
    capped, found = len(found) > MAX_RUNS, found[:MAX_RUNS]
    turns, items_to_code = [], []
    for run, owner in found:
        before = run.opening
        for turn in run.turns:
            turns.append((run, owner, turn))
            items_to_code.append((turn.learner_text, before))
            before = turn.reply
    coded = coder.code_many(items_to_code) if items_to_code else []
    corrected = _corrected_labels(db, [run.id for run, _ in found])
    items: list[QueueItem] = []
    for (run, owner, turn), utterance in zip(turns, coded, strict=True):
        done = corrected.get((run.id, turn.index), set())
        open_labels = [
            (utterance.confidence.get(label, 1.0), label)
            for label in REVIEWED_LABELS
            if label not in done and utterance.labels.get(label) is not None
        ]
        if not open_labels:
            continue  # a person decided every label that ranks it
        confidence, label = min(open_labels)
        value = str(utterance.labels[label])
        text = turn.learner_text
        items.append(
            QueueItem(
                run.id, run.title, owner.id, owner.name, turn.index, text, label, value, confidence
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
