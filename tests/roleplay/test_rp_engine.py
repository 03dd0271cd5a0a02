"""The engine: reproducible from a seed, structurally hidden facts, no drift into agreement."""

from __future__ import annotations

import json
import random
from dataclasses import asdict

import pytest

from empathic.analysis.coding import RuleCoder
from empathic.roleplay.engine import Simulation, SimulationOver, run_lines
from empathic.roleplay.loading import find_scenario
from empathic.roleplay.voices import ScriptedVoice, Voice, VoiceView


class SpyVoice(Voice):
    """Records every view it is given, then speaks like the scripted voice."""

    name = "spy"

    def __init__(self) -> None:
        self.views: list[VoiceView] = []
        self._inner = ScriptedVoice()

    def render(self, intent: str, view: VoiceView, rng: random.Random) -> str:
        self.views.append(view)
        return self._inner.render(intent, view, rng)


def _dump(view: VoiceView) -> str:
    """The view as text, minus what the learner said (the learner may say anything)."""
    data = asdict(view)
    data["learner_text"] = ""
    data["history"] = [t for t in data["history"] if t["speaker"] != "Learner"]
    return json.dumps(data, default=str).lower()


def test_same_seed_replays_exactly(library):
    scenario = library["mentor-milestones"]
    lines = scenario.playthroughs.empathic.lines
    a = run_lines(scenario, lines, seed=42).to_dict()
    b = run_lines(scenario, lines, seed=42).to_dict()
    assert a == b
    assert a["turns"][0]["counterpart"]


def test_different_seeds_vary_wording_but_not_decisions(library):
    decisions, wordings = set(), set()
    for seed in range(12):
        for scenario in library.values():
            run = run_lines(scenario, scenario.playthroughs.empathic.lines, seed=seed)
            decisions.add(
                (
                    scenario.id,
                    tuple((s.intent, s.reason, s.fact) for s in run.steps),
                    tuple(json.dumps(s.after.as_dict()) for s in run.steps),
                    run.ended_by,
                )
            )
            wordings.add((scenario.id, run.opening, tuple(s.reply for s in run.steps)))
    assert len(decisions) == len(library)  # one decision path per scenario, whatever the seed
    assert len(wordings) > len(library)  # but the wording does change with the seed


def test_locked_facts_and_rubric_never_reach_the_voice(library):
    for scenario in library.values():
        for label in ("empathic", "poor"):
            spy = SpyVoice()
            sim = Simulation(scenario, seed=7, voice=spy)
            seen_before = len(spy.views)  # the opening
            for line in getattr(scenario.playthroughs, label).lines:
                if sim.finished:
                    break
                unlocked_before = set(sim.unlocked)
                sim.step(line)
                views = spy.views[seen_before:]
                seen_before = len(spy.views)
                unlocked_now = set(sim.unlocked)
                for view in views:
                    text = _dump(view)
                    for fact in scenario.facts:
                        if fact.id in unlocked_now:
                            continue
                        assert fact.summary.lower() not in text, (scenario.id, fact.id)
                        for secret in (*fact.lines, *fact.more, fact.example):
                            assert secret.lower() not in text, (scenario.id, fact.id)
                    for item in scenario.rubric:
                        assert item.description.lower() not in text
                        assert item.example.lower() not in text
                    ids = {f.id for f in view.unlocked}
                    assert ids <= unlocked_now
                    if view.fact is not None:
                        assert view.fact.id in unlocked_now | unlocked_before


def test_disclosure_hands_the_voice_only_that_fact(library):
    scenario = library["nurse-medication-error"]
    spy = SpyVoice()
    sim = Simulation(scenario, seed=1, voice=spy)
    for line in scenario.playthroughs.empathic.lines:
        step = sim.step(line)
        if step.fact:
            view = spy.views[-1]
            assert view.intent == "disclose"
            assert view.fact is not None and view.fact.id == step.fact
            assert set(view.lines) <= set(scenario.fact(step.fact).lines)
            assert step.reply in view.lines or any(step.reply.startswith(x) for x in view.lines)
            break
    else:
        pytest.fail("no fact was disclosed")


def test_politeness_and_closed_interrogation_do_not_drift_into_agreement(library):
    scenario = library["mentor-milestones"]
    lines = [
        "Is your workload too high?",
        "Is something going on at home?",
        "Do you still want the certification?",
        "Did you not want to ask for help?",
        "Thanks.",
        "Thanks.",
        "Is something going on at home?",
        "Do you still want the certification?",
    ]
    run = run_lines(scenario, lines, seed=3)
    assert run.final.trust <= run.initial.trust
    assert "caring" not in run.uncovered and "doubts" not in run.uncovered
    assert run.outcome == "poor"


def test_repeating_the_same_reflection_earns_less_each_time(library):
    scenario = library["remote-wellbeing"]
    sim = Simulation(scenario, seed=0)
    line = "It sounds like things have been really hard and lonely lately."
    first = sim.step(line).delta()["trust"]
    second = sim.step(line).delta()["trust"]
    assert first > 0
    assert second < first


def test_advice_before_understanding_costs_trust_and_patience(library):
    scenario = library["msl-neurologist"]
    sim = Simulation(scenario, seed=0)
    step = sim.step("You should prescribe it earlier; I recommend reading our new study.")
    assert "premature_advice" in step.move_names
    assert step.delta()["trust"] < 0 and step.delta()["patience"] < 0
    assert step.intent == "push_back"


def test_complex_reflection_earns_more_than_a_closed_question(library):
    scenario = library["ai-tool-anxiety"]
    reflect = Simulation(scenario, seed=0).step(
        "It sounds like you're worried that years of your work are being brushed aside."
    )
    closed = Simulation(scenario, seed=0).step("Did you read the announcement?")
    assert "complex_reflection" in reflect.move_names
    assert reflect.delta()["trust"] > closed.delta()["trust"]


def test_step_after_the_end_is_refused(library):
    scenario = library["nurse-medication-error"]
    sim = Simulation(scenario, seed=0)
    first = sim.step("How could you give insulin twice? You should have checked.")
    assert first.intent == "push_back" and not sim.finished  # a warning comes first
    sim.step("You know you're supposed to check the chart. That was careless.")
    assert sim.finished and sim.ended_by == "counterpart_left"
    with pytest.raises(SimulationOver):
        sim.step("Sorry.")
    with pytest.raises(ValueError):
        Simulation(scenario).step("   ")


def test_time_budget_ends_the_conversation(library):
    scenario = library["remote-wellbeing"]
    lines = ["Okay."] * (scenario.counterpart.time_budget.turns + 5)
    run = run_lines(scenario, lines, difficulty="easy", seed=0)
    assert run.ended_by in ("time_up", "counterpart_left")
    assert len(run.steps) <= scenario.counterpart.time_budget.turns
    assert run.unplayed > 0


def test_injected_coder_is_used():
    scenario = find_scenario("msl-neurologist")

    class CountingCoder(RuleCoder):
        name = "counting"
        calls = 0

        def code_many(self, items):
            CountingCoder.calls += len(items)
            return super().code_many(items)

    run = run_lines(scenario, scenario.playthroughs.empathic.lines, coder=CountingCoder())
    assert CountingCoder.calls == len(run.steps)
    assert run.coder == "counting"


def test_difficulty_changes_the_starting_state(library):
    scenario = library["msl-neurologist"]
    easy = Simulation(scenario, difficulty="easy").state
    hard = Simulation(scenario, difficulty="hard").state
    assert easy.trust > hard.trust and easy.patience > hard.patience
    with pytest.raises(ValueError, match="unknown difficulty"):
        Simulation(scenario, difficulty="extreme")
