"""A person's label corrections replace the coder's labels before the report counts them."""

from __future__ import annotations

import pytest

from empathic.analysis.coding import RuleCoder
from empathic.analysis.overrides import apply_overrides, with_implied_behaviour
from empathic.analysis.packs import load_pack
from empathic.analysis.report import build_report, code_turns
from empathic.conversation import Transcript, Turn

TURNS = (
    ("Priya", "Honestly, I'm exhausted. The workload has doubled since Sam left."),
    ("Alex", "What has been the hardest part of it for you?"),
    ("Priya", "Covering the evening calls. Nobody seems to notice."),
    ("Alex", "You feel invisible. What else is going on?"),
    ("Priya", "I suppose I just want someone to say thanks."),
    ("Alex", "You should talk to HR about it."),
)


@pytest.fixture
def transcript() -> Transcript:
    return Transcript(turns=[Turn(s, t) for s, t in TURNS], source="chat.txt")


def test_a_corrected_behaviour_changes_the_counts_and_is_marked(transcript):
    before = build_report(transcript, learner="Alex")
    assert before.turns[1].coded.labels["behaviour"] == "question"
    assert (before.metrics["questions"], before.metrics["reflections"]) == (2, 1)

    after = build_report(transcript, learner="Alex", overrides={1: {"behaviour": "reflection"}})
    assert (after.metrics["questions"], after.metrics["reflections"]) == (1, 2)
    assert after.metrics["r_q_ratio"] == 2.0 and before.metrics["r_q_ratio"] == 0.5
    turn = after.turns[1]
    assert turn.coded.labels["behaviour"] == "reflection"
    assert turn.coded.confidence["behaviour"] == 1.0  # a person decided it
    # the reflection's type comes from the coder told the new behaviour; the question type goes
    assert turn.coded.labels["reflection"] in ("simple", "complex")
    assert turn.coded.labels["question"] is None
    data = after.to_dict()
    assert data["turns"][1]["corrected"] == {
        "behaviour": {"value": "reflection", "was": "question"}
    }
    assert "corrected" not in data["turns"][3]  # only corrected turns carry the key
    assert any("corrected by a person" in note for note in data["notes"])
    assert not any("corrected" in note for note in before.notes)


def test_a_corrected_behaviour_changes_the_dimensions(transcript):
    before = build_report(transcript, learner="Alex")
    after = build_report(transcript, learner="Alex", overrides={5: {"behaviour": "reflection"}})
    name = "demonstrating_understanding"
    assert after.dimensions[name] > before.dimensions[name]
    quoted = {quote["turn"] for quote in after.dimension_evidence[name]}
    assert 5 in quoted and 5 not in {q["turn"] for q in before.dimension_evidence[name]}


def test_only_the_utterances_that_carried_the_wrong_value_change(transcript):
    turns = code_turns(transcript.turns, "Alex", RuleCoder())
    assert [u.labels["behaviour"] for u in turns[3].utterances] == ["reflection", "question"]
    assert turns[3].coded.labels["behaviour"] == "question"
    apply_overrides(turns, {3: {"behaviour": "input"}}, RuleCoder())
    # the question was the coder's mistake; the reflection sentence keeps its own coding
    assert [u.labels["behaviour"] for u in turns[3].utterances] == ["reflection", "input"]
    assert turns[3].coded.labels["input"] is not None


def test_a_corrected_subtype_implies_its_behaviour(transcript):
    assert with_implied_behaviour({"reflection": "complex"}) == {
        "reflection": "complex",
        "behaviour": "reflection",
    }
    assert with_implied_behaviour({"behaviour": "question", "reflection": "simple"}) == {
        "behaviour": "question",
        "reflection": "simple",
    }
    report = build_report(transcript, learner="Alex", overrides={5: {"reflection": "complex"}})
    turn = report.turns[5]
    assert turn.coded.labels["behaviour"] == "reflection"
    assert turn.coded.labels["reflection"] == "complex" and turn.coded.labels["input"] is None
    assert turn.corrected == {"reflection": None, "behaviour": "input"}
    assert report.metrics["complex_reflections"] >= 1 and report.metrics["inputs"] == 0


def test_a_subtype_that_does_not_fit_the_corrected_behaviour_is_left_out(transcript):
    overrides = {1: {"reflection": "complex", "behaviour": "question", "question": "closed"}}
    report = build_report(transcript, learner="Alex", overrides=overrides)
    turn = report.turns[1]
    assert turn.coded.labels["question"] == "closed" and turn.coded.labels["reflection"] is None
    assert set(turn.corrected) == {"behaviour", "question"}


def test_an_empathy_correction_leaves_the_utterances_alone(transcript):
    report = build_report(
        transcript, learner="Alex", overrides={3: {"emotional_reaction": "2", "exploration": "0"}}
    )
    turn = report.turns[3]
    assert turn.coded.level("emotional_reaction") == 2 and turn.coded.level("exploration") == 0
    assert [u.labels["behaviour"] for u in turn.utterances] == ["reflection", "question"]
    assert turn.corrected == {"emotional_reaction": "0", "exploration": "2"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({0: {"behaviour": "question"}}, "turn 0 is not a coded learner turn"),
        ({9: {"behaviour": "question"}}, "turn 9 is not a coded learner turn"),
        ({1: {"behaviour": "lecture"}}, "behaviour='lecture' is not in the label scheme"),
        ({1: {"warmth": "2"}}, "warmth='2' is not in the label scheme"),
    ],
)
def test_bad_overrides_are_value_errors(transcript, overrides, message):
    with pytest.raises(ValueError, match=message):
        build_report(transcript, learner="Alex", overrides=overrides)


def test_a_trained_pack_guesses_the_subtype_of_a_corrected_behaviour(install, settings, transcript):
    install("acme")
    info, coder = load_pack("acme", settings)
    report = build_report(
        transcript, learner="Alex", coder=coder, pack=info, overrides={5: {"behaviour": "question"}}
    )
    coded = report.turns[5].coded
    assert coded.labels["behaviour"] == "question"
    assert coded.labels["question"] in ("open", "closed") and coded.labels["input"] is None
    assert 0 < coded.confidence["question"] <= 1
