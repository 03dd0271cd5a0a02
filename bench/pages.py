"""Page benchmark: server time of every page on the demo organisation ×100 (issue #16: pages
stay under 300 ms p95 on PostgreSQL).

    python bench/pages.py [--scale 100] [--database postgresql|sqlite] [--repeat 20]
                          [--only PATH-PART] [--json OUT.json]

Builds a fresh database (a new schema `empathic_pbench_<hex>` on the PostgreSQL server at
TEST_POSTGRES_URL, default the local one, dropped at the end; or a temporary SQLite file),
migrates it and seeds it:

1. the demo organisation (`web.demo.seed_demo`: its people, teams, played practice runs,
   mentoring pairs, learning reviews), lived in a little: every demo learner has one
   run in progress and three saved analyses (one keeping its text), and the shared
   runs carry a facilitator's comment and the learner's reply;
2. `--scale - 1` copies of it, row by row through every table (ids remapped, emails and
   team names made unique). The copies' people of the facilitator's team join that
   team (the demo facilitator oversees a team `--scale` times larger); the copies' other
   teams stay teams of their own; the demo admin is everyone's admin; and the copies of
   the demo learner's practice runs, corrections and saved analyses are hers (she has
   `--scale` times the practice history);
3. an audit log as a year of use writes it: views of shared runs, cohorts, growth, pairs,
   review accounts and the review queue, invitations and pair administration.

Then, in this process (no network: httpx over the ASGI app), it signs in as the demo
learner, facilitator and admin and asks for every page each of them can open (every GET
route of the route table, ids filled from the seed), `--repeat` times after one unmeasured
warm-up. Prints the rows per table, the seeding time and, per page and role: p50 / p95 /
max milliseconds; `cpu`, the median CPU time of this process per request (the server's
Python work without waiting for the database or for other processes on the machine: a
steadier figure on a busy machine); `first`, the warm-up request (cold caches, work done
once such as coding turns for the review queue or starting the analysis workers); SQL
statements per request (a `before_cursor_execute` listener; `+` when they varied) and
the response's size; pages over 300 ms p95 are marked. Then the GET routes it did not ask
for, with the reason. `--json` writes the same figures to a file, to compare two runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, Table, event, func, insert, select, text
from sqlalchemy.orm import Session

from empathic.accounts.models import AuditEntry, User
from empathic.config import Settings
from empathic.db import UTCDateTime, make_engine, migrate, scratch_database, session_factory
from empathic.db import utcnow as now
from empathic.mentoring.models import Pair
from empathic.models import metadata
from empathic.practice.models import PracticeRun
from empathic.web.deps import route_table
from empathic.web.local import csrf_token_in

BUDGET_MS = 300.0
SKIP_TABLES = {"audit_log", "auth_sessions", "signin_attempts", "oidc_logins", "scenario_voices"}
"""Not copied: the audit log is written as a year of use would (`_audit_rows`); sign-ins,
sessions and the admin's voice choices belong to the one installation."""
THE_LEARNERS_OWN = {("practice_runs", "user_id"), ("saved_analyses", "user_id")}
THE_LEARNERS_OWN |= {("corrections", "user_id")}
"""Columns whose copies of the demo learner's rows stay hers (her history grows ×scale)."""
BATCH = 2000


# ----------------------------------------------------------------------------- seeding


@dataclass
class Seeded:
    """What the pages are asked about, found in the seeded database."""

    accounts: dict[str, str]
    ids: dict[str, Any] = field(default_factory=dict)


