"""`empathic scenarios check`: is a scenario safe to ship?

Schema (loading), every fact reachable (statically: its topics exist and its
example line reaches them, its trust need is attainable; dynamically: the
empathic reference playthrough uncovers it at every difficulty), every intent
voiced, and both reference playthroughs behaving as labelled at every
difficulty: the empathic one uncovers every fact and ends well, the poor one
leaves the core story hidden and does not end well.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from empathic.analysis.coding import Coder, RuleCoder
from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import ScenarioError, library_paths, load_scenario
from empathic.roleplay.scenario import DIFFICULTIES, VOICED_INTENTS, Scenario
from empathic.roleplay.state import difficulty_for
from empathic.roleplay.topics import TopicMatcher

MAX_NEED = 0.95
"""A fact needing more trust than this (at hard) is unreachable in practice."""

STOCK_PLAYTHROUGH = (
    "I hear you. That sounds hard. Tell me more.",
    "I understand how you feel. Go on.",
    "That must be difficult. How does that make you feel?",
    "Thank you for sharing that with me. I'm listening.",
    "That's completely valid. What else is on your mind?",
    "I can only imagine. Tell me more about that.",
    "You're not alone. Take your time.",
    "I'm here for you. That sounds really tough.",
)
"""Stock empathy that fits any conversation: it must never open a scenario's story."""


def spray_playthrough(scenario: Scenario) -> list[str]:
    """Questions that fish with the scenario's own topic terms, four at a time: the strongest
    keyword sprayer there is. None of it may uncover the story."""
    terms = [terms[0] for terms in scenario.topics.values()]
    terms += [t for terms in scenario.topics.values() for t in terms[1:3]]
    groups = [terms[i : i + 4] for i in range(0, len(terms), 4)]
    return [
        f"How do you feel about your {', your '.join(g[:-1])} or your {g[-1]}?"
        for g in groups
        if len(g) == 4
    ]


class PlaythroughRun(TypedDict):
    """How one playthrough ended at one difficulty."""

    uncovered: list[str]
    total: int
    outcome: str
    ended_by: str
    final_trust: float


class CheckDict(TypedDict):
    """The JSON of `empathic scenarios check --format json`, one per scenario."""

    scenario: str
    source: str
    ok: bool
    problems: list[str]
    warnings: list[str]
    runs: dict[str, dict[str, PlaythroughRun]]


@dataclass
class CheckResult:
    """Problems found in one scenario, and how each playthrough went per difficulty."""

    scenario: str
    source: str
    problems: list[str] = field(default_factory=list)
    runs: dict[str, dict[str, PlaythroughRun]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    """Shortfalls reported but not (yet) failing the check: the paraphrase playthrough."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> CheckDict:
        return {
            "scenario": self.scenario,
            "source": self.source,
            "ok": self.ok,
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "runs": self.runs,
        }


def check_paths(
    paths: Iterable[Path] | None = None, *, coder: Coder | None = None
) -> list[CheckResult]:
    """Check scenario files (default: the whole library)."""
    coder = coder if coder is not None else RuleCoder()
    results = []
    for path in paths if paths is not None else library_paths():
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            results.append(CheckResult(Path(path).stem, str(path), list(exc.problems)))
            continue
        results.append(check_scenario(scenario, source=str(path), coder=coder))
    return results


def check_scenario(
    scenario: Scenario, *, source: str = "", coder: Coder | None = None
) -> CheckResult:
    """All checks for one loaded scenario."""
    coder = coder if coder is not None else RuleCoder()
    result = CheckResult(scenario.id, source or scenario.id)
    result.problems += _voice_problems(scenario)
    result.problems += _reachability_problems(scenario)
    reference: dict[str, str] = {}
    plays = {
        "empathic": scenario.playthroughs.empathic.lines,
        "poor": scenario.playthroughs.poor.lines,
        "stock": list(STOCK_PLAYTHROUGH),
        "spray": spray_playthrough(scenario),
    }
    if scenario.playthroughs.paraphrase is not None:
        plays["paraphrase"] = scenario.playthroughs.paraphrase.lines
    for label, lines in plays.items():
        result.runs[label] = {}
        for level in DIFFICULTIES:
            run = run_lines(scenario, lines, difficulty=level, seed=0, coder=coder)
            result.runs[label][level] = {
                "uncovered": list(run.uncovered),
                "total": len(run.facts),
                "outcome": run.outcome,
                "ended_by": run.ended_by,
                "final_trust": round(run.final.trust, 3),
            }
            missing = [f for f in run.facts if f not in run.uncovered]
            if label == "empathic":
                reference[level] = run.outcome
            if label in ("stock", "spray") and (run.core_uncovered or run.outcome == "good"):
                result.problems.append(
                    f"{label} playthrough ({level}): generic lines must neither uncover the core "
                    f"story nor end good; uncovered {run.uncovered}, outcome {run.outcome}"
                )
            if label == "paraphrase" and run.outcome != reference.get(level):
                result.warnings.append(
                    f"playthroughs.paraphrase ({level}): expected to end as the empathic one "
                    f"({reference.get(level)}); uncovered {run.uncovered}, outcome {run.outcome}"
                )
            if label == "empathic" and (missing or run.outcome != "good"):
                result.problems.append(
                    f"playthroughs.empathic ({level}): expected every fact uncovered and a good "
                    f"ending; missing {missing}, outcome {run.outcome}, ended by {run.ended_by}"
                )
            if label == "poor" and (run.core_uncovered or run.outcome == "good"):
                result.problems.append(
                    f"playthroughs.poor ({level}): expected the core story to stay hidden and no "
                    f"good ending; uncovered {run.uncovered}, outcome {run.outcome}"
                )
    return result


def _voice_problems(s: Scenario) -> list[str]:
    problems = []
    for intent in VOICED_INTENTS:
        if not s.voice.lines(intent):
            problems.append(f"voice.{intent}: expected at least one line")
    for i, fact in enumerate(s.facts):
        if not fact.lines:
            problems.append(f"facts[{i}].lines: expected at least one disclosure line")
    return problems


def _reachability_problems(s: Scenario) -> list[str]:
    problems = []
    matcher = TopicMatcher(s.topics, s.synonyms)
    hard = difficulty_for(s, "hard").threshold_shift
    for i, fact in enumerate(s.facts):
        if fact.trust + hard > MAX_NEED:
            problems.append(
                f"facts[{i}].trust: {fact.trust} (+{hard} at hard) is unreachable; "
                f"expected at most {MAX_NEED - hard:.2f}"
            )
        reached = matcher.topics_in(fact.example) & set(fact.topics)
        if not reached:
            problems.append(
                f"facts[{i}].example: expected the example line to reach one of its topics "
                f"{fact.topics}; it reaches {sorted(matcher.topics_in(fact.example)) or 'none'}"
            )
    return problems
