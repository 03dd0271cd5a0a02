"""The `empathic` command, run in process through Typer's test runner."""

from __future__ import annotations

import csv
import json
import re

import pytest
from typer.testing import CliRunner

from empathic.analysis.labels import DIMENSIONS, LABELS, SUBTYPE_OF
from empathic.analysis.packs import list_packs
from empathic.cli import app

CONVERSATION = """\
Priya: Honestly, I'm exhausted. The workload has doubled since Sam left.
Alex: What has been the hardest part of it for you?
Priya: Covering the evening calls. Nobody seems to notice.
Alex: It sounds like you feel invisible, as if nobody sees what you carry.
"""
WIDE = {"COLUMNS": "250"}
"""Rich tables wrap at the terminal width; a wide one keeps every row on one line."""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def chat(tmp_path):
    path = tmp_path / "chat.txt"
    path.write_text(CONVERSATION, encoding="utf-8")
    return path


def _ok(result):
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result


def _user_error(result, *, after_progress: bool = False) -> str:
    """Exit code 2 and exactly one `error:` line on stderr, no traceback; returns the line.

    `after_progress` allows progress-bar lines before the error (commands that fail while
    working); the error is then still one line, and the last one.
    """
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], result.stderr
    if not after_progress:
        assert len(lines) == 1, result.stderr
    assert result.stdout == ""
    return errors[0]


# ----------------------------------------------------------------------------- analyze


def test_analyze_text_report(runner, chat):
    result = _ok(runner.invoke(app, ["analyze", str(chat), "--pack", "rules"]))
    out = result.stdout
    assert f"Empathic report — {chat}" in out
    assert "Coached speaker: Alex" in out and "Model pack: rules v1" in out
    assert "[open question;" in out and "complex reflection;" in out
    assert result.stderr == ""


def test_analyze_json_report(runner, chat):
    args = ["analyze", str(chat), "--format", "json", "--learner", "alex", "--pack", "rules"]
    result = _ok(runner.invoke(app, args))
    data = json.loads(result.stdout)
    assert {"pack", "turns", "summary"} <= set(data)
    assert set(data["pack"]) == {"name", "version", "licence", "commercial_use", "description"}
    assert data["pack"]["name"] == "rules" and data["learner"] == "Alex"
    assert [t["speaker"] for t in data["turns"]] == ["Priya", "Alex", "Priya", "Alex"]
    for turn in data["turns"]:
        assert {"speaker", "text", "labels", "confidence", "evidence"} <= set(turn)
        assert (turn["labels"] is None) == (turn["speaker"] == "Priya")
    assert data["turns"][3]["labels"]["behaviour"] == "reflection"
    assert set(data["summary"]["dimensions"]) == set(DIMENSIONS)
    assert data["summary"]["metrics"]["r_q_ratio"] == 1.0


def test_analyze_html_report_is_self_contained(runner, chat, default_pack):
    result = _ok(runner.invoke(app, ["analyze", str(chat), "-f", "html"]))
    page = result.stdout
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "invisible" in page and "Apache-2.0" in page and default_pack in page
    external = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert external == []
    assert "<script src" not in page.lower() and "@import" not in page


def test_analyze_out_writes_the_file(runner, chat, tmp_path):
    target = tmp_path / "reports" / "chat.json"
    result = _ok(runner.invoke(app, ["analyze", str(chat), "-f", "json", "--out", str(target)]))
    assert result.stdout == ""
    assert f"wrote {target}" in " ".join(result.stderr.split())  # Rich may wrap long paths
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["learner"] == "Alex" and len(data["turns"]) == 4


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.txt", b"", "empty.txt: empty"),
        ("blank.vtt", b"WEBVTT\n\n", "blank.vtt: "),
        ("latin.txt", "Anna: café\nBen: ok\n".encode("latin-1"), "latin.txt:1: cannot decode"),
        ("binary.txt", bytes(range(256)) * 4, "binary.txt: "),
        ("missing.txt", None, "missing.txt: file not found"),
    ],
)
def test_analyze_bad_files_are_one_line_errors(runner, tmp_path, name, content, expected):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    line = _user_error(runner.invoke(app, ["analyze", str(path)]))
    assert f"error: {tmp_path}" in line and expected in line


def test_analyze_a_directory_is_an_error(runner, tmp_path):
    line = _user_error(runner.invoke(app, ["analyze", str(tmp_path)]))
    assert "is a directory" in line


