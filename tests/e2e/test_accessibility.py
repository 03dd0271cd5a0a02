"""Pages people depend on: every control labelled, skip link first, usable at phone width."""

from __future__ import annotations

from typing import Any

import pytest
from tests.e2e.helpers import sign_up

PAGES = [
    "/",
    "/practice",
    "/practice/mentor-milestones",
    "/analyse",
    "/analyses",
    "/growth",
    "/how-ai-works",
    "/mentoring",
    "/admin",  # the first account is the admin
    "/admin/audit",
]

UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""


@pytest.fixture
def signed_in(page: Any) -> Any:
    sign_up(page, "Ally Access")
    return page


def test_every_control_is_labelled_and_headings_start_at_h1(signed_in: Any) -> None:
    page = signed_in
    for path in PAGES:
        page.goto(path)
        assert page.evaluate(UNLABELLED) == [], path
        assert page.locator("h1").count() == 1, path


def test_the_skip_link_comes_first_and_moves_focus_to_the_content(signed_in: Any) -> None:
    page = signed_in
    page.goto("/practice")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_pages_fit_a_phone_screen(signed_in: Any) -> None:
    page = signed_in
    page.set_viewport_size({"width": 375, "height": 740})
    for path in PAGES:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 375px"


def test_pages_with_charts_and_tables_fit_a_phone_screen(signed_in: Any) -> None:
    """With history (a chart, a table, a debrief), nothing scrolls sideways at 390px."""
    page = signed_in
    page.goto("/practice/mentor-milestones")
    page.get_by_role("button", name="Start the conversation").click()
    page.wait_for_url("**/runs/*")
    run = page.url.rsplit("/", 1)[-1]
    for line in ("How are things going with the milestones?", "That sounds hard."):
        before = page.locator("#chat li").count()
        page.get_by_label("What you say").fill(line)
        page.locator("#send").click()
        page.wait_for_function(
            "n => document.querySelectorAll('#chat li').length >= n + 2", arg=before
        )
    page.get_by_role("button", name="End conversation").click()
    page.wait_for_url("**/debrief")
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("/growth", f"/runs/{run}/debrief", "/"):
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        wide = page.evaluate(  # what sticks out, to say where to look
            "() => Array.from(document.querySelectorAll('body *'))"
            ".filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
            ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
        )
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 390px: {wide}"
