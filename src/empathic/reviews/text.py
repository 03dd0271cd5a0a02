"""Checking what people type before anything is stored: length, control characters, HTML.

Every text of a review passes `clean` in the service (not only in the routes), so the CLI
and the demo obey the same rules. A refusal names the field and what to change, and is
raised before any row is touched, so bad input changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

TITLE = 200
SHORT = 200
LONG = 20_000
FACTOR = 2_000
ACTION = 1_000
REASON = 1_000
TAGS = 10
"""Limits in characters (tags: how many); a longer text is refused, never cut silently."""

MIN_YEAR = 1900

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0/C1 controls except tab and newlines, and the bidirectional overrides that can make
a text read differently from what is stored."""
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^<>]*>")


class ReviewError(ValueError):
    """A request the person can fix: the message says which field and what to change."""


def clean(value: str, what: str, limit: int, *, required: bool = False) -> str:
    """`value` trimmed with newlines normalised, or ReviewError saying what is wrong."""
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > limit:
        raise ReviewError(f"{what}: at most {limit:,} characters (this has {len(text):,}).")
    control = _CONTROL.search(text)
    if control:
        code = f"U+{ord(control.group()):04X}"
        raise ReviewError(f"{what}: contains an invisible control character ({code}); remove it.")
    tag = _TAG.search(text)
    if tag:
        raise ReviewError(
            f"{what}: plain text only; remove the HTML tag {tag.group()[:40]!r} "
            "(write 'less than' for <)."
        )
    if required and not text:
        raise ReviewError(f"{what}: this cannot be empty.")
    return text


def one_line(value: str, what: str, limit: int = TITLE, *, required: bool = False) -> str:
    """A short field (title, location): checked like any text, then on one line."""
    return " ".join(clean(value, what, limit, required=required).split())


def choice(value: str, what: str, options: dict[str, str] | tuple[str, ...]) -> str:
    """One of `options` (their keys), or a message listing them."""
    found = value.strip().lower()
    if found not in options:
        raise ReviewError(f"{what}: choose one of {', '.join(options)}.")
    return found


def words_list(value: str, what: str, limit: int = TAGS) -> list[str]:
    """Comma-separated tags or ticket references: each trimmed, at most 60 characters."""
    items = [" ".join(part.split()) for part in clean(value, what, 1_000).split(",")]
    found = list(dict.fromkeys(item for item in items if item))
    if len(found) > limit:
        raise ReviewError(f"{what}: at most {limit} (this has {len(found)}).")
    if any(len(item) > 60 for item in found):
        raise ReviewError(f"{what}: each at most 60 characters.")
    return found


def day(
    value: str, what: str, *, required: bool = False, latest: date | None = None
) -> date | None:
    """A YYYY-MM-DD date between 1900 and 2999 (and not after `latest` when given)."""
    value = value.strip()
    if not value:
        if required:
            raise ReviewError(f"{what}: enter a date as YYYY-MM-DD.")
        return None
    try:
        found = date.fromisoformat(value)
    except ValueError:
        raise ReviewError(f"{what}: enter a date as YYYY-MM-DD.") from None
    if not MIN_YEAR <= found.year <= 2999:
        raise ReviewError(f"{what}: enter a date between {MIN_YEAR} and 2999.")
    if latest is not None and found > latest:
        raise ReviewError(f"{what}: cannot be in the future.")
    return found


def fold(text: str) -> str:
    """Case- and accent-insensitive, whitespace-collapsed form for comparing texts."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().split())
