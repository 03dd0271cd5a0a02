"""Acting on a flag: take its neutral rewrite into the text, or resolve it with a reason.

Whoever writes a text acts on its flags: the facilitator on the event, the discussion,
factors, actions and the summary; a contributor on their own account. Resolving (keeping
the words, with a reason that stays with the review) is the facilitator's, and only for
what would be published: an account's flags coach its author and block nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from empathic.db import utcnow
from empathic.reviews import coaching, discussion, perspectives
from empathic.reviews.models import Account, Action, Factor, Flag
from empathic.reviews.service import Access, member_names, require_facilitator, require_open
from empathic.reviews.text import ACTION, FACTOR, LONG, REASON, TITLE, ReviewError, clean

LIMITS = {"title": TITLE, "location": TITLE}


def flag_for(db: Session, access: Access, flag_id: int) -> Flag:
    flag = db.get(Flag, flag_id)
    if flag is None or flag.review_id != access.review.id:
        raise LookupError(flag_id)
    if flag.target == "account":
        account = db.get(Account, flag.target_id)
        if account is None or account.author_id != access.viewer.id:
            raise LookupError(flag_id)  # another person's coaching is theirs alone
    return flag


def resolve(db: Session, access: Access, flag_id: int, reason: str) -> Flag:
    """Keep the words, saying why (e.g. "a direct quote the group agreed to keep")."""
    require_facilitator(access)
    require_open(access)
    flag = flag_for(db, access, flag_id)
    if flag.target not in coaching.PUBLISHED_TARGETS:
        raise ReviewError("Only flags on what will be published are resolved; rewrite this one.")
    if flag.status != "open":
        raise ReviewError("This flag is no longer open.")
    why = clean(reason, "Reason", REASON)
    if len(why) < 10:
        raise ReviewError("Reason: say in a sentence why these words should stay.")
    flag.status, flag.reason = "resolved", why
    flag.resolved_by_id, flag.closed_at = access.viewer.id, utcnow()
    return flag


def apply_rewrite(db: Session, access: Access, flag_id: int) -> Flag:
    """Put the flag's neutral rewrite in place of the sentence holding the phrase (the
    detector rewrites whole sentences, keeping their facts) and check the text again."""
    from empathic.analysis.blame import sentence_spans

    require_open(access)
    flag = flag_for(db, access, flag_id)
    if flag.status != "open" or not flag.rewrite:
        raise ReviewError("This flag has no rewrite to apply.")
    if flag.target != "account":
        require_facilitator(access)
    current = text_of(db, access, flag)
    start, end = flag.span_start, flag.span_end
    if current[start:end] != flag.phrase:
        start = current.find(flag.phrase)
        if start < 0:
            raise ReviewError("The text has changed since this flag was raised; edit it directly.")
        end = start + len(flag.phrase)
    first, last = next(((a, b) for a, b in sentence_spans(current) if a <= start < b), (start, end))
    replaced = current[:first] + flag.rewrite + current[max(last, end) :]
    save_text(db, access, flag, replaced)
    return flag


def text_of(db: Session, access: Access, flag: Flag) -> str:
    if flag.target == "review":
        return str(getattr(access.review, flag.field))
    holder = _holder(db, flag)
    return holder.body if isinstance(holder, Account) else holder.text


def _holder(db: Session, flag: Flag) -> Account | Factor | Action:
    kinds: dict[str, type[Account | Factor | Action]] = {
        "account": Account,
        "factor": Factor,
        "action": Action,
    }
    holder = db.get(kinds[flag.target], flag.target_id)
    if not isinstance(holder, Account | Factor | Action):
        raise LookupError(flag.id)
    return holder


def save_text(db: Session, access: Access, flag: Flag, value: str) -> None:
    """Store a rewritten text through the same checks as its own form."""
    review = access.review
    if flag.target == "account":
        account = _holder(db, flag)
        assert isinstance(account, Account)
        perspectives.write_account(db, access, value, account.anonymous)
        return
    if flag.target == "review" and flag.field == "summary":
        discussion.save_summary(db, access, value)
        return
    if flag.target == "review":
        limit = LIMITS.get(flag.field, LONG)
        setattr(
            review,
            flag.field,
            clean(value, flag.field.capitalize(), limit, required=flag.field == "title"),
        )
    else:
        holder = _holder(db, flag)
        assert isinstance(holder, Factor | Action)
        limit = FACTOR if isinstance(holder, Factor) else ACTION
        holder.text = clean(value, flag.target.capitalize(), limit, required=True)
    review.updated_at = utcnow()
    coaching.sync(
        db,
        review,
        flag.target,
        flag.target_id,
        flag.field,
        text_of(db, access, flag),
        member_names(db, review),
    )
