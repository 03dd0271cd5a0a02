"""Single sign-on with OpenID Connect: `/signin/oidc` starts it, the provider answers at
`/signin/oidc/callback`. Every refusal is the ordinary error page with a plain reason,
and a line in the security log."""

from __future__ import annotations

import contextlib
import json
import secrets

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from empathic.accounts import oidc, provisioning, service
from empathic.accounts.area import SIGN_IN
from empathic.accounts.models import User
from empathic.config import Settings
from empathic.web.deps import DbDep, SettingsDep, permit
from empathic.web.logs import SECURITY
from empathic.web.render import error_response

router = APIRouter()

OPEN = [permit(SIGN_IN)]
STATE_COOKIE = "empathic_oidc"
"""Holds the state of the sign-in this browser started: an answer brought by another browser
(someone trying to sign a victim into the attacker's account) is refused."""
STATE_PATH = "/signin/oidc"


def _cache(request: Request) -> oidc.ProviderCache:
    """The app's provider cache, made on first use (the app factory knows nothing of SSO)."""
    cache = getattr(request.app.state, "oidc_cache", None)
    if cache is None:
        cache = request.app.state.oidc_cache = oidc.ProviderCache()
    return cache


def _require_sso(settings: Settings) -> None:
    if not settings.oidc_enabled():
        raise HTTPException(404, "Single sign-on is not set up on this site.")


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _refuse(request: Request, error: oidc.SsoError) -> Response:
    """The error page, the security-log line, and the browser's half-finished sign-in gone."""
    SECURITY.warning(
        json.dumps(
            {"event": "sso_refused", "reason": error.reason, "client": _client_address(request)}
        )
    )
    response = error_response(request, error.status, error.message)
    response.delete_cookie(STATE_COOKIE, path=STATE_PATH)
    return response


@router.get("/signin/oidc", dependencies=OPEN)
def oidc_start(request: Request, db: DbDep, settings: SettingsDep, next: str = "/") -> Response:
    """Send the browser to the provider, remembering state, nonce and PKCE verifier."""
    from empathic.accounts.routes import _safe_next  # routes.py includes this router

    _require_sso(settings)
    try:
        provider = _cache(request).provider(settings)
    except oidc.SsoError as exc:
        return _refuse(request, exc)
    redirect_uri = str(request.url_for("oidc_callback"))
    url, state = oidc.start(db, settings, provider, redirect_uri, _safe_next(next))
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=int(oidc.LOGIN_TTL.total_seconds()),
        path=STATE_PATH,
        httponly=True,
        samesite="lax",  # sent on the provider's top-level redirect back to us
        secure=settings.cookie_secure,
    )
    return response


@router.get("/signin/oidc/callback", name="oidc_callback", dependencies=OPEN)
def oidc_callback(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    state: str = "",
    code: str = "",
    error: str = "",
) -> Response:
    """Check the provider's answer, find or provision the person, and open a session."""
    from empathic.accounts.routes import _signed_in

    _require_sso(settings)
    try:
        user, how, next_path = _finish(request, db, settings, state, code, error)
    except oidc.SsoError as exc:
        return _refuse(request, exc)
    SECURITY.info(
        json.dumps(
            {
                "event": "sso_sign_in",
                "user": user.id,
                "how": how,
                "role": user.role,
                "client": _client_address(request),
            }
        )
    )
    response = _signed_in(service.open_session(db, settings, user), settings, next_path)
    response.delete_cookie(STATE_COOKIE, path=STATE_PATH)
    return response


def _finish(
    request: Request, db: Session, settings: Settings, state: str, code: str, error: str
) -> tuple[User, str, str]:
    started = request.cookies.get(STATE_COOKIE) or ""
    if error:  # some providers leave out the state here: clear this browser's sign-in anyway
        with contextlib.suppress(oidc.SsoError):
            oidc.consume(db, state or started)
        raise oidc.SsoError(
            403,
            f"{settings.oidc_provider_name} did not sign you in. Try again, or ask your "
            "administrator whether you have access to Empathic.",
            "provider_error:" + "".join(c for c in error[:40] if c.isalnum() or c == "_"),
        )
    if not state:
        raise oidc.SsoError(
            400, "This sign-in link is incomplete. Start the sign-in again.", "no_state"
        )
    pending = oidc.consume(db, state)  # used up now, whatever happens next
    if not secrets.compare_digest(started.encode(), state.encode()):
        raise oidc.SsoError(
            400,
            "This sign-in was started in another browser or window. Start the sign-in again here.",
            "state_not_from_this_browser",
        )
    if not code:
        raise oidc.SsoError(
            400, "This sign-in link is incomplete. Start the sign-in again.", "no_code"
        )
    cache = _cache(request)
    provider = cache.provider(settings)
    redirect_uri = str(request.url_for("oidc_callback"))
    id_token = oidc.exchange(settings, provider, pending, code, redirect_uri)
    claims = oidc.check_id_token(settings, cache, provider, id_token, pending.nonce)
    with db.begin_nested():  # a refusal while provisioning leaves no half-made account
        user, how = provisioning.person_for(db, settings, provider.issuer, claims)
    return user, how, pending.next_path
