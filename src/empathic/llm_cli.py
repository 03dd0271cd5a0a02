"""`empathic llm check`: is the configured language-model endpoint usable?

A thin adapter over `empathic.llm`: it reads the settings when the command runs
(never at import) and imports httpx only then. It sends one tiny request and
prints the model, the latency and the start of the reply, or one clear error
line (exit 2).
"""

from __future__ import annotations

import typer

from empathic.config import Settings

llm_app = typer.Typer(
    help="The optional language-model endpoint: check that it answers.",
    no_args_is_help=True,
)


@llm_app.command("check")
def check_command() -> None:
    """Send one tiny request to EMPATHIC_LLM_BASE_URL and report model, latency and reply."""
    from empathic.cli import fail  # not at import: empathic.cli imports this module
    from empathic.llm import LLMError, check, client_from_settings  # httpx only when used

    settings = Settings()
    try:
        client = client_from_settings(settings)
        if client is None:
            fail(
                "no LLM configured: set EMPATHIC_LLM_BASE_URL (e.g. http://localhost:8000/v1); "
                "Empathic works without one"
            )
        with client:
            result = check(client)
    except LLMError as exc:
        fail(str(exc))
    first = " ".join(result.text.split())[:60]
    typer.echo(f"ok  model={result.model}  latency={result.latency_s * 1000:.0f} ms")
    typer.echo(f"reply: {first}{'...' if len(result.text.strip()) > 60 else ''}")
