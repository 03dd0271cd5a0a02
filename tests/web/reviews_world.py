"""A small organisation for learning-review tests: two teams, facilitators, contributors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.web.helpers import PASSWORD, Person, csrf

from empathic.accounts.models import Team, User
from empathic.accounts.service import sign_up
from empathic.db import utcnow
from empathic.reviews import perspectives, service
from empathic.reviews.service import Access

BLAME = "The nurse should have checked the chart."
"""A sentence the blame detector must flag ("should have": hindsight/counterfactual)."""


@dataclass
class World:
    db: Session
    admin: User
    fay: User  # facilitator, Ward 7
    gus: User  # facilitator, Ward 9
    sam: User  # learners in Ward 7
    kim: User
    ola: User
    omar: User  # learner in Ward 9

    def start(self, by: User | None = None, **fields: str) -> Access:
        """A review started by Fay (or `by`), facilitated by its starter."""
        starter = by or self.fay
        values = {
            "title": "Insulin given twice on a night shift",
            "occurred_on": (utcnow().date() - timedelta(days=3)).isoformat(),
            "severity": "moderate",
            "response_type": "aar",
            "description": "A second dose was given after handover.",
            "tags": "medication, insulin",
        } | fields
        review = service.start_review(self.db, starter, **values)
        return service.review_for(self.db, starter, review.id)

    def as_(self, user: User, access: Access) -> Access:
        return service.review_for(self.db, user, access.review.id)

    def with_contributors(self, access: Access, *people: User) -> Access:
        for person in people or (self.sam, self.kim, self.ola):
            service.invite(self.db, access, person.email)
        return self.as_(access.viewer, access)

    def account(self, access: Access, user: User, body: str, anonymous: bool = False) -> None:
        perspectives.write_account(self.db, self.as_(user, access), body, anonymous)


def make_world(db: Session) -> World:
    wards = {name: Team(name=name) for name in ("Ward 7", "Ward 9")}
    db.add_all(wards.values())
    db.flush()

    def person(name: str, role: str = "learner", team: str | None = "Ward 7") -> User:
        email = f"{name.split()[0].lower()}@example.org"
        user = sign_up(db, email=email, name=name, password=PASSWORD)
        user.role, user.team_id = role, wards[team].id if team else None
        return user

    admin = person("Ada Admin", "admin", None)
    return World(
        db,
        admin,
        person("Fay Facilitator", "facilitator"),
        person("Gus Facilitator", "facilitator", "Ward 9"),
        person("Sam Nurse"),
        person("Kim Pharmacist"),
        person("Ola Doctor"),
        person("Omar Porter", team="Ward 9"),
    )


def world_in(app: Any) -> Iterator[World]:
    """The world in a session rolled back afterwards (service tests)."""
    db: Session = app.state.sessions()
    try:
        yield make_world(db)
    finally:
        db.rollback()
        db.close()


def committed_world(app: Any) -> World:
    """The world committed, for tests that then use the pages."""
    with app.state.sessions() as db:
        world = make_world(db)
        db.commit()
        return world


def browser_for(client: TestClient, user: User) -> Person:
    """`client` signed in as someone made in the database."""
    token = csrf(client, "/signin")
    data = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    assert client.post("/signin", data=data, follow_redirects=False).status_code == 303
    return Person(client, user.email, user.name)
