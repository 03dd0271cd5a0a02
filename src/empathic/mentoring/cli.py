"""`empathic mentoring signals`: compute every pair's signals now (for a nightly scheduler).

Pages compute a pair's signals when it is opened; this command does all pairs at
once, so flags and 90-day nudges are waiting when a mentor next signs in.
"""

from __future__ import annotations

import typer
from rich.console import Console

from empathic.config import Settings

mentoring_app = typer.Typer(help="The mentoring companion: scheduled work.", no_args_is_help=True)


@mentoring_app.command("signals")
def signals_command() -> None:
    """Raise flags for every active pair's new signals; prints how many were found and raised."""
    from sqlalchemy.exc import SQLAlchemyError

    from empathic.cli import fail, user_errors
    from empathic.db import make_engine, migrate, session_factory
    from empathic.mentoring.signals import compute

    with user_errors():
        settings = Settings()
    try:
        engine = make_engine(settings.resolved_database_url())
        migrate(engine)
        with session_factory(engine)() as db:
            result = compute(db)
            db.commit()
        engine.dispose()
    except (SQLAlchemyError, OSError) as exc:
        fail(f"cannot compute signals: {exc}")
    Console().print(f"Signals found: {result.found}; new flags raised: {result.created}")
