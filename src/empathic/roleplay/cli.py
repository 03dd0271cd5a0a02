"""Command-line adapter for role-play: `scenarios list|check` and `practice`.

Thin by design (DESIGN §2.1): parsing options and printing; the engine,
debrief and runs modules do the work. The main CLI registers these with
`app.add_typer(scenarios_app, name="scenarios")` and
`app.command("practice")(practice)`. Settings come from `ctx.obj` when the main
app provides a `Settings` there, otherwise they are read from the environment
when the command runs (never at import).
"""

from __future__ import annotations

import json
import random
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape as esc
from rich.table import Table

from empathic.config import Settings
from empathic.roleplay.check import check_paths
from empathic.roleplay.debrief_types import Rewrite
from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import ScenarioError, find_scenario, library_paths, load_scenario
from empathic.roleplay.result import RunResult
from empathic.roleplay.runs import RunError, load_run, replay_run, save_run
from empathic.roleplay.scenario import Scenario, listing

# The debrief (numpy, the analysis engine), the terminal session (httpx) and the
# renderers are imported where they are used, so `empathic --help` starts fast.


class ListFormat(StrEnum):
    table = "table"
    json = "json"


class PracticeFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"


class VoiceKind(StrEnum):
    scripted = "scripted"
    llm = "llm"


class Level(StrEnum):
    easy = "easy"
    medium = "medium"
    hard = "hard"


scenarios_app = typer.Typer(
    help="Role-play scenarios: list the library and check scenario files.",
    no_args_is_help=True,
)


def _settings(ctx: typer.Context | None) -> Settings:
    obj = ctx.obj if ctx is not None else None
    if isinstance(obj, Settings):
        return obj
    if isinstance(obj, dict) and isinstance(obj.get("settings"), Settings):
        return obj["settings"]
    return Settings()


def _coder(settings: Settings, name: str | None = None) -> Any:
    """The coder of practice runs: the default pack, the same one `empathic analyse` uses."""
    from empathic.analysis.packs import PackError, load_pack

    try:
        return load_pack(name, settings)[1]
    except PackError as exc:
        raise _fail(f"{exc} (practice codes your turns with the default model pack)") from None


def _fail(message: str, code: int = 2) -> typer.Exit:
    Console(stderr=True).print(f"[red]error:[/] {esc(message)}", soft_wrap=True, highlight=False)
    return typer.Exit(code)


@scenarios_app.command("list")
def list_scenarios(
    format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="table for people, json for tools.")
    ] = ListFormat.table,
) -> None:
    """List the shipped scenarios."""
    rows = [listing(load_scenario(path)) for path in library_paths()]
    if format is ListFormat.json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title="Role-play scenarios")
    for col in ("id", "title", "you play", "with", "min"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["title"]),
            str(r["learner_role"]),
            str(r["counterpart"]),
            str(r["minutes"]),
        )
    Console().print(table)


@scenarios_app.command("check")
def check_scenarios(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Scenario YAML files (default: the whole shipped library)."),
    ] = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f")] = ListFormat.table,
) -> None:
    """Verify scenarios: schema, every fact reachable, every intent voiced, both playthroughs."""
    results = check_paths(paths or None, coder=_coder(_settings(ctx)))
    if format is ListFormat.json:
        typer.echo(json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False))
    else:
        console = Console()
        for r in results:
            mark = "[green]ok[/]" if r.ok else "[red]FAIL[/]"
            console.print(f"{mark}  {esc(r.scenario)}  [dim]{esc(r.source)}[/]")
            for problem in r.problems:
                console.print(f"      {esc(problem)}")
            for warning in r.warnings:
                console.print(f"      [yellow]warning[/] {esc(warning)}")
    if not all(r.ok for r in results):
        raise typer.Exit(1)


