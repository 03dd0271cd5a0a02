"""Changing the subject: a question about small talk is not an invitation to go on.

"Did you catch the football last night?" after someone says they are drowning at work
is an open question, but it moves away from them (Lend-an-Ear's *dismissing*: changing
the subject) rather than encouraging them to elaborate. A turn changes the subject
when it takes up none of their words, names an everyday small-talk topic, and none of
its content words is close in meaning to anything they said. Closeness comes from the
pack's static word-piece vectors when it has them (so "movie" stays on topic after they
spoke of a cancelled trip to the cinema); without vectors only shared stems count.

Small-talk topics are listed rather than learnt: the list names topics that are almost
never what a support conversation is about, and each judgement names the word.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Final

import numpy as np

from empathic.analysis.embedding import StaticEmbedding
from empathic.analysis.responsiveness import Uptake, content_stems
from empathic.analysis.words import stem

SMALL_TALK: Final = frozenset(
    """
    weather rain sunshine sunny football cricket rugby tennis golf sport sports film films
    movie movies cinema telly tv netflix restaurant recipe shopping
    """.split()
)
"""Pastimes a question can only raise by leaving what they told you. Rest is not among them:
"When did you last take a holiday?" after "I haven't had a break since spring", or "What do
your weekends look like?" after "I work every evening", stay with their trouble, and the
word vectors cannot tell those from "What are your plans for the weekend?" (holiday and
break: cosine .16), so weekends, holidays, lunch and hobbies are never counted here."""
SMALL_TALK_STEMS: Final = frozenset(stem(w) for w in SMALL_TALK)
_REMEMBERED: Final = 50_000
"""Word vectors kept per table: the words of many reports, bounded for a long-lived server."""
CLOSE: Final = 0.5
"""Cosine of two words' static vectors from which they count as the same topic ("sleeping"
and "sleep" .88, "worries" and "worrying" .70; "weekend" and "weeks" .42)."""


@dataclass
class WordCloseness:
    """Cosine similarity of single words from a static vector table, memoised per word."""

    table: StaticEmbedding
    _vectors: dict[str, np.ndarray | None] = field(default_factory=dict, repr=False)

    def vector(self, word: str) -> np.ndarray | None:
        if word in self._vectors:
            return self._vectors[word]
        row = self.table.embed([word])[0]
        found = row if row.any() else None
        if len(self._vectors) < _REMEMBERED:
            self._vectors[word] = found
        return found

    def closest(self, words: Sequence[str], theirs: Sequence[str]) -> float:
        """The highest cosine between one of `words` and one of `theirs` (0 when either
        side has no known word)."""
        mine = [v for v in map(self.vector, words) if v is not None]
        other = [v for v in map(self.vector, theirs) if v is not None]
        if not mine or not other:
            return 0.0
        return float((np.stack(mine) @ np.stack(other).T).max())


@cache
def closeness_of(table: StaticEmbedding) -> WordCloseness:
    """One memo of word vectors per table, shared by every report that reads it."""
    return WordCloseness(table)


def changes_subject(
    up: Uptake,
    theirs: Mapping[str, str],
    recent: Sequence[str],
    closeness: WordCloseness | None = None,
) -> tuple[str, ...]:
    """The small-talk words of a turn that leaves what they said for small talk; () when
    the turn stays with them: it takes up their words, names no small-talk topic, returns to
    a word of theirs from any time (`theirs`: `their_words` of everything they said, kept up
    to date by the caller, so a session costs linear time), or one of its words is close in
    meaning to one of their last turns (`recent`, as `uptake` reads them)."""
    if up.kind == "responsive":
        return ()
    mine = content_stems(up.residue)
    chatter = tuple(word for key, word in mine.items() if key in SMALL_TALK_STEMS)
    if not chatter:
        return ()
    if any(key in theirs for key in mine):  # back to something they said earlier on
        return ()
    lately = their_words(recent[-3:])
    near = closeness.closest(list(mine.values()), list(lately.values())) if closeness else 0.0
    if near >= CLOSE:
        return ()
    return chatter


def their_words(said: Iterable[str], into: dict[str, str] | None = None) -> dict[str, str]:
    """Content stem -> word of everything in `said`, added to `into` when given."""
    out = into if into is not None else {}
    for turn in said:
        for key, word in content_stems(turn).items():
            out.setdefault(key, word)
    return out
