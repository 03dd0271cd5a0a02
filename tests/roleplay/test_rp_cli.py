"""The commands, through a small Typer app that registers them as the main CLI will."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from empathic.config import Settings
from empathic.roleplay.cli import practice, scenarios_app
from empathic.roleplay.loading import find_scenario

REQUIRED = {"scenario", "seed", "turns", "facts", "state", "ended_by", "debrief"}


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    app.command("practice")(practice)
    app.add_typer(scenarios_app, name="scenarios")
    return app


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _script(tmp_path, scenario_id: str, label: str = "empathic"):
    s = find_scenario(scenario_id)
    lines = getattr(s.playthroughs, label).lines
    path = tmp_path / f"{label}.txt"
    path.write_text(
        "# my practice\nintention: stay curious\n" + "\n".join(lines) + "\nreflection: went ok\n"
    )
    return path


def test_scenarios_list_json(app, runner):
    result = runner.invoke(app, ["scenarios", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    ids = {r["id"] for r in rows}
    assert {"msl-neurologist", "off-label-request", "remote-wellbeing"} <= ids and len(ids) >= 6
    assert all(r["difficulties"] == ["easy", "medium", "hard"] and r["facts"] >= 4 for r in rows)


def test_scenarios_list_table(app, runner):
    result = runner.invoke(app, ["scenarios", "list"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "nurse-medication-error" in result.stdout


def test_scenarios_check_library_and_a_broken_file(app, runner, tmp_path):
    ok = runner.invoke(app, ["scenarios", "check", "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert all(r["ok"] for r in json.loads(ok.stdout))
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: Bad\n")
    result = runner.invoke(app, ["scenarios", "check", str(bad)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "FAIL" in result.stdout and "required field is missing" in result.stdout


def test_practice_script_json(app, runner, tmp_path, settings):
    script = _script(tmp_path, "off-label-request")
    result = runner.invoke(
        app,
        ["practice", "off-label-request", "--script", str(script), "--seed", "4", "-f", "json"],
        obj=settings,
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= REQUIRED
    assert data["scenario"] == "off-label-request" and data["seed"] == 4
    assert data["facts"]["total"] == 5 and len(data["facts"]["uncovered"]) == 5
    assert len(data["state"]) == len(data["turns"]) > 0
    assert set(data["state"][0]) == {"trust", "emotion", "patience"}
    assert data["ended_by"] == "wrapped_up"
    assert data["debrief"]["intention"] == "stay curious"
    assert data["debrief"]["reflection"] == "went ok"
    saved = list(settings.runs_dir().glob("*.json"))
    assert len(saved) == 1 and data["run_file"] == str(saved[0])


def test_practice_script_html_to_file_and_replay(app, runner, tmp_path, settings):
    script = _script(tmp_path, "remote-wellbeing", "poor")
    out = tmp_path / "debrief.html"
    args = ["practice", "remote-wellbeing", "--script", str(script), "--seed", "8"]
    result = runner.invoke(app, [*args, "-f", "html", "-o", str(out)], obj=settings)
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<!doctype html>")
    replay = runner.invoke(app, ["practice", "--replay", "latest", "-f", "json"], obj=settings)
    assert replay.exit_code == 0, replay.output
    assert "identical" in replay.stderr
    assert json.loads(replay.stdout)["seed"] == 8


def test_practice_no_save_and_errors(app, runner, tmp_path, settings):
    script = _script(tmp_path, "msl-neurologist")
    ok = runner.invoke(
        app, ["practice", "msl-neurologist", "--script", str(script), "--no-save"], obj=settings
    )
    assert ok.exit_code == 0 and not settings.runs_dir().exists()
    assert "The story behind the data" in ok.stdout
    unknown = runner.invoke(app, ["practice", "no-such", "--script", str(script)], obj=settings)
    assert unknown.exit_code == 2 and "no such scenario" in unknown.stderr
    missing = runner.invoke(app, ["practice", "--replay", "nope"], obj=settings)
    assert missing.exit_code == 2 and "no such run" in missing.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n")
    none = runner.invoke(app, ["practice", "msl-neurologist", "--script", str(empty)], obj=settings)
    assert none.exit_code == 2 and "no learner lines" in none.stderr


def test_interactive_session_ends_on_eof_with_a_debrief(app, runner, settings):
    typed = "be curious\n/coach\nIt sounds like a lot lands on you. How much of it do you get?\n"
    result = runner.invoke(
        app,
        ["practice", "msl-neurologist", "--seed", "2"],
        input=typed,
        obj=settings,
        env={"COLUMNS": "160"},
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Pre-brief" in out and "Dr Helen Okafor" in out
    assert "trust" in out and "█" in out  # the coach meter
    assert "Debrief" in out and "What the AI cannot know" in out
    assert "be curious" in out
    saved = list(settings.runs_dir().glob("*.json"))
    assert len(saved) == 1
    run = json.loads(saved[0].read_text())
    assert run["intention"] == "be curious" and len(run["learner_lines"]) == 1


def test_interactive_end_command(app, runner, settings):
    typed = "\nHello, how are you?\n/end\nI rushed it.\n"
    result = runner.invoke(app, ["practice", "mentor-milestones"], input=typed, obj=settings)
    assert result.exit_code == 0, result.output
    assert "I rushed it." in result.stdout
