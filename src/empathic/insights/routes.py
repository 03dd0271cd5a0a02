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
from empathic.analysis.packs import list_packs
from empathic.analysis.report import LIMITS_NOTE
from empathic.charts import data_table, line_chart
from empathic.config import Settings
from empathic.insights import offload, saved, service, worker
from empathic.insights.area import ANALYSE, GROWTH, HOW_AI_WORKS, OVERSEE
from empathic.insights.forms import EMPTY_ANALYSE_FORM, AnalyseForm
from empathic.insights.models import SavedAnalysis
from empathic.llm import llm_host
from empathic.paging import Paged
from empathic.permissions import Role, role_of
from empathic.web.deps import CsrfDep, DbDep, SettingsDep, permit
from empathic.web.params import UserId
from empathic.web.render import render, wants_json

router = APIRouter(dependencies=[CsrfDep])

Analyst = Annotated[User, permit(ANALYSE)]
Grower = Annotated[User, permit(GROWTH)]
Overseer = Annotated[User, permit(OVERSEE)]

REPORT_SLOT = "<!-- the report is spliced in here -->"
"""Where `with_report` puts the worker's report; user text on the page is escaped, so it
cannot contain this comment."""

FORM_PART_LIMIT = 64 * 1024 * 1024
"""Parser ceiling for the pasted-text field; the real limit is settings.max_upload_bytes,
checked in the service so the page can answer 413 with a clear message."""


def _analyse_page(settings: Settings, form: AnalyseForm, **extra: object) -> dict[str, object]:
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
    """The paste-or-upload form; saving the scores is ticked, keeping the words is not."""
    empty = AnalyseForm(**EMPTY_ANALYSE_FORM)
    return render(request, "insights/analyse.html", _analyse_page(settings, empty))


