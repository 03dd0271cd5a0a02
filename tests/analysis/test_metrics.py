"""Session metrics, MITI bands and the six dimensions, checked on computed values."""

from __future__ import annotations

import pytest

from empathic.analysis.coding import AnalysedTurn, CodedUtterance, RuleCoder
from empathic.analysis.dimensions import dimension_scores
from empathic.analysis.labels import DIMENSIONS, LABELS
from empathic.analysis.metrics import (
    DIMENSION_HELP,
    DIMENSION_TITLES,
    MITI_THRESHOLDS,
    acknowledges,
    band,
    exchanges,
    session_metrics,
)
from empathic.analysis.report import code_turns
from empathic.conversation import Turn

CODER = RuleCoder()


def conversation(lines: list[tuple[str, str]], learner: str) -> list[AnalysedTurn]:
    """Turns with the learner's lines coded by the rule coder, as the real pipeline does."""
    return code_turns([Turn(speaker, text) for speaker, text in lines], learner, CODER)


def coded_turns(*labels: dict[str, str]) -> list[AnalysedTurn]:
    """Learner-only turns with exact labels, for band edges the coder cannot hit precisely."""
    turns = []
    for i, given in enumerate(labels):
        full: dict[str, str | None] = dict.fromkeys(LABELS)
        full.update(given)
        coded = CodedUtterance(f"utterance {i}", "", full, {}, {})
        turns.append(AnalysedTurn(i, "Learner", f"utterance {i}", coded=coded))
    return turns


REFLECT_SIMPLE = {"behaviour": "reflection", "reflection": "simple"}
REFLECT_COMPLEX = {"behaviour": "reflection", "reflection": "complex"}
OPEN_Q = {"behaviour": "question", "question": "open"}
CLOSED_Q = {"behaviour": "question", "question": "closed"}

MANAGER = [
    ("Priya", "The launch moved again and I'm worried the team will burn out."),
    ("Alex", "It sounds like the deadline moved again."),
    ("Priya", "Yes, for the third time."),
    (
        "Alex",
        "So you're worried that the team will burn out, and yet you care about hitting the date.",
    ),
    ("Priya", "Exactly. I don't want to let anyone down."),
    ("Alex", "What has been the hardest part?"),
]


def test_counts_ratios_and_good_band_on_a_real_conversation() -> None:
    m = session_metrics(conversation(MANAGER, "Alex"))
    assert (m["learner_turns"], m["other_turns"]) == (3, 3)
    assert (m["questions"], m["open_questions"], m["closed_questions"]) == (1, 1, 0)
    assert (m["reflections"], m["simple_reflections"], m["complex_reflections"]) == (2, 1, 1)
    assert m["r_q_ratio"] == 2.0
    assert m["pct_complex_reflections"] == 50.0
    assert m["pct_open_questions"] == 100.0
    assert m["miti"] == {"r_q": "good", "pct_cr": "good", "overall": "good"}


def test_talk_share_and_mean_words_are_counted_in_words() -> None:
    turns = [
        AnalysedTurn(0, "Dr Chen", "I only have five minutes today."),  # 6 words
        AnalysedTurn(1, "Maya", "What matters most?", coded=CODER.code("What matters most?")),
        AnalysedTurn(2, "Dr Chen", "Fewer side effects."),  # 3 words
    ]
    m = session_metrics(turns)
    assert m["talk_share"] == round(3 / 12, 3)
    assert m["mean_words_learner"] == 3.0
    assert m["mean_words_other"] == 4.5


def test_advice_and_inputs_are_counted() -> None:
    lines = [
        ("Dr Chen", "My patients are frustrated with the nausea."),
        ("Maya", "You should start at the lower dose."),
        ("Dr Chen", "Maybe."),
        ("Maya", "The trial showed 30% fewer discontinuations."),
    ]
    m = session_metrics(conversation(lines, "Maya"))
    assert (m["inputs"], m["advice"]) == (2, 1)
    assert m["r_q_ratio"] is None  # no questions at all
    assert m["miti"]["overall"] == "n/a"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "n/a"), (0.0, "below"), (0.99, "below"), (1.0, "fair"), (1.99, "fair"), (2.0, "good")],
)
def test_r_q_band_edges(value: float | None, expected: str) -> None:
    assert band(value, MITI_THRESHOLDS["r_q"]["fair"], MITI_THRESHOLDS["r_q"]["good"]) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(39.9, "below"), (40.0, "fair"), (49.9, "fair"), (50.0, "good")]
)
def test_pct_cr_band_edges(value: float, expected: str) -> None:
    th = MITI_THRESHOLDS["pct_cr"]
    assert band(value, th["fair"], th["good"]) == expected


def test_session_bands_at_exact_thresholds() -> None:
    # 1 reflection per question, 2 of 5 reflections complex: both exactly "fair".
    turns = coded_turns(
        *[REFLECT_COMPLEX] * 2, *[REFLECT_SIMPLE] * 3, *[OPEN_Q] * 2, *[CLOSED_Q] * 3
    )
    m = session_metrics(turns)
    assert (m["r_q_ratio"], m["pct_complex_reflections"]) == (1.0, 40.0)
    assert m["pct_open_questions"] == 40.0
    assert m["miti"] == {"r_q": "fair", "pct_cr": "fair", "overall": "fair"}