def practice(
    ctx: typer.Context,
    scenario: Annotated[
        str | None,
        typer.Argument(help="Scenario id (see `empathic scenarios list`) or a YAML file."),
    ] = None,
    difficulty: Annotated[Level, typer.Option("--difficulty", "-d")] = Level.medium,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Replayable randomness (default: random).")
    ] = None,
    script: Annotated[
        Path | None,
        typer.Option("--script", help="Play learner lines from a file ('-' for stdin)."),
    ] = None,
    format: Annotated[PracticeFormat, typer.Option("--format", "-f")] = PracticeFormat.text,
    coach: Annotated[bool, typer.Option("--coach", help="Show the trust meter.")] = False,
    replay: Annotated[
        str | None, typer.Option("--replay", help="Replay a saved run (path, id or 'latest').")
    ] = None,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Save the run.")] = True,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the debrief here.")
    ] = None,
    voice: Annotated[
        VoiceKind,
        typer.Option(
            "--voice", help="llm: phrase replies with the model at EMPATHIC_LLM_BASE_URL."
        ),
    ] = VoiceKind.scripted,
) -> None:
    """Practise a hard conversation against a simulated counterpart, then debrief."""
    settings = _settings(ctx)
    if replay:
        _replay(replay, settings, format, output)
        return
    if not scenario:
        raise _fail("name a scenario (see `empathic scenarios list`) or use --replay RUN")
    try:
        chosen = find_scenario(scenario)
    except ScenarioError as exc:
        raise _fail(str(exc)) from exc
    run_seed = seed if seed is not None else random.SystemRandom().randrange(1_000_000)
    coder = _coder(settings)
    if script is not None:
        lines, intention, reflection = _read_script(script)
        if voice is VoiceKind.llm:
            result = _run_llm(chosen, lines, difficulty.value, run_seed, settings, coder)
        else:
            result = run_lines(
                chosen, lines, difficulty=difficulty.value, seed=run_seed, coder=coder
            )
    else:
        from empathic.roleplay.interactive import run_session

        llm = _llm_voice(settings) if voice is VoiceKind.llm else None
        try:
            session = run_session(
                chosen,
                difficulty=difficulty.value,
                seed=run_seed,
                coach=coach,
                console=Console(),
                voice=llm[0] if llm else None,
                coder=coder,
            )
        finally:
            if llm:
                llm[1].close()
        if llm:
            _report_fallbacks(llm[0])
        result, intention, reflection = session.result, session.intention, session.reflection
    saved = None
    if save and result.steps:
        custom = scenario if Path(scenario).suffix in (".yaml", ".yml") else None
        saved = save_run(
            result,
            settings.runs_dir(),
            intention=intention,
            reflection=reflection,
            scenario_path=str(Path(custom).resolve()) if custom else None,
        )
    rewriter = settings if voice is VoiceKind.llm else None
    _show(result, chosen, intention, reflection, format, output, saved, coder, rewriter)


def _run_llm(
    scenario: Scenario,
    lines: list[str],
    difficulty: str,
    seed: int,
    settings: Settings,
    coder: Any,
) -> RunResult:
    """A scripted run voiced by the LLM; falls back per reply and says how often."""
    voice, client = _llm_voice(settings)
    with client:
        result = run_lines(
            scenario, lines, difficulty=difficulty, seed=seed, voice=voice, coder=coder
        )
    _report_fallbacks(voice)
    return result


def _llm_client(settings: Settings) -> Any:
    """The configured chat client, or a clear error when no endpoint is configured."""
    from empathic.llm import LLMError, client_from_settings

    try:
        client = client_from_settings(settings)
    except LLMError as exc:
        raise _fail(str(exc)) from exc
    if client is None:
        raise _fail("--voice llm needs EMPATHIC_LLM_BASE_URL (see docs/llm.md)")
    return client


def _llm_voice(settings: Settings) -> tuple[Any, Any]:
    """The LLM voice and its client (the caller closes the client)."""
    from empathic.roleplay.llm_voice import LLMVoice

    client = _llm_client(settings)
    return LLMVoice(client), client


