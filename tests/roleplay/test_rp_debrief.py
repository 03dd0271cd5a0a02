"""Every run ends in a debrief with the story, the timeline and why, rewrites and limits."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from empathic.roleplay.debrief import build_debrief
from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import find_scenario
from empathic.roleplay.render import payload, render_html, render_text


@pytest.fixture(scope="module")
def scenario():
    return find_scenario("mentor-milestones")


def _debrief(scenario, lines, **kw):
    run = run_lines(scenario, lines, seed=5)
    return run, build_debrief(run, scenario, **kw)


def test_good_run_debrief(scenario):
    run, d = _debrief(
        scenario,
        scenario.playthroughs.empathic.lines,
        intention="  Listen first.  ",
        reflection="I followed the hints.",
    )
    data = d.to_dict()
    assert data["outcome"] == "good" and data["ended_by"] == "wrapped_up"
    assert data["facts"]["total"] == 5 and sorted(data["facts"]["uncovered"]) == sorted(
        scenario.fact_ids
    )
    assert all(item["turn"] for item in data["facts"]["items"])
    assert len(data["timeline"]) == len(run.steps) + 1
    assert data["timeline"][0]["turn"] == 0
    assert all(p["why"] for p in data["timeline"][1:])
    assert data["intention"] == "Listen first." and data["reflection"] == "I followed the hints."
    assert 2 <= len(data["rewrites"]) <= 3
    assert all(r["rewrite"] for r in data["rewrites"])
    assert all(row["met"] for row in data["rubric"])
    assert data["scoring"]["cannot_know"] and data["scoring"]["how"]
    assert "summary" in data["report"] and "rewrites" in data["report"]["summary"]
    json.dumps(data)


def test_poor_run_reveals_missed_story_and_repairs_the_harmful_turns(scenario):
    run, d = _debrief(scenario, scenario.playthroughs.poor.lines)
    data = d.to_dict()
    assert data["outcome"] == "poor"
    missed = [i for i in data["facts"]["items"] if not i["uncovered"]]
    fact_examples = {f.example for f in scenario.facts}
    assert missed and all(i["summary"] for i in missed)
    blame_turn = next(s.index for s in run.steps if "blame" in s.move_names)
    rewrites = data["rewrites"]
    assert 2 <= len(rewrites) <= 3
    blame_rewrite = next(r for r in rewrites if r["turn"] == blame_turn)
    assert blame_rewrite["original"] == run.steps[blame_turn - 1].learner
    assert blame_rewrite["rewrite"] != blame_rewrite["original"] and blame_rewrite["why"]
    assert any(r["source"] == "scenario" and r["rewrite"] in fact_examples for r in rewrites)
    moment_turns = [m["turn"] for m in data["moments"]]
    assert blame_turn in moment_turns
    story_first = next(r for r in data["rubric"] if r["id"] == "story_before_action")
    assert not story_first["met"] and blame_turn in story_first["against"]
    blame_point = data["timeline"][blame_turn]
    assert blame_point["delta"]["trust"] < 0
    assert any("blame" in why for why in blame_point["why"])


def test_html_is_self_contained_and_escapes_learner_text(scenario):
    lines = ["<script>alert(1)</script> How are things?", *scenario.playthroughs.empathic.lines]
    run, d = _debrief(scenario, lines)
    html = render_html(payload(run, d))
    assert html.startswith("<!doctype html>")
    assert "<svg" in html and "<polyline" in html and "<style>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "http://" not in html and "https://" not in html


def test_text_render_survives_rich_markup_in_user_text(scenario):
    run, d = _debrief(scenario, ["[bold]Tell me[/bold] more about [red]that?"])
    out = io.StringIO()
    render_text(payload(run, d), Console(file=out, width=120, color_system=None))
    text = out.getvalue()
    assert "[bold]Tell me[/bold]" in text
    assert "What the AI cannot know" in text and "The story behind the data" in text