def _lived_in(engine: Engine, settings: Settings) -> None:
    """The demo organisation as people use it: a run in progress, saved analyses, comments."""
    from empathic.analysis.packs import PackCache
    from empathic.insights import saved
    from empathic.insights.service import analyse_text
    from empathic.mentoring import service as mentoring
    from empathic.practice import service as practice
    from empathic.practice.comments import add_comment
    from empathic.roleplay.loading import load_library

    example = Path(__file__).resolve().parents[1] / "src/empathic/examples/one-to-one.vtt"
    transcript = example.read_text(encoding="utf-8")
    view = analyse_text(
        transcript,
        source=example.name,
        fmt="vtt",
        learner="Sam",
        pack=None,
        settings=settings,
        packs=PackCache(),
    )
    summary = saved.summary_of(view)
    library = load_library()
    cache = practice.SimulationCache(size=4)
    with session_factory(engine)() as db:
        learners = list(db.scalars(select(User).where(User.role == "learner").order_by(User.id)))
        facilitator = db.scalar(select(User).where(User.role == "facilitator"))
        for number, learner in enumerate(learners):
            for k, title in enumerate(("Weekly one-to-one", "Team retro", "Jordan and Sam")):
                row = saved.save_analysis(
                    db,
                    learner,
                    summary,
                    title=f"{title} {number}",
                    source=example.name,
                    fmt="vtt",
                    text=transcript if k == 2 else None,
                )
                row.created_at = now() - timedelta(days=3 * k + number)
            scenario = library[number % len(library)]
            run = practice.start_run(db, learner, scenario.id, difficulty="medium", seed=number)
            db.commit()
            for line in scenario.playthroughs.empathic.lines[:2]:
                practice.play_turn(db, cache, run, line)
        lena = db.scalar(select(Pair).where(Pair.mentee_id == learners[0].id))
        if lena is not None:  # her mentor may read the analysis of their session notes
            mentee = mentoring.mentee_access(db, learners[0], lena.id)
            mentoring.set_consent(db, mentee, "session_analysis", True)
        shared = db.scalars(select(PracticeRun).where(PracticeRun.shared.is_(True))).all()
        for run in shared:
            if facilitator is not None and facilitator.team_id == run.owner.team_id:
                add_comment(db, facilitator, run, "Good open questions; try one more reflection.")
                add_comment(db, run.owner, run, "Thanks, I will try that next time.")
        db.commit()


