"""Request values every area reads the same way: ids in paths, and forms without NUL.

An id outside 1..2**31-1 names no row on either database (PostgreSQL's INTEGER stops
there), so it is a 404 before any query; a NUL byte cannot be stored in PostgreSQL text,
so a form carrying one is refused whole with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request

MAX_INT = 2**31 - 1
"""The largest value an INTEGER column (and so any id) holds on both databases."""


def path_id(raw: str) -> int:
    """A path id as an int, or 404: an id no row can have names nothing that exists."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or not 1 <= int(raw) <= MAX_INT:
        raise HTTPException(404, "Not found.")
    return int(raw)


def id_in_path(name: str) -> Callable[[Request], int]:
    """A dependency reading the path's `{name}` as a checked id; declare a route parameter
    as `Annotated[int, Depends(id_in_path("pair_id"))]` so type checkers see an int."""

    def read(request: Request) -> int:
        return path_id(str(request.path_params.get(name, "")))

    return read


UserId = Annotated[int, Depends(id_in_path("user_id"))]
"""A route's `{user_id}` path parameter as a checked id."""


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