def _model_rewrites(
    rewrites: list[Rewrite],
    result: RunResult,
    scenario: Scenario,
    settings: Settings,
    coder: Any,
) -> list[Rewrite]:
    """Add the model's rewrites that the analysis engine scores higher; say why others were not."""
    from empathic.roleplay.llm_rewrites import propose_rewrites, with_model_rewrites

    with _llm_client(settings) as client:
        proposals = propose_rewrites(
            rewrites,
            result,
            persona=scenario.counterpart.name,
            persona_role=scenario.counterpart.role,
            client=client,
            coder=coder,
        )
    for p in proposals:
        if not p.accepted:
            Console(stderr=True).print(
                f"[yellow]LLM rewrite of turn {p.turn} not shown:[/] {esc(p.reason)}"
            )
    return with_model_rewrites(rewrites, proposals)


def _report_fallbacks(voice: Any) -> None:
    """Say on stderr how many replies used the scripted line, and why."""
    if voice.fallbacks:
        err = Console(stderr=True)
        err.print(
            f"[yellow]LLM voice:[/] {len(voice.fallbacks)} of {len(voice.sources)} replies "
            "used the scripted line instead:"
        )
        for index, reason in voice.fallbacks[:5]:
            err.print(f"  reply {index}: {esc(reason)}", soft_wrap=True)


def _replay(ref: str, settings: Settings, format: PracticeFormat, output: Path | None) -> None:
    try:
        saved = load_run(ref, settings.runs_dir())
        scenario = saved.scenario()
    except (RunError, ScenarioError) as exc:
        raise _fail(str(exc)) from exc
    coder = _coder(settings, str(saved.run.get("coder") or "") or None)
    replayed = replay_run(saved, coder=coder)
    if not replayed.identical:
        for diff in replayed.differences:
            Console(stderr=True).print(f"[yellow]replay differs:[/] {esc(diff)}")
    else:
        Console(stderr=True).print(f"[dim]Replayed {esc(saved.path.name)}: identical.[/]")
    _show(replayed.result, scenario, saved.intention, saved.reflection, format, output, None, coder)
    if not replayed.identical:
        raise typer.Exit(1)


def _show(
    result: RunResult,
    scenario: Scenario,
    intention: str,
    reflection: str,
    format: PracticeFormat,
    output: Path | None,
    saved: Path | None,
    coder: Any,
    llm_settings: Settings | None = None,
) -> None:
    from empathic.roleplay.debrief import build_debrief
    from empathic.roleplay.render import payload, render_html, render_text

    debrief = build_debrief(
        result, scenario, coder=coder, intention=intention, reflection=reflection
    )
    if llm_settings is not None:
        debrief.rewrites = _model_rewrites(debrief.rewrites, result, scenario, llm_settings, coder)
    if output:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _fail(f"{output}: cannot create the folder ({exc.strerror})") from None
    data = payload(result, debrief)
    data["run_file"] = str(saved) if saved else None
    if format is PracticeFormat.json:
        text = json.dumps(data, indent=2, ensure_ascii=False)
    elif format is PracticeFormat.html:
        text = render_html(data)
    else:
        if output:
            with output.open("w", encoding="utf-8") as fh:
                render_text(data, Console(file=fh, width=110))
        else:
            render_text(data, Console())
        if saved:
            Console(stderr=True).print(
                f"[dim]Saved as {esc(str(saved))}; replay with "
                f"`empathic practice --replay {esc(saved.stem)}`.[/]"
            )
        return
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise _fail(f"{output}: cannot write ({exc.strerror})") from None
        Console(stderr=True).print(f"[dim]Debrief written to {esc(str(output))}[/]")
    else:
        typer.echo(text)


def _read_script(path: Path) -> tuple[list[str], str, str]:
    """Learner lines, one per line; `#` comments; `intention:` and `reflection:` lines."""
    try:
        raw = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"{path}: cannot read script: {exc}") from exc
    lines, intention, reflection = [], "", ""
    for line in raw.splitlines():
        text = line.strip()
        lowered = text.lower()
        if not text or text.startswith("#"):
            continue
        if lowered.startswith("intention:"):
            intention = text.split(":", 1)[1].strip()
        elif lowered.startswith("reflection:"):
            reflection = text.split(":", 1)[1].strip()
        else:
            lines.append(text)
    if not lines:
        raise _fail(f"{path}: no learner lines found (expected one line per turn)")
    return lines, intention, reflection
