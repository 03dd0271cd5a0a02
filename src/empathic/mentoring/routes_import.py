"""Importing goals and milestones from a CSV: every row and its problems first, then save."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, UploadFile
from fastapi.responses import Response

from empathic.mentoring import goals, importing, views
from empathic.mentoring.forms import PairId
from empathic.mentoring.routes_base import Member, Text, access_or_404, act
from empathic.web.deps import CsrfDep, DbDep
from empathic.web.params import reject_nul
from empathic.web.render import render

router = APIRouter(dependencies=[CsrfDep, Depends(reject_nul)])


@router.post("/mentoring/pairs/{pair_id}/import")
def import_preview(
    request: Request, db: DbDep, user: Member, pair_id: PairId, file: UploadFile | None = None
) -> Response:
    """A plain `def` route: the database work runs in the thread pool, not on the event loop."""
    access = access_or_404(db, user, pair_id)
    data = file.file.read(importing.MAX_BYTES + 1) if file is not None else b""
    try:
        found = goals.preview_import(db, access, data)
    except PermissionError as exc:
        raise HTTPException(403, f"Not allowed: {exc}.") from exc
    context: views.ImportPage = {
        "pair": access.pair,
        "found": found,
        "filename": (file.filename if file else "") or "upload.csv",
        "csv_text": data.decode("utf-8-sig", errors="replace") if found.ok else "",
    }
    return render(request, "mentoring/import.html", dict(context), 200 if found.ok else 400)


@router.post("/mentoring/pairs/{pair_id}/import/confirm")
def import_confirm(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    csv_text: Text = "",
    filename: Text = "",
) -> Response:
    found = importing.preview(csv_text)
    if not found.ok:
        access = access_or_404(db, user, pair_id)
        again: views.ImportPage = {
            "pair": access.pair,
            "found": found,
            "filename": filename,
            "csv_text": "",
        }
        return render(request, "mentoring/import.html", dict(again), 400)
    return act(
        request,
        db,
        user,
        pair_id,
        lambda a: goals.save_import(db, a, found, filename),
        done="import",
    )
