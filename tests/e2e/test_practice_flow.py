"""A learner signs up, practises a scenario in the browser to its debrief and corrects a label."""

from __future__ import annotations

from typing import Any

from tests.e2e.helpers import sign_up

from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import find_scenario

SCENARIO = "mentor-milestones"


def _send(page: Any, line: str, *, enter: bool = False) -> None:
    before = page.locator("#chat li").count()
    page.get_by_label("What you say").fill(line)
    if enter:  # the keyboard path: Enter sends, as in any chat
        page.get_by_label("What you say").press("Enter")
    else:
        page.locator("#send").click()
    page.wait_for_function(
        "n => document.querySelectorAll('#chat li').length >= n + 2"
        " && !document.getElementById('send').disabled",
        arg=before,
    )


def test_practice_to_debrief_then_correct_a_label(page: Any) -> None:
    sign_up(page)
    page.goto("/practice")
    page.locator(f"a[href='/practice/{SCENARIO}']").first.click()
    page.get_by_label("Coach mode").check()
    page.get_by_role("button", name="Start the conversation").click()
    page.wait_for_url("**/runs/*")
    lines = find_scenario(SCENARIO).playthroughs.empathic.lines
    # Decisions do not depend on the seed, so any seed says what the page must show.
    expected = run_lines(find_scenario(SCENARIO), lines, difficulty="medium", seed=0)
    _send(page, lines[0])
    # A reload mid-run loses nothing: the turn is in the database.
    page.reload()
    assert page.locator("#chat li.learner").count() == 1
    assert lines[0] in page.locator("#chat").inner_text()
    assert "more turns" in page.locator("#turns-left").inner_text()
    for line in lines[1 : len(expected.steps)]:
        _send(page, line, enter=True)
    assert page.locator("#chat li.learner").count() == len(expected.steps)
    assert not page.locator("#end-form").is_visible()  # nothing left to end once it ended
    shown = float(page.locator("#trust-meter").get_attribute("value") or "nan")
    assert abs(shown - expected.final.trust) < 0.001
    assert expected.ended_by == "wrapped_up" and page.locator("#finished").is_visible()
    page.locator("#debrief-link").click()
    page.wait_for_url("**/debrief")
    assert page.locator("#outcome-h").inner_text() == "Outcome: good"
    # Print or save as PDF: the button works with JavaScript; print shows the debrief only.
    assert page.get_by_role("button", name="Print or save as PDF").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert page.locator("#outcome-h").is_visible()
    page.emulate_media(media="screen")
    page.locator("#turn-1").get_by_text("Is a label wrong?").click()
    page.locator("#fix-1").select_option("behaviour=question")
    page.locator("#turn-1").get_by_role("button", name="Save correction").click()
    page.wait_for_url("**/debrief*")
    assert "your correction of turn 1 was saved" in page.locator("main").inner_text()
    # Back to turn 2 in a new run: turn 1 is replayed, the learner carries on from there.
    page.locator("#turn-2").get_by_role("button", name="Try turn 2 again in a new run").click()
    page.wait_for_url("**/runs/*")
    assert page.locator("#chat li.learner").count() == 1
    assert lines[0] in page.locator("#chat").inner_text()
