"""The Just Culture step: questions of individual accountability, apart from the learning.

Anyone on the review may raise a question here; only the facilitator sees every question
and works through the NHS Just Culture guide's decision steps. Nothing here reaches the
review page's learning, the summary, the library or an export.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from empathic.reviews import discussion
from empathic.reviews.forms import CaseId, ReviewId
from empathic.reviews.routes_base import Member, Text, access_or_404, act, justculture_page
from empathic.web.deps import CsrfDep, DbDep
from empathic.web.params import reject_nul

router = APIRouter(dependencies=[CsrfDep, Depends(reject_nul)])


@router.get("/reviews/{review_id}/justculture")
def justculture(request: Request, db: DbDep, user: Member, review_id: ReviewId) -> Response:
    return justculture_page(request, db, access_or_404(db, user, review_id))


@router.post("/reviews/{review_id}/justculture")
def raise_question(
    request: Request, db: DbDep, user: Member, review_id: ReviewId, question: Text = ""
) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: discussion.raise_question(db, a, question),
        done="review-justculture",
        page="justculture",
    )


@router.post("/reviews/{review_id}/justculture/{case_id}")
def record_steps(
    request: Request,
    db: DbDep,
    user: Member,
    review_id: ReviewId,
    case_id: CaseId,
    deliberate_harm: Text = "",
    deliberate_harm_note: Text = "",
    health: Text = "",
    health_note: Text = "",
    foresight: Text = "",
    foresight_note: Text = "",
    substitution: Text = "",
    substitution_note: Text = "",
    mitigating: Text = "",
    mitigating_note: Text = "",
    outcome: Text = "",
) -> Response:
    """One form per case: an answer (yes, no, unsure) and a note for each decision step."""
    answers = {"deliberate_harm": deliberate_harm, "health": health, "foresight": foresight}
    answers |= {"substitution": substitution, "mitigating": mitigating}
    notes = {"deliberate_harm": deliberate_harm_note, "health": health_note}
    notes |= {"foresight": foresight_note, "substitution": substitution_note}
    notes["mitigating"] = mitigating_note
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: discussion.record_steps(db, a, case_id, answers, notes, outcome),
        done="review-justculture",
        page="justculture",
    )
