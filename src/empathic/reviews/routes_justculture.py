"""The Just Culture step: questions of individual accountability, apart from the learning.

Anyone on the review may raise a question here; only the facilitator sees every question
and works through the NHS Just Culture guide's decision steps. Nothing here reaches the
review page's learning, the summary, the library or an export.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from empathic.reviews import discussion
from empathic.reviews.forms import CaseId, ReviewId, StepsForm
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
    form: Annotated[StepsForm, Form()],
) -> Response:
    """One form per case: an answer (yes, no, unsure) and a note for each decision step."""
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: discussion.record_steps(
            db, a, case_id, form.answers(), form.notes(), form.outcome
        ),
        done="review-justculture",
        page="justculture",
    )
