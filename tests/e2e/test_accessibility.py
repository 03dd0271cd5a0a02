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
