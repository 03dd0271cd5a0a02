"""Which evidence phrases are worth showing: a chip must be a cue a person can learn from.

Issue #16: reports showed "like", "me" and "now?" as the evidence for a label. They came
from two places: the model's strongest word n-grams (any word the classifier leaned on,
function words included, sometimes across a sentence break) and one-word detector
matches such as a lone "my". A chip now shows "it sounds like" or "worried", never a
filler: outer punctuation is trimmed, and a phrase made only of function words is
dropped, except a detector's own multi-word pattern ("Have you", "So you"), which is
exactly the cue that decided the label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from empathic.analysis.words import STOPWORDS

FILLERS = frozenset(
    """
    like now yes yeah yep ok okay oh ah aha hm hmm um uh er erm well right also too still even
    only here there then up out off one two three four five six seven eight nine ten
    something anything everything nothing someone anyone everyone thing things lot lots
    much many more most less get got go going gone went make made yourself myself before
    after through without against while since around else enough few whole actually first
    last away down back every each next ever
    """.split()
)
"""Words that carry no cue on their own, beyond `words.STOPWORDS`."""

NOISE = STOPWORDS | FILLERS

MIN_LETTERS = 3
"""A one-word chip shorter than this ("so", "ok") says nothing; a number ("30%") does."""

_EDGES = " \t\n\"'“”‘’.,;:!?…()[]{}-–—*/"
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_SENTENCE_BREAK = re.compile(r"[.!?…]\s")


def trimmed(phrase: str) -> str:
    """The phrase without outer spaces and punctuation ("now?" -> "now")."""
    return phrase.strip(_EDGES)


def _is_noise(word: str) -> bool:
    """A function word or filler, or one of its contractions ("I'll", "that's")."""
    return word in NOISE or word.split("'")[0] in NOISE


def meaningful(phrase: str, *, pattern: bool = False) -> bool:
    """Whether a trimmed phrase is worth a chip. `pattern`: it is a detector's own match, so
    several function words together ("Did you") still are the cue; a model n-gram needs
    a content word and must not run across a sentence break."""
    words = _WORD.findall(phrase.lower().replace("’", "'"))
    if not words or _SENTENCE_BREAK.search(phrase):
        return False
    if len(words) == 1:
        word = words[0]
        negation = word.endswith("n't")  # "didn't" alone: a cue only as a detector's match
        long_enough = len(word.replace("'", "")) >= MIN_LETTERS or word.isdigit()  # "30%"
        return long_enough and not _is_noise(word) and (pattern or not negation)
    return pattern or not all(_is_noise(word) for word in words)


def chips(phrases: Iterable[str], *, pattern: bool = False) -> list[str]:
    """The phrases worth showing, trimmed, in order, without repeats (ignoring case) and
    without one that a longer chip already holds ("Have you" beside "Have you tried")."""
    kept: dict[str, str] = {}
    for phrase in phrases:
        text = trimmed(phrase)
        if meaningful(text, pattern=pattern):
            kept.setdefault(text.casefold(), text)
    padded = {key: f" {' '.join(_WORD.findall(key))} " for key in kept}
    return [
        text
        for key, text in kept.items()
        if not any(key != other and padded[key] in padded[other] for other in kept)
    ]