def test_analyze_unknown_learner_lists_speakers(runner, chat):
    line = _user_error(runner.invoke(app, ["analyze", str(chat), "--learner", "Zed"]))
    assert line == f"error: {chat}: no speaker named 'Zed'; speakers are: Priya, Alex"


def test_analyze_learner_is_matched_like_people_type_names(runner, tmp_path):
    """`--learner priya` finds "Priya Shah" and `--learner jose` finds "José Álvarez"
    (analysis.speakers.match_speaker); a name that fits two speakers is an error."""
    path = tmp_path / "team.txt"
    path.write_text(
        "Priya Shah: I'm exhausted.\nJosé Álvarez: What has been hardest?\n"
        "Priya Nair: Me too, honestly.\n",
        encoding="utf-8",
    )
    for typed, coached in (
        ("priya shah", "Priya Shah"),
        ("JOSE", "José Álvarez"),
        ("nair", "Priya Nair"),
    ):
        args = ["analyze", str(path), "-f", "json", "--pack", "rules", "--learner", typed]
        assert json.loads(_ok(runner.invoke(app, args)).stdout)["learner"] == coached
    line = _user_error(runner.invoke(app, ["analyze", str(path), "--learner", "priya"]))
    assert line == (
        f"error: {path}: 'priya' could be Priya Shah or Priya Nair; "
        "type more of the name or choose one"
    )


def test_analyze_unknown_pack(runner, chat, settings):
    available = ", ".join(sorted(p.name for p in list_packs(settings)))
    line = _user_error(runner.invoke(app, ["analyze", str(chat), "--pack", "fancy"]))
    assert line == f"error: no model pack named 'fancy' (available: {available})."


def test_analyze_with_a_corrupt_trained_pack(runner, chat, install):
    folder = install("open")
    (folder / "models.npz").write_bytes(b"not numpy")
    line = _user_error(runner.invoke(app, ["analyze", str(chat)]))
    assert f"{folder / 'models.npz'}: cannot load model pack" in line


@pytest.mark.parametrize("name", ["[draft] notes.txt", "[/draft] notes.txt"])
def test_error_messages_show_file_names_verbatim(runner, tmp_path, name):
    line = _user_error(runner.invoke(app, ["analyze", str(tmp_path / name)]))
    assert name in line


def test_out_path_is_shown_verbatim(runner, chat, tmp_path):
    target = tmp_path / "[/x] report.json"
    result = runner.invoke(app, ["analyze", str(chat), "-f", "json", "--out", str(target)])
    assert result.exit_code == 0, result.exception
    assert target.is_file() and "[/x] report.json" in " ".join(result.stderr.split())


# ----------------------------------------------------------------------------- eval


def test_eval_json(runner, synthetic_csv, corpus):
    result = _ok(runner.invoke(app, ["eval", str(synthetic_csv), "--pack", "rules", "--json"]))
    data = json.loads(result.stdout)
    assert set(data) == {"pack", "data", "tasks"}
    assert data["pack"]["name"] == "rules" and data["data"] == str(synthetic_csv)
    assert set(data["tasks"]) == set(LABELS)
    for task, scores in data["tasks"].items():
        assert set(scores) == {"n", "accuracy", "macro_f1"}, task
        assert 0.0 <= scores["accuracy"] <= 1.0 and 0.0 <= scores["macro_f1"] <= 1.0
        expected = corpus.count(task) if task in SUBTYPE_OF else 96
        assert scores["n"] == expected, task


def test_eval_table(runner, synthetic_csv):
    result = _ok(runner.invoke(app, ["eval", str(synthetic_csv), "--pack", "rules"], env=WIDE))
    assert "synthetic.csv — pack rules (Apache-2.0)" in result.stdout
    rows = [line for line in result.stdout.splitlines() if "reflection" in line]
    assert rows and "24" in rows[0]


def test_eval_bad_data_is_a_one_line_error(runner, tmp_path, corpus):
    missing = tmp_path / "nope.csv"
    assert "nope.csv: cannot open" in _user_error(runner.invoke(app, ["eval", str(missing)]))
    rows = corpus.rows()[:3]
    rows[1] = rows[1] | {"strategy": "Lecturing"}
    bad = corpus.write(tmp_path / "bad.csv", rows)
    line = _user_error(runner.invoke(app, ["eval", str(bad)]))
    assert line == f"error: {bad}:3: strategy='Lecturing' is not in the label scheme"


