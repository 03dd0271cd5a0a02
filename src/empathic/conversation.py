"""Turns and transcripts, and readers/writers for the formats people actually export.

Readers accept "Name: text" plain text, WebVTT (Teams ``<v Name>`` and Zoom ``Name: text``
cues), SRT, JSON and the canonical CSV of DESIGN.md §4. Every problem surfaces as one
exception type, TranscriptError, naming the file, the line and what was expected, so a user
can fix the file instead of guessing. User documentation: docs/formats.md.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from itertools import groupby
from pathlib import Path
from typing import Any

from empathic.csvcells import read_cell, safe_cell
from empathic.textio import TextDecodeError, decode_text

FORMATS = ("text", "vtt", "srt", "json", "csv")
CSV_COLUMNS = ("source", "conversation_id", "turn", "speaker", "context", "text")
"""Canonical CSV columns (mirrors analysis.labels.CANONICAL_COLUMNS; nothing imports upward)."""
CSV_REQUIRED = ("turn", "speaker", "text")
MAX_BYTES = 20 * 1024 * 1024
_EXTENSIONS = {".vtt": "vtt", ".srt": "srt", ".json": "json", ".csv": "csv"}
_CUE_SPEAKER = "'<v Name>' or 'Name: text'"
_JSON_SHAPE = '[{"speaker": "...", "text": "..."}, ...] or {"turns": [...]}'
_VTT_SKIP = ("NOTE", "STYLE", "REGION")
_RESAVE = "UTF-8 text: re-save the file as UTF-8"
_AS_TEXT = "a transcript saved as text: .txt, .vtt, .srt, .json or .csv"

_T = r"(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?")
_SPEAKER = re.compile(
    rf"(?:\[(?P<ts>{_T})\]\s*|(?P<ts2>{_T})\s+)?"
    r"(?P<name>[^\W\d_][\w .()'’-]{0,39}?)\s*:(?:\s(?P<text>.*))?$"
)
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
_TAG = re.compile(r"</?(?:[A-Za-z][^<>]*|\d[\d:.]*)>")
_TIMING = re.compile(r"\s*(\S+?)\s*-->\s*(\S+)")
_SRT_START = re.compile(r"\s*\d+[ \t]*\n[ \t]*\d+:\d{2}:\d{2},\d{1,3}\s*-->")
_JSON_START = re.compile(r"\s*(?:\{|\[\s*(?:[{\[\]\"]|$))")


@dataclass(frozen=True)
class Turn:
    """One speaker's contribution. Times are seconds from the start, when known."""

    speaker: str
    text: str
    start: float | None = None
    end: float | None = None
    line: int | None = None


@dataclass
class Transcript:
    """An ordered conversation with where it came from."""

    turns: list[Turn]
    source: str = "<text>"
    format: str = "text"
    notes: list[str] = field(default_factory=list)
    conversation_id: str | None = None

    def speakers(self) -> list[str]:
        """Speakers in order of first appearance."""
        seen: dict[str, None] = {}
        for turn in self.turns:
            seen.setdefault(turn.speaker, None)
        return list(seen)


