"""Saved analyses, no HTTP: what is kept of an analysis, a person's history, and its growth.

Privacy (issue #16): by default an analysis is saved as scores, not words: the title, who
was coached, the pack, the six dimension scores and the headline metrics. The
conversation's text is kept only when its owner ticks "Save the conversation text too",
and then the full report is rebuilt from it on demand; no rendered report is stored,
since it quotes every turn. Saved analyses are their owner's alone: anyone else,
an admin included, gets "not found". Functions here flush, they never commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.analysis.labels import DIMENSIONS
from empathic.analysis.metrics import DIMENSION_TITLES
from empathic.charts import Series
from empathic.insights.area import SAVED
from empathic.insights.models import SavedAnalysis
from empathic.paging import PAGE_SIZE, Paged, fetch_page
from empathic.permissions import allowed

TITLE_MAX = 200

HEADLINE_METRICS = (
    "learner_turns",
    "other_turns",
    "talk_share",
    "questions",
    "open_questions",
    "closed_questions",
    "reflections",
    "simple_reflections",
    "complex_reflections",
    "inputs",
    "advice",
    "r_q_ratio",
    "pct_complex_reflections",
    "pct_open_questions",
    "miti",
)
"""The metrics a saved analysis keeps: counts, MITI 4 measures and their bands (not the
fixed thresholds, which every report shares)."""


class NotFound(LookupError):
    """No such analysis, or not this person's: pages answer 404 either way."""


def summary_of(view: Mapping[str, Any]) -> dict[str, Any]:
    """What saving keeps of a report (`Report.to_dict()` shape): plain JSON, no words
    beyond the default title (an upload's name, or the first words of a paste)."""
    summary = view.get("summary") or {}
    metrics = summary.get("metrics") or {}
    judge = view.get("judge") or {}
    pack = view.get("pack") or {}
    return {
        "title": str(view.get("default_title") or view.get("source") or ""),
        "learner": view.get("learner", ""),
        "pack": str(pack.get("name", "")),
        "pack_version": str(pack.get("version", "")),
        "judge": "llm" if judge and not judge.get("fell_back") else "offline",
        "dimensions": {d: summary["dimensions"][d] for d in summary.get("dimensions") or {}},
        "metrics": {k: metrics[k] for k in HEADLINE_METRICS if k in metrics},
    }


def clean_title(title: str, fallback: str) -> str:
    """A one-line title of at most TITLE_MAX characters; the fallback when left empty."""
    text = " ".join(title.split()) or " ".join(fallback.split()) or "Analysed conversation"
    return text[:TITLE_MAX]


def save_analysis(
    db: Session,
    owner: User,
    summary: Mapping[str, Any],
    *,
    title: str,
    source: str,
    fmt: str | None,
    text: str | None,
) -> SavedAnalysis:
    """Add an analysis to `owner`'s history; `text` is the conversation, or None (the
    default) to keep the scores only."""
    row = SavedAnalysis(
        id=secrets.token_hex(16),
        user_id=owner.id,
        title=clean_title(title, source),
        source=source[:200],
        fmt=fmt,
        learner=str(summary["learner"]),
        pack=str(summary["pack"])[:120],
        pack_version=str(summary["pack_version"])[:40],
        judge=str(summary["judge"]),
        dimensions=dict(summary["dimensions"]),
        metrics=dict(summary["metrics"]),
        transcript=text,
    )
    db.add(row)
    db.flush()
    return row


def analyses_of(
    db: Session, user_id: int, page: int = 1, size: int = PAGE_SIZE
) -> Paged[SavedAnalysis]:
    """A person's saved analyses, newest first, a page at a time."""
    query = (
        select(SavedAnalysis)
        .where(SavedAnalysis.user_id == user_id)
        .order_by(SavedAnalysis.created_at.desc(), SavedAnalysis.id)
    )
    return fetch_page(db, query, page, size)


def own_analysis(db: Session, user: User, analysis_id: str) -> SavedAnalysis:
    """One of the user's own saved analyses; anyone else's is NotFound, so ids are not
    confirmed."""
    row = db.get(SavedAnalysis, analysis_id[:64])
    if row is None or not allowed(user, SAVED, row):
        raise NotFound(analysis_id)
    return row


def rename(row: SavedAnalysis, title: str) -> None:
    row.title = clean_title(title, row.title)


def delete(db: Session, row: SavedAnalysis) -> None:
    """Remove the analysis and everything saved with it, the text included."""
    db.delete(row)
    db.flush()


def scores_json(row: SavedAnalysis) -> dict[str, Any]:
    """The export of a saved analysis's scores: what was kept, never the text."""
    return {
        "title": row.title,
        "created_at": row.created_at.isoformat(),
        "source": row.source,
        "learner": row.learner,
        "pack": {"name": row.pack, "version": row.pack_version},
        "judge": row.judge,
        "dimensions": row.dimensions,
        "metrics": row.metrics,
        "text_kept": row.text_kept,
    }


@dataclass
class AnalysisGrowth:
    """Saved analyses as chart series, oldest first: one point per analysis."""

    labels: list[str]
    series: list[Series]

    @property
    def has_points(self) -> bool:
        return bool(self.labels)


def analysis_growth(rows: Sequence[SavedAnalysis], first: int = 1) -> AnalysisGrowth:
    """The six dimension scores (1 to 5) of each saved analysis with scores, oldest first;
    the first is number `first` (the chart draws a person's latest analyses)."""
    scored = sorted((r for r in rows if r.dimensions), key=lambda r: (r.created_at, r.id))
    labels = [f"{i}. {_day(r.created_at)}" for i, r in enumerate(scored, first)]
    series = [
        Series(DIMENSION_TITLES[d], [_number(r.dimensions.get(d)) for r in scored])
        for d in DIMENSIONS
    ]
    return AnalysisGrowth(labels, series)


def _day(moment: datetime) -> str:
    return f"{moment:%d %b}"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None
