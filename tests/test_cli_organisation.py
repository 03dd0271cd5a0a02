"""`empathic train --pack NAME --data CORRECTIONS.csv` and `empathic packs compare open NAME
--data CORRECTIONS.csv`: an organisation's pack, the runs it held back, and the comparison."""

from __future__ import annotations

import json

import pytest
from tests.analysis.test_organisation import corrections_csv
from tests.test_cli import WIDE, _ok, _user_error
from typer.testing import CliRunner

from empathic.analysis.organisation import held_back_runs
from empathic.cli import app


@pytest.fixture
def runner(synthetic_dir, monkeypatch) -> CliRunner:
    """The synthetic corpus stands in for the open corpus, so training takes seconds."""
    monkeypatch.setenv("EMPATHIC_CORPUS_DIR", str(synthetic_dir))
    return CliRunner()


def test_train_with_corrections_holds_back_runs_and_compare_scores_only_them(
    runner, tmp_path, settings, corpus
):
    data = corrections_csv(tmp_path / "corrections.csv", corpus)
    trained = _ok(runner.invoke(app, ["train", "--pack", "acme", "--data", str(data)]))
    held = held_back_runs(f"run{i:02d}" for i in range(10))
    assert "held back 6 correction(s) from 2 run(s)" in trained.stderr
    assert "packs compare open acme --data" in trained.stderr
    card = json.loads((settings.resolved_packs_dir() / "acme" / "card.json").read_text("utf-8"))
    assert card["held_back"]["conversations"] == list(held)
    assert card["metrics"]["behaviour"]["n"] == 96 + 30 - 6  # cross-validated without them

    compared = _ok(
        runner.invoke(app, ["packs", "compare", "open", "acme", "--data", str(data), "--json"])
    )
    result = json.loads(compared.stdout)
    assert result["held_back"] == {"runs": 2, "runs_with_rows": 2, "rows": 6}
    [behaviour] = result["tasks"]
    assert behaviour["n"] == 6 and set(behaviour["scores"]) == {"open", "acme"}
    assert behaviour["better"] in ("open", "acme", "tie")

    table = _ok(
        runner.invoke(
            app,
            ["packs", "compare", "--pack", "open", "--pack", "acme", "--data", str(data)],
            env=WIDE,
        )
    )
    text = " ".join(table.stdout.split())  # the title wraps at the table's width
    assert "macro-F1 on 6 held-back corrections from 2 practice runs that no pack" in text
    assert "behaviour" in text and "Better on: open" in text
    assert "a hint, not evidence" in text  # six rows are few


def test_organisation_pack_errors_are_one_line(runner, tmp_path, synthetic_csv, corpus):
    data = corrections_csv(tmp_path / "corrections.csv", corpus)
    line = _user_error(runner.invoke(app, ["train", "--pack", "open", "--data", str(data)]))
    assert "'open' is one of the project's packs" in line
    line = _user_error(
        runner.invoke(app, ["train", "--pack", "acme", "--data", str(synthetic_csv)])
    )
    assert "is not 'empathic-corrections'" in line
    missing = tmp_path / "missing.csv"
    line = _user_error(runner.invoke(app, ["train", "--pack", "acme", "--data", str(missing)]))
    assert f"{missing}: cannot open" in line
    line = _user_error(runner.invoke(app, ["packs", "compare", "open", "--data", str(data)]))
    assert "name two packs" in line
    line = _user_error(
        runner.invoke(app, ["packs", "compare", "open", "rules", "--data", str(data)])
    )
    assert "none of these packs holds corrections back" in line
