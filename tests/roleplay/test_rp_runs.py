"""Saved runs replay exactly; bad references get clear messages; nothing is overwritten."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import find_scenario
from empathic.roleplay.runs import RunError, list_runs, load_run, replay_run, save_run

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def saved(tmp_path):
    scenario = find_scenario("ai-tool-anxiety")
    run = run_lines(scenario, scenario.playthroughs.empathic.lines[:5], seed=99, difficulty="hard")
    path = save_run(run, tmp_path, intention="be honest", reflection="ok", now=NOW)
    return run, path


def test_saved_run_replays_identically(saved, tmp_path):
    run, path = saved
    assert path.name == "20250102-030405-ai-tool-anxiety-s99.json"
    loaded = load_run(path.stem, tmp_path)
    assert loaded.lines == run.learner_lines and loaded.intention == "be honest"
    replay = replay_run(loaded)
    assert replay.identical, replay.differences
    assert replay.result.to_dict() == run.to_dict()


def test_tampered_run_is_reported(saved, tmp_path):
    _, path = saved
    data = json.loads(path.read_text())
    data["run"]["turns"][1]["counterpart"] = "Something she never said."
    data["run"]["seed"] = 99
    path.write_text(json.dumps(data))
    replay = replay_run(load_run(path))
    assert not replay.identical
    assert any(d.startswith("turns:") for d in replay.differences)


def test_runs_are_never_overwritten_and_latest_resolves(saved, tmp_path):
    run, first = saved
    second = save_run(run, tmp_path, now=NOW)
    assert second != first and first.exists() and second.exists()
    assert len(list_runs(tmp_path)) == 2
    assert not list(tmp_path.glob("*.tmp"))
    assert load_run("latest", tmp_path).path in (first, second)


def test_bad_references_are_explained(tmp_path):
    with pytest.raises(RunError, match="no such run"):
        load_run("nothing", tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(RunError, match="cannot read run"):
        load_run(bad)
    other = tmp_path / "other.json"
    other.write_text('{"hello": 1}')
    with pytest.raises(RunError, match="not a saved practice run"):
        load_run(other)


def test_a_run_of_the_wrong_shape_is_refused_when_loaded(tmp_path):
    odd = tmp_path / "odd.json"
    odd.write_text('{"run": [], "learner_lines": "not a list"}')
    with pytest.raises(RunError, match="not a saved practice run"):
        load_run(odd)


def test_a_seed_that_is_not_an_integer_is_refused(saved):
    _, path = saved
    data = json.loads(path.read_text())
    data["run"]["seed"] = "abc"
    path.write_text(json.dumps(data))
    with pytest.raises(RunError, match="no integer seed"):
        replay_run(load_run(path))
