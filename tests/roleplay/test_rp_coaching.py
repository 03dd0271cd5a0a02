"""Per-turn coaching in the debrief: the learner's own line rewritten (and the engine agrees
it is better), one turn numbering, rubric items graded on quoted evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from empathic.roleplay.debrief import build_debrief
from empathic.roleplay.engine import run_lines

SCRIPTS = Path(__file__).parent / "learner_scripts" / "dev"


def poor_lines(scenario_id: str) -> list[str]:
    text = (SCRIPTS / f"{scenario_id}.yaml").read_text()
    lines: list[str] = yaml.safe_load(text)["scripts"]["poor"]
    return lines


@pytest.fixture(scope="module")
def poor_debriefs(coder, library):
    out = {}
    for scenario in library.values():
        run = run_lines(scenario, poor_lines(scenario.id), seed=1, coder=coder)
        out[scenario.id] = (run, build_debrief(run, scenario, coder=coder).to_dict())
    return out


def test_weak_turns_get_their_own_line_rewritten(poor_debriefs):
    rewritten = 0
    for _run, debrief in poor_debriefs.values():
        for item in debrief["listening"]["turns"]:
            own = item["rewrite"]
            if own is None:
                continue
            rewritten += 1
            assert own["after"] >= own["before"] + 1, item
            assert own["reuses"] and own["text"] != item["learner"]
        sources = {r["source"] for r in debrief["rewrites"]}
        assert "your line, rewritten" in sources, debrief["rewrites"]
    assert rewritten >= len(poor_debriefs)


def test_the_engine_hears_the_rewrite_better_than_the_original(coder, library, poor_debriefs):
    """Independent check: play each rewrite in place of the learner's line at its turn."""
    compared = 0
    for scenario_id, (run, debrief) in poor_debriefs.items():
        scenario = library[scenario_id]
        for item in (t for t in debrief["listening"]["turns"] if t["rewrite"]):
            before = run.learner_lines[: item["turn"] - 1]
            original = run_lines(scenario, [*before, item["learner"]], seed=1, coder=coder)
            better = run_lines(scenario, [*before, item["rewrite"]["text"]], seed=1, coder=coder)
            old, new = original.steps[-1], better.steps[-1]
            assert new.judgement.credit >= old.judgement.credit, (scenario_id, item)
            assert new.delta()["trust"] >= old.delta()["trust"], (scenario_id, item)
            compared += 1
    assert compared >= 10


def test_report_turns_use_the_debriefs_numbering(coder, library):
    scenario = library["mentor-milestones"]
    run = run_lines(scenario, scenario.playthroughs.empathic.lines, seed=1, coder=coder)
    debrief = build_debrief(run, scenario, coder=coder).to_dict()
    numbers = {s.index for s in run.steps}
    summary = debrief["report"]["summary"]
    cited = [
        t for key in ("strengths", "missed_opportunities") for f in summary[key] for t in f["turns"]
    ]
    assert cited and set(cited) <= numbers
    learner_turns = [t for t in debrief["report"]["turns"] if t["learner"]]
    assert [t["turn"] for t in learner_turns] == sorted(numbers)
    assert all(r["turn"] in numbers for r in summary["rewrites"] if r["turn"] is not None)


def test_rubric_items_quote_the_words_that_earned_them(coder, library):
    scenario = library["mentor-milestones"]
    run = run_lines(scenario, scenario.playthroughs.empathic.lines, seed=1, coder=coder)
    debrief = build_debrief(run, scenario, coder=coder).to_dict()
    lines = dict(enumerate(run.learner_lines, start=1))
    for row in debrief["rubric"]:
        if row["met"] and row["turns"]:
            assert row["evidence"], row
        for quote in row["evidence"]:
            assert quote["quote"] in lines[quote["turn"]]
