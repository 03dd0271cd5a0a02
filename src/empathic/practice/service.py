"""Practice runs in the database: start, play a turn, end, debrief; no HTTP here.

A run is fully determined by its scenario, difficulty, seed and the learner's
lines (the engine is deterministic), so each turn is committed as soon as it is
played and a simulation is rebuilt by replaying the stored lines after a reload,
a restart or on another worker. Live simulations are cached per process so a
turn normally costs one engine step, not a replay.

A turn over the web reads its run once (`lock_run`): the row, locked until the
turn commits, and the number of stored turns, which says whether the cached
simulation is current without loading the history. Locks are always taken in
the same order, the run's row first, then the process's lock for the run.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from empathic.accounts.models import User
from empathic.accounts.service import audit
from empathic.analysis.coding import Coder
from empathic.db import utcnow
from empathic.permissions import allowed
from empathic.practice.area import DEBRIEF, PLAY
from empathic.practice.models import PracticeRun, PracticeTurn
from empathic.roleplay.debrief import Debrief, build_debrief
from empathic.roleplay.engine import Simulation
from empathic.roleplay.loading import ScenarioError, find_scenario
from empathic.roleplay.result import LEARNER, StepRecord
from empathic.roleplay.scenario import DIFFICULTIES, Scenario

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""Control characters (not tabs or newlines): invisible, and PostgreSQL refuses NUL."""

MAX_LINE = 2000
"""Longest learner turn accepted; a paragraph is plenty for one turn of a conversation."""


def plain(text: str) -> str:
    """Text as typed, without invisible control characters."""
    return CONTROL.sub("", text)


class PracticeError(ValueError):
    """Something the learner can fix (empty turn, unknown scenario, run already ended)."""


class RunNotFound(LookupError):
    """No run with that id that this person may see (never says which of the two)."""


class TurnConflict(RuntimeError):
    """Another request played this turn first (a double submit); reload to see it."""


@dataclass
class PlayedTurn:
    turn: PracticeTurn
    step: StepRecord
    finished: bool
    turns_left: int
    """Turns the scenario's time budget leaves after this one."""


