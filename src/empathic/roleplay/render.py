"""Showing a run and its debrief: the JSON payload, Rich text for the terminal, and HTML.

The HTML file is self-contained (inline CSS, server-drawn SVG timeline, no
network) so it can be attached to an e-mail. All user text reaches it through
Jinja2 autoescaping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, NotRequired

import jinja2
from markupsafe import Markup
from rich.console import Console
from rich.markup import escape as esc
from rich.panel import Panel
from rich.table import Table

from empathic.charts import Marker, Series, data_table, line_chart
from empathic.roleplay.debrief import Debrief
from empathic.roleplay.debrief_types import RubricQuote
from empathic.roleplay.moves import MOVES, PUSH_BACK_MOVES
from empathic.roleplay.result import RunDict, RunResult

SERIES = ("trust", "emotion", "patience")


class Payload(RunDict):
    """The `--format json` document: the run, its debrief and, once saved, the run's file."""

    debrief: Mapping[str, object]
    run_file: NotRequired[str | None]


def payload(result: RunResult, debrief: Debrief) -> Payload:
    """The `--format json` document: the run (turns, facts, state, ended_by) plus its debrief."""
    return {**result.to_dict(), "debrief": debrief.to_dict()}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """Built on first use, not at import."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("empathic.roleplay", "library/templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render_html(data: Mapping[str, Any]) -> str:
    """One self-contained HTML debrief page."""
    debrief = data["debrief"]
    report = debrief.get("report") or {}
    summary = report.get("summary") or {}
    metrics = {
        k: v for k, v in (summary.get("metrics") or {}).items() if isinstance(v, int | float | str)
    }
    listening = debrief.get("listening") or {}
    coaching, other_coaching = match_coaching(
        listening,
        [(p.get("turn"), p.get("learner", "")) for p in debrief["timeline"] if p.get("turn")],
    )
    return (
        _environment()
        .get_template("debrief.html.j2")
        .render(
            run=data,
            d=debrief,
            chart=timeline_chart(
                debrief["timeline"],
                {f["id"]: f["summary"] for f in debrief["facts"].get("items", [])},
            ),
            metrics=metrics,
            dimensions=summary.get("dimensions") or {},
            strengths=[_title(x) for x in summary.get("strengths") or []],
            missed=[_title(x) for x in summary.get("missed_opportunities") or []],
            report_notes=report.get("notes") or [],
            coaching=coaching,
            other_coaching=other_coaching,
            listening=listening,
            stock=stock_phrases(listening),
            rubric=[{**row, "quotes": rubric_evidence(row)} for row in debrief["rubric"]],
        )
    )


def stock_phrases(listening: Mapping[str, Any]) -> list[str]:
    """The stock phrases of a run as "'I hear you' 5 times", most used first.

    The debrief gives them as ready-made strings; a mapping of phrase to count (or items
    with a phrase and a count) is named the same way.
    """
    raw = listening.get("stock_phrases") or []
    if isinstance(raw, Mapping):
        counted = sorted(raw.items(), key=lambda kv: -_count(kv[1]))
        return [_times(str(name), _count(n)) for name, n in counted]
    out = []
    for item in raw if isinstance(raw, list | tuple) else [raw]:
        if isinstance(item, Mapping):
            name = item.get("phrase") or item.get("text") or item.get("name") or ""
            out.append(_times(str(name), _count(item.get("count"))) if name else "")
        elif isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 2:
            out.append(_times(str(item[0]), _count(item[1])))
        else:
            out.append(str(item))
    return [x for x in out if x]


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _times(name: str, n: int) -> str:
    return f"'{name}' {n} time{'s' if n != 1 else ''}" if n else f"'{name}'"


def rubric_evidence(row: Mapping[str, Any]) -> list[RubricQuote]:
    """A rubric row's quoted evidence, each with a label: the turn, what the quote shows
    and "(against it)" where it cost the row ("Turn 3, blame or judgement (against it)").

    A quote counts against the row when its turn is one of the row's `against` turns and
    either did not also earn it or shows a move the counterpart pushes back on.
    """
    earned = set(row.get("turns") or [])
    against = set(row.get("against") or [])
    out: list[RubricQuote] = []
    for item in row.get("evidence") or []:
        fields = item if isinstance(item, Mapping) else {"quote": item}
        quote, move = str(fields.get("quote") or ""), str(fields.get("move") or "")
        turn = fields.get("turn") if isinstance(fields.get("turn"), int) else None
        if not quote:
            continue
        if move.startswith("opened"):
            what = "opened part of the story"
        else:
            what = MOVES.get(move, move.replace("_", " ")).split(":")[0].split(" (")[0]
        counts_against = turn in against and (turn not in earned or move in PUSH_BACK_MOVES)
        label = ", ".join(x for x in (f"Turn {turn}" if turn is not None else "", what) if x)
        label += " (against it)" if counts_against else ""
        out.append({"turn": turn, "quote": quote, "against": counts_against, "label": label})
    return out


def match_coaching(
    listening: Mapping[str, Any], turns: Sequence[tuple[Any, str]]
) -> tuple[dict[int, dict[str, object]], list[dict[str, object]]]:
    """Pair each item of `listening["turns"]` with the shown turn it is about.

    `turns` are the shown learner turns as (number, text). An item goes to the turn with
    its number when the words agree (or either has none), else to an unclaimed turn with
    the same words, else to the unclaimed turn with its number. Returns the items by shown
    turn number and the items no shown turn claimed, so no coaching is lost.
    """
    shown = {n: _words(text) for n, text in turns if isinstance(n, int)}
    waiting: list[dict[str, object]] = [
        dict(t) for t in listening.get("turns") or [] if isinstance(t, Mapping)
    ]
    matched: dict[int, dict[str, object]] = {}
    for fits in (_same_turn_and_words, _same_words, _same_turn):
        still = []
        for item in waiting:
            free = (n for n, words in shown.items() if n not in matched and fits(item, n, words))
            found = next(free, None)
            if found is None:
                still.append(item)
            else:
                matched[found] = item
        waiting = still
    return matched, waiting


def _same_turn_and_words(item: Mapping[str, object], number: int, words: str) -> bool:
    said = _words(item.get("learner"))
    return item.get("turn") == number and (not said or not words or said == words)


def _same_words(item: Mapping[str, object], number: int, words: str) -> bool:
    return bool(words) and _words(item.get("learner")) == words


def _same_turn(item: Mapping[str, object], number: int, words: str) -> bool:
    return item.get("turn") == number


def _words(text: object) -> str:
    return " ".join(str(text or "").split())


def _title(item: Any) -> str:
    if isinstance(item, Mapping):
        return str(item.get("title") or item.get("detail") or "")
    return str(item)


def timeline_chart(
    timeline: Sequence[Mapping[str, Any]], fact_names: Mapping[str, str] | None = None
) -> dict[str, Markup]:
    """Trust and patience (0..1) and emotion (-1..1) per turn, each fact uncovered marked.

    The same chart and table as the web debrief (empathic.charts), so a saved HTML
    debrief and the page show one picture; `fact_names` maps fact ids to summaries.
    """
    names = fact_names or {}
    labels = ["start" if not p.get("turn") else f"turn {p['turn']}" for p in timeline]
    series = [Series(name.capitalize(), [_value(p.get(name)) for p in timeline]) for name in SERIES]
    facts = [
        Marker(i, names.get(str(p["fact"]), str(p["fact"])))
        for i, p in enumerate(timeline)
        if p.get("fact")
    ]
    title = "Trust, emotion and patience after each turn"
    chart = line_chart(
        title,
        labels,
        series,
        y_min=-1.0,
        y_max=1.0,
        y_format="{:+.2f}",
        markers=facts,
        marker_name="fact uncovered",
    )
    return {"chart": chart, "table": data_table(title, labels, series, y_format="{:+.2f}")}


def _value(value: Any) -> float | None:
    return None if value is None else float(value)


def bar(value: float, width: int = 20, signed: bool = False) -> str:
    """A text meter: trust and patience 0..1, emotion -1..1."""
    level = (value + 1) / 2 if signed else value
    filled = max(0, min(width, round(level * width)))
    return "█" * filled + "░" * (width - filled)


def render_text(data: Mapping[str, Any], console: Console) -> None:
    """The debrief in the terminal."""
    d = data["debrief"]
    facts = d["facts"]
    console.print(
        Panel(
            f"[bold]{d['outcome'].upper()}[/] - {esc(d['outcome_text'])}\n"
            f"Ended by: {d['ended_by'].replace('_', ' ')}.  Facts uncovered: "
            f"{len(facts['uncovered'])} of {facts['total']} "
            f"(core {facts['core_uncovered']} of {facts['core_total']}).",
            title=esc(f"Debrief: {d['scenario']['title']} ({d['scenario']['difficulty']})"),
        )
    )
    if d.get("ended_why"):
        console.print(f"Why it ended: {esc(d['ended_why'])}")
    persona = esc(d["scenario"]["persona"])
    console.print("[bold]The conversation[/]")
    console.print(f"  [cyan]{persona}:[/] {esc(str(data.get('opening', '')))}")
    for p in d["timeline"][1:]:
        console.print(f"  [bold]{p['turn']}. You:[/] {esc(p['learner'])}")
        what = p["intent"].replace("_", " ") + (f": {p['fact']}" if p.get("fact") else "")
        console.print(f"     [cyan]{persona}[/] [dim]({esc(what)})[/]: {esc(p['counterpart'])}")
    _render_listening(d.get("listening") or {}, console)
    table = Table(title="The story behind the data", show_lines=False)
    for col in ("", "fact", "turn"):
        table.add_column(col)
    for item in facts["items"]:
        mark = "[green]✓[/]" if item["uncovered"] else "[red]✗[/]"
        core = "" if item["core"] else " [dim](extra)[/]"
        table.add_row(mark, f"{esc(item['summary'])}{core}", str(item["turn"] or "-"))
    console.print(table)

    tl = Table(title="Trust, emotion and patience, turn by turn")
    for col in ("turn", "trust", "emotion", "patience", "reply", "why"):
        tl.add_column(col, overflow="fold")
    for p in d["timeline"]:
        delta = p.get("delta", {})
        tl.add_row(
            str(p["turn"]),
            f"{p['trust']:.2f} {_signed(delta.get('trust'))}",
            f"{p['emotion']:+.2f} {_signed(delta.get('emotion'))}",
            f"{p['patience']:.2f} {_signed(delta.get('patience'))}",
            p.get("intent", "") + (f" ({p['fact']})" if p.get("fact") else ""),
            esc("\n".join(p.get("why", [])[:3])),
        )
    console.print(tl)

    console.print("[bold]Rubric[/]")
    for row in d["rubric"]:
        mark = "[green]met[/]" if row["met"] else "[yellow]not yet[/]"
        console.print(f"  {mark}  {esc(row['competency'])}: {esc(row['description'])}")
    console.print("[bold]Try these rewrites[/]")
    for rw in d["rewrites"]:
        where = f"turn {rw['turn']}: " if rw.get("turn") else ""
        if rw.get("original"):
            console.print(f"  {where}[dim]you said[/] “{esc(rw['original'])}”")
        console.print(
            f"    [green]try[/] “{esc(rw['rewrite'])}”\n    [dim]{esc(rw.get('why', ''))}[/]"
        )
        model = rw.get("model_rewrite")
        if model:
            console.print(
                f"    [green]or[/] “{esc(model['text'])}”\n    [dim]{esc(model['why'])}[/]"
            )
    summary = (d.get("report") or {}).get("summary") or {}
    for heading, key in (
        ("Strengths", "strengths"),
        ("Missed opportunities", "missed_opportunities"),
    ):
        items = [_title(x) for x in summary.get(key) or []]
        if items:
            console.print(f"[bold]{heading} (session report)[/]")
            for item in items[:4]:
                console.print(f"  - {esc(item)}")
    if d.get("intention") or d.get("reflection"):
        console.print("[bold]Your intention and reflection[/]")
        console.print(f"  Intention: {esc(d.get('intention') or '-')}")
        console.print(f"  Reflection: {esc(d.get('reflection') or '-')}")
    console.print("[bold]How this was scored[/]")
    for line in d["scoring"]["how"]:
        console.print(f"  - {esc(line)}")
    console.print("[bold]What the AI cannot know[/]")
    for line in d["scoring"]["cannot_know"]:
        console.print(f"  - {esc(line)}")


def _signed(value: float | None) -> str:
    if not value:
        return ""
    colour = "green" if value > 0 else "red"
    return f"[{colour}]{value:+.2f}[/]"


def _render_listening(listening: Mapping[str, Any], console: Console) -> None:
    """Per-turn coaching on whether each turn took up what was said."""
    turns = listening.get("turns") or []
    if not turns:
        return
    console.print(
        f"[bold]Listening[/]: {listening['responsive_turns']} of {len(turns)} turns took up "
        "what they said."
    )
    stock = stock_phrases(listening)
    if stock:
        console.print("  Stock phrases: " + esc(", ".join(stock)))
    for t in turns:
        note = t["worked"] or t["try"]
        if t["worked"] and t["try"]:
            note = f"{t['worked']} {t['try']}"
        console.print(f"  {t['turn']}. {esc(note)}")
