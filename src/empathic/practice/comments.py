"""Comments on a debrief: a facilitator's feedback on a shared run and the learner's replies.

Whoever may read the debrief (`practice.area.DEBRIEF`: the learner, or someone who
oversees them once the run is shared) may comment; the learner sees every comment on
their own runs. A comment is plain text, kept as written.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from empathic.accounts.models import User
from empathic.practice.models import PracticeRun, RunComment
from empathic.practice.service import PracticeError, plain

MAX_COMMENT = 4000
"""Characters in one comment: room for considered feedback, not for a pasted transcript."""


def comments_on(db: Session, run: PracticeRun) -> list[RunComment]:
    """The run's comments, oldest first, with their authors loaded in one more query."""
    query = (
        select(RunComment)
        .where(RunComment.run_id == run.id)
        .options(selectinload(RunComment.author))
        .order_by(RunComment.created_at, RunComment.id)
    )
    return list(db.scalars(query))


def add_comment(db: Session, author: User, run: PracticeRun, body: str) -> RunComment:
    """Add a comment; the caller has already checked the author may read the debrief."""
    text = plain(body).strip()
    if not text:
        raise PracticeError("Write a comment before saving it.")
    if len(text) > MAX_COMMENT:
        raise PracticeError(f"Keep a comment under {MAX_COMMENT:,} characters.")
    if run.status != "ended":
        raise PracticeError("Comments open once the conversation has ended.")
    comment = RunComment(run_id=run.id, author_id=author.id, body=text)
    db.add(comment)
    db.flush()
    return comment
