"""A demo organisation so a newcomer sees a living product: people, teams and practice history.

This module makes the people and teams; each area then adds its own demo data
through its registry entry (`Area.demo`): practice plays real runs, mentoring
pairs people. Seeding is idempotent: it does nothing when the demo admin already
exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from empathic.accounts.models import Team, User
from empathic.accounts.service import hash_password
from empathic.areas import DemoOrganisation, areas, load

DEMO_PASSWORD = "empathic-demo"
DEMO_DOMAIN = "demo.empathic.example"
TEAMS = {"Oncology MSLs": 5, "Clinical leads": 3}
FIRST_NAMES = ("Amara", "Ben", "Chiara", "Dev", "Elif", "Femi", "Greta", "Hiro")


@dataclass(frozen=True)
class DemoAccounts:
    learner: str
    facilitator: str
    admin: str
    password: str = DEMO_PASSWORD
    created: bool = True


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def seed_demo(sessions: sessionmaker[Session]) -> DemoAccounts:
    """Create the demo organisation unless it is already there."""
    accounts = DemoAccounts(demo_email("learner"), demo_email("facilitator"), demo_email("admin"))
    with sessions() as db:
        if db.scalar(select(User.id).where(User.email == accounts.admin)) is not None:
            return DemoAccounts(
                accounts.learner, accounts.facilitator, accounts.admin, created=False
            )
        password = hash_password(DEMO_PASSWORD)
        teams = {name: Team(name=name) for name in TEAMS}
        db.add_all(teams.values())
        admin = User(email=accounts.admin, name="Dana Admin", password_hash=password, role="admin")
        facilitator = User(
            email=accounts.facilitator,
            name="Farah Facilitator",
            password_hash=password,
            role="facilitator",
            team=teams["Oncology MSLs"],
        )
        learners = [
            User(
                email=accounts.learner,
                name="Lena Learner",
                password_hash=password,
                role="learner",
                team=teams["Oncology MSLs"],
            )
        ]
        names = iter(FIRST_NAMES)
        for team, size in TEAMS.items():
            for _ in range(size - (1 if team == "Oncology MSLs" else 0)):
                first = next(names)
                learners.append(
                    User(
                        email=demo_email(first.lower()),
                        name=f"{first} (demo)",
                        password_hash=password,
                        role="learner",
                        team=teams[team],
                    )
                )
        db.add_all([admin, facilitator, *learners])
        db.commit()
        organisation = DemoOrganisation(admin, facilitator, tuple(learners))
        for area in areas():
            if area.demo is not None:
                load(area.demo)(db, organisation)
    return accounts
