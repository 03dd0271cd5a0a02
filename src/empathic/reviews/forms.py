"""Path ids and raw form checks for the review pages (the texts are checked in the services).

An id outside 1..2**31-1 names nothing on either database, so it is a 404 before any query.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request

MAX_INT = 2**31 - 1


def path_id(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or not 1 <= int(raw) <= MAX_INT:
        raise HTTPException(404, "Not found.")
    return int(raw)


def _review_id(review_id: Annotated[str, Path()]) -> int:
    return path_id(review_id)


def _entry_id(entry_id: Annotated[str, Path()]) -> int:
    return path_id(entry_id)


def _factor_id(factor_id: Annotated[str, Path()]) -> int:
    return path_id(factor_id)


def _action_id(action_id: Annotated[str, Path()]) -> int:
    return path_id(action_id)


def _flag_id(flag_id: Annotated[str, Path()]) -> int:
    return path_id(flag_id)


def _case_id(case_id: Annotated[str, Path()]) -> int:
    return path_id(case_id)


ReviewId = Annotated[int, Depends(_review_id)]
EntryId = Annotated[int, Depends(_entry_id)]
FactorId = Annotated[int, Depends(_factor_id)]
ActionId = Annotated[int, Depends(_action_id)]
FlagId = Annotated[int, Depends(_flag_id)]
CaseId = Annotated[int, Depends(_case_id)]
"""Ids from 1 to 2**31 - 1; a factor, action, flag or case must also belong to the review."""


async def reject_nul(request: Request) -> None:
    """PostgreSQL cannot store NUL (\\x00) in text, so a form carrying one is refused whole."""
    kind = request.headers.get("content-type", "")
    if not kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return
    for name, value in (await request.form()).multi_items():
        if isinstance(value, str) and "\x00" in value:
            raise HTTPException(
                400, f"The field {name!r} contains a NUL character (\\x00); remove it and retry."
            )
