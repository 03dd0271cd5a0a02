"""Mentoring pages: thin HTTP adapters over the services (no SQL, no rules here)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.analysis.packs import PackCache
from empathic.mentoring import (
    goals,
    importing,
    records,
    requests,
    schedule,
    service,
    signals,
    views,
)
from empathic.mentoring.area import ADMINISTER_PAIRS, CALENDAR_FEED, MENTOR, PROPOSE_PAIR
from empathic.mentoring.forms import (
    MilestoneId,
    PairId,
    RequestId,
    SessionId,
    moment,
    optional_date,
    optional_id,
    optional_int,
    required_int,
    zone_name,
)
from empathic.mentoring.reflect import session_reflection
from empathic.mentoring.routes_flags import router as flags_router
from empathic.mentoring.service import Access, MentoringError, NotFound
from empathic.permissions import allowed
from empathic.web.deps import CsrfDep, DbDep, SettingsDep, permit
from empathic.web.params import reject_nul
from empathic.web.render import render, see_other

router = APIRouter(dependencies=[CsrfDep, Depends(reject_nul)])

Member = Annotated[User, permit(MENTOR)]
Proposer = Annotated[User, permit(PROPOSE_PAIR)]
Text = Annotated[str, Form()]
Who = Literal["member", "anyone", "mentee"]

_LOOKUPS: dict[Who, Callable[[Session, User, int], Access]] = {
    "member": service.member_access,  # the pair's content
    "anyone": service.pair_for,  # also an admin, for administration (audited)
    "mentee": service.mentee_access,  # the mentee's own transparency page
}


def access_or_404(db: DbDep, user: User, pair_id: PairId, *, who: Who = "member") -> Access:
    """The pair if `user` may open it as `who`; else the same 404 as for no pair at all."""
    try:
        return _LOOKUPS[who](db, user, pair_id)
    except NotFound:
        raise HTTPException(404, "No such mentoring relationship.") from None


def pair_page(
    request: Request, db: DbDep, access: Access, error: str = "", status: int = 200
) -> Response:
    view = views.overview(db, access)
    chart, table = views.balance_chart(view.balance)
    context = {"view": view, "pair": access.pair, "role": access.role, "error": error}
    context["transitions"] = service.TRANSITIONS[access.pair.state]
    context["accepter"] = service.accepting_role(access.pair)
    context |= {"chart": chart, "table": table, **views.labels()}
    context["feed_url"] = (  # absolute: a calendar app is given the whole address
        f"{request.url_for('calendar_feed', pair_id=access.pair.id)}?token={access.pair.feed_token}"
    )
    return render(request, "mentoring/pair.html", context, status)


def act(
    request: Request,
    db: DbDep,
    user: User,
    pair_id: PairId,
    action: Callable[[Access], object],
    *,
    who: Who = "member",
    done: str = "",
) -> Response:
    """Run one change for the pair as `who`; a fixable problem re-renders the page with it.

    `done` names the confirmation the pair page shows after the redirect (`area.NOTICES`).
    """
    access = access_or_404(db, user, pair_id, who=who)
    try:
        action(access)
    except MentoringError as exc:
        db.rollback()
        return pair_page(request, db, access_or_404(db, user, pair_id, who=who), str(exc), 400)
    except PermissionError as exc:
        raise HTTPException(403, f"Not allowed: {exc}.") from exc
    if access.member:
        # signals follow the change that may raise them; a page view never writes
        # (time-based signals come from the scheduled `empathic mentoring signals`)
        signals.compute(db, pair_ids=[pair_id])
    return see_other(f"/mentoring/pairs/{pair_id}" + (f"?done={done}" if done else ""))


@router.get("/mentoring")
def home(request: Request, db: DbDep, user: Member, page: int = 1) -> Response:
    return render(request, "mentoring/home.html", views.home(db, user, page))


def _home_error(request: Request, db: DbDep, user: User, error: str) -> Response:
    return render(request, "mentoring/home.html", {**views.home(db, user), "error": error}, 400)


@router.post("/mentoring/pairs")
def create_pair(
    request: Request,
    db: DbDep,
    user: Proposer,
    mentor_email: Text = "",
    mentee_email: Text = "",
    programme: Text = "",
    start_date: Text = "",
    end_date: Text = "",
) -> Response:
    try:
        pair = service.create_pair(
            db,
            user,
            mentor_email=mentor_email,
            mentee_email=mentee_email,
            programme=programme,
            start=optional_date(start_date, "Start date"),
            end=optional_date(end_date, "End date"),
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
    title: Text = "",
    due_date: Text = "",
    goal_id: Text = "",
) -> Response:
    return act(
        request,
        db,
        user,
        pair_id,
        lambda a: goals.add_milestone(
            db, a, title, optional_date(due_date, "Due date"), optional_id(goal_id, "Goal")
        ),
        done="milestone",
    )


@router.post("/mentoring/pairs/{pair_id}/milestones/{milestone_id}/progress")
def progress(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    milestone_id: MilestoneId,
    progress: Text = "",
    comment: Text = "",
) -> Response:
    def change(a: Access) -> object:
        try:
            milestone = goals.milestone_for(db, a, milestone_id)
        except NotFound:
            raise HTTPException(404, "No such milestone.") from None
        return goals.record_progress(db, a, milestone, required_int(progress, "Progress"), comment)

    return act(request, db, user, pair_id, change, done="progress")


@router.post("/mentoring/pairs/{pair_id}/import")
def import_preview(
    request: Request, db: DbDep, user: Member, pair_id: PairId, file: UploadFile | None = None
) -> Response:
    """A plain `def` route: the database work runs in the thread pool, not on the event loop."""
    access = access_or_404(db, user, pair_id)
    data = file.file.read(importing.MAX_BYTES + 1) if file is not None else b""
    try:
        found = goals.preview_import(db, access, data)
    except PermissionError as exc:
        raise HTTPException(403, f"Not allowed: {exc}.") from exc
    context = {
        "pair": access.pair,
        "found": found,
        "filename": (file.filename if file else "") or "upload.csv",
        "csv_text": data.decode("utf-8-sig", errors="replace") if found.ok else "",
    }
    return render(request, "mentoring/import.html", context, 200 if found.ok else 400)


@router.post("/mentoring/pairs/{pair_id}/import/confirm")
def import_confirm(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    csv_text: Text = "",
    filename: Text = "",
) -> Response:
    found = importing.preview(csv_text)
    if not found.ok:
        access = access_or_404(db, user, pair_id)
        context = {"pair": access.pair, "found": found, "filename": filename, "csv_text": ""}
        return render(request, "mentoring/import.html", context, 400)
    return act(
        request,
        db,
        user,
        pair_id,
        lambda a: goals.save_import(db, a, found, filename),
        done="import",
    )


@router.post("/mentoring/pairs/{pair_id}/checkins")
def checkin(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    energy: Text = "",
    workload: Text = "",
    support: Text = "",
    note: Text = "",
) -> Response:
    return act(
        request,
        db,
        user,
        pair_id,
        lambda a: records.add_checkin(
            db,
            a,
            energy=required_int(energy, "Energy"),
            workload=required_int(workload, "Workload"),
            support=required_int(support, "Support"),
            note=note,
        ),
        done="checkin",
    )


@router.post("/mentoring/pairs/{pair_id}/sessions")
def log_session(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    notes: Text = "",
    held_at: Text = "",
) -> Response:
    return act(
        request,
        db,
        user,
        pair_id,
        lambda a: records.log_session(db, a, notes, moment(held_at, "When")),
        done="session",
    )


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
    context = {"pair": access.pair, "log": log, "found": found}
    return render(request, "mentoring/reflection.html", context)


@router.post("/mentoring/pairs/{pair_id}/schedule")
def add_schedule(
    request: Request,
    db: DbDep,
    user: Member,
    pair_id: PairId,
    starts_at: Text = "",
    interval_weeks: Text = "2",
    count: Text = "",
    until: Text = "",
    minutes: Text = "45",
    time_zone: Text = "",
) -> Response:
    def plan(a: Access) -> object:
        zone = zone_name(time_zone)  # the browser's zone; Europe/London when none is sent
        return schedule.add_schedule(
            db,
            a,
            starts_at=moment(starts_at, "First session", zone),
            interval_weeks=required_int(interval_weeks, "Interval"),
            count=optional_int(count, "Number of sessions"),
            until=optional_date(until, "Until"),
            minutes=required_int(minutes, "Minutes"),
            time_zone=zone,
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
    context = {"pair": access.pair, "role": access.role, "t": found, "view": found.mentor_view}
    context |= {"chart": chart, "table": table, **views.labels()}
    return render(request, "mentoring/transparency.html", context)


router.include_router(flags_router)
