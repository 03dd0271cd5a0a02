"""Strengths, missed opportunities and rewrites: each must fire on the poor turn and stay
quiet on an empathic counterexample."""

from __future__ import annotations

import re

import pytest

from empathic.analysis.coding import AnalysedTurn, RuleCoder
from empathic.analysis.feedback import (
    Finding,
    missed_opportunities,
    strengths,
    suggest_rewrites,
)
from empathic.analysis.metrics import session_metrics
from empathic.analysis.phrasing import flip_pronouns, source_clause
from empathic.analysis.report import code_turns
from empathic.conversation import Turn

CODER = RuleCoder()


def conversation(lines: list[tuple[str, str]], learner: str) -> list[AnalysedTurn]:
    """Turns with the learner's lines coded by the rule coder, as the real pipeline does."""
    return code_turns([Turn(speaker, text) for speaker, text in lines], learner, CODER)


def missed(lines: list[tuple[str, str]], learner: str = "Alex") -> dict[str, Finding]:
    turns = conversation(lines, learner)
    return {f.kind: f for f in missed_opportunities(turns, session_metrics(turns))}


def found_strengths(lines: list[tuple[str, str]], learner: str = "Alex") -> dict[str, Finding]:
    turns = conversation(lines, learner)
    return {f.kind: f for f in strengths(turns, session_metrics(turns))}


POOR_MANAGER = [
    ("Priya", "Honestly, I'm exhausted. The workload has doubled since Sam left."),
    ("Alex", "You should just prioritise better and delegate more."),
    ("Priya", "I've tried. Nobody has capacity and I'm worried the launch will slip."),
    ("Alex", "Don't worry, it'll be fine. At least you have a good team."),
    ("Priya", "It just feels like no one sees how much I'm carrying."),
    ("Alex", "When I was a new manager I worked every weekend for a year."),
    ("Priya", "The report went out with the wrong numbers yesterday."),
    ("Alex", "Why did you not check it? That was careless."),
]

EMPATHIC_MANAGER = [
    ("Priya", "Honestly, I'm exhausted. The workload has doubled since Sam left."),
    ("Alex", "It sounds like you're exhausted from carrying Sam's work as well as your own."),
    ("Priya", "Yes. Nobody has capacity and I'm worried the launch will slip."),
    ("Alex", "No wonder you're worried. I've had weeks like that myself. How are you holding up?"),
    (
        "Priya",
        "Not well, to be honest. I answer emails until midnight and my kids barely see me, "
        "and I feel guilty about the team and about them.",
    ),
    ("Alex", "You feel torn between the team and your family, and yet you keep showing up."),
    ("Priya", "The report went out with the wrong numbers yesterday."),
    ("Alex", "What got in the way of the usual checks?"),
]

POOR_MSL = [
    ("Dr Chen", "I have ten minutes. My patients are frustrated with the side effects."),
    ("Maya", "Did you see the new data?"),
    ("Dr Chen", "Some of it."),
    ("Maya", "Are your patients on the current standard of care?"),
    ("Dr Chen", "Mostly."),
    ("Maya", "Is nausea the main issue?"),
    ("Dr Chen", "Yes."),
    ("Maya", "The trial showed 30% fewer discontinuations, you should consider it."),
]

EMPATHIC_MSL = [
    ("Dr Chen", "I have ten minutes. My patients are frustrated with the side effects."),
    ("Maya", "It sounds like the side effects are getting in the way for your patients."),
    ("Dr Chen", "They are. Nausea mostly."),
    ("Maya", "What have your patients told you about the nausea?"),
    ("Dr Chen", "That they stop taking it after a week."),
    ("Maya", "Did they stop in the first week?"),
    ("Dr Chen", "Most of them."),
    ("Maya", "Would it help if I shared the dosing data from the trial?"),
]


# --- missed opportunities, each firing and not firing --------------------------------


def test_advice_before_exploration() -> None:
    poor = missed(POOR_MANAGER)["advice_before_exploration"]
    # turn 3 ("Don't worry, it'll be fine...") dismisses but advises nothing
    assert poor.turns == [1]
    assert "You should" in poor.evidence
    assert "advice_before_exploration" not in missed(EMPATHIC_MANAGER)


def test_advice_after_exploring_is_not_flagged_as_premature() -> None:
    lines = [
        ("Priya", "I keep missing the Friday deadline."),
        ("Alex", "What has been getting in the way?"),
        ("Priya", "Too many meetings on Thursday."),
        ("Alex", "You could try blocking Thursday afternoons."),
    ]
    assert "advice_before_exploration" not in missed(lines)


