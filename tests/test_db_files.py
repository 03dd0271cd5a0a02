"""The SQLite database holds people's conversations: only its owner may read it."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text

from empathic.db import make_engine


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_folder_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "empathic.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
    assert _mode(path.parent) == 0o700
    assert _mode(path) == 0o600
    for extra in path.parent.glob("empathic.db-*"):  # WAL and shared-memory files
        assert _mode(extra) & 0o077 == 0, extra
    engine.dispose()


def test_an_existing_database_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    path.touch(mode=0o640)
    make_engine(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o640  # an operator's choice is not overridden
