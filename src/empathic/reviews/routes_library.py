"""The reviews home (my reviews, the library search), starting a review, and the published
library: an entry, its Markdown export and its print view (the PDF route is the browser's
"Save as PDF"; no PDF engine is bundled)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import Response

from empathic.accounts.models import User
from empathic.reviews import library, service, views
from empathic.reviews.area import START
from empathic.reviews.forms import EntryId, StartForm
from empathic.reviews.routes_base import Member
from empathic.reviews.scenarios import practice_for
from empathic.reviews.service import NotFound
from empathic.reviews.text import ReviewError
from empathic.web.deps import CsrfDep, DbDep, permit
from empathic.web.params import reject_nul
from empathic.web.render import render, see_other

router = APIRouter(dependencies=[CsrfDep, Depends(reject_nul)])

Starter = Annotated[User, permit(START)]
Query_ = Annotated[str, Query(max_length=library.QUERY_LIMIT)]


class HomePage(views.HomeView):
    """reviews/home.html after a start that failed: the message, and the form as typed."""

    error: str
    form: StartForm


@router.get("/reviews")
def home(request: Request, db: DbDep, user: Member) -> Response:
    return render(request, "reviews/home.html", dict(views.home(db, user)))


@router.get("/reviews/library")
def search(request: Request, db: DbDep, user: Member, q: Query_ = "") -> Response:
    """The library, searched; also answers `?q=` from the home page's search box."""
    context: views.LibraryPage = {"query": q, "results": library.search(db, q), **views.labels()}
    return render(request, "reviews/library.html", dict(context))


@router.post("/reviews")
def start(
    request: Request,
    db: DbDep,
    user: Starter,
    form: Annotated[StartForm, Form()],
) -> Response:
    try:
        review = service.start_review(db, user, **form.model_dump())
    except ReviewError as exc:
        db.rollback()
        context: HomePage = {**views.home(db, user), "error": str(exc), "form": form}
        return render(request, "reviews/home.html", dict(context), 400)
    except PermissionError as exc:
        raise HTTPException(403, "Only facilitators and admins start reviews.") from exc
    return see_other(f"/reviews/{review.id}?done=review-started")


def _entry(db: DbDep, entry_id: int) -> library.LibraryEntry:
    try:
        return library.entry_for(db, entry_id)
    except NotFound:
        raise HTTPException(404, "No such published learning.") from None


@router.get("/reviews/library/{entry_id}")
def entry(request: Request, db: DbDep, user: Member, entry_id: EntryId) -> Response:
    found = _entry(db, entry_id)
    context: views.EntryPage = {
        "entry": found,
        "changes": library.changes_since(db, found),
        "practice": practice_for(found.tags, found.title, found.summary),
        "years": library.years_since(found),
        **views.labels(),
    }
    return render(request, "reviews/entry.html", dict(context))


@router.get("/reviews/library/{entry_id}/export.md")
def export_markdown(db: DbDep, user: Member, entry_id: EntryId) -> Response:
    found = _entry(db, entry_id)
    return Response(
        library.markdown(found, library.changes_since(db, found)),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="learning-review-{entry_id}.md"'},
    )
