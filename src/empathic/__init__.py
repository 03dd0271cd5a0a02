"""Empathic: practice and insight for empathic leadership.

The AI supplies data and practice; people supply the story.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from empathic.analysis.report import Report
    from empathic.config import Settings

__version__ = "0.1.0"


def analyze(
    text_or_path: str | Path,
    *,
    learner: str | None = None,
    pack: str | None = None,
    settings: Settings | None = None,
) -> Report:
    """Analyse a conversation (text or a file path) and return its session report."""
    from empathic.analysis.report import analyze as _analyze

    return _analyze(text_or_path, learner=learner, pack=pack, settings=settings)


__all__ = ["__version__", "analyze"]
