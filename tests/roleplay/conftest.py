"""Shared role-play fixtures."""

from __future__ import annotations

import pytest

from empathic.analysis.coding import Coder
from empathic.analysis.packs import load_pack
from empathic.config import Settings
from empathic.roleplay.loading import load_library
from empathic.roleplay.scenario import Scenario


@pytest.fixture(scope="session")
def library() -> dict[str, Scenario]:
    """The shipped scenario library by id (scenarios are frozen, so one load serves all)."""
    return {s.id: s for s in load_library()}


@pytest.fixture(scope="session")
def coder() -> Coder:
    """The product's default coder (the bundled `open` pack), as the web app and CLI use it."""
    return load_pack(None, Settings())[1]
