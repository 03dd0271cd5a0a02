"""`empathic corrections export`: label corrections from the web app as canonical CSV.

A thin adapter over `practice.corrections`; it opens the database named by the
settings only when run, migrating it first so an empty install exports an
empty file rather than failing. Errors are one line on stderr (exit 2).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape as esc

corrections_app = typer.Typer(
    help="Label corrections people made in the web app: export them as training data.",
    no_args_is_help=True,
)


@corrections_app.command("export")
def export_command(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the CSV here instead of stdout.")
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Only this person's corrections (email).")
    ] = None,
) -> None:
    """Write the newest correction per run, turn and label as a canonical labelled CSV."""
    from pydantic import ValidationError
    from sqlalchemy import func, select
    from sqlalchemy.exc import SQLAlchemyError

    from empathic.accounts.models import User
    from empathic.cli import fail  # not at import: empathic.cli imports this module
    from empathic.config import Settings
    from empathic.db import database_for, migrate
    from empathic.practice.corrections import export

    try:
        settings = Settings()
    except ValidationError as exc:
        fail(f"bad EMPATHIC_* setting: {exc.errors()[0].get('msg', exc)}")
    try:
        engine, sessions = database_for(settings)
    except (SQLAlchemyError, ValueError) as exc:
        fail(f"cannot open the database: {exc}")
    try:
        migrate(engine)
        with sessions() as db:
            person = None
            if user is not None:
                query = select(User).where(func.lower(User.email) == user.strip().lower())
                person = db.scalars(query).first()
                if person is None:
                    fail(f"no account with the email {user!r}")
            if out is None:
                count = export(db, sys.stdout, person)
            else:
                try:
                    with out.open("w", encoding="utf-8", newline="") as handle:
                        count = export(db, handle, person)
                except OSError as exc:
                    fail(f"cannot write {out}: {exc.strerror}")
    except SQLAlchemyError as exc:
        fail(f"cannot read the database: {type(exc).__name__}: {exc.args[0]}")
    finally:
        engine.dispose()
    if out is not None:
        Console(stderr=True).print(f"wrote {count} correction(s) to {esc(str(out))}")