def _read(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for table in metadata().sorted_tables:
            if table.name in SKIP_TABLES:
                continue
            columns = [c for c in table.columns if c.name != "search_vector"]
            rows[table.name] = [dict(r) for r in conn.execute(select(*columns)).mappings()]
    return rows


class Copier:
    """Copies of the seeded organisation: every row again with new ids and references."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]], engine: Engine) -> None:
        self.rows = rows
        self.tables = {t.name: t for t in metadata().sorted_tables if t.name in rows}
        self.stride = {
            name: max((r["id"] for r in table_rows), default=0)
            for name, table_rows in rows.items()
            if "id" in self.tables[name].c and self._int_id(self.tables[name])
        }
        users = rows["users"]
        self.admin = next(u["id"] for u in users if u["role"] == "admin")
        facilitator = next(u for u in users if u["role"] == "facilitator")
        self.facilitator = facilitator["id"]
        self.big_team = facilitator["team_id"]
        self.learner = next(u["id"] for u in users if u["email"].startswith("learner@"))
        self.engine = engine

    @staticmethod
    def _int_id(table: Table) -> bool:
        column = table.c.get("id")
        return column is not None and column.primary_key and column.type.python_type is int

    def maps_for(self, copy: int) -> dict[str, dict[Any, Any]]:
        """Old id -> new id per table for copy number `copy` (0 is the original)."""
        maps: dict[str, dict[Any, Any]] = {}
        for name, table_rows in self.rows.items():
            table = self.tables[name]
            if "id" not in table.c or not table.c.id.primary_key:
                continue
            if copy == 0:
                maps[name] = {r["id"]: r["id"] for r in table_rows}
            elif self._int_id(table):
                maps[name] = {r["id"]: r["id"] + copy * self.stride[name] for r in table_rows}
            else:
                maps[name] = {r["id"]: secrets.token_hex(16) for r in table_rows}
        if copy:
            maps["users"][self.admin] = self.admin
            maps["teams"][self.big_team] = self.big_team
        return maps

    def copy(self, copy: int) -> dict[str, list[dict[str, Any]]]:
        """The rows of copy number `copy` (>= 1), shifted `copy` days into the past."""
        maps = self.maps_for(copy)
        shift = timedelta(days=copy % 120, minutes=7 * copy)
        out: dict[str, list[dict[str, Any]]] = {}
        for name, table_rows in self.rows.items():
            table = self.tables[name]
            new_rows = []
            for row in table_rows:
                if name == "users" and row["id"] == self.admin:
                    continue
                if name == "teams" and row["id"] == self.big_team:
                    continue
                new = dict(row)
                if name in maps:
                    new["id"] = maps[name][row["id"]]
                for column in table.columns:
                    value = new.get(column.name)
                    if value is None:
                        continue
                    hers = (name, column.name) in THE_LEARNERS_OWN and value == self.learner
                    # (her run in progress stays with her copy: one is enough to continue)
                    if not (hers and row.get("status", "ended") == "ended"):
                        for key in column.foreign_keys:
                            new[column.name] = maps[key.column.table.name][value]
                    if isinstance(column.type, UTCDateTime):
                        new[column.name] = value - shift
                self._unique(name, new, row, copy, maps)
                new_rows.append(new)
            out[name] = new_rows
        return out

    @staticmethod
    def _unique(
        name: str, new: dict[str, Any], old: dict[str, Any], copy: int, maps: dict[str, Any]
    ) -> None:
        """Values that must differ between copies, and ids kept in plain columns."""
        if name == "users":
            local, _, domain = old["email"].partition("@")
            new["email"] = f"{local}.{copy}@{domain}"
            new["name"] = f"{old['name']} {copy}"
        elif name == "teams":
            new["name"] = f"{old['name']} {copy + 1}"
        elif name == "mentoring_pairs":
            new["feed_token"] = secrets.token_urlsafe(24)
        elif name == "mentoring_schedules":
            new["uid"] = f"{old['uid']}-{copy}"
        elif name == "invitations":
            new["token_hash"] = secrets.token_hex(32)
        elif name == "mentoring_flags" and old["subject"].startswith("milestone:"):
            milestone = int(old["subject"].split(":", 1)[1])
            new["subject"] = f"milestone:{maps['mentoring_milestones'][milestone]}"
        elif name == "review_flags" and old["target_id"] is not None:
            table = {"account": "review_accounts", "factor": "review_factors"}
            table |= {"action": "review_actions"}
            if old["target"] in table:
                new["target_id"] = maps[table[old["target"]]][old["target_id"]]

    def audit_rows(self, copy: int, rng: random.Random) -> list[dict[str, Any]]:
        """A year of audit entries of one copy of the organisation."""
        maps = self.maps_for(copy)
        users = {u["id"]: u for u in self.rows["users"]}
        user = maps["users"]
        facilitator = user[self.facilitator]
        found: list[dict[str, Any]] = []

        def add(actor: int, subject: int | None, action: str, target: str, times: int) -> None:
            for _ in range(times):
                at = now() - timedelta(seconds=rng.randint(60, 365 * 86400))
                found.append(
                    {
                        "at": at,
                        "actor_id": actor,
                        "subject_id": subject,
                        "action": action,
                        "target": target,
                    }
                )

        for run in self.rows["practice_runs"]:
            if run["shared"] and users[run["user_id"]]["team_id"] == self.big_team:
                owner = user[run["user_id"]]
                add(facilitator, owner, "viewed shared run", maps["practice_runs"][run["id"]], 2)
                add(facilitator, owner, "viewed shared growth", f"user {owner}", 1)
                add(facilitator, owner, "viewed review queue", "3 turn(s)", 1)
        team = maps["teams"][self.big_team]
        add(facilitator, None, "viewed cohort", f"team {team} Oncology MSLs", 24)
        for pair in self.rows["mentoring_pairs"]:
            pid, mentor, mentee = (maps[t][pair[k]] for t, k in _PAIR_KEYS)
            add(mentor, mentee, "mentoring.view", f"pair:{pid}", 20)
            add(self.admin, mentee, "mentoring.admin.view", f"pair:{pid}", 2)
            add(self.admin, mentor, "mentoring.admin.view", f"pair:{pid}", 2)
        facilitator_of = {r["id"]: r["facilitator_id"] for r in self.rows["reviews"]}
        for account in self.rows["review_accounts"]:
            reader = facilitator_of[account["review_id"]]
            target = (
                f"review:{maps['reviews'][account['review_id']]}"
                f"/account:{maps['review_accounts'][account['id']]}"
            )
            add(user[reader], user[account["author_id"]], "reviews.account.read", target, 3)
        add(self.admin, None, "accounts.invite", f"new.{copy}@demo.example as learner", 6)
        return found

    def insert(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        with self.engine.begin() as conn:
            for name, table in self.tables.items():
                batch = rows.get(name) or []
                for start in range(0, len(batch), BATCH):
                    conn.execute(insert(table), batch[start : start + BATCH])


_PAIR_KEYS = (("mentoring_pairs", "id"), ("users", "mentor_id"), ("users", "mentee_id"))


def seed(engine: Engine, settings: Settings, scale: int) -> tuple[dict[str, int], float]:
    """The demo organisation ×scale; returns rows per table and the seconds it took."""
    from empathic.web.demo import seed_demo

    started = time.perf_counter()
    seed_demo(session_factory(engine))
    _lived_in(engine, settings)
    rows = _read(engine)
    copier = Copier(rows, engine)
    rng = random.Random(16)
    for copy in range(1, scale):
        copier.insert(copier.copy(copy))
    audit: list[dict[str, Any]] = []
    for copy in range(scale):
        audit += copier.audit_rows(copy, rng)
    with engine.begin() as conn:
        for start in range(0, len(audit), BATCH):
            conn.execute(insert(AuditEntry), audit[start : start + BATCH])
    _after_bulk_insert(engine)
    seconds = time.perf_counter() - started
    counts = {}
    with engine.connect() as conn:
        for table in metadata().sorted_tables:
            count = conn.scalar(select(func.count()).select_from(table)) or 0
            if count:
                counts[table.name] = int(count)
    return counts, seconds


def _after_bulk_insert(engine: Engine) -> None:
    """PostgreSQL: move each id sequence past the copied ids, and gather statistics."""
    if engine.dialect.name != "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        return
    with engine.begin() as conn:
        for table in metadata().sorted_tables:
            column = table.c.get("id")
            if column is None or not column.primary_key or column.type.python_type is not int:
                continue
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


# ----------------------------------------------------------------------------- the pages


@dataclass(frozen=True)
class Page:
    role: str
    path: str
    route: str
    accept: str = "text/html"


def pages(engine: Engine, accounts: dict[str, str]) -> list[Page]:
    """Every page each demo person can open, with ids taken from the seeded data."""
    from empathic.reviews.models import Account, Contributor, LibraryEntry, Review

    with Session(engine) as db:
        people = {
            role: db.scalar(select(User).where(User.email == email))
            for role, email in accounts.items()
        }
        learner, facilitator = people["learner"], people["facilitator"]
        assert learner is not None and facilitator is not None
        runs = list(
            db.scalars(
                select(PracticeRun)
                .where(PracticeRun.user_id == learner.id)
                .order_by(PracticeRun.created_at.desc())
            )
        )
        ended = [r for r in runs if r.status == "ended"]
        active = next(r for r in runs if r.status == "active")
        latest = ended[0]
        before = next(r for r in ended[1:] if r.scenario_id == latest.scenario_id)
        shared = db.scalar(
            select(PracticeRun)
            .join(User, User.id == PracticeRun.user_id)
            .where(
                PracticeRun.shared.is_(True),
                PracticeRun.status == "ended",
                User.team_id == facilitator.team_id,
                User.id != facilitator.id,
            )
            .order_by(PracticeRun.created_at.desc())
        )
        assert shared is not None
        from empathic.insights.models import SavedAnalysis
        from empathic.mentoring.models import Flag, SessionLog

        analyses = list(
            db.scalars(
                select(SavedAnalysis)
                .where(SavedAnalysis.user_id == learner.id)
                .order_by(SavedAnalysis.created_at.desc())
            )
        )
        kept = next(a for a in analyses if a.transcript is not None)
        scores = next(a for a in analyses if a.transcript is None)
        mentee_pair = db.scalar(select(Pair).where(Pair.mentee_id == learner.id))
        mentor_pair = db.scalar(select(Pair).where(Pair.mentor_id == facilitator.id))
        assert mentee_pair is not None and mentor_pair is not None
        flag = db.scalar(select(Flag).where(Flag.pair_id == mentee_pair.id))
        log = db.scalar(select(SessionLog).where(SessionLog.pair_id == mentor_pair.id))
        assert flag is not None and log is not None
        review = db.scalar(
            select(Review)
            .join(Contributor, Contributor.review_id == Review.id)
            .where(Contributor.user_id == learner.id, Review.status != "published")
        )
        led = db.scalar(
            select(Review).where(Review.facilitator_id == facilitator.id).order_by(Review.id)
        )
        entry = db.scalar(select(LibraryEntry).order_by(LibraryEntry.id))
        assert review is not None and led is not None and entry is not None
        written = db.scalar(select(Account.author_id).where(Account.review_id == led.id))
        member = learner.id  # she shares some of her runs: a long shared history
        day = (now() - timedelta(days=30)).date()
        audit_filters = [
            f"actor={facilitator.id}",
            f"subject={learner.id}",
            "action=viewed+shared+run",
            f"since={day.isoformat()}&until={date.today().isoformat()}",
        ]

    def all_roles(path: str, route: str | None = None) -> list[Page]:
        return [Page(role, path, route or path) for role in ("learner", "facilitator", "admin")]

    found = [
        *all_roles("/"),
        *all_roles("/practice"),
        Page("learner", "/practice?skill=active+listening", "/practice"),
        Page("learner", f"/practice/{latest.scenario_id}", "/practice/{scenario_id}"),
        Page("learner", f"/runs/{active.id}", "/runs/{run_id}"),
        Page("learner", f"/runs/{active.id}/turns/1/stream", "/runs/{run_id}/turns/{index}/stream"),
        Page("learner", f"/runs/{latest.id}/debrief", "/runs/{run_id}/debrief"),
        Page("learner", f"/runs/{latest.id}/debrief", "/runs/{run_id}/debrief", "application/json"),
        Page("learner", f"/runs/compare?before={before.id}&after={latest.id}", "/runs/compare"),
        Page("facilitator", f"/runs/{shared.id}/debrief", "/runs/{run_id}/debrief"),
        Page("admin", f"/runs/{shared.id}/debrief", "/runs/{run_id}/debrief"),
        *all_roles("/growth"),
        Page("learner", "/growth?page=4", "/growth"),
        *all_roles("/analyse"),
        *all_roles("/analyses"),
        Page("learner", "/analyses?page=4", "/analyses"),
        Page("learner", f"/analyses/{scores.id}", "/analyses/{analysis_id}"),
        Page("learner", f"/analyses/{kept.id}", "/analyses/{analysis_id}"),
        Page("learner", f"/analyses/{kept.id}/scores.json", "/analyses/{analysis_id}/scores.json"),
        Page("learner", f"/analyses/{kept.id}/report.html", "/analyses/{analysis_id}/report.html"),
        Page("facilitator", "/facilitator", "/facilitator"),
        Page("facilitator", "/facilitator?page=5", "/facilitator"),
        Page("admin", "/facilitator", "/facilitator"),
        Page("admin", "/facilitator?page=20", "/facilitator"),
        Page("facilitator", f"/facilitator/learners/{member}", "/facilitator/learners/{user_id}"),
        Page("admin", f"/facilitator/learners/{member}", "/facilitator/learners/{user_id}"),
        Page(
            "facilitator",
            f"/facilitator/learners/{member}?page=3",
            "/facilitator/learners/{user_id}",
        ),
        Page("facilitator", "/corrections/queue", "/corrections/queue"),
        Page("facilitator", "/corrections/queue?page=2", "/corrections/queue"),
        Page("admin", "/corrections/queue", "/corrections/queue"),
        Page("admin", "/corrections/packs", "/corrections/packs"),
        *all_roles("/how-ai-works"),
        *all_roles("/mentoring"),
        Page("admin", "/mentoring?page=3", "/mentoring"),
        Page("learner", f"/mentoring/pairs/{mentee_pair.id}", "/mentoring/pairs/{pair_id}"),
        Page(
            "learner",
            f"/mentoring/pairs/{mentee_pair.id}/transparency",
            "/mentoring/pairs/{pair_id}/transparency",
        ),
        Page("learner", f"/mentoring/flags/{flag.id}", "/mentoring/flags/{flag_id}"),
        Page("facilitator", f"/mentoring/pairs/{mentor_pair.id}", "/mentoring/pairs/{pair_id}"),
        Page("facilitator", f"/mentoring/flags/{flag.id}", "/mentoring/flags/{flag_id}"),
        Page(
            "facilitator",
            f"/mentoring/pairs/{mentor_pair.id}/sessions/{log.id}/reflection",
            "/mentoring/pairs/{pair_id}/sessions/{session_id}/reflection",
        ),
        Page(
            "anyone",
            f"/mentoring/pairs/{mentor_pair.id}/calendar.ics?token={mentor_pair.feed_token}",
            "/mentoring/pairs/{pair_id}/calendar.ics",
        ),
        Page("admin", f"/mentoring/pairs/{mentor_pair.id}", "/mentoring/pairs/{pair_id}"),
        *all_roles("/reviews"),
        *all_roles("/reviews/library"),
        Page("learner", "/reviews/library?q=distribution+list", "/reviews/library"),
        Page("learner", f"/reviews/library/{entry.id}", "/reviews/library/{entry_id}"),
        Page(
            "learner",
            f"/reviews/library/{entry.id}/export.md",
            "/reviews/library/{entry_id}/export.md",
        ),
        Page("learner", f"/reviews/{review.id}", "/reviews/{review_id}"),
        Page("facilitator", f"/reviews/{led.id}", "/reviews/{review_id}"),
        Page("facilitator", f"/reviews/{led.id}/justculture", "/reviews/{review_id}/justculture"),
        Page("admin", "/admin", "/admin"),
        Page("admin", "/admin?page=10", "/admin"),
        Page("admin", "/admin?q=amara", "/admin"),
        Page("admin", "/admin/voices", "/admin/voices"),
        Page("admin", "/admin/audit", "/admin/audit"),
        Page("admin", "/admin/audit?page=50", "/admin/audit"),
        *(Page("admin", f"/admin/audit?{q}", "/admin/audit") for q in audit_filters),
        Page("admin", "/admin/audit.csv", "/admin/audit.csv"),
        *(Page("admin", f"/admin/audit.csv?{q}", "/admin/audit.csv") for q in audit_filters),
        Page("anyone", "/signin", "/signin"),
        Page("anyone", "/signup", "/signup"),
        Page("anyone", "/healthz", "/healthz"),
    ]
    if written is None:
        found = [p for p in found if "justculture" not in p.path]
    return found


NOT_ASKED = {
    "/favicon.ico": "no content (204)",
    "/signin/oidc": "single sign-on is not configured",
    "/signin/oidc/callback": "single sign-on is not configured",
}


# ----------------------------------------------------------------------------- measuring


class Counter:
    """SQL statements sent through the app's engine."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


@dataclass
class Figures:
    page: Page
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)
    size: int = 0
    first: float = 0.0
    """The unmeasured first request (cold caches, work done once), seconds."""

    def pct(self, p: float) -> float:
        ordered = sorted(self.times)
        return 1000 * ordered[min(len(ordered) - 1, int(p * len(ordered)))]


