"""Imports every area's tables so the metadata (and Alembic) sees the whole schema."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    from empathic.accounts import models as _accounts  # noqa: F401
    from empathic.db import Base
    from empathic.mentoring import models as _mentoring  # noqa: F401
    from empathic.practice import models as _practice  # noqa: F401

    return Base.metadata
