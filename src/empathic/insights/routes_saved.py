"""My analyses: the analyses a person saved, reopened, renamed, exported and deleted (#16).

Every page is the owner's alone: someone else's id answers 404, exactly as an id that
does not exist. Only the scores are stored unless the owner kept the text; then the
report is rebuilt from it, off the event loop like any analysis (`insights.offload`).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from empathic.accounts.models import User
from empathic.analysis.labels import DIMENSIONS
from empathic.analysis.metrics import DIMENSION_HELP, DIMENSION_TITLES, MITI_THRESHOLDS
from empathic.config import Settings
from empathic.insights import offload, saved, worker
from empathic.insights.area import SAVED
from empathic.insights.models import SavedAnalysis
from empathic.insights.routes import REPORT_SLOT, with_report
from empathic.web.deps import CsrfDep, DbDep, SettingsDep, permit
from empathic.web.render import error_response, render, see_other

router = APIRouter(dependencies=[CsrfDep])

Keeper = Annotated[User, permit(SAVED)]


def _own(db: Session, user: User, analysis_id: str) -> SavedAnalysis:
    try:
        return saved.own_analysis(db, user, analysis_id)
    except saved.NotFound:
        raise HTTPException(404, "There is no such saved analysis, or it is not yours.") from None


def _context(row: SavedAnalysis, **extra: object) -> dict[str, object]:
    return {
        "row": row,
        "dimensions": DIMENSIONS,
        "dimension_titles": DIMENSION_TITLES,
        "dimension_help": DIMENSION_HELP,
        "thresholds": MITI_THRESHOLDS,
        **extra,
    }


def _rebuild(row: SavedAnalysis, *, standalone: bool) -> worker.AnalysisJob:
    """The analysis again, from the kept text, with the speaker, pack and judge saved."""
    text = row.transcript or ""
    return worker.AnalysisJob(
        text, row.source, row.fmt, row.learner, row.pack, row.judge, standalone=standalone
    )


def _file_name(row: SavedAnalysis, suffix: str) -> str:
    """A safe download name from the title ("1-1 with Priya" -> "1-1-with-Priya.html")."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", row.title).strip("-")[:60] or "analysis"
    return f"{stem}{suffix}"


def _download(body: bytes, media_type: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=media_type, headers=headers)


@router.get("/analyses")
def analyses(request: Request, db: DbDep, user: Keeper, page: int = 1) -> Response:
    """The signed-in person's saved analyses, newest first, 50 a page."""
    ctx = {"analyses": saved.analyses_of(db, user.id, page)}
    return render(request, "insights/analyses.html", ctx)


@router.get("/analyses/{analysis_id}")
async def analysis(
    request: Request, db: DbDep, user: Keeper, settings: SettingsDep, analysis_id: str
) -> Response:
    """One saved analysis: its scores, and the full report rebuilt when the text was kept."""
    row = await run_in_threadpool(_own, db, user, analysis_id)
    if not row.text_kept:
        return render(request, "insights/saved_analysis.html", _context(row))
    try:
        result = await offload.analyse(request, _rebuild(row, standalone=False), settings)
    except offload.REFUSED as why:
        refused = offload.refusal(why)
        page = _context(row, report_problem=refused.message)
        response = render(request, "insights/saved_analysis.html", page, refused.status)
        response.headers.update(refused.headers)
        return response
    if result.error:  # e.g. the pack it was saved with is gone: the scores still stand
        page = _context(row, report_problem=result.error)
        return render(request, "insights/saved_analysis.html", page)
    page = _context(row, report_html=Markup(REPORT_SLOT), rebuilt=result.summary)
    return with_report(render(request, "insights/saved_analysis.html", page), result.report_html)


@router.post("/analyses/{analysis_id}/title")
def rename(
    db: DbDep, user: Keeper, analysis_id: str, title: Annotated[str, Form()] = ""
) -> Response:
    """A new title (an empty one keeps the old)."""
    row = _own(db, user, analysis_id)
    saved.rename(row, title)
    return see_other(f"/analyses/{row.id}?done=analysis-renamed")


@router.post("/analyses/{analysis_id}/delete")
def delete(db: DbDep, user: Keeper, analysis_id: str) -> Response:
    """Delete the analysis with its scores and any kept text."""
    saved.delete(db, _own(db, user, analysis_id))
    return see_other("/analyses?done=analysis-deleted")


@router.get("/analyses/{analysis_id}/scores.json")
def export_scores(db: DbDep, user: Keeper, analysis_id: str) -> Response:
    """The saved scores and metrics as a JSON file (never the text)."""
    row = _own(db, user, analysis_id)
    headers = {"Content-Disposition": f'attachment; filename="{_file_name(row, ".json")}"'}
    return JSONResponse(saved.scores_json(row), headers=headers)


@router.get("/analyses/{analysis_id}/report.html")
async def export_report(
    request: Request, db: DbDep, user: Keeper, settings: SettingsDep, analysis_id: str
) -> Response:
    """The report as one self-contained HTML file: rebuilt in full from the kept text, else
    the saved scores and metrics only."""
    row = await run_in_threadpool(_own, db, user, analysis_id)
    name = _file_name(row, ".html")
    if not row.text_kept:
        page = render(request, "insights/saved_report.html", _context(row))
        return _download(bytes(page.body), "text/html; charset=utf-8", name)
    return await _full_report(request, row, settings, name)


async def _full_report(
    request: Request, row: SavedAnalysis, settings: Settings, name: str
) -> Response:
    try:
        result = await offload.analyse(request, _rebuild(row, standalone=True), settings)
    except offload.REFUSED as why:
        refused = offload.refusal(why)
        response = error_response(request, refused.status, refused.message)
        response.headers.update(refused.headers)
        return response
    if result.error:  # the pack it was saved with is gone, say
        return error_response(request, 409, f"The report cannot be rebuilt: {result.error}")
    return _download(result.report_html, "text/html; charset=utf-8", name)
