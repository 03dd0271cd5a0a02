"""An optional language-model judge: six dimensions and learner-turn labels, each backed
by quotes checked against the transcript.

An injected `ChatModel` is asked once per conversation with the prompts in
`analysis/prompts/` (package data, filled with `string.Template`: the learner's name and
the transcript, nothing else); `analysis.judge_reply` parses and verifies the answer and
`analysis.judge_cache` keeps verdicts on disk under `cache_key`. Nothing here knows HTTP
frameworks or SQL: `analysis.judges` puts a verdict into a report.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from string import Template
from typing import TYPE_CHECKING, Final

from empathic.analysis.judge_reply import (
    JUDGED_LABELS,
    JudgeReplyError,
    Span,
    Verdict,
    locate,
    parse_reply,
)
from empathic.llm import ChatModel, Message

if TYPE_CHECKING:
    from empathic.analysis.judge_cache import JudgeCache

PROMPT_VERSION: Final = "1"
"""Bumped by hand when the reply shape changes; the prompts' hash is appended to it."""


@lru_cache(maxsize=4)
def prompt_text(name: str) -> str:
    """A prompt file from the package data (read on first use)."""
    return resources.files("empathic.analysis").joinpath("prompts", name).read_text("utf-8")


def prompt_version() -> str:
    """`PROMPT_VERSION` plus a hash of both prompt files, so an edited prompt misses the cache."""
    digest = hashlib.sha256()
    for name in ("judge_system.txt", "judge_user.txt"):
        digest.update(prompt_text(name).encode("utf-8"))
    return f"{PROMPT_VERSION}-{digest.hexdigest()[:10]}"


def render_transcript(turns: Sequence[tuple[str, str]]) -> str:
    """One line per turn, `[index] speaker: words`, as the prompt describes it."""
    return "\n".join(
        f"[{i}] {' '.join(speaker.split())}: {' '.join(text.split())}"
        for i, (speaker, text) in enumerate(turns)
    )


def build_messages(transcript: str, learner: str) -> list[Message]:
    """The request: the system prompt and the transcript, both from the prompt files."""
    system = Template(prompt_text("judge_system.txt")).substitute(learner=learner)
    user = Template(prompt_text("judge_user.txt")).substitute(
        learner=learner, transcript=transcript
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def cache_key(turns: Sequence[tuple[str, str]], learner: str, model: str, version: str) -> str:
    """The hash a verdict is cached under (see `analysis.judge_cache`): the turns exactly as
    written (a cached quote is a character offset into them), learner, model, prompt version."""
    payload = json.dumps([[*t] for t in turns] + [learner, model, version], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def judge_conversation(
    turns: Sequence[tuple[str, str]],
    learner: str,
    model: ChatModel,
    cache: JudgeCache | None = None,
) -> Verdict:
    """Ask `model` to judge the (speaker, text) turns; a cache hit asks nothing.

    Raises `empathic.llm.LLMError` when the model cannot be reached or answers with an
    error, and `JudgeReplyError` when its reply cannot be used.
    """
    transcript = render_transcript(turns)
    version = prompt_version()
    key = cache_key(turns, learner, model.model, version)
    texts = [text for _, text in turns]
    if cache is not None and (hit := cache.get(key, texts)) is not None:
        return hit
    n_learner = sum(1 for speaker, _ in turns if speaker == learner)
    reply = model.complete(
        build_messages(transcript, learner),
        temperature=0.0,
        seed=0,
        max_tokens=min(8192, 600 + 160 * n_learner),
    )
    verdict = parse_reply(reply, turns, learner, model=model.model, prompt_version=version)
    if cache is not None:
        cache.put(key, verdict)
    return verdict


__all__ = [
    "JUDGED_LABELS",
    "PROMPT_VERSION",
    "JudgeReplyError",
    "Span",
    "Verdict",
    "build_messages",
    "cache_key",
    "judge_conversation",
    "locate",
    "parse_reply",
    "prompt_version",
    "render_transcript",
]
