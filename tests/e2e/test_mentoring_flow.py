"""A mentor opens a flag, reads its facts, stories and guide, cannot resolve it without the
story, records what they learned, and resolves it; the mentee sees the flag and why."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from tests.e2e.helpers import PASSWORD, sign_in

from empathic.accounts.models import Team
from empathic.accounts.service import sign_up
from empathic.db import utcnow
from empathic.mentoring import goals, records, service, signals


def _seed(app: Any) -> tuple[str, str]:
    """A facilitator's team with a mentor and a mentee whose shared milestone is overdue."""
    tag = secrets.token_hex(3)
    with app.state.sessions() as db:
        team = Team(name=f"Ward {tag}")
        db.add(team)
        db.flush()
        people = {}
        for name, role in (("Fay", "facilitator"), ("Max", "learner"), ("Mia", "learner")):
            user = sign_up(
                db, email=f"{name.lower()}-{tag}@example.org", name=name, password=PASSWORD
            )
            user.role, user.team_id = role, team.id
            people[name] = user
        pair = service.create_pair(
            db, people["Fay"], mentor_email=people["Max"].email, mentee_email=people["Mia"].email
        )
        mentee = service.pair_for(db, people["Mia"], pair.id)
        service.transition(db, mentee, "accept")
        service.set_consent(db, mentee, "milestones", True)
        mentor = service.pair_for(db, people["Max"], pair.id)
        goals.add_milestone(db, mentor, "Run the team huddle", utcnow().date() - timedelta(9))
        records.log_session(db, mentor, "First conversation about goals.")
        assert signals.compute(db).created == 1
        db.commit()
        return people["Max"].email, people["Mia"].email


def test_flag_guide_story_flow(page: Any, live_app: Any) -> None:
    mentor, mentee = _seed(live_app)
    sign_in(page, mentor)
    page.goto("/mentoring")
    page.locator("a[href^='/mentoring/pairs/']").first.click()
    page.locator("a[href^='/mentoring/flags/']").first.click()
    main = page.locator("main")
    assert "open" in page.locator("h1").inner_text()
    assert "Run the team huddle" in main.inner_text()
    assert page.locator("#stories-h").is_visible() and page.locator("#guide-h").is_visible()
    assert page.locator("a[href^='/practice/']").count() >= 1
    page.get_by_role("button", name="Resolve").click()
    assert page.get_by_role("alert").is_visible()  # no story yet: refused
    assert "open" in page.locator("h1").inner_text()
    page.get_by_label("What you learned in your conversation").fill(
        "Mia was covering a colleague's leave; the huddle moved to next month."
    )
    page.get_by_role("button", name="Save the story").click()
    page.get_by_label("What you agreed").fill("New date agreed together.")
    page.get_by_role("button", name="Resolve").click()
    assert "resolved" in page.locator("h1").inner_text()
    sign_in(page, mentee)
    page.goto("/mentoring")
    page.locator("a[href^='/mentoring/pairs/']").first.click()
    page.locator("a[href$='/transparency']").first.click()
    seen = page.locator("main").inner_text()
    assert "Run the team huddle" in seen and "resolved" in seen
    page.go_back()
    page.locator("a[href^='/mentoring/flags/']").first.click()
    assert "covering a colleague" in page.locator("main").inner_text()  # the mentor's story
