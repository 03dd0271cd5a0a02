"""Insights pages: analyse a transcript, my growth, the facilitator's views, how the AI works.

Routes stay thin: they read the request, call `insights.service`, and render.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from empathic.accounts.models import User
from empathic.analysis.html import CANNOT_KNOW
from empathic.analysis.labels import DIMENSIONS, LABEL_VALUES
from empathic.analysis.metrics import DIMENSION_HELP, DIMENSION_TITLES, MITI_THRESHOLDS
from empathic.analysis.packs import PackCache, list_packs
from empathic.analysis.report import LIMITS_NOTE
from empathic.charts import data_table, line_chart
from empathic.config import Settings
from empathic.insights import service, worker
from empathic.insights.area import ANALYSE, GROWTH, HOW_AI_WORKS, OVERSEE
from empathic.insights.pool import Busy, ProcessPool, TimedOut, WorkerLost
from empathic.llm import llm_host
from empathic.permissions import Role, role_of
from empathic.practice.service import runs_of
from empathic.web.deps import CsrfDep, DbDep, SettingsDep, permit
from empathic.web.render import render, wants_json

router = APIRouter(dependencies=[CsrfDep])

Analyst = Annotated[User, permit(ANALYSE)]
Grower = Annotated[User, permit(GROWTH)]
Overseer = Annotated[User, permit(OVERSEE)]

REPORT_SLOT = "<!-- the report is spliced in here -->"
"""Where `_with_report` puts the worker's report; user text on the page is escaped, so it
cannot contain this comment."""

FORM_PART_LIMIT = 64 * 1024 * 1024
"""Parser ceiling for the pasted-text field; the real limit is settings.max_upload_bytes,
checked in the service so the page can answer 413 with a clear message."""


def _analyse_page(settings: Settings, form: dict[str, str], **extra: object) -> dict[str, object]:
    """Everything the analyse page shows around the form, report or error."""
    return {
        "form": form,
        "packs": list_packs(settings),
        "limit_mb": settings.max_upload_bytes / (1024 * 1024),
        "extensions": ", ".join(service.UPLOAD_FORMATS),
        "thresholds": MITI_THRESHOLDS,
        "dimension_titles": DIMENSION_TITLES,
        "dimension_help": DIMENSION_HELP,
        "dimensions": DIMENSIONS,
        "limits_note": LIMITS_NOTE,
        "llm_host": llm_host(settings),
        **extra,
    }


@router.get("/analyse")
def analyse_page(request: Request, user: Analyst, settings: SettingsDep) -> Response:
    """The paste-or-upload form."""
    empty = {"transcript": "", "learner": "", "pack": "", "judge": "offline"}
    return render(request, "insights/analyse.html", _analyse_page(settings, empty))


@router.post("/analyse", form_limits={"max_part_size": FORM_PART_LIMIT, "max_files": 1})
async def analyse(
    request: Request,
    user: Analyst,
    settings: SettingsDep,
    transcript: Annotated[str, Form()] = "",
    learner: Annotated[str, Form()] = "",
    pack: Annotated[str, Form()] = "",
    judge: Annotated[str, Form()] = "offline",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Analyse the uploaded file if there is one, else the pasted text; nothing is stored.
    With `judge=llm` the transcript also goes to the site's language model (docs/llm.md)."""
    form = {"transcript": transcript, "learner": learner.strip(), "pack": pack, "judge": judge}
    try:
        if file is not None and file.filename:
            name = file.filename
            fmt = service.upload_format(name)
            data = await file.read(settings.max_upload_bytes + 1)
            service.check_size(len(data), settings)
            text = service.decode_upload(data, name)
        else:
            name, fmt, text = "pasted text", None, transcript
            service.check_size(len(text.encode("utf-8")), settings)
        job = worker.AnalysisJob(text, name, fmt, form["learner"], pack, judge)
        result = await _analyse_off_loop(request, job, settings)
    except service.InputProblem as problem:
        ctx = _analyse_page(settings, form, error=str(problem))
        return render(request, "insights/analyse.html", ctx, problem.status)
    except (Busy, TimedOut, WorkerLost) as refused:
        return _refused(request, settings, form, refused)
    if result.error:
        ctx = _analyse_page(settings, form, error=result.error)
        return render(request, "insights/analyse.html", ctx, result.status)
    ctx = _analyse_page(settings, form, report_html=Markup(REPORT_SLOT))
    return _with_report(render(request, "insights/analyse.html", ctx), result.report_html)


