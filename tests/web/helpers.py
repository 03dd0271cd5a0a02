"""Helpers for web tests: CSRF tokens, signing people up, posting as them, practice runs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from empathic.practice.models import PracticeRun
from empathic.roleplay.loading import find_scenario
from empathic.web.local import csrf_token_in

PASSWORD = "correct horse battery"


def csrf(client: TestClient, path: str = "/") -> str:
    """The CSRF token a page of this browser carries (as a real form would send it)."""
    return csrf_token_in(client.get(path).text)


@dataclass
class Person:
    client: TestClient
    email: str
    name: str

    def post(self, path: str, data: dict[str, str] | None = None, **kwargs: Any) -> Any:
        token = csrf(self.client)
        return self.client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


def sign_up(client: TestClient, name: str, email: str | None = None) -> Person:
    email = email or f"{name.lower().replace(' ', '.')}@example.org"
    token = csrf(client, "/signup")
    response = client.post(
        "/signup",
        data={"name": name, "email": email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return Person(client, email, name)


def asked_pair(mentee: Person, mentor: Person) -> str:
    """The mentee asks the mentor by email; the pair's id as the mentor sees it (pending)."""
    asked = mentee.post("/mentoring/invite", {"mentor_email": mentor.email})
    assert asked.status_code == 200 and str(asked.url).endswith("?done=asked"), asked.text
    listed = re.search(
        rf'/mentoring/pairs/(\d+)">{re.escape(mentee.name)}<', mentor.client.get("/mentoring").text
    )
    assert listed, "the person asked sees the request on their mentoring page"
    return listed.group(1)


def ended_run(person: Person, scenario: str, difficulty: str = "medium") -> str:
    """A run with the first two lines of the empathic playthrough, ended by the learner."""
    started = person.post(f"/practice/{scenario}/start", {"difficulty": difficulty})
    run_id = str(started.url).rsplit("/", 1)[-1]
    for line in find_scenario(scenario).playthroughs.empathic.lines[:2]:
        person.post(f"/runs/{run_id}/turns", {"text": line})
    assert person.post(f"/runs/{run_id}/end").status_code == 200
    return run_id


def run_seed(app: Any, run_id: str) -> int:
    """The seed a run was stored with (a replay with it gives the same scripted lines)."""
    with app.state.sessions() as db:
        run = db.get(PracticeRun, run_id)
        assert run is not None
        return int(run.seed)


def sse_events(body: str) -> list[tuple[str, str]]:
    """Parse a text/event-stream body into (event, data) pairs."""
    found = []
    for block in body.split("\n\n"):
        if not block.strip():
            continue
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
        found.append((name, "\n".join(data)))
    return found
