"""Practise again: a new run that replays an earlier run's first turns, and discarding a run.

A run is its seed plus the learner's lines (DESIGN §5), so replaying the same lines
with the same seed gives the same replies: a learner can go back to the turn where it
went wrong and try another line from there, in a new run; the old run and its debrief
stay as they were.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.practice.models import PracticeRun
from empathic.practice.service import PracticeError, SimulationCache, play_turn, start_run


def retry_from(
    db: Session, cache: SimulationCache, user: User, run: PracticeRun, turn: int
) -> PracticeRun:
    """A new run of the same scenario, difficulty and seed with turns 1..turn-1 replayed;
    the learner goes on with turn `turn`. `turn=1` is a fresh start of the same run."""
    played = len(run.turns)
    if not 1 <= turn <= played + 1:
        raise PracticeError(f"Choose a turn from 1 to {played + 1}.")
    again = start_run(
        db,
        user,
        run.scenario_id,
        difficulty=run.difficulty,
        intention=run.intention,
        coach=run.coach,
        seed=run.seed,
        voice=run.voice,
    )
    db.commit()  # the replayed turns commit one by one under the new run's lock
    for earlier in run.turns[: turn - 1]:
        if again.status != "active":
            break
        play_turn(db, cache, again, earlier.learner_text)
    return again


def discard(db: Session, cache: SimulationCache, run: PracticeRun) -> None:
    """Delete a run still in progress (an abandoned start); an ended run keeps its debrief."""
    if run.status != "active":
        raise PracticeError("An ended run keeps its debrief; only a run in progress is discarded.")
    cache.drop(run.id)
    db.delete(run)
