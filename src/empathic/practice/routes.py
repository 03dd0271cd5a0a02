"""The practice pages: library, pre-brief, conversation (plain forms or fetch + SSE), debrief.

Routes stay thin: the engine work is in `practice.service`, corrections in
`practice.corrections`. Every run page checks ownership through the service,
and anything a person may not see is a plain 404 (run ids are never confirmed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from empathic.accounts.models import User
from empathic.analysis.labels import LABEL_VALUES, LABELS
from empathic.charts import Series, data_table, line_chart
from empathic.practice import corrections as fixes
from empathic.practice import service, voicing
from empathic.practice.again import discard, retry_from
from empathic.practice.area import DEBRIEF, PLAY
from empathic.practice.comments import add_comment, comments_on
from empathic.practice.compare import compare, previous_run
from empathic.practice.models import Correction, PracticeRun
from empathic.practice.routes_voice import event, model_rewrites, phrased_events
from empathic.practice.service import PracticeError, RunNotFound, SimulationCache, TurnConflict
from empathic.roleplay.loading import ScenarioError, find_scenario, load_library
from empathic.roleplay.render import match_coaching, rubric_evidence, stock_phrases
from empathic.roleplay.scenario import DIFFICULTIES
from empathic.web.deps import CsrfDep, DbDep, UserDep, permit
from empathic.web.render import error_response, render, see_other, wants_json

router = APIRouter(dependencies=[CsrfDep])

Player = Annotated[User, permit(PLAY)]
Reader = Annotated[User, permit(DEBRIEF)]

Text = Annotated[str, Form()]


def _cache(request: Request) -> SimulationCache:
    cache: SimulationCache = request.app.state.simulations
    return cache


def _not_found() -> HTTPException:
    return HTTPException(404, "There is no such practice run, or it is not yours to see.")


def _own(db: DbDep, user: UserDep, run_id: str) -> PracticeRun:
    try:
        return service.own_run(db, user, run_id)
    except RunNotFound as exc:
        raise _not_found() from exc


@router.get("/practice")
def library(
    request: Request,
    db: DbDep,
    user: Player,
    setting: str = "",
    skill: str = "",
    difficulty: str = "",
) -> Response:
    scenarios = load_library()
    wanted = service.LibraryFilter(setting, skill, difficulty if difficulty in DIFFICULTIES else "")
    return render(
        request,
        "practice/library.html",
        {
            "scenarios": service.filter_library(scenarios, wanted),
            "choices": service.library_choices(scenarios),
            "wanted": wanted,
            "active": service.active_runs(db, user),
        },
    )


def _prebrief(
    request: Request, scenario_id: str, form: dict[str, Any], status: int = 200
) -> Response:
    try:
        scenario = find_scenario(scenario_id)
    except ScenarioError as exc:
        raise HTTPException(404, f"There is no scenario called {scenario_id!r}.") from exc
    context = {"scenario": scenario, "difficulties": DIFFICULTIES, "form": form}
    return render(request, "practice/prebrief.html", context, status)


@router.get("/practice/{scenario_id}")
def prebrief(request: Request, user: Player, scenario_id: str, difficulty: str = "") -> Response:
    return _prebrief(request, scenario_id, {"difficulty": difficulty or "medium"})


@router.post("/practice/{scenario_id}/start")
def start(
    request: Request,
    db: DbDep,
    user: Player,
    scenario_id: str,
    difficulty: Text = "medium",
    intention: Text = "",
    coach: Text = "",
) -> Response:
    try:
        run = service.start_run(
            db,
            user,
            scenario_id,
            difficulty=difficulty,
            intention=intention,
            coach=bool(coach),
            voice=voicing.voice_for(db, scenario_id, request.app.state.settings),
            cache=_cache(request),
        )
    except PracticeError as exc:
        form = {"difficulty": difficulty, "intention": intention, "coach": bool(coach)}
        return _prebrief(request, scenario_id, {**form, "error": str(exc)}, 400)
    return see_other(f"/runs/{run.id}")


def _conversation(request: Request, run: PracticeRun, error: str = "", text: str = "") -> Response:
    try:
        counterpart = service.scenario_for(run).counterpart
        persona, max_turns = counterpart.name, counterpart.time_budget.turns
    except PracticeError:
        persona, max_turns = "Counterpart", None
    context = {
        "run": run,
        "persona": persona,
        "max_turns": max_turns,
        "state": service.state_of(run),
        "error": error,
        "text": text,
    }
    return render(request, "practice/run.html", context, 400 if error else 200)


@router.get("/runs/compare")
def compare_runs(
    request: Request, db: DbDep, user: Player, before: str = "", after: str = ""
) -> Response:
    """Before and after: two of the learner's own ended runs of one scenario, side by side."""
    try:
        found = compare(db, user, before, after)
    except RunNotFound as exc:
        raise _not_found() from exc
    except PracticeError as exc:
        return error_response(request, 400, str(exc))
    return render(request, "practice/compare.html", {"c": found})