def test_advice_put_as_a_question_counts_as_advice() -> None:
    lines = [("Priya", "I keep missing the deadline."), ("Alex", "Have you tried a checklist?")]
    assert missed(lines)["advice_before_exploration"].turns == [1]


def test_unacknowledged_feeling_cites_both_turns_and_the_feeling() -> None:
    poor = missed(POOR_MSL, "Maya")["unacknowledged_feeling"]
    assert poor.turns == [0, 1]
    assert poor.evidence == ["frustrated"]
    assert "“frustrated”" in poor.detail
    assert "unacknowledged_feeling" not in missed(EMPATHIC_MSL, "Maya")


def test_dismissal_does_not_count_as_acknowledging_a_feeling() -> None:
    lines = [("Priya", "I'm worried about the launch."), ("Alex", "Don't worry about it.")]
    assert missed(lines)["unacknowledged_feeling"].turns == [0, 1]


def test_closed_question_streak() -> None:
    poor = missed(POOR_MSL, "Maya")["closed_question_streak"]
    assert poor.turns == [1, 3, 5]
    assert "Is nausea the main issue?" in poor.evidence
    assert "longest 3" in poor.detail
    # two closed questions around an open one is not a streak
    assert "closed_question_streak" not in missed(EMPATHIC_MSL, "Maya")


def test_blame() -> None:
    poor = missed(POOR_MANAGER)["blame"]
    assert poor.turns == [7]
    assert {"Why did you", "careless"} <= set(poor.evidence)
    assert "blame" not in missed(EMPATHIC_MANAGER)


def test_dismissal() -> None:
    poor = missed(POOR_MANAGER)["dismissal"]
    assert poor.turns == [3]
    assert {"Don't worry", "At least"} <= set(poor.evidence)
    assert "dismissal" not in missed(EMPATHIC_MANAGER)


def test_self_focus_only_when_attention_is_not_handed_back() -> None:
    poor = missed(POOR_MANAGER)["self_focus"]
    assert poor.turns == [5]
    assert poor.evidence == ["When I was"]
    # "...I've had weeks like that myself. How are you holding up?" returns the focus.
    assert "self_focus" not in missed(EMPATHIC_MANAGER)


def test_an_empathic_conversation_misses_nothing() -> None:
    assert missed(EMPATHIC_MANAGER) == {}


def test_below_miti_only_when_below() -> None:
    assert "below_miti" in missed(POOR_MSL, "Maya")
    assert "below_miti" not in missed(EMPATHIC_MANAGER)


# --- strengths ---------------------------------------------------------------------------


def test_strengths_of_an_empathic_conversation() -> None:
    found = found_strengths(EMPATHIC_MANAGER)
    assert found["complex_reflection"].turns == [1, 5]
    assert "and yet" in found["complex_reflection"].evidence
    # "How are you holding up?" was followed by a 27-word answer.
    assert found["open_question"].turns == [3]
    assert found["acknowledged_feeling"].turns == [1, 3, 5]
    assert "It sounds like" in found["acknowledged_feeling"].evidence
    # Utterances are coded, as MITI does: turn 3 holds a simple reflection ("No wonder you're
    # worried.") and a question, so 3 reflections (2 complex) and 2 questions: R:Q 1.5 is fair.
    assert found["miti_band"].title == "MITI fair band reached"
    assert "ratio 1.5 and 66.7% complex" in found["miti_band"].detail


def test_a_poor_conversation_has_no_strengths() -> None:
    assert found_strengths(POOR_MANAGER) == {}


def test_open_question_with_a_short_reply_is_not_praised_for_elaboration() -> None:
    lines = [("Priya", "It's fine."), ("Alex", "What happened?"), ("Priya", "Nothing.")]
    assert "open_question" not in found_strengths(lines)


def test_findings_serialise() -> None:
    finding = missed(POOR_MANAGER)["blame"]
    assert finding.to_dict() == {
        "kind": "blame",
        "title": finding.title,
        "detail": finding.detail,
        "turns": [7],
        "evidence": finding.evidence,
    }


# --- rewrites ---------------------------------------------------------------------------


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z']+", text)}


