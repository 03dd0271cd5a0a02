"""Edge cases found in review: one clear line (exit 2) or success, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from empathic.analysis.coding import AnalysedTurn, RuleCoder
from empathic.analysis.metrics import session_metrics
from empathic.cli import app

HEADER = "source,conversation_id,turn,speaker,context,text\n"


def _run(args: list[str], **kw: object) -> object:
    return CliRunner().invoke(app, args, **kw)  # type: ignore[arg-type]


def test_multi_conversation_csv_needs_and_accepts_conversation_id(tmp_path: Path) -> None:
    csv_file = tmp_path / "two.csv"
    csv_file.write_text(
        HEADER
        + "x,c1,0,Ana,,I feel swamped.\nx,c1,1,Ben,,It sounds like a lot.\n"
        + "x,c2,0,Cat,,Hello.\nx,c2,1,Dan,,What is on your mind?\n",
        "utf-8",
    )
    refused = _run(["analyze", str(csv_file)])
    assert refused.exit_code == 2 and "--conversation-id" in refused.stderr
    chosen = _run(["analyze", str(csv_file), "--conversation-id", "c2", "-f", "json"])
    assert chosen.exit_code == 0, chosen.stderr
    report = json.loads(chosen.stdout)
    assert [t["speaker"] for t in report["turns"]] == ["Cat", "Dan"]


def test_out_to_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text("Ana: I'm tired.\nBen: That sounds hard.\n", "utf-8")
    result = _run(["analyze", str(chat), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


def test_eval_without_label_columns_is_an_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text(HEADER + "s,1,1,A,,hi\n", "utf-8")
    result = _run(["eval", str(plain)])
    assert result.exit_code == 2 and "no label columns" in result.stderr


def test_malformed_setting_is_named(tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text("Ana: hi\nBen: hello\n", "utf-8")
    result = _run(["analyze", str(chat)], env={"EMPATHIC_LLM_TIMEOUT_S": "abc"})
    assert result.exit_code == 2
    assert "EMPATHIC_LLM_TIMEOUT_S" in result.stderr and "Traceback" not in result.stderr


def test_interactive_practice_with_no_replies_ends_cleanly() -> None:
    result = _run(["practice", "mentor-milestones"], input="")
    assert result.exit_code == 0, result.output
    assert "computed from your coded moves" in " ".join(result.output.split())  # the debrief


def test_reflections_without_questions_rate_good() -> None:
    coder = RuleCoder()
    turns = [
        AnalysedTurn(0, "Ana", "I'm exhausted and nobody notices."),
        AnalysedTurn(1, "Ben", "You feel invisible.", coded=coder.code("You feel invisible.")),
    ]
    metrics = session_metrics(turns)
    assert metrics["questions"] == 0 and metrics["reflections"] == 1
    assert metrics["miti"]["r_q"] == "good"


def test_the_cli_starts_without_numpy_or_the_analysis_engine():
    """`empathic --help` stays quick: heavy modules load only in the commands that need them."""
    probe = (
        "import sys, empathic.cli; print(sorted({'numpy', 'scipy', 'httpx'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_train_without_scikit_learn_says_how_to_get_it(monkeypatch) -> None:
    import sys

    from typer.testing import CliRunner

    from empathic.cli import app

    monkeypatch.setitem(sys.modules, "sklearn", None)  # as on an install without [train]
    result = CliRunner().invoke(app, ["train", "--pack", "open", "--no-cv"])
    assert result.exit_code != 0
    assert "pip install 'empathic[train]'" in result.output


def test_scoring_agrees_with_scikit_learn() -> None:
    import random

    from sklearn.metrics import accuracy_score, f1_score

    from empathic.analysis.scoring import accuracy, macro_f1

    rng = random.Random(3)
    for _ in range(200):
        n = rng.randint(1, 30)
        gold = [rng.choice("abcd") for _ in range(n)]
        predicted = [rng.choice("abcde") for _ in range(n)]
        expected = f1_score(gold, predicted, average="macro", zero_division=0)
        assert abs(macro_f1(gold, predicted) - expected) < 1e-12
        assert abs(accuracy(gold, predicted) - accuracy_score(gold, predicted)) < 1e-12
