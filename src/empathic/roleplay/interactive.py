"""The interactive terminal session: pre-brief, conversation, debrief.

End of input (Ctrl-D) and Ctrl-C end the conversation, never the program: the
debrief is always shown (DESIGN §2.2). Coach mode shows the trust, emotion and
patience meters after each turn, with the reasons they moved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape as esc
from rich.panel import Panel

from empathic.analysis.coding import Coder
from empathic.roleplay.engine import Simulation
from empathic.roleplay.llm_voice import LLMVoice
from empathic.roleplay.moves import MOVES
from empathic.roleplay.render import bar
from empathic.roleplay.result import RunResult, StepRecord
from empathic.roleplay.scenario import Scenario
from empathic.roleplay.state import summarise
from empathic.roleplay.voices import Voice

HELP = "Type your reply. Commands: /coach toggles the trust meter, /end finishes, /help."

Ask = Callable[[str], str]


@dataclass
class Session:
    """What an interactive run produced."""

    result: RunResult
    intention: str
    reflection: str


def _ask(console: Console, prompt: str) -> str:
    return console.input(prompt)


def run_session(
    scenario: Scenario,
    *,
    difficulty: str,
    seed: int,
    coach: bool,
    console: Console,
    coder: Coder | None = None,
    ask: Ask | None = None,
    voice: Voice | None = None,
) -> Session:
    """Play one scenario with a person at the keyboard."""
    prompt: Ask = ask if ask is not None else (lambda text: _ask(console, text))
    _prebrief(scenario, difficulty, seed, console)
    intention = _safe(prompt, "[bold]Your intention for this conversation[/] (one line): ") or ""
    sim = Simulation(scenario, difficulty=difficulty, seed=seed, coder=coder, voice=voice)
    persona = scenario.counterpart.name
    console.print(f"\n[bold cyan]{esc(persona)}:[/] {esc(sim.opening)}")
    console.print(f"[dim]{HELP}[/]")
    while not sim.finished:
        line = _safe(prompt, "\n[bold]You:[/] ")
        if line is None:
            console.print("\n[dim]Conversation ended. Preparing your debrief...[/]")
            break
        text = line.strip()
        if not text:
            continue
        if text.lower() in ("/end", "/quit", "/exit"):
            break
        if text.lower() == "/help":
            console.print(f"[dim]{HELP}[/]")
            continue
        if text.lower() == "/coach":
            coach = not coach
            console.print(f"[dim]Coach mode {'on' if coach else 'off'}.[/]")
            continue
        step = _step_streamed(sim, text, persona, console)
        if coach:
            meter(step, console)
    sim.end()
    reflection = ""
    if sim.steps:
        reflection = (
            _safe(
                prompt,
                "\n[bold]Your reflection[/]: what went well, what would you do differently? ",
            )
            or ""
        )
    return Session(sim.result(), intention.strip(), reflection.strip())


def _step_streamed(sim: Simulation, text: str, persona: str, console: Console) -> StepRecord:
    """Play a turn; a voice that streams (the LLM voice) shows its reply token by token.

    When a streamed reply fails its checks the voice keeps the scripted line, and the
    terminal says so and shows the line that counts.
    """
    voice = sim.voice
    if not isinstance(voice, LLMVoice):
        step = sim.step(text)
        console.print(f"[bold cyan]{esc(persona)}:[/] {esc(step.reply)}")
        return step
    shown: list[str] = []
    renders: list[int] = []

    def show(render: int, token: str) -> None:
        if not shown:
            console.print(f"[bold cyan]{esc(persona)}:[/] ", end="")
        if renders and renders[-1] != render:
            token = " " + token
        renders.append(render)
        shown.append(token)
        console.print(token, end="", markup=False, highlight=False, soft_wrap=True)

    fallbacks_before = len(voice.fallbacks)
    voice.stream_to = show
    try:
        step = sim.step(text)
    finally:
        voice.stream_to = None
    if not shown:
        console.print(f"[bold cyan]{esc(persona)}:[/] {esc(step.reply)}")
    elif len(voice.fallbacks) == fallbacks_before:  # the voice says what it kept
        console.print()
    else:
        console.print(
            f"\n[dim](that reply failed a check; the scripted line counts:)[/] {esc(step.reply)}"
        )
    return step


def _safe(prompt: Ask, text: str) -> str | None:
    """A line of input, or None on end of input or Ctrl-C."""
    try:
        return prompt(text)
    except (EOFError, KeyboardInterrupt):
        return None


def _prebrief(scenario: Scenario, difficulty: str, seed: int, console: Console) -> None:
    p = scenario.counterpart
    console.print(
        Panel(
            f"{esc(scenario.setting)}\n\n"
            f"[bold]You are:[/] {esc(scenario.learner.role)}\n"
            f"[bold]Your goal:[/] {esc(scenario.learner.goal)}\n"
            f"[bold]With:[/] {esc(p.name)}, {esc(p.role)}. {esc(p.style)}\n"
            f"[bold]Time:[/] about {p.time_budget.minutes} minutes "
            f"({p.time_budget.turns} turns).  Difficulty {difficulty}, seed {seed}.",
            title=f"Pre-brief: {esc(scenario.title)}",
        )
    )


def meter(step: StepRecord, console: Console) -> None:
    """The coach's view of the state after a turn."""
    s, d = step.after, step.delta()
    console.print(
        f"[dim]  trust    {bar(s.trust)} {s.trust:.2f} ({d['trust']:+.2f})\n"
        f"  emotion  {bar(s.emotion, signed=True)} {s.emotion:+.2f} ({d['emotion']:+.2f})\n"
        f"  patience {bar(s.patience)} {s.patience:.2f} ({d['patience']:+.2f})[/]"
    )
    for reason in summarise(step.effects, MOVES)[:3]:
        console.print(f"[dim]  - {esc(reason)}[/]")
    if step.fact:
        console.print(f"[green]  You uncovered part of the story ({esc(step.fact)}).[/]")
