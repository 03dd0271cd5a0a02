"""`empathic reviews export ID`: a published learning summary as Markdown, for sharing
outside the app (a governance pack, an email, a wiki)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from empathic.config import Settings

reviews_app = typer.Typer(help="Learning reviews: export published learning.", no_args_is_help=True)


@reviews_app.command("export")
def export_command(
    entry_id: Annotated[int, typer.Argument(help="The library entry's id (as in its address).")],
    format: Annotated[str, typer.Option("--format", help="Output format: md (Markdown).")] = "md",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of stdout.")
    ] = None,
) -> None:
    """Print (or write) one published learning summary; exit 2 when there is no such entry."""
    from sqlalchemy.exc import SQLAlchemyError

    from empathic.cli import fail, user_errors
    from empathic.db import make_engine, migrate, session_factory
    from empathic.reviews.library import changes_since, entry_for, markdown
    from empathic.reviews.service import NotFound

    if format != "md":
        fail(f"unknown format {format!r}; expected md (print the web page for a PDF)")
    with user_errors():
        settings = Settings()
    try:
        engine = make_engine(settings.resolved_database_url())
        migrate(engine)
        with session_factory(engine)() as db:
            try:
                entry = entry_for(db, entry_id)
            except NotFound:
                fail(f"no published learning review with id {entry_id}")
            text = markdown(entry, changes_since(db, entry))
        engine.dispose()
    except (SQLAlchemyError, OSError) as exc:
        fail(f"cannot read the database: {exc}")
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)
