"""A small client for OpenAI-compatible chat completion endpoints (vLLM, llama.cpp, Ollama, ...).

Optional by design (DESIGN §2.7): nothing here runs unless `EMPATHIC_LLM_BASE_URL`
is set, and callers (the LLM voice) fall back to scripted lines on any `LLMError`.
The client only ever sends the messages it is given; what goes into them is the
caller's responsibility (the voice builds them from a `VoiceView` alone, §2.3).

`ChatModel` is the small interface callers depend on (smolagents' Model pattern);
`ChatClient` implements it over httpx with timeouts, retries with backoff on
connection errors, 429 and 5xx, and one exception class per kind of failure.
"""

from __future__ import annotations

import json
import statistics
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

if TYPE_CHECKING:
    from empathic.config import Settings

Message = dict[str, str]
"""One chat message: `{"role": "system"|"user"|"assistant", "content": "..."}`."""

MAX_RETRY_AFTER = 5.0
"""Longest Retry-After (seconds) we honour; a server asking for more gets an error instead."""


class LLMError(RuntimeError):
    """Any failure talking to the language model; callers fall back on it."""


class LLMConfigError(LLMError):
    """The endpoint is not usable as configured (bad URL)."""


class LLMConnectionError(LLMError):
    """The server could not be reached."""


class LLMTimeout(LLMError):
    """The server did not answer within the timeout."""


class LLMAuthError(LLMError):
    """401/403: the API key is missing or wrong."""


class LLMRateLimited(LLMError):
    """429 after every retry."""


class LLMServerError(LLMError):
    """5xx after every retry."""


class LLMResponseError(LLMError):
    """Another HTTP error, or a body or stream that is not what the API promises."""


class ChatModel(ABC):
    """What a caller needs from a chat model: a whole reply or a stream of text pieces."""

    model: str = "default"

    @abstractmethod
    def complete(self, messages: Sequence[Message], **options: Any) -> str:
        """The assistant's reply to `messages`."""

    def stream(self, messages: Sequence[Message], **options: Any) -> Iterator[str]:
        """Pieces of the reply as they arrive (default: the whole reply at once)."""
        yield self.complete(messages, **options)


def _endpoint(base_url: str) -> str:
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMConfigError(
            f"bad LLM base URL {base_url!r}: expected http(s)://host[:port]/v1 "
            "(set EMPATHIC_LLM_BASE_URL)"
        )
    return base_url.strip().rstrip("/") + "/chat/completions"


