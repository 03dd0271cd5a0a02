"""Turning the other person's words into a reflection, deterministically.

Used by suggested rewrites: pick the statement to reflect (the one holding a
feeling word, else the last one), trim fillers, and flip pronouns so "I'm
exhausted" becomes "you're exhausted". Plain string rules, no model, so the
same transcript always yields the same suggestion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from empathic.analysis.rules import feelings_in


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_FLIP = {
    "i": "you", "i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll", "me": "you",
    "my": "your", "mine": "yours", "myself": "yourself", "you're": "I'm", "you've": "I've",
    "you'd": "I'd", "you'll": "I'll", "your": "my", "yours": "mine", "yourself": "myself",
}  # fmt: skip
_YOU_SUBJECT_NEXT = _wordset(
    "are were have had do does did don't didn't never always just said told keep kept can can't "
    "could couldn't would wouldn't should shouldn't will won't want wanted think thought know "
    "knew make made give gave change changed ask asked expect expected seem seemed ignore "
    "ignored dropped only really also still even haven't hasn't aren't weren't put"
)
_YOU_SUBJECT_PREV = _wordset(
    "are were do did can could will would have and but so that because if when since"
)
_LOWER_FIRST = _wordset(
    "the a an this that these those it it's its there there's here we we're we've our they "
    "they're their them everything everyone everybody nobody nothing no not all some every "
    "most much many one people things work being having trying now today lately recently "
    "since after before when if you you're your you've"
)
_SUBORDINATORS = _wordset(
    "when if because since after before although though while as once until unless whenever"
)
_SUBJECTS = _wordset(
    "i i'm i've my we we're our you you're your they they're their it it's the this that "
    "he she his her there there's everyone nobody"
)
_STOP = _wordset(
    "the a an and or but so of to in on at for with from by about into than then this that these "
    "those it it's its is are was were be been being am have has had do does did done not no "
    "just really very too also all any some there here what which who whom when where why how "
    "i i'm i've i'd i'll me my mine myself you you're your yours we our they them their he she "
    "his her him can can't could would should will won't don't didn't doesn't isn't aren't "
    "wasn't like get got getting going gone because since after before still even much more every"
)
_MARKERS = (
    r"^(?:(?:and|but|so|well|honestly|look|listen|yeah|um|uh|anyway|basically|frankly)\b,?\s+"
    r"|(?:yes|no|ok|okay|right|oh|i mean|to be honest|to be fair)\s*,\s*)+"
)
"""Fillers stripped from the start of a clause before it is reflected."""


def flip_pronouns(clause: str) -> str:
    """Turn the speaker's clause into the listener's: I→you, my→your, you→I/me, am→are."""
    tokens = re.findall(r"[A-Za-z']+|[^A-Za-z']+", clause.replace("’", "'"))
    words = [i for i, tok in enumerate(tokens) if tok[0].isalpha() or tok[0] == "'"]
    out = list(tokens)
    for pos, i in enumerate(words):
        low = tokens[i].lower()
        prev = tokens[words[pos - 1]].lower() if pos else ""
        nxt = tokens[words[pos + 1]].lower() if pos + 1 < len(words) else ""
        if low in _FLIP:
            out[i] = _FLIP[low]
        elif low == "you":
            subject = pos == 0 or nxt in _YOU_SUBJECT_NEXT or prev in _YOU_SUBJECT_PREV
            out[i] = "I" if subject else "me"
        elif low in ("am", "was") and "i" in (prev, nxt):
            out[i] = {"am": "are", "was": "were"}[low]
        elif low in ("are", "were") and "you" in (prev, nxt):
            out[i] = {"are": "am", "were": "was"}[low]
    return "".join(out)


def sentences(text: str) -> list[str]:
    """Split on sentence ends (an ellipsis ends one too) and line breaks; linear time."""
    return [s.strip() for s in re.split(r"(?<=[.!?…])\s+|\n+", text.strip()) if s.strip()]


MAX_UTTERANCES = 40
"""A monologue is coded as at most this many utterances; the rest is coded as one."""


def utterances(text: str) -> list[str]:
    """A turn split into the units MITI codes: its sentences, at most MAX_UTTERANCES."""
    parts = sentences(text)
    if len(parts) > MAX_UTTERANCES:
        parts = [*parts[: MAX_UTTERANCES - 1], " ".join(parts[MAX_UTTERANCES - 1 :])]
    return parts


def has_word(word: str, text: str) -> bool:
    """Whole-word, case-insensitive match."""
    return re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) is not None


def _strip_markers(text: str) -> str:
    return re.sub(_MARKERS, "", text, flags=re.IGNORECASE)


def trim_clause(sentence: str, feeling: str | None = None) -> str:
    """A reflectable clause: no leading fillers or end punctuation; long sentences are cut
    to the comma-separated part holding the feeling (else the last part)."""
    s = _strip_markers(sentence.strip().strip("\"'“”")).strip()
    s = re.sub(r"[\s.!?…]+$", "", s)
    if len(s.split()) > 22:
        parts = [p.strip() for p in re.split(r"[,;:—–]|\s-\s", s) if len(p.split()) >= 4]
        pick = [p for p in parts if feeling and has_word(feeling, p)] or parts[-1:]
        s = _strip_markers(pick[0]) if pick else s
    return _join_splice(s)


def _join_splice(clause: str) -> str:
    """Mend a comma splice ("X is hard, my team is tired" → "..., and my team...")."""
    head, sep, tail = clause.partition(", ")
    if (
        sep
        and ", " not in tail
        and min(len(head.split()), len(tail.split())) >= 3
        and head.split()[0].lower() not in _SUBORDINATORS
        and tail.split()[0].lower() in _SUBJECTS
    ):
        return f"{head}, and {tail}"
    return clause


def lower_first(clause: str) -> str:
    """Lower-case the first word when it is a common word, so "It sounds like the..." reads well;
    names keep their capital."""
    first = clause.split(" ", 1)[0]
    return first.lower() + clause[len(first) :] if first.lower() in _LOWER_FIRST else clause


def source_clause(context: str) -> tuple[str | None, str | None, str]:
    """What to reflect from the other person's words: (feeling, clause, sentences used).

    Prefers the first statement holding a feeling word (joined with the next
    statement when it is as short as "I'm exhausted"), else their last statement.
    The clause is None when they only asked questions.
    """
    parts = sentences(context)
    feelings = feelings_in(context)
    statements = [s for s in parts if not s.endswith("?")]
    for feeling in feelings:
        for k, s in enumerate(statements):
            clause = trim_clause(s, feeling)
            if not has_word(feeling, s) or len(clause.split()) < 2:
                continue
            rest = [t for t in statements[k + 1 : k + 2] if 3 <= len(trim_clause(t).split()) <= 18]
            if len(clause.split()) <= 4 and rest:
                return (
                    feeling,
                    f"{clause}, and {lower_first(trim_clause(rest[0]))}",
                    f"{s} {rest[0]}",
                )
            return feeling, clause, s
    for s in reversed(statements):
        if len(trim_clause(s).split()) >= 3:
            return None, trim_clause(s), s
    return (feelings[0] if feelings else None), None, parts[-1] if parts else context


def unique(items: Sequence[str]) -> list[str]:
    """Items in order without repeats, ignoring case."""
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return list(seen.values())


def reused_words(feeling: str | None, sentence: str, rewrite: str) -> list[str]:
    """The other person's words (feeling first, then content words) that the rewrite reuses."""
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", sentence)
    content = [w for w in words if len(w) >= 3 and w.lower() not in _STOP]
    return [w for w in unique(([feeling] if feeling else []) + content) if has_word(w, rewrite)][:6]
