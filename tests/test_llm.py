"""The OpenAI-compatible client against a small stub server on 127.0.0.1.

`StubServer` is also used by tests/roleplay/test_llm_voice.py: it records every
request body and answers from a queue of `Reply` objects (then `default`),
as plain JSON or as a server-sent-events stream.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from typer.testing import CliRunner

from empathic.cli import app
from empathic.config import Settings
from empathic.llm import (
    ChatClient,
    LLMAuthError,
    LLMConfigError,
    LLMConnectionError,
    LLMRateLimited,
    LLMResponseError,
    LLMServerError,
    LLMTimeout,
    bench_first_token,
    client_from_settings,
)


@dataclass
class Reply:
    """One scripted answer of the stub server."""

    content: str = "Hello there."
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    raw: str | None = None
    """Exact body (JSON replies) or exact event text (streams) instead of `content`."""
    chunks: list[str] | None = None
    """Stream pieces; default: `content` in one piece."""
    done: bool = True
    """Send `data: [DONE]` at the end of a stream."""


class StubServer:
    """An OpenAI-compatible `/v1/chat/completions` that answers from a script."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.auth: list[str | None] = []
        self.queue: list[Reply] = []
        self.default = Reply()
        self.responder: Callable[[dict[str, Any]], Reply] | None = None
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                stub.requests.append(body)
                stub.auth.append(self.headers.get("authorization"))
                reply = stub.next_reply(body)
                time.sleep(reply.delay)
                if self.path != "/v1/chat/completions":
                    reply = Reply(status=404, raw='{"error": {"message": "no such route"}}')
                try:
                    if body.get("stream") and reply.status == 200:
                        self._stream(body, reply)
                    else:
                        self._json(body, reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _json(self, body: dict[str, Any], reply: Reply) -> None:
                data = reply.raw
                if data is None:
                    message = {"role": "assistant", "content": reply.content}
                    data = json.dumps(
                        {"model": body.get("model"), "choices": [{"message": message}]}
                    )
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data.encode())))
                self.end_headers()
                self.wfile.write(data.encode())

            def _stream(self, body: dict[str, Any], reply: Reply) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                if reply.raw is not None:
                    self.wfile.write(reply.raw.encode())
                for piece in reply.chunks if reply.chunks is not None else [reply.content]:
                    event = {"choices": [{"delta": {"content": piece}}]}
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()
                if reply.done:
                    self.wfile.write(b"data: [DONE]\n\n")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def next_reply(self, body: dict[str, Any]) -> Reply:
        if self.queue:
            return self.queue.pop(0)
        return self.responder(body) if self.responder else self.default

    def start(self) -> StubServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def server() -> Iterator[StubServer]:
    stub = StubServer().start()
    yield stub
    stub.stop()


def client(server: StubServer, **kwargs: Any) -> ChatClient:
    options: dict[str, Any] = {"timeout": 2.0, "backoff": 0.01} | kwargs
    return ChatClient(server.url, "tiny", **options)


HELLO = [{"role": "user", "content": "hi"}]


def test_complete_sends_the_openai_shape_and_returns_the_text(server):
    with client(server, api_key="sk-test") as c:
        assert c.complete(HELLO, temperature=0.0, seed=3, max_tokens=None) == "Hello there."
    body = server.requests[0]
    assert body == {
        "model": "tiny",
        "messages": HELLO,
        "stream": False,
        "temperature": 0.0,
        "seed": 3,
    }
    assert server.auth == ["Bearer sk-test"]


def test_stream_yields_token_by_token(server):
    server.default = Reply(chunks=["Hel", "lo", ", ", "there."])
    with client(server) as c:
        assert list(c.stream(HELLO)) == ["Hel", "lo", ", ", "there."]
    assert server.requests[0]["stream"] is True


def test_stream_skips_comments_and_empty_deltas(server):
    role = json.dumps({"choices": [{"delta": {"role": "assistant"}}]})
    server.default = Reply(raw=f": keep-alive\n\ndata: {role}\n\n", chunks=["ok"])
    with client(server) as c:
        assert list(c.stream(HELLO)) == ["ok"]


@pytest.mark.parametrize("status", [401, 403])
def test_refused_key_is_an_auth_error_without_retries(server, status):
    server.default = Reply(status=status, raw='{"error": {"message": "invalid api key"}}')
    with client(server) as c, pytest.raises(LLMAuthError, match="EMPATHIC_LLM_API_KEY"):
        c.complete(HELLO)
    assert len(server.requests) == 1


def test_429_then_success_honours_retry_after(server, monkeypatch):
    waits: list[float] = []  # only the client's sleeps: the stub server runs in this process
    fake_time = types.SimpleNamespace(
        sleep=waits.append, monotonic=time.monotonic, perf_counter=time.perf_counter
    )
    monkeypatch.setattr("empathic.llm.time", fake_time)
    server.queue = [Reply(status=429, raw="{}", headers={"Retry-After": "0.05"})]
    with client(server) as c:
        assert c.complete(HELLO) == "Hello there."
    assert waits == [0.05]  # Retry-After (0.05 s) wins over the backoff (0.01 s)
    assert len(server.requests) == 2