@router.get("/runs/{run_id}")
def conversation(request: Request, db: DbDep, user: Player, run_id: str) -> Response:
    run = _own(db, user, run_id)
    if run.status == "ended":
        return see_other(f"/runs/{run.id}/debrief")
    return _conversation(request, run)


def _locked(db: DbDep, user: UserDep, run_id: str) -> tuple[PracticeRun, int]:
    try:
        return service.lock_run(db, user, run_id)
    except RunNotFound as exc:
        raise _not_found() from exc


@router.post("/runs/{run_id}/turns")
def play(request: Request, db: DbDep, user: Player, run_id: str, text: Text = "") -> Response:
    run, stored = _locked(db, user, run_id)
    try:
        played = service.play_turn(db, _cache(request), run, text, stored_turns=stored)
    except TurnConflict as exc:
        return error_response(request, 409, str(exc))
    except PracticeError as exc:
        if wants_json(request):
            return error_response(request, 400, str(exc))
        return _conversation(request, run, str(exc), text)
    debrief = f"/runs/{run.id}/debrief"
    if wants_json(request):
        turn = played.turn
        answer: dict[str, Any] = {
            "index": turn.index,
            "learner": turn.learner_text,
            "stream": f"/runs/{run.id}/turns/{turn.index}/stream",
            "finished": played.finished,
            "debrief": debrief,
            "turns_left": played.turns_left,
        }
        if turn.voice != "pending":
            # A scripted reply exists in full: it comes with the turn, so the page shows it
            # without a second request (the stream gives the same reply, state and end; it
            # stays for replies a language model phrases while they are streamed).
            answer["reply"] = turn.reply
            if run.coach:
                answer["state"] = dict(turn.state or {})
        return JSONResponse(answer)
    return see_other(debrief if played.finished else f"/runs/{run.id}")


@router.get("/runs/{run_id}/turns/{index}/stream")
def stream(request: Request, db: DbDep, user: Player, run_id: str, index: int) -> Response:
    """Server-sent events: `token` (JSON string chunks), `replace` (a language-model reply
    fell back to the scripted line), `state` (coach mode), `done`."""
    try:
        run, turn = service.own_turn(db, user, run_id, index)
    except RunNotFound as exc:
        raise _not_found() from exc
    chunks = service.reply_chunks(turn.reply)
    state = dict(turn.state or {}) if run.coach else None
    done = {"finished": run.status == "ended", "debrief": f"/runs/{run.id}/debrief"}

    tokens = [event("token", chunk) for chunk in chunks]
    tail = (event("state", state) if state is not None else "") + event("done", done)
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    phrased = phrased_events(request, db, run, turn, tail)
    if phrased is not None:
        return StreamingResponse(phrased, media_type="text/event-stream", headers=headers)

    async def events() -> AsyncIterator[str]:
        yield "".join(tokens) + tail  # a stored reply exists in full: one write, same events

    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)


@router.post("/runs/{run_id}/end")
def end(request: Request, db: DbDep, user: Player, run_id: str) -> Response:
    run, stored = _locked(db, user, run_id)
    try:
        service.end_run(db, _cache(request), run, stored_turns=stored)
    except PracticeError as exc:
        return error_response(request, 400, str(exc))
    return see_other(f"/runs/{run.id}/debrief")


def _timeline(timeline: list[dict[str, Any]]) -> dict[str, Any]:
    labels = ["start" if p["turn"] == 0 else f"turn {p['turn']}" for p in timeline]
    series = [
        Series(name, [p.get(key) for p in timeline])
        for name, key in (("Trust", "trust"), ("Emotion", "emotion"), ("Patience", "patience"))
    ]
    title = "Trust, emotion and patience after each turn"
    return {
        "chart": line_chart(title, labels, series, y_min=-1.0, y_max=1.0, y_format="{:+.2f}"),
        "table": data_table(title, labels, series, y_format="{:+.2f}"),
    }


