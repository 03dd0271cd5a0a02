"""Run a session's notes through the conversation analysis, to reflect on how it went.

Only notes written as a dialogue ("Name: text" lines) can be analysed; for
anything else the user gets a clear message rather than a made-up score. The
mentor sees the analysis only when the mentee has shared "session_analysis".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from empathic.analysis.packs import PackCache
from empathic.analysis.report import LIMITS_NOTE, build_report
from empathic.config import Settings
from empathic.conversation import TranscriptError, parse_transcript
from empathic.mentoring.models import SessionLog
from empathic.mentoring.records import session_for
from empathic.mentoring.service import Access, can_see

NOT_DIALOGUE = (
    "These notes are not written as a dialogue, so there is nothing to analyse. "
    "To reflect on the conversation, write it as lines like 'Sam: How are you?'."
)


@dataclass
class Reflection:
    ok: bool
    message: str = ""
    mentor: str = ""
    metrics: list[tuple[str, str]] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    limits: str = LIMITS_NOTE


def _mentor_speaker(speakers: list[str], mentor_name: str) -> str | None:
    names = {mentor_name.casefold(), mentor_name.split()[0].casefold() if mentor_name else ""}
    names |= {"mentor", "me", "i"}
    return next((s for s in speakers if s.casefold() in names), None)


def _fmt(value: Any, suffix: str = "") -> str:
    if value is None:
        return "not enough data"
    if isinstance(value, float):
        return f"{value:.1f}{suffix}"
    return f"{value}{suffix}"


def _share(value: float | None) -> str:
    return "not enough data" if value is None else f"{100 * value:.0f}%"


def _plain(text: str) -> str:
    """Link-free: no URLs or markup reach the summary."""
    return re.sub(r"(https?://|www\.)\S+", "[link removed]", text)


def session_reflection(
    db: Session, access: Access, session_id: int, settings: Settings, packs: PackCache
) -> tuple[SessionLog, Reflection]:
    """A session's notes analysed for whoever may see the analysis.

    NotFound for a session outside the pair; PermissionError while the mentee
    has not shared "session_analysis" (the mentor reads the notes, not their analysis).
    """
    log = session_for(db, access, session_id)
    if not can_see(db, access, "session_analysis"):
        raise PermissionError("your mentee has not shared the analysis of session notes")
    return log, reflect(log.notes, access.pair.mentor.name, settings, packs)


def reflect(
    notes: str, mentor_name: str, settings: Settings, packs: PackCache | None = None
) -> Reflection:
    """Analyse dialogue notes; `packs` is the app's cache (a fresh one loads the pack anew)."""
    try:
        transcript = parse_transcript(notes, source="session notes", fmt="text")
    except TranscriptError:
        return Reflection(False, NOT_DIALOGUE)
    speakers = transcript.speakers()
    if len(speakers) < 2:
        return Reflection(
            False, "Only one speaker was found; a dialogue needs both people's lines."
        )
    matched = _mentor_speaker(speakers, mentor_name)
    mentor = matched or speakers[0]
    info, coder = (packs or PackCache()).get(None, settings)
    report = build_report(transcript, learner=mentor, coder=coder, pack=info)
    m = report.metrics
    metrics = [
        ("Mentor's share of the words", _share(m["talk_share"])),
        ("Questions (open)", f"{m['questions']} ({m['open_questions']})"),
        ("Reflections (complex)", f"{m['reflections']} ({m['complex_reflections']})"),
        ("Reflection-to-question ratio", _fmt(m["r_q_ratio"], ":1")),
        ("% complex reflections", _fmt(m["pct_complex_reflections"], "%")),
        ("Advice given", str(m["advice"])),
        ("MITI band (overall)", str(m["miti"]["overall"])),
    ]
    summary = [_plain(f"{f.title}: {f.detail}") for f in report.strengths]
    summary += [_plain(f"To try: {f.title}: {f.detail}") for f in report.missed]
    if not summary:
        summary = ["No particular strengths or missed opportunities stood out in these notes."]
    message = (
        ""
        if matched
        else (
            f"Analysed {mentor!r} as the mentor (the first speaker); "
            "write your own name or 'Mentor' before your lines to choose."
        )
    )
    return Reflection(True, message, mentor, metrics, summary)
