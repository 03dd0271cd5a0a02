"""Alternative stories and conversation guides for each kind of flag.

"The facts are the facts, yet the story can change": every flag shows
several explanations that fit the same facts, each with what would support
or refute it, so the mentor goes into the conversation curious rather than
certain. The guide says what to ask, what to reflect and what to avoid, and
links to the role-play scenario worth practising first.
"""

from __future__ import annotations

from dataclasses import dataclass

from empathic.roleplay.loading import find_scenario


@dataclass(frozen=True)
class Story:
    title: str
    explains: str
    supports: str
    refutes: str


@dataclass(frozen=True)
class Guide:
    questions: tuple[str, ...]
    reflections: tuple[str, ...]
    avoid: tuple[str, ...]
    scenario: str

    @property
    def scenario_title(self) -> str:
        """Read from the scenario library (parsed once per process), so a renamed
        scenario cannot leave a stale title on the flag page."""
        return find_scenario(self.scenario).title


def stories(kind: str) -> list[Story]:
    """Five explanations that fit any of the signals; the wording follows the kind."""
    thing = {
        "overdue_milestone": "the milestone slipped past its date",
        "stalled_milestone": "the milestone has not moved",
        "falling_checkins": "the check-ins fell",
        "no_session": "no session has happened",
    }.get(kind, "this happened")
    return [
        Story(
            "Workload",
            f"Other work crowded it out: {thing} because there was no time.",
            "Workload scores rising in check-ins; new projects or cover duties mentioned.",
            "Workload steady or light; other tasks also on track.",
        ),
        Story(
            "Unclear or irrelevant goal",
            f"The goal no longer fits or was never clear, so {thing}.",
            "Hesitation when the goal is named; the role or priorities changed.",
            "The mentee can say why the goal matters and what 'done' looks like.",
        ),
        Story(
            "Life circumstances",
            f"Something outside work (health, family, a move) means {thing}.",
            "Lower energy across the board; the mentee mentions changes at home.",
            "Energy and other commitments unchanged; nothing new outside work.",
        ),
        Story(
            "Skill gap",
            f"The next step needs a skill or access the mentee does not yet have, so {thing}.",
            "Progress stopped at the same step; questions about 'how' rather than 'when'.",
            "Similar work done well before; the block is time, not know-how.",
        ),
        Story(
            "Relationship friction",
            f"Something between mentor and mentee (or with a manager) means {thing}.",
            "Shorter or cancelled sessions; less shared in check-ins; lower 'supported' scores.",
            "Sessions feel open; 'supported' scores steady or rising.",
        ),
    ]


_COMMON_AVOID = (
    "Advice before understanding: do not propose a fix until the mentee has told the story.",
    "Leading with the data as a verdict ('the system says you are behind').",
    "Why-questions that sound like blame ('why haven't you…?').",
)


def _guides() -> dict[str, Guide]:
    """Built on demand: no objects at import time."""
    return {
        "overdue_milestone": Guide(
            (
                "How is the work on this milestone going from where you sit?",
                "What has got in the way, if anything?",
                "Does this milestone still matter to you? What would make it worth doing?",
            ),
            (
                "It sounds like this slipped while other things took priority.",
                "You seem unsure whether this goal is still the right one.",
            ),
            _COMMON_AVOID,
            "mentor-milestones",
        ),
        "stalled_milestone": Guide(
            (
                "What has happened with this since we last talked about it?",
                "Where exactly does it get stuck?",
                "What help would make the next step easier?",
            ),
            (
                "So the first part went well and the next step is where it gets hard.",
                "It sounds frustrating to keep coming back to the same point.",
            ),
            _COMMON_AVOID,
            "mentor-milestones",
        ),
        "falling_checkins": Guide(
            (
                "How have the last couple of weeks been for you?",
                "What is taking most of your energy at the moment?",
                "What would feeling supported look like right now?",
            ),
            (
                "It sounds like a lot has landed on you at once.",
                "You are carrying this while still trying to keep everything going.",
            ),
            (
                *_COMMON_AVOID,
                "Treating the scores as a diagnosis; they are a prompt to ask.",
            ),
            "remote-wellbeing",
        ),
        "no_session": Guide(
            (
                "It has been a while since we met: how are things?",
                "What would make our sessions most useful to you now?",
                "What rhythm of meeting would work for you?",
            ),
            (
                "It sounds like time for mentoring has been hard to find.",
                "You are wondering whether these sessions are still worth the time.",
            ),
            (
                *_COMMON_AVOID,
                "Guilt-tripping about missed sessions; own your part of the gap.",
            ),
            "mentor-milestones",
        ),
    }


def guide(kind: str) -> Guide:
    guides = _guides()
    return guides.get(kind, guides["no_session"])
