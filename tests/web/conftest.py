"""Web fixtures: the same tests run on SQLite and on a real PostgreSQL server.

PostgreSQL comes from TEST_POSTGRES_URL (default: the local server at
127.0.0.1:5432, database `test`); each test session works in its own schema,
migrated once and emptied between tests, and those tests skip with a reason
when no server answers. SQLite tests copy a migrated template file per test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session
from tests.web.helpers import Person, sign_up
from tests.web.mentoring_world import World, make_world

from empathic.config import Settings
from empathic.db import local_postgres_url, make_engine, migrate, scratch_database
from empathic.models import metadata
from empathic.web.app import create_app


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A fresh, migrated schema on the local server for this test session, dropped at the end."""
    scratch = scratch_database("postgresql", "empathic_test")
    try:
        url = scratch.__enter__()
    except Exception as exc:  # the server is absent or refuses us: say so and skip
        pytest.skip(f"PostgreSQL not reachable at {local_postgres_url()}: {type(exc).__name__}")
    try:
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        yield url
    finally:
        scratch.__exit__(None, None, None)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "empathic.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_schema")
    yield url
    _truncate(url)


def _truncate(url: str) -> None:
    engine = make_engine(url, pool_size=1, max_overflow=0)
    names = ", ".join(f'"{t.name}"' for t in metadata().sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def web_settings(isolated_env: Path, database_url: str) -> Settings:
    return Settings(data_dir=isolated_env, database_url=database_url)


@pytest.fixture
def app(web_settings: Settings) -> Iterator[object]:
    application = create_app(web_settings, run_migrations=False)
    yield application
    engine: Engine = application.state.engine
    engine.dispose()


@pytest.fixture
def client(app: object) -> Iterator[TestClient]:
    with TestClient(app) as test_client:  # type: ignore[arg-type]
        yield test_client


@pytest.fixture
def make_client(app: object) -> Iterator[object]:
    """More browsers on the same app (one per person in authorisation tests)."""
    made: list[TestClient] = []

    def factory() -> TestClient:
        made.append(TestClient(app))  # type: ignore[arg-type]
        return made[-1]

    yield factory
    for c in made:
        c.close()


@pytest.fixture
def admin(client: TestClient) -> Person:
    """The first account, so an admin."""
    return sign_up(client, "Ada Admin")


@pytest.fixture
def learner(admin: Person, make_client: object) -> Person:
    return sign_up(make_client(), "Lee Learner")  # type: ignore[operator]


@pytest.fixture
def world(app: Any) -> Iterator[World]:
    """The mentoring test organisation in a session that is rolled back afterwards."""
    db: Session = app.state.sessions()
    try:
        yield make_world(db)
    finally:
        db.rollback()
        db.close()
