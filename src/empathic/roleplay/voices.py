"""Voices turn the engine's chosen intent into words.

A voice never sees the scenario: it receives a `VoiceView`, built by the engine
from public material only (persona, setting, what has been said, facts already
disclosed, the authored candidate lines for this intent and public hints). Locked
facts and the rubric are structurally absent (DESIGN §2.3), so no voice, scripted
or LLM, can leak them. The LLM voice (another issue) subclasses `Voice` and
falls back to `ScriptedVoice` on timeout.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from empathic.conversation import Turn


@dataclass(frozen=True)
class FactView:
    """An unlocked fact as the voice may use it."""

    id: str
    summary: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class VoiceView:
    """Everything a voice may know for one reply; nothing here is secret."""

    persona: str
    persona_role: str
    style: str
    setting: str
    intent: str
    reason: str
    mood: str
    lines: tuple[str, ...]
    hint: tuple[str, ...] = ()
    fact: FactView | None = None
    unlocked: tuple[FactView, ...] = ()
    learner_text: str = ""
    history: tuple[Turn, ...] = ()
    recent: tuple[str, ...] = field(default=())


class Voice(ABC):
    """Phrases an intent. Implementations must draw all randomness from `rng`."""

    name: str = "voice"

    @abstractmethod
    def render(self, intent: str, view: VoiceView, rng: random.Random) -> str:
        """The counterpart's words for this intent."""


class ScriptedVoice(Voice):
    """Picks authored lines, avoiding the ones used recently, then adds a hint if any."""

    name = "scripted"

    def render(self, intent: str, view: VoiceView, rng: random.Random) -> str:
        text = _pick(view.lines, view.recent, rng)
        if view.hint:
            text = f"{text} {_pick(view.hint, view.recent, rng)}"
        return text


def _pick(lines: tuple[str, ...], recent: tuple[str, ...], rng: random.Random) -> str:
    fresh = [line for line in lines if not any(line in said for said in recent)]
    return rng.choice(fresh or list(lines))