@router.post("/analyse", form_limits={"max_part_size": FORM_PART_LIMIT, "max_files": 1})
async def analyse(
    request: Request,
    user: Analyst,
    db: DbDep,
    settings: SettingsDep,
    form: Annotated[AnalyseForm, Form()],
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Analyse the uploaded file if there is one, else the pasted text (re-posted by the
    speaker step with the upload's `source` name and `fmt`). With no speaker named it
    first asks who the person is, listing the speakers found: nobody is coached by
    default (issue #16). With `save` the analysis joins My analyses: the scores, and the
    text only with `keep_text`. With `judge=llm` the transcript also goes to the site's
    language model (docs/llm.md)."""
    try:
        if file is not None and file.filename:
            name = file.filename
            reader = service.upload_format(name)
            data = await file.read(settings.max_upload_bytes + 1)
            service.check_size(len(data), settings)
            text = service.decode_upload(data, name)
        else:
            name, text = form.source.strip()[:200] or service.PASTED, form.pasted()
            reader = service.reader(form.fmt)
            service.check_size(len(text.encode("utf-8")), settings)
        if not form.learner:
            found = await offload.speakers(request, worker.CastJob(text, name, reader))
            if found.cast is None:
                raise service.InputProblem(found.error, found.status)
            form = form.titled(found.cast.title)
            step = {"text": text, "source": name, "fmt": reader or ""}
            page = _analyse_page(settings, form, speakers=found.cast.speakers, step=step)
            return render(request, "insights/analyse.html", page)
        job = worker.AnalysisJob(text, name, reader, form.learner, form.pack, form.judge)
        result = await offload.analyse(request, job, settings)
    except service.InputProblem as problem:
        ctx = _analyse_page(settings, form, error=str(problem))
        return render(request, "insights/analyse.html", ctx, problem.status)
    except offload.REFUSED as refused:
        return _refused(request, settings, form, refused)
    if result.speakers:  # a name that fits nobody or several: choose from the list
        step = {"text": text, "source": name, "fmt": reader or ""}
        ctx = _analyse_page(settings, form, error=result.error, speakers=result.speakers, step=step)
        return render(request, "insights/analyse.html", ctx, result.status)
    if result.error:
        ctx = _analyse_page(settings, form, error=result.error)
        return render(request, "insights/analyse.html", ctx, result.status)
    kept = None
    if form.save or form.keep_text:  # keeping the words means keeping the analysis
        kept = await run_in_threadpool(
            saved.save_analysis,
            db,
            user,
            result.summary,
            title=form.title or str(result.summary.get("title") or ""),
            source=name,
            fmt=reader,
            text=text if form.keep_text else None,
        )
    again = form.model_copy(update={"title": ""})  # the form below is for another conversation
    ctx = _analyse_page(settings, again, report_html=Markup(REPORT_SLOT), saved=kept)
    return with_report(render(request, "insights/analyse.html", ctx), result.report_html)


def with_report(page: HTMLResponse, report: bytes) -> Response:
    """The page with the report's HTML in its slot, joined as bytes: passed through Jinja
    and encoded again, a 28 MB report held the event loop for about 100 ms."""
    body = bytes(page.body).replace(REPORT_SLOT.encode(), report, 1)
    return HTMLResponse(body, status_code=page.status_code)


def _refused(request: Request, settings: Settings, form: AnalyseForm, why: Exception) -> Response:
    """503 with Retry-After when the workers are busy or one was lost, 504 when the time
    limit stopped this analysis; the page keeps what was typed, JSON callers get JSON."""
    refused = offload.refusal(why)
    if wants_json(request):
        return JSONResponse(
            {"detail": refused.message}, status_code=refused.status, headers=refused.headers
        )
    ctx = _analyse_page(settings, form, error=refused.message)
    response = render(request, "insights/analyse.html", ctx, refused.status)
    response.headers.update(refused.headers)
    return response


@router.get("/growth")
def growth(request: Request, db: DbDep, user: Grower, page: int = 1) -> Response:
    """The signed-in person's own skills over time and run history (50 a page), and beside
    them the dimension scores of the analyses they saved (the latest 50)."""
    data = service.growth(db, user.id, page)
    analyses = saved.analyses_of(db, user.id, 1, service.CHART_POINTS)
    ctx = {**_growth_context(data), **_analysed_context(analyses)}
    return render(request, "insights/growth.html", ctx)


def _analysed_context(analyses: Paged[SavedAnalysis]) -> dict[str, object]:
    """The saved analyses' dimension chart (1 to 5) and its table, when any was saved."""
    title = "Six conversation dimensions per saved analysis, oldest first (1 to 5)"
    points = saved.analysis_growth(analyses.items, first=analyses.total - len(analyses) + 1)
    ctx: dict[str, object] = {"analyses": analyses, "analysis_chart": None, "analysis_table": None}
    if points.has_points:
        fmt = "{:.1f}"
        ctx["analysis_chart"] = line_chart(
            title, points.labels, points.series, y_min=1.0, y_max=5.0, y_format=fmt
        )
        ctx["analysis_table"] = data_table(title, points.labels, points.series, y_format=fmt)
    return ctx


def _growth_context(data: service.Growth) -> dict[str, object]:
    """The growth chart and its table, drawn only when there is at least one ended run."""
    title = "Skills and final trust per ended run, oldest first"
    ctx: dict[str, object] = {"growth": data, "chart": None, "table": None}
    if data.has_points:
        ctx["chart"] = line_chart(title, data.labels, data.series)
        ctx["table"] = data_table(title, data.labels, data.series)
    return ctx


@router.get("/facilitator")
def facilitator(
    request: Request, db: DbDep, user: Overseer, settings: SettingsDep, page: int = 1
) -> Response:
    """Team aggregates (only above the minimum group size) and runs shared with this person
    (50 a page)."""
    ctx = {
        "cohorts": service.cohorts(db, user, settings),
        "shared": service.shared_runs(db, user, page),
        "skills": service.SKILLS,
        "min_size": settings.min_group_size,
        "no_team": role_of(user) is not Role.ADMIN and user.team_id is None,
    }
    return render(request, "insights/facilitator.html", ctx)


@router.get("/facilitator/learners/{user_id}")
def facilitator_learner(
    request: Request, db: DbDep, user: Overseer, user_id: UserId, page: int = 1
) -> Response:
    """One learner's growth from the runs they chose to share; audited."""
    try:
        person, data = service.shared_growth(db, user, user_id, page)
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
