"""The language-model side of practice pages: streamed phrasing and the admin's voice choice."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from empathic.accounts.models import User
from empathic.llm import ChatModel, llm_host
from empathic.practice import voicing
from empathic.practice.area import CHOOSE_VOICES
from empathic.practice.models import PracticeRun, PracticeTurn
from empathic.practice.service import SimulationCache
from empathic.roleplay.debrief_types import Rewrite
from empathic.roleplay.loading import load_library
from empathic.web.deps import CsrfDep, DbDep, SettingsDep, permit
from empathic.web.render import render

router = APIRouter(dependencies=[CsrfDep])

VoiceAdmin = Annotated[User, permit(CHOOSE_VOICES)]


def event(name: str, data: Any) -> str:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n"


def llm_client(request: Request) -> ChatModel | None:
    """The app's client (made in `create_app`), or None when no endpoint is configured."""
    client: ChatModel | None = request.app.state.llm_client
    return client


def phrased_events(
    request: Request, db: Session, run: PracticeRun, turn: PracticeTurn, tail: str
) -> AsyncIterator[str] | None:
    """Events that stream the model's phrasing of a pending turn, or None to send it as stored.

    The stream claims the turn first, so it is phrased once; a stream cut short keeps the
    scripted line (with the reason), so the turn never stays half-voiced.
    """
    client = llm_client(request)
    if turn.voice != "pending" or client is None:
        return None
    cache: SimulationCache = request.app.state.simulations
    shown = [t.reply for t in run.turns if t.index < turn.index]
    renders = [
        (voicing.as_shown(view, shown), line)
        for view, line in voicing.renders_of_step(cache.get(run), turn.index)
    ]
    if not renders or not voicing.claim_turn(db, run.id, turn.index):
        return None
    sessions = request.app.state.sessions
    run_id, index, scripted = run.id, turn.index, turn.reply

    def keep(text: str, voice: str, note: str) -> None:
        with sessions() as own:
            voicing.store_voiced(own, run_id, index, text, voice, note)

    async def events() -> AsyncIterator[str]:
        outcome = voicing.Voiced()
        shown: list[str] = []
        kept = False
        try:
            async for token in voicing.stream_phrasing(client, renders, outcome):
                shown.append(token)
                yield event("token", token)
            if outcome.text != "".join(shown):
                yield event("replace", outcome.text or scripted)
            await run_in_threadpool(keep, outcome.text or scripted, outcome.voice, outcome.note)
            kept = True
            yield tail
        finally:
            if not kept:  # the page went away mid-stream: keep the scripted line
                keep(scripted, "fallback", "stream interrupted")

    return events()


def model_rewrites(
    request: Request, db: Session, run: PracticeRun, debrief: dict[str, Any]
) -> list[Rewrite]:
    """The debrief's rewrites with the model's checked ones (see `voicing.model_rewrites`)."""
    rewrites: list[Rewrite] = list(debrief["rewrites"])
    if run.voice != "llm":
        return rewrites
    sim = request.app.state.simulations.get(run)
    return voicing.model_rewrites(db, run, sim, llm_client(request), rewrites)


@router.get("/admin/voices")
def voices_page(request: Request, db: DbDep, user: VoiceAdmin, settings: SettingsDep) -> Response:
    return render(
        request,
        "practice/voices.html",
        {
            "scenarios": load_library(),
            "chosen": voicing.chosen_voices(db),
            "llm": voicing.llm_available(settings),
            "llm_host": llm_host(settings) or "",
        },
    )


@router.post("/admin/voices/{scenario_id}")
def set_voice(
    db: DbDep,
    user: VoiceAdmin,
    settings: SettingsDep,
    scenario_id: str,
    voice: Annotated[str, Form()] = "scripted",
) -> Response:
    if scenario_id not in {s.id for s in load_library()}:
        raise HTTPException(404, "No such scenario.")
    try:
        voicing.set_voice(db, user, scenario_id, voice, settings)
    except voicing.VoiceSettingError as exc:
        raise HTTPException(400, str(exc)) from exc
    return RedirectResponse("/admin/voices", status_code=303)
