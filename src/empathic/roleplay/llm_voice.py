"""An LLM voice: phrases the intent the engine chose, in the persona's style.

The engine owns every decision (DESIGN §2.4): `LLMVoice` only rewords the line the
scripted voice picked. It builds its prompt from the `VoiceView` alone, so locked
facts and the rubric cannot reach the endpoint (§2.3). It first asks
`ScriptedVoice` for its line, drawing from `rng` exactly as a scripted run would,
and never draws from `rng` again, so the engine's choices and the rest of the run
are identical whichever voice is used. The request seed is derived from that
line, not from `rng`.

A reply is rejected, and the scripted line used instead, when the request fails or
times out, or when the reply is empty, too long, steps out of role ("As an AI",
"Assistant:"), or introduces a number, date or name that the view does not
contain. The last check is a heuristic: the voice cannot know the locked facts,
so it refuses anything specific it was not given (see docs/llm.md).
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from string import Template

from empathic.llm import ChatModel, LLMError, Message
from empathic.roleplay.voices import ScriptedVoice, Voice, VoiceView

MAX_CHARS = 400
"""Longest reply accepted; personas speak in a few sentences."""
MAX_WORDS = 60

INTENTS = {
    "opening": "open the conversation",
    "deflect": "stay guarded and avoid going deeper for now",
    "answer": "answer briefly",
    "disclose": "share what the line below says, as something you have just decided to tell",
    "push_back": "push back on what was just said",
    "appreciate": "show that you appreciate how the other person is listening",
    "wrap_up": "bring the conversation to a close",
    "leave": "end the conversation and leave",
}

OUT_OF_ROLE = re.compile(
    r"\bas an ai\b|\blanguage model\b|\bi(?:'m| am) an? (?:ai|assistant|chatbot|bot)\b"
    r"|\bsystem prompt\b|\bmy (?:instructions|prompt)\b|<\||```"
    r"|^\s*\**\s*(?:assistant|user|system|learner|persona|ai)\s*\**\s*:",
    re.I | re.M,
)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,:]\d+)*")
SENTENCE = re.compile(r"(?:^|[.!?…:;]\s+|[—–-]\s+|\n)[\"'“‘(]*\s*([A-Za-z][A-Za-z'’-]*)")
SPECIFIC_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million half dozen monday tuesday wednesday thursday friday "
    "saturday sunday january february march april june july august september october "
    "november december yesterday tomorrow".split()
)
"""Number, day and month words: as specific as digits, so they must come from the view."""
PRONOUNS = frozenset({"i", "i'm", "i've", "i'll", "i'd", "i’m", "i’ve", "i’ll", "i’d", "ok"})


@cache
def prompt_template(name: str) -> Template:
    text = resources.files("empathic.roleplay").joinpath("prompts", name).read_text("utf-8")
    return Template(text)


def build_messages(view: VoiceView, line: str, max_words: int = MAX_WORDS) -> list[Message]:
    """The whole request: a system card from public fields, then the conversation so far."""
    facts = [f"- {f.summary}" for f in view.unlocked]
    examples = [f"- {x}" for x in view.lines if x not in line][:4]
    system = prompt_template("persona_system.txt").substitute(
        persona=view.persona,
        persona_role=view.persona_role,
        setting=" ".join(view.setting.split()),
        style=view.style,
        mood=view.mood,
        facts="\n".join(facts) or "- nothing personal yet",
        intent=INTENTS.get(view.intent, view.intent.replace("_", " ")),
        line=line,
        examples="\n".join(examples) or "- (none)",
        max_words=max_words,
    )
    messages: list[Message] = [{"role": "system", "content": system}]
    for turn in view.history:
        role = "assistant" if turn.speaker == view.persona else "user"
        messages.append({"role": role, "content": turn.text})
    if not view.history or view.history[-1].speaker == view.persona:
        messages.append(
            {"role": "user", "content": prompt_template("persona_opening.txt").template}
        )
    return messages


def clean(text: str) -> str:
    """One line, without the wrapping quotes a model may add."""
    text = " ".join(text.split())
    if len(text) >= 2 and text[0] in "\"“'" and text[-1] in "\"”'":
        text = text[1:-1].strip()
    return text


def _vocabulary(view: VoiceView) -> set[str]:
    parts = [view.persona, view.persona_role, view.style, view.setting, view.learner_text]
    parts += [*view.lines, *view.hint, *view.recent]
    parts += [t.text for t in view.history] + [t.speaker for t in view.history]
    for fact in (*view.unlocked, *((view.fact,) if view.fact else ())):
        parts += [fact.summary, *fact.lines]
    return {w.lower() for w in WORD.findall(" ".join(parts))}


def problem(text: str, view: VoiceView, max_chars: int = MAX_CHARS) -> str | None:
    """Why a reply must not be used, or None when it is acceptable."""
    if not text:
        return "empty reply"
    if len(text) > max_chars:
        return f"too long ({len(text)} > {max_chars} characters)"
    if text.lower().startswith(view.persona.lower() + ":") or OUT_OF_ROLE.search(text):
        return "out of role"
    return introduced(text, _vocabulary(view), "the view")


def introduced(text: str, known: set[str], source: str) -> str | None:
    """The first number, specific word or name in text that `known` (lower case) lacks.

    Shared by persona replies and debrief rewrites: a model may reword, never invent.
    """
    starts = {m.start(1) for m in SENTENCE.finditer(text)}
    for match in WORD.finditer(text):
        word = match.group()
        low = word.lower()
        if low in known or low in PRONOUNS:
            continue
        if word[0].isdigit() or low in SPECIFIC_WORDS:
            return f"introduces {word!r}, which is not in {source}"
        if word[0].isupper() and match.start() not in starts:
            return f"introduces the name {word!r}, which is not in {source}"
    return None


@dataclass
class LLMVoice(Voice):
    """Rewords the scripted line with a chat model; scripted on any failure.

    `fallbacks` holds `(render index, reason)` for every reply that fell back
    (index 0 is the opening); `sources` says for each render whether the words
    came from the model (`"llm"`) or the script (`"scripted"`).
    """

    client: ChatModel
    max_chars: int = MAX_CHARS
    max_tokens: int = 160
    fallbacks: list[tuple[int, str]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    name: str = "llm"
    stream_to: Callable[[int, str], None] | None = None
    """When set, the reply is streamed and each token passed on with its render index."""

    def __post_init__(self) -> None:
        self._scripted = ScriptedVoice()

    def render(self, intent: str, view: VoiceView, rng: random.Random) -> str:
        line = self._scripted.render(intent, view, rng)  # the only use of rng
        index = len(self.sources)
        seed = zlib.crc32(f"{index}|{line}".encode()) & 0x7FFFFFFF
        messages = build_messages(view, line)
        options = {"temperature": 0.0, "seed": seed, "max_tokens": self.max_tokens}
        try:
            if self.stream_to is None:
                raw = self.client.complete(messages, **options)
            else:
                parts = []
                for token in self.client.stream(messages, **options):
                    parts.append(token)
                    self.stream_to(index, token)
                raw = "".join(parts)
        except LLMError as exc:
            return self._fallback(index, f"{type(exc).__name__}: {exc}", line)
        text = clean(raw)
        reason = problem(text, view, self.max_chars)
        if reason is not None:
            return self._fallback(index, reason, line)
        self.sources.append("llm")
        return text

    def _fallback(self, index: int, reason: str, line: str) -> str:
        self.fallbacks.append((index, reason))
        self.sources.append("scripted")
        return line
