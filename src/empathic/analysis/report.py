"""The session report: one transcript coded turn by turn and summarised.

`analyze()` is the public entry point (`empathic.analyze`): give it text or a
path and get a `Report` that serialises to the JSON the CLI prints and
renders to the HTML a leader reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from empathic.analysis.coding import AnalysedTurn, Coder, RuleCoder
from empathic.analysis.dimensions import (
    dimension_evidence,
    dimension_reliability,
    dimension_scores,
    turn_credits,
)
from empathic.analysis.feedback import (
    Finding,
    Rewrite,
    missed_opportunities,
    strengths,
    suggest_rewrites,
)
from empathic.analysis.metrics import session_metrics
from empathic.analysis.overrides import Overrides, apply_overrides, corrections_note
from empathic.analysis.packs import PackInfo, TrainedCoder, rules_pack_info
from empathic.analysis.phrasing import utterances
from empathic.analysis.report_types import DimensionQuote, Reliability, SessionMetrics
from empathic.analysis.speakers import LearnerError, match_speaker
from empathic.analysis.topics import closeness_of
from empathic.config import Settings
from empathic.conversation import Transcript, TranscriptError, Turn, load_transcript

LIMITS_NOTE = (
    "The labels come from a statistical model and phrase detectors reading words only: they "
    "cannot hear tone, see faces, or know the relationship and history behind the words. "
    "Treat them as a prompt for reflection, not a verdict, and correct any that are wrong."
)


@dataclass
class Report:
    """Everything the analysis found about one conversation."""

    pack: dict[str, Any]
    source: str
    learner: str
    turns: list[AnalysedTurn]
    metrics: SessionMetrics
    dimensions: dict[str, float]
    strengths: list[Finding]
    missed: list[Finding]
    rewrites: list[Rewrite]
    notes: list[str] = field(default_factory=list)
    dimension_evidence: dict[str, list[DimensionQuote]] = field(default_factory=dict)
    """Per dimension, the quoted turns that earned it."""
    reliability: dict[str, Reliability] = field(default_factory=dict)
    """Per dimension, the pack's measured agreement with expert judges (from its card)."""
    judge: dict[str, Any] | None = None
    """Which judge scored the dimensions, when a judge was asked for (`analysis.judges`)."""
    judges: dict[str, Any] | None = None
    """The language-model judge beside the offline one, when the model's verdict was used."""

    @property
    def learner_turns(self) -> list[AnalysedTurn]:
        return [turn for turn in self.turns if turn.is_learner]

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `empathic analyze --format json`."""
        judge = {} if self.judge is None else {"judge": self.judge}
        judges = {} if self.judges is None else {"judges": self.judges}
        return {
            "pack": self.pack,
            **judge,
            "source": self.source,
            "learner": self.learner,
            "notes": self.notes,
            "limits": LIMITS_NOTE,
            "turns": [_turn_dict(turn) for turn in self.turns],
            "summary": {
                "metrics": self.metrics,
                "dimensions": self.dimensions,
                "dimension_evidence": self.dimension_evidence,
                "reliability": self.reliability,
                "strengths": [f.to_dict() for f in self.strengths],
                "missed_opportunities": [f.to_dict() for f in self.missed],
                "rewrites": [r.to_dict() for r in self.rewrites],
                **judges,
            },
        }


def _turn_dict(turn: AnalysedTurn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "index": turn.index,
        "speaker": turn.speaker,
        "text": turn.text,
        "start": turn.start,
        "end": turn.end,
        "learner": turn.is_learner,
    }
    coded = turn.coded
    if coded is None:
        data.update(labels=None, confidence=None, evidence=None)
    else:
        data["labels"] = {k: v for k, v in coded.labels.items() if v is not None}
        data["confidence"] = {k: v for k, v in coded.confidence.items() if k in data["labels"]}
        data["evidence"] = {k: v for k, v in coded.evidence.items() if k in data["labels"]}
        if turn.corrected:
            data["corrected"] = {
                label: {"value": coded.labels.get(label), "was": was}
                for label, was in turn.corrected.items()
            }
        data["utterances"] = [
            {
                "text": u.text,
                "behaviour": u.labels.get("behaviour"),
                "question": u.labels.get("question"),
                "reflection": u.labels.get("reflection"),
                "input": u.labels.get("input"),
            }
            for u in turn.units
        ]
    return data


def choose_learner(transcript: Transcript, learner: str | None) -> tuple[str, list[str]]:
    """The person being coached (a typed name matched as `analysis.speakers.match_speaker`
    does), and a note when it was chosen for the user."""
    speakers = transcript.speakers()
    if learner is not None:
        try:
            return match_speaker(learner, speakers), []
        except LearnerError as exc:
            raise LearnerError(f"{transcript.source}: {exc}") from None
    if len(speakers) == 1:
        return speakers[0], [f"Only one speaker ({speakers[0]}); coaching them."]
    chosen = speakers[1]
    note = (
        f"No learner named: coaching {chosen!r}, the speaker who is not the first speaker "
        f"({speakers[0]!r}). Name the person being coached to choose another "
        "(on the command line: --learner NAME)."
    )
    return chosen, [note]


def code_turns(
    turns: Sequence[Turn], learner: str, coder: Coder, overrides: Overrides | None = None
) -> list[AnalysedTurn]:
    """Every turn, with the learner's coded in one batch, each in the context of the turn before;
    `overrides` (turn index -> {label: value}) are a person's corrections, which win."""
    items: list[tuple[str, str]] = []
    positions: list[int] = []
    parts: dict[int, tuple[int, int]] = {}  # turn index -> its utterances' slice of `items`
    previous = ""
    for index, turn in enumerate(turns):
        if turn.speaker == learner:
            items.append((turn.text, previous))
            positions.append(index)
        previous = turn.text
    units: list[tuple[str, str]] = []
    previous = ""
    for index, turn in enumerate(turns):
        if turn.speaker == learner:
            pieces = utterances(turn.text)
            if len(pieces) > 1:  # a one-sentence turn is its own utterance: not coded twice
                parts[index] = (len(units), len(units) + len(pieces))
                units.extend((piece, previous) for piece in pieces)
        previous = turn.text
    by_index = dict(zip(positions, coder.code_many(items), strict=True))
    # units are counted, not shown with the model's n-gram evidence: skip explaining them
    if isinstance(coder, TrainedCoder):
        coded = coder.code_many(units, explain=False)
    else:
        coded = coder.code_many(units)
    analysed = [
        AnalysedTurn(
            i,
            t.speaker,
            t.text,
            t.start,
            t.end,
            by_index.get(i),
            coded[parts[i][0] : parts[i][1]] if i in parts else [],
        )
        for i, t in enumerate(turns)
    ]
    if overrides:
        apply_overrides(analysed, overrides, coder)
    return analysed


