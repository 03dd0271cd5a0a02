"""LLM rewrites in the debrief: shown only when the analysis engine scores them higher.

Runs against the stub OpenAI-compatible server of tests/test_llm.py on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from empathic.analysis.coding import RuleCoder
from empathic.llm import ChatClient
from empathic.roleplay.debrief import build_debrief
from empathic.roleplay.engine import run_lines
from empathic.roleplay.llm_rewrites import empathy_score, propose_rewrites, with_model_rewrites
from empathic.roleplay.loading import find_scenario
from empathic.roleplay.result import RunResult
from empathic.roleplay.scenario import Scenario
from test_llm import Reply, StubServer

GOOD = "It sounds like you feel stretched thin and worried that nobody sees how much you carry."
ADVICE = "You should just prioritise better and stop worrying."


@pytest.fixture
def server() -> Iterator[StubServer]:
    stub = StubServer().start()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def poor_run() -> tuple[Scenario, RunResult, list[dict[str, object]]]:
    scenario = find_scenario("mentor-milestones")
    result = run_lines(scenario, scenario.playthroughs.poor.lines, seed=4)
    debrief = build_debrief(result, scenario)
    return scenario, result, debrief.rewrites


def _propose(server: StubServer, run: tuple[Scenario, RunResult, list[dict[str, object]]]):
    scenario, result, rewrites = run
    with ChatClient(server.url, "tiny", timeout=2.0, backoff=0.01, retries=0) as client:
        return propose_rewrites(
            rewrites,
            result,
            persona=scenario.counterpart.name,
            persona_role=scenario.counterpart.role,
            client=client,
            coder=RuleCoder(),
        )


def _code(text: str, context: str = "I keep missing the deadlines and I am exhausted."):
    return RuleCoder().code_many([(text, context)])[0]


def test_score_orders_reflection_question_advice_blame() -> None:
    complex_reflection = empathy_score(_code(GOOD))
    open_question = empathy_score(_code("What has been the hardest part of this for you?"))
    closed = empathy_score(_code("Did you finish the report?"))
    advice = empathy_score(_code("You could try blocking an hour in your calendar for it."))
    dismissive_advice = empathy_score(_code(ADVICE))
    blame = empathy_score(_code("This is your fault, you never plan anything."))
    assert complex_reflection > closed > advice > blame
    assert dismissive_advice < advice
    assert open_question > closed


def test_a_better_rewrite_is_accepted_and_shown(server: StubServer, poor_run) -> None:
    server.default = Reply(content=GOOD)
    proposals = _propose(server, poor_run)
    with_turns = [r for r in poor_run[2] if isinstance(r.get("turn"), int) and r.get("original")]
    assert len(proposals) == len(with_turns) >= 1
    assert all(p.accepted and p.score is not None and p.score > p.original_score for p in proposals)
    shown = with_model_rewrites(list(poor_run[2]), proposals)
    models = [r["model_rewrite"] for r in shown if "model_rewrite" in r]
    assert [m["text"] for m in models] == [GOOD] * len(proposals)


def test_a_worse_rewrite_is_not_shown(server: StubServer, poor_run) -> None:
    server.default = Reply(content=ADVICE)
    proposals = _propose(server, poor_run)
    assert proposals and not any(p.accepted for p in proposals)
    assert all("does not score higher" in p.reason for p in proposals)
    assert not any("model_rewrite" in r for r in with_model_rewrites(list(poor_run[2]), proposals))


def test_invented_specifics_and_out_of_role_are_refused(server: StubServer, poor_run) -> None:
    server.queue = [
        Reply(content="It sounds like the 14 March review left you feeling judged."),
        Reply(content="As an AI language model, I suggest a reflection."),
    ]
    server.default = Reply(content="As an AI language model, I suggest a reflection.")
    proposals = _propose(server, poor_run)
    assert "introduces '14'" in proposals[0].reason
    assert all(not p.accepted for p in proposals)
    assert any(p.reason == "out of role" for p in proposals[1:])


def test_a_name_nobody_said_is_refused_as_in_persona_replies(server: StubServer, poor_run) -> None:
    server.default = Reply(content="It sounds like Priya let you down, and that stung.")
    proposals = _propose(server, poor_run)
    assert proposals and not any(p.accepted for p in proposals)
    expected = "introduces the name 'Priya', which is not in the conversation"
    assert all(p.reason == expected for p in proposals)


def test_endpoint_errors_leave_the_debrief_unchanged(server: StubServer, poor_run) -> None:
    server.default = Reply(status=500, raw='{"error": {"message": "down"}}')
    proposals = _propose(server, poor_run)
    assert proposals and all(not p.accepted and "LLMServerError" in p.reason for p in proposals)
    assert with_model_rewrites(list(poor_run[2]), proposals) == list(poor_run[2])


def test_requests_never_hold_a_locked_fact(server: StubServer, poor_run) -> None:
    scenario, result, _ = poor_run
    server.default = Reply(content=GOOD)
    _propose(server, poor_run)
    locked = [f for f in scenario.facts if f.id not in result.uncovered]
    assert locked, "the poor playthrough should leave facts hidden"
    sent = json.dumps(server.requests)
    for fact in locked:
        for line in (*fact.lines, *fact.more, fact.summary):
            assert line not in sent


def test_practice_with_llm_voice_shows_checked_rewrites(
    server: StubServer, tmp_path, monkeypatch
) -> None:
    from empathic.cli import app

    scenario = find_scenario("mentor-milestones")
    script = tmp_path / "lines.txt"
    script.write_text("\n".join(scenario.playthroughs.poor.lines), encoding="utf-8")
    server.responder = lambda body: Reply(
        content=GOOD if "coach of empathic communication" in json.dumps(body) else "I see."
    )
    monkeypatch.setenv("EMPATHIC_LLM_BASE_URL", server.url)
    result = CliRunner().invoke(
        app,
        [
            "practice",
            scenario.id,
            "--script",
            str(script),
            "--voice",
            "llm",
            "--seed",
            "4",
            "--format",
            "json",
            "--no-save",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout[result.stdout.index("{") :])
    models = [
        r["model_rewrite"]["text"] for r in data["debrief"]["rewrites"] if "model_rewrite" in r
    ]
    assert models and set(models) == {GOOD}
