"""What each person sees of a pair, assembled in one place so consent is applied once.

`overview` builds the pair page for whoever is looking; `transparency` shows
the mentee (and only the mentee) exactly what `overview` would show their
mentor, plus every flag and every recorded view of their data. The `...Page`
TypedDicts name what each template is given, so mypy checks every route's context
against what the page reads (templates keep their names: `{{ view }}`, `{{ pair }}`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from empathic.accounts.models import AuditEntry, User
from empathic.charts import Series, data_table, line_chart
from empathic.db import utcnow
from empathic.mentoring import flags as flag_service
from empathic.mentoring import goals, kram, records, schedule, signals
from empathic.mentoring.area import ADMINISTER_PAIRS
from empathic.mentoring.importing import ImportPreview
from empathic.mentoring.models import (
    SOURCES,
    CheckIn,
    ConsentChange,
    Flag,
    Goal,
    Milestone,
    Pair,
    Schedule,
    SessionLog,
)
from empathic.mentoring.reflect import Reflection
from empathic.mentoring.requests import MAX_WAITING, RequestView, waiting_requests
from empathic.mentoring.service import (
    SOURCE_LABELS,
    Access,
    accepting_role,
    all_pairs,
    can_see,
    consent_history,
    consents,
    pairs_of,
)
from empathic.mentoring.stories import Guide, Story
from empathic.paging import Paged
from empathic.permissions import allowed
from empathic.practice.queries import shared_runs_of

if TYPE_CHECKING:
    from empathic.practice.models import PracticeRun


@dataclass
class Overview:
    access: Access
    consents: dict[str, bool]
    shown: dict[str, bool]
    goals: list[Goal] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    sessions: list[SessionLog] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    balance: list[records.BalanceRow] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    practice: list[PracticeRun] = field(default_factory=list)
    days_since_session: int | None = None


def overview(db: Session, access: Access, *, all_flags: list[Flag] | None = None) -> Overview:
    """The pair as `access.role` may see it; an admin sees only administration facts.

    `all_flags` is every flag of the pair when the caller already loaded them (the
    transparency page), so they are filtered for this viewer instead of re-read.
    """
    current = consents(db, access.pair)  # read once; every check below reuses it
    shown = {source: can_see(db, access, source, current) for source in SOURCES}
    view = Overview(access, current, shown)

    def flags() -> list[Flag]:
        if all_flags is None:
            return flag_service.flags_of(db, access, current=current)
        return flag_service.visible_of(db, access, all_flags, current)

    if not access.member:
        view.flags = flags()
        return view
    if access.pair.state == "pending":  # until accepted, the pair exists and nothing more
        return view
    if shown["milestones"]:
        view.goals = goals.goals_of(db, access)
        view.milestones = goals.milestones_of(db, access)
    if shown["checkins"]:
        view.checkins = records.checkins_of(db, access, limit=12, current=current)
    if shown["practice"]:
        view.practice = shared_practice(db, access.pair.mentee_id)
    view.sessions = records.sessions_of(db, access)
    view.flags = flags()
    view.balance = records.balance(view.sessions)
    view.schedules = schedule.schedules_of(db, access.pair)
    last = max((s.held_at for s in view.sessions), default=access.pair.created_at)
    view.days_since_session = (utcnow() - last).days
    return view


PRACTICE_SHOWN = 10
"""How many of the mentee's latest shared practice runs the pair page lists."""


def shared_practice(db: Session, mentee_id: int) -> list[PracticeRun]:
    """The mentee's latest runs that they shared (`PracticeRun.shared`), newest first.

    The "practice" consent opens this list to the mentor, but a run the mentee
    kept private stays private: consent per source does not override the choice
    made per run. The mentee's own pair page lists the same runs, so it shows
    them what their mentor sees.
    """
    return shared_runs_of(db, mentee_id, PRACTICE_SHOWN)


@dataclass
class Transparency:
    mentor_view: Overview
    all_flags: list[Flag]
    hidden_flag_ids: set[int]
    history: list[ConsentChange]
    views: list[tuple[datetime, str, str]]


