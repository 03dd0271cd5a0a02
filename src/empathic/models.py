"""Imports every area's tables so the metadata (and Alembic) sees the whole schema."""

from __future__ import annotations

from importlib import import_module

from sqlalchemy import MetaData


def metadata() -> MetaData:
    """The whole schema: the tables of every registered area (`empathic.areas`)."""
    from empathic.areas import areas
    from empathic.db import Base

    for area in areas():
        if area.models is not None:
            import_module(area.models)
    return Base.metadata
