"""Tables of the mentoring area (added with migration 0002)."""

from __future__ import annotations