def transparency(db: Session, access: Access) -> Transparency:
    """Everything the mentor sees about the mentee, and who looked at it.

    It lists data the mentee has not shared and who viewed it, so it is the
    mentee's alone: showing it to the mentor would bypass consent.
    """
    if access.role != "mentee":
        raise PermissionError("the transparency page belongs to the mentee")
    pair = access.pair
    everything = flag_service.flags_of(db, access)  # the mentee sees every flag
    mentor_view = overview(db, Access(pair, pair.mentor, "mentor"), all_flags=everything)
    seen = {f.id for f in mentor_view.flags}
    rows = db.execute(
        select(AuditEntry.at, User.name, AuditEntry.action)
        .join(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.subject_id == pair.mentee_id, AuditEntry.target == f"pair:{pair.id}")
        .order_by(AuditEntry.at.desc())
        .limit(50)
    ).all()
    return Transparency(
        mentor_view,
        everything,
        {f.id for f in everything} - seen,
        consent_history(db, pair),
        [(at, name, action) for at, name, action in rows],
    )


class HomePage(TypedDict):
    """mentoring/home.html: my pairs, nudges, my requests, and for an admin every pair."""

    as_mentor: list[Pair]
    as_mentee: list[Pair]
    nudges: list[tuple[Pair, int]]
    all_pairs: Paged[Pair] | list[Pair]
    nudge_days: int
    accepter: Callable[[Pair], str]
    requests: list[RequestView]
    max_requests: int
    error: str
    """A problem with the last form posted (shown above the forms), else ""."""


def home(db: Session, user: User, page: int = 1, error: str = "") -> HomePage:
    """My pairs as mentor and as mentee, nudges for pairs that have gone quiet, and for an
    admin every pair (`page`: 50 a page)."""
    mentoring, mentored = pairs_of(db, user)
    nudges = dict(signals.nudges(db, user.id))
    return {
        "as_mentor": mentoring,
        "as_mentee": mentored,
        "nudges": [(p, nudges[p.id]) for p in mentoring if p.id in nudges],
        "all_pairs": all_pairs(db, user, page) if allowed(user, ADMINISTER_PAIRS) else [],
        "nudge_days": signals.NUDGE_DAYS,
        "accepter": accepting_role,
        "requests": waiting_requests(db, user),
        "max_requests": MAX_WAITING,
        "error": error,
    }


def balance_chart(rows: list[records.BalanceRow]) -> tuple[Markup | None, Markup | None]:
    """The balance as an SVG chart and the same numbers as a table (None, None when empty)."""
    if not rows:
        return None, None
    labels = [r.month for r in rows]
    series = [
        Series("Career", [float(r.career) for r in rows]),
        Series("Psychosocial", [float(r.psychosocial) for r in rows]),
    ]
    top = max(max(r.career, r.psychosocial) for r in rows)
    title = "Confirmed career and psychosocial functions per month"
    chart = line_chart(title, labels, series, y_min=0, y_max=max(top, 1), y_format="{:.0f}")
    return chart, data_table(title, labels, series, y_format="{:.0f}")


class Labels(TypedDict):
    """Names the pair and transparency pages need: sources, Kram functions, flag kinds."""

    source_labels: dict[str, str]
    functions: dict[str, tuple[str, str]]
    kinds: dict[str, str]


def labels() -> Labels:
    return {
        "source_labels": SOURCE_LABELS,
        "functions": kram.FUNCTIONS,
        "kinds": signals.KINDS,
    }


class PairPage(Labels):
    """mentoring/pair.html: the pair as this viewer may see it, and its forms."""

    view: Overview
    pair: Pair
    role: str
    error: str
    transitions: dict[str, str]
    accepter: str
    chart: Markup | None
    table: Markup | None
    feed_url: str


class TransparencyPage(Labels):
    """mentoring/transparency.html: what the mentor sees (`view`), and who looked (`t`)."""

    pair: Pair
    role: str
    t: Transparency
    view: Overview
    chart: Markup | None
    table: Markup | None


class ImportPage(TypedDict):
    """mentoring/import.html: every row of an upload and its problems, before saving."""

    pair: Pair
    found: ImportPreview
    filename: str
    csv_text: str
    """The upload again for the confirm step; "" when it has errors (nothing to confirm)."""


class ReflectionPage(TypedDict):
    pair: Pair
    log: SessionLog
    found: Reflection


class FlagPage(TypedDict):
    """mentoring/flag.html: the facts, alternative stories, the guide and the actions."""

    pair: Pair
    role: str
    flag: Flag
    kind_label: str
    stories: list[Story]
    guide: Guide
    error: str