def _with_report(page: HTMLResponse, report: bytes) -> Response:
    """The page with the report's HTML in its slot, joined as bytes: passed through Jinja
    and encoded again, a 28 MB report held the event loop for about 100 ms."""
    body = bytes(page.body).replace(REPORT_SLOT.encode(), report, 1)
    return HTMLResponse(body, status_code=page.status_code)


async def _analyse_off_loop(
    request: Request, job: worker.AnalysisJob, settings: Settings
) -> worker.AnalysisResult:
    """In the app's analysis workers (docs/web.md), or in a thread when there are none:
    never on the event loop, which must keep answering everyone else."""
    pool: ProcessPool | None = request.app.state.analysis_pool
    if pool is None:
        packs = PackCache.of(request.app.state)
        return await run_in_threadpool(worker.analyse, job, settings, packs)
    return await pool.run(worker.analyse_in_worker, job)


def _refused(
    request: Request, settings: Settings, form: dict[str, str], why: Exception
) -> Response:
    """503 with Retry-After when the workers are busy or one was lost, 504 when the time
    limit stopped this analysis; the page keeps what was typed, JSON callers get JSON."""
    if isinstance(why, TimedOut):
        status, retry = 504, None
        message = (
            f"This transcript took longer than {why.seconds:g} s to analyse, so it was "
            "stopped. Split it into shorter conversations, or try again later."
        )
    elif isinstance(why, Busy):
        status, retry = 503, why.retry_after
        message = (
            "The server is analysing as many transcripts as it can right now. "
            f"Try again in {retry} s."
        )
    else:
        status, retry = 503, 1
        message = "The analysis was interrupted before it finished. Try again in a moment."
    headers = {"Retry-After": str(retry)} if retry is not None else {}
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    response = render(
        request, "insights/analyse.html", _analyse_page(settings, form, error=message), status
    )
    response.headers.update(headers)
    return response


@router.get("/growth")
def growth(request: Request, db: DbDep, user: Grower) -> Response:
    """The signed-in person's own skills over time and run history."""
    data = service.growth_of(runs_of(db, user.id))
    return render(request, "insights/growth.html", _growth_context(data))


def _growth_context(data: service.Growth) -> dict[str, object]:
    """The growth chart and its table, drawn only when there is at least one ended run."""
    title = "Skills and final trust per ended run, oldest first"
    ctx: dict[str, object] = {"growth": data, "chart": None, "table": None}
    if data.has_points:
        ctx["chart"] = line_chart(title, data.labels, data.series)
        ctx["table"] = data_table(title, data.labels, data.series)
    return ctx


@router.get("/facilitator")
def facilitator(request: Request, db: DbDep, user: Overseer, settings: SettingsDep) -> Response:
    """Team aggregates (only above the minimum group size) and runs shared with this person."""
    ctx = {
        "cohorts": service.cohorts(db, user, settings),
        "shared": service.shared_runs(db, user),
        "skills": service.SKILLS,
        "min_size": settings.min_group_size,
        "no_team": role_of(user) is not Role.ADMIN and user.team_id is None,
    }
    return render(request, "insights/facilitator.html", ctx)


@router.get("/facilitator/learners/{user_id}")
def facilitator_learner(request: Request, db: DbDep, user: Overseer, user_id: int) -> Response:
    """One learner's growth from the runs they chose to share; audited."""
    try:
        person, data = service.shared_growth(db, user, user_id)
    except service.OutOfScope:
        raise HTTPException(404, "No shared runs from this person are visible to you.") from None
    ctx = {"person": person, **_growth_context(data)}
    return render(request, "insights/learner.html", ctx)


@router.get("/how-ai-works", dependencies=[permit(HOW_AI_WORKS)])
def how_ai_works(request: Request, settings: SettingsDep) -> Response:
    """Public page: what is measured, the model in use, its limits, and how to correct it."""
    pack, pack_problem = service.default_pack_info(settings)
    ctx = {
        "labels": [
            (name, service.LABEL_EXPLANATIONS[name], LABEL_VALUES[name])
            for name in service.LABEL_ORDER
        ],
        "thresholds": MITI_THRESHOLDS,
        "dimensions": [(DIMENSION_TITLES[d], DIMENSION_HELP[d]) for d in DIMENSIONS],
        "pack": pack,
        "pack_problem": pack_problem,
        "llm_host": llm_host(settings),
        "cannot_know": CANNOT_KNOW,
        "limits_note": LIMITS_NOTE,
    }
    return render(request, "insights/how_ai_works.html", ctx)