def test_overall_is_the_worse_band() -> None:
    # R:Q 3 (good) but no complex reflections (below) -> overall below.
    m = session_metrics(coded_turns(*[REFLECT_SIMPLE] * 3, CLOSED_Q))
    assert m["miti"] == {"r_q": "good", "pct_cr": "below", "overall": "below"}


def test_bands_use_exact_not_rounded_ratios() -> None:
    # 1999 / 1000 = 1.999 shows as 2.0 but has not reached "good"; same for 49.96% CR.
    m = session_metrics(coded_turns(*[REFLECT_COMPLEX] * 1999, *[OPEN_Q] * 1000))
    assert m["r_q_ratio"] == 2.0
    assert m["miti"]["r_q"] == "fair"
    m = session_metrics(coded_turns(*[REFLECT_COMPLEX] * 1249, *[REFLECT_SIMPLE] * 1251))
    assert m["pct_complex_reflections"] == 50.0
    assert m["miti"]["pct_cr"] == "fair"


def test_undefined_ratios_are_none_not_zero() -> None:
    m = session_metrics([AnalysedTurn(0, "Priya", "Hello there.")])
    assert m["learner_turns"] == 0
    assert m["talk_share"] == 0.0
    assert m["mean_words_learner"] is None
    assert m["r_q_ratio"] is None
    assert m["pct_complex_reflections"] is None
    assert m["pct_open_questions"] is None
    assert m["miti"] == {"r_q": "n/a", "pct_cr": "n/a", "overall": "n/a"}


def test_thresholds_are_reported_for_display() -> None:
    th = session_metrics([])["miti_thresholds"]
    assert (th["r_q"]["fair"], th["r_q"]["good"]) == (1.0, 2.0)
    assert (th["pct_cr"]["fair"], th["pct_cr"]["good"]) == (40.0, 50.0)
    assert "MITI" in th["source"]


def test_dimensions_need_learner_turns() -> None:
    assert dimension_scores([AnalysedTurn(0, "Priya", "I'm exhausted.")]) == {}


def test_dimensions_are_the_six_on_a_one_to_five_scale() -> None:
    scores = dimension_scores(conversation(MANAGER, "Alex"))
    assert list(scores) == list(DIMENSIONS)
    for value in scores.values():
        assert 1.0 <= value <= 5.0
        assert value == round(value, 1)
    assert set(DIMENSION_HELP) == set(DIMENSIONS) == set(DIMENSION_TITLES)


def test_dimension_formulas_on_a_crafted_session() -> None:
    lines = [
        ("Priya", "I'm exhausted and overwhelmed."),
        ("Alex", "You should delegate more."),  # advice, feeling left unacknowledged
        ("Priya", "I have tried."),
        ("Alex", "When I was a new manager I worked every weekend."),  # self-disclosure
        ("Priya", "Right."),
        ("Alex", "What has been the hardest part?"),  # open question, exploration 1
        ("Priya", "The evenings."),
        ("Alex", "Don't worry, at least the launch is close."),  # dismissal, not advice
    ]
    scores = dimension_scores(conversation(lines, "Alex"))
    # 1 of 4 turns is advice -> rate 0.25 -> 3.0; 1 of 4 self-disclosure -> 0.25 -> 3.0.
    assert scores["advice_giving"] == 3.0
    assert scores["self_oriented"] == 3.0
    # unacknowledged feeling (turn 1) + dismissal (turn 7) -> 0.5 -> 5.0
    assert scores["dismissing_emotions"] == 5.0
    # open question credit 1 of 4 turns -> 0.25 -> 3.0
    assert scores["encouraging_elaboration"] == 3.0
    assert scores["validating_emotions"] == 1.0


def test_empathic_session_scores_better_than_a_dismissive_one() -> None:
    empathic = [
        ("Priya", "Honestly, I'm exhausted. The workload has doubled since Sam left."),
        ("Alex", "It sounds like you're exhausted from carrying Sam's work as well as yours."),
        ("Priya", "Yes, and I feel guilty leaving at six."),
        ("Alex", "You feel torn between the team and your evenings. What would help most?"),
    ]
    dismissive = [
        ("Priya", "Honestly, I'm exhausted. The workload has doubled since Sam left."),
        ("Alex", "Don't worry, it'll be fine."),
        ("Priya", "Yes, and I feel guilty leaving at six."),
        ("Alex", "Did you finish the slides?"),
    ]
    good = dimension_scores(conversation(empathic, "Alex"))
    bad = dimension_scores(conversation(dismissive, "Alex"))
    assert good["validating_emotions"] > bad["validating_emotions"]
    assert good["demonstrating_understanding"] > bad["demonstrating_understanding"]
    assert good["dismissing_emotions"] < bad["dismissing_emotions"] == 5.0


def test_exchanges_pair_learner_turns_with_what_came_before() -> None:
    pairs = exchanges(conversation(MANAGER, "Alex"))
    assert [ex.turn.index for ex in pairs] == [1, 3, 5]
    assert pairs[0].feelings == ["worried"]
    assert pairs[1].context == "Yes, for the third time."


def test_a_feeling_word_inside_a_dismissal_is_not_acknowledgement() -> None:
    assert not acknowledges(CODER.code("Don't worry about it."))
    assert acknowledges(CODER.code("That sounds overwhelming. I'm glad you told me."))
