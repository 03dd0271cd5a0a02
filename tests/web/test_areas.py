"""A new area is one registry line plus its own folder: routes, page, navigation, permission."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.web.helpers import sign_up

import empathic.areas
from empathic.areas import AREA_PACKAGES, all_permissions, areas
from empathic.config import Settings
from empathic.models import metadata
from empathic.web.app import create_app
from empathic.web.deps import declared_permissions, route_table

AREA_PY = """
from empathic.areas import Area, NavLink
from empathic.permissions import STAFF, Permission

NOTE = Permission("kudos.note", STAFF, "Leave a note of thanks.")


def area() -> Area:
    return Area(
        name="kudos",
        package="kudos",
        routers=("kudos.routes:router",),
        nav=(NavLink("Kudos", "/kudos", NOTE, order=45),),
        permissions=(NOTE,),
    )
"""
ROUTES_PY = """
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from empathic.accounts.models import User
from empathic.web.deps import permit
from empathic.web.render import render
from kudos.area import NOTE

router = APIRouter()


@router.get("/kudos")
def page(request: Request, user: Annotated[User, permit(NOTE)]) -> Response:
    return render(request, "kudos/page.html", {"who": user.name})
"""
PAGE = '{% extends "web/base.html" %}{% block main %}<h1>Kudos from {{ who }}</h1>{% endblock %}'


@pytest.fixture
def kudos_area(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A throwaway area in its own folder, registered by one more registry entry."""
    folder = tmp_path / "kudos"
    (folder / "templates").mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "area.py").write_text(textwrap.dedent(AREA_PY))
    (folder / "routes.py").write_text(textwrap.dedent(ROUTES_PY))
    (folder / "templates" / "page.html").write_text(PAGE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(empathic.areas, "AREA_PACKAGES", (*AREA_PACKAGES, "kudos"))
    yield "kudos"
    for name in [m for m in sys.modules if m == "kudos" or m.startswith("kudos.")]:
        del sys.modules[name]


def test_a_new_area_is_one_registry_entry(kudos_area: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'k.db'}")
    app = create_app(settings)
    try:
        routes = {(m, p): declared_permissions(d) for m, p, d in route_table(app)}
        assert routes[("GET", "/kudos")] == {"kudos.note"}
        assert "kudos.note" in all_permissions()
        with TestClient(app) as client:
            admin = sign_up(client, "Ada Admin")  # the first account: an admin, so staff
            page = admin.client.get("/kudos")
            assert page.status_code == 200 and "Kudos from Ada Admin" in page.text
            assert '<a href="/kudos" aria-current="page">Kudos</a>' in page.text
            learner = sign_up(TestClient(app), "Lee Learner")
            assert learner.client.get("/kudos").status_code == 403
            assert 'href="/kudos"' not in learner.client.get("/practice").text
    finally:
        app.state.engine.dispose()


def test_every_registered_area_has_its_parts() -> None:
    """Each entry's routers, tables and demo seeders can be loaded, and names are unique."""
    registry = areas()
    names = [a.name for a in registry]
    assert names == ["accounts", "practice", "insights", "mentoring", "reviews"]
    tables = set(metadata().tables)
    assert {"users", "practice_runs", "mentoring_pairs"} <= tables
    for area in registry:
        for reference in (*area.routers, *(c.target for c in area.cli)):
            assert empathic.areas.load(reference) is not None
        if area.demo:
            assert callable(empathic.areas.load(area.demo))
        assert all(link.permission in area.permissions for link in area.nav), area.name
