"""The app factory: `create_app(settings)` builds everything; nothing is built at import time."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from empathic.areas import NextStep, load
from empathic.config import Settings
from empathic.db import make_engine, migrate, session_factory
from empathic.permissions import PUBLIC
from empathic.web.deps import CSRF_COOKIE, DbDep, OptionalUserDep, SignInRequired, permit
from empathic.web.logs import AccessLog
from empathic.web.logs import configure as configure_logging
from empathic.web.render import error_response, render, template_env, wants_json

log = logging.getLogger(__name__)

BODY_MARGIN = 1024 * 1024
"""Room for form fields and multipart framing around the largest transcript upload."""

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
}


def create_app(settings: Settings, *, run_migrations: bool = True) -> FastAPI:
    """Build the web app for these settings; migrates the database unless told not to."""
    from empathic.analysis.packs import PackCache
    from empathic.areas import areas
    from empathic.insights.worker import analysis_pool
    from empathic.llm import client_from_settings
    from empathic.practice.service import SimulationCache

    engine = make_engine(settings.resolved_database_url())
    if run_migrations:
        migrate(engine)
    app = FastAPI(
        title="Empathic",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # Refuse oversized bodies while reading them, before sign-in or CSRF checks run.
        max_body_size=settings.max_upload_bytes + BODY_MARGIN,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.areas = areas()
    app.state.templates = template_env(app.state.areas)
    app.state.packs = PackCache()  # loaded on first use, shared by every area
    # Practice codes turns with the same default pack as Analyse (loaded on first turn).
    app.state.simulations = SimulationCache(coder=lambda: practice_coder(app.state.packs, settings))
    app.state.llm_client = client_from_settings(settings)  # None when no endpoint is set
    app.state.analysis_pool = analysis_pool(settings)  # its processes start on first use
    app.add_middleware(_Headers, settings=settings)
    app.add_middleware(AccessLog)  # outermost: it times and records every request
    configure_logging(settings.log_level)
    app.mount("/static", StaticFiles(directory=Path(__file__).with_name("static")), "static")
    for area in app.state.areas:
        for router in area.routers:
            app.include_router(load(router))
    _handlers(app)
    return app


def practice_coder(packs: Any, settings: Settings) -> Any:
    """The default pack's coder; the rule coder (logged) when the pack cannot load, so a
    broken pack never stops a practice run."""
    from empathic.analysis.coding import RuleCoder
    from empathic.analysis.packs import PackError

    try:
        return packs.get(None, settings)[1]
    except PackError as exc:
        log.warning("practice falls back to the rule coder: %s", exc)
        return RuleCoder()


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Freeze what exists at start for the garbage collector; at the end, close what the app
    opened: the analysis workers, the language-model client and the database pool.

    The objects alive at start (modules, the schema, the templates: about 200,000) never
    become garbage, yet every full collection walked them all: 100-150 ms, every ten or
    so requests, which set the p95 of every page (`bench/pages.py`). Frozen, they are
    left out of collections; unfrozen at the end, so an app closed in a longer-lived
    process (the tests) can be collected. No collection first: freezing is O(1), but a
    full collection of a large heap is not (it doubled the test suite's time, 0.25 s
    per app start), and what little start-up garbage there is costs only memory.
    """
    gc.freeze()
    yield
    gc.unfreeze()
    if app.state.analysis_pool is not None:
        app.state.analysis_pool.close()
    client = app.state.llm_client
    if client is not None:
        client.close()
    app.state.engine.dispose()


class _Headers:
    """Security headers on every response and the pre-sign-in CSRF cookie when one was issued.

    A plain ASGI middleware: Starlette's BaseHTTPMiddleware would copy every chunk of a
    streamed reply through extra tasks and queues.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.secure = settings.cookie_secure
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in self.headers:
                    if key.decode() not in headers:
                        headers.raw.append((key, value))
                if "cache-control" not in headers and not scope["path"].startswith("/static/"):
                    # pages hold people's conversations: never kept by a browser or a proxy
                    headers.raw.append((b"cache-control", b"no-store"))
                token = scope.get("state", {}).get("new_csrf")
                if token:
                    cookie = f"{CSRF_COOKIE}={token}; HttpOnly; Path=/; SameSite=lax"
                    headers.append("set-cookie", cookie + ("; Secure" if self.secure else ""))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _exc: SignInRequired) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": "Sign in first."}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)

    # Starlette's own class: the router's 404 (no such address) and 405 are pages too
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":  # the router's, for no route
            message = "There is nothing at this address."
        response = error_response(request, exc.status_code, message)
        response.headers.update(exc.headers or {})  # e.g. a 405's Allow
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if all(e.get("loc", ("",))[0] == "path" for e in exc.errors()):
            # /runs/abc or /admin/users/x: an address that names nothing is "not found".
            return error_response(request, 404, "There is nothing at this address.")
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg')}"
            for e in exc.errors()
        )
        return error_response(request, 422, problems)

    @app.exception_handler(DataError)
    @app.exception_handler(OverflowError)
    async def bad_value(request: Request, _exc: Exception) -> Response:
        """A value the database cannot store (out-of-range number, NUL byte): the user's input."""
        message = "A value in the request is out of range or contains characters we cannot store."
        return error_response(request, 400, message)

    @app.get("/healthz", include_in_schema=False, dependencies=[permit(PUBLIC)])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/favicon.ico", include_in_schema=False, dependencies=[permit(PUBLIC)])
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/", response_class=HTMLResponse, dependencies=[permit(PUBLIC)])
    def home(request: Request, user: OptionalUserDep, db: DbDep) -> Response:
        """The home page; signed in, it starts with what each area says is next for them."""
        steps: list[NextStep] = []
        if user is not None:
            for area in request.app.state.areas:
                if area.home is not None:
                    steps += load(area.home)(db, user)
        return render(request, "web/home.html", {"signed_in": user is not None, "next": steps})
