"""A small mentoring organisation for service tests: a facilitator's team and an outsider."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from empathic.accounts.models import Team, User
from empathic.accounts.service import sign_up
from empathic.mentoring import service
from empathic.mentoring.service import Access
from empathic.practice.models import PracticeRun

PASSWORD = "correct horse battery"


@dataclass
class World:
    db: Session
    admin: User
    facilitator: User
    mentor: User
    mentee: User
    other: User

    def pair(self, *, consent: tuple[str, ...] = ()) -> Access:
        """An active pair (mentor, mentee), accepted by the mentee, with these sources shared."""
        pair = service.create_pair(
            self.db,
            self.facilitator,
            mentor_email=self.mentor.email,
            mentee_email=self.mentee.email,
            programme="Leaders 2026",
        )
        mentee_access = service.pair_for(self.db, self.mentee, pair.id)
        service.transition(self.db, mentee_access, "accept")
        for source in consent:
            service.set_consent(self.db, mentee_access, source, True)
        return service.pair_for(self.db, self.mentor, pair.id)

    def as_(self, user: User, access: Access) -> Access:
        return service.pair_for(self.db, user, access.pair.id)

    def practice_run(self, run_id: str, title: str, *, shared: bool = True) -> PracticeRun:
        """A practice run by the mentee, flushed so the pages' queries see it."""
        run = practice_run(self.db, self.mentee.id, run_id, title, shared=shared)
        self.db.flush()
        return run


def practice_run(
    db: Session, user_id: int, run_id: str, title: str, *, seed: int = 1, shared: bool = True
) -> PracticeRun:
    """A minimal run with only what the mentoring pages list (title, owner, shared)."""
    run = PracticeRun(
        id=run_id,
        user_id=user_id,
        scenario_id="s",
        title=title,
        difficulty="easy",
        seed=seed,
        shared=shared,
    )
    db.add(run)
    return run


def make_world(db: Session) -> World:
    """Fay facilitates the team Mona and Theo are in; Omar is in no team."""
    team = Team(name="Oncology")
    db.add(team)
    db.flush()

    def person(name: str, role: str = "learner", team_id: int | None = team.id) -> User:
        user = sign_up(db, email=f"{name.lower()}@example.org", name=name, password=PASSWORD)
        user.role, user.team_id = role, team_id
        return user

    admin = person("Ada", "admin", None)
    return World(
        db,
        admin,
        person("Fay", "facilitator"),
        person("Mona"),
        person("Theo"),
        person("Omar", team_id=None),
    )
