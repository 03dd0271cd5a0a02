"""Utterance-level coding and dimensions that mean what the expert judges mean.

The examples are the ones the issue quotes from real reports.
"""

from __future__ import annotations

import pytest

from empathic.analysis.dimensions import dimension_evidence, turn_credits
from empathic.analysis.metrics import session_metrics
from empathic.analysis.packs import load_pack
from empathic.analysis.phrasing import MAX_UTTERANCES, utterances
from empathic.analysis.report import code_turns
from empathic.config import Settings
from empathic.conversation import Turn

PRIYA = (
    "I'm exhausted. My daughter has been ill all week and I'm worried about her, "
    "and now this deadline."
)


@pytest.fixture(scope="module")
def coder():
    return load_pack(None, Settings())[1]


def coded(coder, reply: str, said: str = PRIYA):
    return code_turns([Turn("Priya", said), Turn("Alex", reply)], "Alex", coder)


def credits(coder, reply: str, said: str = PRIYA) -> dict[str, float]:
    return turn_credits(coded(coder, reply, said))[0][1]


def test_a_turn_that_reflects_then_asks_counts_both(coder):
    turns = coded(coder, "It sounds like you're exhausted. What's been hardest this week?")
    metrics = session_metrics(turns)
    assert metrics["learner_turns"] == 1 and metrics["learner_utterances"] == 2
    assert metrics["reflections"] == 1 and metrics["questions"] == 1
    assert metrics["r_q_ratio"] == 1.0


def test_a_reflection_without_a_stem_counts(coder):
    turns = coded(coder, "You're exhausted and worried about your daughter.")
    assert session_metrics(turns)["reflections"] == 1
    marks = credits(coder, "You're exhausted and worried about your daughter.")
    assert marks["validating_emotions"] == 1.0 and marks["demonstrating_understanding"] == 1.0


def test_minimising_then_a_blaming_why_is_dismissal_not_an_invitation(coder):
    marks = credits(coder, "You're overreacting a bit… Why didn't you raise this with me earlier?")
    assert marks["dismissing_emotions"] == 1.0
    assert marks["encouraging_elaboration"] == 0.0
    assert marks["validating_emotions"] == 0.0


def test_explaining_the_rollout_is_information_input(coder):
    said = "I'm anxious about what the rollout means for my team."
    turns = coded(coder, "Let me explain how the rollout works. It starts in March.", said)
    metrics = session_metrics(turns)
    assert metrics["inputs"] >= 1 and metrics["learner_utterances"] == 2


def test_telling_someone_to_prioritise_is_advice(coder):
    turns = coded(coder, "You should really just prioritise better.")
    assert session_metrics(turns)["advice"] == 1
    marks = credits(coder, "You should really just prioritise better.")
    assert marks["advice_giving"] == 1.0 and marks["dismissing_emotions"] == 1.0


def test_stock_acknowledgement_is_not_validation_nor_dismissal(coder):
    """A stock line fits anyone, so it validates nothing; but it acknowledges rather than
    minimises or moves away, so it is no dismissal either (Lend-an-Ear's definitions)."""
    stock = credits(coder, "I hear you. That sounds hard.")
    specific = credits(coder, "That's a lot: a sick daughter and a deadline at the same time.")
    assert stock["validating_emotions"] == 0.0 and stock["dismissing_emotions"] == 0.0
    assert stock["encouraging_elaboration"] == 0.0
    assert specific["validating_emotions"] == 1.0 and specific["dismissing_emotions"] == 0.0


def test_an_open_question_in_new_words_explores_and_does_not_change_the_subject(coder):
    """'What part of the load weighs on you most?' reuses none of their words but invites them
    to say more: it was counted as changing the subject (found in review)."""
    marks = credits(coder, "What part of the load weighs on you most right now?")
    assert marks["encouraging_elaboration"] > 0 and marks["dismissing_emotions"] == 0.0
    moved_on = credits(coder, "Let's move on to the budget for next quarter.")
    assert moved_on["dismissing_emotions"] == 1.0


def test_every_dimension_score_is_explained_by_quoted_turns(coder):
    turns = code_turns(
        [
            Turn("Priya", PRIYA),
            Turn("Alex", "A sick daughter and a deadline: no wonder you're exhausted."),
            Turn("Priya", "I just don't know how to fit it all in."),
            Turn("Alex", "When I had kids I just worked nights. You'll be fine."),
        ],
        "Alex",
        coder,
    )
    evidence = dimension_evidence(turns)
    assert [e["turn"] for e in evidence["validating_emotions"]] == [1]
    assert [e["turn"] for e in evidence["self_oriented"]] == [3]
    assert evidence["dismissing_emotions"][0]["quote"].endswith("You'll be fine.")


def test_utterances_split_on_sentence_ends_and_cap_a_monologue():
    assert utterances("Right… So what happened? I see.\nGo on") == [
        "Right…",
        "So what happened?",
        "I see.",
        "Go on",
    ]
    long = " ".join(f"Sentence {i}." for i in range(100))
    parts = utterances(long)
    assert len(parts) == MAX_UTTERANCES and parts[-1].endswith("Sentence 99.")


def test_a_pasted_monologue_is_cut_for_coding_and_the_report_says_so(coder):
    from empathic.analysis.report import MAX_TURN_CHARS, build_report
    from empathic.conversation import Transcript

    monologue = "word " * 200_000  # a megabyte in one turn, no sentence end
    transcript = Transcript(turns=[Turn("Priya", PRIYA), Turn("Alex", monologue)], source="paste")
    report = build_report(transcript, learner="Alex", coder=coder).to_dict()
    alex = report["turns"][1]
    assert len(alex["text"]) <= MAX_TURN_CHARS + 2 and alex["text"].endswith(" …")
    assert any("1,000,000 characters long" in note for note in report["notes"])
    short = build_report(Transcript(turns=[Turn("Priya", PRIYA), Turn("Alex", "Go on.")]))
    assert not any("characters long" in note for note in short.to_dict()["notes"])


def test_their_words_listed_or_stock_sympathy_earn_no_validation_or_understanding(coder):
    listed = credits(coder, "Exhausted, daughter, ill, deadline?")
    assert listed["validating_emotions"] == 0.0
    for stock in ("That sounds really hard.", "I understand how you feel."):
        marks = credits(coder, stock)
        assert marks["validating_emotions"] == marks["demonstrating_understanding"] == 0.0
    assert credits(coder, "Tell me more.")["encouraging_elaboration"] == 0.5
    specific = credits(coder, "What has the week with your daughter been like?")
    assert specific["encouraging_elaboration"] == 1.0
