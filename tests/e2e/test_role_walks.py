"""Issue #16's goal in a browser: each role walks its main job end to end.

Each walk fails on the problems people tripped over: a learner with no next step, a
run that ends without warning or leaves its form on screen, an abandoned run stuck
"in progress", "Turn None" and "1 questions" in a debrief; a facilitator addressed as
"You said" on someone else's debrief, offered "Practise again", with nowhere to leave
feedback; an admin's audit log of bare numbers, role changes without confirmation,
no invite or deactivate.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import Any

from tests.e2e.helpers import PASSWORD, sign_in

from empathic.accounts.models import Team
from empathic.accounts.service import sign_up

SCENARIO = "mentor-milestones"
BAD_COUNTS = re.compile(r"\b1 (questions|reflections|turns|pieces of advice|days|entries)\b")


def _seed(app: Any) -> dict[str, str]:
    """A team with a facilitator and a learner, and an admin; returns role -> email."""
    tag = secrets.token_hex(3)
    emails = {}
    with app.state.sessions() as db:
        team = Team(name=f"Walk team {tag}")
        db.add(team)
        db.flush()
        for name, role in (("Lia", "learner"), ("Fay", "facilitator"), ("Ada", "admin")):
            email = f"{name.lower()}-{tag}@example.org"
            user = sign_up(db, email=email, name=f"{name} {tag}", password=PASSWORD)
            user.role, user.team_id = role, team.id
            emails[role] = email
        db.commit()
    return emails


def _send(page: Any, line: str) -> None:
    before = page.locator("#chat li").count()
    page.get_by_label("What you say").fill(line)
    page.get_by_label("What you say").press("Control+Enter")  # the keyboard sends
    page.wait_for_function(
        "n => document.querySelectorAll('#chat li').length >= n + 2"
        " && !document.getElementById('send').disabled",
        arg=before,
    )


def _main_text(page: Any) -> str:
    return str(page.locator("main").inner_text())


def _learner_plays_and_shares(page: Any) -> str:
    """From the home page's next step to a shared debrief; returns the run's id."""
    assert page.get_by_role("link", name="Start your first practice conversation").is_visible()
    page.goto(f"/practice/{SCENARIO}")
    page.get_by_role("button", name="Start the conversation").click()
    page.wait_for_url("**/runs/*")
    abandoned = page.url.rsplit("/", 1)[-1]
    page.goto("/practice")  # a run left with no turns can be discarded, not left hanging
    page.get_by_role("button", name=re.compile(r"^Discard ")).first.click()
    page.wait_for_url("**/practice?done=discarded")
    assert f"/runs/{abandoned}" not in page.content()
    page.goto(f"/practice/{SCENARIO}")
    page.get_by_role("button", name="Start the conversation").click()
    page.wait_for_url("**/runs/*")
    run_id = page.url.rsplit("/", 1)[-1]
    assert re.search(r"time for about \d+ more turns", page.locator("#turns-left").inner_text())
    _send(page, "How are the milestones going?")
    _send(page, "It sounds like the last few weeks have been a lot.")  # 1 question, 1 reflection
    page.get_by_role("button", name="End conversation").click()
    page.wait_for_url("**/debrief")
    text = _main_text(page)
    assert "Turn None" not in text and "said: “”" not in text
    assert not BAD_COUNTS.search(text), BAD_COUNTS.search(text)
    assert "Turn 1" in text and "Turn 0" not in text  # turns count from 1
    page.get_by_role("button", name="Share with facilitators").click()
    page.wait_for_url("**/debrief?saved=share#sharing")
    assert "Shared with facilitators." in _main_text(page)
    page.goto(f"/runs/{run_id}")  # an ended run shows no input and nothing to end
    assert not page.locator("#turn-text").is_visible()
    assert page.get_by_role("button", name="End conversation").count() == 0
    return run_id


def test_learner_then_facilitator_walk(page: Any, live_app: Any) -> None:
    people = _seed(live_app)
    sign_in(page, people["learner"])
    run_id = _learner_plays_and_shares(page)

    sign_in(page, people["facilitator"])
    page.goto("/facilitator")
    overview = _main_text(page)  # one learner: aggregates would single them out
    assert "Too few learners to show without identifying someone" in overview
    page.locator(f"a[href='/runs/{run_id}/debrief']").click()
    page.wait_for_url("**/debrief")
    text = _main_text(page)
    assert "You said:" not in text and "The learner said:" in text
    assert "Practise again" not in text and "Share with facilitators" not in text
    assert "The coaching below is written to them" in text
    page.get_by_label(re.compile(r"^Feedback for ")).fill("Good opening question. Stay with it.")
    page.get_by_role("button", name="Save comment").click()
    page.wait_for_url("**/debrief?done=comment#comments")
    assert "Good opening question. Stay with it." in _main_text(page)

    sign_in(page, people["learner"])
    page.goto(f"/runs/{run_id}/debrief")
    comments = page.locator("#comments").inner_text()
    assert "Good opening question. Stay with it." in comments
    assert re.search(r"Fay \w+ · ", comments), comments  # the learner sees who wrote it


def test_admin_walk(page: Any, live_app: Any) -> None:
    people = _seed(live_app)
    lia = people["learner"]
    sign_in(page, people["admin"])
    page.goto("/admin")
    name = next(
        row.split("\t")[0].strip()
        for row in page.locator("tbody tr").all_inner_texts()
        if lia in row
    )
    page.get_by_label(f"Role of {name}").select_option("facilitator")
    page.locator("tr", has_text=lia).get_by_role("button", name="Save").click()
    page.wait_for_url("**/admin?done=person")
    assert "Saved: the person's role and team." in page.get_by_role("status").inner_text()
    assert page.get_by_label(f"Role of {name}").input_value() == "facilitator"

    invited = f"new-{secrets.token_hex(3)}@example.org"
    page.get_by_label("Email", exact=True).fill(invited)
    page.get_by_role("button", name="Invite").click()
    page.wait_for_url("**/admin/invitations")
    assert re.search(r"/signup\?invite=[\w-]+", page.content()), "the link is shown once"

    page.goto("/admin")
    page.locator("tr", has_text=lia).get_by_role("button", name=re.compile("^Deactivate")).click()
    page.wait_for_url("**/admin?done=deactivated")
    assert "deactivated" in page.locator("tr", has_text=lia).inner_text()

    page.goto("/admin/audit")
    log = _main_text(page)
    sentences = re.sub(
        r"\([a-z_.]+(?: [a-z_]+:\d+(?:/[a-z_]+:\d+)*)?\)", "", log
    )  # the raw code, kept in brackets
    assert not re.search(r"\bWho \d+\b|\b[a-z_]+:\d+\b", sentences)  # names, not bare ids
    entries = page.locator("table").inner_text()  # the entries, not the filter lists
    assert re.search(
        rf"deactivated\W[^\n]*{re.escape(name)}|{re.escape(name)}[^\n]*deactivated", entries, re.I
    ), entries[:400]
    option = page.locator("#f-subject option", has_text=name).first.get_attribute("value")
    page.get_by_label("Whose data").select_option(option)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/admin/audit?*")
    assert "match the filters" in page.locator("#audit-count").inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download these as CSV")).click()
    csv_text = Path(download.value.path()).read_text(encoding="utf-8")
    assert name in csv_text and csv_text.splitlines()[0].count(",") >= 3

    page.context.clear_cookies()  # a deactivated person cannot sign in
    page.goto("/signin")
    page.get_by_label("Email").fill(lia)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("alert").wait_for()  # the answer came, and it is a refusal
    assert "/signin" in page.url and page.locator("h1").inner_text() == "Sign in"
