"""Language-model voices in the browser, and the admin's voice choice per scenario.

The engine always decides with the scripted voice (the reply it stores first is
the scripted line), so decisions are identical whichever voice a scenario uses.
When the scenario's voice is `llm`, the turn is stored as `pending` and the
stream endpoint asks the model to phrase each scripted line from the same
public `VoiceView` the CLI's `LLMVoice` uses (no locked fact can be in it),
streams the tokens as they arrive, checks the whole reply, and stores either the
model's words or, when a check or the endpoint fails, the scripted line with the
reason (and tells the page to replace what it showed).
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass, replace

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from starlette.concurrency import iterate_in_threadpool

from empathic.accounts.models import User
from empathic.config import Settings
from empathic.conversation import Turn
from empathic.db import utcnow
from empathic.llm import ChatModel, LLMError
from empathic.permissions import allowed
from empathic.practice.area import CHOOSE_VOICES
from empathic.practice.models import PracticeRun, PracticeTurn, ScenarioVoice
from empathic.roleplay.debrief_types import Rewrite
from empathic.roleplay.engine import Simulation
from empathic.roleplay.llm_rewrites import Proposal, propose_rewrites, with_model_rewrites
from empathic.roleplay.llm_voice import build_messages, clean, problem
from empathic.roleplay.voices import ScriptedVoice, VoiceView

VOICES = ("scripted", "llm")


class VoiceSettingError(ValueError):
    """A voice choice the admin can fix (unknown voice, no endpoint configured)."""


class RecordingVoice(ScriptedVoice):
    """The scripted voice, remembering every public view and line it voiced."""

    def __init__(self) -> None:
        super().__init__()
        self.renders: list[tuple[VoiceView, str]] = []

    def render(self, intent: str, view: VoiceView, rng: random.Random) -> str:
        line = super().render(intent, view, rng)
        self.renders.append((view, line))
        return line


def renders_of_step(sim: Simulation, index: int) -> list[tuple[VoiceView, str]]:
    """What was voiced in learner turn `index`: its views hold the 2·index − 1 turns so far
    (the learner's lines and the replies before this one; the opening is not in the history)."""
    voice = sim.voice
    if not isinstance(voice, RecordingVoice):
        return []
    return [(view, line) for view, line in voice.renders if len(view.history) == 2 * index - 1]


def as_shown(view: VoiceView, shown: Sequence[str]) -> VoiceView:
    """The view with the persona's earlier replies as the learner saw them.

    The engine's history holds the scripted wording; when earlier replies were
    phrased by the model, the model should continue its own conversation.
    `shown[i]` is the stored reply of learner turn i + 1.
    """
    replies = iter(shown)
    history = []
    for turn in view.history:
        if turn.speaker == view.persona:
            turn = Turn(turn.speaker, next(replies, turn.text), turn.start, turn.end)
        history.append(turn)
    recent = tuple(t.text for t in history if t.speaker == view.persona)
    return replace(view, history=tuple(history), recent=recent or view.recent)


def llm_available(settings: Settings) -> bool:
    return bool(settings.llm_base_url)


def voice_for(db: Session, scenario_id: str, settings: Settings) -> str:
    """The voice a new run of this scenario uses: `llm` only when chosen and configured."""
    if not llm_available(settings):
        return "scripted"
    chosen = db.get(ScenarioVoice, scenario_id)
    return chosen.voice if chosen is not None else "scripted"


def chosen_voices(db: Session) -> dict[str, str]:
    return {row.scenario_id: row.voice for row in db.scalars(select(ScenarioVoice))}


def set_voice(
    db: Session, actor: User, scenario_id: str, voice: str, settings: Settings
) -> ScenarioVoice:
    if not allowed(actor, CHOOSE_VOICES):
        raise PermissionError("only an admin can choose voices")
    if voice not in VOICES:
        raise VoiceSettingError(f"Unknown voice {voice!r}; expected one of {', '.join(VOICES)}.")
    if voice == "llm" and not llm_available(settings):
        raise VoiceSettingError(
            "No language model is configured: set EMPATHIC_LLM_BASE_URL (see docs/llm.md)."
        )
    row = db.get(ScenarioVoice, scenario_id) or ScenarioVoice(scenario_id=scenario_id)
    row.voice, row.updated_by, row.updated_at = voice, actor.id, utcnow()
    db.add(row)
    return row


def claim_turn(db: Session, run_id: str, index: int) -> bool:
    """Take a pending turn for phrasing; False when another stream already took it.

    A conditional update, so two tabs (or two workers) never phrase one turn twice.
    """
    result = db.execute(
        update(PracticeTurn)
        .where(
            PracticeTurn.run_id == run_id,
            PracticeTurn.index == index,
            PracticeTurn.voice == "pending",
        )
        .values(voice="voicing")
    )
    db.commit()
    return bool(getattr(result, "rowcount", 0))


def store_voiced(db: Session, run_id: str, index: int, text: str, voice: str, note: str) -> None:
    """Keep what the learner was shown for a turn this stream claimed."""
    db.execute(
        update(PracticeTurn)
        .where(
            PracticeTurn.run_id == run_id,
            PracticeTurn.index == index,
            PracticeTurn.voice == "voicing",
        )
        .values(reply=text, voice=voice, voice_note=note)
    )
    db.commit()


def model_rewrites(
    db: Session,
    run: PracticeRun,
    sim: Simulation,
    client: ChatModel | None,
    rewrites: list[Rewrite],
) -> list[Rewrite]:
    """The debrief's rewrites plus the model's checked ones, for runs voiced by a model.

    Asked once per run and kept in the run's summary, so a reload neither waits for
    the model again nor shows different suggestions.
    """
    if run.voice != "llm":
        return rewrites
    summary = dict(run.summary or {})
    stored = summary.get("model_rewrites")
    if stored is None:
        if client is None:
            return rewrites
        proposals = propose_rewrites(
            rewrites,
            sim.result(),
            persona=sim.scenario.counterpart.name,
            persona_role=sim.scenario.counterpart.role,
            client=client,
            coder=sim.coder,
        )
        stored = [asdict(p) for p in proposals]
        run.summary = {**summary, "model_rewrites": stored}
        db.flush()
    return with_model_rewrites(rewrites, [Proposal(**p) for p in stored])


@dataclass
class Voiced:
    """The outcome of phrasing one turn: the text to keep and how it came about."""

    text: str = ""
    voice: str = "llm"
    note: str = ""


async def stream_phrasing(
    client: ChatModel, renders: Sequence[tuple[VoiceView, str]], outcome: Voiced
) -> AsyncIterator[str]:
    """Yield the model's tokens for each scripted line; fill `outcome` with what to keep.

    A line whose phrasing fails a check, or whose request fails, is replaced by the
    scripted line (and `outcome.note` says why); the caller then tells the page to
    show `outcome.text` instead of the streamed tokens.
    """
    kept: list[str] = []
    for number, (view, line) in enumerate(renders):
        if number:
            yield " "
        parts: list[str] = []
        try:
            tokens = client.stream(build_messages(view, line), temperature=0.0, max_tokens=160)
            async for token in iterate_in_threadpool(tokens):
                parts.append(token)
                yield token
        except LLMError as exc:
            outcome.voice, outcome.note = "fallback", f"{type(exc).__name__}: {exc}"
            kept.append(line)
            continue
        text = clean("".join(parts))
        reason = problem(text, view)
        if reason is not None:
            outcome.voice, outcome.note = "fallback", reason
            kept.append(line)
        else:
            kept.append(text)
    outcome.text = " ".join(kept)
