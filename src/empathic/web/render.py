"""Page rendering: one Jinja environment over every area's templates, with the layout globals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, PrefixLoader, select_autoescape

from empathic.web.deps import csrf_token_for

AREAS = ("web", "accounts", "practice", "insights", "mentoring")


def template_env() -> Environment:
    """Templates are named `<area>/<file>`; each area keeps its own `templates/` folder."""
    root = Path(__file__).resolve().parents[1]
    loaders = {
        area: FileSystemLoader(str(root / area / "templates"))
        for area in AREAS
        if (root / area / "templates").is_dir()
    }
    env = Environment(
        loader=PrefixLoader(loaders), autoescape=select_autoescape(["html"]), trim_blocks=True
    )
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * float(v):.0f}%"
    env.filters["num"] = lambda v, d=2: "–" if v is None else f"{float(v):.{d}f}"
    env.filters["when"] = lambda v: v.strftime("%d %b %Y %H:%M") if v else ""
    return env


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    env: Environment = request.app.state.templates
    user = getattr(request.state, "viewer", None)
    values = {
        "request": request,
        "user": user,
        "csrf_token": csrf_token_for(request),
        "settings": request.app.state.settings,
        **(context or {}),
    }
    return HTMLResponse(env.get_template(name).render(values), status_code=status)


def wants_json(request: Request) -> bool:
    """`fetch` calls that ask for JSON (the practice script) get JSON; pages get pages."""
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, message: str) -> Response:
    """`{"detail": message}` for a JSON caller, else the error page: one reply for every error."""
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    return render(request, "web/error.html", {"status": status, "message": message}, status)


def see_other(url: str) -> RedirectResponse:
    """After a successful form post: go there with GET (303), so a reload never re-posts."""
    return RedirectResponse(url, status_code=303)
