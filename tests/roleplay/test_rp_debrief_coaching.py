"""The standalone HTML debrief shows why the run ended, each turn's listening coaching (with
the turn's own line rewritten), the stock phrases with their counts and the rubric evidence."""

from __future__ import annotations

import html
import io
import re
from typing import Any

import pytest
from rich.console import Console

from empathic.roleplay.debrief import build_debrief
from empathic.roleplay.engine import run_lines
from empathic.roleplay.render import (
    match_coaching,
    payload,
    render_html,
    render_text,
    rubric_evidence,
    stock_phrases,
)
from empathic.roleplay.scenario import Scenario

STOCK = ["I hear you. That sounds hard. Tell me more."] * 4


@pytest.fixture(scope="module")
def scenario(library: dict[str, Scenario]) -> Scenario:
    return library["mentor-milestones"]


def _data(scenario: Scenario, lines: list[str]) -> dict[str, Any]:
    result = run_lines(scenario, lines, seed=5)
    return payload(result, build_debrief(result, scenario))


def _text(raw: str) -> str:
    """What a reader sees: the tags dropped, then the escapes undone."""
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def _section(raw: str, heading: str) -> str:
    return _text(raw.split(f"<h2>{heading}</h2>")[1].split("<h2>")[0])


def _turn_blocks(raw: str) -> list[str]:
    """The "Turn by turn" section, one block of text per learner turn."""
    section = raw.split("<h2>Turn by turn</h2>")[1].split("<h2>")[0]
    return [_text(block) for block in section.split('<div class="turn">')[1:]]


def test_stock_run_shows_why_it_ended_the_stock_counts_and_what_to_try_per_turn(scenario):
    data = _data(scenario, STOCK)
    d = data["debrief"]
    raw = render_html(data)
    assert d["ended_why"] and f"Why it ended: {d['ended_why']}" in _text(raw)
    listening = _section(raw, "Listening")
    assert "'I hear you' 4 times" in listening
    assert "0 of 4 turns took up what Jordan Lee said" in listening
    turns = d["listening"]["turns"]
    blocks = _turn_blocks(raw)
    assert len(turns) == len(blocks) == 4
    for item, block in zip(turns, blocks, strict=True):
        assert item["try"] and f"What to try: {item['try']}" in block
        assert "What worked:" not in block  # stock turns earn no "worked"
    assert "nearly repeats your turn 1" in blocks[1] and "nearly repeats" not in blocks[0]


def test_empathic_run_shows_what_worked_in_each_turn_and_the_quoted_ending(scenario):
    data = _data(scenario, scenario.playthroughs.empathic.lines)
    d = data["debrief"]
    raw = render_html(data)
    assert d["ended_by"] == "wrapped_up" and "(turn " in d["ended_why"]
    assert f"Why it ended: {d['ended_why']}" in _text(raw)
    blocks = _turn_blocks(raw)
    assert len(blocks) == len(d["listening"]["turns"]) >= 5
    for item, block in zip(d["listening"]["turns"], blocks, strict=True):
        assert item["worked"] and f"What worked: {item['worked']}" in block
        if item["try"]:
            assert f"What to try: {item['try']}" in block
    assert "No stock phrases." in _section(raw, "Listening")


def test_a_rewrite_and_rubric_evidence_are_shown_escaped_in_their_turn(scenario):
    data = _data(scenario, STOCK)
    d = data["debrief"]
    for item in d["listening"]["turns"]:
        item["rewrite"] = None  # only the one below
    d["listening"]["turns"][1]["rewrite"] = {
        "text": "It sounds like the <b>dashboard</b> misses a lot of what you do.",
        "why": "Starts from their words & asks about them.",
        "reuses": ["dashboard", "<doesn't>"],
        "before": 0.5,
        "after": 4.25,
    }
    d["rubric"][0]["evidence"] = [{"turn": 3, "quote": "<i>Tell me more</i>"}]
    raw = render_html(data)
    assert "<b>dashboard</b>" not in raw and "<doesn't>" not in raw and "<i>Tell" not in raw
    assert "&lt;b&gt;dashboard&lt;/b&gt;" in raw and "&amp; asks" in raw
    blocks = _turn_blocks(raw)
    assert "rewritten" not in blocks[0] and "rewritten" not in blocks[2]
    rewritten = blocks[1]
    assert (
        "Your line, rewritten: “It sounds like the <b>dashboard</b> misses a lot of what you do.”"
        in rewritten
    )
    assert "Starts from their words & asks about them." in rewritten
    assert "It takes up Jordan Lee's words: “dashboard”, “<doesn't>”." in rewritten
    assert "Scored 0.5 as you said it and 4.25 rewritten" in rewritten
    rubric = _section(raw, "Rubric")
    assert "Turn 3: “<i>Tell me more</i>”" in rubric


