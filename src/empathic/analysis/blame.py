"""Blame, hindsight and counterfactual language in learning reviews, with neutral rewrites.

A blameless review describes what happened and what made it make sense at the
time. `find_blame` points at the words that do otherwise ("should have", "failed
to", "careless", "because of Tom") and offers, for each sentence, a rewrite that
keeps its facts and asks about the system. Transparent phrase rules
(`blame_patterns`), no model: a reviewer can see why each flag fired, and every
rule runs in linear time (tests/analysis/test_linear_time.py).

Measured on the project's own labelled sentences (data/blame, `bench/blame_eval.py`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

from empathic.analysis.blame_patterns import (
    BEEN_EXCUSED,
    DETERMINERS,
    FOLLOWERS,
    HARMS,
    NEGATIVE_SUBJECTS,
    NEGATORS,
    OBJECT_PRONOUNS,
    PRONOUNS,
    RULES,
    SKIP_BEFORE,
    THING_WORDS,
    BlameRule,
    is_participle,
    is_person_noun,
    singular,
)
from empathic.analysis.blame_rewrite import fallback_rewrite, neutral_rewrite

__all__ = ["KINDS", "BlameFlag", "find_blame", "scan", "sentence_spans"]

KINDS: Final = ("blame", "hindsight", "counterfactual", "person_as_cause", "judgement")


@dataclass(frozen=True)
class BlameFlag:
    """One phrase a blameless review would word differently, and how."""

    start: int
    end: int
    phrase: str
    kind: str
    why: str
    rewrite: str
    """A neutral rewrite of the whole sentence holding the phrase."""


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    kind: str
    why: str


_WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")
_CAPITAL_STOP: Final = frozenset(
    """the this that these those it its there if when had why what how in at on surely
    clearly obviously honestly frankly then and but so who a an our their his her my your
    because after before while once nobody no""".split()
)
"""Capitalised words that are not names (they open sentences)."""
_ABBREVIATIONS: Final = frozenset("dr mr mrs ms mx prof st vs eg ie etc approx".split())
_BOUNDARY = re.compile(r"(?<=[.!?…])(?P<close>[\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*")
MAX_REWRITE_CHARS: Final = 600
"""A longer "sentence" (a paste with no full stops) gets the general rewrite."""


@cache
def _compiled() -> tuple[tuple[BlameRule, re.Pattern[str]], ...]:
    """The rules, compiled on first use."""
    return tuple((rule, re.compile(rule.pattern, re.IGNORECASE)) for rule in RULES)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: a stop, ! or ? before a capital or a digit, or a line
    break; "Dr." and "a.m. was" do not end one. Linear time."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group("close") is None:  # a line break
            end = match.start()
        elif text[match.start() - 1] == "." and _abbreviation(text, match.start() - 1):
            continue
        else:
            end = match.end("close")
        if text[start:end].strip():
            spans.append(_trimmed(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trimmed(text, start, len(text)))
    return spans


def _abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at `dot` ends "Dr", "e.g" and the like."""
    word = re.findall(r"[A-Za-z.]*$", text[max(0, dot - 8) : dot])[0]
    return word.replace(".", "").lower() in _ABBREVIATIONS


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())


def _people_words(people: Sequence[str]) -> frozenset[str]:
    """Lower-case words of the names on the review ("Priya Patel" -> priya, patel)."""
    return frozenset(w.lower() for name in people for w in _WORD.findall(name) if len(w) > 1)


def _word_kind(token: str, people: frozenset[str]) -> str:
    """person, negative (nobody), thing or unknown."""
    low = token.lower().replace("’", "'")
    low = low[:-2] if low.endswith("'s") else low
    if low in PRONOUNS or low == "whoever":
        return "person"
    if low in NEGATIVE_SUBJECTS:
        return "negative"
    if low in ("it", "this", "that", "there", "which") or singular(low) in THING_WORDS:
        return "thing"
    if is_person_noun(low, people):
        return "person"
    if token[0].isupper() and not token.isupper() and low not in _CAPITAL_STOP:
        return "person"  # a name
    return "unknown"


