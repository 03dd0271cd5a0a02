"""What practice asks of a learner on their home page: finish a run, or practise a weak skill.

Read by the home page through the area registry (`Area.home`); it only reads.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from empathic.accounts.models import User
from empathic.areas import NextStep
from empathic.practice.models import PracticeRun
from empathic.roleplay.loading import load_library

RECENT_RUNS = 5
"""Ended runs whose skills decide the suggestion: recent practice, not the first week's."""

SKILL_FOCUS = {
    "reflections": ("reflecting what you hear", ("active listening",)),
    "open_questions": ("open questions", ("active listening", "story before action")),
    "warmth": ("acknowledging feelings", ("acknowledging emotions", "human connection")),
    "advice_first": ("holding back advice", ("story before action", "active listening")),
}
"""Skill in a run's summary -> (how the page names it, competencies of scenarios that train it)."""


def next_steps(db: Session, user: User) -> list[NextStep]:
    """A run in progress to continue, then a scenario for the weakest recent skill."""
    runs = list(
        db.scalars(
            select(PracticeRun)
            .where(PracticeRun.user_id == user.id)
            .order_by(PracticeRun.created_at.desc())
            .limit(50)
        )
    )
    steps: list[NextStep] = []
    active = next((r for r in runs if r.status == "active"), None)
    if active is not None:
        steps.append(NextStep(f"Continue “{active.title}”", f"/runs/{active.id}"))
    ended = [r for r in runs if r.status == "ended" and (r.summary or {}).get("skills")]
    if not ended:
        if active is None:
            steps.append(NextStep("Start your first practice conversation", "/practice"))
        return steps
    skill, share = weakest_skill(ended[:RECENT_RUNS])
    name, competencies = SKILL_FOCUS[skill]
    played = {r.scenario_id: 0 for r in runs}
    for r in runs:
        played[r.scenario_id] += 1
    fitting = [s for s in load_library() if set(competencies) & set(s.competencies)]
    if fitting:
        scenario = min(fitting, key=lambda s: played.get(s.id, 0))
        how = f"{share:.0%} of your recent turns" if skill != "advice_first" else "lately"
        steps.append(
            NextStep(f"Practise {name} ({how}): try “{scenario.title}”", f"/practice/{scenario.id}")
        )
    return steps


def weakest_skill(runs: list[PracticeRun]) -> tuple[str, float]:
    """(skill, its mean share) with the lowest score; advice given first counts inverted."""
    means: dict[str, float] = {}
    for skill in SKILL_FOCUS:
        values = [float((r.summary or {})["skills"].get(skill, 0.0)) for r in runs]
        means[skill] = sum(values) / len(values)
    scored = {k: (1 - v if k == "advice_first" else v) for k, v in means.items()}
    skill = min(scored, key=lambda k: scored[k])
    return skill, means[skill]
