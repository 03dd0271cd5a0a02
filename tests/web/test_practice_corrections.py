"""'Is a label wrong?': corrections are validated, stored with context and exported as CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.web.helpers import Person, ended_run
from typer.testing import CliRunner

from empathic.analysis.datasets import read_labelled_csv
from empathic.analysis.labels import CANONICAL_COLUMNS, LABELS
from empathic.cli import app as cli_app
from empathic.config import Settings
from empathic.practice.models import Correction, PracticeRun
from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import find_scenario

SCENARIO = "ai-tool-anxiety"


def stored(app: Any) -> list[Correction]:
    with app.state.sessions() as db:
        return list(db.scalars(select(Correction).order_by(Correction.id)))


def test_a_correction_is_stored_with_prediction_and_context(app: Any, learner: Person) -> None:
    run_id = ended_run(learner, SCENARIO, "medium")
    scenario = find_scenario(SCENARIO)
    lines = scenario.playthroughs.empathic.lines[:2]
    page = learner.post(
        f"/runs/{run_id}/corrections",
        {"turn": "2", "value": "reflection=simple", "note": "it reflects her words"},
        follow_redirects=False,
    )
    assert page.status_code == 303
    shown = learner.client.get(page.headers["location"])
    assert "your correction of turn 2 was saved" in shown.text
    assert "You corrected reflection" in shown.text
    [correction] = stored(app)
    with app.state.sessions() as db:
        run = db.get(PracticeRun, run_id)
        first_reply, seed = run.turns[0].reply, run.seed
    coded = run_lines(scenario, lines, seed=seed).steps[1].labels
    assert correction.run_id == run_id and correction.turn_index == 2
    assert (correction.label, correction.corrected) == ("reflection", "simple")
    assert correction.text == lines[1]
    assert correction.context == first_reply
    assert correction.predicted == (coded.get("reflection") or "")
    assert correction.note == "it reflects her words"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"turn": "1", "label": "warmth", "value": "2"}, "Choose a label"),
        ({"turn": "1", "label": "question", "value": "maybe"}, "not a value of question"),
        ({"turn": "1", "label": "question", "value": "behaviour=other"}, "belongs to"),
        ({"turn": "9", "label": "question", "value": "open"}, "no turn 9"),
        ({"turn": "", "label": "question", "value": "open"}, "which turn"),
    ],
)
def test_bad_corrections_are_rejected(
    app: Any, learner: Person, data: dict[str, str], message: str
) -> None:
    run_id = ended_run(learner, SCENARIO, "medium")
    page = learner.post(f"/runs/{run_id}/corrections", data)
    assert page.status_code == 400
    assert message in page.text
    assert stored(app) == []


def test_export_keeps_the_newest_correction_and_parses(
    app: Any, learner: Person, web_settings: Settings, tmp_path: Path
) -> None:
    run_id = ended_run(learner, SCENARIO, "medium")
    post = learner.post
    post(f"/runs/{run_id}/corrections", {"turn": "1", "label": "question", "value": "closed"})
    post(f"/runs/{run_id}/corrections", {"turn": "1", "label": "question", "value": "open"})
    post(f"/runs/{run_id}/corrections", {"turn": "2", "value": "emotional_reaction=2"})
    assert len(stored(app)) == 3

    from empathic.practice.corrections import export

    buffer = io.StringIO()
    with app.state.sessions() as db:
        assert export(db, buffer) == 2
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert list(rows[0]) == [*CANONICAL_COLUMNS, *LABELS]
    by_turn = {row["turn"]: row for row in rows}
    assert by_turn["1"]["question"] == "open" and by_turn["1"]["behaviour"] == ""
    assert by_turn["2"]["emotional_reaction"] == "2"
    assert {row["source"] for row in rows} == {"empathic-corrections"}
    assert {row["conversation_id"] for row in rows} == {run_id}

    env = {"EMPATHIC_DATABASE_URL": web_settings.resolved_database_url()}
    out = tmp_path / "fixes.csv"
    result = CliRunner().invoke(cli_app, ["corrections", "export", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    parsed = read_labelled_csv(out)
    assert [(r.turn, r.speaker, r.labels) for r in parsed] == [
        (1, "learner", {"question": "open"}),
        (2, "learner", {"emotional_reaction": "2"}),
    ]
    mine = CliRunner().invoke(cli_app, ["corrections", "export", "--user", learner.email], env=env)
    assert mine.exit_code == 0 and mine.stdout.count("empathic-corrections") == 2
    nobody = CliRunner().invoke(
        cli_app, ["corrections", "export", "--user", "nobody@example.org"], env=env
    )
    assert nobody.exit_code == 2 and "no account" in nobody.output
    assert "Traceback" not in nobody.output


def test_an_exported_line_that_looks_like_a_formula_is_neutralised(
    app: Any, learner: Person
) -> None:
    started = learner.post(f"/practice/{SCENARIO}/start", {"difficulty": "medium"})
    run_id = str(started.url).rsplit("/", 1)[-1]
    line = '=HYPERLINK("http://evil.example","you sound worried")'
    learner.post(f"/runs/{run_id}/turns", {"text": line})
    assert learner.post(f"/runs/{run_id}/end").status_code == 200
    learner.post(f"/runs/{run_id}/corrections", {"turn": "1", "value": "behaviour=reflection"})

    from empathic.practice.corrections import export

    buffer = io.StringIO()
    with app.state.sessions() as db:
        assert export(db, buffer) == 1
    row = next(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert row["text"] == "'" + line  # a spreadsheet shows it as text, never runs it
    path = Path(str(app.state.settings.data_dir)) / "fixes.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    assert read_labelled_csv(path)[0].text == line
