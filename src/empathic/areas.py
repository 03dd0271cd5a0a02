"""The area registry: the one list of product areas and what each one brings.

An area (accounts, practice, insights, mentoring, ...) is a package holding
`models.py`, `service.py`, `routes.py`, `templates/` and an `area.py` whose
`area()` returns its `Area` entry: routers, tables, navigation links, demo data,
CLI sub-commands and the permissions it defines. The web app, the template
loader, the schema, the navigation bar, the demo organisation and the CLI all read
this registry, so adding an area is one line in `AREA_PACKAGES` plus the area's
folder (docs/architecture.md shows the steps).

Entries name code as "module:attribute" strings, imported only when used, so
reading the registry never loads the web stack or a model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from empathic.permissions import Permission

AREA_PACKAGES = (
    "empathic.accounts",
    "empathic.practice",
    "empathic.insights",
    "empathic.mentoring",
    "empathic.reviews",
)
"""Every area, in navigation order. A new area is one more line here."""


@dataclass(frozen=True)
class NavLink:
    """An entry in the main navigation, shown to whoever `permission` allows."""

    label: str
    href: str
    permission: Permission
    order: int = 50


@dataclass(frozen=True)
class CliCommand:
    """A CLI sub-command: `target` is a Typer app (a group) or a plain command function."""

    name: str
    target: str
    help: str = ""


@dataclass(frozen=True)
class Area:
    """What one area contributes to the product."""

    name: str
    package: str
    routers: tuple[str, ...] = ()
    models: str | None = None
    nav: tuple[NavLink, ...] = ()
    demo: str | None = None
    """`module:function(db, organisation: DemoOrganisation)` adding the area's demo data."""
    cli: tuple[CliCommand, ...] = ()
    permissions: tuple[Permission, ...] = ()
    notices: tuple[tuple[str, str], ...] = ()
    """(key, sentence): the confirmation a page shows after a redirect with `?done=key`."""
    audit_actions: tuple[tuple[str, str], ...] = ()
    """(action code, sentence): what an audit log entry of this area did, as the admin's
    audit page says it ("viewed a shared practice run"); `{target}` in the sentence becomes
    the target's name from `audit_targets`, else the raw target."""
    audit_targets: str | None = None
    """`module:function(db, targets) -> {target: name}` naming this area's audit targets
    ("pair:3" is "the mentoring pair of Mona and Theo"), called once for a page's rows."""
    home: str | None = None
    """`module:function(db, user) -> list[NextStep]`: what waits for this person on the home
    page (e.g. an overdue action); read, never written."""


@dataclass(frozen=True)
class NextStep:
    """One thing waiting for a person on the home page, from the area that knows about it."""

    text: str
    href: str
    kind: str = ""
    """What sort of step ("overdue", "anniversary"...), for the page's styling; may be empty."""


@dataclass(frozen=True)
class DemoOrganisation:
    """The demo people every area's demo seeder builds on (`web.demo.seed_demo` makes them)."""

    admin: Any
    facilitator: Any
    learners: tuple[Any, ...]


def load(reference: str) -> Any:
    """The object a "module:attribute" string names."""
    module, _, attribute = reference.partition(":")
    if not attribute:
        raise ValueError(f"{reference!r} is not of the form 'module:attribute'")
    return getattr(import_module(module), attribute)


def areas(packages: tuple[str, ...] | None = None) -> tuple[Area, ...]:
    """Every registered area's entry (or those of `packages`), read from each `area.py`."""
    found = []
    for package in AREA_PACKAGES if packages is None else packages:
        entry: Callable[[], Area] = load(f"{package}.area:area")
        found.append(entry())
    return tuple(found)


def all_permissions(registry: tuple[Area, ...] | None = None) -> dict[str, Permission]:
    """Every declared permission by name; a name declared twice is a programming error."""
    table: dict[str, Permission] = {}
    for area in registry if registry is not None else areas():
        for permission in area.permissions:
            if permission.name in table and table[permission.name] != permission:
                raise ValueError(f"permission {permission.name!r} is declared twice")
            table[permission.name] = permission
    return table
