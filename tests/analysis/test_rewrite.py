"""Rewrites of the learner's own line: content kept, move changed, verified by re-coding."""

from __future__ import annotations

import pytest

from empathic.analysis.packs import load_pack
from empathic.analysis.responsiveness import uptake
from empathic.analysis.rewrite import move_score, rewrite_own_line
from empathic.config import Settings


@pytest.fixture(scope="module")
def coder():
    return load_pack(None, Settings())[1]


EXHAUSTED = (
    "I'm exhausted. I've been covering Sam's clients and my dad is ill, "
    "and I'm behind on everything."
)
WORRIED = "I'm really worried the new AI tool will replace my job. Nobody has told us anything."


def test_advice_is_kept_as_an_offer_after_their_words(coder):
    found = rewrite_own_line("You should really just prioritise better.", EXHAUSTED, coder)
    assert found is not None
    assert "prioritise better?" in found.text and "should" not in found.text
    assert "exhausted" in found.text
    assert found.after >= found.before + 1


def test_dismissal_is_dropped_and_why_becomes_curiosity(coder):
    line = "You're overreacting a bit. Why didn't you raise this with me earlier?"
    found = rewrite_own_line(line, WORRIED, coder)
    assert found is not None
    assert "overreacting" not in found.text
    assert "What made it hard to raise this with me earlier?" in found.text
    assert {"worried", "job"} <= set(found.reuses)


def test_stock_lines_give_way_to_their_words(coder):
    # (a reflection copying six or more of their words verbatim is an echo, never suggested)
    context = "I'm exhausted and covering Sam's clients. Six weeks now."
    found = rewrite_own_line("I hear you. That sounds hard. Tell me more.", context, coder)
    assert found is not None
    assert "I hear you" not in found.text and "covering" in found.text


def test_a_boast_is_left_out_and_a_closed_check_opens(coder):
    line = "When I was a staff nurse I never once made a mistake like that. Are you okay?"
    context = (
        "I gave the wrong dose last night. I feel terrible and I'm scared for my registration."
    )
    found = rewrite_own_line(line, context, coder)
    assert found is not None
    assert "staff nurse" not in found.text and "Are you okay" not in found.text
    assert "scared" in found.text


def test_a_line_that_already_takes_up_their_words_is_not_rewritten(coder):
    line = (
        "So you've been carrying Sam's clients and your dad's care on your own. "
        "What's been hardest?"
    )
    context = "I've been covering Sam's clients and my dad had a stroke."
    assert rewrite_own_line(line, context, coder) is None


def test_the_recorded_scores_are_those_of_the_coder(coder):
    line, context = (
        "Don't worry about it, these things happen.",
        "I messed up and my boss noticed.",
    )
    found = rewrite_own_line(line, context, coder)
    assert found is not None
    before = move_score(coder.code_many([(line, context)])[0], [context])
    after = move_score(coder.code_many([(found.text, context)])[0], [context])
    assert (found.before, found.after) == (before, after)
    assert uptake(found.text, [context]).echoed == found.reuses
    assert not uptake(found.text, [context]).parrots  # never recommends an echo


def test_session_reports_rewrite_the_learners_own_line(coder):
    from empathic.analysis.report import build_report
    from empathic.conversation import parse_transcript

    transcript = parse_transcript(
        "Priya: I'm exhausted and worried about the launch.\n"
        "Alex: You should just prioritise better.\n"
    )
    rewrites = build_report(transcript, learner="Alex", coder=coder).to_dict()["summary"][
        "rewrites"
    ]
    assert len(rewrites) == 1
    assert rewrites[0]["original"] == "You should just prioritise better."
    assert "prioritise better?" in rewrites[0]["rewrite"]
    assert {"exhausted", "launch"} <= set(rewrites[0]["uses"])
