"""Responsiveness: credit for taking up what was said, little for stock lines, none for repeats."""

from __future__ import annotations

import pytest

from empathic.analysis.responsiveness import (
    SessionJudge,
    longest_list,
    stock_habits,
    stock_spans,
    uptake,
)

SAID = [
    "Since Sam went on leave I've been covering his client work as well as mine. "
    "Six weeks now, and I'm exhausted."
]


def test_taking_up_their_words_is_responsive_and_names_the_words():
    up = uptake("Six weeks of covering Sam's clients on top of your own work. How are you?", SAID)
    assert up.kind == "responsive"
    assert {"six", "weeks", "covering"} <= set(up.echoed)


def test_naming_a_feeling_they_voiced_is_responsive():
    assert uptake("You sound really drained.", SAID).kind == "responsive"
    # the same feeling word with nothing voiced is the learner's own guess
    assert uptake("You sound really drained.", ["The dashboard is red again."]).kind == "specific"


@pytest.mark.parametrize(
    "line",
    [
        "I hear you. That sounds hard. Tell me more.",
        "That must be difficult. How does that make you feel?",
        "Thank you for sharing that with me.",
        "Go on, I'm listening.",
        "That's completely valid.",
        "I understand how you feel.",
        "You're not alone.",
    ],
)
def test_stock_lines_have_no_content_of_their_own(line):
    up = uptake(line, SAID)
    assert up.kind == "stock" and up.stock and not up.specific


def test_stock_credit_is_small_and_shrinks_with_each_use():
    judge = SessionJudge()
    judgements = [
        judge.judge(line, SAID)
        for line in (
            "I hear you.",
            "That sounds hard.",
            "Tell me more.",
            "I hear you, I understand.",
        )
    ]
    credits = [j.credit for j in judgements]
    assert 0 < credits[0] < 0.5
    assert credits == sorted(credits, reverse=True) and credits[-1] < credits[0] / 4
    assert stock_habits(judgements) == [
        "'I hear you' 2 times",
        "'that sounds hard' 1 time",
        "'tell me more' 1 time",
        "'I understand' 1 time",
    ]


def test_a_near_repeat_earns_nothing_and_names_the_turn():
    judge = SessionJudge()
    first = judge.judge("What has been taking up your evenings lately?", SAID)
    again = judge.judge("What's been taking up your evenings, lately?", SAID)
    assert first.credit > 0 and again.credit == 0 and again.repeats == 0
    assert "turn 1" in again.why


def test_credit_orders_responsive_over_specific_over_stock():
    judge = SessionJudge()
    responsive = judge.judge("Covering Sam's clients for six weeks is a lot.", SAID).credit
    specific = judge.judge("How is the certification going?", SAID).credit
    stock = judge.judge("That sounds really tough.", SAID).credit
    assert responsive > specific > stock > 0


@pytest.mark.parametrize(
    ("line", "items"),
    [
        ("How do you feel about your job, your role, your future here?", 3),
        ("Is it your workload, your family, your health, your manager or your career?", 5),
        ("Is it home, work, health or money?", 4),
        ("How was the shift overall, in terms of staffing and workload?", 0),
        ("I like the charts, the notes and the handover.", 0),  # not a question
    ],
)
def test_lists_of_topics_in_a_question_are_fishing(line, items):
    assert longest_list(line) == items


def test_stock_spans_point_at_the_phrase():
    text = "Honestly, I hear you. What happened with the rota?"
    [(name, start, end)] = stock_spans(text)
    assert name == "I hear you" and text[start:end] == "I hear you"


def test_lines_with_no_content_wear_out_like_stock_phrases():
    judge = SessionJudge()
    credits = [
        judge.judge(line, SAID).credit
        for line in ("How are things?", "What's going on?", "How have you been?")
    ]
    assert credits[0] > credits[1] > credits[2] > 0


def test_stock_phrases_round_a_topic_word_keep_the_stock_credit():
    judge = SessionJudge()
    wrapped = judge.judge("I hear you. That sounds hard. Tell me more about the rota.", SAID)
    assert wrapped.credit > wrapped.stock_credit
    heard = SessionJudge().judge(
        "I hear you: six weeks covering Sam's clients. Tell me more about that.", SAID
    )
    assert heard.uptake.kind == "responsive" and heard.stock_credit == heard.credit


@pytest.mark.parametrize(
    "line",
    [
        "How is the rota?",
        "Tell me about the certification.",
        "What about the certification? How is the rota?",
    ],
)
def test_a_turn_that_only_asks_about_something_new_earns_less_than_a_statement(line):
    asks = SessionJudge().judge(line, SAID)
    says = SessionJudge().judge("The certification deadline is close.", SAID)
    assert asks.uptake.kind == says.uptake.kind == "specific"
    assert asks.credit < says.credit < 1


def test_a_near_repeat_is_found_by_content_whatever_the_stock_wrapper():
    judge = SessionJudge()
    judge.judge("I hear you. What about the rota?", SAID)
    again = judge.judge("That sounds hard. Go on. What about the rota?", SAID)
    assert again.repeats == 0 and again.credit == 0


def test_three_bare_topic_words_are_a_list():
    assert longest_list("How are work, home and health?") == 3
