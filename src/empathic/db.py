"""Database engine and sessions: SQLite by default, PostgreSQL when a URL says so.

The schema is owned by Alembic (`empathic/migrations`); `migrate()` brings any
database to the latest revision, and the web app runs it at start so a new
install or an upgrade needs no separate step.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    MetaData,
    TypeDecorator,
    create_engine,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from empathic.config import Settings

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every area's tables derive from this, so one metadata holds the whole schema."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings each backend needs to be safe under concurrency."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            _owner_only_file(Path(path))
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _owner_only_file(path: Path) -> None:
    """Create the database file (and a new folder) readable by its owner only: it holds
    people's conversations. SQLite's WAL and SHM files copy the database file's mode."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        path.touch(mode=0o600)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers and one writer work together; foreign keys are off by default."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def migrations_dir() -> Path:
    return Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def autogenerate_includes(name: str | None, type_: str, _parents: Any = None) -> bool:
    """Alembic's `include_name` hook: leave out what the models cannot describe.

    SQLite FTS5 search tables (`<table>_fts`) and their shadow tables (`<table>_fts_data`,
    ...) are made by migrations on SQLite only; autogenerate would otherwise call them
    removed tables (the reviews area's library search uses one).
    """
    if type_ == "table" and name is not None:
        return not (name.endswith("_fts") or "_fts_" in name)
    return True


@contextmanager
def schema_change(connection: Connection) -> Iterator[Connection]:
    """A transaction for migrations that cannot cascade on SQLite.

    SQLite changes a column by copying the table and dropping the old one; with foreign
    keys on, that drop would cascade to every child row (users -> practice runs, pairs,
    ...). They are off for the change (it must be set outside a transaction), every
    reference is checked before it commits, and they are on again whatever happens.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            yield connection
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left broken references: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def migrate(engine: Engine) -> None:
    """Upgrade the database to the latest schema revision (a no-op when it is current)."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection, schema_change(connection):
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
"""The development and CI server; benchmarks and tests read TEST_POSTGRES_URL first."""


def local_postgres_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", LOCAL_POSTGRES)


def url_with_schema(url: str, schema: str) -> str:
    """The same PostgreSQL URL with every connection's search_path set to `schema`."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


@contextmanager
def scratch_database(kind: str, prefix: str = "empathic_scratch") -> Iterator[str]:
    """An empty database URL for benchmarks and tests, removed afterwards.

    `sqlite`: a file in a temporary folder. `postgresql`: a new schema on the server at
    TEST_POSTGRES_URL (default: the local one), dropped with everything in it.
    """
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'scratch.db'}"
        return
    base = local_postgres_url()
    schema = f"{prefix}_{secrets.token_hex(4)}"
    admin = make_engine(base, pool_size=1, max_overflow=0)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except BaseException:
        admin.dispose()
        raise
    try:
        yield url_with_schema(base, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def database_for(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(settings.resolved_database_url())
    return engine, session_factory(engine)
