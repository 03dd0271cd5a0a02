"""Changing the subject and demonstrating understanding, as the Lend-an-Ear experts define
them: small talk is no invitation, a stock invitation wears out, and a fix, a reassurance or
a question typed without its mark is no reflection."""

from __future__ import annotations

import pytest

from empathic.analysis.coding import CodedUtterance
from empathic.analysis.dimensions import _states_understanding, dimension_scores, turn_credits
from empathic.analysis.embedding import load_embedding
from empathic.analysis.packs import load_pack
from empathic.analysis.report import build_report, code_turns
from empathic.analysis.responsiveness import uptake
from empathic.analysis.topics import WordCloseness, changes_subject, their_words
from empathic.config import Settings
from empathic.conversation import Transcript, Turn

DROWNING = (
    "I'm drowning at work. Three people left and I'm covering their projects, "
    "I'm in at seven and I leave at nine."
)
CANCELLED = "We had to cancel the cinema trip because of the audit, and the kids were gutted."


@pytest.fixture(scope="module")
def coder():
    return load_pack(None, Settings())[1]


@pytest.fixture(scope="module")
def closeness() -> WordCloseness:
    return WordCloseness(load_embedding("minilm-l6-static"))


def credits(coder, reply: str, said: str, closeness: WordCloseness | None = None):
    turns = code_turns([Turn("Sam", said), Turn("Alex", reply)], "Alex", coder)
    return turn_credits(turns, closeness)[0][1]


@pytest.mark.parametrize(
    "question",
    [
        "Did you catch the football last night?",
        "What do you make of this weather?",
        "Seen any good films on Netflix lately?",
    ],
)
def test_a_small_talk_question_changes_the_subject(coder, closeness, question):
    for near in (None, closeness):
        marks = credits(coder, question, DROWNING, near)
        assert marks["encouraging_elaboration"] == 0.0
        assert marks["dismissing_emotions"] == 1.0


def test_the_judgement_names_the_small_talk_word(closeness):
    theirs = their_words([DROWNING])
    up = uptake("Did you catch the football last night?", [DROWNING])
    assert changes_subject(up, theirs, [DROWNING], closeness) == ("football",)
    on_topic = uptake("Which project weighs most?", [DROWNING])
    assert changes_subject(on_topic, theirs, [DROWNING], closeness) == ()


def test_small_talk_back_to_something_they_said_long_ago_stays_their_topic():
    said = [CANCELLED, DROWNING, "My manager keeps adding things.", "I can't say no."]
    up = uptake("Did you manage to rebook the cinema?", said)
    assert up.kind != "responsive"  # their last three turns never mention it
    assert changes_subject(up, their_words(said), said) == ()


def test_small_talk_they_raised_is_their_topic(coder, closeness):
    """The same word is no change of subject when it was theirs, said in their words or in
    words close to theirs; only the pack's vectors know that 'vacation' is their holiday."""
    theirs = credits(coder, "How did the kids take the cinema trip being cancelled?", CANCELLED)
    assert theirs["dismissing_emotions"] == 0.0 and theirs["encouraging_elaboration"] > 0
    question = "Which movie were you all going to see?"
    assert credits(coder, question, CANCELLED, closeness)["dismissing_emotions"] == 0.0
    assert credits(coder, question, CANCELLED, None)["dismissing_emotions"] == 1.0


@pytest.mark.parametrize(
    ("said", "question"),
    [
        (
            "I'm exhausted, I haven't had a proper break since spring.",
            "When did you last take a holiday?",
        ),
        ("I'm burnt out. I work every evening.", "What do your weekends look like at the moment?"),
        ("I've stopped eating properly, I just work through.", "Do you get a lunch break at all?"),
    ],
)
def test_asking_about_rest_stays_with_their_trouble(coder, closeness, said, question):
    """Holidays, weekends and breaks are often the very point when someone is worn out:
    no change of subject, whatever the vectors say ("holiday" and "break": .16)."""
    marks = credits(coder, question, said, closeness)
    assert marks["dismissing_emotions"] == 0.0 and marks["encouraging_elaboration"] > 0


def test_a_question_in_new_words_about_their_trouble_still_explores(coder, closeness):
    marks = credits(
        coder, "How have you been sleeping?", "I'm exhausted and I lie awake.", closeness
    )
    assert marks["encouraging_elaboration"] == 1.0 and marks["dismissing_emotions"] == 0.0


