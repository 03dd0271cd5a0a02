"""A language-model judge's reply, parsed strictly and checked against the transcript.

`parse_reply` accepts one JSON object of the shape `analysis/prompts/judge_system.txt`
asks for (a single surrounding ```json fence is tolerated; duplicate keys, NaN and any
other text are not), with all six dimensions scored 1–5 and learner turns labelled with
a behaviour from the scheme and EPITOME levels 0, 1 or 2. Anything out of bounds or out
of shape rejects the whole reply, naming the value (`JudgeReplyError`). Each quote must
be found, ignoring case, whitespace and curly quotes, in the text of the turn it cites;
one that is not is dropped and counted, and a reply with no verifiable quote is
rejected. Verified quotes are kept as character offsets (`Span`), so what a report shows
is always the transcript's own words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from empathic.analysis.labels import DIMENSIONS, LABEL_VALUES, MECHANISMS
from empathic.analysis.report_types import DimensionQuote

JUDGED_LABELS: Final = ("behaviour", *MECHANISMS)
_CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_FENCE = re.compile(r"```(?:json)?\s*(.*?)\s*```", re.S | re.I)


class JudgeReplyError(ValueError):
    """The model's reply cannot be used; `dropped` counts quotes already thrown away."""

    def __init__(self, message: str, dropped: int = 0) -> None:
        super().__init__(message)
        self.dropped = dropped


@dataclass(frozen=True)
class Span:
    """Characters `start:end` of turn `turn`'s text: a verified quote."""

    turn: int
    start: int
    end: int


@dataclass(frozen=True)
class Verdict:
    """What the language model judged, with only verified quotes kept (as spans)."""

    model: str
    prompt_version: str
    dimensions: dict[str, float]
    dimension_spans: dict[str, list[Span]]
    labels: dict[int, dict[str, str]]
    """Per learner turn index, behaviour and the three mechanism levels ("0".."2")."""
    label_spans: dict[int, dict[str, Span]]
    dropped_quotes: int = 0
    cached: bool = False

    @property
    def verified_quotes(self) -> int:
        spans = [*self.dimension_spans.values(), *self.label_spans.values()]
        return sum(map(len, spans))

    def dimension_evidence(self, texts: Sequence[str]) -> dict[str, list[DimensionQuote]]:
        """Per dimension, the quoted evidence as `{"turn", "quote"}` (the transcript's words)."""
        return {
            name: [{"turn": s.turn, "quote": texts[s.turn][s.start : s.end]} for s in spans]
            for name, spans in self.dimension_spans.items()
        }

    def label_evidence(self, texts: Sequence[str]) -> dict[int, dict[str, list[str]]]:
        """Per learner turn, each label's verified quote."""
        return {
            turn: {label: [texts[s.turn][s.start : s.end]] for label, s in spans.items()}
            for turn, spans in self.label_spans.items()
        }


