"""The admin's daily work beyond roles and teams: the audit log (page and CSV), invitations,
deactivating and reactivating people. Every route is `permit(ADMINISTER)`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from empathic.accounts import audit, deactivation, invitations, service
from empathic.accounts.area import ADMINISTER
from empathic.accounts.models import User
from empathic.db import utcnow
from empathic.web.deps import CsrfDep, DbDep, SettingsDep, permit
from empathic.web.params import UserId
from empathic.web.render import render, see_other

router = APIRouter(dependencies=[CsrfDep])

Admin = Annotated[User, permit(ADMINISTER)]


@dataclass
class AuditQuery:
    """The audit filters as the page's form sends them (query parameters, all optional)."""

    actor: str = ""
    subject: str = ""
    action: str = ""
    since: str = ""
    until: str = ""

    def filters(self) -> audit.Filters:
        return audit.parse_filters(self.actor, self.subject, self.action, self.since, self.until)


Query = Annotated[AuditQuery, Depends()]


def _describer(request: Request) -> audit.Describer:
    return audit.describer(request.app.state.areas)


@router.get("/admin/audit")
def audit_page(request: Request, db: DbDep, user: Admin, query: Query, page: int = 1) -> Response:
    """The audit log with names and sentences, filtered by the query string, 100 a page."""
    describe = _describer(request)
    context = {
        "actors": audit.people_in_log(db, "actor"),
        "subjects": audit.people_in_log(db, "subject"),
        "kinds": audit.action_kinds(db, describe),
        "form": asdict(query),
    }
    try:
        filters = query.filters()
    except service.AccountError as exc:
        return render(request, "accounts/audit.html", {**context, "error": str(exc)}, 400)
    found = audit.page_of(db, user, filters, describe, page)
    return render(
        request,
        "accounts/audit.html",
        {**context, "log": found, "filters": filters, "filtered": filters != audit.Filters()},
    )


@router.get("/admin/audit.csv")
def audit_csv(request: Request, user: Admin, query: Query) -> Response:
    """Every entry the filters keep, as a spreadsheet-safe CSV download, streamed a batch at
    a time from a session of its own (the request's closes when this function returns)."""
    try:
        filters = query.filters()
    except service.AccountError as exc:
        raise HTTPException(400, str(exc)) from exc
    describe, sessions = _describer(request), request.app.state.sessions

    def body() -> Iterator[str]:
        with sessions() as db:
            yield from audit.csv_chunks(db, user, filters, describe)

    name = f"empathic-audit-{utcnow():%Y-%m-%d}.csv"
    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/admin/invitations")
def admin_invite(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    user: Admin,
    email: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "learner",
    team_id: Annotated[str, Form()] = "",
) -> Response:
    """Create the invitation and show its link this once (answered here, not redirected:
    the token exists in clear only in this response)."""
    if team_id and not (team_id.isascii() and team_id.isdigit()):
        raise HTTPException(400, "Choose a team from the list.")
    try:
        invited = invitations.invite(
            db, user, email=email, role=role, team_id=int(team_id) if team_id else None
        )
    except service.AccountError as exc:
        raise HTTPException(400, str(exc)) from exc
    link = request.url_for("signup_page").include_query_params(invite=invited.token)
    return render(
        request,
        "accounts/invited.html",
        {
            "invitation": invited.invitation,
            "link": str(link),
            "days": invitations.INVITATION_DAYS,
            "password_signin": settings.password_signin,
        },
    )


@router.post("/admin/users/{user_id}/deactivate")
def admin_deactivate(user_id: UserId, db: DbDep, user: Admin) -> Response:
    try:
        deactivation.deactivate(db, user, user_id)
    except service.AccountError as exc:
        raise HTTPException(400, str(exc)) from exc
    return see_other("/admin?done=deactivated")


@router.post("/admin/users/{user_id}/reactivate")
def admin_reactivate(user_id: UserId, db: DbDep, user: Admin) -> Response:
    try:
        deactivation.reactivate(db, user, user_id)
    except service.AccountError as exc:
        raise HTTPException(400, str(exc)) from exc
    return see_other("/admin?done=reactivated")