class SimulationCache:
    """Live simulations per run id (LRU) with one lock per run so turns never interleave.

    A caller that also locks the run's row (`lock_run`) takes the row first, then
    this lock, so two requests never wait on each other's lock.
    """

    def __init__(self, size: int = 512, coder: Callable[[], Coder] | None = None) -> None:
        """`coder` gives the analysis coder that codes every turn (the app's default pack,
        the same one Analyse uses); without it the rule coder is used."""
        self.size = size
        self._coder = coder
        self._sims: OrderedDict[str, Simulation] = OrderedDict()
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.replays = 0

    def lock(self, run_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(run_id, threading.Lock())

    def get(self, run: PracticeRun) -> Simulation:
        """The run's simulation at its stored turn count, replaying the lines when needed."""
        sim = self.current(run.id, len(run.turns))
        if sim is None:
            sim = rebuild(run, self.coder())
            self.replays += 1
            self.put(run.id, sim)
        if run.status == "ended" and not sim.finished:
            sim.end(run.ended_by or "learner_ended")
        return sim

    def current(self, run_id: str, turns: int) -> Simulation | None:
        """The cached simulation when it has played exactly `turns` turns, else None."""
        with self._guard:
            sim = self._sims.get(run_id)
            if sim is None or len(sim.steps) != turns:
                return None
            self._sims.move_to_end(run_id)
            return sim

    def coder(self) -> Coder | None:
        return self._coder() if self._coder is not None else None

    def put(self, run_id: str, sim: Simulation) -> None:
        with self._guard:
            self._sims[run_id] = sim
            self._sims.move_to_end(run_id)
            while len(self._sims) > self.size:
                old, _ = self._sims.popitem(last=False)
                self._locks.pop(old, None)

    def drop(self, run_id: str) -> None:
        with self._guard:
            self._sims.pop(run_id, None)


def scenario_for(run: PracticeRun) -> Scenario:
    try:
        return find_scenario(run.scenario_id)
    except ScenarioError as exc:
        raise PracticeError(f"The scenario {run.scenario_id!r} is no longer available.") from exc


def new_simulation(
    scenario: Scenario, difficulty: str, seed: int, coder: Coder | None = None
) -> Simulation:
    """Decisions always come from the scripted voice; it records what it voiced, for the LLM."""
    from empathic.practice.voicing import RecordingVoice

    return Simulation(
        scenario, difficulty=difficulty, seed=seed, coder=coder, voice=RecordingVoice()
    )


def rebuild(run: PracticeRun, coder: Coder | None = None) -> Simulation:
    """Replay the stored lines with the run's seed: the same decisions, the same replies."""
    sim = new_simulation(scenario_for(run), run.difficulty, run.seed, coder)
    for turn in run.turns:
        sim.step(turn.learner_text)
    return sim


def start_run(
    db: Session,
    user: User,
    scenario_id: str,
    *,
    difficulty: str = "medium",
    intention: str = "",
    coach: bool = False,
    seed: int | None = None,
    voice: str = "scripted",
    cache: SimulationCache | None = None,
) -> PracticeRun:
    """A new run in progress. With `cache`, the simulation that said the opening is kept
    there, so this process plays the first turn without reading the run back and
    replaying it (it is the simulation a replay of no turns would build)."""
    if difficulty not in DIFFICULTIES:
        raise PracticeError(f"Choose a difficulty: {', '.join(DIFFICULTIES)}.")
    try:
        scenario = find_scenario(scenario_id)
    except ScenarioError as exc:
        raise PracticeError(f"No scenario called {scenario_id!r}.") from exc
    run_seed = seed if seed is not None else secrets.randbelow(1_000_000)
    coder = cache.coder() if cache is not None else None
    sim = new_simulation(scenario, difficulty, run_seed, coder)
    run = PracticeRun(
        id=secrets.token_hex(12),
        user_id=user.id,
        scenario_id=scenario.id,
        title=scenario.title,
        difficulty=difficulty,
        seed=run_seed,
        coach=coach,
        voice=voice,
        intention=plain(intention).strip()[:MAX_LINE],
        opening=sim.opening,
        status="active",
    )
    db.add(run)
    db.flush()
    if cache is not None:
        cache.put(run.id, sim)
    return run


def lock_run(db: Session, user: User, run_id: str) -> tuple[PracticeRun, int]:
    """The user's run and its number of stored turns, for playing or ending it: one query.

    On PostgreSQL the row stays locked until the transaction ends (FOR NO KEY UPDATE:
    comments and corrections that reference the run are not held up), so a second turn
    on the same run, a double submit or a second tab, waits for this one. Its count is
    from before the wait, so its worker's cached simulation is a step ahead and the run
    is read again (`_current`); on a worker whose simulation is as old as the count, the
    unique turn number refuses it (TurnConflict). SQLite locks no row: one worker's turns
    wait for each other on the process's lock, and the unique turn number refuses a turn
    played at once on two workers. Anything the user may not play is RunNotFound, as in
    `own_run`.
    """
    played = (
        select(func.count(PracticeTurn.id))
        .where(PracticeTurn.run_id == PracticeRun.id)
        .correlate(PracticeRun)
        .scalar_subquery()
    )
    query = (
        select(PracticeRun, played)
        .where(PracticeRun.id == run_id)
        .with_for_update(key_share=True, of=PracticeRun)
        .execution_options(populate_existing=True)
    )
    found = db.execute(query).one_or_none()
    if found is None or not allowed(user, PLAY, found[0]):
        raise RunNotFound(run_id)
    return found[0], int(found[1])


def _current(
    db: Session, cache: SimulationCache, run: PracticeRun, stored_turns: int | None
) -> Simulation:
    """The run's simulation, under the run's lock.

    With `stored_turns` from `lock_run`, a cached simulation that has played exactly
    that many turns is used as it is (no query). Otherwise (nothing cached, another
    worker played a turn, a turn committed while this request waited for the lock,
    or no count given) the run is read again and replayed when needed.
    """
    if stored_turns is not None:
        sim = cache.current(run.id, stored_turns)
        if sim is not None:
            return sim
    db.refresh(run)
    return cache.get(run)


def play_turn(
    db: Session,
    cache: SimulationCache,
    run: PracticeRun,
    text: str,
    *,
    stored_turns: int | None = None,
) -> PlayedTurn:
    """Step the engine and commit the turn before anyone sees the reply.

    `stored_turns`: the run was read with `lock_run`, which gave this count; without
    it the run is read again under the process's lock for the run.
    """
    line = " ".join(plain(text).split())
    if not line:
        raise PracticeError("Write what you would say before sending.")
    if len(line) > MAX_LINE:
        raise PracticeError(f"Keep one turn under {MAX_LINE} characters.")
    if run.status != "active":
        raise PracticeError("This conversation has ended; open its debrief.")
    with cache.lock(run.id):
        sim = _current(db, cache, run, stored_turns)
        if sim.finished:
            raise PracticeError("This conversation has ended; open its debrief.")
        step = sim.step(line)
        turn = PracticeTurn(
            run_id=run.id,
            index=step.index,
            learner_text=step.learner,
            reply=step.reply,
            state={k: round(v, 3) for k, v in step.after.as_dict().items()},
            voice="pending" if run.voice == "llm" else "scripted",
        )
        if sim.finished:
            _close(run, sim)
        try:
            # A plain INSERT of the row, not the session's unit of work: nothing reads the
            # new turn back in this request (its id is not needed), and flushing it cost
            # more of the server's CPU than the statement (the load benchmark, docs/web.md).
            db.execute(insert(cast("Table", PracticeTurn.__table__)), _row_of(turn))
            db.commit()
        except IntegrityError as exc:
            db.rollback()
            cache.drop(run.id)
            raise TurnConflict("That turn was already played; reload the page.") from exc
        except BaseException:
            db.rollback()
            cache.drop(run.id)
            raise
    return PlayedTurn(turn, step, sim.finished, max(0, sim.max_turns - step.index))


def _row_of(turn: PracticeTurn) -> dict[str, Any]:
    """The new turn's column values, as the session would have inserted them."""
    return {
        "run_id": turn.run_id,
        "index": turn.index,
        "learner_text": turn.learner_text,
        "reply": turn.reply,
        "state": turn.state,
        "voice": turn.voice,
    }


def end_run(
    db: Session, cache: SimulationCache, run: PracticeRun, *, stored_turns: int | None = None
) -> PracticeRun:
    """The learner ends the conversation (a run with no turns still gets its debrief).

    Under the run's locks and from fresh rows, so a turn another worker has just
    committed is in the summary; committed here, so the cache never says "ended"
    for a run the database still holds open. `stored_turns`: as for `play_turn`;
    without it the row is locked here first (the same order as a turn's).
    """
    if stored_turns is None:
        db.refresh(run, with_for_update={"key_share": True})
    with cache.lock(run.id):
        sim = cache.current(run.id, stored_turns) if stored_turns is not None else None
        if sim is None or sim.finished:
            db.refresh(run)  # SQLite locks no row: read it again under the process's lock
        if run.status == "ended":
            return run
        sim = sim or cache.get(run)
        sim.end("learner_ended")
        _close(run, sim)
        try:
            db.commit()
        except BaseException:
            db.rollback()
            cache.drop(run.id)
            raise
    return run


def _close(run: PracticeRun, sim: Simulation) -> None:
    result = sim.result()
    run.status = "ended"
    run.ended_by = sim.ended_by
    run.ended_at = utcnow()
    final = result.final
    run.summary = {
        "outcome": result.outcome,
        "uncovered": len(result.uncovered),
        "facts": len(result.facts),
        "trust": round(final.trust, 3),
        "emotion": round(final.emotion, 3),
        "turns": len(result.steps),
        "skills": skill_scores(sim),
    }


def skill_scores(sim: Simulation) -> dict[str, float]:
    """The run's growth numbers: shares of turns with each empathic move (0..1)."""
    steps = sim.steps
    if not steps:
        return {}
    n = len(steps)

    def share(*names: str) -> float:
        return round(sum(1 for s in steps if set(names) & set(s.move_names)) / n, 3)

    return {
        "reflections": share("simple_reflection", "complex_reflection"),
        "open_questions": share("open_question"),
        "warmth": share("warmth", "understanding", "affirmation"),
        "advice_first": share("premature_advice"),
    }


def debrief_for(
    run: PracticeRun, cache: SimulationCache, corrected: Mapping[int, dict[str, str]] | None = None
) -> Debrief:
    """The debrief of the conversation as the learner saw it.

    Decisions come from the replay; replies a language model phrased are put back
    in their stored words, so the report and rewrites quote what was actually said.
    `corrected` (learner turn number -> {label: value}) are the person's label
    corrections: the session report counts them instead of the coder's labels.
    """
    sim = cache.get(run)
    result = sim.result()
    stored = {t.index: t.reply for t in run.turns}
    result.steps = [
        replace(step, reply=stored.get(step.index, step.reply)) for step in result.steps
    ]
    # the analysis knows a turn by its place in the transcript, not by learner turn number
    places = [i for i, turn in enumerate(result.transcript().turns) if turn.speaker == LEARNER]
    fixes = {places[n - 1]: v for n, v in (corrected or {}).items() if 0 < n <= len(places)}
    return build_debrief(
        result,
        sim.scenario,
        coder=sim.coder,
        intention=run.intention,
        reflection=run.reflection,
        overrides=fixes,
    )


def save_reflection(run: PracticeRun, text: str) -> None:
    if run.status != "ended":
        raise PracticeError("Reflect after the conversation has ended.")
    run.reflection = plain(text).strip()[: 4 * MAX_LINE]


def set_shared(run: PracticeRun, shared: bool) -> None:
    run.shared = shared


def own_run(db: Session, user: User, run_id: str) -> PracticeRun:
    """A run the user owns; anything else is 'not found' (ids are not confirmed)."""
    run = db.get(PracticeRun, run_id)
    if run is None or not allowed(user, PLAY, run):
        raise RunNotFound(run_id)
    return run


def visible_run(db: Session, viewer: User, run_id: str) -> PracticeRun:
    """The owner's run, or a shared run seen by an admin or by a facilitator of the owner's team.

    The same scope as the facilitator pages: sharing opens a run to the people who
    support the learner, not to every facilitator. Each such view is audited.
    """
    run = db.get(PracticeRun, run_id)
    if run is None or not allowed(viewer, DEBRIEF, run):
        raise RunNotFound(run_id)
    if run.user_id != viewer.id:
        audit(db, viewer, run.user_id, "viewed shared run", run.id)
    return run


def state_of(run: PracticeRun) -> dict[str, Any]:
    """The persona's state after the last stored turn (for the coach-mode trust meter)."""
    if run.turns and run.turns[-1].state:
        return dict(run.turns[-1].state)
    return {}


# --- Helpers for the practice pages (library filters, runs in progress, streaming) ---


@dataclass(frozen=True)
class LibraryFilter:
    """The library page's GET filters; empty strings mean 'any'."""

    setting: str = ""
    skill: str = ""
    difficulty: str = ""


def library_choices(scenarios: list[Scenario]) -> dict[str, list[str]]:
    """The options of each filter, taken from the library itself so none matches nothing."""
    return {
        "setting": sorted({tag for s in scenarios for tag in s.tags}),
        "skill": sorted({c for s in scenarios for c in s.competencies}),
        "difficulty": list(DIFFICULTIES),
    }


def filter_library(scenarios: list[Scenario], wanted: LibraryFilter) -> list[Scenario]:
    """Scenarios matching the setting (a tag) and skill (a competency).

    Every scenario can be played at every difficulty, so the difficulty filter
    narrows nothing; it is carried to the pre-brief as the preselected level.
    """
    return [
        s
        for s in scenarios
        if (not wanted.setting or wanted.setting in s.tags)
        and (not wanted.skill or wanted.skill in s.competencies)
    ]


def active_runs(db: Session, user: User) -> list[PracticeRun]:
    """The user's runs still in progress, newest first, for 'continue where you left off'."""
    query = select(PracticeRun).where(
        PracticeRun.user_id == user.id, PracticeRun.status == "active"
    )
    return list(
        db.scalars(
            query.options(selectinload(PracticeRun.turns)).order_by(PracticeRun.created_at.desc())
        )
    )


def own_turn(db: Session, user: User, run_id: str, index: int) -> tuple[PracticeRun, PracticeTurn]:
    """The user's run with one stored turn by its 1-based index, in one query (a stream
    needs its own turn, not the run's whole history); RunNotFound when the run is not
    theirs or the turn was never played."""
    query = (
        select(PracticeRun, PracticeTurn)
        .outerjoin(
            PracticeTurn, (PracticeTurn.run_id == PracticeRun.id) & (PracticeTurn.index == index)
        )
        .where(PracticeRun.id == run_id)
    )
    found = db.execute(query).one_or_none()
    if found is None or not allowed(user, PLAY, found[0]) or found[1] is None:
        raise RunNotFound(f"{run_id}/{index}")
    return found[0], found[1]


def turn_of(run: PracticeRun, index: int) -> PracticeTurn:
    """A stored turn by its 1-based index; RunNotFound when it was never played."""
    for turn in run.turns:
        if turn.index == index:
            return turn
    raise RunNotFound(f"{run.id}/{index}")


def context_before(run: PracticeRun, index: int) -> str:
    """The counterpart line the learner answered at turn `index` (the opening for turn 1)."""
    if index <= 1:
        return run.opening
    return turn_of(run, index - 1).reply


def reply_chunks(reply: str) -> list[str]:
    """The reply as words with their trailing whitespace; joined they give the reply exactly."""
    return re.findall(r"\S+\s*|\s+", reply)