async def _sign_in(client: httpx.AsyncClient, email: str, password: str) -> None:
    token = csrf_token_in((await client.get("/signin")).text)
    form = {"email": email, "password": password, "csrf_token": token}
    signed = await client.post("/signin", data=form)
    if signed.status_code != 303:
        raise RuntimeError(f"sign-in of {email} failed: {signed.status_code}")


async def measure(app: Any, found: list[Page], accounts: dict[str, str], repeat: int) -> list[Any]:
    from empathic.web.demo import DEMO_PASSWORD

    counter = Counter(app.state.engine)
    transport = httpx.ASGITransport(app=app)
    clients: dict[str, httpx.AsyncClient] = {}
    results = []
    async with app.router.lifespan_context(app):
        try:
            for role in ("learner", "facilitator", "admin", "anyone"):
                clients[role] = httpx.AsyncClient(
                    transport=transport, base_url="http://bench", timeout=120
                )
                if role in accounts:
                    await _sign_in(clients[role], accounts[role], DEMO_PASSWORD)
            for page in found:
                figures = Figures(page)
                client = clients[page.role]
                headers = {"Accept": page.accept}
                for attempt in range(repeat + 1):
                    counter.count = 0
                    started, cpu = time.perf_counter(), time.process_time()
                    response = await client.get(page.path, headers=headers)
                    elapsed = time.perf_counter() - started
                    figures.statuses.add(response.status_code)
                    figures.size = len(response.content)
                    if attempt:  # the first asks once to warm caches: not measured
                        figures.times.append(elapsed)
                        figures.cpu.append(time.process_time() - cpu)
                        figures.queries.append(counter.count)
                    else:
                        figures.first = elapsed
                results.append(figures)
                print(".", end="", flush=True, file=sys.stderr)
        finally:
            for client in clients.values():
                await client.aclose()
    print(file=sys.stderr)
    return results


