"""The `empathic` command: a thin adapter over the library (docs/cli.md lists every command)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from empathic.config import Settings

app = typer.Typer(
    help="Empathic: practice and insight for empathic leadership. "
    "The AI supplies data and practice; people supply the story.",
    no_args_is_help=True,
    add_completion=False,
)
packs_app = typer.Typer(help="Model packs: list them, compare them.", invoke_without_command=True)
app.add_typer(packs_app, name="packs")


def _register_areas() -> None:
    """Each area's sub-commands, as its registry entry declares them (`empathic.areas`)."""
    from empathic.areas import areas, load

    for area in areas():
        for command in area.cli:
            target = load(command.target)
            if isinstance(target, typer.Typer):
                app.add_typer(target, name=command.name, help=command.help or None)
            else:
                app.command(command.name, help=command.help or None)(target)


_register_areas()


def _register_llm() -> None:
    """The optional language-model endpoint (docs/llm.md)."""
    from empathic.llm_cli import llm_app

    app.add_typer(llm_app, name="llm", help="The optional LLM endpoint: check that it answers.")


_register_llm()


def _register_web() -> None:
    """The web application (docs/web.md)."""
    from empathic.web.cli import serve

    app.command("serve")(serve)


_register_web()


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"


def _settings() -> Settings:
    """Settings from the environment; a malformed EMPATHIC_* variable is a user error."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as err:
        problems = "; ".join(
            f"EMPATHIC_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in err.errors()
        )
        fail(problems)


def _err() -> Console:
    return Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a clear message (no traceback) and exit."""
    _err().print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the library's expected errors into one-line messages."""
    from empathic.analysis.datasets import DataError
    from empathic.analysis.packs import PackError
    from empathic.analysis.report import LearnerError
    from empathic.conversation import TranscriptError

    try:
        yield
    except (TranscriptError, LearnerError, PackError, DataError, FileNotFoundError) as err:
        fail(str(err))


def _write(content: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(content if content.endswith("\n") else content + "\n")
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(content, encoding="utf-8")
    except OSError as err:
        fail(f"{out}: cannot write ({err.strerror})")
    _err().print(f"wrote {escape(str(out))}", highlight=False, soft_wrap=True)


def _dimension_agreement(folder: Path, pack: str | None, as_json: bool, record: bool) -> None:
    """ρ of each dimension with the experts' mean, beside one expert against the others."""
    from empathic.analysis.agreement import (
        dimension_agreement,
        read_rated_conversations,
        record_agreement,
    )
    from empathic.analysis.packs import CARD_FILE, load_pack

    with user_errors():
        conversations = read_rated_conversations(folder)
        info, coder = load_pack(pack, _settings())
    with _progress() as progress:
        task = progress.add_task(f"analysing with {info.name}", total=len(conversations))
        result = dimension_agreement(coder, conversations, lambda n: progress.advance(task, n))
    if record:
        experts = len(next(iter(conversations[0].ratings.values())))
        note = f"{folder.name}: {len(conversations)} conversations, {experts} experts"
        try:
            record_agreement(info.path / CARD_FILE, result, note, date.today().isoformat())
        except OSError as err:
            fail(f"{info.path / CARD_FILE}: cannot record the agreement ({err.strerror})")
        _err().print(f"recorded in {escape(str(info.path / CARD_FILE))}", highlight=False)
    if as_json:
        print(json.dumps({"pack": info.to_dict(), "data": str(folder), "dimensions": result}))
        return
    table = Table(title=f"{folder.name}: {len(conversations)} conversations, pack {info.name}")
    for column in ("dimension", "ρ with experts' mean", "one expert vs the others"):
        table.add_column(column, justify="left" if column == "dimension" else "right")
    for name, row in result.items():
        table.add_row(name, f"{row['rho']:.3f}", f"{row['expert_bar']:.3f}")
    Console().print(table)


@app.command()
def analyze(
    file: Annotated[Path, typer.Argument(help="Transcript: text, WebVTT, SRT, JSON or CSV.")],
    learner: Annotated[
        str | None,
        typer.Option(
            help="Speaker to coach: any case or accents, a first name or a unique start "
            "will do (default: the second speaker)."
        ),
    ] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
    out: Annotated[Path | None, typer.Option(help="Write the report here, not stdout.")] = None,
    pack: Annotated[str | None, typer.Option(help="Model pack (see `empathic packs`).")] = None,
    conversation_id: Annotated[
        str | None, typer.Option(help="Which conversation of a multi-conversation CSV.")
    ] = None,
    judge: Annotated[
        Literal["offline", "llm"],
        typer.Option(help="Who scores the dimensions: the model pack, or the LLM endpoint too."),
    ] = "offline",
) -> None:
    """Code every learner turn and report metrics, dimensions, strengths and rewrites."""
    from empathic.analysis.report import analyze as run_analysis

    with user_errors():
        report = run_analysis(
            file,
            learner=learner,
            pack=pack,
            settings=_settings(),
            conversation_id=conversation_id,
            judge=judge,
        )
    if report.judge and report.judge["fell_back"]:
        why = escape(report.judge["why"])
        _err().print(f"judge: fell back to offline: {why}", highlight=False, soft_wrap=True)
    data = report.to_dict()
    if format is ReportFormat.json:
        _write(json.dumps(data, indent=2, ensure_ascii=False), out)
    elif format is ReportFormat.html:
        from empathic.analysis.html import render_html

        _write(render_html(data), out)
    else:
        from empathic.analysis.textreport import render_text

        _write(render_text(data), out)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err(),
        transient=False,
    )


