"""The demo organisation, the serve command's errors and migrations on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, inspect, select, text
from tests.web.helpers import csrf
from typer.testing import CliRunner

from empathic.accounts.models import Team, User
from empathic.cli import app as cli_app
from empathic.db import (
    alembic_config,
    autogenerate_includes,
    make_engine,
    migrate,
    schema_change,
    session_factory,
)
from empathic.mentoring.models import Flag, Pair
from empathic.models import metadata
from empathic.practice.models import PracticeRun
from empathic.web.demo import DEMO_PASSWORD, seed_demo


def test_demo_seeds_people_teams_and_real_runs_once(app: object) -> None:
    sessions = app.state.sessions  # type: ignore[attr-defined]
    first = seed_demo(sessions)
    again = seed_demo(sessions)
    assert first.created and not again.created
    with sessions() as db:
        assert db.scalar(select(func.count(Team.id))) == 2
        roles = dict(db.execute(select(User.role, func.count()).group_by(User.role)).all())
        assert roles == {"admin": 1, "facilitator": 1, "learner": 8}
        runs = list(db.scalars(select(PracticeRun)))
        assert all(r.status == "ended" and r.summary for r in runs)
        assert 24 <= len(runs) <= 40
        assert any(r.shared for r in runs) and not all(r.shared for r in runs)
        outcomes = {r.summary["outcome"] for r in runs if r.summary}
        assert "good" in outcomes and "poor" in outcomes
        lena = db.scalar(select(User).where(User.email == first.learner))
        assert lena is not None
        mine = sorted((r for r in runs if r.user_id == lena.id), key=lambda r: r.created_at)
        assert mine[0].summary["outcome"] == "poor"  # type: ignore[index]
        states = sorted(db.scalars(select(Pair.state)))
        assert states == ["active", "active"]
        kinds = set(db.scalars(select(Flag.kind).where(Flag.status == "open")))
        assert "overdue_milestone" in kinds


def test_demo_learner_can_sign_in(app: object, client: TestClient) -> None:
    accounts = seed_demo(app.state.sessions)  # type: ignore[attr-defined]
    token = csrf(client, "/signin")
    response = client.post(
        "/signin",
        data={"email": accounts.learner, "password": DEMO_PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "Lena Learner" in client.get("/").text


def test_migrations_build_every_table_and_are_idempotent(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)  # already at head: must be a no-op
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in metadata().sorted_tables} <= tables
    with session_factory(engine)() as db:
        assert db.scalar(select(func.count(User.id))) == 0
    engine.dispose()


def test_migrations_match_the_models_exactly(database_url: str) -> None:
    """Alembic's autogenerate finds nothing to do: every column, type, nullability, index,
    unique constraint and foreign key of the models is what the migrations built."""
    engine = make_engine(database_url)
    with engine.connect() as conn:
        # the hook env.py uses: SQLite FTS5 tables are made by migrations, not the models
        opts = {"compare_type": True, "include_name": autogenerate_includes}
        context = MigrationContext.configure(conn, opts=opts)
        drift = compare_metadata(context, metadata())
    engine.dispose()
    assert drift == [], f"the models and the migrations differ: {drift}"


def test_serve_reports_an_unreachable_database_clearly(monkeypatch: object) -> None:
    monkeypatch.setenv(  # type: ignore[attr-defined]
        "EMPATHIC_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none"
    )
    result = CliRunner().invoke(cli_app, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert "cannot open the database" in result.output
    assert "Traceback" not in result.output


def sqlite_at(tmp_path: Path, revision: str) -> Engine:
    """A SQLite database migrated only as far as `revision`, to upgrade from in a test."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    config = alembic_config(url)
    with engine.connect() as conn, schema_change(conn):
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    return engine


def test_a_schema_change_that_breaks_a_reference_is_refused_and_keys_come_back_on(
    tmp_path: Path,
) -> None:
    """Foreign keys are off while SQLite copies tables; a change that leaves a dangling
    reference must not commit, and the keys must be on again after the failure."""
    engine = sqlite_at(tmp_path, "0003")
    with engine.connect() as conn:
        with pytest.raises(RuntimeError, match="broken references"), schema_change(conn):
            conn.execute(
                text(
                    "INSERT INTO practice_runs (id, user_id, scenario_id, title, difficulty,"
                    " seed, voice, coach, intention, reflection, opening, status, shared,"
                    " created_at) VALUES ('r1', 99, 's', 't', 'medium', 1, 'scripted', 0, '',"
                    " '', 'o', 'ended', 1, CURRENT_TIMESTAMP)"
                )
            )
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM practice_runs")).scalar() == 0
    engine.dispose()


def test_upgrading_a_sqlite_database_keeps_every_row(tmp_path: Path) -> None:
    """SQLite rebuilds a table to change a column; with foreign keys on, dropping the old
    `users` table deleted every run, pair and session (found in review). Never again."""
    engine = sqlite_at(tmp_path, "0003")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES "
                "(1, 'a@x.org', 'A', 'h', 'admin', CURRENT_TIMESTAMP),"
                " (2, 'b@x.org', 'B', 'h', 'learner', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO practice_runs (id, user_id, scenario_id, title, difficulty, seed,"
                " voice, coach, intention, reflection, opening, status, shared, created_at)"
                " VALUES ('r1', 2, 's', 't', 'medium', 1, 'scripted', 0, '', '', 'o', 'ended',"
                " 1, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO mentoring_pairs (id, mentor_id, mentee_id, programme, state,"
                " feed_token, created_at, updated_at) VALUES (1, 1, 2, 'p', 'active', 'tok',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    migrate(engine)  # to head: 0004 and 0008 rebuild the users table
    with engine.connect() as conn:
        counts = {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("users", "practice_runs", "mentoring_pairs")
        }
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1  # back on
    engine.dispose()
    assert counts == {"users": 2, "practice_runs": 1, "mentoring_pairs": 1}


def test_pairs_a_mentee_asked_for_become_requests_when_upgrading(tmp_path: Path) -> None:
    """Revision 0010 hides a mentee's unaccepted pair from them (its existence would tell
    them the account exists) and shows the request by address instead: old ones too."""
    engine = sqlite_at(tmp_path, "0009")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES "
                "(1, 'mona@x.org', 'Mona', 'h', 'admin', CURRENT_TIMESTAMP),"
                " (2, 'theo@x.org', 'Theo', 'h', 'learner', CURRENT_TIMESTAMP),"
                " (3, 'carl@x.org', 'Carl', 'h', 'learner', CURRENT_TIMESTAMP)"
            )
        )
        pairs = (  # id, mentor, mentee, created by, state, start date
            (1, 1, 2, 2, "pending", None),  # Theo asked Mona: becomes a request
            (2, 3, 2, 2, "active", "2026-01-05"),  # Theo asked Carl, who accepted
            (3, 3, 1, 1, "completed", None),  # Mona asked Carl, who declined: a request
            (4, 1, 3, 1, "pending", None),  # proposed by Mona as admin, not a request
        )
        for pair in pairs:
            conn.execute(
                text(
                    "INSERT INTO mentoring_pairs (id, mentor_id, mentee_id, created_by_id,"
                    " programme, state, start_date, feed_token, created_at, updated_at)"
                    " VALUES (:id, :mentor, :mentee, :by, '', :state, :start, 'tok',"
                    " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                dict(zip(("id", "mentor", "mentee", "by", "state", "start"), pair, strict=True)),
            )
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT mentee_id, email, pair_id FROM mentor_requests ORDER BY pair_id")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(2, "mona@x.org", 1), (1, "carl@x.org", 3)]
