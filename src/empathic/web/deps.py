"""Request dependencies named as types (`DbDep`, `UserDep`, ...) and the CSRF check."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.accounts.service import session_for
from empathic.config import Settings
from empathic.db import session_scope
from empathic.permissions import Permission, allowed

SESSION_COOKIE = "empathic_session"
CSRF_COOKIE = "empathic_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class SignInRequired(Exception):
    """Raised by `UserDep` when nobody is signed in; the app redirects to the sign-in page."""


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    """One session per request: committed when the route returns, rolled back on error."""
    with session_scope(request.app.state.sessions) as db:
        yield db


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbDep = Annotated[Session, Depends(get_db, scope="function")]
"""Committed when the route function returns, before the response is sent: a client never
sees a redirect or a reply for data that is not yet durable (the default would commit after)."""


def optional_user(request: Request, db: DbDep) -> User | None:
    found = session_for(db, request.cookies.get(SESSION_COOKIE))
    user = found.user if found is not None else None
    request.state.session_csrf = found.csrf_token if found is not None else None
    # A detached snapshot for templates: error pages render after the session has closed.
    request.state.viewer = (
        SimpleNamespace(
            id=user.id, name=user.name, email=user.email, role=user.role, team_id=user.team_id
        )
        if user is not None
        else None
    )
    return user


async def require_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise SignInRequired()
    return user


OptionalUserDep = Annotated[User | None, Depends(optional_user)]
UserDep = Annotated[User, Depends(require_user)]
"""The signed-in person, for helpers shared by routes that each declare a `permit(...)`."""


def permit(permission: Permission) -> Any:
    """The dependency every route declares: signs in (unless public) and checks the role.

    `check.permission` is read by the route-table test, which fails on any route that
    declares none. Checks on a particular run, pair or person happen in the services
    with the same `allowed()`, on the loaded resource. The checks are `async`: they read
    nothing, so they run on the event loop instead of costing a hop to a worker thread.
    """
    if permission.public:

        async def public() -> None:
            return None

        public.permission = permission  # type: ignore[attr-defined]
        return Depends(public)

    async def check(user: Annotated[User | None, Depends(optional_user)]) -> User:
        if user is None:
            raise SignInRequired()
        if not allowed(user, permission):
            raise HTTPException(403, permission.refusal())
        return user

    check.permission = permission  # type: ignore[attr-defined]
    return Depends(check)


def route_table(app: Any) -> list[tuple[str, str, Any]]:
    """(method, path, dependant) for every API route, included routers flattened."""
    table: list[tuple[str, str, Any]] = []
    for route in app.routes:
        contexts = (
            route.effective_route_contexts()
            if hasattr(route, "effective_route_contexts")
            else [route]
        )
        for context in contexts:
            dependant = getattr(context, "dependant", None)
            if dependant is None:  # a mounted app (the static files)
                continue
            table.extend((method, context.path, dependant) for method in sorted(context.methods))
    return table


def declared_permissions(dependant: Any) -> set[str]:
    """Names of the permissions a route's dependency tree declares (for the route-table test)."""
    found: set[str] = set()
    stack = [dependant]
    while stack:
        current = stack.pop()
        declared = getattr(current.call, "permission", None)
        if isinstance(declared, Permission):
            found.add(declared.name)
        stack.extend(current.dependencies)
    return found


def csrf_token_for(request: Request) -> str:
    """The token forms must echo: the session's when signed in, else the pre-sign-in cookie's."""
    session_token = getattr(request.state, "session_csrf", None)
    if session_token:
        return str(session_token)
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return str(token)


async def check_csrf(request: Request, _user: OptionalUserDep) -> None:
    """Every unsafe request must carry the token in a form field or the X-CSRF-Token header."""
    if request.method not in UNSAFE:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent and _is_form(request):
        form = await request.form()
        value: Any = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = getattr(request.state, "session_csrf", None) or request.cookies.get(CSRF_COOKIE)
    if (
        not sent
        or not expected
        or not secrets.compare_digest(str(sent).encode(), str(expected).encode())
    ):
        raise HTTPException(403, "The form expired or came from another site. Reload the page.")


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


CsrfDep = Depends(check_csrf)
