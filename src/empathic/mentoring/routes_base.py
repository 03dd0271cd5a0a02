"""What every pair page route shares: finding the pair, drawing its page, one change.

Every change runs through `act`: the pair if the person may open it (else the same 404
as for no pair), the change, and on a fixable problem (`MentoringError`, such as a form
field that cannot be read) a rollback and the pair page again with the message (400).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import Form, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.mentoring import service, signals, views
from empathic.mentoring.area import MENTOR
from empathic.mentoring.forms import PairId
from empathic.mentoring.service import Access, MentoringError, NotFound
from empathic.web.deps import DbDep, permit
from empathic.web.render import render, see_other

Member = Annotated[User, permit(MENTOR)]
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
    feed = request.url_for("calendar_feed", pair_id=access.pair.id)
    context: views.PairPage = {
        "view": view,
        "pair": access.pair,
        "role": access.role,
        "error": error,
        "transitions": service.TRANSITIONS[access.pair.state],
        "accepter": service.accepting_role(access.pair),
        "chart": chart,
        "table": table,
        **views.labels(),
        # absolute: a calendar app is given the whole address
        "feed_url": f"{feed}?token={access.pair.feed_token}",
    }
    return render(request, "mentoring/pair.html", dict(context), status)


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
