"""The analyse form's typed model: what a post becomes before the service sees it."""

from __future__ import annotations

from empathic.insights.forms import EMPTY_ANALYSE_FORM, AnalyseForm


def test_a_post_becomes_one_typed_form() -> None:
    form = AnalyseForm.model_validate(
        {"transcript": "A: Hi\r\nB: Hello\r\n", "learner": "  Priya ", "csrf_token": "x"}
    )
    assert form.learner == "Priya"  # a stray space never hides the speaker
    assert form.pasted() == "A: Hi\nB: Hello\n"  # counted as the text it was
    assert form.judge == "offline" and form.save == "" and not hasattr(form, "csrf_token")


def test_a_title_is_filled_only_where_none_was_typed() -> None:
    assert AnalyseForm().titled("Weekly 1:1").title == "Weekly 1:1"
    assert AnalyseForm(title="Mine").titled("Weekly 1:1").title == "Mine"
    fresh = AnalyseForm(**EMPTY_ANALYSE_FORM)
    assert (fresh.judge, fresh.save, fresh.keep_text) == ("offline", "1", "")
