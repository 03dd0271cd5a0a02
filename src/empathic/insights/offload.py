"""Analysis work off the event loop, for every insights page that needs it (issue #15).

In the app's analysis workers (docs/web.md), or in a thread of the web process when there
are none (`EMPATHIC_ANALYSIS_WORKERS=0`): never on the event loop, which must keep
answering everyone else. The analyse page, the speaker step and a saved analysis's
rebuilt report all come through here, so they share the pool's queue and time limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from empathic.analysis.packs import PackCache
from empathic.config import Settings
from empathic.insights import worker
from empathic.insights.pool import Busy, ProcessPool, TimedOut, WorkerLost

REFUSED = (Busy, TimedOut, WorkerLost)
"""What `analyse` and `speakers` raise when the workers could not do the work."""


async def analyse(
    request: Request, job: worker.AnalysisJob, settings: Settings
) -> worker.AnalysisResult:
    """Analyse and render one transcript; Busy, TimedOut or WorkerLost when refused."""
    pool: ProcessPool | None = request.app.state.analysis_pool
    if pool is None:
        packs = PackCache.of(request.app.state)
        return await run_in_threadpool(worker.analyse, job, settings, packs)
    return await pool.run(worker.analyse_in_worker, job)


async def speakers(request: Request, job: worker.CastJob) -> worker.CastResult:
    """The speakers of one transcript, for the "who are you?" step."""
    pool: ProcessPool | None = request.app.state.analysis_pool
    if pool is None:
        return await run_in_threadpool(worker.cast, job)
    return await pool.run(worker.cast_in_worker, job)


@dataclass(frozen=True)
class Refusal:
    """How a page answers when the workers could not take or finish the work."""

    status: int
    retry_after: int | None
    message: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


def refusal(why: Exception) -> Refusal:
    """503 with Retry-After when the workers are busy or one was lost, 504 when the time
    limit stopped the analysis."""
    if isinstance(why, TimedOut):
        return Refusal(
            504,
            None,
            f"This transcript took longer than {why.seconds:g} s to analyse, so it was "
            "stopped. Split it into shorter conversations, or try again later.",
        )
    if isinstance(why, Busy):
        return Refusal(
            503,
            why.retry_after,
            "The server is analysing as many transcripts as it can right now. "
            f"Try again in {why.retry_after} s.",
        )
    return Refusal(
        503, 1, "The analysis was interrupted before it finished. Try again in a moment."
    )
