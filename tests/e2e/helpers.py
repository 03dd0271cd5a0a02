"""Browser steps and servers shared by the end-to-end tests."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from typing import Any

import pytest
import uvicorn

from empathic.web.local import free_port, wait_until_up


def sign_up(page: Any, name: str = "Eve Tester") -> str:
    email = f"e2e-{secrets.token_hex(4)}@example.org"
    page.goto("/signup")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/")
    return email


PASSWORD = "correct horse battery"
"""The password of every account the end-to-end tests seed."""


def sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    """Sign `email` in on a clean slate (cookies cleared) and land on the home page."""
    page.context.clear_cookies()
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """`app` under uvicorn on a free loopback port, in a thread; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, seconds=30)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def browsing(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh browser page on `base_url`; fails the test on any JavaScript error."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


AXE_RUN = """async ([impacts]) => {
  const found = await axe.run(document, {resultTypes: ['violations']});
  return found.violations.filter(v => impacts.includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 3).map(n => ({target: n.target.join(' '), html: n.html})),
  }));
}"""


@cache
def axe_source() -> str:
    """axe-core's browser bundle, as shipped inside the axe-playwright-python wheel (npm's
    axe-core, MPL-2.0); the test skips, saying why, when that package is not installed."""
    try:
        return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        pytest.skip("axe-core is not installed (pip install -e '.[dev]': axe-playwright-python)")


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of these impacts on the page as it stands, one readable line
    each: rule, impact, what it asks, and the first few offending elements."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    found = page.evaluate(AXE_RUN, [list(impacts)])
    return [
        f"{v['id']} ({v['impact']}, {v['count']} element{'s' * (v['count'] != 1)}): {v['help']}"
        + "".join(f"\n      {n['target']}  {' '.join(n['html'].split())[:160]}" for n in v["nodes"])
        for v in found
    ]