def test_429_with_an_unreasonable_retry_after_fails_at_once(server):
    server.default = Reply(status=429, raw="{}", headers={"Retry-After": "600"})
    with client(server) as c, pytest.raises(LLMRateLimited, match="429"):
        c.complete(HELLO)
    assert len(server.requests) == 1


def test_500s_are_retried_then_reported(server):
    server.default = Reply(status=500, raw='{"error": "boom"}')
    with client(server, retries=2) as c, pytest.raises(LLMServerError, match=r"500.*boom"):
        c.complete(HELLO)
    assert len(server.requests) == 3


def test_a_500_before_the_stream_is_retried(server):
    server.queue = [Reply(status=503, raw="{}")]
    server.default = Reply(chunks=["fine"])
    with client(server) as c:
        assert list(c.stream(HELLO)) == ["fine"]
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    "raw", ["not json", '{"choices": []}', '{"choices": [{"message": {"content": 3}}]}']
)
def test_malformed_json_is_a_response_error(server, raw):
    server.default = Reply(raw=raw)
    with client(server) as c, pytest.raises(LLMResponseError):
        c.complete(HELLO)


@pytest.mark.parametrize(
    ("reply", "match"),
    [
        (Reply(raw="data: {not json}\n\n", chunks=[]), "malformed stream event"),
        (Reply(chunks=["half a rep"], done=False), "without \\[DONE\\]"),
        (Reply(raw='data: {"error": {"message": "overloaded"}}\n\n', chunks=[]), "overloaded"),
    ],
)
def test_broken_streams_are_response_errors(server, reply, match):
    server.default = reply
    with client(server) as c, pytest.raises(LLMResponseError, match=match):
        list(c.stream(HELLO))


def test_a_slow_server_times_out(server):
    server.default = Reply(delay=0.5)
    with client(server, timeout=0.2) as c, pytest.raises(LLMTimeout):
        c.complete(HELLO)
    assert len(server.requests) == 1  # a late persona is not worth a second wait


def test_a_wrong_path_says_what_the_base_url_should_be(server):
    c = ChatClient(server.url[: -len("/v1")], timeout=2.0)
    with c, pytest.raises(LLMResponseError, match=r"404.*v1"):
        c.complete(HELLO)


@pytest.mark.parametrize("url", ["localhost:8000/v1", "ftp://host/v1", "http:///v1", ""])
def test_bad_urls_are_refused_up_front(url):
    with pytest.raises(LLMConfigError, match="EMPATHIC_LLM_BASE_URL"):
        ChatClient(url)


def test_an_unreachable_server_is_a_connection_error_after_retries():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    c = ChatClient(f"http://127.0.0.1:{port}/v1", retries=1, backoff=0.01)
    with c, pytest.raises(LLMConnectionError, match="cannot connect"):
        c.complete(HELLO)


def test_client_from_settings(monkeypatch):
    assert client_from_settings(Settings()) is None
    monkeypatch.setenv("EMPATHIC_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("EMPATHIC_LLM_MODEL", "qwen")
    monkeypatch.setenv("EMPATHIC_LLM_TIMEOUT_S", "0.5")
    made = client_from_settings(Settings())
    assert made is not None
    assert (made.url, made.model, made.timeout) == (
        "http://127.0.0.1:9/v1/chat/completions",
        "qwen",
        0.5,
    )
    made.close()


def test_llm_check_prints_model_latency_and_reply(server):
    env = {"EMPATHIC_LLM_BASE_URL": server.url, "EMPATHIC_LLM_MODEL": "tiny"}
    result = CliRunner().invoke(app, ["llm", "check"], env=env)
    assert result.exit_code == 0, result.output
    assert "model=tiny" in result.stdout and "ms" in result.stdout
    assert "reply: Hello there." in result.stdout


def test_llm_check_errors_clearly(server):
    result = CliRunner().invoke(app, ["llm", "check"])
    assert result.exit_code == 2 and "EMPATHIC_LLM_BASE_URL" in result.output
    server.default = Reply(status=401, raw="{}")
    result = CliRunner().invoke(app, ["llm", "check"], env={"EMPATHIC_LLM_BASE_URL": server.url})
    assert result.exit_code == 2 and "401" in result.output
    assert "Traceback" not in result.output


def test_bench_first_token_reports_figures(server):
    server.default = Reply(chunks=["a", "b"], delay=0.05)
    with client(server) as c:
        figures = bench_first_token(c, runs=2)
    assert set(figures) == {"server_s", "client_s", "overhead_s"}
    # Both paths wait for the server's 50 ms before the first character.
    assert figures["server_s"] >= 0.05 and figures["client_s"] >= 0.05