def test_rewrites_pick_the_weakest_turns_and_reuse_their_words() -> None:
    turns = conversation(POOR_MANAGER, "Alex")
    rewrites = suggest_rewrites(turns)
    assert [r.turn for r in rewrites] == [1, 3, 7]  # advice first, dismissal, blame
    by_turn = {t.index: t for t in turns}
    for r in rewrites:
        before = by_turn[r.turn - 1].text
        assert r.original == by_turn[r.turn].text
        assert r.uses, r
        for word in r.uses:
            assert word.lower() in _words(before)
            assert word.lower() in _words(r.rewrite)
        assert r.rewrite != r.original
        assert r.rewrite[0].isupper() and r.rewrite.rstrip().endswith("?")
    first = rewrites[0].rewrite
    assert first.startswith("It sounds like you're exhausted, and the workload has doubled")
    assert "I'm" not in first  # their "I'm" became "you're"
    assert "exhausted" in rewrites[0].uses


def test_rewrites_vary_with_what_was_wrong() -> None:
    rewrites = suggest_rewrites(conversation(POOR_MANAGER, "Alex"))
    endings = {r.rewrite.split(". ")[-1] for r in rewrites}
    assert len(endings) == 3
    dismissal = next(r for r in rewrites if r.turn == 3)
    assert "Don't worry" in dismissal.why
    assert "you're worried the launch will slip" in dismissal.rewrite
    blame = next(r for r in rewrites if r.turn == 7)
    assert blame.rewrite.startswith("So the report went out with the wrong numbers yesterday.")


def test_rewrites_are_deterministic_and_limited() -> None:
    turns = conversation(POOR_MANAGER, "Alex")
    assert suggest_rewrites(turns) == suggest_rewrites(turns)
    assert len(suggest_rewrites(turns, limit=1)) == 1
    # turns 1 (advice before exploring) and 3 (dismissal) are equally severe and both skip
    # a feeling; the tie goes to the earlier turn
    assert suggest_rewrites(turns, limit=1)[0].turn == 1
    assert suggest_rewrites(turns, limit=0) == []


def test_no_rewrites_for_an_empathic_conversation() -> None:
    assert suggest_rewrites(conversation(EMPATHIC_MANAGER, "Alex")) == []


def test_thin_replies_fall_back_to_earlier_words() -> None:
    rewrites = suggest_rewrites(conversation(POOR_MSL, "Maya"))
    last = next(r for r in rewrites if r.turn == 7)  # they had only said "Yes."
    assert "your patients are frustrated with the side effects" in last.rewrite
    assert "frustrated" in last.uses


def test_a_question_is_quoted_rather_than_reflected() -> None:
    lines = [
        ("Priya", "How am I supposed to finish all of this?"),
        ("Alex", "You should work smarter."),
    ]
    (rewrite,) = suggest_rewrites(conversation(lines, "Alex"))
    assert rewrite.rewrite.startswith("You asked, “How am I supposed to finish all of this?”")


def test_rewrite_serialises() -> None:
    (r,) = suggest_rewrites(conversation(POOR_MANAGER, "Alex"), limit=1)
    assert r.turn == 1
    assert set(r.to_dict()) == {"turn", "original", "rewrite", "why", "uses"}


@pytest.mark.parametrize(
    ("said", "reflected"),
    [
        ("I'm worried about my team", "you're worried about your team"),
        ("You never listen to me", "I never listen to you"),
        ("I was told you are the one who decides", "you were told I am the one who decides"),
        ("My manager gave me your report", "your manager gave you my report"),
        ("I’ve had enough of myself", "you've had enough of yourself"),
    ],
)
def test_flip_pronouns(said: str, reflected: str) -> None:
    assert flip_pronouns(said) == reflected


def test_source_clause_prefers_the_feeling_and_joins_a_short_statement() -> None:
    feeling, clause, used = source_clause(
        "Honestly, I'm exhausted. The workload has doubled since Sam left."
    )
    assert feeling == "exhausted"
    assert clause == "I'm exhausted, and the workload has doubled since Sam left"
    assert "Sam left" in used


def test_source_clause_mends_a_comma_splice_but_not_a_subordinate_clause() -> None:
    _, clause, _ = source_clause("I'm sceptical about this drug, my patients hate the nausea.")
    assert clause == "I'm sceptical about this drug, and my patients hate the nausea"
    _, clause, _ = source_clause("When I got home, the kids were already asleep.")
    assert clause == "When I got home, the kids were already asleep"


def test_source_clause_with_only_questions() -> None:
    assert source_clause("Why me?")[1] is None
