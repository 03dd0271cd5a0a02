"""Words as the judgement code compares them: tokens, a light stemmer, stopwords.

Shared by topic matching (role-play) and responsiveness (analysis): both must
agree that "asking" = "asked" and that "the" carries no content. No NLP
dependency: the rules are short and transparent.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

_STOPWORDS_TEXT = """
a an the and or but of to in on at for with from by about into over as is are was were be
been being am do does did doing have has had having it its it's this that these those there
i me my mine myself you your yours yourself we us our he she him her his they them their
what which who whom how why when where so if then than just very really quite bit little
some any all can could would should will shall may might must not no s t d ll ve re m
"""
STOPWORDS: Final = frozenset(_STOPWORDS_TEXT.split())
"""Words a multi-word term does not need (unless the matcher is exact)."""

IRREGULAR: Final = {
    "children": "child",
    "kids": "kid",
    "women": "woman",
    "men": "man",
    "people": "person",
    "felt": "feel",
    "lost": "lose",
    "losing": "lose",
    "went": "go",
    "gone": "go",
    "made": "make",
    "told": "tell",
    "thought": "think",
    "kept": "keep",
    "left": "leave",
    "got": "get",
    "gotten": "get",
    "was": "be",
    "were": "be",
    "been": "be",
    "said": "say",
    "bought": "buy",
    "brought": "bring",
    "heard": "hear",
    "taught": "teach",
    "worse": "bad",
    "worst": "bad",
    "better": "good",
    "best": "good",
    "fell": "fall",
    "fallen": "fall",
    "behind": "behind",
    "spoke": "speak",
    "spoken": "speak",
    "wrote": "write",
    "written": "write",
    "mum": "mother",
    "mom": "mother",
    "dad": "father",
}

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def _undouble(stem: str) -> str:
    if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
        return stem[:-1]
    return stem


_EST_ROOTS = frozenset(
    "suggest digest ingest congest request conquest inquest bequest interest invest harvest "
    "protest contest detest attest arrest manifest modest honest dishonest forest earnest".split()
)
"""Words whose "-est" is part of the root, not a superlative."""


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """Reduce an English word to a crude stem so that inflections compare equal."""
    w = word.lower().replace("\u2019", "'")
    if w.endswith("n't"):
        w = w[:-3]
    elif "'" in w:
        w = w.split("'", 1)[0]
    if w in IRREGULAR:
        return IRREGULAR[w]
    if len(w) <= 3:
        return w
    if w.endswith("iness"):
        w = w[:-5] + "y"
    elif w.endswith("ness") and len(w) > 6:
        w = w[:-4]
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "shes", "ches", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ied") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ing") and len(w) > 5:
        w = _undouble(w[:-3])
    elif w.endswith("ed") and len(w) > 4:
        w = _undouble(w[:-2])
    elif w.endswith("iest") and len(w) > 6:  # superlatives: "busiest" = "busy"
        w = w[:-4] + "y"
    elif w.endswith("est") and len(w) > 6 and w not in _EST_ROOTS:  # "proudest" = "proud"
        w = _undouble(w[:-3])
    if w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens (apostrophes kept inside words)."""
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))
