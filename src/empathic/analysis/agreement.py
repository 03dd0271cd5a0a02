"""Agreement of the session dimensions with expert judges (Spearman ρ per dimension).

The data: a folder of conversations (`conversations/ID.txt`, lines `Seeker:` /
`Supporter:`) each rated 1–5 on the six dimensions by several experts
(`expertN_ratings.csv`: `conversation_id` plus one column per dimension), the
layout of the Lend-an-Ear pilot. The report's dimension scores for the supporter
are compared with the mean of the experts; the human bar is one expert against
the mean of the others, averaged over experts. Nothing here is fitted: it only
measures, so the dev set cannot leak into a pack.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from empathic.analysis.coding import Coder
from empathic.analysis.datasets import DataError
from empathic.analysis.labels import DIMENSIONS
from empathic.analysis.report import build_report
from empathic.conversation import Transcript, load_transcript

SUPPORTER = "Supporter"


class AgreementDataError(DataError):
    """A ratings folder that cannot be read, with what is wrong."""


@dataclass(frozen=True)
class RatedConversation:
    conversation_id: str
    transcript: Transcript
    ratings: dict[str, list[float]]
    """Per dimension, one rating per expert (in expert order)."""


def is_rated_folder(path: Path) -> bool:
    return path.is_dir() and any(path.glob("expert*_ratings.csv"))


def read_rated_conversations(folder: Path) -> list[RatedConversation]:
    """Conversations with every expert's ratings; conversations some expert skipped are left out."""
    files = sorted(folder.glob("expert*_ratings.csv"))
    if not files:
        raise AgreementDataError(f"{folder}: no expert*_ratings.csv files")
    by_expert: list[dict[str, dict[str, float]]] = []
    for path in files:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        missing = [d for d in DIMENSIONS if rows and d not in rows[0]]
        if not rows or "conversation_id" not in rows[0] or missing:
            raise AgreementDataError(f"{path}: needs conversation_id and {', '.join(DIMENSIONS)}")
        try:
            by_expert.append(
                {r["conversation_id"]: {d: float(r[d]) for d in DIMENSIONS if r[d]} for r in rows}
            )
        except ValueError as err:
            raise AgreementDataError(f"{path}: ratings must be numbers ({err})") from None
    out = []
    for cid in sorted(set.intersection(*(set(e) for e in by_expert))):
        text = folder / "conversations" / f"{cid}.txt"
        if not text.is_file():
            continue
        ratings = {d: [e[cid][d] for e in by_expert if d in e[cid]] for d in DIMENSIONS}
        if all(len(v) == len(by_expert) for v in ratings.values()):
            out.append(RatedConversation(cid, load_transcript(text), ratings))
    if not out:
        raise AgreementDataError(f"{folder}: no conversation has a transcript and every rating")
    return out


def spearman(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float:
    """Spearman's ρ with average ranks for ties; 0.0 when either side is constant."""
    ra, rb = _ranks(a), _ranks(b)
    if ra.std() == 0 or rb.std() == 0:
        return 0.0
    return float(np.corrcoef(ra, rb)[0, 1])


def _ranks(values: Sequence[float] | np.ndarray) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    order = x.argsort(kind="mergesort")
    ranks = np.empty(len(x))
    ranks[order] = np.arange(len(x), dtype=float)
    for value in np.unique(x):  # average rank within ties
        tied = x == value
        ranks[tied] = ranks[tied].mean()
    return ranks


def expert_bar(conversations: Sequence[RatedConversation], dimension: str) -> float:
    """One expert against the mean of the others, averaged over the experts."""
    table = np.array([c.ratings[dimension] for c in conversations])  # conversations × experts
    experts = table.shape[1]
    if experts < 2:
        return float("nan")
    rhos = [spearman(table[:, i], np.delete(table, i, axis=1).mean(axis=1)) for i in range(experts)]
    return float(np.mean(rhos))


def dimension_agreement(
    coder: Coder,
    conversations: Sequence[RatedConversation],
    progress: Callable[[int], None] | None = None,
) -> dict[str, dict[str, float]]:
    """Per dimension: ρ of the report's score with the experts' mean, and the human bar."""
    scores: dict[str, list[float]] = {d: [] for d in DIMENSIONS}
    for conversation in conversations:
        report = build_report(conversation.transcript, learner=SUPPORTER, coder=coder)
        dims = report.to_dict()["summary"]["dimensions"]
        for d in DIMENSIONS:
            scores[d].append(float(dims.get(d, 1.0)))
        if progress is not None:
            progress(1)
    out = {}
    for d in DIMENSIONS:
        mean = [float(np.mean(c.ratings[d])) for c in conversations]
        out[d] = {
            "rho": round(spearman(scores[d], mean), 3),
            "expert_bar": round(expert_bar(conversations, d), 3),
            "n": len(conversations),
        }
    return out


def record_agreement(
    card_path: Path, result: dict[str, dict[str, float]], data: str, measured: str
) -> None:
    """Write the measured agreement into a pack's card, so every report it codes can show,
    per dimension, how far its verdicts agree with experts (and say where they do not)."""
    card = json.loads(card_path.read_text(encoding="utf-8"))
    card["dimension_agreement"] = {"data": data, "measured": measured, "dimensions": result}
    tmp = card_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(card_path)
