"""The benchmark reports figures (no timing asserts), and Ctrl-C still ends in a debrief."""

from __future__ import annotations

import io

from rich.console import Console

from empathic.roleplay.bench import run_bench
from empathic.roleplay.interactive import run_session
from empathic.roleplay.loading import find_scenario


def test_bench_reports_percentiles():
    figures = run_bench(repeats=1)
    assert figures["steps"] > 30 and figures["scenarios"] >= 6
    assert figures["p50_ms"] > 0


def test_ctrl_c_ends_the_conversation_not_the_session():
    answers = iter(["listen", "What's been on your mind since the announcement?"])

    def ask(prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise KeyboardInterrupt from None

    out = io.StringIO()
    session = run_session(
        find_scenario("ai-tool-anxiety"),
        difficulty="easy",
        seed=1,
        coach=False,
        console=Console(file=out, width=120),
        ask=ask,
    )
    assert session.intention == "listen"
    assert len(session.result.steps) == 1
    assert session.result.ended_by == "learner_ended"
    assert session.reflection == ""
    assert "Preparing your debrief" in out.getvalue()
