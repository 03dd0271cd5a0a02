"""The review forms as typed models, and the path ids of the review pages.

FastAPI fills each model from the posted fields (`Annotated[EventForm, Form()]`), as in
`insights.forms`. Every field is text with a default, so a missing field is never a 422:
the services check meaning (`text.clean`, `text.choice`, dates) and raise `ReviewError`
naming the field, and the page comes back (400) with the message and, through `Draft`,
the very model that was posted, so what the person typed stays in the form.

An id outside 1..2**31-1 names nothing on either database, so it is a 404 before any query.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, TypedDict

from fastapi import Depends
from pydantic import BaseModel, ConfigDict

from empathic.reviews.discussion import JUST_CULTURE_STEPS
from empathic.web.params import id_in_path


class ReviewForm(BaseModel):
    """One post of a review form (the CSRF token is read separately and ignored here)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class EventForm(ReviewForm):
    """Editing the event: what happened, where, tags, tickets and the meeting date."""

    title: str = ""
    description: str = ""
    location: str = ""
    tags: str = ""
    tickets: str = ""
    meeting_on: str = ""


class StartForm(EventForm):
    """Starting a review (`/reviews`): the event plus when it happened, how serious, the
    kind of response and its facilitator; the home page shows it again on a problem."""

    occurred_on: str = ""
    severity: str = ""
    response_type: str = ""
    facilitator_email: str = ""


class AccountForm(ReviewForm):
    body: str = ""
    anonymous: str = ""
    """"1" when the author asks to be shown without their name."""

    @property
    def is_anonymous(self) -> bool:
        return self.anonymous == "1"


class DiscussionForm(ReviewForm):
    """The group's answers to the After Action Review questions (`AAR_QUESTIONS`)."""

    expected: str = ""
    actual: str = ""
    difference: str = ""
    learning: str = ""

    def answers(self) -> dict[str, str]:
        return self.model_dump()


class FactorForm(ReviewForm):
    category: str = ""
    text: str = ""


class ActionForm(ReviewForm):
    """A new action; an empty owner is the facilitator, an empty strength is suggested."""

    text: str = ""
    action_type: str = ""
    strength: str = ""
    owner_email: str = ""
    due_on: str = ""


class ActionUpdateForm(ReviewForm):
    status: str = ""
    note: str = ""


class StepsForm(ReviewForm):
    """One Just Culture case: an answer (yes, no, unsure) and a note per decision step."""

    deliberate_harm: str = ""
    deliberate_harm_note: str = ""
    health: str = ""
    health_note: str = ""
    foresight: str = ""
    foresight_note: str = ""
    substitution: str = ""
    substitution_note: str = ""
    mitigating: str = ""
    mitigating_note: str = ""
    outcome: str = ""

    STEPS: ClassVar[tuple[str, ...]] = tuple(JUST_CULTURE_STEPS)
    """The decision steps in the guide's order; each has a `<step>_note` field too."""

    def answers(self) -> dict[str, str]:
        return {step: getattr(self, step) for step in self.STEPS}

    def notes(self) -> dict[str, str]:
        return {step: getattr(self, f"{step}_note") for step in self.STEPS}


class Draft(TypedDict, total=False):
    """What the review page puts back into the form that failed (the others show the review).

    A key is present only for the form that was posted: the templates test
    `draft.account is defined` to tell an emptied textarea from one never touched.
    """

    event: EventForm
    account: str
    discussion: DiscussionForm
    factor: FactorForm
    action: ActionForm
    summary: str


ReviewId = Annotated[int, Depends(id_in_path("review_id"))]
EntryId = Annotated[int, Depends(id_in_path("entry_id"))]
FactorId = Annotated[int, Depends(id_in_path("factor_id"))]
ActionId = Annotated[int, Depends(id_in_path("action_id"))]
FlagId = Annotated[int, Depends(id_in_path("flag_id"))]
CaseId = Annotated[int, Depends(id_in_path("case_id"))]
"""Ids from 1 to 2**31 - 1; a factor, action, flag or case must also belong to the review."""
