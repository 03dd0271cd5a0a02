"""Sign-up, sign-in, sign-out and the admin's people, teams and audit pages."""

from __future__ import annotations

import contextlib
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from empathic.accounts import invitations, service
from empathic.accounts.area import ADMINISTER, OWN_SESSIONS, SIGN_IN
from empathic.accounts.models import ROLES, User
from empathic.accounts.routes_oidc import router as oidc_router
from empathic.web.deps import SESSION_COOKIE, CsrfDep, DbDep, OptionalUserDep, SettingsDep, permit
from empathic.web.params import UserId
from empathic.web.render import render

router = APIRouter(dependencies=[CsrfDep])

Admin = Annotated[User, permit(ADMINISTER)]
Person = Annotated[User, permit(OWN_SESSIONS)]
OPEN = [permit(SIGN_IN)]


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would help phishing."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


def _signed_in(signed: service.SignedIn, settings: SettingsDep, target: str) -> Response:
    response = RedirectResponse(_safe_next(target), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )
    return response


def _password_off(settings: SettingsDep) -> str:
    """Why a password form was refused when the organisation signs in only by SSO."""
    if settings.oidc_enabled():
        name = settings.oidc_provider_name
        return f"Password sign-in is switched off here: sign in with {name}."
    return "Password sign-in is switched off here. Ask your administrator how to sign in."


@router.get("/signup", dependencies=OPEN)
def signup_page(request: Request, db: DbDep, user: OptionalUserDep, invite: str = "") -> Response:
    """The sign-up form; with `?invite=TOKEN` the admin's invitation fixes email, role, team."""
    if user is not None and not invite:
        return RedirectResponse("/", status_code=303)
    if not invite:
        return render(request, "accounts/signup.html", {"form": {}})
    if user is not None:
        error = "You are signed in already. Sign out, then open the invitation link again."
        return render(request, "accounts/signup.html", {"error": error, "invite_error": True}, 400)
    try:
        invitation = invitations.invitation_for(db, invite)
    except invitations.InvitationError as exc:
        return render(
            request, "accounts/signup.html", {"error": str(exc), "invite_error": True}, 400
        )
    context = {"form": {}, "invitation": invitation, "invite": invite}
    return render(request, "accounts/signup.html", context)


@router.post("/signup", dependencies=OPEN)
def signup(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    invite: Annotated[str, Form()] = "",
) -> Response:
    if not settings.password_signin:
        return render(request, "accounts/signup.html", {"error": _password_off(settings)}, 403)
    if invite:
        return _signup_invited(request, db, settings, invite, name, password)
    try:
        user = service.sign_up(db, email=email, name=name, password=password)
    except service.AccountError as exc:
        form = {"email": email, "name": name}
        return render(request, "accounts/signup.html", {"error": str(exc), "form": form}, 400)
    return _signed_in(service.open_session(db, settings, user), settings, "/")


def _signup_invited(
    request: Request, db: DbDep, settings: SettingsDep, invite: str, name: str, password: str
) -> Response:
    """Sign up by invitation: the email is the invitation's, whatever the form says."""
    try:
        user = invitations.sign_up_invited(db, invite, name=name, password=password)
    except invitations.InvitationError as exc:
        return render(
            request, "accounts/signup.html", {"error": str(exc), "invite_error": True}, 400
        )
    except service.AccountError as exc:  # the savepoint undid the claim: still open
        context: dict[str, object] = {"error": str(exc), "form": {"name": name}, "invite": invite}
        with contextlib.suppress(invitations.InvitationError):  # expired meanwhile
            context["invitation"] = invitations.invitation_for(db, invite)
        return render(request, "accounts/signup.html", context, 400)
    return _signed_in(service.open_session(db, settings, user), settings, "/")


@router.get("/signin", dependencies=OPEN)
def signin_page(request: Request, user: OptionalUserDep, next: str = "/") -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "accounts/signin.html", {"next": _safe_next(next), "form": {}})


@router.post("/signin", dependencies=OPEN)
def signin(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    address = request.client.host if request.client else "unknown"
    if not settings.password_signin:
        context = {"error": _password_off(settings), "next": _safe_next(next), "form": {}}
        return render(request, "accounts/signin.html", context, 403)
    try:
        signed = service.sign_in(db, settings, email=email, password=password, address=address)
    except service.TooManyAttempts as exc:
        response = render(
            request,
            "accounts/signin.html",
            {"error": str(exc), "next": _safe_next(next), "form": {"email": email}},
            429,
        )
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except service.AccountError as exc:
        context = {"error": str(exc), "next": _safe_next(next), "form": {"email": email}}
        return render(request, "accounts/signin.html", context, 400)
    return _signed_in(signed, settings, next)


@router.post("/signout", dependencies=OPEN)
def signout(request: Request, db: DbDep) -> Response:
    service.sign_out(db, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/signout/everywhere")
def signout_everywhere(db: DbDep, user: Person) -> Response:
    """Sign out on every device: all of the person's sessions end, this one included."""
    service.sign_out_everywhere(db, user)
    db.commit()
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/admin")
def admin_page(request: Request, db: DbDep, user: Admin, page: int = 1, q: str = "") -> Response:
    """People (50 a page, found by name or email), teams, invitations."""
    return render(
        request,
        "accounts/admin.html",
        {
            "people": service.people_page(db, page, q),
            "query": q,
            "teams": service.list_teams(db),
            "sizes": service.team_sizes(db),
            "roles": ROLES,
            "invitations": invitations.open_invitations(db),
            "invitation_days": invitations.INVITATION_DAYS,
            "me": user.id,
        },
    )


@router.post("/admin/users/{user_id}")
def admin_update_user(
    user_id: UserId,
    db: DbDep,
    user: Admin,
    role: Annotated[str, Form()],
    team_id: Annotated[str, Form()] = "",
) -> Response:
    try:
        service.set_role(db, user, user_id, role)
        service.assign_team(db, user, user_id, int(team_id) if team_id else None)
    except (service.AccountError, ValueError) as exc:
        raise HTTPException(400, str(exc)) from exc
    return RedirectResponse("/admin?done=person", status_code=303)


@router.post("/admin/teams")
def admin_create_team(db: DbDep, user: Admin, name: Annotated[str, Form()] = "") -> Response:
    try:
        service.create_team(db, user, name)
    except service.AccountError as exc:
        raise HTTPException(400, str(exc)) from exc
    return RedirectResponse("/admin?done=team", status_code=303)


router.include_router(oidc_router)  # single sign-on: /signin/oidc, /signin/oidc/callback
