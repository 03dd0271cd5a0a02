"""Learning-library search over 10,000 published reviews: measured, not asserted (issue #17:
p95 under 200 ms on PostgreSQL).

    python bench/reviews_search.py [--reviews 10000] [--queries 400] [--db postgresql|sqlite]

Makes a scratch database (a new schema on the PostgreSQL server at TEST_POSTGRES_URL,
default the local one, dropped afterwards; or a temporary SQLite file), migrates it,
inserts `--reviews` published reviews with their library entries (seeded, so every run
has the same text), then times `reviews.library.search` (the function the library page
calls: full-text match, ranking, the first 50 rows) for a mix of one-word, two-word,
phrase, `or` and `-exclude` queries. Prints p50, p95 and the slowest, with how many
entries the queries matched.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, text

from empathic.accounts.models import User
from empathic.db import make_engine, migrate, scratch_database, session_factory
from empathic.reviews import library
from empathic.reviews.models import LibraryEntry, Review

WORDS = (
    "insulin dose chart handover pump alarm syringe label pharmacy ward night shift rota "
    "staffing bay patient transfer discharge referral sepsis screening observations "
    "escalation monitor fluid prescription allergy wristband theatre checklist consent "
    "radiology result laboratory sample delay interruption telephone software upgrade "
    "printer scanner barcode storage fridge temperature oxygen cylinder bed equipment "
    "training agency locum workload weekend bank holiday community visit ambulance triage"
).split()
QUERIES = (
    "insulin",
    "pump alarm",
    '"night shift"',
    "sepsis or escalation",
    "barcode -scanner",
    "handover interruption",
    "oxygen",
    "discharge delay",
    "fridge temperature",
    "locum weekend",
    "allergy wristband",
    "software upgrade printer",
)


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def seed(url: str, count: int) -> None:
    """`count` published reviews and their library entries, in batches of 1,000."""
    engine = make_engine(url)
    migrate(engine)
    rng = random.Random(17)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        user_id = conn.execute(
            insert(User).values(email="bench@example.org", name="Bench", role="admin")
        ).inserted_primary_key[0]
        for start in range(0, count, 1000):
            batch = range(start, min(start + 1000, count))
            reviews, entries = [], []
            for n in batch:
                title = sentence(rng, 5)[:-1]
                summary = " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(4))
                occurred = date(2024, 1, 1) + timedelta(days=n % 700)
                reviews.append(
                    {
                        "id": n + 1,
                        "title": title,
                        "occurred_on": occurred,
                        "severity": "low",
                        "response_type": "aar",
                        "status": "published",
                        "summary": summary,
                        "facilitator_id": user_id,
                        "created_by_id": user_id,
                        "description": "",
                        "location": "",
                        "tags": [],
                        "tickets": [],
                        "expected": "",
                        "actual": "",
                        "difference": "",
                        "learning": sentence(rng, 12),
                        "created_at": now,
                        "updated_at": now,
                        "published_at": now,
                    }
                )
                factors = [sentence(rng, 8) for _ in range(2)]
                entries.append(
                    {
                        "review_id": n + 1,
                        "title": title,
                        "summary": summary,
                        "content": {"location": "", "aar": {}, "factors": [], "actions": []},
                        "tags": [],
                        "severity": "low",
                        "response_type": "aar",
                        "occurred_on": occurred,
                        "search_text": "\n".join((title, summary, *factors)),
                        "published_at": now,
                    }
                )
            conn.execute(insert(Review), reviews)
            conn.execute(insert(LibraryEntry), entries)
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE review_library"))
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('reviews', 'id'), :n)"), {"n": count}
            )
    engine.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(url: str, queries: int) -> None:
    engine = make_engine(url)
    sessions = session_factory(engine)
    times: list[float] = []
    found: list[int] = []
    with sessions() as db:
        for query in QUERIES:  # warm the cache and the planner once per query
            library.search(db, query)
        for n in range(queries):
            query = QUERIES[n % len(QUERIES)]
            start = time.perf_counter()
            rows = library.search(db, query)
            times.append((time.perf_counter() - start) * 1000)
            found.append(len(rows))
        with_counts = (
            {
                q: db.scalar(
                    text(
                        "SELECT count(*) FROM review_library "
                        "WHERE search_vector @@ websearch_to_tsquery('english', :q)"
                    ),
                    {"q": q},
                )
                for q in QUERIES[:4]
            }
            if engine.dialect.name == "postgresql"
            else {}
        )
    engine.dispose()
    print(
        f"queries: {queries} over {len(QUERIES)} distinct; results per page: "
        f"median {statistics.median(found):.0f} (limit {library.SEARCH_LIMIT})"
    )
    for query, matched in with_counts.items():
        print(f"  {query!r} matches {matched} entries")
    print(
        f"search latency ms: p50 {percentile(times, 0.50):.1f}  p95 {percentile(times, 0.95):.1f}  "
        f"max {max(times):.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    args = parser.parse_args()
    with scratch_database(args.db, "empathic_bench_reviews") as url:
        began = time.perf_counter()
        seed(url, args.reviews)
        took = time.perf_counter() - began
        print(f"{args.db}: {args.reviews} published reviews seeded in {took:.1f} s")
        measure(url, args.queries)


if __name__ == "__main__":
    main()
