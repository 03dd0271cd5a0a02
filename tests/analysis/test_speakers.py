"""Matching a typed name to a speaker (issue #16): "Priya" must find "Priya Shah", "jose"
must find "José", and a name that fits two people must say so instead of guessing."""

from __future__ import annotations

import pytest

from empathic.analysis.report import LearnerError, build_report
from empathic.analysis.speakers import Speaker, cast_of, first_words, fold, match_speaker
from empathic.conversation import parse_transcript

TEAM = ["Priya Shah", "José Álvarez", "Dr. Sam O’Neil", "Samira Khan"]


@pytest.mark.parametrize(
    ("typed", "speaker"),
    [
        ("Priya Shah", "Priya Shah"),  # exactly as written
        ("  priya SHAH ", "Priya Shah"),  # case and outer spaces do not count
        ("Priya", "Priya Shah"),  # a first name
        ("shah", "Priya Shah"),  # any of the speaker's words
        ("jose alvarez", "José Álvarez"),  # accents do not count
        ("JOSÉ", "José Álvarez"),
        ("dr sam oneil", "Dr. Sam O’Neil"),  # punctuation neither: "O’Neil" is "oneil"
        ("Dr Sam", "Dr. Sam O’Neil"),
        ("o'neil", "Dr. Sam O’Neil"),
        ("Samira", "Samira Khan"),
        ("pri", "Priya Shah"),  # a unique start of the name
        ("pri sh", "Priya Shah"),  # or of its words
        ("Alv", "José Álvarez"),
        ("Ｐｒｉｙａ", "Priya Shah"),  # full-width letters unfold (NFKD)
    ],
)
def test_a_typed_name_finds_its_speaker(typed: str, speaker: str) -> None:
    assert match_speaker(typed, TEAM) == speaker


def test_a_name_that_fits_several_speakers_lists_the_candidates() -> None:
    # a whole word is a stronger fit than a start: "Sam" is Dr. Sam O'Neil, not Samira
    assert match_speaker("Sam", TEAM) == "Dr. Sam O’Neil"
    with pytest.raises(LearnerError) as err:
        match_speaker("sa", TEAM)
    assert str(err.value) == (
        "'sa' could be Dr. Sam O’Neil or Samira Khan; type more of the name or choose one"
    )
    with pytest.raises(LearnerError) as err:
        match_speaker("Alex", ["Alex Kim", "Alex Moreau", "Jo"])
    assert "could be Alex Kim or Alex Moreau" in str(err.value)


def test_an_exact_name_wins_over_longer_ones_and_over_accents() -> None:
    assert match_speaker("Sam", ["Sam", "Sam Lee"]) == "Sam"
    assert match_speaker("José", ["Jose", "José"]) == "José"
    with pytest.raises(LearnerError, match="could be Jose or José"):
        match_speaker("JOSE", ["Jose", "José"])


def test_no_match_and_no_name_list_the_speakers() -> None:
    with pytest.raises(LearnerError) as err:
        match_speaker("Kim", ["Sam", "Alex"])
    assert str(err.value) == "no speaker named 'Kim'; speakers are: Sam, Alex"
    with pytest.raises(LearnerError, match="type a speaker's name; speakers are: Sam, Alex"):
        match_speaker(" ?! ", ["Sam", "Alex"])


def test_fold_ignores_case_accents_and_punctuation() -> None:
    assert fold("  José  O’Neil-Smith ") == "jose oneil smith"
    assert fold("ÅSA_ÖBERG") == "asa oberg"


def test_build_report_uses_the_same_matching() -> None:
    transcript = parse_transcript(
        "Marco Rossi: I'm worried about the launch.\nPriya Shah: What worries you most?\n",
        source="meeting.txt",
    )
    assert build_report(transcript, learner="priya").learner == "Priya Shah"
    with pytest.raises(LearnerError, match=r"^meeting\.txt: no speaker named 'Kim'"):
        build_report(transcript, learner="Kim")


def test_the_cast_lists_turns_and_first_words_in_order_of_appearance() -> None:
    transcript = parse_transcript(
        "Marco: I'm worried about the launch and nobody on the team seems to care.\n"
        "Priya: What worries you most?\n"
        "Marco: The date.\n"
    )
    assert cast_of(transcript) == [
        Speaker("Marco", 2, "I'm worried about the launch and nobody on …"),
        Speaker("Priya", 1, "What worries you most?"),
    ]
    assert first_words("one two three", limit=2) == "one two …"
