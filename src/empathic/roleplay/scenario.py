"""The scenario schema: what an author writes in a library YAML file.

Validated with pydantic (`extra="forbid"`, so a typo is an error, not a silent
default). Cross-references (facts -> topics, prerequisites, rubric -> moves) are
checked by `cross_check`, which reports field paths like pydantic does, so the
loader can name the file, the line and what was expected for every problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal, TypedDict

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from empathic.roleplay.moves import MOVES, PUSH_BACK_MOVES

INTENTS = ("deflect", "answer", "disclose", "push_back", "appreciate", "wrap_up", "leave")
"""What the counterpart can do on a turn; `disclose` is voiced by each fact's own lines."""

VOICED_INTENTS = tuple(i for i in INTENTS if i != "disclose")
DIFFICULTIES = ("easy", "medium", "hard")

Unit = Annotated[float, Field(ge=0.0, le=1.0)]
Signed = Annotated[float, Field(ge=-1.0, le=1.0)]
Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


def _as_list(value: Any) -> Any:
    """Let authors write a single line where a list of variants is expected."""
    return [value] if isinstance(value, str) else value


Lines = Annotated[
    list[Annotated[str, Field(min_length=1)]], BeforeValidator(_as_list), Field(min_length=1)
]
OptionalLines = Annotated[list[Annotated[str, Field(min_length=1)]], BeforeValidator(_as_list)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Learner(Strict):
    role: str = Field(min_length=1, description="Who the learner plays.")
    goal: str = Field(min_length=1, description="What a good conversation achieves.")


class TimeBudget(Strict):
    minutes: int = Field(gt=0, description="Meeting length, shown in the pre-brief.")
    turns: int = Field(gt=1, le=60, description="Learner turns before the counterpart wraps up.")


class Persona(Strict):
    name: str = Field(min_length=1)
    role: str = Field(min_length=1)
    style: str = Field(min_length=1, description="Communication style, public.")
    time_budget: TimeBudget
    emotion: Signed = Field(0.0, description="Starting emotion: -1 distressed .. 1 at ease.")


class Fact(Strict):
    """A piece of the hidden story. Only `hint` may be voiced before it is unlocked."""

    id: Identifier
    summary: str = Field(min_length=1, description="What the fact is, for the debrief.")
    topics: Annotated[list[Identifier], Field(min_length=1)]
    trust: Unit = Field(description="Trust the counterpart needs before disclosing it.")
    requires: list[Identifier] = Field(default_factory=list)
    core: bool = Field(True, description="Part of the core story the debrief insists on.")
    lines: Lines = Field(description="Disclosure variants (secret until unlocked).")
    more: OptionalLines = Field(default_factory=list, description="Elaboration once unlocked.")
    hint: Lines = Field(description="Public surface signals given while the fact is locked.")
    example: str = Field(min_length=1, description="A learner line that could open it.")


class MoveEffect(Strict):
    """A partial override: only the given components replace the defaults."""

    trust: Signed | None = None
    emotion: Signed | None = None
    patience: Signed | None = None


class Difficulty(Strict):
    trust_start: Unit
    patience_start: Unit
    emotion_shift: Signed = 0.0
    gain: float = Field(gt=0.0, le=3.0, description="Multiplier of positive moves.")
    loss: float = Field(gt=0.0, le=3.0, description="Multiplier of negative moves.")
    threshold_shift: Signed = Field(0.0, description="Added to every fact's trust need.")
    turn_cost: float = Field(gt=0.0, le=3.0, description="Multiplier of time spent per turn.")


class DifficultyOverride(Strict):
    trust_start: Unit | None = None
    patience_start: Unit | None = None
    emotion_shift: Signed | None = None
    gain: float | None = Field(None, gt=0.0, le=3.0)
    loss: float | None = Field(None, gt=0.0, le=3.0)
    threshold_shift: Signed | None = None
    turn_cost: float | None = Field(None, gt=0.0, le=3.0)


class EndConditions(Strict):
    success_trust: Unit = Field(0.55, description="Final trust a good ending needs.")
    leave_below_patience: Unit = Field(0.0, description="The counterpart leaves at or below.")
    leave_below_trust: Unit = Field(0.0, description="Leaves when trust is at or below this...")
    leave_below_emotion: Signed = Field(-0.85, description="...and emotion at or below this.")
    closing: list[str] = Field(
        default_factory=lambda: [
            "next step",
            "a follow up",
            "follow up call",
            "follow up meeting",
            "follow up next",
            "wrap up",
            "before we finish",
            "agree on a plan",
            "agree a plan",
            "plan together",
            "check in again",
            "meet again",
            "catch up again",
            "action plan",
            "stop here",
            "thanks for your time",
            "thank you for your time",
            "talk again",
            "speak again",
            "sit down again",
            "what happens next",
            "where we go from here",
            "report back",
            "come back to you",
            "get back to you",
            "next steps",
        ],
        description="Phrases that signal the learner is closing the conversation.",
    )


class RubricItem(Strict):
    id: Identifier
    competency: str = Field(min_length=1)
    description: str = Field(min_length=1)
    look_for: list[str] = Field(default_factory=list, description="Moves or markers to find.")
    at_least: int = Field(1, ge=0)
    avoid: list[str] = Field(default_factory=list, description="Moves or markers to avoid.")
    facts: list[Identifier] = Field(default_factory=list, description="Facts to uncover.")
    example: str = Field(min_length=1, description="A model line for rewrites.")


REASONS = (
    "default",
    "guarded",
    "success",
    "early",
    "time_up",
    "heard",
    "closed",
    "stock",
    "spray",
    "repeat",
    "warning",
)
"""Reasons an intent can be voiced for, besides the push-back moves and scenario markers.

`heard`: the learner took up what was said (appreciate); `closed`: a closed question
(answer); `stock`, `spray`, `repeat`: a stock line, a list of topics, a repeated line
(deflect); `warning`: the last push back before the counterpart leaves."""


def _intent_lines(value: Any) -> Any:
    """Let authors write a plain list of lines for an intent: it becomes its `default`."""
    if isinstance(value, str | list):
        return {"default": _as_list(value)}
    return value


IntentField = Annotated[dict[Identifier, Lines], BeforeValidator(_intent_lines)]


class VoiceLines(Strict):
    deflect: IntentField
    answer: IntentField
    push_back: IntentField
    appreciate: IntentField
    wrap_up: IntentField
    leave: IntentField

    def lines(self, intent: str, reason: str = "default") -> list[str]:
        """Lines for a reason, falling back to the intent's default lines."""
        entry: dict[str, list[str]] = getattr(self, intent)
        return list(entry.get(reason) or entry.get("default") or [])


class Playthrough(Strict):
    """Reference learner lines; `empathic` must uncover the story, `poor` must not."""

    lines: Lines
    note: str = ""


class Playthroughs(Strict):
    empathic: Playthrough
    poor: Playthrough
    paraphrase: Playthrough | None = Field(
        None, description="The empathic plan in entirely different words; must end as it does."
    )


class Scenario(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    competencies: list[str] = Field(default_factory=list)
    setting: str = Field(min_length=1)
    learner: Learner
    counterpart: Persona
    opening: Lines
    topics: dict[Identifier, Lines]
    synonyms: list[Annotated[list[str], Field(min_length=2)]] = Field(default_factory=list)
    markers: dict[Identifier, Lines] = Field(default_factory=dict)
    facts: Annotated[list[Fact], Field(min_length=1)]
    dynamics: dict[str, MoveEffect] = Field(default_factory=dict)
    difficulty: dict[Literal["easy", "medium", "hard"], DifficultyOverride] = Field(
        default_factory=dict
    )
    end: EndConditions = Field(default_factory=lambda: EndConditions.model_validate({}))
    rubric: Annotated[list[RubricItem], Field(min_length=1)]
    voice: VoiceLines
    playthroughs: Playthroughs

    def fact(self, fact_id: str) -> Fact:
        for fact in self.facts:
            if fact.id == fact_id:
                return fact
        raise KeyError(fact_id)

    @property
    def fact_ids(self) -> list[str]:
        return [f.id for f in self.facts]


Problem = tuple[tuple[str | int, ...], str]
"""A cross-reference problem: the field path and what was expected."""


def cross_check(s: Scenario) -> list[Problem]:
    """Problems pydantic cannot see: unknown references, duplicates, cycles."""
    return list(_cross_problems(s))


def _cross_problems(s: Scenario) -> Iterator[Problem]:
    ids = s.fact_ids
    seen: set[str] = set()
    for i, fact in enumerate(s.facts):
        if fact.id in seen:
            yield ("facts", i, "id"), f"duplicate fact id {fact.id!r}; expected unique ids"
        seen.add(fact.id)
        for j, topic in enumerate(fact.topics):
            if topic not in s.topics:
                yield (
                    ("facts", i, "topics", j),
                    f"unknown topic {topic!r}; expected one of {sorted(s.topics)}",
                )
        for j, req in enumerate(fact.requires):
            if req not in ids or req == fact.id:
                yield (
                    ("facts", i, "requires", j),
                    f"unknown prerequisite {req!r}; expected another fact id of {ids}",
                )
    cycle = _find_cycle({f.id: [r for r in f.requires if r in ids] for f in s.facts})
    if cycle:
        index = ids.index(cycle[0])
        yield (("facts", index, "requires"), f"prerequisite cycle {' -> '.join(cycle)}")
    clash = set(s.markers) & set(MOVES)
    for name in sorted(clash):
        yield ("markers", name), f"marker {name!r} clashes with a move name; rename it"
    known = set(MOVES) | set(s.markers)
    for key in s.dynamics:
        if key not in known and key != "time":
            yield ("dynamics", key), f"unknown move {key!r}; expected one of {sorted(known)}"
    reasons = set(REASONS) | set(PUSH_BACK_MOVES) | set(s.markers)
    for intent in VOICED_INTENTS:
        entry: dict[str, list[str]] = getattr(s.voice, intent)
        if "default" not in entry:
            yield ("voice", intent), "missing 'default' lines; expected a default list of lines"
        for reason in entry:
            if reason not in reasons:
                yield (
                    ("voice", intent, reason),
                    f"unknown reason {reason!r}; expected one of {sorted(reasons)}",
                )
    for i, item in enumerate(s.rubric):
        for field in ("look_for", "avoid"):
            for j, name in enumerate(getattr(item, field)):
                if name not in known:
                    yield (
                        ("rubric", i, field, j),
                        f"unknown move {name!r}; expected one of {sorted(known)}",
                    )
        for j, fact_id in enumerate(item.facts):
            if fact_id not in ids:
                yield ("rubric", i, "facts", j), f"unknown fact {fact_id!r}; expected one of {ids}"
        if not (item.look_for or item.avoid or item.facts):
            yield ("rubric", i), "expected at least one of look_for, avoid or facts"


def _find_cycle(graph: dict[str, list[str]]) -> list[str]:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if not state.get(nxt):
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for node in graph:
        if not state.get(node):
            found = visit(node)
            if found:
                return found
    return []


class ScenarioListing(TypedDict):
    """One row of `empathic scenarios list --format json`."""

    id: str
    title: str
    summary: str
    learner_role: str
    counterpart: str
    minutes: int
    facts: int
    difficulties: list[str]
    competencies: list[str]
    tags: list[str]


def listing(s: Scenario) -> ScenarioListing:
    """What the scenario list shows of a scenario."""
    return {
        "id": s.id,
        "title": s.title,
        "summary": s.summary,
        "learner_role": s.learner.role,
        "counterpart": f"{s.counterpart.name}, {s.counterpart.role}",
        "minutes": s.counterpart.time_budget.minutes,
        "facts": len(s.facts),
        "difficulties": list(DIFFICULTIES),
        "competencies": list(s.competencies),
        "tags": list(s.tags),
    }