def _subject(text: str, start: int, floor: int, people: frozenset[str]) -> tuple[str, int]:
    """What comes just before `start` as its subject, and where that word starts.

    Adverbs and auxiliaries are passed over ("she has clearly failed to"); a relative
    clause points back to its noun ("the nurse who gave the morphine should have").
    """
    lo = max(floor, start - 90)
    tokens = list(_WORD.finditer(text, lo, start))
    for k in range(len(tokens) - 1, max(-1, len(tokens) - 8), -1):
        if tokens[k].group().lower() == "who" and k > 0:
            return _word_kind(tokens[k - 1].group(), people), tokens[k - 1].start()
    for k in range(len(tokens) - 1, max(-1, len(tokens) - 6), -1):
        word = tokens[k].group()
        low = word.lower()
        if low in SKIP_BEFORE or low.endswith(("n't", "n’t")) or low == "not":
            continue
        if low == "one" and k > 0 and tokens[k - 1].group().lower() == "no":
            return "negative", tokens[k - 1].start()
        return _word_kind(word, people), tokens[k].start()
    return "unknown", start


def _negated(text: str, start: int, floor: int) -> bool:
    """A negation among the four words before `start`, within its clause."""
    before = text[max(floor, start - 48) : start]
    cut = max(before.rfind(c) for c in ",;:—(")
    words = [w.lower().rstrip("-") for w in _WORD.findall(before[cut + 1 :])][-4:]
    return any(w in NEGATORS or w.endswith(("n't", "n’t")) or w == "no" for w in words)


def _person_after(
    text: str, end: int, limit: int, people: frozenset[str], *, cause: bool
) -> int | None:
    """The end of a person named right after `end` ("because of [the night nurse]"), or
    None: a thing, a possessive ("her report", "Tom's") or nothing.

    After a cause ("because of") the person must end the phrase ("the staff shortage" is
    not a person) and must be on the review, a pronoun or a role ("because of Brexit" is
    not); after "why didn't" a verb follows and any name counts.
    """
    tokens: list[re.Match[str]] = []
    pos = end
    for match in _WORD.finditer(text, end, min(limit, end + 60)):
        if text[pos : match.start()].strip() or len(tokens) == 5:
            break
        tokens.append(match)
        pos = match.end()
    words = [t.group().lower().replace("’", "'") for t in tokens]

    def ends_here(k: int) -> bool:
        if words[k].endswith("'s") or text[tokens[k].end() : tokens[k].end() + 1] in ("'", "’"):
            return False
        return not cause or k + 1 == len(words) or words[k + 1] in FOLLOWERS

    if not words:
        return None
    first = words[0]
    if first == "her":  # "because of her," or "because of her report"?
        alone = len(words) == 1 or words[1] in FOLLOWERS or words[1] in PRONOUNS
        return tokens[0].end() if alone else None
    if first in PRONOUNS or first in OBJECT_PRONOUNS:
        return tokens[0].end()
    if first in people or (not cause and _word_kind(tokens[0].group(), people) == "person"):
        k = 0
        while k + 1 < len(words) and words[k + 1] in people:
            k += 1
        return tokens[k].end() if ends_here(k) else None
    if first in DETERMINERS:
        for k in range(1, min(4, len(words))):
            if is_person_noun(words[k], people) and ends_here(k):
                return tokens[k].end()
    return None


def _clause_start(text: str, start: int, floor: int) -> bool:
    """Whether `start` opens its sentence or a clause (after a comma, a quote, "and")."""
    before = text[max(floor, start - 12) : start].rstrip()
    if not before:
        return start - 12 <= floor
    return before[-1] in ",;:(\"“'‘—–-" or before.lower().endswith((" and", " but", " so"))


def _accept(
    rule: BlameRule,
    match: re.Match[str],
    text: str,
    span: tuple[int, int],
    people: frozenset[str],
    question_mark: int,
) -> tuple[int, int] | None:
    """The flagged span when the match passes the rule's checks, else None.

    `span` is the match's sentence; `question_mark` where its last "?" is (-1: none).
    Every check reads a bounded window around the match, so many matches in one long
    sentence stay linear.
    """
    start, end = match.span()
    floor, limit = span
    pp = match.groupdict().get("pp")
    if pp is not None:
        if not is_participle(pp) or pp.lower() in HARMS:
            return None
        after = _WORD.match(text, _skip_space(text, match.end()))
        if pp.lower() == "been" and after and after.group().lower() in BEEN_EXCUSED:
            return None
    if rule.negatable and _negated(text, start, floor):
        return None
    if rule.clause_start and not _clause_start(text, start, floor):
        return None
    if rule.question and question_mark < end:
        return None
    if rule.inner_subject:
        subject = match.group("subj").split()[-1]
        if _word_kind(subject, people) != "person":
            return None
    if rule.subject != "any":
        kind, where = _subject(text, start, floor, people)
        if kind == "negative" or (rule.subject == "person" and kind != "person"):
            return None
        passive = match.group().lower().endswith("ed") and _passive(text, start)
        if rule.subject == "not_thing" and kind == "thing" and not passive:
            return None
        if text[start] in "'’":
            start = where  # "Tom's mistake", not "'s mistake"
    if rule.person_after:
        cause = rule.kind == "person_as_cause"
        ref = _person_after(text, end, limit, people, cause=cause)
        if ref is None or (rule.question and not _WORD.match(text, _skip_space(text, ref))):
            return None  # "Wouldn't you?" asks nothing of anyone
        end = ref
    return start, end


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] == " ":
        pos += 1
    return pos


