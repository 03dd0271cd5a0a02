"""Insights logic, no HTTP: analysing a pasted or uploaded transcript, growth over practice
runs, cohort aggregates above a minimum group size, and who may see whose shared runs.

Privacy rules (DESIGN.md §2.6) are applied here for every insights page: a person sees
their own data; a facilitator sees runs that members of their own team chose to share (an
admin sees every shared run; the rule itself is `accounts.service.overseen_ids`, which the
practice pages ask too); groups are shown only at or above `min_group_size`
learners; every view of someone else's data is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from empathic.accounts.models import Team, User
from empathic.accounts.service import audit, audit_targets, oversees
from empathic.analysis.html import highlight, pretty
from empathic.analysis.judges import JUDGES, judge_report
from empathic.analysis.labels import MECHANISMS
from empathic.analysis.packs import (
    PackCache,
    PackError,
    PackInfo,
    list_packs,
    resolve_pack_name,
)
from empathic.analysis.report import build_report
from empathic.analysis.speakers import LearnerError, Speaker, cast_of, first_words, match_speaker
from empathic.charts import Series
from empathic.config import Settings
from empathic.conversation import FORMATS, Transcript, TranscriptError, parse_transcript
from empathic.db import utcnow
from empathic.paging import Paged
from empathic.permissions import Role, role_of
from empathic.practice.queries import (
    Window,
    latest_ended_runs,
    runs_page,
    shared_runs_overseen,
    team_figures,
)
from empathic.textio import TextDecodeError, decode_text

if TYPE_CHECKING:
    from empathic.practice.models import PracticeRun

PASTED = "pasted text"
"""The source name of a pasted transcript (an upload's is its file name)."""

UPLOAD_FORMATS = {".txt": None, ".vtt": "vtt", ".srt": "srt", ".json": "json", ".csv": "csv"}
"""Accepted upload extensions and the reader each one forces (None: sniff the content)."""

SKILLS = (
    ("reflections", "Reflections"),
    ("open_questions", "Open questions"),
    ("warmth", "Warmth"),
    ("advice_first", "Advice before understanding"),
)
"""Growth skills stored in a run's summary (shares of turns, 0..1), with their names."""

LABEL_ORDER = ("behaviour", "question", "reflection", "input", "strategy", *MECHANISMS)

LABEL_EXPLANATIONS: dict[str, str] = {
    "behaviour": "What the turn does: asks a question, reflects back, gives input, or other.",
    "question": "Open questions invite a story; closed ones ask for a yes, no or a fact.",
    "reflection": "Simple reflections repeat what was said; complex ones add meaning or feeling.",
    "input": "Information, advice, negotiation or options offered to the other person.",
    "strategy": "The helping skill used, e.g. paraphrasing, reflecting feelings, reassurance.",
    "emotional_reaction": "Warmth and compassion expressed (0 none, 1 weak, 2 strong).",
    "interpretation": "Showing you understood their feelings and experience (0, 1 or 2).",
    "exploration": "Inviting them to say more about how they feel (0, 1 or 2).",
}
"""One plain line per label of the scheme (DESIGN.md §4), for people rather than coders."""


class InputProblem(ValueError):
    """Input the user can fix; `status` is the HTTP status the page should answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class SpeakerProblem(InputProblem):
    """No speaker chosen, or a typed name that fits none or several: the page asks again,
    listing `speakers`."""

    def __init__(self, message: str, speakers: Sequence[Speaker]) -> None:
        super().__init__(message)
        self.speakers = tuple(speakers)


@dataclass(frozen=True)
class Cast:
    """Who speaks in a transcript, for the "Who are you in this conversation?" step, and
    the title an analysis of it gets unless its owner types one."""

    speakers: tuple[Speaker, ...]
    title: str


# ----------------------------------------------------------------------------- analysis


def upload_format(filename: str) -> str | None:
    """The reader an upload's name asks for; refuses types we cannot read."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in UPLOAD_FORMATS:
        kinds = ", ".join(UPLOAD_FORMATS)
        raise InputProblem(f"{filename}: upload a transcript file ({kinds}).", 415)
    return UPLOAD_FORMATS[suffix]


def decode_upload(data: bytes, filename: str) -> str:
    """Uploaded bytes as text (see empathic.textio), or a message the page can show."""
    try:
        return decode_text(data, filename)
    except TextDecodeError as exc:
        if exc.binary:
            raise InputProblem(
                f"{filename} is not a text file: upload the transcript saved as text "
                f"({', '.join(UPLOAD_FORMATS)})."
            ) from None
        raise InputProblem(f"{exc}; re-save the file as UTF-8 text.") from None


def check_size(size: int, settings: Settings) -> None:
    """Refuse transcripts over the site's limit before spending time on them."""
    if size > settings.max_upload_bytes:
        limit = settings.max_upload_bytes / (1024 * 1024)
        raise InputProblem(
            f"The transcript is {size / (1024 * 1024):.1f} MB; the limit is {limit:.1f} MB. "
            "Split it into shorter conversations.",
            413,
        )


def reader(fmt: str) -> str | None:
    """The reader a re-posted form names (the upload's, carried by the speaker step)."""
    if fmt and fmt not in FORMATS:
        raise InputProblem(f"Unknown transcript format {fmt!r}: paste or upload it again.")
    return fmt or None


def cast(text: str, *, source: str, fmt: str | None) -> Cast:
    """Parse a transcript only to list its speakers: cheap next to coding it. Fewer than two
    speakers is a problem the user can fix (usually lines without `Name:`)."""
    try:
        transcript = parse_transcript(text, source=source, fmt=fmt)
    except TranscriptError as exc:
        raise InputProblem(str(exc)) from None
    speakers = cast_of(transcript)
    if len(speakers) < 2:
        raise InputProblem(
            f"Only one speaker was found ({speakers[0].name}), so there is no conversation "
            "to analyse: each turn should start with the speaker's name, as in "
            "'Sam: what they said'. If one person's turns were joined, check the line breaks."
        )
    return Cast(tuple(speakers), default_title(transcript, source))


def default_title(transcript: Transcript, source: str) -> str:
    """An upload's file name, else the first words of a pasted conversation."""
    if source != PASTED:
        return source
    first = transcript.turns[0]
    return f"{first.speaker}: {first_words(first.text)}"


def _coached(transcript: Transcript, learner: str | None) -> str:
    """The speaker being coached: never chosen silently (issue #16). A typed name is
    matched as `analysis.speakers.match_speaker` does."""
    if not (learner or "").strip():
        raise SpeakerProblem("Choose who you are in this conversation.", cast_of(transcript))
    try:
        return match_speaker(learner or "", transcript.speakers())
    except LearnerError as exc:
        raise SpeakerProblem(f"{exc}.", cast_of(transcript)) from None


def analyse_text(
    text: str,
    *,
    source: str,
    fmt: str | None,
    learner: str | None,
    pack: str | None,
    settings: Settings,
    packs: PackCache,
    judge: str = "offline",
) -> dict[str, Any]:
    """Parse, code and summarise one transcript into the page's view of the report;
    `judge="llm"` asks the site's language model too (the report says when it fell back).
    `learner` must name a speaker: SpeakerProblem lists them when it does not."""
    if judge not in JUDGES:
        raise InputProblem(f"Choose a judge: {' or '.join(JUDGES)}.")
    try:
        transcript = parse_transcript(text, source=source, fmt=fmt)
        chosen = _coached(transcript, learner)
        info, coder = packs.get(pack, settings)
        report = build_report(transcript, learner=chosen, coder=coder, pack=info)
    except (TranscriptError, PackError) as exc:
        raise InputProblem(str(exc)) from None
    report = judge_report(report, judge, settings)
    view = report.to_dict()
    view["default_title"] = default_title(transcript, source)
    risks = _risks_by_turn(view["summary"]["missed_opportunities"])
    view["turn_views"] = [_turn_view(turn, risks.get(turn["index"], {})) for turn in view["turns"]]
    return view


def _risks_by_turn(missed: list[dict[str, Any]]) -> dict[int, dict[str, list[str]]]:
    """Each turn's missed-opportunity evidence by finding title, gathered once: looking
    every turn up in every finding's turn list was quadratic (seconds at 40 000 turns)."""
    risks: dict[int, dict[str, list[str]]] = {}
    for finding in missed:
        for index in dict.fromkeys(finding.get("turns", [])):
            phrases = risks.setdefault(index, {}).setdefault(finding["title"], [])
            phrases.extend(finding.get("evidence", []))
    return risks


def _turn_view(turn: dict[str, Any], risks: dict[str, list[str]]) -> dict[str, Any]:
    """One turn ready to show: text split around its evidence, labels in reading order."""
    labels = turn.get("labels") or {}
    rows = [
        {
            "name": pretty(name),
            "value": f"{labels[name]} of 2" if name in MECHANISMS else labels[name],
            "confidence": (turn.get("confidence") or {}).get(name),
            "evidence": (turn.get("evidence") or {}).get(name) or [],
        }
        for name in LABEL_ORDER
        if labels.get(name) is not None
    ]
    segments = highlight(turn["text"], turn.get("evidence"), risks)
    # `index` counts from 0 (corrections and the JSON use it); people count turns from 1
    return {**turn, "number": turn["index"] + 1, "segments": segments, "label_rows": rows}


# ----------------------------------------------------------------------------- growth


CHART_POINTS = 50
"""A growth chart draws the latest 50 ended runs (or saved analyses): more points than that
are no longer readable, and a year of practice would make the page heavy (issue #16)."""


@dataclass
class Growth:
    """A learner's latest ended runs as chart series (oldest first) and a page of all runs."""

    labels: list[str]
    series: list[Series]
    runs: Paged[PracticeRun]
    ended: int = 0
    """Ended runs in all; the chart draws the latest CHART_POINTS of them."""

    @property
    def has_points(self) -> bool:
        return bool(self.labels)


def growth(db: Session, user_id: int, page: int = 1, *, shared_only: bool = False) -> Growth:
    """A person's growth: the chart of their latest ended runs and a page of their history
    (`shared_only`: only the runs they shared, as a facilitator sees them)."""
    latest = latest_ended_runs(db, user_id, CHART_POINTS, shared_only=shared_only)
    history = runs_page(db, user_id, page, shared_only=shared_only)
    return growth_of(list(reversed(latest.items)), history, ended=latest.total)


def growth_of(runs: Sequence[PracticeRun], history: Paged[PracticeRun], ended: int) -> Growth:
    """One chart point per ended run of `runs` (oldest first), numbered among all `ended`."""
    first = ended - len(runs) + 1
    labels = [f"{i}. {(r.ended_at or r.created_at):%d %b}" for i, r in enumerate(runs, first)]
    series = [
        Series(name, [_number((r.summary or {}).get("skills", {}).get(key)) for r in runs])
        for key, name in SKILLS
    ]
    series.append(Series("Final trust", [_number((r.summary or {}).get("trust")) for r in runs]))
    return Growth(labels, series, history, ended)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


# ----------------------------------------------------------------------------- facilitator


@dataclass
class Cohort:
    """One team's aggregate; numbers are present only when the group is large enough."""

    team: str
    shown: bool
    learners: int = 0
    runs: int = 0
    means: dict[str, float | None] = field(default_factory=dict)
    good_share: float | None = None
    earlier: dict[str, float | None] | None = None
    """Means of the runs 4 to 8 weeks ago; None when too few learners practised then."""
    recent: dict[str, float | None] | None = None
    """Means of the last 4 weeks' runs; None when too few learners practised in them."""


def teams_in_scope(db: Session, viewer: User) -> list[Team]:
    """An admin oversees every team; a facilitator only their own."""
    if role_of(viewer) is Role.ADMIN:
        return list(db.scalars(select(Team).order_by(Team.name)))
    return [viewer.team] if viewer.team is not None else []


def cohorts(db: Session, viewer: User, settings: Settings) -> list[Cohort]:
    """Team aggregates of ended runs, hidden below the minimum group size; shown ones audited.

    Every team's figures come from one aggregate query (the database adds the runs up)."""
    teams = teams_in_scope(db, viewer)
    now = utcnow()
    windows: dict[str, Window] = {
        "all": (None, None),
        "earlier": (now - timedelta(weeks=2 * TREND_WEEKS), now - timedelta(weeks=TREND_WEEKS)),
        "recent": (now - timedelta(weeks=TREND_WEEKS), now),
    }
    skills = [key for key, _ in SKILLS]
    figures = team_figures(db, [team.id for team in teams], skills, windows)
    result = []
    seen: list[str] = []  # the teams whose figures are shown, audited at once
    for team in teams:
        found = figures.get(team.id)
        if found is None or found["all"].learners < settings.min_group_size:
            result.append(Cohort(team.name, shown=False))
            continue
        every = found["all"]
        cohort = Cohort(
            team.name, True, every.learners, every.runs, every.means, every.good / every.runs
        )
        # each window is an aggregate too: shown only over enough learners to hide anyone
        cohort.earlier, cohort.recent = (
            found[name].means if found[name].learners >= settings.min_group_size else None
            for name in ("earlier", "recent")
        )
        result.append(cohort)
        seen.append(f"team {team.id} {team.name}")
    audit_targets(db, viewer, "viewed cohort", seen)
    return result


TREND_WEEKS = 4
"""The trend compares the last four weeks with the four before them."""


def shared_runs(db: Session, viewer: User, page: int = 1) -> Paged[tuple[PracticeRun, User]]:
    """Runs shared by people in the viewer's scope, newest first, with their owner (a page)."""
    return shared_runs_overseen(db, viewer, page)


class OutOfScope(LookupError):
    """Someone the viewer may not see; pages answer 'not found' so ids are not confirmed."""


def shared_growth(db: Session, viewer: User, user_id: int, page: int = 1) -> tuple[User, Growth]:
    """A learner's growth from the runs they shared with the viewer; the view is audited."""
    person = db.get(User, user_id)
    if person is None or not oversees(db, viewer, user_id):
        raise OutOfScope(user_id)
    found = growth(db, user_id, page, shared_only=True)
    if not found.runs.total:
        raise OutOfScope(user_id)
    audit(db, viewer, person.id, "viewed shared growth", f"user {person.id}")
    return person, found


# ----------------------------------------------------------------------------- how the AI works


def default_pack_info(settings: Settings) -> tuple[PackInfo | None, str]:
    """The card of the pack reports use by default (without loading its model), or why not."""
    try:
        found = {info.name: info for info in list_packs(settings)}
        name = resolve_pack_name(None, settings, found)
    except PackError as exc:
        return None, str(exc)
    if name not in found:
        return None, f"The configured pack {name!r} is not installed."
    return found[name], ""
