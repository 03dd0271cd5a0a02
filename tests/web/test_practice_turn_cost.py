"""What a practice turn costs the database, and turns sent at once on one run.

The statement counts are pinned (a regression in round trips fails here, with no
timing involved): a turn is the POST that plays the line, whose answer carries a
scripted reply; the GET that streams a reply stays for replies a language model
phrases, and the page could still read a scripted one there. Both databases run
every test.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select, text
from tests.web.helpers import Person, csrf, sse_events

from empathic.accounts.models import User
from empathic.practice import service
from empathic.practice.models import PracticeRun
from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import find_scenario

SCENARIO = "ai-tool-anxiety"

POST_STATEMENTS = 3
"""The signed-in session with its person, the run locked with its number of turns, the
new turn's INSERT (the commit is not a statement)."""
STREAM_STATEMENTS = 2
"""The signed-in session with its person, the run with the one turn streamed."""
COLD_TURN_EXTRA = 2
"""A worker that has no simulation of the run (another worker started it, or a restart)
reads the run and its turns again; the worker that started the run kept its simulation."""


@contextmanager
def counted(app: Any) -> Iterator[list[str]]:
    """SQL statements sent on the app's engine while the block runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    engine = app.state.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _start(person: Person) -> str:
    started = person.post(f"/practice/{SCENARIO}/start", {"difficulty": "medium"})
    return str(started.url).rsplit("/", 1)[-1]


def test_a_turn_costs_a_pinned_number_of_statements(app: Any, learner: Person) -> None:
    run_id = _start(learner)
    headers = {
        "X-CSRF-Token": csrf(learner.client, f"/runs/{run_id}"),
        "Accept": "application/json",
    }
    for number, line in enumerate(find_scenario(SCENARIO).playthroughs.empathic.lines[:4], 1):
        cold = number == 3
        if cold:  # as on a worker that did not start the run
            app.state.simulations.drop(run_id)
        with counted(app) as posted:
            sent = learner.client.post(
                f"/runs/{run_id}/turns", data={"text": line}, headers=headers
            )
        assert sent.status_code == 200, sent.text
        with counted(app) as streamed:
            reply = learner.client.get(sent.json()["stream"])
        assert reply.status_code == 200 and "event: done" in reply.text
        tokens = [json.loads(data) for name, data in sse_events(reply.text) if name == "token"]
        assert sent.json()["reply"] == "".join(tokens), "the answer carries the streamed reply"
        assert "state" not in sent.json(), "no coach mode, no state"
        assert len(posted) == POST_STATEMENTS + (COLD_TURN_EXTRA if cold else 0), posted
        assert len(streamed) == STREAM_STATEMENTS, streamed
        if not cold:
            history = [s for s in posted if s.lstrip().startswith("SELECT practice_turns.")]
            assert not history, "the stored turns are not read again"


def _learner(db: Any, person: Person) -> User:
    return db.scalars(select(User).where(User.email == person.email)).one()


def _waiting_on_a_lock(app: Any) -> bool:
    """Whether another PostgreSQL backend waits for a row lock (the second turn)."""
    with app.state.engine.connect() as conn:
        query = text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return bool(conn.execute(query).scalar())


def test_two_turns_sent_at_once_are_played_one_after_the_other(app: Any, learner: Person) -> None:
    """The first request holds the run; the second (a double submit, or a second tab) waits,
    then plays the next turn from the state the first left, not from the same state."""
    run_id = _start(learner)
    lines = find_scenario(SCENARIO).playthroughs.empathic.lines[:2]
    cache = app.state.simulations
    played: dict[str, int] = {}
    failed: list[BaseException] = []

    def second() -> None:
        try:
            with app.state.sessions() as db:
                run, stored = service.lock_run(db, _learner(db, learner), run_id)
                turn = service.play_turn(db, cache, run, lines[1], stored_turns=stored)
                played["second"] = turn.step.index
        except BaseException as exc:  # reported by the main thread
            failed.append(exc)

    postgres = app.state.engine.dialect.name == "postgresql"
    with app.state.sessions() as first:
        run, stored = service.lock_run(first, _learner(first, learner), run_id)
        other = threading.Thread(target=second)
        other.start()
        if postgres:  # the second request is blocked on the run's row, not finished
            deadline = time.monotonic() + 20
            while not _waiting_on_a_lock(app) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert _waiting_on_a_lock(app) and "second" not in played
        else:  # SQLite locks no row: let the second go first, the first must follow it
            other.join(20)
        turn = service.play_turn(first, cache, run, lines[0], stored_turns=stored)
        played["first"] = turn.step.index
    other.join(20)
    assert not failed, failed
    assert sorted(played.values()) == [1, 2]
    if postgres:
        assert played == {"first": 1, "second": 2}
    in_order = [lines[0], lines[1]] if played["first"] == 1 else [lines[1], lines[0]]
    with app.state.sessions() as db:
        stored_run = db.get(PracticeRun, run_id)
        assert stored_run is not None
        assert [t.learner_text for t in stored_run.turns] == in_order
        replies = [t.reply for t in stored_run.turns]
        seed = stored_run.seed
    replayed = run_lines(find_scenario(SCENARIO), in_order, difficulty="medium", seed=seed)
    assert replies == [step.reply for step in replayed.steps]
