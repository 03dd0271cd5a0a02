"""What every review page route shares: finding the review, drawing its page, one change.

Every change runs through `act`: the review if the person takes part in it (else the
same 404 as for no review), the service call, and on a fixable problem a rollback and
the page again with the message and what they typed (400), so bad input changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Form, HTTPException, Request
from fastapi.responses import Response

from empathic.accounts.models import User
from empathic.reviews import discussion, service, views
from empathic.reviews.area import READ
from empathic.reviews.forms import Draft
from empathic.reviews.service import Access, NotFound
from empathic.reviews.text import ReviewError
from empathic.web.deps import DbDep, permit
from empathic.web.render import render, see_other

Member = Annotated[User, permit(READ)]
"""Everyone may ask; `service.review_for` then decides who takes part in which review."""
Text = Annotated[str, Form()]


class ReviewPage(views.ReviewView):
    """reviews/review.html: the review, and what the last post left (a problem, a draft)."""

    error: str
    draft: Draft


def access_or_404(db: DbDep, user: User, review_id: int) -> Access:
    try:
        return service.review_for(db, user, review_id)
    except NotFound:
        raise HTTPException(404, "No such learning review.") from None


def review_page(
    request: Request,
    db: DbDep,
    access: Access,
    error: str = "",
    draft: Draft | None = None,
    status: int = 200,
) -> Response:
    context: ReviewPage = {**views.review_page(db, access), "error": error, "draft": draft or {}}
    return render(request, "reviews/review.html", dict(context), status)


def justculture_page(
    request: Request, db: DbDep, access: Access, error: str = "", status: int = 200
) -> Response:
    context: views.JustCulturePage = {
        "review": access.review,
        "access": access,
        "error": error,
        "cases": discussion.cases(db, access),
        **views.labels(),
    }
    return render(request, "reviews/justculture.html", dict(context), status)


def act(
    request: Request,
    db: DbDep,
    user: User,
    review_id: int,
    change: Callable[[Access], object],
    *,
    done: str,
    anchor: str = "",
    draft: Draft | None = None,
    page: str = "",
) -> Response:
    """Run one change; a fixable problem re-renders the page (400) with nothing saved.

    `done` names the confirmation shown after the redirect (`area.notices`); `page` is
    "justculture" for the separate Just Culture page, else the review page.
    """
    access = access_or_404(db, user, review_id)
    try:
        change(access)
    except ReviewError as exc:
        db.rollback()
        again = access_or_404(db, user, review_id)
        if page == "justculture":
            return justculture_page(request, db, again, str(exc), 400)
        return review_page(request, db, again, str(exc), draft, 400)
    except PermissionError as exc:
        db.rollback()
        raise HTTPException(403, f"Not allowed: {exc}.") from exc
    except LookupError:
        db.rollback()
        raise HTTPException(404, "Not found in this review.") from None
    suffix = f"/{page}" if page else ""
    fragment = f"#{anchor}" if anchor else ""
    return see_other(f"/reviews/{review_id}{suffix}?done={done}{fragment}")
