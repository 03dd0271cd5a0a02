"""Shared role-play fixtures."""

from __future__ import annotations

import pytest

from empathic.roleplay.loading import load_library
from empathic.roleplay.scenario import Scenario


@pytest.fixture(scope="session")
def library() -> dict[str, Scenario]:
    """The shipped scenario library by id (scenarios are frozen, so one load serves all)."""
    return {s.id: s for s in load_library()}
