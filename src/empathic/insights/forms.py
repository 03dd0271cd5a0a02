"""The analyse form as one typed model: what it posts, and what the page echoes back.

FastAPI fills `AnalyseForm` from the posted fields (`Annotated[AnalyseForm, Form()]`);
the speaker step re-posts the same fields, so one model serves both. Every field is
text with a default, so a missing field is never a validation error: the service
checks meaning (size, reader, speaker) and answers on the page.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator


class AnalyseForm(BaseModel):
    """One post of the analyse form (the CSRF token and the file are read separately)."""

    model_config = ConfigDict(extra="ignore")

    transcript: str = ""
    learner: str = ""
    """The speaker to coach; empty asks the page to list the speakers found first."""
    pack: str = ""
    judge: str = "offline"
    source: str = ""
    """The upload's name, re-posted by the speaker step with its text."""
    fmt: str = ""
    save: str = ""
    title: str = ""
    keep_text: str = ""

    @field_validator("learner")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    def pasted(self) -> str:
        """The textarea's text with browsers' CRLF line ends counted as the LF it had, so a
        paste near the size limit still fits when the speaker step posts it again."""
        return self.transcript.replace("\r\n", "\n")

    def titled(self, title: str) -> AnalyseForm:
        """The same form with a title filled in where none was typed."""
        return self if self.title else self.model_copy(update={"title": title})


EMPTY_ANALYSE_FORM = {"judge": "offline", "save": "1"}
"""A new analyse page: the offline judge, and saving the scores ticked."""
