"""One transcript's analysis as a task for a worker process: plain data in, HTML out.

The whole of the CPU work runs in the worker (issue #15): parsing, coding, building the
report, the judges, and rendering the report's HTML. Rendering there matters as much as
coding: a 44 000-turn report is 28 MB of HTML, and Jinja took 3.7 s to write it, while
sending the report's dictionaries back instead would have held the web process for
2 s just to unpickle them. Encoded bytes come back in milliseconds, and the page splices
them in as they are (`insights.routes`).

With `judge=llm` the language model is asked from the worker too, so the time limit
covers the whole analysis; the worker waits for the model's answer (bounded by
`EMPATHIC_LLM_TIMEOUT_S` and the client's retries) and runs no other analysis meanwhile.
Simpler than splitting the task around the network call, at the price of a worker idle
while the model thinks (docs/web.md).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jinja2 import Environment

from empathic.analysis.html import render_html
from empathic.analysis.labels import DIMENSIONS
from empathic.analysis.metrics import DIMENSION_HELP, DIMENSION_TITLES, MITI_THRESHOLDS
from empathic.analysis.packs import PackCache, PackError
from empathic.analysis.report import LIMITS_NOTE
from empathic.analysis.speakers import Speaker
from empathic.config import Settings
from empathic.insights import service
from empathic.insights.area import area
from empathic.insights.pool import ProcessPool
from empathic.insights.saved import summary_of
from empathic.web.render import template_env


@dataclass(frozen=True)
class AnalysisJob:
    """What the page asked for, as plain data a worker process can receive."""

    text: str
    source: str
    fmt: str | None
    learner: str
    pack: str
    judge: str
    standalone: bool = False
    """Render the self-contained report file (a download), not the page's report part."""


@dataclass(frozen=True)
class AnalysisResult:
    """The report's HTML (UTF-8) and what saving it would keep (`saved.summary_of`), or the
    message and status of input the user can fix; `speakers` when the speaker must be
    chosen again (none named, or a name that fits none or several)."""

    report_html: bytes = b""
    error: str = ""
    status: int = 200
    summary: dict[str, Any] = field(default_factory=dict)
    speakers: tuple[Speaker, ...] = ()


@dataclass(frozen=True)
class CastJob:
    """List the speakers of a transcript (the "who are you?" step)."""

    text: str
    source: str
    fmt: str | None


@dataclass(frozen=True)
class CastResult:
    """The transcript's speakers and default title, or a message the user can act on."""

    cast: service.Cast | None = None
    error: str = ""
    status: int = 200


@dataclass
class _Worker:
    settings: Settings
    packs: PackCache


_worker: _Worker | None = None
"""This worker process's settings and packs, set once by `start_worker` (None elsewhere)."""


def analysis_pool(settings: Settings) -> ProcessPool | None:
    """The app's analysis workers (none start until the first analysis), or None when
    `analysis_workers` is 0: analyses then run in a thread of the web process."""
    if settings.analysis_workers <= 0:
        return None
    return ProcessPool(
        workers=settings.analysis_workers,
        queue=settings.analysis_queue,
        timeout_s=settings.analysis_timeout_s,
        initializer=start_worker,
        initargs=(settings,),
        preload=(__name__,),
    )


def start_worker(settings: Settings) -> None:
    """Once per worker process: load the default pack, so no task waits for it."""
    global _worker
    _worker = _Worker(settings, PackCache())
    with suppress(PackError):  # each task asking for it says what is wrong, as ever
        _worker.packs.get(None, settings)
    _report_env()


def analyse_in_worker(job: AnalysisJob) -> AnalysisResult:
    """The task `ProcessPool.run` sends: `analyse` with this worker's settings and packs."""
    if _worker is None:
        raise RuntimeError("analyse_in_worker runs only in a worker started by start_worker")
    return analyse(job, _worker.settings, _worker.packs)


def analyse(job: AnalysisJob, settings: Settings, packs: PackCache) -> AnalysisResult:
    """Analyse and render one transcript; a problem with the input becomes a message."""
    try:
        view = service.analyse_text(
            job.text,
            source=job.source,
            fmt=job.fmt,
            learner=job.learner,
            pack=job.pack,
            settings=settings,
            packs=packs,
            judge=job.judge,
        )
    except service.SpeakerProblem as problem:
        return AnalysisResult(error=str(problem), status=problem.status, speakers=problem.speakers)
    except service.InputProblem as problem:
        return AnalysisResult(error=str(problem), status=problem.status)
    html = render_html(view) if job.standalone else render_report(view)
    return AnalysisResult(report_html=html.encode(), summary=summary_of(view))


def cast_in_worker(job: CastJob) -> CastResult:
    """The task `ProcessPool.run` sends for the speaker step: parsing 2 MB takes 0.4 s,
    too long to hold the web process."""
    return cast(job)


def cast(job: CastJob) -> CastResult:
    """The speakers of one transcript; a problem with the input becomes a message."""
    try:
        return CastResult(service.cast(job.text, source=job.source, fmt=job.fmt))
    except service.InputProblem as problem:
        return CastResult(error=str(problem), status=problem.status)


def render_report(view: dict[str, Any]) -> str:
    """The report part of the analyse page, exactly as the page would include it."""
    return (
        _report_env()
        .get_template("insights/_report.html")
        .render(
            report=view,
            thresholds=MITI_THRESHOLDS,
            dimension_titles=DIMENSION_TITLES,
            dimension_help=DIMENSION_HELP,
            dimensions=DIMENSIONS,
            limits_note=LIMITS_NOTE,
        )
    )


@lru_cache(maxsize=1)
def _report_env() -> Environment:
    """The app's template environment over the insights templates (same filters)."""
    return template_env((area(),))
