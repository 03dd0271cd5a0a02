"""Empathic: practice and insight for empathic leadership.

The AI supplies data and practice; people supply the story.
"""

from __future__ import annotations

__version__ = "0.1.0"