class ChatClient(ChatModel):
    """OpenAI-compatible `/chat/completions` over httpx.

    `base_url` is the API root including `/v1` (as for the OpenAI SDK). Connection
    errors, 429 and 5xx are retried `retries` times, waiting `backoff * 2**attempt`
    seconds or the server's Retry-After (up to `MAX_RETRY_AFTER`). Timeouts are not
    retried: a persona reply that is late is better replaced by a scripted line.
    """

    def __init__(
        self,
        base_url: str,
        model: str = "default",
        api_key: str | None = None,
        timeout: float = 20.0,
        retries: int = 2,
        backoff: float = 0.2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = _endpoint(base_url)
        self.model = model
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        headers = {"Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout), headers=headers, transport=transport
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ChatClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _body(self, messages: Sequence[Message], stream: bool, options: dict[str, Any]) -> dict:
        body: dict[str, Any] = {"model": self.model, "messages": list(messages), "stream": stream}
        body.update({k: v for k, v in options.items() if v is not None})
        return body

    def complete(self, messages: Sequence[Message], **options: Any) -> str:
        """The whole reply; options (temperature, seed, max_tokens) go into the request."""
        body = self._body(messages, False, options)
        for attempt in range(self.retries + 1):
            try:
                response = self._http.post(self.url, json=body)
            except httpx.HTTPError as exc:
                self._retry_or_raise(attempt, _transport_error(exc, self.url))
                continue
            if self._should_retry(response, attempt):
                continue
            _raise_for_status(response, self.url)
            return _content(_json(response), self.url)
        raise AssertionError("unreachable")  # pragma: no cover

    def stream(self, messages: Sequence[Message], **options: Any) -> Iterator[str]:
        """Text pieces from a server-sent-events stream, ending at `data: [DONE]`.

        Retries happen only before the first piece; a stream that breaks later, or
        takes longer than the timeout in total, raises.
        """
        body = self._body(messages, True, options)
        for attempt in range(self.retries + 1):
            deadline = time.monotonic() + self.timeout
            started = False
            try:
                with self._http.stream("POST", self.url, json=body) as response:
                    if self._should_retry(response, attempt, read=True):
                        continue
                    if response.status_code >= 400:
                        response.read()
                        _raise_for_status(response, self.url)
                    for piece in _sse(response.iter_lines(), deadline, self.url):
                        started = True
                        yield piece
                    return
            except httpx.HTTPError as exc:
                error = _transport_error(exc, self.url)
                if started:
                    raise error from exc
                self._retry_or_raise(attempt, error)
        raise AssertionError("unreachable")  # pragma: no cover

    def _retry_or_raise(self, attempt: int, error: LLMError) -> None:
        if isinstance(error, LLMConnectionError) and attempt < self.retries:
            time.sleep(self.backoff * 2**attempt)
            return
        raise error

    def _should_retry(self, response: httpx.Response, attempt: int, read: bool = False) -> bool:
        """Sleep and say so when a 429/5xx may still succeed; otherwise let it raise."""
        status = response.status_code
        if attempt >= self.retries or not (status == 429 or status >= 500):
            return False
        wait = self.backoff * 2**attempt
        retry_after = _retry_after(response.headers.get("retry-after"))
        if retry_after is not None:
            if retry_after > MAX_RETRY_AFTER:
                return False
            wait = max(wait, retry_after)
        if read:
            response.read()
        time.sleep(wait)
        return True


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare from LLM servers, use our own backoff


def _transport_error(exc: httpx.HTTPError, url: str) -> LLMError:
    if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, httpx.ConnectTimeout):
        return LLMTimeout(f"{url}: no answer in time ({type(exc).__name__})")
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return LLMConnectionError(f"{url}: cannot connect ({exc or type(exc).__name__})")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return LLMConfigError(f"{url}: {exc}")
    return LLMResponseError(f"{url}: broken response ({exc or type(exc).__name__})")


def _raise_for_status(response: httpx.Response, url: str) -> None:
    status = response.status_code
    if status < 400:
        return
    detail = _error_detail(response)
    if status in (401, 403):
        raise LLMAuthError(
            f"{url}: HTTP {status}, the API key was refused; check EMPATHIC_LLM_API_KEY{detail}"
        )
    if status == 429:
        raise LLMRateLimited(f"{url}: HTTP 429, rate limited after retries{detail}")
    if status >= 500:
        raise LLMServerError(f"{url}: HTTP {status}, server error after retries{detail}")
    hint = " (is the base URL the API root, e.g. http://host:8000/v1?)" if status == 404 else ""
    raise LLMResponseError(f"{url}: HTTP {status}{hint}{detail}")


def _error_detail(response: httpx.Response) -> str:
    try:
        error = response.json().get("error")
        message = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        message = response.text
    text = " ".join(str(message or "").split())[:200]
    return f": {text}" if text else ""


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise LLMResponseError(f"{response.url}: the reply is not JSON: {exc}") from exc


def _content(data: Any, url: str) -> str:
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMResponseError(f"{url}: no choices[0].message.content in the reply") from exc
    if not isinstance(content, str):
        raise LLMResponseError(f"{url}: choices[0].message.content is not text")
    return content


def _sse(lines: Iterator[str], deadline: float, url: str) -> Iterator[str]:
    """Text deltas from `data:` lines; comments, blank lines and other fields are skipped."""
    for line in lines:
        if time.monotonic() > deadline:
            raise LLMTimeout(f"{url}: the stream took longer than the timeout")
        if not line.startswith("data:"):
            continue
        payload = line[5:].strip()
        if payload == "[DONE]":
            return
        try:
            data = json.loads(payload)
            if "error" in data:
                raise LLMResponseError(f"{url}: the stream reported an error: {data['error']}")
            choice = data["choices"][0] if data["choices"] else {}
            piece = (choice.get("delta") or {}).get("content")
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise LLMResponseError(f"{url}: malformed stream event {payload[:80]!r}") from exc
        if piece:
            yield piece
    raise LLMResponseError(f"{url}: the stream ended without [DONE]")


def client_from_settings(settings: Settings) -> ChatClient | None:
    """The configured client, or None when no endpoint is set (offline first, §2.7)."""
    if not settings.llm_base_url:
        return None
    return ChatClient(
        settings.llm_base_url,
        settings.llm_model,
        api_key=settings.llm_api_key,
        timeout=settings.llm_timeout_s,
    )


@dataclass(frozen=True)
class CheckResult:
    """What `empathic llm check` prints."""

    model: str
    latency_s: float
    text: str


CHECK_MESSAGES: tuple[Message, ...] = (
    {"role": "user", "content": "Reply with one short friendly sentence."},
)


def check(client: ChatClient) -> CheckResult:
    """Send one tiny request; raises `LLMError` with a clear message when it fails."""
    start = time.perf_counter()
    text = client.complete(list(CHECK_MESSAGES), max_tokens=24, temperature=0.0)
    return CheckResult(client.model, time.perf_counter() - start, text)


def bench_first_token(
    client: ChatClient, messages: Sequence[Message] = CHECK_MESSAGES, runs: int = 5
) -> dict[str, float]:
    """Median seconds to the first streamed character: raw HTTP vs through `ChatClient.stream`.

    The raw figure is the server's own latency (first body byte of the same request);
    the difference is what our parsing and retries add. Prints nothing; callers do.
    """
    raw, ours = [], []
    body = client._body(messages, True, {"max_tokens": 16})
    for _ in range(runs):
        start = time.perf_counter()
        with client._http.stream("POST", client.url, json=body) as response:
            next(response.iter_bytes(), b"")
            raw.append(time.perf_counter() - start)
        start = time.perf_counter()
        pieces = client.stream(messages, max_tokens=16)
        next(pieces, "")
        ours.append(time.perf_counter() - start)
        for _piece in pieces:  # finish the stream so the connection is reused
            pass
    server, client_s = statistics.median(raw), statistics.median(ours)
    return {"server_s": server, "client_s": client_s, "overhead_s": client_s - server}


def llm_host(settings: Settings) -> str | None:
    """The language model's host (never its credentials or path), or None when none is set."""
    if not settings.llm_base_url:
        return None
    parts = urlsplit(settings.llm_base_url)
    host = parts.hostname or settings.llm_base_url
    return f"{host}:{parts.port}" if parts.port else host
