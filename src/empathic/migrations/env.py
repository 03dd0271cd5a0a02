"""Alembic environment: the app passes its connection; the CLI can pass a URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from empathic.db import autogenerate_includes
from empathic.models import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata(),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=autogenerate_includes,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from empathic.db import make_engine, schema_change

    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn, schema_change(conn):  # a table copy must not cascade
        _run(conn)
