"""One page of a long list: its rows, how many there are in all, and where the page sits.

Pages that list rows without bound (people, shared runs, a learner's runs, saved analyses,
mentoring pairs) show `PAGE_SIZE` at a time, so a large organisation's page costs the same
as a small one's (issue #16, measured with `bench/pages.py`). Templates show them with the
`web/_pages.html` macros: "Showing 1–50 of 901" and previous / next links.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
AnySelect = Select[*tuple[Any, ...]]
"""A select of any number of columns or entities."""

PAGE_SIZE = 50


@dataclass(frozen=True)
class Paged(Generic[T]):
    items: list[T]
    total: int
    page: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def first(self) -> int:
        """The number of the page's first row, counted from 1 (0 when there is none)."""
        return (self.page - 1) * self.size + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def clamp(page: int, total: int, size: int = PAGE_SIZE) -> int:
    """`page` moved into 1..the last page (an address may ask for any number)."""
    return min(max(1, page), max(1, math.ceil(total / size)))


def fetch_page(
    db: Session, query: AnySelect, page: int, size: int = PAGE_SIZE, *, rows: bool = False
) -> Paged[Any]:
    """Page `page` of an ordered query: its count, then its rows (`rows=True`: whole result
    rows, for a query of several entities or columns; else the first column's values)."""
    total = int(db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
    page = clamp(page, total, size)
    sliced = query.limit(size).offset((page - 1) * size)
    found: list[Any] = list(db.execute(sliced).all()) if rows else list(db.scalars(sliced))
    return Paged(found, total, page, size)