def _folded(text: str) -> tuple[str, list[int]]:
    """Lower-cased text, whitespace runs as one space, curly quotes straight; and for each
    character of the result, its position in `text`."""
    chars: list[str] = []
    where: list[int] = []
    gap = False
    for i, ch in enumerate(text):
        if ch.isspace():
            gap = bool(chars)
            continue
        if gap:
            chars.append(" ")
            where.append(i - 1)
            gap = False
        for piece in ch.translate(_CURLY).lower():
            chars.append(piece)
            where.append(i)
    return "".join(chars), where


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Where `quote` occurs in `text` ignoring case and whitespace, or None."""
    needle, _ = _folded(quote.strip().strip("\"'\u201c\u201d"))
    if not any(ch.isalnum() for ch in needle):
        return None
    haystack, where = _folded(text)
    at = haystack.find(needle)
    if at < 0:
        return None
    return where[at], where[at + len(needle) - 1] + 1


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate key {next(k for k in keys if keys.count(k) > 1)!r}")
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise JudgeReplyError(f"{where} is not an object")
    return value


@dataclass
class _Reader:
    """Parses one reply against the transcript, counting the quotes it drops."""

    texts: Sequence[str]
    learner_turns: frozenset[int]
    dropped: int = 0
    seen: set[int] = field(default_factory=set)

    def span(self, turn: Any, quote: Any, where: str) -> Span | None:
        if quote is None:
            return None
        if not isinstance(quote, str):
            raise JudgeReplyError(f"{where}.quote is not text or null")
        found = locate(quote, self.texts[turn]) if 0 <= turn < len(self.texts) else None
        if found is None:
            self.dropped += 1
            return None
        return Span(turn, *found)

    def dimension(self, name: str, item: Any) -> tuple[float, list[Span]]:
        item = _object(item, f"dimensions.{name}")
        score = item.get("score")
        if not isinstance(score, int | float) or isinstance(score, bool) or not 1 <= score <= 5:
            raise JudgeReplyError(f"dimensions.{name}.score is {score!r}, outside 1–5")
        evidence = item.get("evidence", [])
        if not isinstance(evidence, list):
            raise JudgeReplyError(f"dimensions.{name}.evidence is not a list")
        spans = []
        for k, cite in enumerate(evidence):
            cite = _object(cite, f"dimensions.{name}.evidence[{k}]")
            if not _is_int(cite.get("turn")):
                raise JudgeReplyError(f"dimensions.{name}.evidence[{k}].turn is not a number")
            found = self.span(cite["turn"], cite.get("quote"), f"dimensions.{name}.evidence[{k}]")
            spans += [found] if found else []
        return float(score), spans

    def turn(self, k: int, entry: Any) -> tuple[int, dict[str, str], dict[str, Span]]:
        entry = _object(entry, f"turns[{k}]")
        turn = entry.get("turn")
        if not _is_int(turn) or turn not in self.learner_turns:
            raise JudgeReplyError(f"turns[{k}].turn {turn!r} is not a turn of the learner")
        if turn in self.seen:
            raise JudgeReplyError(f"turn {turn} is labelled twice")
        self.seen.add(turn)
        labels: dict[str, str] = {}
        spans: dict[str, Span] = {}
        for label in JUDGED_LABELS:
            item = _object(entry.get(label), f"turns[{k}].{label}")
            value = item.get("value")
            if label == "behaviour":  # a word from the scheme; levels are whole numbers
                value = value.strip().lower() if isinstance(value, str) else None
            else:
                value = str(value) if _is_int(value) else None
            if value not in LABEL_VALUES[label]:
                allowed = "/".join(LABEL_VALUES[label])
                raise JudgeReplyError(
                    f"turn {turn} {label} is {item.get('value')!r}, not one of {allowed}"
                )
            labels[label] = value
            found = self.span(turn, item.get("quote"), f"turns[{k}].{label}")
            if found:
                spans[label] = found
        return turn, labels, spans


def parse_reply(
    reply: str,
    turns: Sequence[tuple[str, str]],
    learner: str,
    *,
    model: str = "default",
    prompt_version: str = "",
) -> Verdict:
    """The verdict in `reply`; `JudgeReplyError` says why when it cannot be used."""
    body = reply.strip()
    fenced = _FENCE.fullmatch(body)
    try:
        data = json.loads(
            fenced.group(1) if fenced else body,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
        )
    except ValueError as exc:
        raise JudgeReplyError(f"the reply is not valid JSON ({exc})") from None
    data = _object(data, "the reply")
    dimensions = _object(data.get("dimensions"), '"dimensions"')
    unknown = sorted(set(dimensions) - set(DIMENSIONS))
    missing = [name for name in DIMENSIONS if name not in dimensions]
    if unknown or missing:
        raise JudgeReplyError(
            f"dimensions unknown: {unknown or 'none'}, missing: {missing or 'none'}"
        )
    entries = data.get("turns")
    if not isinstance(entries, list):
        raise JudgeReplyError('"turns" is not a list')
    learner_turns = frozenset(i for i, (speaker, _) in enumerate(turns) if speaker == learner)
    reader = _Reader([text for _, text in turns], learner_turns)
    scores: dict[str, float] = {}
    dimension_spans: dict[str, list[Span]] = {}
    for name in DIMENSIONS:
        scores[name], dimension_spans[name] = reader.dimension(name, dimensions[name])
    labels: dict[int, dict[str, str]] = {}
    label_spans: dict[int, dict[str, Span]] = {}
    for k, entry in enumerate(entries):
        turn, labels[turn], label_spans[turn] = reader.turn(k, entry)
    verdict = Verdict(
        model, prompt_version, scores, dimension_spans, labels, label_spans, reader.dropped
    )
    if verdict.verified_quotes == 0:
        raise JudgeReplyError(
            f"no quote in the reply could be found in the transcript "
            f"({reader.dropped} unverifiable quotes dropped)",
            reader.dropped,
        )
    return verdict