@app.command("eval")
def evaluate_command(
    data: Annotated[
        Path,
        typer.Argument(
            help="Labelled canonical CSV, or a folder of expert-rated conversations "
            "(conversations/ID.txt and expertN_ratings.csv) to measure the six dimensions."
        ),
    ],
    pack: Annotated[str | None, typer.Option(help="Model pack to evaluate.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="With a rated folder: write the measured agreement into the pack's card, "
            "so reports show it per dimension.",
        ),
    ] = False,
) -> None:
    """Score a pack on every label column of a canonical CSV, or the session dimensions'
    agreement with expert judges (Spearman ρ) on a folder of rated conversations."""
    from empathic.analysis.agreement import is_rated_folder

    if is_rated_folder(data):
        _dimension_agreement(data, pack, as_json, record)
        return
    from empathic.analysis.datasets import read_labelled_csv
    from empathic.analysis.evaluation import evaluate, work_size
    from empathic.analysis.packs import load_pack

    with user_errors():
        rows = read_labelled_csv(data)
        info, coder = load_pack(pack, _settings())
    with _progress() as progress:
        task = progress.add_task(f"coding with {info.name}", total=work_size(rows))
        tasks = evaluate(coder, rows, lambda n: progress.advance(task, n))
    result = {"pack": info.to_dict(), "data": str(data), "tasks": tasks}
    if as_json:
        print(json.dumps(result, indent=2))
        return
    table = Table(title=f"{data.name} — pack {info.name} ({info.licence})")
    for column in ("task", "n", "accuracy", "macro-F1"):
        table.add_column(column, justify="left" if column == "task" else "right")
    for name, s in tasks.items():
        table.add_row(name, str(s["n"]), f"{s['accuracy']:.3f}", f"{s['macro_f1']:.3f}")
    Console().print(table)


@app.command()
def train(
    pack: Annotated[
        str,
        typer.Option(
            help="Pack to build: `open` (own corpus), `research` (non-commercial), or with "
            "--data CORRECTIONS.csv a name for your organisation's pack."
        ),
    ],
    data: Annotated[
        Path | None,
        typer.Option(
            help="Folder holding the training CSVs, or a corrections export "
            "(`empathic corrections export`) to add to the open corpus, a share held back."
        ),
    ] = None,
    no_cv: Annotated[
        bool, typer.Option("--no-cv", help="Skip cross-validation (faster; card has no metrics).")
    ] = False,
) -> None:
    """Train a model pack reproducibly (fixed seeds) and write its model card."""
    from empathic.analysis.training import recipe_for, train_pack

    try:
        import sklearn  # noqa: F401  (the `train` extra: fitting needs it, coding does not)
    except ImportError:
        fail("empathic train needs scikit-learn: pip install 'empathic[train]'")

    settings = _settings()
    with user_errors():
        if data is not None and (data.is_file() or data.suffix.lower() == ".csv"):
            from empathic.analysis.organisation import organisation_recipe

            recipe = organisation_recipe(pack, settings.resolved_corpus_dir(), data)
        else:
            recipe = recipe_for(pack, data, settings)
        out = settings.resolved_packs_dir() / pack
        with _progress() as progress:
            task = progress.add_task(f"training {pack}", total=recipe_steps(no_cv))
            card = train_pack(
                recipe,
                out,
                cross_validate_metrics=not no_cv,
                progress=lambda msg: progress.update(task, advance=1, description=msg),
            )
    _err().print(
        f"pack [bold]{escape(pack)}[/] written to {escape(str(out))}",
        highlight=False,
        soft_wrap=True,
    )
    if "held_back" in card:
        held = card["held_back"]
        _err().print(
            f"held back {held['rows']} correction(s) from {len(held['conversations'])} run(s), "
            f"listed in the card: `empathic packs compare open {escape(pack)} --data "
            f"{escape(str(data))}` scores both packs on them",
            highlight=False,
            soft_wrap=True,
        )
    _metrics_table(card)


