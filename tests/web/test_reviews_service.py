"""Learning reviews: the service rules, on SQLite and PostgreSQL (issue #17)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.web.reviews_world import BLAME, World, world_in

from empathic.accounts.models import AuditEntry
from empathic.db import utcnow
from empathic.reviews import actions, coaching, discussion, flags, library, perspectives, service
from empathic.reviews.models import Account, Flag
from empathic.reviews.service import NotFound
from empathic.reviews.text import ReviewError


@pytest.fixture
def w(app: Any) -> Iterator[World]:
    yield from world_in(app)


def _published(w: World, summary: str = "The two charts looked alike.", **fields: str) -> Any:
    access = w.start(**fields)
    discussion.save_summary(w.db, access, summary)
    return library.publish(w.db, access)


# ----------------------------------------------------------------------- who sees a review


def test_only_people_on_the_review_can_open_it(w: World) -> None:
    access = w.with_contributors(w.start(), w.sam)
    for outsider in (w.gus, w.omar, w.admin, w.kim):  # another team, an admin, not invited
        with pytest.raises(NotFound):
            service.review_for(w.db, outsider, access.review.id)
    assert w.as_(w.sam, access).contributor and not w.as_(w.sam, access).facilitator
    assert w.as_(w.fay, access).facilitator


def test_a_facilitator_names_only_staff_of_their_own_team(w: World) -> None:
    with pytest.raises(ReviewError, match="own team"):
        w.start(facilitator_email=w.gus.email)
    with pytest.raises(ReviewError, match="facilitator or an admin"):
        w.start(facilitator_email=w.sam.email)
    with pytest.raises(PermissionError):
        w.start(by=w.sam)
    access = w.start(by=w.admin, facilitator_email=w.gus.email)  # an admin names anyone
    assert access.review.facilitator_id == w.gus.id and not access.facilitator


def test_identifiers_typed_at_the_start_are_flagged(w: World) -> None:
    access = w.start(description="Patient 943 476 5919, phone 07700 900123, was given it twice.")
    kinds = {f.kind for f in coaching.blocking(w.db, access.review) if f.detector == "identifier"}
    assert {"nhs_number", "phone"} <= kinds


# ----------------------------------------------------------------------- every perspective


def test_accounts_stay_hidden_until_one_has_written_ones_own(w: World) -> None:
    access = w.with_contributors(w.start())
    w.account(access, w.sam, "22:40 I took handover.\n23:10 The chart showed no dose.")
    kim = w.as_(w.kim, access)
    assert not perspectives.may_read_others(w.db, kim)
    assert perspectives.shown_accounts(w.db, kim) == []
    w.account(access, w.kim, "23:00 Pharmacy rang about the insulin.")
    shown = perspectives.shown_accounts(w.db, w.as_(w.kim, access))
    assert [s.own for s in shown] == [True, False]
    assert "handover" in shown[1].account.body
    timeline = perspectives.timeline(shown, access.review.occurred_on)
    assert [m.what for m in timeline] == [
        "I took handover.",
        "Pharmacy rang about the insulin.",
        "The chart showed no dose.",
    ]


def test_an_anonymous_account_is_nameless_to_the_group_but_not_the_facilitator(w: World) -> None:
    access = w.with_contributors(w.start())
    w.account(access, w.sam, "I was covering two bays.", anonymous=True)
    w.account(access, w.kim, "The pharmacy line was busy.")
    to_kim = {
        s.account.author_id: s for s in perspectives.shown_accounts(w.db, w.as_(w.kim, access))
    }
    assert to_kim[w.sam.id].label == "Colleague 1" and not to_kim[w.sam.id].named
    to_fay = {
        s.account.author_id: s for s in perspectives.shown_accounts(w.db, w.as_(w.fay, access))
    }
    assert to_fay[w.sam.id].label == "Sam Nurse" and to_fay[w.sam.id].named


def test_reading_someone_elses_account_is_audited_and_shown_to_its_author(w: World) -> None:
    access = w.with_contributors(w.start())
    w.account(access, w.sam, "I was covering two bays.")
    w.account(access, w.kim, "The pharmacy line was busy.")
    before = w.db.scalar(select(func.count(AuditEntry.id))) or 0
    perspectives.shown_accounts(w.db, w.as_(w.fay, access))
    w.db.flush()
    entries = list(w.db.scalars(select(AuditEntry).where(AuditEntry.actor_id == w.fay.id)))
    assert len(entries) == 2 and w.db.scalar(select(func.count(AuditEntry.id))) == before + 2
    assert {e.subject_id for e in entries} == {w.sam.id, w.kim.id}
    assert all(e.action == perspectives.READ_ACTION for e in entries)
    sam_account = perspectives.own_account(w.db, w.as_(w.sam, access))
    assert sam_account is not None
    assert [name for name, _ in perspectives.readers(w.db, sam_account)] == ["Fay Facilitator"]
    perspectives.shown_accounts(w.db, w.as_(w.sam, access))  # one's own: not audited
    w.db.flush()
    own = select(func.count(AuditEntry.id)).where(
        AuditEntry.actor_id == w.sam.id, AuditEntry.subject_id == w.sam.id
    )
    assert w.db.scalar(own) == 0


def test_withdrawal_erases_the_account_and_its_flags_until_publication(w: World) -> None:
    access = w.with_contributors(w.start(), w.sam)
    w.account(access, w.sam, BLAME)
    sam = w.as_(w.sam, access)
    account = perspectives.own_account(w.db, sam)
    assert account is not None
    assert w.db.scalar(select(func.count(Flag.id)).where(Flag.target == "account")) >= 1
    perspectives.withdraw_account(w.db, sam)
    w.db.flush()
    stored = w.db.get(Account, account.id)
    assert stored is not None and stored.body == "" and stored.withdrawn_at is not None
    assert w.db.scalar(select(func.count(Flag.id)).where(Flag.target == "account")) == 0
    assert perspectives.shown_accounts(w.db, w.as_(w.fay, access)) == []
    w.account(access, w.sam, "I was covering two bays.")
    discussion.save_summary(w.db, access, "Two bays, one nurse.")
    library.publish(w.db, w.as_(w.fay, access))
    with pytest.raises(ReviewError, match="published"):
        perspectives.withdraw_account(w.db, w.as_(w.sam, access))


# ----------------------------------------------------------------------- coaching and publishing


def test_publication_waits_for_every_flag_to_be_rewritten_or_resolved(w: World) -> None:
    access = w.start()
    discussion.save_summary(w.db, access, BLAME)
    open_flags = coaching.blocking(w.db, access.review)
    assert open_flags and all(f.detector == "blame" for f in open_flags)
    with pytest.raises(ReviewError, match="still open"):
        library.publish(w.db, access)
    with pytest.raises(ReviewError, match="Reason"):
        flags.resolve(w.db, access, open_flags[0].id, "ok")
    w.with_contributors(access, w.sam)
    with pytest.raises(PermissionError):
        flags.resolve(w.db, w.as_(w.sam, access), open_flags[0].id, "A quote we agreed to keep.")
    for flag in open_flags:
        flags.resolve(w.db, access, flag.id, "A direct quote the group agreed to keep.")
    entry = library.publish(w.db, access)
    assert entry.summary == BLAME and access.review.status == "published"
    history = [f for f in coaching.flags_of(w.db, access.review) if f.status == "resolved"]
    assert history and all(f.reason and f.resolved_by_id == w.fay.id for f in history)


def test_rewriting_the_phrase_closes_its_flag(w: World) -> None:
    access = w.start()
    discussion.save_summary(w.db, access, BLAME)
    flag = next(f for f in coaching.blocking(w.db, access.review) if f.rewrite)
    flags.apply_rewrite(w.db, access, flag.id)
    assert flag.phrase not in access.review.summary
    assert w.db.get(Flag, flag.id).status == "rewritten"  # type: ignore[union-attr]
    discussion.save_summary(w.db, access, "Two charts looked alike at handover.")
    assert coaching.blocking(w.db, access.review) == []
    assert library.publish(w.db, access).summary.startswith("Two charts")


def test_published_texts_name_no_one_but_accounts_may_name_people_on_the_review(w: World) -> None:
    access = w.with_contributors(w.start(), w.sam)
    discussion.save_summary(w.db, access, "Sam Nurse took the handover at ten.")
    names = [f for f in coaching.blocking(w.db, access.review) if f.kind == "name"]
    assert names and names[0].phrase in ("Sam Nurse", "Sam")
    w.account(access, w.sam, "I took handover from Fay Facilitator at ten.")
    account_names = w.db.scalars(
        select(Flag).where(Flag.target == "account", Flag.kind == "name")
    ).all()
    assert account_names == []


def test_a_factor_is_a_condition_of_the_work_system_never_a_person(w: World) -> None:
    access = w.with_contributors(w.start(), w.sam)
    with pytest.raises(ReviewError, match="names Sam"):
        discussion.add_factor(w.db, access, "person", "Sam was tired after three nights.")
    with pytest.raises(ReviewError, match="SEIPS"):
        discussion.add_factor(w.db, access, "blame", "The rota had three nights in a row.")
    factor = discussion.add_factor(
        w.db, access, "organisation", "The rota had three nights in a row."
    )
    assert discussion.factors(w.db, access) == [factor]


def test_the_just_culture_step_stays_out_of_the_learning(w: World) -> None:
    access = w.with_contributors(w.start(), w.sam)
    question = "Did the nurse ignore the protocol on purpose?"
    case = discussion.raise_question(w.db, w.as_(w.sam, access), question)
    assert discussion.cases(w.db, w.as_(w.sam, access)) == [case]  # the one who raised it
    w.with_contributors(access, w.kim)
    assert discussion.cases(w.db, w.as_(w.kim, access)) == []  # nobody else on the review
    discussion.record_steps(
        w.db, access, case.id, {"deliberate_harm": "no"}, {"substitution": "Others would."}, ""
    )
    with pytest.raises(ReviewError, match="Just Culture"):
        discussion.save_summary(w.db, access, f"Learning: {question}")
    discussion.save_summary(w.db, access, "Look-alike charts at handover.")
    entry = library.publish(w.db, access)
    exported = library.markdown(entry, library.changes_since(w.db, entry))
    assert "protocol on purpose" not in exported + str(entry.content) + entry.search_text
    with pytest.raises(ReviewError, match="yes, no or unsure"):
        discussion.record_steps(w.db, access, case.id, {"health": "maybe"}, {}, "")


# ----------------------------------------------------------------------- actions


def test_a_plan_of_only_weak_actions_is_warned_about(w: World) -> None:
    access = w.start()
    due = (utcnow().date() + timedelta(days=30)).isoformat()
    actions.add_action(
        w.db,
        access,
        text="Remind staff to check the chart.",
        action_type="prevent",
        strength="",
        due_on=due,
    )
    plan = actions.actions_of(w.db, access.review)
    assert plan[0].strength == "weak"  # suggested from "remind"
    assert actions.only_weak(plan)
    actions.add_action(
        w.db,
        access,
        text="Barcode scanning before every insulin dose.",
        action_type="prevent",
        strength="strong",
    )
    assert not actions.only_weak(actions.actions_of(w.db, access.review))
    assert not actions.only_weak([])


def test_overdue_actions_are_their_owners_and_closing_them_clears_it(w: World) -> None:
    access = w.with_contributors(w.start(), w.sam, w.kim)
    late = (utcnow().date() - timedelta(days=1)).isoformat()
    action = actions.add_action(
        w.db,
        access,
        text="Separate the insulin pens.",
        action_type="prevent",
        strength="strong",
        owner_email=w.sam.email,
        due_on=late,
    )
    assert actions.overdue_for(w.db, w.sam) == [action]
    assert actions.overdue_for(w.db, w.fay) == []
    items = actions.home_items(w.db, w.sam)
    assert items[0].href == f"/reviews/{access.review.id}#action-{action.id}"
    with pytest.raises(PermissionError):  # neither its owner nor the facilitator
        actions.update_action(w.db, w.as_(w.kim, access), action.id, "done")
    with pytest.raises(ReviewError, match="Status"):
        actions.update_action(w.db, w.as_(w.sam, access), action.id, "bogus")
    actions.update_action(
        w.db, w.as_(w.sam, access), action.id, "done", "Pens now in separate drawers."
    )
    assert actions.overdue_for(w.db, w.sam) == [] and action.done_at is not None


# ----------------------------------------------------------------------- the library


def test_search_finds_published_learning_only(w: World) -> None:
    published = _published(w, title="Insulin pens stored together", summary="Pens looked alike.")
    hidden = w.start(by=w.gus, title="Insulin pump alarm silenced")  # another team, unpublished
    discussion.save_summary(w.db, hidden, "The insulin pump alarm was silenced.")
    w.db.flush()
    found = library.search(w.db, "insulin")
    assert [e.id for e in found] == [published.id]
    assert library.search(w.db, "pump alarm") == []
    assert [e.id for e in library.search(w.db, "pens")] == [published.id]  # stemmed
    assert library.search(w.db, "insulin -pens") == []
    assert [e.id for e in library.search(w.db, '"stored together"')] == [published.id]
    assert [e.id for e in library.search(w.db, "nothing or pens")] == [published.id]


@pytest.mark.parametrize(
    "query", ['"', "-", "a*", "NEAR(x", "OR", "x AND", "'; DROP", "^x", "(", "é"]
)
def test_search_never_fails_on_odd_queries(w: World, query: str) -> None:
    _published(w)
    library.search(w.db, query)  # no error; results may be empty


def test_fts5_queries_quote_every_term() -> None:
    assert (
        library.fts5_query('insulin "two charts" -pump') == '"insulin" AND "two charts" NOT "pump"'
    )
    assert library.fts5_query("pens or pumps") == '("pens" OR "pumps")'
    assert library.fts5_query("-only") == "" and library.fts5_query('NEAR("') == '"NEAR"'


def test_anniversaries_resurface_with_what_changed_since(w: World) -> None:
    a_year_ago = utcnow().date() - timedelta(days=366)
    access = w.with_contributors(w.start(occurred_on=a_year_ago.isoformat()), w.sam)
    action = actions.add_action(
        w.db, access, text="Separate the pens.", action_type="prevent", strength="strong"
    )
    discussion.save_summary(w.db, access, "Look-alike pens.")
    entry = library.publish(w.db, access)
    actions.update_action(w.db, access, action.id, "done", "Done in May.")
    assert [e.id for e, years in library.anniversaries(w.db)] == [entry.id]
    assert library.anniversaries(w.db, today=utcnow().date() + timedelta(days=60)) == []
    change = library.changes_since(w.db, entry)[0]
    assert change.then == "open" and change.now == "done" and change.changed
    items = actions.home_items(w.db, w.sam)
    assert any(i.href == f"/reviews/library/{entry.id}#changes" for i in items)
    assert not any("library" in i.href for i in actions.home_items(w.db, w.omar))


def test_bad_text_is_refused_before_anything_changes(w: World) -> None:
    access = w.with_contributors(w.start(), w.sam)
    sam = w.as_(w.sam, access)
    for body, message in (
        ("x" * 20_001, "at most"),
        ("<script>alert(1)</script>", "HTML"),
        ("bell\x07", "control"),
        ("nul\x00", "control"),
        ("   ", "empty"),
    ):
        with pytest.raises(ReviewError, match=message):
            perspectives.write_account(w.db, sam, body, False)
    assert perspectives.own_account(w.db, sam) is None
    assert perspectives.write_account(w.db, sam, "1 < 2", False).body == "1 < 2"


def test_the_audit_log_names_a_review_account_by_its_review(w: World) -> None:
    from empathic.reviews.audit_names import account_names

    access = w.with_contributors(w.start(), w.sam)
    w.account(access, w.sam, "I was covering two bays.")
    account = perspectives.own_account(w.db, w.as_(w.sam, access))
    assert account is not None
    target = perspectives.target_of(account)
    names = account_names(w.db, [target, "pair:3", "review:x/account:1", "review:999999/account:1"])
    assert names == {target: f"an account in the learning review “{access.review.title}”"}


def test_action_notes_never_reach_the_library(w: World) -> None:
    """Notes are free text written after the de-identification checks (found in review)."""
    a = w.start()
    act = actions.add_action(
        w.db,
        a,
        text="Separate storage for insulin pens",
        action_type="prevent",
        strength="strong",
        owner_email=w.omar.email,
    )
    discussion.save_summary(w.db, a, "Handover did not show the dose already given.")
    actions.update_action(w.db, a, act.id, "in_progress", "Sam Nurse gave it; NHS 943 476 5919")
    entry = library.publish(w.db, a)
    owner = service.review_for(w.db, w.omar, a.review.id)
    actions.update_action(w.db, owner, act.id, "done", "Told Sam Nurse off. DOB 01/02/1960")
    changes = library.changes_since(w.db, entry)
    assert [(c.then, c.now) for c in changes] == [("in_progress", "done")]
    shown = library.markdown(entry, changes)
    assert "Sam Nurse" not in shown and "1960" not in shown and "943" not in shown