def report(results: list[Figures]) -> list[dict[str, Any]]:
    rows = []
    print(
        f"\n{'page':<66} {'role':<11} {'p50':>7} {'p95':>7} {'max':>7} {'cpu':>6} "
        f"{'first':>7} {'SQL':>5} {'KB':>6}"
    )
    for f in results:
        row = {
            "page": f.page.path,
            "route": f.page.route,
            "role": f.page.role,
            "accept": f.page.accept,
            "p50_ms": round(f.pct(0.50), 1),
            "p95_ms": round(f.pct(0.95), 1),
            "max_ms": round(1000 * max(f.times), 1),
            "cpu_ms": round(1000 * statistics.median(f.cpu), 1),
            "first_ms": round(1000 * f.first, 1),
            "queries": statistics.median(f.queries),
            "queries_max": max(f.queries),
            "statuses": sorted(f.statuses),
            "kb": round(f.size / 1024, 1),
        }
        rows.append(row)
        name = f.page.path if len(f.page.path) <= 64 else f.page.path[:61] + "..."
        if f.page.accept != "text/html":
            name = f"{name[:57]} (json)"
        flags = []
        if row["p95_ms"] > BUDGET_MS:
            flags.append(f"OVER {BUDGET_MS:.0f} ms")
        if f.statuses - {200}:
            flags.append(f"status {sorted(f.statuses)}")
        queries = f"{row['queries']:g}" + ("+" if row["queries_max"] != row["queries"] else "")
        print(
            f"{name:<66} {f.page.role:<11} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} "
            f"{row['max_ms']:>7.1f} {row['cpu_ms']:>6.1f} {row['first_ms']:>7.1f} {queries:>5} "
            f"{row['kb']:>6.1f}  {' '.join(flags)}"
        )
    slow = [r for r in rows if r["p95_ms"] > BUDGET_MS]
    print(f"\n{len(slow)} of {len(rows)} pages over {BUDGET_MS:.0f} ms p95")
    return rows


