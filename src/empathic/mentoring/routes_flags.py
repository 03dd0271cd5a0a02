"""Flag pages: the facts, their confidence, alternative stories, the guide and the actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from empathic.accounts.models import User
from empathic.mentoring import flags, signals, stories
from empathic.mentoring.area import MENTOR
from empathic.mentoring.forms import FlagId
from empathic.mentoring.models import Flag
from empathic.mentoring.service import Access, MentoringError, NotFound
from empathic.mentoring.views import FlagPage
from empathic.web.deps import CsrfDep, DbDep, permit
from empathic.web.params import reject_nul
from empathic.web.render import render

router = APIRouter(dependencies=[CsrfDep, Depends(reject_nul)])

Member = Annotated[User, permit(MENTOR)]
Text = Annotated[str, Form()]


def _flag(db: DbDep, user: User, flag_id: int) -> tuple[Access, Flag]:
    try:
        return flags.flag_for(db, user, flag_id)
    except NotFound:
        raise HTTPException(404, "No such flag.") from None


def _page(
    request: Request, access: Access, flag: Flag, error: str = "", status: int = 200
) -> Response:
    context: FlagPage = {
        "pair": access.pair,
        "role": access.role,
        "flag": flag,
        "kind_label": signals.KINDS.get(flag.kind, flag.kind),
        "stories": stories.stories(flag.kind),
        "guide": stories.guide(flag.kind),
        "error": error,
    }
    return render(request, "mentoring/flag.html", dict(context), status)


@router.get("/mentoring/flags/{flag_id}")
def flag_page(request: Request, db: DbDep, user: Member, flag_id: FlagId) -> Response:
    access, flag = _flag(db, user, flag_id)
    return _page(request, access, flag)


def _act(
    request: Request,
    db: DbDep,
    user: User,
    flag_id: int,
    action: Callable[[Access, Flag], object],
) -> Response:
    access, flag = _flag(db, user, flag_id)
    try:
        action(access, flag)
    except MentoringError as exc:
        return _page(request, access, flag, str(exc), 400)
    except PermissionError as exc:
        raise HTTPException(403, f"Not allowed: {exc}.") from exc
    return RedirectResponse(f"/mentoring/flags/{flag_id}", status_code=303)


@router.post("/mentoring/flags/{flag_id}/story")
def story(request: Request, db: DbDep, user: Member, flag_id: FlagId, story: Text = "") -> Response:
    return _act(request, db, user, flag_id, lambda a, f: flags.record_story(a, f, story))


@router.post("/mentoring/flags/{flag_id}/account")
def account(
    request: Request, db: DbDep, user: Member, flag_id: FlagId, account: Text = ""
) -> Response:
    return _act(request, db, user, flag_id, lambda a, f: flags.add_account(a, f, account))


@router.post("/mentoring/flags/{flag_id}/consent")
def consent(
    request: Request, db: DbDep, user: Member, flag_id: FlagId, consent: Text = ""
) -> Response:
    return _act(
        request,
        db,
        user,
        flag_id,
        lambda a, f: flags.set_escalation_consent(a, f, consent == "1"),
    )


@router.post("/mentoring/flags/{flag_id}/resolve")
def resolve(
    request: Request, db: DbDep, user: Member, flag_id: FlagId, outcome: Text = ""
) -> Response:
    return _act(request, db, user, flag_id, lambda a, f: flags.resolve(a, f, outcome))


@router.post("/mentoring/flags/{flag_id}/escalate")
def escalate(
    request: Request, db: DbDep, user: Member, flag_id: FlagId, to: Text = "", outcome: Text = ""
) -> Response:
    return _act(request, db, user, flag_id, lambda a, f: flags.escalate(a, f, to, outcome))
