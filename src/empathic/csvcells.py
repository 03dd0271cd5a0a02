"""CSV cells that a spreadsheet will not run as formulas, and that read back unchanged.

A transcript line or a correction can start with "=", "+", "-", "@", a tab or a carriage
return; opened in a spreadsheet, such a cell is a formula (OWASP: CSV injection). Every
cell we write that starts with one of them gets a leading apostrophe, which spreadsheets
show as text; our readers drop that apostrophe again, so exports round-trip.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value to write: text that would start a formula gets a leading apostrophe (also
    text that already starts with apostrophes before one, so reading back is exact)."""
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def read_cell(value: str) -> str:
    """A cell as written before `safe_cell` protected it."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value
