"""`empathic serve`: migrate, optionally seed the demo organisation, and start the web app."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from empathic.config import Settings


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="Seed a demo organisation with people and history.")
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Worker processes (use 2+ with PostgreSQL).")
    ] = 1,
) -> None:
    """Start the web app on SQLite (or EMPATHIC_DATABASE_URL) and print where it runs."""
    import uvicorn
    from sqlalchemy.exc import SQLAlchemyError

    from empathic.cli import fail, user_errors
    from empathic.db import make_engine, migrate, session_factory
    from empathic.web.demo import seed_demo

    console = Console()
    with user_errors():
        settings = Settings()
    url = settings.resolved_database_url()
    try:
        engine = make_engine(url)
        migrate(engine)
        accounts = seed_demo(session_factory(engine)) if demo else None
        engine.dispose()
    except (SQLAlchemyError, OSError) as exc:
        fail(f"cannot open the database {_redacted(url)}: {exc}")
    console.print(f"Database: {_redacted(url)}")
    if accounts is not None:
        state = "created" if accounts.created else "already present"
        console.print(
            f"Demo organisation {state}. Sign in with password [b]{accounts.password}[/b] as:"
        )
        console.print(f"  learner      {accounts.learner}")
        console.print(f"  facilitator  {accounts.facilitator}")
        console.print(f"  admin        {accounts.admin}")
        console.print("[yellow]Demo accounts use a public password: keep real data elsewhere.[/]")
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    console.print(f"Empathic is running at [b]http://{shown}:{port}/[/b]  (Ctrl-C stops it)")
    uvicorn.run(
        "empathic.web.asgi:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        # the client address feeds sign-in protection: believe X-Forwarded-For only from
        # the proxies an operator named (uvicorn would otherwise trust 127.0.0.1)
        proxy_headers=bool(settings.trusted_proxies.strip()),
        forwarded_allow_ips=settings.trusted_proxies.strip() or None,
    )


def _redacted(url: str) -> str:
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
