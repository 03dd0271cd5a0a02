"""End-to-end fixtures: the real app served by uvicorn on 127.0.0.1, driven by headless chromium.

Debian's chromium (/usr/bin/chromium, or E2E_CHROMIUM) is launched by Playwright
through `executable_path`; nothing is downloaded. When chromium or Playwright is
missing the tests skip and say why (CI installs chromium first, so they run there).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.helpers import browsing, serving

from empathic.config import Settings
from empathic.web.app import create_app

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The app behind the e2e server; tests may seed its database through `state.sessions`."""
    folder = tmp_path_factory.mktemp("e2e-data")
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder / 'e2e.db'}")
    return create_app(settings)


@pytest.fixture(scope="session")
def live_server(live_app: Any) -> Iterator[str]:
    """The app on a free port with its own SQLite database, for the whole session."""
    with serving(live_app) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    with browsing(browser, live_server) as opened:
        yield opened
