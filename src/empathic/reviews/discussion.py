"""The discussion: After Action Review answers, SEIPS contributing factors, the summary,
and the separate Just Culture step for questions of individual accountability.

Contributing factors are conditions of the work system (SEIPS: person, tasks, tools and
technology, environment, organisation), never a person: a factor that names someone on
the review, or that the blame detector reads as naming a person as the cause, is
refused. Questions of individual accountability are real, but they are a different
process (NHS Just Culture guide): they are recorded apart, seen only by the facilitator
and whoever raised them, and never reach the summary, the library or an export.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from empathic.db import utcnow
from empathic.reviews import coaching
from empathic.reviews.models import AccountabilityCase, Factor
from empathic.reviews.service import Access, member_names, require_facilitator, require_open
from empathic.reviews.text import FACTOR, LONG, ReviewError, choice, clean, fold

AAR_QUESTIONS = {
    "expected": "What was expected to happen?",
    "actual": "What actually happened?",
    "difference": "Why was there a difference?",
    "learning": "What can we learn from this?",
}
"""NHS England's After Action Review questions, in order."""

SEIPS = {
    "person": "Person: the condition of the people doing the work (fatigue, experience, "
    "training, workload on them), never who they are",
    "tasks": "Tasks: what the work asked (complexity, interruptions, time pressure)",
    "tools": "Tools and technology: equipment, software, labels, devices",
    "environment": "Environment: space, noise, light, layout",
    "organisation": "Organisation: staffing, rotas, policies, culture, communication",
}
"""The SEIPS work-system lens a contributing factor is recorded under."""

JUST_CULTURE_STEPS = {
    "deliberate_harm": "Deliberate harm test: was there any intention to cause harm?",
    "health": "Health test: are there indications of ill health or substance misuse?",
    "foresight": "Foresight test: were there agreed protocols or accepted practice, were "
    "they workable and in routine use, and were they knowingly not followed?",
    "substitution": "Substitution test: would another person with similar training and "
    "experience, in a similar situation, have acted in the same way?",
    "mitigating": "Mitigating circumstances: were there significant circumstances that "
    "explain what happened?",
}
"""The NHS Just Culture guide's questions, each a separate decision step."""

ANSWERS = ("yes", "no", "unsure")


def save_discussion(db: Session, access: Access, answers: dict[str, str]) -> None:
    """The facilitator records the group's answers to the AAR questions."""
    require_facilitator(access)
    require_open(access)
    values = {
        key: clean(answers.get(key, ""), question, LONG) for key, question in AAR_QUESTIONS.items()
    }
    review = access.review
    for key, value in values.items():
        setattr(review, key, value)
    review.updated_at = utcnow()
    coaching.check_discussion(db, review, member_names(db, review))


def save_summary(db: Session, access: Access, summary: str) -> None:
    """The learning summary as it will be published, checked on every save."""
    require_facilitator(access)
    require_open(access)
    text = clean(summary, "Learning summary", LONG)
    review = access.review
    leaked = accountability_in(db, access, text)
    if leaked:
        raise ReviewError(
            "Learning summary: it repeats a question raised for the Just Culture step "
            f"({leaked[:80]!r}). Individual accountability stays out of the learning."
        )
    review.summary, review.updated_at = text, utcnow()
    coaching.sync(db, review, "review", None, "summary", text, member_names(db, review))


def add_factor(db: Session, access: Access, category: str, text: str) -> Factor:
    """A condition of the work system; refused when it names a person or makes one the cause."""
    require_facilitator(access)
    require_open(access)
    category = choice(category, "SEIPS category", SEIPS)
    text = clean(text, "Contributing factor", FACTOR, required=True)
    names = member_names(db, access.review)
    for name in names:
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            raise ReviewError(
                f"Contributing factor: it names {name}. Record the condition of the work "
                "system (the rota, the label, the interruption), not the person."
            )
    from empathic.analysis.blame import find_blame

    cause = next(
        (f for f in find_blame(text, people=tuple(names)) if f.kind == "person_as_cause"), None
    )
    if cause is not None:
        raise ReviewError(
            f"Contributing factor: {cause.phrase!r} makes a person the cause. {cause.why} "
            "If someone's individual accountability is in question, take it to the Just "
            "Culture step instead."
        )
    factor = Factor(
        review_id=access.review.id, category=category, text=text, created_by_id=access.viewer.id
    )
    db.add(factor)
    db.flush()
    coaching.sync(db, access.review, "factor", factor.id, "text", text, names)
    return factor


def factor_for(db: Session, access: Access, factor_id: int) -> Factor:
    factor = db.get(Factor, factor_id)
    if factor is None or factor.review_id != access.review.id:
        raise LookupError(factor_id)
    return factor


def remove_factor(db: Session, access: Access, factor_id: int) -> None:
    require_facilitator(access)
    require_open(access)
    factor = factor_for(db, access, factor_id)
    coaching.drop(db, access.review, "factor", factor.id)
    db.delete(factor)
    db.flush()


def factors(db: Session, access: Access) -> list[Factor]:
    return list(
        db.scalars(select(Factor).where(Factor.review_id == access.review.id).order_by(Factor.id))
    )


def raise_question(db: Session, access: Access, question: str) -> AccountabilityCase:
    """Anyone on the review may take an accountability question out of the learning."""
    require_open(access)
    text = clean(question, "Accountability question", LONG, required=True)
    case = AccountabilityCase(
        review_id=access.review.id, raised_by_id=access.viewer.id, question=text, steps={}
    )
    db.add(case)
    db.flush()
    return case


def cases(db: Session, access: Access) -> list[AccountabilityCase]:
    """All cases for the facilitator; one's own raised questions for anyone else."""
    query = select(AccountabilityCase).where(AccountabilityCase.review_id == access.review.id)
    if not access.facilitator:
        query = query.where(AccountabilityCase.raised_by_id == access.viewer.id)
    return list(db.scalars(query.order_by(AccountabilityCase.id)))


def record_steps(
    db: Session,
    access: Access,
    case_id: int,
    answers: dict[str, str],
    notes: dict[str, str],
    outcome: str,
) -> AccountabilityCase:
    """The facilitator works through the Just Culture steps, one decision at a time."""
    require_facilitator(access)
    case = db.get(AccountabilityCase, case_id)
    if case is None or case.review_id != access.review.id:
        raise LookupError(case_id)
    steps = {}
    for key, question in JUST_CULTURE_STEPS.items():
        answer = answers.get(key, "").strip().lower()
        if answer and answer not in ANSWERS:
            raise ReviewError(f"{question.split(':')[0]}: answer yes, no or unsure.")
        note = clean(notes.get(key, ""), question.split(":")[0], LONG)
        if answer or note:
            steps[key] = {"answer": answer, "note": note}
    case.steps = steps
    case.outcome = clean(outcome, "Outcome", LONG)
    case.updated_at = utcnow()
    return case


def accountability_in(db: Session, access: Access, text: str) -> str:
    """A Just Culture question repeated in `text` (so it cannot leak into the learning)."""
    folded = fold(text)
    for question in db.scalars(
        select(AccountabilityCase.question).where(AccountabilityCase.review_id == access.review.id)
    ):
        probe = fold(question)
        if len(probe) >= 12 and probe in folded:
            return question
    return ""
