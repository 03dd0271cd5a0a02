"""Issue #17's goal in a browser: a facilitator starts a review, three contributors write
their accounts, a blame phrase is flagged and rewritten, actions are added, the summary is
published and found by search."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from tests.e2e.helpers import PASSWORD, sign_in

from empathic.accounts.models import Team
from empathic.accounts.service import sign_up
from empathic.db import utcnow


def _seed(app: Any) -> tuple[str, list[str], str]:
    """A ward with a facilitator and three staff; returns their emails and a unique word."""
    tag = secrets.token_hex(3)
    with app.state.sessions() as db:
        team = Team(name=f"Ward {tag}")
        db.add(team)
        db.flush()
        emails = []
        for name, role in (
            ("Fay Lead", "facilitator"),
            ("Sam Nurse", "learner"),
            ("Kim Pharmacist", "learner"),
            ("Ola Doctor", "learner"),
        ):
            email = f"{name.split()[0].lower()}-{tag}@example.org"
            user = sign_up(db, email=email, name=f"{name} {tag}", password=PASSWORD)
            user.role, user.team_id = role, team.id
            emails.append(email)
        db.commit()
    return emails[0], emails[1:], f"glucometer{tag}"


def test_review_flow_from_event_to_searchable_learning(page: Any, live_app: Any) -> None:
    facilitator, contributors, word = _seed(live_app)
    sign_in(page, facilitator)
    page.goto("/reviews")
    page.get_by_label("What happened (a short title)").fill(f"Second insulin dose ({word})")
    page.get_by_label("When", exact=True).fill((utcnow().date() - timedelta(days=1)).isoformat())
    page.get_by_label("Where", exact=True).fill("Night shift, medical ward")
    page.get_by_label("Severity").select_option("moderate")
    page.get_by_label("Learning response").select_option("aar")
    page.get_by_label("Tags (comma-separated)").fill("insulin, medication")
    page.get_by_role("button", name="Start the review").click()
    page.wait_for_url("**/reviews/*")
    review_url = page.url.split("?")[0]
    for email in contributors:
        page.get_by_label("Invite by email").fill(email)
        page.get_by_role("button", name="Invite").click()
        assert "Contributor invited" in page.get_by_role("status").inner_text()

    accounts = [
        "22:40 I took handover of bay 3.\nThe nurse should have checked the chart.",
        "23:05 Pharmacy rang back about the insulin order.",
        "23:30 I was asked to review the glucose reading.",
    ]
    for email, account in zip(contributors, accounts, strict=True):
        sign_in(page, email)
        page.goto(review_url)
        assert page.get_by_text("once you have written yours").is_visible()
        page.get_by_label("In your own words").fill(account)
        page.get_by_role("button", name="Write my account").click()
        assert "Your account is saved" in page.get_by_role("status").inner_text()
        if "should have" in account:
            box = page.locator("#my-account .coaching-box")
            assert "should have" in box.locator("mark").first.inner_text().lower()
            assert "hindsight" in box.inner_text().lower()
            box.get_by_role("button", name="Use this rewrite").first.click()
            assert "The neutral rewrite is in the text" in page.get_by_role("status").inner_text()
            assert page.locator("#my-account mark").count() == 0
            assert "should have" not in page.get_by_label("In your own words").input_value()
    assert "Pharmacy rang back" in page.locator("#timeline").inner_text()  # all three merged

    sign_in(page, facilitator)
    page.goto(review_url)
    assert page.locator("#accounts article").count() == 3
    page.get_by_label("What will change").fill("Remind staff to check the chart.")
    page.get_by_label("Type", exact=True).select_option("prevent")
    page.get_by_role("button", name="Add action").click()
    assert page.get_by_text("Every action here is weak").is_visible()
    page.get_by_label("What will change").fill("Store insulin pens for each patient apart.")
    page.get_by_label("Type", exact=True).select_option("prevent")
    page.get_by_label("Strength").select_option("strong")
    page.get_by_role("button", name="Add action").click()
    assert page.get_by_text("Every action here is weak").count() == 0
    page.get_by_role("textbox", name="Learning summary").fill(
        f"Look-alike insulin charts and a busy {word} round met at handover; pens are now "
        "stored apart for each patient."
    )
    page.get_by_role("button", name="Save the summary").click()
    page.get_by_role("button", name="Publish the learning summary").click()
    assert "Published to the learning library" in page.get_by_role("status").inner_text()

    sign_in(page, contributors[2])
    page.goto("/reviews/library")
    page.get_by_label("Search published learning").fill(word)
    page.get_by_role("button", name="Search").click()
    result = page.locator(".results a").first
    assert word in result.inner_text()
    result.click()
    assert "stored apart" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Print or save as PDF").is_visible()
