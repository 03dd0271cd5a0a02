"""Rewording one matched construct for `blame_rewrite`: who is the subject, and how a
clause reads once its verdict is gone.

"because of Tom" -> "while Tom was involved", "If only Tom had read the band" ->
"Tom had not read the band", "Why didn't she ask?" -> "What made it hard to ask at
the time?". Small word rules (pronoun forms, "was"/"were", a noun phrase's head), no
parser: they only need to hold for the sentences the detector flags, and every result
is checked by the detector again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from empathic.analysis.blame_patterns import (
    DETERMINERS,
    OBJECT_PRONOUNS,
    PRONOUNS,
    is_participle,
    is_person_noun,
)

_POSSESSIVE_OBJECT: Final = {
    "his": "him",
    "her": "her",
    "their": "them",
    "my": "me",
    "your": "you",
    "our": "us",
}
_SUBJECT_OF: Final = {v: k for k, v in OBJECT_PRONOUNS.items()}
_LOWER_FIRST: Final = frozenset(
    "the a an this that her his their our my your it management staff leaving giving".split()
)


def object_form(who: str) -> str:
    """ "she" -> "her", "The nurse" -> "the nurse": the words as an object."""
    low = who.lower()
    if low in _SUBJECT_OF:
        return _SUBJECT_OF[low]
    if low in _POSSESSIVE_OBJECT:
        return _POSSESSIVE_OBJECT[low]
    return lower_first(who)


def subject_form(who: str) -> str:
    return OBJECT_PRONOUNS.get(who.lower(), who)


def lower_first(phrase: str) -> str:
    first, _, rest = phrase.partition(" ")
    if first.lower() in _LOWER_FIRST or (first.endswith("ing") and first[1:].islower()):
        first = first.lower()
    return f"{first} {rest}".strip()


def be_form(who: str) -> str:
    low = who.lower()
    if low in ("they", "we", "you"):
        return "were"
    if who[:1].isupper() or not low.endswith("s") or low.endswith("ss"):
        return "was"
    return "were"


def is_person_phrase(phrase: str) -> bool:
    """Whether a noun phrase names a person: its head before any "of", "to"... does
    ("the MSL's answer to the oncologist" is an answer)."""
    words = re.split(r"\s+(?:of|to|with|in|on|for|about|at|from)\s+", phrase.strip())[0].split()
    if not words:
        return False
    last = words[-1].lower()
    return (
        last in ("he", "she", "they", "we", "you", "i", "him", "them", "us")
        or is_person_noun(last)
        or (all(w[:1].isupper() for w in words) and words[0].lower() not in _LOWER_FIRST)
    )


_FILLERS: Final = frozenset("just only simply really".split())


def subject_length(words: Sequence[str]) -> int:
    """How many of `words` name the person at their start ("the on-call engineer" -> 3),
    0 when they do not start with a person."""
    if not words:
        return 0
    first = words[0].lower()
    if first in PRONOUNS:
        return 1
    if first in DETERMINERS:
        for k in range(1, min(4, len(words))):
            if is_person_noun(words[k].lower().strip(",")):
                while k + 1 < len(words) and is_person_noun(words[k + 1].lower()):
                    k += 1
                return k + 1
        return 0
    k = 0
    while k < len(words) and words[k][:1].isupper() and words[k].lower() not in _LOWER_FIRST:
        k += 1
    return k


def judged(match: re.Match[str]) -> str:
    """ "The handover was sloppy and rushed." -> "What shaped the handover?" """
    subject, rest = match.group("subj").strip(), match.group("rest") or ""
    pre = match.group("pre")
    if subject.split()[0].lower().endswith("ing"):
        return f"{pre}What led to {lower_first(subject)}{rest}?"
    if is_person_phrase(subject):
        return f"{pre}What was going on for {object_form(subject)}{rest}?"
    return f"{pre}What shaped {lower_first(subject)}{rest}?"


def why_question(match: re.Match[str]) -> str:
    """ "Why didn't she ask?" -> "What made it hard to ask at the time?" """
    aux = " ".join(match.group("aux").lower().replace("’", "'").split())
    words = match.group("body").split()
    n = subject_length(words)
    if not n or n == len(words):
        return match.group()
    rest = " ".join(w for w in words[n:] if w.lower() not in _FILLERS)
    pre = match.group("pre")
    if aux.startswith("how could"):
        if rest.startswith("not "):
            return f"{pre}What made it hard to {rest[4:]} at the time?"
        return f"{pre}What made it easy to {rest} at the time?"
    if aux.endswith("would"):
        return f"{pre}What made it seem right to {rest} at the time?"
    if re.search(r"\b(?:did|could|would)(?:n't| not)", aux):
        return f"{pre}What made it hard to {rest} at the time?"
    return f"{pre}What was happening for {object_form(' '.join(words[:n]))} at the time?"


def counterfactual_clause(body: str, *, inverted: bool) -> str | None:
    """ "Tom had read the band" (after "if") or "the nurse just looked" (after "had")
    as what happened: "Tom had not read the band". None when the words do not fit."""
    words = body.split()
    if inverted:
        n = subject_length(words)
        subject, rest, negated = words[:n], words[n:], False
    else:
        at = next(
            (
                i
                for i, w in enumerate(words[:5])
                if w.lower() in ("had", "hadn't", "hadn’t") or re.search(r"['’]d$", w)
            ),
            None,
        )
        if at is None:
            return None
        if re.search(r"['’]d$", words[at]):
            subject, rest = [*words[:at], words[at][:-2]], words[at + 1 :]
            negated = False
        else:
            subject, rest = words[:at], words[at + 1 :]
            negated = words[at].lower() != "had"
        if rest and rest[0].lower() == "not":
            negated, rest = True, rest[1:]
    rest = [w for w in rest if w.lower() not in _FILLERS] if rest else []
    if not subject or not rest:
        return None
    who = subject_form(" ".join(subject))
    if rest[:2] and rest[0].lower() == "bothered" and len(rest) > 2 and rest[1] == "to":
        done = f"did {'' if negated else 'not '}{' '.join(rest[2:])}"
    elif is_participle(rest[0]):
        done = f"had {'' if negated else 'not '}{' '.join(rest)}"
    else:
        return None
    if who.lower() in ("anyone", "anybody", "someone", "somebody") and not negated:
        return f"no one {done.replace(' not ', ' ', 1)}"
    return f"{who} {done}"


def if_opening(match: re.Match[str]) -> str:
    """A sentence opening on "If (only) ... had ..." or "Had ...": the condition as fact."""
    inverted = match.group("head").lower() == "had"
    clause = counterfactual_clause(match.group("body"), inverted=inverted)
    if clause is None:
        return match.group()
    rest = match.group("rest")
    return f"{match.group('pre')}{clause}" + (f", and {rest}" if rest else "")


def if_inside(match: re.Match[str]) -> str:
    clause = counterfactual_clause(match.group("body"), inverted=False)
    return match.group() if clause is None else f", and {clause}"


def would_clause(match: re.Match[str]) -> str:
    negated = bool(match.group("neg"))
    word = match.group("w")
    if is_participle(word):
        return f"had {'' if negated else 'not '}{word}"
    return f"{'had' if negated else 'did not have'} {word}"


def fault_of(match: re.Match[str]) -> str:
    """ "Tom's mistake" -> "an error in Tom's work"; "his poor judgement" -> "a decision he
    made"."""
    pos = match.group("pos")
    owner = pos.lower() if pos else f"{lower_first(match.group('who'))}'s"
    if "judg" in match.group("noun").lower():
        maker = OBJECT_PRONOUNS.get(_POSSESSIVE_OBJECT.get(owner, ""), "") or owner[:-2]
        return f"a decision {maker or owner} made"
    return f"an error in {owner} work"


def caused(match: re.Match[str]) -> str:
    """ "Sam caused the outage" -> "Sam was involved in the outage"; things keep "caused"."""
    who = match.group("who")
    if who.lower() != "who" and not is_person_phrase(who):
        return match.group()
    return f"{who} {be_form(who)} involved in"


def while_involved(match: re.Match[str]) -> str:
    """ "because of Tom" -> "while Tom was involved" (a person only)."""
    who = subject_form(match.group("who"))
    if not is_person_phrase(who):
        return match.group()
    pre = match.groupdict().get("pre")
    if pre is None:
        return f"while {who} {be_form(who)} involved"
    return f"{pre}While {who} {be_form(who)} involved,"