def test_the_vectors_reach_the_report_through_the_pack():
    """build_report hands the trained pack's vectors to the dimensions (the rules pack has
    none), so the default pack keeps 'movie' on their topic."""
    _, coder = load_pack(None, Settings())
    assert coder.word_vectors is not None
    lines = [("Sam", CANCELLED), ("Alex", "Which movie were you all going to see?")]
    report = build_report(Transcript([Turn(s, t) for s, t in lines]), learner="Alex", coder=coder)
    assert report.dimensions["dismissing_emotions"] == 1.0  # the lowest score: no dismissal


def test_a_stock_invitation_earns_less_each_time(coder):
    said = ["My manager keeps adding work.", "I can't say no.", "I'm tired all the time."]
    lines = [t for s in said for t in (Turn("Sam", s), Turn("Alex", "Tell me more."))]
    turns = code_turns(lines, "Alex", coder)
    shares = [c["encouraging_elaboration"] for _, c in turn_credits(turns)]
    assert shares == [0.5, 0.25, 0.125]
    assert dimension_scores(turns)["encouraging_elaboration"] < 4.0


def unit(text: str, *cues: str, behaviour: str = "reflection") -> CodedUtterance:
    from empathic.analysis.rules import Cue

    return CodedUtterance(
        text, "", {"behaviour": behaviour}, {}, {}, [Cue(c, text, 0, len(text)) for c in cues]
    )


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("Maybe make a list of everything that's going on", ("advice",)),
        ("You're great at your job.", ("affirmation",)),
        ("I've gone through this before and it was hard", ("self_disclosure",)),
        ("Look on the bright side, it could be worse", ("dismissal",)),
        ("whats making you feel this way", ()),
        ("do you have any idea how you could work this out", ()),
        ("So how are you holding up", ()),
    ],
)
def test_a_fix_a_reassurance_a_story_or_an_unmarked_question_is_no_reflection(text, cues):
    assert not _states_understanding(unit(text, *cues))


def test_a_stated_reflection_is_one():
    assert _states_understanding(unit("You feel invisible after all those evening calls."))
    assert not _states_understanding(unit("You feel invisible?"))
    assert not _states_understanding(unit("You feel invisible.", behaviour="question"))


def test_understanding_needs_their_words_for_full_credit(coder):
    said = "Covering the evening calls on my own, and nobody seems to notice."
    heard = credits(coder, "You've been carrying the evening calls alone, unnoticed.", said)
    assert heard["demonstrating_understanding"] == 1.0
    stock = credits(coder, "I understand how you feel.", said)
    assert stock["demonstrating_understanding"] == 0.0


def test_a_session_of_small_talk_costs_linear_time(closeness):
    """Every learner turn names small talk and the other person keeps talking: the session's
    words are kept up to date, not re-read per turn (10x the turns may cost at most 30x)."""
    import time

    from empathic.analysis.coding import RuleCoder

    def coded(pairs: int):
        lines = []
        for i in range(pairs):
            lines.append(Turn("Sam", f"Work is piling up, item {i} of the backlog."))
            lines.append(Turn("Alex", "Did you catch the football last night?"))
        return code_turns(lines, "Alex", RuleCoder())

    def seconds(turns) -> float:
        best = float("inf")
        for _ in range(2):
            start = time.perf_counter()
            turn_credits(turns, closeness)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = coded(200), coded(2000)
    assert seconds(large) < 30 * seconds(small)


def test_an_open_question_typed_without_its_mark_still_invites(coder):
    """Chat drops question marks ("whats making you feel this way"); a statement that opens
    with a question word ("What helped me was…") is no question."""
    said = "I feel so detached lately, like I'm just going through the motions."
    for asked in ("whats making you feel this way", "how are you coping with it all"):
        assert credits(coder, asked, said)["encouraging_elaboration"] == 1.0, asked
    told = credits(coder, "What helped me was going for long walks.", said)
    assert told["encouraging_elaboration"] < 1.0


def test_a_stock_phrase_wrapped_round_one_of_their_words_is_still_stock(coder):
    """'I hear you, your projects' takes up a word of theirs but says nothing of its own:
    no validation, no understanding (role-play's CARRIES rule, the same `stock_carried`)."""
    said = "Three people left and I'm covering their projects on my own."
    wrapped = credits(coder, "I hear you, your projects.", said)
    assert wrapped["validating_emotions"] == 0.0
    assert wrapped["demonstrating_understanding"] == 0.0
    carried = credits(coder, "I hear you: covering three people's projects on your own.", said)
    assert carried["validating_emotions"] == 1.0


def test_fishing_with_a_list_of_topics_invites_nothing(coder):
    said = "I'm exhausted and my daughter is ill, and work keeps piling up."
    assert (
        credits(coder, "Work, projects, manager, daughter?", said)["encouraging_elaboration"] == 0.0
    )
