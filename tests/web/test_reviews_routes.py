"""Learning reviews through the pages: the flow, privacy, bad input, home, demo, CLI export."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.web.helpers import Person
from tests.web.reviews_world import BLAME, World, browser_for, committed_world
from typer.testing import CliRunner

from empathic.accounts.models import AuditEntry
from empathic.cli import app as cli_app
from empathic.db import utcnow
from empathic.reviews.models import Account, Action, Flag, LibraryEntry, Review
from empathic.web.demo import seed_demo


@pytest.fixture
def org(app: Any) -> World:
    return committed_world(app)


@pytest.fixture
def people(org: World, make_client: Any) -> dict[str, Person]:
    return {
        name: browser_for(make_client(), getattr(org, name))
        for name in ("fay", "gus", "sam", "kim", "ola", "omar")
    }


def _start(fay: Person, **fields: str) -> int:
    data = {
        "title": "Insulin given twice on a night shift",
        "occurred_on": (utcnow().date() - timedelta(days=2)).isoformat(),
        "severity": "moderate",
        "response_type": "aar",
        "tags": "insulin, medication",
    } | fields
    response = fay.post("/reviews", data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(re.search(r"/reviews/(\d+)", response.headers["location"]).group(1))  # type: ignore[union-attr]


def _count(app: Any, model: Any) -> int:
    with app.state.sessions() as db:
        return int(db.scalar(select(func.count(model.id))) or 0)


def test_the_review_flow_through_the_pages(people: dict[str, Person], app: Any) -> None:
    fay, sam, kim = people["fay"], people["sam"], people["kim"]
    review_id = _start(fay)
    for person in (sam, kim):
        assert (
            fay.post(f"/reviews/{review_id}/contributors", {"email": person.email}).status_code
            == 200
        )
    page = sam.client.get(f"/reviews/{review_id}").text
    assert "once you have written yours" in page
    sam.post(
        f"/reviews/{review_id}/account", {"body": "22:40 Handover.\n" + BLAME, "anonymous": "1"}
    )
    page = sam.client.get(f"/reviews/{review_id}").text
    assert "<mark" in page and "Use this rewrite" in page  # the blame phrase, coached
    kim.post(f"/reviews/{review_id}/account", {"body": "23:05 Pharmacy rang about the dose."})
    page = kim.client.get(f"/reviews/{review_id}").text
    assert "Colleague 1" in page and "Sam Nurse" not in page.split('id="accounts"')[1]
    assert "Pharmacy rang" in page and "Handover." in page  # the merged timeline
    assert "<mark" not in page.split('id="accounts"')[1]  # Sam's coaching is Sam's alone
    assert "Sam Nurse" in fay.client.get(f"/reviews/{review_id}").text.split('id="accounts"')[1]
    fay.post(f"/reviews/{review_id}/summary", {"summary": "Two look-alike charts at handover."})
    fay.post(
        f"/reviews/{review_id}/actions",
        {"text": "Remind staff to check the chart.", "action_type": "prevent", "strength": "weak"},
    )
    assert "Every action here is weak" in fay.client.get(f"/reviews/{review_id}").text
    published = fay.post(f"/reviews/{review_id}/publish")
    assert published.status_code == 200 and "Published to the library" in published.text
    found = people["omar"].client.get("/reviews/library", params={"q": "look-alike charts"}).text
    entry_id = re.search(r'href="/reviews/library/(\d+)"', found).group(1)  # type: ignore[union-attr]
    entry = people["omar"].client.get(f"/reviews/library/{entry_id}").text
    assert (
        "Two look-alike charts" in entry and "Sam Nurse" not in entry and "Handover." not in entry
    )
    assert "/practice/nurse-medication-error" in entry and "Print or save as PDF" in entry
    markdown = people["omar"].client.get(f"/reviews/library/{entry_id}/export.md")
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "attachment" in markdown.headers["content-disposition"]
    assert markdown.text.startswith("# Insulin given twice") and "Weak" in markdown.text


def test_another_teams_review_is_not_found_and_untouched(
    people: dict[str, Person], app: Any
) -> None:
    review_id = _start(people["fay"])
    before = (_count(app, Account), _count(app, Action), _count(app, Flag))
    for name in ("gus", "omar", "sam"):  # another team's facilitator and learner; not invited
        person = people[name]
        assert person.client.get(f"/reviews/{review_id}").status_code == 404
        assert person.client.get(f"/reviews/{review_id}/justculture").status_code == 404
        for path, data in (
            ("account", {"body": "mine"}),
            ("summary", {"summary": "Overwritten " + BLAME}),
            ("actions", {"text": "x", "action_type": "prevent", "strength": "weak"}),
            ("publish", {}),
            ("justculture", {"question": "Whose fault was it?"}),
        ):
            assert person.post(f"/reviews/{review_id}/{path}", data).status_code == 404, path
    assert (_count(app, Account), _count(app, Action), _count(app, Flag)) == before
    with app.state.sessions() as db:
        assert db.get(Review, review_id).summary == ""  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("x" * 20_001, 400, "at most 20,000 characters"),
        ("<img src=x onerror=alert(1)>", 400, "plain text only"),
        ("tab\tis fine but bell\x07 is not", 400, "control character"),
        ("NUL\x00", 400, "NUL"),
        ("", 400, "cannot be empty"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_changes_nothing(
    people: dict[str, Person], app: Any, body: str, status: int, message: str
) -> None:
    fay, sam = people["fay"], people["sam"]
    review_id = _start(fay)
    fay.post(f"/reviews/{review_id}/contributors", {"email": sam.email})
    sam.post(f"/reviews/{review_id}/account", {"body": "My first account."})
    response = sam.post(f"/reviews/{review_id}/account", {"body": body})
    assert response.status_code == status and message in response.text
    with app.state.sessions() as db:
        bodies = list(db.scalars(select(Account.body)))
    assert bodies == ["My first account."]
    response = fay.post(f"/reviews/{review_id}/summary", {"summary": body})
    assert response.status_code in (200, 400)  # an empty summary is allowed
    with app.state.sessions() as db:
        assert db.get(Review, review_id).summary == ""  # type: ignore[union-attr]


def test_bad_starts_and_addresses_are_refused(people: dict[str, Person], app: Any) -> None:
    fay = people["fay"]
    cases = [
        ({"title": ""}, "cannot be empty"),
        ({"title": "t" * 201}, "at most 200"),
        ({"occurred_on": "2999-01-01"}, "future"),
        ({"occurred_on": "yesterday"}, "YYYY-MM-DD"),
        ({"severity": "catastrophic"}, "Severity"),
        ({"response_type": "inquest"}, "Learning response"),
        ({"facilitator_email": "nobody@example.org"}, "no account"),
        ({"tags": ",".join(f"t{i}" for i in range(11))}, "at most 10"),
    ]
    base = {"title": "t", "occurred_on": "2026-01-01", "severity": "low", "response_type": "aar"}
    for fields, message in cases:
        response = fay.post("/reviews", base | fields)
        assert response.status_code == 400 and message in response.text, fields
    assert _count(app, Review) == 0
    assert people["sam"].post("/reviews", base).status_code == 403
    for path in ("/reviews/0", f"/reviews/{2**31}", "/reviews/-1", "/reviews/library/abc"):
        assert fay.client.get(path).status_code == 404, path
    assert fay.client.get("/reviews/library", params={"q": "x" * 201}).status_code == 422


def test_overdue_actions_wait_on_their_owners_home_page(people: dict[str, Person]) -> None:
    fay, sam = people["fay"], people["sam"]
    review_id = _start(fay)
    fay.post(f"/reviews/{review_id}/contributors", {"email": sam.email})
    late = (utcnow().date() - timedelta(days=1)).isoformat()
    fay.post(
        f"/reviews/{review_id}/actions",
        {
            "text": "Separate the insulin pens.",
            "action_type": "prevent",
            "strength": "strong",
            "owner_email": sam.email,
            "due_on": late,
        },
    )
    assert "Overdue action" in sam.client.get("/").text
    assert "Overdue action" not in fay.client.get("/").text
    assert "Your overdue actions" in sam.client.get("/reviews").text
    page = sam.client.get(f"/reviews/{review_id}").text
    action_id = re.search(r'id="action-(\d+)"', page).group(1)  # type: ignore[union-attr]
    sam.post(f"/reviews/{review_id}/actions/{action_id}", {"status": "done", "note": "Done."})
    assert "Overdue action" not in sam.client.get("/").text


def test_every_reading_of_an_account_is_audited(people: dict[str, Person], app: Any) -> None:
    fay, sam = people["fay"], people["sam"]
    review_id = _start(fay)
    fay.post(f"/reviews/{review_id}/contributors", {"email": sam.email})
    sam.post(f"/reviews/{review_id}/account", {"body": "I was covering two bays."})
    assert "Nobody else has read it yet" in sam.client.get(f"/reviews/{review_id}").text
    fay.client.get(f"/reviews/{review_id}")
    with app.state.sessions() as db:
        entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "reviews.account.read"))
    assert entry is not None and entry.subject_id != entry.actor_id
    assert "Read by: Fay Facilitator" in sam.client.get(f"/reviews/{review_id}").text


def test_the_demo_has_a_published_review_and_one_in_progress(app: Any) -> None:
    seed_demo(app.state.sessions)
    with app.state.sessions() as db:
        states = sorted(db.scalars(select(Review.status)))
        assert states == ["open", "published"]
        assert db.scalar(select(func.count(LibraryEntry.id))) == 1
        assert db.scalar(select(func.count(Account.id))) == 4


def test_the_cli_exports_published_learning_as_markdown(
    people: dict[str, Person], app: Any, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fay = people["fay"]
    review_id = _start(fay)
    fay.post(f"/reviews/{review_id}/summary", {"summary": "Two look-alike charts."})
    fay.post(f"/reviews/{review_id}/publish")
    with app.state.sessions() as db:
        entry_id = db.scalar(select(LibraryEntry.id))
    monkeypatch.setenv("EMPATHIC_DATABASE_URL", database_url)
    result = CliRunner().invoke(cli_app, ["reviews", "export", str(entry_id), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Insulin given twice") and "Two look-alike" in result.output
    missing = CliRunner().invoke(cli_app, ["reviews", "export", "999999"])
    assert missing.exit_code == 2 and "no published learning review" in missing.output
