"""Page rendering: one Jinja environment over every area's templates, with the layout globals."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, PrefixLoader, select_autoescape

from empathic.areas import Area, NavLink, all_permissions
from empathic.permissions import allowed
from empathic.web.deps import csrf_token_for


def template_env(areas: tuple[Area, ...]) -> Environment:
    """Templates are named `<area>/<file>`; each area keeps its own `templates/` folder
    (the layout and error pages are `web/...`)."""
    folders = {"web": Path(__file__).with_name("templates")}
    for area in areas:
        folders[area.name] = Path(import_module(area.package).__path__[0]) / "templates"
    loaders = {name: FileSystemLoader(str(path)) for name, path in folders.items() if path.is_dir()}
    env = Environment(
        loader=PrefixLoader(loaders), autoescape=select_autoescape(["html"]), trim_blocks=True
    )
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * float(v):.0f}%"
    env.filters["num"] = lambda v, d=2: "–" if v is None else f"{float(v):.{d}f}"
    env.filters["when"] = lambda v: v.strftime("%d %b %Y %H:%M") if v else ""
    env.filters["count"] = counted
    return env


def counted(number: Any, singular: str, plural: str | None = None) -> str:
    """`1 question`, `2 questions`, `1 piece of advice`: never "1 questions" or "day(s)"."""
    n = int(number or 0)
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    env: Environment = request.app.state.templates
    user = getattr(request.state, "viewer", None)
    values = {
        "request": request,
        "user": user,
        "navigation": navigation(request.app.state.areas, user, request.url.path),
        "may": lambda name: allowed(user, all_permissions(request.app.state.areas)[name]),
        "notice": notice(request.app.state.areas, request.query_params.get("done", "")),
        "csrf_token": csrf_token_for(request),
        "settings": request.app.state.settings,
        **(context or {}),
    }
    return HTMLResponse(env.get_template(name).render(values), status_code=status)


def notice(areas: tuple[Area, ...], key: str) -> str:
    """The confirmation for `?done=key` from the areas' fixed sentences; an unknown key
    shows nothing (so the address can never put words on the page)."""
    return next((text for area in areas for name, text in area.notices if name == key), "")


def navigation(areas: tuple[Area, ...], viewer: Any, path: str) -> list[dict[str, Any]]:
    """The main navigation for this viewer: every area's links their role allows, in order,
    with the current page marked (`aria-current`)."""
    links: list[NavLink] = sorted(
        (link for area in areas for link in area.nav if allowed(viewer, link.permission)),
        key=lambda link: link.order,
    )
    current = max(
        (link.href for link in links if path == link.href or path.startswith(link.href + "/")),
        key=len,
        default=None,
    )
    return [
        {"label": link.label, "href": link.href, "current": link.href == current} for link in links
    ]


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
