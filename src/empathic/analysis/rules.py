"""Transparent detectors: phrases a coach would point at.

They give the evidence shown to users and dense features to the classifiers.
Each cue is a named family of regular expressions; a match yields the exact
words and their character span, so every label can be explained.

How the patterns are written, and why:

- A cue matches the words that carry the meaning ("Have you tried", "You're
  frustrated"), not the whole sentence, so evidence points at the phrase a
  coach would underline. Where a pattern must see more of the sentence to
  decide (is there a question mark ahead?) it looks ahead without consuming.
- Forms that depend on position (an imperative, a question opener, "So ..."
  summing up) are anchored at the start of a sentence with a fixed-width
  look-behind, so "so you can read it" mid-sentence is not a reflection.
- Families overlap on purpose where one phrase does two jobs: "I imagine
  you ..." is both a reflection stem (it is a reflection) and a
  complex-reflection marker (it guesses beyond the words said).
- Every repetition is bounded or runs over a single character class, so no
  pattern can backtrack catastrophically; `find_cues` runs on every utterance.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from empathic.analysis.cue_patterns import CUE_PATTERNS, CUE_REQUIRES, FEELINGS
from empathic.analysis.level_cues import LEVEL_CUE_PATTERNS

__all__ = ["CUES", "CUE_PATTERNS", "FEELINGS", "Cue", "feelings_in", "find_cues", "is_question"]

CUES: Final = tuple(CUE_PATTERNS)
"""The families that are also model features (a trained pack's columns depend on them)."""
_FOUND: Final = (*CUES, *LEVEL_CUE_PATTERNS)
"""Every family `find_cues` looks for: the feature families, then the level floors."""

_APOSTROPHES: Final = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
"""Typographic apostrophes folded to ASCII (same length, so spans stay valid)."""


def _prepared(text: str) -> str:
    """The text the patterns run on: lower case, ASCII apostrophes, same length.

    Spans found in it index the original text. The rare character whose lower
    case is longer ("İ") is left as it is, so that offsets never shift.
    """
    folded = text.translate(_APOSTROPHES)
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)


@dataclass(frozen=True, slots=True)
class Cue:
    """One matched phrase: which detector fired, on which words, where."""

    name: str
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _compiled() -> dict[str, re.Pattern[str]]:
    """One compiled alternation per family, built on first use and then reused.

    Patterns that start at a word boundary share a single leading `\\b`: inside a
    word the whole group then fails at once, instead of every alternative testing
    the boundary again. It is the same language, matched about twice as fast.
    Patterns are written in lower case and run on lower-cased text (see
    `_prepared`), which is faster than case-insensitive matching.
    """
    compiled = {}
    for name, patterns in (*CUE_PATTERNS.items(), *LEVEL_CUE_PATTERNS.items()):
        anchored = [p[2:] for p in patterns if p.startswith(r"\b")]
        parts = [f"(?:{p})" for p in patterns if not p.startswith(r"\b")]
        if anchored:
            parts.append(r"\b(?:" + "|".join(f"(?:{p})" for p in anchored) + ")")
        compiled[name] = re.compile("|".join(parts))
    return compiled


def find_cues(text: str, names: Iterable[str] | None = None) -> list[Cue]:
    """Every cue that fires on text, in reading order.

    Spans index the original text; the cue's words are the matched slice with
    surrounding white space trimmed, so evidence can be highlighted in place.
    Results are memoised: reports ask about the same turn several times.
    """
    return list(_scan_cached(text, tuple(names) if names is not None else None))


@lru_cache(maxsize=32768)
def _scan_cached(text: str, names: tuple[str, ...] | None) -> tuple[Cue, ...]:
    return _scan(text, names)


def _scan(text: str, names: tuple[str, ...] | None) -> tuple[Cue, ...]:
    """The uncached work of `find_cues`."""
    compiled = _compiled()
    folded = _prepared(text)
    found: list[Cue] = []
    for name in names if names is not None else _FOUND:
        required = CUE_REQUIRES.get(name)
        if required is not None and not any(r in folded for r in required):
            continue  # the family cannot match (see CUE_REQUIRES)
        for match in compiled[name].finditer(folded):
            start, end = match.span()
            raw = text[start:end]
            stripped = raw.strip()
            if stripped:
                start += len(raw) - len(raw.lstrip())
                found.append(Cue(name, stripped, start, start + len(stripped)))
    found.sort(key=lambda cue: (cue.start, cue.name))
    return tuple(found)


def is_question(text: str) -> bool:
    """Question form: a question mark, or an open invitation ("Tell me more")."""
    return bool(find_cues(text, ("question_mark", "open_opener")))


def feelings_in(text: str) -> list[str]:
    """Feeling words the speaker used, lower-cased, in order, without repeats."""
    seen: dict[str, None] = {}
    for cue in find_cues(text, ["feeling_word"]):
        seen.setdefault(" ".join(cue.text.lower().split()), None)
    return list(seen)
