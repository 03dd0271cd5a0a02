"""`empathic mentoring signals` raises the flags a scheduler run should, once, on both databases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from tests.web.mentoring_world import make_world
from typer.testing import CliRunner

from empathic.cli import app as cli_app
from empathic.db import utcnow
from empathic.mentoring import goals, records
from empathic.mentoring.models import Flag


def test_the_command_raises_new_flags_once(
    app: Any, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = app.state.sessions()
    world = make_world(db)
    mentor = world.pair(consent=("milestones",))
    goals.add_milestone(db, mentor, "Finish the course", utcnow().date() - timedelta(days=10))
    records.log_session(db, mentor, "Kick-off")
    db.commit()
    db.close()
    monkeypatch.setenv("EMPATHIC_DATABASE_URL", database_url)
    first = CliRunner().invoke(cli_app, ["mentoring", "signals"])
    assert first.exit_code == 0, first.output
    assert "Signals found: 1; new flags raised: 1" in first.output
    again = CliRunner().invoke(cli_app, ["mentoring", "signals"])
    assert "new flags raised: 0" in again.output
    with app.state.sessions() as check:
        assert [f.kind for f in check.scalars(select(Flag))] == ["overdue_milestone"]


def test_an_unreachable_database_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMPATHIC_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    result = CliRunner().invoke(cli_app, ["mentoring", "signals"])
    assert result.exit_code == 2 and "cannot compute signals" in result.output