def test_the_rubric_quotes_what_earned_or_cost_each_row(scenario):
    data = _data(scenario, scenario.playthroughs.poor.lines)
    rubric = _section(render_html(data), "Rubric")
    quoted = 0
    for row in data["debrief"]["rubric"]:
        for item in rubric_evidence(row):
            quoted += 1
            assert f"{item['label']}: “{item['quote']}”" in rubric
            assert item["label"].startswith(f"Turn {item['turn']}")
            assert item["against"] is (item["turn"] in row["against"])
    if any(row.get("evidence") for row in data["debrief"]["rubric"]):
        assert quoted and "(against it)" in rubric  # the poor run's blame and advice


def test_rubric_evidence_is_labelled_with_turn_move_and_side():
    row = {
        "turns": [2],
        "against": [2, 5],
        "evidence": [
            {"turn": 2, "move": "complex_reflection", "quote": "So it has been a lot."},
            {"turn": 2, "move": "blame", "quote": "Why didn't you say?"},
            {"turn": 5, "move": "premature_advice", "quote": "Just push through."},
            {"turn": 6, "move": "opened: doubts", "quote": "What makes you unsure?"},
            {"turn": None, "quote": "No turn."},
            {"turn": 7, "quote": ""},
            "A bare quote.",
        ],
    }
    assert [(e["label"], e["quote"]) for e in rubric_evidence(row)] == [
        ("Turn 2, a complex reflection", "So it has been a lot."),
        ("Turn 2, blame or judgement (against it)", "Why didn't you say?"),
        ("Turn 5, advice before understanding (against it)", "Just push through."),
        ("Turn 6, opened part of the story", "What makes you unsure?"),
        ("", "No turn."),
        ("", "A bare quote."),
    ]
    assert rubric_evidence({}) == []


def test_a_debrief_without_listening_or_evidence_still_renders(scenario):
    data = _data(scenario, STOCK)
    for key in ("listening", "ended_why"):
        data["debrief"].pop(key)
    for row in data["debrief"]["rubric"]:
        row.pop("evidence", None)
    page = render_html(data)
    assert "Why it ended" not in page and "<h2>Listening</h2>" not in page
    assert "What to try" not in page and "<h2>Rubric</h2>" in page


def test_coaching_no_turn_claims_is_still_shown_and_a_missing_number_matches_by_words(scenario):
    data = _data(scenario, STOCK)
    turns = data["debrief"]["listening"]["turns"]
    turns[0]["turn"] = None
    turns[0]["try"] = "Found by its words."
    turns.append({"turn": 99, "learner": "A line <not> played.", "try": "Kept aside."})
    raw = render_html(data)
    assert "What to try: Found by its words." in _turn_blocks(raw)[0]
    listening = _section(raw, "Listening")
    assert "Turn 99, you: A line <not> played." in listening
    assert "What to try: Kept aside." in listening


def test_coaching_finds_its_turn_by_number_then_by_words():
    shown = [(1, "Hello there."), (2, "How are  things?"), (3, "Tell me more.")]
    listening = {
        "turns": [
            {"turn": 1, "learner": "Hello there.", "try": "a"},
            {"turn": None, "learner": "Tell me more.", "try": "b"},  # no number: by its words
            {"turn": 3, "learner": "How are things?", "try": "c"},  # wrong number: by words
            {"turn": 7, "learner": "Never shown.", "try": "d"},  # no shown turn: kept aside
            "not an item",
        ]
    }
    matched, other = match_coaching(listening, shown)
    assert {n: item["try"] for n, item in matched.items()} == {1: "a", 2: "c", 3: "b"}
    assert [item["try"] for item in other] == ["d"]
    by_number, _ = match_coaching({"turns": [{"turn": 2, "try": "e"}]}, shown)
    assert by_number[2]["try"] == "e"
    assert match_coaching({}, shown) == ({}, [])


def test_stock_phrases_are_named_with_their_counts_in_any_shape():
    assert stock_phrases({"stock_phrases": ["'I hear you' 5 times"]}) == ["'I hear you' 5 times"]
    assert stock_phrases({"stock_phrases": {"go on": 1, "I hear you": 5}}) == [
        "'I hear you' 5 times",
        "'go on' 1 time",
    ]
    assert stock_phrases({"stock_phrases": [{"phrase": "I see", "count": 2}]}) == [
        "'I see' 2 times"
    ]
    assert stock_phrases({}) == [] and stock_phrases({"stock_phrases": None}) == []


def test_terminal_names_stock_phrases_with_counts_in_either_shape(scenario):
    data = _data(scenario, STOCK)
    listening = data["debrief"]["listening"]
    for shape in (listening["stock_phrases"], {"I hear you": 4}):
        listening["stock_phrases"] = shape
        out = io.StringIO()
        render_text(data, Console(file=out, width=200, color_system=None))
        assert re.search(r"Stock phrases: .*'I hear you' 4 times", out.getvalue())