def unasked(app: Any, found: list[Page]) -> Iterator[tuple[str, str]]:
    asked = {p.route for p in found}
    for method, path, _ in route_table(app):
        if method == "GET" and path not in asked and not path.startswith("/static"):
            yield path, NOT_ASKED.get(path, "NOT MEASURED")


def run(scale: int, database: str, repeat: int, only: str, out: str | None) -> None:
    from empathic.web.app import create_app
    from empathic.web.demo import DEMO_PASSWORD, demo_email

    accounts = {r: demo_email(r) for r in ("learner", "facilitator", "admin")}
    with (
        tempfile.TemporaryDirectory() as folder,
        scratch_database(database, "empathic_pbench") as url,
    ):
        settings = Settings(data_dir=Path(folder), database_url=url, log_level="WARNING")
        engine = make_engine(url)
        migrate(engine)
        counts, seconds = seed(engine, settings, scale)
        engine.dispose()
        print(f"database: {database}  scale: ×{scale}  repeat: {repeat}")
        print(f"seeding: {seconds:.1f} s")
        print("rows: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
        app = create_app(settings, run_migrations=False)
        found = [p for p in pages(app.state.engine, accounts) if only in p.path]
        assert DEMO_PASSWORD
        results = asyncio.run(measure(app, found, accounts, repeat))
        rows = report(results)
        missing = list(unasked(app, found)) if not only else []
        if missing:
            print("GET routes not asked: " + "; ".join(f"{p} ({why})" for p, why in missing))
        app.state.engine.dispose()
    if out:
        figures = {"database": database, "scale": scale, "repeat": repeat}
        figures |= {"seed_s": round(seconds, 1), "rows": counts, "pages": rows}
        Path(out).write_text(json.dumps(figures, indent=1), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100, help="Copies of the demo organisation.")
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--repeat", type=int, default=20, help="Measured requests per page.")
    parser.add_argument("--only", default="", help="Only pages whose address contains this.")
    parser.add_argument("--json", default=None, help="Also write the figures to this file.")
    args = parser.parse_args(argv)
    if args.scale < 1 or args.repeat < 1:
        parser.error("--scale and --repeat must be at least 1")
    run(args.scale, args.database, args.repeat, args.only, args.json)


if __name__ == "__main__":
    main()
