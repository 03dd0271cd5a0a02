"""Who is who in a transcript: the speakers found, and matching a typed name to one of them.

People type names the way they say them: "priya" for "Priya Shah", "Jose" for "José",
"o'brien" for "O’Brien". `match_speaker` accepts those (case, accents and punctuation
do not count; a first name or any unique start will do) and refuses, with the
candidates, a name that fits several speakers, so nobody is coached by accident.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from empathic.conversation import Transcript

FIRST_WORDS = 8
"""Words of a speaker's first turn shown beside their name, enough to recognise them."""

_APOSTROPHES = re.compile(r"['’ʼ`´]")
_NOT_WORD = re.compile(r"[^\w]+|_")


class LearnerError(ValueError):
    """The named learner is not a speaker of the transcript, or could be several."""


@dataclass(frozen=True)
class Speaker:
    """One speaker as the "who are you?" step lists them."""

    name: str
    turns: int
    first_words: str


def fold(name: str) -> str:
    """A name as it is compared: no accents, no case, no apostrophes, other punctuation as
    spaces ("Dr. José O’Neil" -> "dr jose oneil"); compatibility forms (full-width
    letters, ligatures) are unfolded."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", _APOSTROPHES.sub("", bare.casefold())).split())


def match_speaker(name: str, speakers: Sequence[str]) -> str:
    """The speaker `name` means, matched case-, accent- and punctuation-insensitively.

    Tried in order, the first kind that fits any speaker decides: the whole name; the
    speaker's first word(s) ("Priya" for "Priya Shah"); every typed word among the
    speaker's words ("Shah"); every typed word starting one of theirs ("Pri Sh").
    LearnerError names the candidates when several fit, and the speakers when none does.
    """
    wanted = fold(name)
    if not wanted:
        raise LearnerError(f"type a speaker's name; speakers are: {', '.join(speakers)}")
    exact = [s for s in speakers if s == name.strip()]
    if len(exact) == 1:
        return exact[0]
    folded = [(s, fold(s)) for s in speakers]
    words = wanted.split()
    tests = (
        lambda f: f == wanted,
        lambda f: f.split()[: len(words)] == words,
        lambda f: set(words) <= set(f.split()),
        lambda f: all(any(w.startswith(typed) for w in f.split()) for typed in words),
    )
    for fits in tests:
        found = [s for s, f in folded if fits(f)]
        if len(found) == 1:
            return found[0]
        if found:
            raise LearnerError(
                f"{name.strip()!r} could be {_either(found)}; type more of the name or choose one"
            )
    raise LearnerError(f"no speaker named {name.strip()!r}; speakers are: {', '.join(speakers)}")


def _either(names: Sequence[str]) -> str:
    return ", ".join(names[:-1]) + " or " + names[-1]


def cast_of(transcript: Transcript) -> list[Speaker]:
    """Every speaker in order of first appearance, with their number of turns and the
    first words of their first turn."""
    counts: dict[str, int] = {}
    opening: dict[str, str] = {}
    for turn in transcript.turns:
        counts[turn.speaker] = counts.get(turn.speaker, 0) + 1
        opening.setdefault(turn.speaker, turn.text)
    return [Speaker(s, counts[s], first_words(opening[s])) for s in counts]


def first_words(text: str, limit: int = FIRST_WORDS) -> str:
    """The first `limit` words of text, with an ellipsis when there are more."""
    words = text.split()
    return " ".join(words[:limit]) + (" …" if len(words) > limit else "")
