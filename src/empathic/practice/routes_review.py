"""The label review pages: the facilitators' queue and the admins' organisation packs.

Routes stay thin: the work is in `practice.review`. The queue is for facilitators
and admins and shows only runs shared with them; the packs page is for admins,
who choose the default pack.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from empathic.accounts.models import User
from empathic.analysis.coding import RuleCoder
from empathic.analysis.packs import PackCache, list_packs, resolve_pack_name
from empathic.practice import review
from empathic.practice.area import PACKS, REVIEW
from empathic.practice.service import SimulationCache
from empathic.web.deps import CsrfDep, DbDep, SettingsDep, permit
from empathic.web.render import render, wants_json

router = APIRouter(dependencies=[CsrfDep])

Reviewer = Annotated[User, permit(REVIEW)]
PackAdmin = Annotated[User, permit(PACKS)]


@router.get("/corrections/queue")
def queue(request: Request, db: DbDep, user: Reviewer, page: int = 1) -> Response:
    """Learner turns of the runs shared with you, least confident first, 50 a page."""
    cache: SimulationCache = request.app.state.simulations
    coder = cache.coder() or RuleCoder()  # the coder that codes practice turns and debriefs
    found = review.review_queue(db, user, coder, page)
    if wants_json(request):
        return JSONResponse(
            {
                "total": found.total,
                "runs": found.runs,
                "page": found.page,
                "pages": found.pages,
                "items": [item.to_dict() for item in found.items],
            }
        )
    return render(
        request, "practice/queue.html", {"queue": found, "labels": review.REVIEWED_LABELS}
    )


@router.get("/corrections/packs")
def packs(request: Request, db: DbDep, user: PackAdmin, settings: SettingsDep) -> Response:
    """`open` beside each organisation pack, on the corrections it never trained on."""
    cache = PackCache.of(request.app.state)
    infos = [info for info in list_packs(settings) if info.trained]
    compared = review.organisation_comparisons(db, infos, lambda name: cache.get(name, settings))
    if wants_json(request):
        return JSONResponse({"comparisons": compared})
    context = {"comparisons": compared, "default": resolve_pack_name(None, settings)}
    return render(request, "practice/org_packs.html", context)
