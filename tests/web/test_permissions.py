"""Every route declares a permission, and the authorisation matrix pins who may reach it.

The matrix below is written out by hand on purpose: it is the product's promise of
who may do what, so a change to a declaration that widens or narrows access fails
here until someone changes the promise too. Each role reaches each route on both
databases; ids name nothing, so an allowed request ends in 404/400/422/200 and a
refused one in 403 (or the sign-in page for nobody).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.web.helpers import PASSWORD, Person, csrf, sign_up
from tests.web.test_practice_access import set_role

from empathic.areas import all_permissions, areas
from empathic.config import Settings
from empathic.permissions import Permission, Role, Scope, allowed
from empathic.web.app import create_app
from empathic.web.deps import declared_permissions, route_table

ANYONE = "anyone"  # public: no sign-in
SIGNED_IN = "signed-in"  # every role
STAFF = "staff"  # facilitators and admins
ADMIN = "admin"

MATRIX = {
    ("GET", "/"): ANYONE,
    ("GET", "/healthz"): ANYONE,
    ("GET", "/favicon.ico"): ANYONE,
    ("GET", "/how-ai-works"): ANYONE,
    ("GET", "/signup"): ANYONE,
    ("POST", "/signup"): ANYONE,
    ("GET", "/signin"): ANYONE,
    ("POST", "/signin"): ANYONE,
    ("POST", "/signout"): ANYONE,
    ("GET", "/signin/oidc"): ANYONE,
    ("GET", "/signin/oidc/callback"): ANYONE,
    ("GET", "/mentoring/pairs/{pair_id}/calendar.ics"): ANYONE,
    ("POST", "/signout/everywhere"): SIGNED_IN,
    ("GET", "/practice"): SIGNED_IN,
    ("GET", "/practice/{scenario_id}"): SIGNED_IN,
    ("POST", "/practice/{scenario_id}/start"): SIGNED_IN,
    ("GET", "/runs/{run_id}"): SIGNED_IN,
    ("POST", "/runs/{run_id}/turns"): SIGNED_IN,
    ("GET", "/runs/{run_id}/turns/{index}/stream"): SIGNED_IN,
    ("POST", "/runs/{run_id}/end"): SIGNED_IN,
    ("GET", "/runs/{run_id}/debrief"): SIGNED_IN,
    ("POST", "/runs/{run_id}/reflection"): SIGNED_IN,
    ("POST", "/runs/{run_id}/share"): SIGNED_IN,
    ("POST", "/runs/{run_id}/retry"): SIGNED_IN,
    ("POST", "/runs/{run_id}/comments"): SIGNED_IN,
    ("GET", "/runs/compare"): SIGNED_IN,
    ("POST", "/runs/{run_id}/discard"): SIGNED_IN,
    ("POST", "/runs/{run_id}/corrections"): SIGNED_IN,
    ("GET", "/analyse"): SIGNED_IN,
    ("POST", "/analyse"): SIGNED_IN,
    ("GET", "/growth"): SIGNED_IN,
    ("GET", "/analyses"): SIGNED_IN,
    ("GET", "/analyses/{analysis_id}"): SIGNED_IN,
    ("POST", "/analyses/{analysis_id}/title"): SIGNED_IN,
    ("POST", "/analyses/{analysis_id}/delete"): SIGNED_IN,
    ("GET", "/analyses/{analysis_id}/scores.json"): SIGNED_IN,
    ("GET", "/analyses/{analysis_id}/report.html"): SIGNED_IN,
    ("GET", "/mentoring"): SIGNED_IN,
    ("POST", "/mentoring/invite"): SIGNED_IN,
    ("POST", "/mentoring/requests/{request_id}/withdraw"): SIGNED_IN,
    ("GET", "/mentoring/pairs/{pair_id}"): SIGNED_IN,
    ("POST", "/mentoring/pairs/{pair_id}/state"): SIGNED_IN,
    ("POST", "/mentoring/pairs/{pair_id}/consent"): SIGNED_IN,
    ("POST", "/mentoring/pairs/{pair_id}/goals"): SIGNED_IN,
    ("POST", "/mentoring/pairs/{pair_id}/milestones"): SIGNED_IN,
    ("POST", "/mentoring/pairs/{pair_id}/milestones/{milestone_id}/progress"): SIGNED_IN,
    ("POST", "/mentoring/pairs/{pair_id}/import"): SIGNED_IN,
    ("POST", "/mentoring/pairs/{pair_id}/import/confirm"): SIGNED_IN,
    ("POST", "/mentoring/pairs/{pair_id}/checkins"): SIGNED_IN,
    ("POST", "/mentoring/pairs/{pair_id}/sessions"): SIGNED_IN,
    ("POST", "/mentoring/pairs/{pair_id}/sessions/{session_id}/tags"): SIGNED_IN,
    ("GET", "/mentoring/pairs/{pair_id}/sessions/{session_id}/reflection"): SIGNED_IN,
    ("POST", "/mentoring/pairs/{pair_id}/schedule"): SIGNED_IN,
    ("POST", "/mentoring/pairs/{pair_id}/calendar/rotate"): SIGNED_IN,
    ("GET", "/mentoring/pairs/{pair_id}/transparency"): SIGNED_IN,
    ("GET", "/mentoring/flags/{flag_id}"): SIGNED_IN,
    ("POST", "/mentoring/flags/{flag_id}/story"): SIGNED_IN,
    ("POST", "/mentoring/flags/{flag_id}/account"): SIGNED_IN,
    ("POST", "/mentoring/flags/{flag_id}/consent"): SIGNED_IN,
    ("POST", "/mentoring/flags/{flag_id}/resolve"): SIGNED_IN,
    ("POST", "/mentoring/flags/{flag_id}/escalate"): SIGNED_IN,
    ("GET", "/reviews"): SIGNED_IN,
    ("GET", "/reviews/library"): SIGNED_IN,
    ("GET", "/reviews/library/{entry_id}"): SIGNED_IN,
    ("GET", "/reviews/library/{entry_id}/export.md"): SIGNED_IN,
    ("GET", "/reviews/{review_id}"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/event"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/contributors"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/account"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/account/withdraw"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/discussion"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/factors"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/factors/{factor_id}/remove"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/actions"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/actions/{action_id}"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/summary"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/flags/{flag_id}/rewrite"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/flags/{flag_id}/resolve"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/publish"): SIGNED_IN,
    ("GET", "/reviews/{review_id}/justculture"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/justculture"): SIGNED_IN,
    ("POST", "/reviews/{review_id}/justculture/{case_id}"): SIGNED_IN,
    ("POST", "/reviews"): STAFF,
    ("POST", "/mentoring/pairs"): STAFF,
    ("GET", "/facilitator"): STAFF,
    ("GET", "/facilitator/learners/{user_id}"): STAFF,
    ("GET", "/corrections/queue"): STAFF,
    ("GET", "/admin"): ADMIN,
    ("POST", "/admin/users/{user_id}"): ADMIN,
    ("POST", "/admin/teams"): ADMIN,
    ("GET", "/admin/audit"): ADMIN,
    ("GET", "/admin/audit.csv"): ADMIN,
    ("POST", "/admin/invitations"): ADMIN,
    ("POST", "/admin/users/{user_id}/deactivate"): ADMIN,
    ("POST", "/admin/users/{user_id}/reactivate"): ADMIN,
    ("GET", "/admin/voices"): ADMIN,
    ("POST", "/admin/voices/{scenario_id}"): ADMIN,
    ("GET", "/corrections/packs"): ADMIN,
}
WHO = {
    ANYONE: {"nobody", "learner", "facilitator", "admin"},
    SIGNED_IN: {"learner", "facilitator", "admin"},
    STAFF: {"facilitator", "admin"},
    ADMIN: {"admin"},
}
SIGN_OUTS = {("POST", "/signout"), ("POST", "/signout/everywhere")}


def _app_routes(tmp_path: Path) -> list[tuple[str, str, Any]]:
    app = create_app(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'e.db'}"))
    try:
        return route_table(app)
    finally:
        app.state.engine.dispose()


def test_every_route_declares_exactly_one_registered_permission(tmp_path: Path) -> None:
    registered = all_permissions()
    table = _app_routes(tmp_path)
    assert len(table) >= len(MATRIX) - 1
    problems = []
    for method, path, dependant in table:
        declared = declared_permissions(dependant)
        if len(declared) != 1:
            problems.append(f"{method} {path}: declares {sorted(declared) or 'no permission'}")
        elif (name := next(iter(declared))) != "public" and name not in registered:
            problems.append(f"{method} {path}: {name} is not in any area's registry entry")
    assert not problems, "\n".join(problems)


def test_the_matrix_names_every_route_and_only_routes(tmp_path: Path) -> None:
    routes = {(method, path) for method, path, _ in _app_routes(tmp_path)}
    assert routes - MATRIX.keys() == set(), "a route is missing from the authorisation matrix"
    assert MATRIX.keys() - routes == set(), "the matrix names a route the app does not have"


def test_allowed_applies_role_ownership_and_consent() -> None:
    """The resource rules: the owner always; an overseer only when it is shared."""

    class Someone:
        def __init__(self, id: int, role: str, team_id: int | None) -> None:
            self.id, self.role, self.team_id = id, role, team_id

    class Run:
        def __init__(self, owner: Someone, shared: bool) -> None:
            self.owner_id, self.owner_team_id, self.shared = owner.id, owner.team_id, shared

    read = Permission("t.read", frozenset(Role), "", Scope.OWN_OR_OVERSEEN)
    own = Permission("t.own", frozenset(Role), "", Scope.OWN)
    lee, coach, other_coach = Someone(1, "learner", 7), Someone(2, "facilitator", 7), None
    other_coach = Someone(3, "facilitator", 9)
    admin, stranger = Someone(4, "admin", None), Someone(5, "learner", 7)
    private, shared = Run(lee, False), Run(lee, True)
    assert allowed(lee, read, private) and allowed(lee, own, shared)
    assert not allowed(coach, read, private) and allowed(coach, read, shared)
    assert not allowed(other_coach, read, shared) and allowed(admin, read, shared)
    assert not allowed(stranger, read, shared) and not allowed(admin, own, shared)
    assert not allowed(None, read) and not allowed(Someone(6, "retired", 7), read)


def _concrete(path: str) -> str:
    """The route with every id naming nothing (index 0 for a turn)."""
    path = path.replace("{index}", "0")
    path = re.sub(r"\{(run_id|scenario_id)\}", "no-such-thing", path)
    return re.sub(r"\{\w+\}", "999999", path)


def _people(client: TestClient, make_client: Any) -> dict[str, Person | None]:
    admin = sign_up(client, "Ada Admin")
    learner = sign_up(make_client(), "Lee Learner")
    coach = sign_up(make_client(), "Fay Facilitator")
    set_role(admin, coach, "facilitator", "Ward 7")
    return {
        "nobody": Person(make_client(), "", ""),
        "learner": learner,
        "facilitator": coach,
        "admin": admin,
    }


def _sign_back_in(person: Person) -> None:
    token = csrf(person.client, "/signin")
    data = {"email": person.email, "password": PASSWORD, "csrf_token": token}
    assert person.client.post("/signin", data=data, follow_redirects=False).status_code == 303


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_authorisation_matrix_every_role_every_route(client: TestClient, make_client: Any) -> None:
    people = _people(client, make_client)
    routes = sorted(MATRIX, key=lambda route: route in SIGN_OUTS)  # sign-outs last
    wrong = []
    for who, person in people.items():
        assert person is not None
        for method, path in routes:
            url = _concrete(path)
            token = csrf(person.client)
            response = person.client.request(
                method,
                url,
                data={"csrf_token": token} if method == "POST" else None,
                headers={"x-csrf-token": token},
                follow_redirects=False,
            )
            to_sign_in = response.status_code == 303 and response.headers.get(
                "location", ""
            ).startswith("/signin?")
            if who in WHO[MATRIX[(method, path)]]:
                ok = response.status_code not in (401, 403) and not to_sign_in
            elif who == "nobody":
                ok = to_sign_in
            else:
                ok = response.status_code == 403
            if not ok:
                wrong.append(f"{who} {method} {path}: {response.status_code}")
            if (method, path) in SIGN_OUTS and who != "nobody":
                _sign_back_in(person)
    assert not wrong, "\n".join(wrong)


def test_navigation_shows_each_role_only_what_it_may_open() -> None:
    links = {link.href: link.permission for area in areas() for link in area.nav}

    class Viewer:
        def __init__(self, role: str) -> None:
            self.id, self.role, self.team_id = 1, role, None

    shown = {
        role: {href for href, p in links.items() if allowed(Viewer(role), p)}
        for role in ("learner", "facilitator", "admin")
    }
    assert "/admin" not in shown["facilitator"] and "/admin" in shown["admin"]
    assert "/facilitator" not in shown["learner"] and "/facilitator" in shown["facilitator"]
    assert shown["learner"] >= {"/practice", "/analyse", "/growth", "/mentoring", "/how-ai-works"}
    assert "/analyses" in shown["learner"]  # My analyses: one's own saved analyses
