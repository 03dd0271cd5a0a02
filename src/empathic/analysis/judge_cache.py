"""The on-disk cache of language-model verdicts (`analysis.llm_judge`).

One small JSON file per verdict, named by `llm_judge.cache_key` (a hash of the turns as
written, the learner, the model and the prompt version). An entry holds scores, labels,
the dropped-quote count and each verified quote as a turn number and character offsets:
never transcript text or names. On a hit the quotes are cut from the transcript again;
an entry that does not fit it is ignored, and the model is asked again.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from empathic.analysis.judge_reply import JUDGED_LABELS, Span, Verdict
from empathic.analysis.labels import DIMENSIONS, LABEL_VALUES

CACHE_FORMAT: Final = 1


def to_json(verdict: Verdict) -> dict[str, Any]:
    """A JSON-ready form holding numbers and labels only."""
    return {
        "format": CACHE_FORMAT,
        "model": verdict.model,
        "prompt_version": verdict.prompt_version,
        "dropped_quotes": verdict.dropped_quotes,
        "dimensions": verdict.dimensions,
        "dimension_spans": {
            name: [[s.turn, s.start, s.end] for s in spans]
            for name, spans in verdict.dimension_spans.items()
        },
        "labels": {str(turn): labels for turn, labels in verdict.labels.items()},
        "label_spans": {
            str(turn): {label: [s.start, s.end] for label, s in spans.items()}
            for turn, spans in verdict.label_spans.items()
        },
    }


def from_json(data: dict[str, Any], texts: Sequence[str]) -> Verdict:
    """The verdict back, checked against the transcript; ValueError when it does not fit."""
    if data.get("format") != CACHE_FORMAT:
        raise ValueError("another cache format")

    def span(turn: int, start: int, end: int) -> Span:
        if not (0 <= turn < len(texts) and 0 <= start < end <= len(texts[turn])):
            raise ValueError("a quote outside the transcript")
        return Span(turn, start, end)

    dimensions = {name: float(data["dimensions"][name]) for name in DIMENSIONS}
    if not all(1 <= score <= 5 for score in dimensions.values()):
        raise ValueError("a score outside 1–5")
    labels = {int(turn): dict(values) for turn, values in data["labels"].items()}
    for turn, values in labels.items():
        if not 0 <= turn < len(texts) or set(values) != set(JUDGED_LABELS):
            raise ValueError("labels for another transcript")
        if not all(value in LABEL_VALUES[label] for label, value in values.items()):
            raise ValueError("a label outside the scheme")
    label_spans = {
        int(turn): {label: span(int(turn), *s) for label, s in spans.items()}
        for turn, spans in data["label_spans"].items()
    }
    if not all(set(spans) <= set(JUDGED_LABELS) for spans in label_spans.values()):
        raise ValueError("a quote for another label")
    return Verdict(
        model=str(data["model"]),
        prompt_version=str(data["prompt_version"]),
        dimensions=dimensions,
        dimension_spans={
            name: [span(*s) for s in data["dimension_spans"][name]] for name in DIMENSIONS
        },
        labels=labels,
        label_spans=label_spans,
        dropped_quotes=int(data["dropped_quotes"]),
        cached=True,
    )


class JudgeCache:
    """Verdicts by key, one JSON file each, in a folder this process can write to."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def at(cls, folder: Path) -> JudgeCache | None:
        """The cache in `folder` (created), or None when it cannot be written."""
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return cls(folder) if os.access(folder, os.W_OK | os.X_OK) else None

    def get(self, key: str, texts: Sequence[str]) -> Verdict | None:
        """The cached verdict for the transcript `texts`, or None (absent or unusable)."""
        try:
            data = json.loads((self.folder / f"{key}.json").read_text("utf-8"))
            return from_json(data, texts)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, verdict: Verdict) -> None:
        """Store atomically (a reader never sees half a file); a failed write is ignored."""
        target = self.folder / f"{key}.json"
        temporary = target.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            temporary.write_text(json.dumps(to_json(verdict)), "utf-8")
            os.replace(temporary, target)
        except OSError:
            temporary.unlink(missing_ok=True)
