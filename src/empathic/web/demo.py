"""A demo organisation so a newcomer sees a living product: people, teams and practice history.

Runs are real: each is played through the engine from a scenario's reference
lines (the poor ones first, the empathic ones later, so growth is visible), then
back-dated over the past weeks. Seeding is idempotent: it does nothing when the
demo admin already exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from empathic.accounts.models import Team, User
from empathic.accounts.service import hash_password
from empathic.db import utcnow
from empathic.practice import service as practice
from empathic.roleplay.loading import load_library

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
        for number, learner in enumerate(learners):
            _history(db, learner, number)
        _mentoring(db, facilitator, learners[0], learners[1])
    return accounts


def _mentoring(db: Session, facilitator: User, lena: User, mentor: User) -> None:
    """Farah mentors Lena (with data shared and one overdue milestone, so a flag waits for
    its story) and is mentored by a colleague: both sides of the companion have content."""
    from empathic.mentoring import goals, records, service, signals

    pair = service.create_pair(
        db,
        facilitator,
        mentor_email=facilitator.email,
        mentee_email=lena.email,
        programme="MSL leadership 2026",
    )
    mentee = service.pair_for(db, lena, pair.id)
    service.transition(db, mentee, "accept")
    for source in ("milestones", "checkins"):
        service.set_consent(db, mentee, source, True)
    access = service.pair_for(db, facilitator, pair.id)
    today = utcnow().date()
    late = goals.add_milestone(db, access, "Lead one HCP advisory meeting", today - timedelta(14))
    goals.record_progress(db, access, late, 30, "Agenda drafted; venue still open.")
    goals.add_milestone(db, access, "Shadow a senior MSL on two visits", today + timedelta(21))
    for energy, workload, support in ((4, 3, 4), (4, 3, 4), (3, 4, 3), (2, 5, 3)):
        records.add_checkin(db, mentee, energy=energy, workload=workload, support=support)
    records.log_session(
        db,
        access,
        "We talked about the advisory meeting. I offered to introduce Lena to the medical "
        "director so she gets exposure, and we agreed she can tell me when the workload "
        "feels too much.",
        held_at=utcnow() - timedelta(days=20),
    )
    peer = (
        service.create_pair(
            db, facilitator, mentor_email=mentor.email, mentee_email=facilitator.email
        )
        if mentor.team_id == facilitator.team_id
        else None
    )
    if peer is not None:
        accepting = mentor if service.accepting_role(peer) == "mentor" else facilitator
        service.transition(db, service.pair_for(db, accepting, peer.id), "accept")
    signals.compute(db)
    db.commit()


def _history(db: Session, learner: User, number: int) -> None:
    """Three to five ended runs per learner over the past weeks, improving over time."""
    library = load_library()
    cache = practice.SimulationCache(size=4)
    count = 3 + number % 3
    for k in range(count):
        scenario = library[(number + k) % len(library)]
        lines = scenario.playthroughs.poor.lines if k == 0 else scenario.playthroughs.empathic.lines
        if k == 1 and number % 2:
            lines = lines[: max(2, len(lines) // 2)]
        run = practice.start_run(
            db,
            learner,
            scenario.id,
            difficulty=("easy", "medium", "hard")[min(k, 2)],
            intention="Listen first and reflect what I hear before offering anything.",
            seed=1000 * number + k,
        )
        db.commit()
        for line in lines:
            if run.status != "active":
                break
            practice.play_turn(db, cache, run, line)
        practice.end_run(db, cache, run)
        when = utcnow() - timedelta(days=7 * (count - k) + number)
        run.created_at = when
        run.ended_at = when + timedelta(minutes=12)
        run.shared = k >= 1 and number % 2 == 0
        if k == count - 1:
            run.reflection = (
                "I asked more open questions than last time; next time I will slow down."
            )
        db.commit()