def _passive(text: str, start: int) -> bool:
    """ "was ignored": the thing before is what was ignored, not who ignored it."""
    before = text[max(0, start - 12) : start].lower().split()
    return bool(before) and before[-1] in ("was", "were", "been", "being", "is", "are", "get")


def scan(text: str, people: Sequence[str] | frozenset[str] = ()) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, why) of every flagged phrase, in reading order, without rewrites."""
    who = people if isinstance(people, frozenset) else _people_words(people)
    spans = sentence_spans(text)
    starts = [s for s, _ in spans]
    marks = [text.rfind("?", a, b) for a, b in spans]
    hits: list[_Hit] = []
    for rule, pattern in _compiled():
        for match in pattern.finditer(text):
            index = bisect.bisect_right(starts, match.start()) - 1
            if index < 0:
                continue
            accepted = _accept(rule, match, text, spans[index], who, marks[index])
            if accepted is not None:
                hits.append(_Hit(*accepted, rule.kind, rule.why))
    return [(h.start, h.end, h.kind, h.why) for h in _outermost(hits)]


def _outermost(hits: list[_Hit]) -> list[_Hit]:
    """Hits in reading order; one inside another is dropped ("If only" within "If only
    she had checked")."""
    hits.sort(key=lambda h: (h.start, -h.end))
    kept: list[_Hit] = []
    reach = -1
    for hit in hits:
        if hit.end <= reach:
            continue
        kept.append(hit)
        reach = max(reach, hit.end)
    return kept


def find_blame(text: str, people: Sequence[str] = ()) -> list[BlameFlag]:
    """Blame, hindsight, counterfactual, person-as-cause and judgement phrases in `text`.

    `people`: names of the people on the review; naming one of them as the cause
    ("because of Tom", "Tom's mistake") is person_as_cause. Each flag carries a neutral
    rewrite of its whole sentence that never repeats a flagged phrase.
    """
    who = _people_words(people)
    hits = scan(text, who)
    spans = sentence_spans(text)
    starts = [s for s, _ in spans]
    by_sentence: dict[int, list[tuple[int, int, str, str]]] = {}
    for hit in hits:
        by_sentence.setdefault(bisect.bisect_right(starts, hit[0]) - 1, []).append(hit)
    flags: list[BlameFlag] = []
    for index, sentence_hits in by_sentence.items():
        s_start, s_end = spans[index]
        sentence = text[s_start:s_end]
        phrases = tuple(text[a:b] for a, b, _, _ in sentence_hits)
        kinds = tuple(k for _, _, k, _ in sentence_hits)
        rewrite = _verified_rewrite(sentence, phrases, kinds, who)
        flags.extend(
            BlameFlag(a, b, text[a:b], kind, why, rewrite) for a, b, kind, why in sentence_hits
        )
    return flags


def _verified_rewrite(
    sentence: str, phrases: tuple[str, ...], kinds: tuple[str, ...], people: frozenset[str]
) -> str:
    """The sentence's neutral rewrite, kept only when it repeats no flagged phrase and
    the detector finds nothing in it; otherwise the general rewrite for its kind."""
    if len(sentence) > MAX_REWRITE_CHARS:
        return fallback_rewrite(kinds[0])
    return _checked_rewrite(sentence, phrases, kinds, people)


@lru_cache(maxsize=4096)
def _checked_rewrite(
    sentence: str, phrases: tuple[str, ...], kinds: tuple[str, ...], people: frozenset[str]
) -> str:
    """`_verified_rewrite` for a sentence short enough to reword (memoised: a review is
    checked again on every edit)."""
    candidate = neutral_rewrite(sentence, kinds)
    lowered = candidate.lower()
    echoes = any(p.lower() in lowered for p in phrases)
    if candidate and not echoes and not scan(candidate, people):
        return candidate
    return fallback_rewrite(kinds[0])