class TranscriptError(ValueError):
    """A transcript could not be read: says which file, which line and what was expected."""

    def __init__(
        self,
        message: str,
        source: str = "<text>",
        line: int | None = None,
        expected: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.source, self.line = message, source, line
        self.expected = expected

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        tail = f" (expected {self.expected})" if self.expected else ""
        return f"{where}: {self.message}{tail}"


# ----------------------------------------------------------------------------- reading


def read_transcript(
    path: str | Path,
    *,
    fmt: str | None = None,
    max_bytes: int = MAX_BYTES,
    conversation_id: str | None = None,
) -> Transcript:
    """Read a transcript file, refusing oversized or undecodable files before parsing them."""
    p, src = Path(path), str(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise TranscriptError("is a directory, not a transcript file", src)
        if size > max_bytes:
            raise TranscriptError(f"file is {_mb(size)}; the limit is {_mb(max_bytes)}", src)
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise TranscriptError("file not found", src) from None
    except OSError as exc:
        raise TranscriptError(f"cannot read the file: {exc.strerror or exc}", src) from None
    if len(data) > max_bytes:  # the file grew after stat()
        raise TranscriptError(f"file is over the limit of {_mb(max_bytes)}", src)
    text, fmt = _decode(data, src), fmt or _EXTENSIONS.get(p.suffix.lower())  # .txt: sniffed
    return parse_transcript(text, source=src, fmt=fmt, conversation_id=conversation_id)


def load_transcript(
    text_or_path: str | Path,
    *,
    fmt: str | None = None,
    conversation_id: str | None = None,
    max_bytes: int = MAX_BYTES,
    source: str | None = None,
) -> Transcript:
    """Accept what a user pastes or names: a Path or a one-line file name is read, else parsed."""
    kw: dict[str, Any] = {"fmt": fmt, "conversation_id": conversation_id}
    if isinstance(text_or_path, Path) or _names_file(text_or_path):
        return read_transcript(text_or_path, max_bytes=max_bytes, **kw)
    return parse_transcript(text_or_path, source=source or "<text>", **kw)


def detect_format(text: str) -> str:
    """Guess the format from the content, so users never have to say what they exported."""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("WEBVTT"):
        return "vtt"
    if _SRT_START.match(text):
        return "srt"
    if _JSON_START.match(text):
        return "json"
    first = text.lstrip().split("\n", 1)[0]
    cols = {c.strip().strip('"').lower() for c in first.split(",")}
    if len(cols.intersection(CSV_COLUMNS)) >= 3 and not _SPEAKER.match(first):
        return "csv"
    return "text"


def parse_transcript(
    text: str, *, source: str = "<text>", fmt: str | None = None, conversation_id: str | None = None
) -> Transcript:
    """Parse transcript text in any supported format; the one entry point all callers share."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise TranscriptError("empty: there is no conversation text", source)
    fmt = fmt or detect_format(text)
    if fmt not in FORMATS:
        raise TranscriptError(f"unknown format {fmt!r}", source, None, ", ".join(FORMATS))
    out = Transcript([], source=source, format=fmt)
    try:
        turns = _PARSERS[fmt](text, out, conversation_id)
    except TranscriptError:
        raise
    except (ValueError, LookupError, TypeError, ArithmeticError, RecursionError, csv.Error) as exc:
        # Defence in depth: a reader bug must still reach the user as a TranscriptError.
        msg = f"unexpected problem reading {fmt} ({type(exc).__name__}: {exc}); please report this"
        raise TranscriptError(msg, source) from exc
    merged = _merge(turns)
    out.turns = _merge([t for t in merged if t.text])
    if empty := sum(not t.text for t in merged):
        out.notes.append(f"skipped {empty} empty turn(s)")
    if not out.turns:
        raise TranscriptError("no turns found: every turn is empty", source)
    return out


def _parse_text(text: str, out: Transcript, _cid: str | None) -> list[Turn]:
    lines, turns = text.split("\n"), []
    for no, raw in enumerate(lines, 1):
        if not (line := raw.strip()):
            continue
        if m := _speaker_line(line):
            ts = m["ts"] or m["ts2"]
            start = _seconds(ts, out.source, no) if ts else None
            turns.append(Turn(_name(m["name"]), (m["text"] or "").strip(), start, None, no))
        elif turns:  # a continuation line; merging joins it to the turn above
            turns.append(Turn(turns[-1].speaker, line, None, None, no))
        else:
            later = next((i for i, s in enumerate(lines[no:], no + 1) if _speaker_line(s)), 0)
            msg = f"no speaker found before line {later}" if later else "no speaker found"
            raise TranscriptError(msg, out.source, no, "'Name: text' lines")
    return turns


def _parse_cues(text: str, out: Transcript, _cid: str | None) -> list[Turn]:
    """WebVTT and SRT: blocks of an optional id, a timing line and text lines."""
    src, vtt = out.source, out.format == "vtt"
    segs: list[tuple[str | None, str, float, float, int]] = []
    for i, (first, block) in enumerate(_blocks(text.split("\n"))):
        head = block[0].strip()
        if vtt and ((i == 0 and head.startswith("WEBVTT")) or head.split()[0] in _VTT_SKIP):
            continue
        k = 0 if "-->" in block[0] else 1
        if (m := _TIMING.match(block[k]) if k < len(block) else None) is None:
            sep = "." if vtt else ","
            expected = f"'00:00:01{sep}000 --> 00:00:04{sep}500'"
            raise TranscriptError("this block has no cue timing line", src, first, expected)
        start, end = (_seconds(m[g], src, first + k) for g in (1, 2))
        voiced = any(_VOICE.search(raw) for raw in block[k + 1 :])  # then only <v> names speakers
        for no, raw in enumerate(block[k + 1 :], first + k + 1):
            voice = _VOICE.search(raw)
            speaker = _name(html.unescape(voice[1])) if voice else None
            body = _TAG.sub("", raw)
            body = (html.unescape(body) if vtt else body).strip()
            if speaker is None and not voiced and (sm := _speaker_line(body)):
                speaker, body = _name(sm["name"]), (sm["text"] or "").strip()
            segs.append((speaker or None, body, start, end, no))
    if not segs:
        raise TranscriptError("no cues found", src, None, "timed cues")
    if not any(s for s, *_ in segs):
        raise TranscriptError("no speakers found", src, None, f"{_CUE_SPEAKER} in the cue text")
    turns: list[Turn] = []
    for speaker, body, start, end, no in segs:
        if speaker is None:  # a cue without a speaker continues the previous one
            if not turns:
                raise TranscriptError("no speaker on this cue", src, no, _CUE_SPEAKER)
            speaker = turns[-1].speaker
        turns.append(Turn(speaker, body, start, end, no))
    return turns


def _parse_json(text: str, out: Transcript, _cid: str | None) -> list[Turn]:
    src = out.source
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(f"not valid JSON: {exc.msg}", src, exc.lineno, _JSON_SHAPE) from None
    except (ValueError, RecursionError) as exc:
        raise TranscriptError(f"cannot read this JSON: {exc}", src) from None
    items = data.get("turns") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise TranscriptError("no list of turns found", src, None, _JSON_SHAPE)
    if isinstance(data, dict) and isinstance(data.get("conversation_id"), str | int):
        out.conversation_id = str(data["conversation_id"])
    turns = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise TranscriptError(f"turns[{i}] is {_kind(item)}, not an object", src)
        for key, what in (("speaker", "a non-empty string"), ("text", "a string")):
            value = item.get(key)
            if not isinstance(value, str) or (key == "speaker" and not value.strip()):
                got = _kind(value) if key in item else "nothing"
                raise TranscriptError(f"turns[{i}]: {key!r} must be {what}, got {got}", src)
        start, end = (_json_time(item.get(k), f"turns[{i}]: {k!r}", src) for k in ("start", "end"))
        turns.append(Turn(_name(item["speaker"]), item["text"].strip(), start, end))
    return turns


def _parse_csv(text: str, out: Transcript, cid: str | None) -> list[Turn]:
    src, reader = out.source, csv.reader(io.StringIO(text))
    groups: dict[str, list[tuple[int, int, list[str]]]] = {}
    try:
        cols = next(([c.strip().lower() for c in row] for row in reader if any(row)), [])
        if missing := [c for c in CSV_REQUIRED if c not in cols]:
            msg = f"missing required column(s): {', '.join(missing)}"
            raise TranscriptError(
                msg, src, reader.line_num, "a header like " + ",".join(CSV_COLUMNS)
            )
        at = {c: cols.index(c) for c in CSV_COLUMNS if c in cols}
        prev = reader.line_num
        for row in reader:
            no, prev = prev + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            padded = row + [""] * len(cols)
            cells = [read_cell(padded[at[c]].strip()) if c in at else "" for c in CSV_COLUMNS]
            if not re.fullmatch(r"[+-]?\d{1,18}", cells[2]):
                raise TranscriptError(f"'turn' must be a whole number, got {cells[2]!r}", src, no)
            if not cells[3]:
                raise TranscriptError("empty 'speaker' cell", src, no)
            groups.setdefault(cells[1], []).append((int(cells[2]), no, cells))
    except csv.Error as exc:
        raise TranscriptError(f"not valid CSV: {exc}", src, reader.line_num) from None
    if not (ids := list(groups)):
        raise TranscriptError("no rows below the header", src, None, "one row per turn")
    shown = ", ".join(i or "(blank)" for i in ids[:5]) + (" ..." if len(ids) > 5 else "")
    if cid is None and len(ids) > 1:
        msg = (
            f"{len(ids)} conversations in this file ({shown}); choose one with "
            "--conversation-id (conversation_id= in Python)"
        )
        raise TranscriptError(msg, src, None, f"e.g. conversation_id={ids[0]!r}")
    chosen = ids[0] if cid is None else cid
    if chosen not in groups:
        raise TranscriptError(
            f"no conversation_id {cid!r} in this file", src, None, f"one of {shown}"
        )
    out.conversation_id = chosen or None
    rows = sorted(groups[chosen], key=lambda r: r[0])  # stable: file order breaks ties
    return [Turn(_name(c[3]), c[5], None, None, no) for _, no, c in rows]


_PARSERS: dict[str, Callable[[str, Transcript, str | None], list[Turn]]] = {
    "text": _parse_text,
    "vtt": _parse_cues,
    "srt": _parse_cues,
    "json": _parse_json,
    "csv": _parse_csv,
}


# ----------------------------------------------------------------------------- writing


def to_text(t: Transcript) -> str:
    """'Name: text' lines (with [hh:mm:ss] when the start is known): the most portable form."""
    out = []
    for turn in t.turns:
        stamp = "" if turn.start is None else f"[{_clock(turn.start, '.', short=True)}] "
        first, *rest = turn.text.split("\n")
        out += [f"{stamp}{turn.speaker}: {first}", *rest]
    return "\n".join(out) + "\n"


def to_vtt(t: Transcript) -> str:
    """WebVTT with Teams-style voice tags; missing times are filled in so players accept it."""
    out = ["WEBVTT", ""]
    for start, end, turn in _timed(t.turns):
        name = html.escape(turn.speaker, quote=False)
        out.append(f"{_clock(start, '.')} --> {_clock(end, '.')}")
        out += [f"<v {name}>{html.escape(s, quote=False)}</v>" for s in _lines(turn.text)] + [""]
    return "\n".join(out)


def to_srt(t: Transcript) -> str:
    """SRT with 'Name: text' cues; missing times are filled in so players accept it."""
    out = []
    for i, (start, end, turn) in enumerate(_timed(t.turns), 1):
        first, *rest = _lines(turn.text) or [""]
        out += [str(i), f"{_clock(start, ',')} --> {_clock(end, ',')}", f"{turn.speaker}: {first}"]
        out += [*rest, ""]
    return "\n".join(out)


def to_json(t: Transcript) -> str:
    """A JSON object with a 'turns' list; keeps times exactly."""
    turns = [{k: v for k, v in asdict(x).items() if k != "line" and v is not None} for x in t.turns]
    head = {"source": t.source, "conversation_id": t.conversation_id}
    doc = {k: v for k, v in head.items() if v is not None} | {"turns": turns}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def to_csv(t: Transcript, *, conversation_id: str | None = None) -> str:
    """Canonical CSV (DESIGN.md §4), ready for labelling; 'context' is the previous turn's text."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    cid, context = conversation_id or t.conversation_id or "1", ""
    for i, turn in enumerate(t.turns, 1):
        cells = (t.source, cid, i, turn.speaker, context, turn.text)
        writer.writerow([safe_cell(cell) for cell in cells])
        context = turn.text
    return buf.getvalue()


# ----------------------------------------------------------------------------- helpers


def _decode(data: bytes, src: str) -> str:
    """The shared decoder's verdict as a TranscriptError naming the file and the line."""
    try:
        return decode_text(data, src)
    except TextDecodeError as exc:
        hint = _AS_TEXT if exc.binary else _RESAVE
        raise TranscriptError(exc.problem, src, exc.line, hint) from None


def _names_file(s: str) -> bool:
    if "\n" in s or not s.strip() or len(s) > 1024:
        return False
    try:
        p = Path(s.strip())
        return p.is_file() or (p.suffix.lower() in (*_EXTENSIONS, ".txt") and not _SPEAKER.match(s))
    except (OSError, ValueError):
        return False


def _merge(turns: list[Turn]) -> list[Turn]:
    """Consecutive turns by one speaker become one: texts joined by a space, outer times kept."""
    merged = []
    for _, group in groupby(turns, key=lambda t: t.speaker):
        g = list(group)
        start = next((t.start for t in g if t.start is not None), None)
        end = next((t.end for t in reversed(g) if t.end is not None), None)
        text = " ".join(t.text for t in g if t.text)
        merged.append(replace(g[0], text=text, start=start, end=end))
    return merged


def _speaker_line(line: str) -> re.Match[str] | None:
    m = _SPEAKER.match(line.strip())
    return m if m and len(m["name"].split()) <= 5 else None


def _blocks(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """Runs of non-blank lines, each with the number of its first line."""
    for filled, run in groupby(enumerate(lines, 1), key=lambda p: bool(p[1].strip())):
        if filled:
            numbered = list(run)
            yield numbered[0][0], [line for _, line in numbered]


def _seconds(stamp: str, src: str, line: int) -> float:
    m = _TIME.fullmatch(stamp)
    if m is None or int(m[3]) > 59 or (m[1] is not None and int(m[2]) > 59):
        raise TranscriptError(f"not a valid time: {stamp!r}", src, line, "hh:mm:ss.mmm")
    secs = int(m[1] or 0) * 3600 + int(m[2]) * 60 + int(m[3])
    return round(secs + int((m[4] or "0").ljust(3, "0")) / 1000, 3)


def _clock(seconds: float, sep: str, short: bool = False) -> str:
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02}:{m:02}:{s:02}" + ("" if short and not ms else f"{sep}{ms:03}")


def _timed(turns: list[Turn]) -> Iterator[tuple[float, float, Turn]]:
    last = 0.0
    for turn in turns:
        start = last if turn.start is None else turn.start
        end = start if turn.end is None else turn.end
        last = max(start, end)
        yield start, end, turn


def _json_time(value: object, where: str, src: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value) if abs(value) < 1e300 else math.inf
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    raise TranscriptError(f"{where} must be seconds (a number >= 0), got {_kind(value)}", src)


def _kind(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value) if abs(value) < 1e300 else "a huge number"
    names = {bool: "true/false", dict: "an object", list: "a list", str: "a string"}
    return names.get(type(value), "null")


def _lines(text: str) -> list[str]:
    return [s for s in text.split("\n") if s.strip()]


def _name(raw: str) -> str:
    return " ".join(raw.split())


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
