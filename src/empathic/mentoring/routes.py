"""Mentoring pages: thin HTTP adapters over the services (no SQL, no rules here)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response

from empathic.accounts.models import User
from empathic.analysis.packs import PackCache
from empathic.mentoring import (
    goals,
    records,
    requests,
    schedule,
    service,
    views,
)
from empathic.mentoring.area import ADMINISTER_PAIRS, CALENDAR_FEED, PROPOSE_PAIR
from empathic.mentoring.forms import (
    CheckinForm,
    MilestoneForm,
    MilestoneId,
    PairForm,
    PairId,
    Posted,
    ProgressForm,
    RequestId,
    ScheduleForm,
    SessionForm,
    SessionId,
)
from empathic.mentoring.reflect import session_reflection
from empathic.mentoring.routes_base import Member, Text, access_or_404, act, pair_page
from empathic.mentoring.routes_flags import router as flags_router
from empathic.mentoring.routes_import import router as import_router
from empathic.mentoring.service import Access, MentoringError, NotFound
from empathic.permissions import allowed
from empathic.web.deps import CsrfDep, DbDep, SettingsDep, permit
from empathic.web.params import reject_nul
from empathic.web.render import render, see_other

router = APIRouter(dependencies=[CsrfDep, Depends(reject_nul)])

Proposer = Annotated[User, permit(PROPOSE_PAIR)]


@router.get("/mentoring")
def home(request: Request, db: DbDep, user: Member, page: int = 1) -> Response:
    return render(request, "mentoring/home.html", dict(views.home(db, user, page)))


def _home_error(request: Request, db: DbDep, user: User, error: str) -> Response:
    return render(request, "mentoring/home.html", dict(views.home(db, user, error=error)), 400)


@router.post("/mentoring/pairs")
def create_pair(
    request: Request,
    db: DbDep,
    user: Proposer,
    posted: Posted,
) -> Response:
    try:
        form = PairForm.read(posted)
        pair = service.create_pair(
            db,
            user,
            mentor_email=form.mentor_email,
            mentee_email=form.mentee_email,
            programme=form.programme,
            start=form.start_date,
            end=form.end_date,
        )
    except PermissionError as exc:
        raise HTTPException(403, "Only facilitators and admins create pairs.") from exc
    except MentoringError as exc:
        return _home_error(request, db, user, str(exc))
    return see_other(
        f"/mentoring/pairs/{pair.id}" if allowed(user, ADMINISTER_PAIRS) else "/mentoring"
    )


@router.post("/mentoring/invite")
def invite(request: Request, db: DbDep, user: Member, mentor_email: Text = "") -> Response:
    """Ask someone to mentor you: the same answer whether or not they have an account."""
    try:
        requests.ask_mentor(db, user, mentor_email)
    except MentoringError as exc:
        return _home_error(request, db, user, str(exc))
    return see_other("/mentoring?done=asked")


@router.post("/mentoring/requests/{request_id}/withdraw")
def withdraw_request(db: DbDep, user: Member, request_id: RequestId) -> Response:
    try:
        requests.withdraw(db, user, request_id)
    except NotFound:
        raise HTTPException(404, "No such request.") from None
    return see_other("/mentoring?done=withdrawn")


@router.get("/mentoring/pairs/{pair_id}")
def pair_overview(request: Request, db: DbDep, user: Member, pair_id: PairId) -> Response:
    return pair_page(request, db, access_or_404(db, user, pair_id, who="anyone"))


@router.post("/mentoring/pairs/{pair_id}/state")
def change_state(
    request: Request, db: DbDep, user: Member, pair_id: PairId, action: Text = ""
) -> Response:
    """Accept, decline, pause, resume or complete; an admin may too (administration)."""
    return act(
        request,
        db,
        user,
        pair_id,
        lambda a: service.transition(db, a, action),
        who="anyone",
        done="state",
    )


@router.post("/mentoring/pairs/{pair_id}/consent")
def consent(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    source: Text = "",
    granted: Text = "",
) -> Response:
    return act(
        request,
        db,
        user,
        pair_id,
        lambda a: service.set_consent(db, a, source, granted == "1"),
        done="consent",
    )


@router.post("/mentoring/pairs/{pair_id}/goals")
def add_goal(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    title: Text = "",
    description: Text = "",
) -> Response:
    return act(
        request, db, user, pair_id, lambda a: goals.add_goal(db, a, title, description), done="goal"
    )


@router.post("/mentoring/pairs/{pair_id}/milestones")
def add_milestone(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    posted: Posted,
) -> Response:
    def add(a: Access) -> object:
        form = MilestoneForm.read(posted)
        return goals.add_milestone(db, a, form.title, form.due_date, form.goal_id)

    return act(request, db, user, pair_id, add, done="milestone")


@router.post("/mentoring/pairs/{pair_id}/milestones/{milestone_id}/progress")
def progress(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    milestone_id: MilestoneId,
    posted: Posted,
) -> Response:
    def change(a: Access) -> object:
        try:
            milestone = goals.milestone_for(db, a, milestone_id)
        except NotFound:
            raise HTTPException(404, "No such milestone.") from None
        form = ProgressForm.read(posted)
        return goals.record_progress(db, a, milestone, form.progress, form.comment)

    return act(request, db, user, pair_id, change, done="progress")


@router.post("/mentoring/pairs/{pair_id}/checkins")
def checkin(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    posted: Posted,
) -> Response:
    def add(a: Access) -> object:
        form = CheckinForm.read(posted)
        return records.add_checkin(
            db, a, energy=form.energy, workload=form.workload, support=form.support, note=form.note
        )

    return act(request, db, user, pair_id, add, done="checkin")


@router.post("/mentoring/pairs/{pair_id}/sessions")
def log_session(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    posted: Posted,
) -> Response:
    def log(a: Access) -> object:
        form = SessionForm.read(posted)
        return records.log_session(db, a, form.notes, form.held_at)

    return act(request, db, user, pair_id, log, done="session")


@router.post("/mentoring/pairs/{pair_id}/sessions/{session_id}/tags")
def confirm_tags(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    session_id: SessionId,
    function: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """A plain `def` route (database work off the event loop); `function` repeats per box."""
    chosen = function or []

    def confirm(a: Access) -> object:
        try:
            log = records.session_for(db, a, session_id)
        except NotFound:
            raise HTTPException(404, "No such session.") from None
        return records.confirm_tags(db, a, log, chosen)

    return act(request, db, user, pair_id, confirm, done="tags")


@router.get("/mentoring/pairs/{pair_id}/sessions/{session_id}/reflection")
def reflection(
    request: Request,
    db: DbDep,
    user: Member,
    settings: SettingsDep,
    pair_id: PairId,
    session_id: SessionId,
) -> Response:
    access = access_or_404(db, user, pair_id)
    packs = PackCache.of(request.app.state)
    try:
        log, found = session_reflection(db, access, session_id, settings, packs)
    except NotFound:
        raise HTTPException(404, "No such session.") from None
    except PermissionError as exc:
        raise HTTPException(403, f"Not allowed: {exc}.") from exc
    context: views.ReflectionPage = {"pair": access.pair, "log": log, "found": found}
    return render(request, "mentoring/reflection.html", dict(context))


@router.post("/mentoring/pairs/{pair_id}/schedule")
def add_schedule(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    posted: Posted,
) -> Response:
    def plan(a: Access) -> object:
        form = ScheduleForm.read(posted)  # the browser's zone; Europe/London when none is sent
        return schedule.add_schedule(
            db,
            a,
            starts_at=form.starts_at,
            interval_weeks=form.interval_weeks,
            count=form.count,
            until=form.until,
            minutes=form.minutes,
            time_zone=form.time_zone,
        )

    return act(request, db, user, pair_id, plan, done="schedule")


@router.post("/mentoring/pairs/{pair_id}/calendar/rotate")
def rotate_calendar(request: Request, db: DbDep, user: Member, pair_id: PairId) -> Response:
    """A new secret address for the calendar feed; the old one stops working."""
    return act(request, db, user, pair_id, schedule.rotate_feed, done="feed")


@router.get(
    "/mentoring/pairs/{pair_id}/calendar.ics",
    name="calendar_feed",
    dependencies=[permit(CALENDAR_FEED)],
)
def calendar_feed(db: DbDep, pair_id: PairId, token: str = "") -> Response:
    try:
        pair = schedule.pair_by_feed_token(db, pair_id, token)
    except NotFound:
        raise HTTPException(404, "No such calendar.") from None
    return Response(
        schedule.feed(db, pair),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="mentoring-{pair_id}.ics"'},
    )


@router.get("/mentoring/pairs/{pair_id}/transparency")
def transparency(request: Request, db: DbDep, user: Member, pair_id: PairId) -> Response:
    """The mentee's page alone: it lists unshared flags and who looked, so others get 404."""
    access = access_or_404(db, user, pair_id, who="mentee")
    found = views.transparency(db, access)
    chart, table = views.balance_chart(found.mentor_view.balance)
    context: views.TransparencyPage = {
        "pair": access.pair,
        "role": access.role,
        "t": found,
        "view": found.mentor_view,
        "chart": chart,
        "table": table,
        **views.labels(),
    }
    return render(request, "mentoring/transparency.html", dict(context))


router.include_router(flags_router)
router.include_router(import_router)
