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
from typing import Any

from empathic.analysis.coding import Coder, RuleCoder
from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import ScenarioError, library_paths, load_scenario
from empathic.roleplay.scenario import DIFFICULTIES, VOICED_INTENTS, Scenario
from empathic.roleplay.state import difficulty_for
from empathic.roleplay.topics import TopicMatcher

MAX_NEED = 0.95
"""A fact needing more trust than this (at hard) is unreachable in practice."""


@dataclass
class CheckResult:
    """Problems found in one scenario, and how each playthrough went per difficulty."""

    scenario: str
    source: str
    problems: list[str] = field(default_factory=list)
    runs: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "source": self.source,
            "ok": self.ok,
            "problems": list(self.problems),
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
    for label in ("empathic", "poor"):
        playthrough = getattr(scenario.playthroughs, label)
        result.runs[label] = {}
        for level in DIFFICULTIES:
            run = run_lines(scenario, playthrough.lines, difficulty=level, seed=0, coder=coder)
            result.runs[label][level] = {
                "uncovered": list(run.uncovered),
                "total": len(run.facts),
                "outcome": run.outcome,
                "ended_by": run.ended_by,
                "final_trust": round(run.final.trust, 3),
            }
            missing = [f for f in run.facts if f not in run.uncovered]
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
