"""EPITOME level floors: the levels that EPITOME's definitions give a phrase, in both coders.

The open pack is trained on workplace talk, where sympathy, encouragement, a shared
experience and a closed question about someone's life are rare; these tests hold the
levels EPITOME's definitions give them, and the places where coaching deliberately
reads them differently (validation, understanding, role-play warmth).
"""

from __future__ import annotations

import pytest

from empathic.analysis.coding import RuleCoder, mechanism_floors
from empathic.analysis.features import dense_features
from empathic.analysis.level_cues import LEVEL_CUES
from empathic.analysis.metrics import acknowledges, is_self_focused
from empathic.analysis.packs import load_pack
from empathic.analysis.rules import CUES, find_cues
from empathic.config import Settings

ER, IP, EX = "emotional_reaction", "interpretation", "exploration"

FLOORS = [
    # sympathy names the compassion felt: strong emotional reaction
    ("I'm so sorry you're going through this.", ER, 2),
    ("Sorry to hear about your dad, that's a lot to carry.", ER, 2),
    ("My heart goes out to you and the team.", ER, 2),
    # encouragement alludes to warmth without naming a feeling: weak
    ("Stay strong, I hope things get better soon.", ER, 1),
    ("You're not alone in this, good luck on Monday.", ER, 1),
    # a similar experience of one's own: strong interpretation
    ("I went through the same thing when my post was cut.", IP, 2),
    ("Same here, my first year on the ward was like that.", IP, 2),
    ("I've been there, the first audit nearly broke me.", IP, 2),
    # a question about them: strong when specific, weak when generic
    ("Do you have anyone at home you can talk to about it?", EX, 2),
    ("Are you feeling alone right now?", EX, 1),
    ("Are you feeling alone with all of this right now?", EX, 2),
]

NO_FLOOR = [
    # an apology for oneself, or one that leads into a "but", is no compassion
    ("I'm sorry, I didn't catch that.", ER),
    ("Sorry to interrupt, can we move to the data?", ER),
    ("I'm sorry but the deadline stands.", ER),
    # "I was wondering" and "I had a look" are no experience of one's own
    ("I was wondering whether you had time for a call.", IP),
    ("I had a look at the figures this morning.", IP),
    # a question about facts, plans, a fix, a blame or a check explores nothing of theirs
    ("Did you get a chance to read the protocol amendment?", EX),
    ("Have you tried talking to your manager about it?", EX),
    ("Why didn't you tell anyone about the error?", EX),
    ("Would you like a printed copy or the email version?", EX),
    ("The slides are done. Is it finished?", EX),
    ("You're worn out by the rota, is that right?", EX),
]


@pytest.fixture(scope="module")
def open_coder() -> object:
    return load_pack("open", Settings())[1]


@pytest.mark.parametrize(("text", "mechanism", "level"), FLOORS)
def test_both_coders_give_at_least_the_floor(
    text: str, mechanism: str, level: int, open_coder: object
) -> None:
    cues = find_cues(text)
    assert mechanism_floors(cues, text)[mechanism] == level
    for coder in (RuleCoder(), open_coder):
        assert coder.code(text).level(mechanism) >= level  # type: ignore[attr-defined]


@pytest.mark.parametrize(("text", "mechanism"), NO_FLOOR)
def test_no_floor_for_look_alikes(text: str, mechanism: str) -> None:
    assert mechanism not in mechanism_floors(find_cues(text), text)


def test_a_question_about_a_plan_explores_only_when_it_invites_talk() -> None:
    talk = "Would you like to talk about what happened on the ward?"
    assert mechanism_floors(find_cues(talk), talk)[EX] == 2
    plan = "Would you like to meet on Thursday instead?"
    assert EX not in mechanism_floors(find_cues(plan), plan)


def test_only_the_question_counts_towards_specific() -> None:
    """A long reflection before a short generic question does not make it specific."""
    text = "It sounds like the whole week has been one thing after another. How are you?"
    assert mechanism_floors(find_cues(text), text)[EX] == 1
    story = "I went through the same. Are you?"  # the question is three words
    assert mechanism_floors(find_cues(story), story)[EX] == 1


def test_a_lifted_level_says_it_came_from_a_rule(open_coder: object) -> None:
    coded = open_coder.code("Good luck, stay strong.")  # type: ignore[attr-defined]
    assert coded.level(ER) == 1
    assert coded.confidence[ER] == 0.55
    assert "Good luck" in coded.evidence[ER] or "stay strong" in coded.evidence[ER]


def test_level_cues_are_not_model_features() -> None:
    """A feature would change every trained pack's width; the floors change no score."""
    assert not set(LEVEL_CUES) & set(CUES)
    text = "I'm so sorry you're facing this. I went through the same. Stay strong."
    assert {c.name for c in find_cues(text)} >= set(LEVEL_CUES)
    without = [c for c in find_cues(text) if c.name not in LEVEL_CUES]
    assert dense_features(text, "") == dense_features(text, "", without)


def test_coaching_reads_encouragement_and_stories_differently() -> None:
    coder = RuleCoder()
    cheer = coder.code("Good luck with it all, stay strong.")
    assert cheer.level(ER) == 1
    assert not acknowledges(cheer)  # no feeling of theirs acknowledged
    story = coder.code("I went through the same thing when my post was cut.")
    assert story.level(IP) == 2
    assert is_self_focused(story)  # a story of one's own keeps the focus on the speaker
