"""The LLM voice in the terminal: replies stream token by token; a failed check is shown.

Runs against the stub OpenAI-compatible server of tests/test_llm.py on 127.0.0.1.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from empathic.llm import ChatClient
from empathic.roleplay.loading import find_scenario
from test_llm import Reply, StubServer


@pytest.fixture
def server() -> Iterator[StubServer]:
    stub = StubServer().start()
    yield stub
    stub.stop()


def _interactive(server: StubServer, lines: list[str]) -> tuple[str, object]:
    from rich.console import Console

    from empathic.roleplay.interactive import run_session
    from empathic.roleplay.llm_voice import LLMVoice

    answers = iter(["listen", *lines])

    def ask(prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    out = io.StringIO()
    with ChatClient(server.url, "tiny", timeout=2.0, backoff=0.01, retries=0) as client:
        session = run_session(
            find_scenario("mentor-milestones"),
            difficulty="easy",
            seed=1,
            coach=False,
            console=Console(file=out, width=200, color_system=None),
            ask=ask,
            voice=LLMVoice(client),
        )
    return out.getvalue(), session


def test_the_terminal_streams_llm_replies_token_by_token(server: StubServer) -> None:
    server.default = Reply(content="It has been a lot.", chunks=["It has ", "been ", "a lot."])
    text, session = _interactive(server, ["How have the last few weeks been for you?"])
    assert [bool(body.get("stream")) for body in server.requests] == [False, True]  # opening, turn
    assert "It has been a lot." in text
    assert session.result.steps[0].reply == "It has been a lot."  # type: ignore[attr-defined]
    assert "failed a check" not in text


def test_a_streamed_reply_that_fails_a_check_says_so(server: StubServer) -> None:
    server.default = Reply(content="As an AI I cannot.", chunks=["As an AI ", "I cannot."])
    text, session = _interactive(server, ["How have the last few weeks been for you?"])
    reply = session.result.steps[0].reply  # type: ignore[attr-defined]
    assert reply != "As an AI I cannot."
    assert "the scripted line counts" in text and reply in text


def test_a_reply_the_voice_kept_is_not_called_failed_even_when_cleaned(
    server: StubServer,
) -> None:
    server.default = Reply(content='"It has been a lot."', chunks=['"It has ', 'been a lot."'])
    text, session = _interactive(server, ["How have the last few weeks been for you?"])
    assert session.result.steps[0].reply == "It has been a lot."  # type: ignore[attr-defined]
    assert "failed a check" not in text
