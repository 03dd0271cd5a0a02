"""Signals benchmark: how long computing every pair's signals takes on realistic volumes.

    python -m empathic.mentoring.bench [--pairs 10000] [--database postgresql|sqlite] [--seed 7]

Creates a fresh database (a new schema `empathic_mbench_<hex>` on the PostgreSQL
server at TEST_POSTGRES_URL, or a temporary SQLite file), migrates it, fills it
with `--pairs` active relationships, each with milestones and their progress
history, check-ins, sessions and consents, then times `signals.compute` over
all pairs twice: the first run raises flags, the second must raise none (it
only proves there are no duplicates), then the median time of `compute` for a
single pair, which is what opening one pair page costs and must not grow with
the number of pairs. The schema or file is removed at the end.
Data are synthetic and seeded, so runs are comparable.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.db import make_engine, migrate, scratch_database, session_factory, utcnow
from empathic.mentoring import signals
from empathic.mentoring.models import (
    CheckIn,
    Consent,
    Flag,
    Milestone,
    Pair,
    ProgressChange,
    SessionLog,
)


def _rows(pairs: int, rng: random.Random, now: datetime) -> dict[type, list[dict[str, Any]]]:
    """Synthetic data: a quarter of pairs drift (late, stalled, tired or quiet)."""
    mentors = max(1, pairs // 5)
    out: dict[type, list[dict[str, Any]]] = {
        k: [] for k in (User, Pair, Consent, Milestone, ProgressChange, CheckIn, SessionLog)
    }
    for uid in range(1, mentors + pairs + 1):
        out[User].append(
            {
                "id": uid,
                "email": f"u{uid}@bench.example",
                "name": f"Person {uid}",
                "password_hash": "x",
                "role": "learner",
                "created_at": now,
            }
        )
    ids = {"milestone": 0, "change": 0}
    for pid in range(1, pairs + 1):
        started = now - timedelta(days=rng.randint(30, 400))
        out[Pair].append(
            {
                "id": pid,
                "mentor_id": 1 + pid % mentors,
                "mentee_id": mentors + pid,
                "programme": "Bench",
                "state": "active",
                "feed_token": f"t{pid}",
                "created_at": started,
                "updated_at": started,
            }
        )
        for source in ("milestones", "checkins"):
            if rng.random() < 0.8:
                out[Consent].append(
                    {"pair_id": pid, "source": source, "granted": True, "updated_at": started}
                )
        for _ in range(rng.randint(2, 4)):
            ids["milestone"] += 1
            mid = ids["milestone"]
            due = (now + timedelta(days=rng.randint(-40, 120))).date()
            progress = rng.choice((0, 10, 30, 50, 80, 100))
            out[Milestone].append(
                {
                    "id": mid,
                    "pair_id": pid,
                    "title": f"Milestone {mid}",
                    "due_date": due,
                    "progress": progress,
                    "created_at": started,
                }
            )
            for step in range(rng.randint(0, 3)):
                ids["change"] += 1
                out[ProgressChange].append(
                    {
                        "id": ids["change"],
                        "milestone_id": mid,
                        "actor_id": mentors + pid,
                        "at": now - timedelta(days=rng.randint(1, 60) + 10 * step),
                        "old_progress": 0,
                        "new_progress": progress,
                        "comment": "bench",
                    }
                )
        tired = rng.random() < 0.25
        for n in range(rng.randint(3, 8)):
            score = 4 if not tired or n > 1 else 2
            out[CheckIn].append(
                {
                    "pair_id": pid,
                    "at": now - timedelta(days=7 * n + 1),
                    "energy": score,
                    "workload": 6 - score,
                    "support": score,
                    "note": "",
                }
            )
        quiet = rng.random() < 0.25
        for n in range(rng.randint(1, 5)):
            gap = 40 if quiet else 3
            out[SessionLog].append(
                {
                    "pair_id": pid,
                    "author_id": 1 + pid % mentors,
                    "notes": "bench",
                    "held_at": now - timedelta(days=gap + 14 * n),
                    "created_at": now,
                }
            )
    return out


def seed(engine: Engine, pairs: int, rng: random.Random, now: datetime) -> dict[str, int]:
    data = _rows(pairs, rng, now)
    with engine.begin() as conn:
        for table, rows in data.items():
            for start in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[start : start + 5000])
    return {t.__tablename__: len(rows) for t, rows in data.items()}  # type: ignore[attr-defined]


def run(pairs: int, database: str, seed_value: int = 7) -> dict[str, Any]:
    """Seed, then time two full signal computations; returns the figures."""
    rng = random.Random(seed_value)
    now = utcnow()
    with scratch_database(database, "empathic_mbench") as url:
        engine = make_engine(url)
        migrate(engine)
        started = time.perf_counter()
        counts = seed(engine, pairs, rng, now)
        seeded = time.perf_counter() - started
        factory = session_factory(engine)
        timings = []
        runs = []
        for _ in range(2):
            with factory() as db:
                started = time.perf_counter()
                result = signals.compute(db, now=now)
                db.commit()
                timings.append(time.perf_counter() - started)
                runs.append(result)
        with factory() as db:
            by_kind = dict(
                db.execute(select(Flag.kind, func.count(Flag.id)).group_by(Flag.kind)).all()
            )
            per_query = _per_query(db, now)
            one_pair = _one_pair(db, now, pairs)
        engine.dispose()
    return {
        "database": database,
        "pairs": pairs,
        "rows": counts,
        "seed_s": seeded,
        "first_s": timings[0],
        "second_s": timings[1],
        "first": runs[0],
        "second": runs[1],
        "flags": by_kind,
        "queries_s": per_query,
        "one_pair_s": one_pair,
    }


def _per_query(db: Session, now: datetime) -> dict[str, float]:
    out = {}
    for name, find in (
        ("overdue", signals.overdue),
        ("stalled", signals.stalled),
        ("falling_checkins", signals.falling_checkins),
        ("no_session", signals.no_session),
    ):
        started = time.perf_counter()
        find(db, now, None)
        out[name] = time.perf_counter() - started
    return out


def _one_pair(db: Session, now: datetime, pairs: int, samples: int = 21) -> float:
    """Median time of `compute` for a single pair, as opening one pair page runs it.

    This is the figure that must not grow with the number of pairs in the database.
    """
    step = max(1, pairs // samples)
    timings = []
    for pair_id in range(1, pairs + 1, step)[:samples]:
        started = time.perf_counter()
        signals.compute(db, now=now, pair_ids=[pair_id])
        timings.append(time.perf_counter() - started)
    db.rollback()
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    figures = run(args.pairs, args.database, args.seed)
    print(f"database: {figures['database']}  pairs: {figures['pairs']}")
    print("rows: " + ", ".join(f"{k}={v}" for k, v in figures["rows"].items()))
    print(f"seeding: {figures['seed_s']:.2f} s")
    first, second = figures["first"], figures["second"]
    print(
        f"signals, first run:  {figures['first_s']:.3f} s "
        f"({first.found} signals, {first.created} flags raised)"
    )
    print(
        f"signals, second run: {figures['second_s']:.3f} s "
        f"({second.found} signals, {second.created} flags raised; must be 0)"
    )
    print("flags by kind: " + ", ".join(f"{k}={v}" for k, v in sorted(figures["flags"].items())))
    print("per query: " + ", ".join(f"{k} {v:.3f} s" for k, v in figures["queries_s"].items()))
    print(f"one pair (median of compute for a single pair): {1000 * figures['one_pair_s']:.1f} ms")


if __name__ == "__main__":
    main()
