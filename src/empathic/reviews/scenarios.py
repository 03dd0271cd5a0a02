"""The practice scenario worth rehearsing before talking with the people involved.

Whoever leads the conversation with those involved (the facilitator) can rehearse it
first in a role-play. The scenario is chosen from the library by the review's tags and
words against each scenario's tags, competencies, title and summary; learning-culture
scenarios are preferred, and the nurse medication-error scenario is the fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from empathic.roleplay.loading import load_library
from empathic.roleplay.scenario import Scenario

FALLBACK = "nurse-medication-error"
LEARNING_TAGS = {"learning-culture", "blameless", "patient-safety"}
_STOP = frozenset(
    "the and for with was were that this from into after what when where who they their "
    "have has had not but".split()
)


@dataclass(frozen=True)
class Practice:
    scenario_id: str
    title: str


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z-]{2,}", text.lower()) if w not in _STOP}


def practice_for(tags: list[str], *texts: str) -> Practice:
    """The best-matching scenario for a review with these tags and texts."""
    wanted_tags = {t.lower().replace(" ", "-") for t in tags}
    wanted = _words(" ".join((*texts, *tags)))
    best: tuple[float, Scenario] | None = None
    library = load_library()
    for scenario in library:
        own_tags = {t.lower() for t in scenario.tags}
        own = _words(" ".join((scenario.title, scenario.summary, *scenario.competencies)))
        own |= {w for t in own_tags for w in t.split("-")}
        score = 3 * len(wanted_tags & own_tags) + len(wanted & own)
        score += 2 * len(own_tags & LEARNING_TAGS)
        if best is None or score > best[0]:
            best = (score, scenario)
    if best is None or best[0] <= 2 * len(LEARNING_TAGS & {t.lower() for t in best[1].tags}):
        fallback = next((s for s in library if s.id == FALLBACK), None)
        if fallback is not None:
            return Practice(fallback.id, fallback.title)
    if best is None:
        return Practice(FALLBACK, "The nurse who reports a medication error")
    return Practice(best[1].id, best[1].title)