def test_eval_on_research_data_with_the_rules_pack(runner, research_data):
    path = research_data / "epitome_train.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    result = _ok(runner.invoke(app, ["eval", str(path), "--pack", "rules", "--json"]))
    tasks = json.loads(result.stdout)["tasks"]
    assert set(tasks) == {"emotional_reaction", "interpretation", "exploration"}
    for task, scores in tasks.items():
        labelled = sum(1 for r in rows if (r.get(task) or "").strip() and r["text"].strip())
        assert scores["n"] == labelled, task
        assert 0.0 <= scores["accuracy"] <= 1.0 and 0.0 <= scores["macro_f1"] <= 1.0


# ----------------------------------------------------------------------------- train and packs


def test_train_open_pack_then_list_and_use_it(runner, synthetic_dir, settings, chat):
    result = _ok(runner.invoke(app, ["train", "--pack", "open", "--data", str(synthetic_dir)]))
    folder = settings.resolved_packs_dir() / "open"
    assert f"pack open written to {folder}" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["card.json", "models.npz"]
    card = json.loads((folder / "card.json").read_text("utf-8"))
    # trained on the user's own files: their licence is not assumed
    assert card["commercial_use"] is False
    assert card["licence"] == "depends on the training data (user-supplied; not checked)"
    assert [d["rows"] for d in card["training_data"]] == [96]
    assert "behaviour" in result.stdout  # the cross-validated metrics table

    listing = _ok(runner.invoke(app, ["packs"], env=WIDE)).stdout
    open_row = next(line for line in listing.splitlines() if re.search(r"\bopen\b", line))
    assert "user-supplied" in open_row
    assert "NO" in open_row and "*" in open_row  # trained, not marked commercial, the default
    rules_row = next(line for line in listing.splitlines() if re.search(r"\brules\b", line))
    assert "Apache-2.0" in rules_row and "rules only" in rules_row and "*" not in rules_row

    report = json.loads(_ok(runner.invoke(app, ["analyze", str(chat), "-f", "json"])).stdout)
    assert report["pack"]["name"] == "open"


def test_packs_on_a_fresh_machine(runner, default_pack):
    listing = _ok(runner.invoke(app, ["packs"], env=WIDE)).stdout
    rows = {
        m.group(1): line
        for line in listing.splitlines()
        if (m := re.search(r"\b(rules|open|research)\b", line))
    }
    assert "rules" in rows and "research" not in rows  # research is never bundled
    assert "*" in rows[default_pack]
    assert [name for name, line in rows.items() if "*" in line] == [default_pack]


def test_train_errors_are_one_line(runner, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    line = _user_error(runner.invoke(app, ["train", "--pack", "fancy"]))
    assert "no recipe for a pack named 'fancy'" in line
    line = _user_error(runner.invoke(app, ["train", "--pack", "open", "--data", str(empty)]))
    assert f"no corpus CSV files in {empty}" in line
    research = ["train", "--pack", "research", "--data", str(empty)]
    line = _user_error(runner.invoke(app, research), after_progress=True)
    assert f"training data not found: {empty / 'epitome_train.csv'}" in line


# ----------------------------------------------------------------------------- bench, demo


def test_bench_prints_measurements(runner):
    result = _ok(runner.invoke(app, ["bench", "--turns", "200", "--pack", "rules"]))
    figures = json.loads(result.stdout)
    assert figures["pack"] == "rules" and figures["turns"] == 200
    assert figures["learner_turns"] == 100
    assert figures["learner_utterances"] >= figures["learner_turns"]  # sentences coded one by one
    assert figures["learner_turns_per_s"] > 0
    assert figures["utterances_per_s"] > 0 and figures["model_load_s"] >= 0
    assert figures["peak_rss_mb"] > 0


def test_demo_writes_the_report(runner, tmp_path, default_pack):
    target = tmp_path / "out" / "example.html"
    result = _ok(runner.invoke(app, ["demo", "--out", str(target)]))
    page = target.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>") and "Apache-2.0" in page
    assert f"of one-to-one.vtt with pack {default_pack} (Apache-2.0" in result.stdout
    assert f"Open the report: {target.resolve()}" in result.stdout


# ----------------------------------------------------------------------------- role-play


def test_scenarios_list_json(runner):
    rows = json.loads(_ok(runner.invoke(app, ["scenarios", "list", "--format", "json"])).stdout)
    assert len(rows) >= 6
    assert all(r["id"] and r["title"] and r["facts"] >= 1 for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)


def test_practice_without_a_scenario_is_a_user_error(runner):
    result = runner.invoke(app, ["practice"])
    assert result.exit_code == 2 and "error:" in result.stderr
    assert "Traceback" not in result.output


def test_no_command_shows_help(runner):
    result = runner.invoke(app, [])
    assert "analyze" in result.output and "practice" in result.output
