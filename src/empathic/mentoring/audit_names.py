"""Names of mentoring's audit log targets, for the admin's audit page (`Area.audit_targets`)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from empathic.accounts.models import User
from empathic.mentoring.models import Pair

CHUNK = 500
"""Pairs asked for per statement (a CSV export may name thousands)."""


def pair_names(db: Session, targets: Collection[str]) -> dict[str, str]:
    """{"pair:3": "the mentoring pair of Mona and Theo", ...} for the targets that are pairs,
    in one query per 500 pairs."""
    ids = sorted(
        {int(t[5:]) for t in targets if t.startswith("pair:") and t[5:].isdigit() and len(t) < 16}
    )
    mentor, mentee = aliased(User), aliased(User)
    found: dict[str, str] = {}
    for start in range(0, len(ids), CHUNK):
        rows = db.execute(
            select(Pair.id, mentor.name, mentee.name)
            .join(mentor, mentor.id == Pair.mentor_id)
            .join(mentee, mentee.id == Pair.mentee_id)
            .where(Pair.id.in_(ids[start : start + CHUNK]))
        )
        for pair_id, mentor_name, mentee_name in rows:
            found[f"pair:{pair_id}"] = f"the mentoring pair of {mentor_name} and {mentee_name}"
    return found