def recipe_steps(no_cv: bool) -> int:
    from empathic.analysis.labels import LABELS

    return len(LABELS) * (1 if no_cv else 2)


def _metrics_table(card: dict[str, Any]) -> None:
    table = Table(title=f"{card['name']}: cross-validated metrics ({card.get('metrics_note', '')})")
    for column in ("task", "n", "accuracy", "macro-F1"):
        table.add_column(column)
    for task, m in card.get("metrics", {}).items():
        if "macro_f1" in m:
            table.add_row(task, str(m["n"]), f"{m['accuracy']:.3f}", f"{m['macro_f1']:.3f}")
    Console().print(table)


@packs_app.callback()
def packs(ctx: typer.Context) -> None:
    """List model packs with their licences."""
    if ctx.invoked_subcommand is not None:
        return
    from empathic.analysis.packs import list_packs, resolve_pack_name

    settings = _settings()
    default = resolve_pack_name(None, settings)
    table = Table(title="Model packs")
    for column in ("name", "version", "trained", "commercial use", "licence", "default"):
        table.add_column(column)
    for info in list_packs(settings):
        table.add_row(
            info.name,
            info.version,
            "yes" if info.trained else "rules only",
            "yes" if info.commercial_use else "NO",
            info.licence,
            "*" if info.name == default else "",
        )
    Console().print(table)


@packs_app.command("compare")
def packs_compare(
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            help="Labelled CSVs (default: every CSV in the shared research data); "
            "with --data, the packs to compare (open NAME)."
        ),
    ] = None,
    pack: Annotated[
        list[str] | None, typer.Option("--pack", help="Packs to compare (repeatable).")
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            help="Your corrections export: score the packs only on the runs an organisation "
            "pack held back from its training."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Macro-F1 of packs side by side, each on data it never saw (else its CV metric)."""
    from empathic.analysis.compare import compare_packs, comparison_table

    if data is not None:
        from empathic.organisation_cli import compare_held_back

        compare_held_back([*(targets or []), *(pack or [])], data, as_json)
        return
    files = [Path(target) for target in targets or []]
    settings = _settings()
    if pack:
        names = pack
    else:
        from empathic.analysis.packs import list_packs

        trained = {p.name for p in list_packs(settings) if p.trained}
        names = ["open", "research" if "research" in trained else "rules"]
    chosen = files or sorted(settings.resolved_shared_data_dir().glob("*.csv"))
    if not chosen:
        fail(f"no labelled CSV files given or found in {settings.resolved_shared_data_dir()}")
    with user_errors():
        result = compare_packs(names, chosen, settings, say=lambda m: _err().print(m))
    if as_json:
        print(json.dumps(result, indent=2))
        return
    base, other = names[0], names[min(1, len(names) - 1)]
    table = Table(title=f"macro-F1: {' vs '.join(names)} (cv = cross-validated, pack saw the data)")
    for column in ("data", "task", "n", *names, f"{base} − {other}"):
        table.add_column(column)
    for line in comparison_table(result, base, other):
        cells = [
            f"{line[n]:.3f}{' (cv)' if line.get(n + '_how') == 'cv' else ''}" if n in line else "-"
            for n in names
        ]
        diff = line.get("difference")
        table.add_row(
            line["data"],
            line["task"],
            str(line["n"]),
            *cells,
            f"{diff:+.3f}" if diff is not None else "-",
        )
    Console().print(table)


@app.command()
def bench(
    turns: Annotated[
        int, typer.Option(min=2, help="Turns in the generated conversation (at least 2).")
    ] = 10_000,
    pack: Annotated[str | None, typer.Option(help="Model pack to measure.")] = None,
) -> None:
    """Measure analysis speed and peak memory on a generated conversation."""
    from empathic.bench import run_analysis_bench

    with user_errors():
        figures = run_analysis_bench(turns=turns, pack=pack, settings=_settings())
    print(json.dumps(figures, indent=2))


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Where to write the HTML report.")] = Path(
        "out/example-report.html"
    ),
) -> None:
    """Analyse the bundled example conversation and write its HTML report."""
    from empathic.analysis.html import render_html
    from empathic.analysis.report import analyze as run_analysis

    example = Path(str(resources.files("empathic") / "examples" / "one-to-one.vtt"))
    with user_errors():
        report = run_analysis(example, settings=_settings())
    _write(render_html(report.to_dict()), out)
    m = report.metrics
    print(
        f"Analysed {len(report.turns)} turns of {example.name} with pack {report.pack['name']} "
        f"({report.pack['licence']}); coached {report.learner}: R:Q {m['r_q_ratio']}, "
        f"{m['pct_complex_reflections']}% complex reflections, {len(report.rewrites)} rewrites."
    )
    print(f"Open the report: {out.resolve()}")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