def _learner_turns(debrief: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The report's learner turns numbered like the run's turns (1, 2, ...), each with its
    listening coaching (`coaching`, or None), and the coaching no shown turn matched."""
    found: list[dict[str, Any]] = []
    before = ""
    for turn in debrief["report"].get("turns", []):
        if turn.get("learner"):
            found.append({**turn, "number": len(found) + 1, "before": before})
        else:
            before = turn.get("text", "")
    coaching, unmatched = match_coaching(
        debrief.get("listening") or {}, [(t["number"], t.get("text", "")) for t in found]
    )
    return [{**t, "coaching": coaching.get(t["number"])} for t in found], unmatched


def _debrief_data(
    request: Request, db: DbDep, run: PracticeRun, corrections: dict[int, list[Correction]]
) -> dict[str, Any]:
    """The debrief's JSON: its session report counts the run's label corrections."""
    overrides = fixes.label_overrides(corrections)
    debrief = service.debrief_for(run, _cache(request), overrides).to_dict()
    debrief["rewrites"] = model_rewrites(request, db, run, debrief)
    return debrief


def _debrief(
    request: Request, db: DbDep, user: Player, run: PracticeRun, status: int = 200, **extra: Any
) -> Response:
    corrections = fixes.corrections_for_run(db, run)
    debrief = _debrief_data(request, db, run, corrections)
    learner_turns, other_coaching = _learner_turns(debrief)
    context = {
        "run": run,
        "d": debrief,
        "mine": run.user_id == user.id,
        "timeline": _timeline(debrief["timeline"]),
        "metrics": debrief["report"].get("summary", {}).get("metrics", {}),
        "learner_turns": learner_turns,
        "other_coaching": other_coaching,
        "listening": debrief.get("listening") or {},
        "stock_phrases": stock_phrases(debrief.get("listening") or {}),
        "rubric": [{**row, "quotes": rubric_evidence(row)} for row in debrief["rubric"]],
        "corrections": corrections,
        "corrected_turns": [t["number"] for t in learner_turns if t.get("corrected")],
        "labels": LABELS,
        "label_values": LABEL_VALUES,
        "saved": request.query_params.get("saved", ""),
        "comments": comments_on(db, run),
        "previous": previous_run(db, run) if run.user_id == user.id else None,
        **extra,
    }
    return render(request, "practice/debrief.html", context, status)


@router.get("/runs/{run_id}/debrief")
def debrief(request: Request, db: DbDep, user: Reader, run_id: str) -> Response:
    try:
        run = service.visible_run(db, user, run_id)
    except RunNotFound as exc:
        raise _not_found() from exc
    if run.status != "ended":
        return see_other(f"/runs/{run.id}")
    if wants_json(request):
        corrections = fixes.corrections_for_run(db, run)
        return JSONResponse(_debrief_data(request, db, run, corrections))
    return _debrief(request, db, user, run)


@router.post("/runs/{run_id}/reflection")
def reflect(
    request: Request, db: DbDep, user: Player, run_id: str, reflection: Text = ""
) -> Response:
    run = _own(db, user, run_id)
    try:
        service.save_reflection(run, reflection)
    except PracticeError as exc:
        return error_response(request, 400, str(exc))
    return see_other(f"/runs/{run.id}/debrief?saved=reflection#reflection")


@router.post("/runs/{run_id}/comments")
def comment(request: Request, db: DbDep, user: Reader, run_id: str, body: Text = "") -> Response:
    """A facilitator's feedback on a shared run, or the learner's reply; both see them all."""
    try:
        run = service.visible_run(db, user, run_id)
    except RunNotFound as exc:
        raise _not_found() from exc
    try:
        add_comment(db, user, run, body)
    except PracticeError as exc:
        return _debrief(request, db, user, run, 400, comment_error=str(exc), comment_text=body)
    return see_other(f"/runs/{run.id}/debrief?done=comment#comments")


@router.post("/runs/{run_id}/retry")
def retry(request: Request, db: DbDep, user: Player, run_id: str, turn: Text = "1") -> Response:
    """Practise again from a turn: a new run replays the turns before it (same seed)."""
    run = _own(db, user, run_id)
    try:
        again = retry_from(
            db, _cache(request), user, run, int(turn) if turn.isascii() and turn.isdigit() else 0
        )
    except PracticeError as exc:
        return error_response(request, 400, str(exc))
    return see_other(f"/runs/{again.id}")


@router.post("/runs/{run_id}/discard")
def discard_run(request: Request, db: DbDep, user: Player, run_id: str) -> Response:
    """Throw away a conversation still in progress (an abandoned start)."""
    run = _own(db, user, run_id)
    try:
        discard(db, _cache(request), run)
    except PracticeError as exc:
        return error_response(request, 400, str(exc))
    return see_other("/practice?done=discarded")


@router.post("/runs/{run_id}/share")
def share(db: DbDep, user: Player, run_id: str, shared: Text = "0") -> Response:
    run = _own(db, user, run_id)
    service.set_shared(run, shared == "1")
    return see_other(f"/runs/{run.id}/debrief?saved=share#sharing")


@router.post("/runs/{run_id}/corrections")
def correct(
    request: Request,
    db: DbDep,
    user: Player,
    run_id: str,
    turn: Text = "",
    label: Text = "",
    value: Text = "",
    note: Text = "",
) -> Response:
    run = _own(db, user, run_id)
    try:
        if not (turn.strip().isascii() and turn.strip().isdigit()) or len(turn.strip()) > 4:
            raise PracticeError("Say which turn the correction is about.")
        fixes.add_correction(db, _cache(request), user, run, int(turn), label, value, note)
    except PracticeError as exc:
        if wants_json(request) or run.status != "ended":
            return error_response(request, 400, str(exc))
        return _debrief(request, db, user, run, 400, correction_error=str(exc), error_turn=turn)
    return see_other(f"/runs/{run.id}/debrief?saved=correction-{int(turn)}#turn-{int(turn)}")