MAX_TURN_CHARS = 10_000
"""A turn is coded on at most this many characters (about 1,700 words, six minutes of
speech): a pasted monologue of megabytes must not hold the server, and no coder reads a
book as one move. The report says which turns were cut."""


def capped_turns(turns: Sequence[Turn]) -> tuple[list[Turn], list[str]]:
    """The turns with any longer than `MAX_TURN_CHARS` cut at a word, and a note per cut."""
    out: list[Turn] = []
    notes: list[str] = []
    for index, turn in enumerate(turns):
        if len(turn.text) <= MAX_TURN_CHARS:
            out.append(turn)
            continue
        cut = turn.text[:MAX_TURN_CHARS]
        cut = cut[: cut.rfind(" ")] if " " in cut[MAX_TURN_CHARS // 2 :] else cut
        out.append(replace(turn, text=cut + " …"))
        notes.append(
            f"Turn {index + 1} ({turn.speaker}) is {len(turn.text):,} characters long: only its "
            f"first {len(cut):,} were analysed."
        )
    return out, notes


def build_report(
    transcript: Transcript,
    *,
    learner: str | None = None,
    coder: Coder | None = None,
    pack: PackInfo | dict[str, Any] | None = None,
    overrides: Overrides | None = None,
) -> Report:
    """Code every learner turn in its context and summarise the session; `overrides` are
    labels a person corrected (see `analysis.overrides`), counted instead of the coder's."""
    chosen, notes = choose_learner(transcript, learner)
    coder = coder or RuleCoder()
    shown, capped = capped_turns(transcript.turns)
    notes += capped
    turns = code_turns(shown, chosen, coder, overrides)
    notes += corrections_note(turns)
    metrics = session_metrics(turns)
    table = coder.word_vectors if isinstance(coder, TrainedCoder) else None
    credited = turn_credits(turns, closeness_of(table) if table is not None else None)
    return Report(
        pack=_pack_dict(pack, coder),
        source=transcript.source,
        learner=chosen,
        turns=turns,
        metrics=metrics,
        dimensions=dimension_scores(turns, credited),
        dimension_evidence=dimension_evidence(turns, credited),
        reliability=dimension_reliability(pack.card) if isinstance(pack, PackInfo) else {},
        strengths=strengths(turns, metrics),
        missed=missed_opportunities(turns, metrics),
        rewrites=suggest_rewrites(turns, coder=coder),
        notes=[*transcript.notes, *notes],
    )


def _pack_dict(pack: PackInfo | dict[str, Any] | None, coder: Coder) -> dict[str, Any]:
    if isinstance(pack, PackInfo):
        return pack.to_dict()
    if isinstance(pack, dict):
        return pack
    if isinstance(coder, RuleCoder):
        return rules_pack_info().to_dict()
    return {
        "name": coder.name,
        "version": "?",
        "licence": "unknown",
        "commercial_use": False,
        "description": "custom coder",
    }


def analyze(
    text_or_path: str | Path,
    *,
    learner: str | None = None,
    pack: str | None = None,
    settings: Settings | None = None,
    conversation_id: str | None = None,
    judge: str = "offline",
) -> Report:
    """Analyse a conversation given as text or a file path; see README for an example.

    `judge="llm"` asks the settings' language-model endpoint to score the dimensions too
    (`analysis.judges`); the report falls back to the offline judge and says why.
    """
    from empathic.analysis.judges import JUDGES, judge_report
    from empathic.analysis.packs import load_pack

    if judge not in JUDGES:
        raise ValueError(f"unknown judge {judge!r}: choose one of {', '.join(JUDGES)}")
    settings = settings or Settings()
    transcript = load_transcript(
        text_or_path, max_bytes=settings.max_input_bytes, conversation_id=conversation_id
    )
    info, coder = load_pack(pack, settings)
    report = build_report(transcript, learner=learner, coder=coder, pack=info)
    return judge_report(report, judge, settings)


__all__ = ["LIMITS_NOTE", "LearnerError", "Report", "TranscriptError", "analyze", "build_report"]
