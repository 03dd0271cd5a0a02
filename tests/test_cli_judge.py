"""`empathic analyze --judge llm`, through Typer's runner, against the stub LLM server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathic.analysis.labels import DIMENSIONS
from empathic.cli import app
from llm_judge_stub import CONVERSATION, GOOD, as_reply, verdict
from test_llm import Reply, StubServer


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubServer]:
    server = StubServer().start()
    server.default = Reply(content=as_reply(GOOD))
    monkeypatch.setenv("EMPATHIC_LLM_BASE_URL", server.url)
    monkeypatch.setenv("EMPATHIC_LLM_MODEL", "tiny")
    monkeypatch.setenv("EMPATHIC_LLM_TIMEOUT_S", "2")
    yield server
    server.stop()


@pytest.fixture
def chat(tmp_path: Path) -> Path:
    path = tmp_path / "chat.txt"
    path.write_text(CONVERSATION, encoding="utf-8")
    return path


def _run(*args: str) -> tuple[str, str]:
    result = CliRunner().invoke(app, ["analyze", *args])
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result.stdout, result.stderr


def test_judge_llm_json_names_the_model_and_compares_both_judges(
    stub: StubServer, chat: Path
) -> None:
    out, err = _run(str(chat), "--judge", "llm", "--format", "json", "--pack", "rules")
    data = json.loads(out)
    assert err == ""
    assert data["judge"]["name"] == "llm" and data["judge"]["model"] == "tiny"
    assert data["judge"]["fell_back"] is False and data["judge"]["cached"] is False
    scores = {name: float(GOOD["dimensions"][name]["score"]) for name in DIMENSIONS}
    assert data["summary"]["dimensions"] == scores
    offline, _ = _run(str(chat), "--format", "json", "--pack", "rules")
    offline_scores = json.loads(offline)["summary"]["dimensions"]
    rows = data["summary"]["judges"]["dimensions"]
    assert {name: row["offline"] for name, row in rows.items()} == offline_scores
    assert [t["turn"] for t in data["summary"]["judges"]["turns"]] == [1, 3]
    assert len(stub.requests) == 1
    again, _ = _run(str(chat), "--judge", "llm", "--format", "json", "--pack", "rules")
    assert len(stub.requests) == 1  # the cache in EMPATHIC_DATA_DIR answered
    assert json.loads(again)["judge"]["cached"] is True


def test_judge_llm_text_report_shows_where_the_judges_disagree(
    stub: StubServer, chat: Path
) -> None:
    stub.default = Reply(content=as_reply(verdict({"turns.0.behaviour.value": "input"})))
    out, _ = _run(str(chat), "--judge", "llm", "--pack", "rules")
    assert "Judge: language model tiny (0 unverifiable quotes dropped)" in out
    assert "turn 2 behaviour: llm input, offline reflection" in out  # numbered from 1


def test_judge_llm_falls_back_on_a_server_error_and_says_so(stub: StubServer, chat: Path) -> None:
    stub.default = Reply(status=500, raw='{"error": "overloaded"}')
    out, err = _run(str(chat), "--judge", "llm", "-f", "json", "--pack", "rules")
    data = json.loads(out)
    assert data["judge"]["name"] == "offline" and data["judge"]["fell_back"] is True
    assert "HTTP 500" in data["judge"]["why"] and "judges" not in data["summary"]
    assert any("language-model judge was asked for but not used" in n for n in data["notes"])
    assert err.startswith("judge: fell back to offline: the language model failed")


def test_judge_llm_without_an_endpoint_falls_back(chat: Path) -> None:
    out, err = _run(str(chat), "--judge", "llm", "-f", "json", "--pack", "rules")
    judge = json.loads(out)["judge"]
    assert judge["fell_back"] is True and "EMPATHIC_LLM_BASE_URL is not set" in judge["why"]
    assert "EMPATHIC_LLM_BASE_URL is not set" in err


def test_an_unknown_judge_is_a_usage_error(chat: Path) -> None:
    result = CliRunner().invoke(app, ["analyze", str(chat), "--judge", "oracle"])
    assert result.exit_code == 2
    assert "oracle" in result.stderr
