"""The review form models: each fits the service it feeds, keeps what was typed, and a bad
value comes back on the page (400) with the field's message and the person's input."""

from __future__ import annotations

import html
import inspect
import re
from collections.abc import Callable
from typing import Any

import pytest
from tests.web.helpers import Person
from tests.web.reviews_world import World, browser_for, committed_world, world_in
from tests.web.test_reviews_routes import _start

from empathic.reviews import actions, discussion, perspectives, service
from empathic.reviews.forms import (
    AccountForm,
    ActionForm,
    DiscussionForm,
    EventForm,
    FactorForm,
    ReviewForm,
    StartForm,
    StepsForm,
)
from empathic.reviews.text import ReviewError


@pytest.mark.parametrize(
    ("form", "feeds"),
    [(StartForm, service.start_review), (EventForm, service.update_event)],
)
def test_a_forms_fields_are_exactly_its_services_keywords(
    form: type[ReviewForm], feeds: Callable[..., object]
) -> None:
    """`**form.model_dump()` reaches the service: a renamed field would be a TypeError."""
    keywords = {
        name
        for name, p in inspect.signature(feeds).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    assert set(form.model_fields) == keywords


def test_the_action_form_fits_add_action() -> None:
    params = inspect.signature(actions.add_action).parameters
    assert set(ActionForm.model_fields) == {n for n in params if n not in ("db", "access")}


def test_a_post_becomes_one_typed_form_and_missing_fields_are_empty() -> None:
    posted = {"title": "Fall", "occurred_on": "2026-01-02", "csrf_token": "x", "extra": "y"}
    form = StartForm.model_validate(posted)
    assert (form.title, form.occurred_on, form.severity, form.tags) == (
        "Fall",
        "2026-01-02",
        "",
        "",
    )
    assert not hasattr(form, "csrf_token") and not hasattr(form, "extra")
    assert AccountForm(body="b", anonymous="1").is_anonymous
    assert not AccountForm(body="b", anonymous="on").is_anonymous  # only the form's "1"
    assert not AccountForm().is_anonymous


def test_the_discussion_and_just_culture_forms_give_the_services_keys() -> None:
    answers = DiscussionForm(expected="e", actual="a", difference="d", learning="l").answers()
    assert list(answers) == list(discussion.AAR_QUESTIONS)
    assert answers == {"expected": "e", "actual": "a", "difference": "d", "learning": "l"}
    steps = StepsForm(deliberate_harm="no", health_note="well", mitigating="unsure", outcome="o")
    assert list(steps.answers()) == list(discussion.JUST_CULTURE_STEPS) == list(steps.notes())
    assert steps.answers()["deliberate_harm"] == "no" and steps.answers()["health"] == ""
    assert steps.notes()["health"] == "well" and steps.notes()["mitigating"] == ""
    assert (steps.answers()["mitigating"], steps.outcome) == ("unsure", "o")


@pytest.fixture
def world(app: Any) -> Any:
    yield from world_in(app)


def test_each_forms_bad_value_gets_its_fields_message_from_the_service(world: World) -> None:
    """The models carry text; the services name the field, as before the models existed."""
    access = world.start()
    bad_event = EventForm(title="", description="d")
    with pytest.raises(ReviewError, match=r"^What happened \(title\): this cannot be empty"):
        service.update_event(world.db, access, **bad_event.model_dump())
    with pytest.raises(ReviewError, match=r"^What happened \(title\): this cannot be empty"):
        service.start_review(
            world.db, world.fay, **StartForm(occurred_on="2026-01-01").model_dump()
        )
    bad_start = StartForm(title="t", occurred_on="yesterday", severity="low", response_type="aar")
    with pytest.raises(ReviewError, match="YYYY-MM-DD"):
        service.start_review(world.db, world.fay, **bad_start.model_dump())
    with pytest.raises(ReviewError, match=r"^SEIPS category: choose one of"):
        factor = FactorForm(category="luck", text="Two look-alike charts")
        discussion.add_factor(world.db, access, factor.category, factor.text)
    with pytest.raises(ReviewError, match=r"^Action: this cannot be empty"):
        actions.add_action(world.db, access, **ActionForm(action_type="prevent").model_dump())
    with pytest.raises(ReviewError, match=r"^What actually happened\?: contains an invisible"):
        discussion.save_discussion(world.db, access, DiscussionForm(actual="a\x07").answers())
    sam = world.as_(world.sam, world.with_contributors(access, world.sam))
    with pytest.raises(ReviewError, match=r"^Your account: this cannot be empty"):
        account = AccountForm(anonymous="1")
        perspectives.write_account(world.db, sam, account.body, account.is_anonymous)


# ----------------------------------------------------------------------------- through the pages


@pytest.fixture
def people(app: Any, make_client: Any) -> dict[str, Person]:
    org = committed_world(app)
    return {name: browser_for(make_client(), getattr(org, name)) for name in ("fay", "sam")}


def _alert(page: str) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', page)
    assert found, "the page shows the problem"
    return html.unescape(found.group(1))


def _value(page: str, element_id: str) -> str:
    """An input's value or a textarea's text, by id, as the person sees it."""
    found = re.search(
        rf'id="{element_id}"[^>]*?(?:value="([^"]*)"[^>]*>|>([^<]*)</textarea>)', page
    )
    assert found, element_id
    return html.unescape(found.group(1) if found.group(1) is not None else found.group(2))


def test_a_bad_start_comes_back_with_its_message_and_everything_typed(
    people: dict[str, Person],
) -> None:
    posted = {
        "title": "Fall on ward 7",
        "occurred_on": "last Tuesday",
        "location": "Bay 3",
        "severity": "moderate",
        "response_type": "swarm",
        "description": "Found on the floor at 03:10.",
        "tags": "falls, night",
        "tickets": "DATIX-1",
        "meeting_on": "2026-02-01",
    }
    page = people["fay"].post("/reviews", posted)
    assert page.status_code == 400 and "YYYY-MM-DD" in _alert(page.text)
    for element_id, field in (("s-title", "title"), ("s-when", "occurred_on")):
        assert _value(page.text, element_id) == posted[field]
    assert _value(page.text, "s-desc") == posted["description"]
    assert (
        _value(page.text, "s-tags") == "falls, night"
        and _value(page.text, "s-meet") == "2026-02-01"
    )
    assert '<option value="moderate" selected>' in page.text
    assert '<option value="swarm" selected>' in page.text


@pytest.mark.parametrize(
    ("path", "posted", "message", "kept"),
    [
        (
            "event",
            {"title": "", "description": "After handover", "location": "Ward 7", "tags": "a, b"},
            "What happened (title): this cannot be empty",
            {"e-title": "", "e-desc": "After handover", "e-where": "Ward 7", "e-tags": "a, b"},
        ),
        (
            "discussion",
            {"expected": "One dose", "actual": "Two\x07", "difference": "d", "learning": "l"},
            "What actually happened?: contains an invisible control character",
            {"aar-expected": "One dose", "aar-difference": "d", "aar-learning": "l"},
        ),
        (
            "factors",
            {"category": "luck", "text": "Two look-alike charts"},
            "SEIPS category: choose one of",
            {"f-text": "Two look-alike charts"},
        ),
        (
            "actions",
            {"text": "", "action_type": "detect", "owner_email": "x@example.org", "due_on": "soon"},
            "Action: this cannot be empty",
            {"a-owner": "x@example.org", "a-due": "soon", "a-text": ""},
        ),
        (
            "summary",
            {"summary": "Look-alike charts\x07"},
            "Learning summary: contains an invisible control character",
            {},
        ),
    ],
)
def test_a_bad_value_comes_back_with_its_message_and_the_persons_input(
    people: dict[str, Person],
    path: str,
    posted: dict[str, str],
    message: str,
    kept: dict[str, str],
) -> None:
    fay = people["fay"]
    review_id = _start(fay)
    page = fay.post(f"/reviews/{review_id}/{path}", posted)
    assert page.status_code == 400 and _alert(page.text).startswith(message)
    for element_id, value in kept.items():
        assert _value(page.text, element_id) == value, element_id
    if path == "actions":
        assert '<option value="detect" selected>' in page.text
    if path == "summary":
        assert _value(page.text, "summary-text") == posted["summary"]
    again = fay.client.get(f"/reviews/{review_id}").text  # nothing was saved, nothing kept
    assert "Two look-alike charts" not in again and "After handover" not in again


def test_an_emptied_account_stays_empty_with_its_message(people: dict[str, Person]) -> None:
    """`draft.account` is "" (defined), so the page does not put the saved account back."""
    fay, sam = people["fay"], people["sam"]
    review_id = _start(fay)
    fay.post(f"/reviews/{review_id}/contributors", {"email": sam.email})
    sam.post(f"/reviews/{review_id}/account", {"body": "23:05 Pharmacy rang."})
    page = sam.post(f"/reviews/{review_id}/account", {"body": "", "anonymous": "1"})
    assert page.status_code == 400 and _alert(page.text) == "Your account: this cannot be empty."
    assert _value(page.text, "account-body") == ""
    assert _value(sam.client.get(f"/reviews/{review_id}").text, "account-body") == (
        "23:05 Pharmacy rang."
    )


def test_a_bad_just_culture_answer_comes_back_with_its_step_named(
    people: dict[str, Person],
) -> None:
    fay = people["fay"]
    review_id = _start(fay)
    fay.post(f"/reviews/{review_id}/justculture", {"question": "Was the second dose deliberate?"})
    listed = fay.client.get(f"/reviews/{review_id}/justculture").text
    case = re.search(rf"/reviews/{review_id}/justculture/(\d+)", listed)
    assert case
    path = f"/reviews/{review_id}/justculture/{case.group(1)}"
    page = fay.post(path, {"deliberate_harm": "no", "health": "perhaps", "outcome": "Support"})
    assert page.status_code == 400 and _alert(page.text) == "Health test: answer yes, no or unsure."
    answers = {step: "no" for step in discussion.JUST_CULTURE_STEPS}
    notes = {f"{step}_note": f"note on {step}" for step in discussion.JUST_CULTURE_STEPS}
    done = fay.post(path, {**answers, **notes, "outcome": "Support and training"})
    assert done.status_code == 200 and "note on substitution" in done.text
