"""Names of the reviews area's audit log targets, for the admin's audit page
(`Area.audit_targets`): "review:3/account:5" reads "an account in the learning review
“Insulin given twice”" (whose account it is, the log's subject column already says)."""

from __future__ import annotations

import re
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from empathic.reviews.models import Review

CHUNK = 500
_TARGET = re.compile(r"review:(\d{1,10})/account:\d{1,10}")


def account_names(db: Session, targets: Collection[str]) -> dict[str, str]:
    """{target: name} for the targets that are review accounts, one query per 500 reviews."""
    wanted: dict[str, int] = {}
    for target in targets:
        match = _TARGET.fullmatch(target)
        if match:
            wanted[target] = int(match.group(1))
    ids = sorted(set(wanted.values()))
    titles: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        rows = db.execute(
            select(Review.id, Review.title).where(Review.id.in_(ids[start : start + CHUNK]))
        )
        titles.update({review_id: title for review_id, title in rows})
    return {
        target: f"an account in the learning review “{titles[review_id]}”"
        for target, review_id in wanted.items()
        if review_id in titles
    }
