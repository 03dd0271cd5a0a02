"""Kram's mentoring functions, suggested from session notes by transparent phrase rules.

Kram (1985) found mentors serve career functions (sponsorship, exposure and
visibility, coaching, protection, challenging assignments) and psychosocial
functions (role modelling, acceptance and confirmation, counselling,
friendship). The rules below are plain phrases, shown to the mentor with the
words that matched, and nothing counts until the mentor confirms it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CAREER = "career"
PSYCHOSOCIAL = "psychosocial"

FUNCTIONS: dict[str, tuple[str, str]] = {
    "challenging_assignments": (CAREER, "Challenging assignments"),
    "exposure": (CAREER, "Exposure and visibility"),
    "sponsorship": (CAREER, "Sponsorship"),
    "coaching": (CAREER, "Coaching"),
    "protection": (CAREER, "Protection"),
    "role_modelling": (PSYCHOSOCIAL, "Role modelling"),
    "acceptance": (PSYCHOSOCIAL, "Acceptance and confirmation"),
    "counselling": (PSYCHOSOCIAL, "Counselling"),
    "friendship": (PSYCHOSOCIAL, "Friendship"),
}
"""function id -> (kind, label)."""

RULES: dict[str, tuple[str, ...]] = {
    "challenging_assignments": (
        "stretch",
        "stretch assignment",
        "new project",
        "lead the project",
        "take on",
        "take the lead",
        "challenging",
        "challenge",
        "new responsibility",
        "responsibilities",
        "step up",
    ),
    "exposure": (
        "present to",
        "presentation",
        "introduce her",
        "introduce him",
        "introduce them",
        "introduced",
        "visibility",
        "visible",
        "senior leadership",
        "board",
        "conference",
        "network",
        "meet the",
    ),
    "sponsorship": (
        "recommend",
        "recommended",
        "nominate",
        "nominated",
        "promotion",
        "put forward",
        "advocate",
        "vouch",
        "sponsor",
    ),
    "coaching": (
        "feedback",
        "strategy",
        "how to approach",
        "plan for",
        "practise",
        "practice",
        "skill",
        "skills",
        "prepare",
        "advice on",
        "technique",
        "career path",
        "next step",
    ),
    "protection": (
        "shield",
        "protect",
        "took the heat",
        "cover for",
        "push back",
        "pushed back",
        "buffer",
        "too much on",
        "said no to",
        "workload with her manager",
        "workload with his manager",
    ),
    "role_modelling": (
        "when i was",
        "in my experience",
        "i used to",
        "i learned",
        "my own",
        "how i handle",
        "how i handled",
        "shared my",
        "example of how",
    ),
    "acceptance": (
        "proud",
        "well done",
        "recognise",
        "recognised",
        "appreciate",
        "confidence",
        "believe in",
        "affirm",
        "encourag*",
        "strength",
        "strengths",
        "valued",
    ),
    "counselling": (
        "worried",
        "worry",
        "anxious",
        "stress",
        "stressed",
        "overwhelmed",
        "doubt",
        "fear",
        "afraid",
        "burnout",
        "burned out",
        "personal",
        "family",
        "feel",
        "feeling",
        "felt",
    ),
    "friendship": (
        "coffee",
        "lunch",
        "laughed",
        "joke",
        "weekend",
        "holiday",
        "hobby",
        "chatted",
        "informal",
        "got to know",
    ),
}
"""Phrases per function, matched case-insensitively as whole words; a trailing `*`
matches any ending ("encourag*" finds encouraged and encouraging)."""


@dataclass(frozen=True)
class Suggestion:
    function: str
    evidence: list[str]


def _pattern(phrase: str) -> re.Pattern[str]:
    stem = phrase.removesuffix("*")
    tail = r"\w*" if phrase.endswith("*") else r"\b"
    return re.compile(r"\b" + re.escape(stem).replace(r"\ ", r"\s+") + tail, re.IGNORECASE)


def suggest(notes: str) -> list[Suggestion]:
    """Functions whose phrases occur in the notes, each with the words that matched."""
    found = []
    for function, phrases in RULES.items():
        evidence: list[str] = []
        for phrase in phrases:
            for match in _pattern(phrase).finditer(notes):
                word = " ".join(match.group(0).split())
                if word.lower() not in {e.lower() for e in evidence}:
                    evidence.append(word)
        if evidence:
            found.append(Suggestion(function, evidence[:8]))
    return found


def kind_of(function: str) -> str:
    return FUNCTIONS[function][0]
