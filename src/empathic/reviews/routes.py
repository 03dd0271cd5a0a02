"""Review pages: thin HTTP adapters over the services (no SQL, no rules here)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from empathic.reviews import actions, discussion, flags, perspectives, service
from empathic.reviews.forms import (
    AccountForm,
    ActionForm,
    ActionId,
    ActionUpdateForm,
    DiscussionForm,
    EventForm,
    FactorForm,
    FactorId,
    FlagId,
    ReviewId,
)
from empathic.reviews.library import publish as publish_review
from empathic.reviews.routes_base import Member, Text, access_or_404, act, review_page
from empathic.reviews.routes_justculture import router as justculture_router
from empathic.reviews.routes_library import router as library_router
from empathic.web.deps import CsrfDep, DbDep
from empathic.web.params import reject_nul

router = APIRouter(dependencies=[CsrfDep, Depends(reject_nul)])
router.include_router(library_router)  # first: "/reviews/library" is not a review id


@router.get("/reviews/{review_id}")
def review(request: Request, db: DbDep, user: Member, review_id: ReviewId) -> Response:
    return review_page(request, db, access_or_404(db, user, review_id))


@router.post("/reviews/{review_id}/event")
def event(
    request: Request,
    db: DbDep,
    user: Member,
    review_id: ReviewId,
    form: Annotated[EventForm, Form()],
) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: service.update_event(db, a, **form.model_dump()),
        done="review-event",
        anchor="event",
        draft={"event": form},
    )


@router.post("/reviews/{review_id}/contributors")
def invite(
    request: Request, db: DbDep, user: Member, review_id: ReviewId, email: Text = ""
) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: service.invite(db, a, email),
        done="review-invited",
        anchor="people",
    )


@router.post("/reviews/{review_id}/account")
def write_account(
    request: Request,
    db: DbDep,
    user: Member,
    review_id: ReviewId,
    form: Annotated[AccountForm, Form()],
) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: perspectives.write_account(db, a, form.body, form.is_anonymous),
        done="review-account",
        anchor="my-account",
        draft={"account": form.body},
    )


@router.post("/reviews/{review_id}/account/withdraw")
def withdraw_account(request: Request, db: DbDep, user: Member, review_id: ReviewId) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: perspectives.withdraw_account(db, a),
        done="review-withdrawn",
        anchor="my-account",
    )


@router.post("/reviews/{review_id}/discussion")
def save_discussion(
    request: Request,
    db: DbDep,
    user: Member,
    review_id: ReviewId,
    form: Annotated[DiscussionForm, Form()],
) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: discussion.save_discussion(db, a, form.answers()),
        done="review-discussion",
        anchor="discussion",
        draft={"discussion": form},
    )


@router.post("/reviews/{review_id}/factors")
def add_factor(
    request: Request,
    db: DbDep,
    user: Member,
    review_id: ReviewId,
    form: Annotated[FactorForm, Form()],
) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: discussion.add_factor(db, a, form.category, form.text),
        done="review-factor",
        anchor="factors",
        draft={"factor": form},
    )


@router.post("/reviews/{review_id}/factors/{factor_id}/remove")
def remove_factor(
    request: Request, db: DbDep, user: Member, review_id: ReviewId, factor_id: FactorId
) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: discussion.remove_factor(db, a, factor_id),
        done="review-factor-removed",
        anchor="factors",
    )


@router.post("/reviews/{review_id}/actions")
def add_action(
    request: Request,
    db: DbDep,
    user: Member,
    review_id: ReviewId,
    form: Annotated[ActionForm, Form()],
) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: actions.add_action(db, a, **form.model_dump()),
        done="review-action",
        anchor="actions",
        draft={"action": form},
    )


@router.post("/reviews/{review_id}/actions/{action_id}")
def update_action(
    request: Request,
    db: DbDep,
    user: Member,
    review_id: ReviewId,
    action_id: ActionId,
    form: Annotated[ActionUpdateForm, Form()],
) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: actions.update_action(db, a, action_id, form.status, form.note),
        done="review-action-updated",
        anchor=f"action-{action_id}",
    )


@router.post("/reviews/{review_id}/summary")
def save_summary(
    request: Request, db: DbDep, user: Member, review_id: ReviewId, summary: Text = ""
) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: discussion.save_summary(db, a, summary),
        done="review-summary",
        anchor="summary",
        draft={"summary": summary},
    )


@router.post("/reviews/{review_id}/flags/{flag_id}/rewrite")
def rewrite(
    request: Request, db: DbDep, user: Member, review_id: ReviewId, flag_id: FlagId
) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: flags.apply_rewrite(db, a, flag_id),
        done="review-rewritten",
        anchor=f"flag-{flag_id}",
    )


@router.post("/reviews/{review_id}/flags/{flag_id}/resolve")
def resolve(
    request: Request,
    db: DbDep,
    user: Member,
    review_id: ReviewId,
    flag_id: FlagId,
    reason: Text = "",
) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: flags.resolve(db, a, flag_id, reason),
        done="review-resolved",
        anchor="publish",
    )


@router.post("/reviews/{review_id}/publish")
def publish(request: Request, db: DbDep, user: Member, review_id: ReviewId) -> Response:
    return act(
        request,
        db,
        user,
        review_id,
        lambda a: publish_review(db, a),
        done="review-published",
        anchor="publish",
    )


router.include_router(justculture_router)
