"""The session report: who is coached, what the JSON looks like, and `empathic.analyze`."""

from __future__ import annotations

import json

import pytest

import empathic
from empathic.analysis.labels import DIMENSIONS
from empathic.analysis.report import LIMITS_NOTE, LearnerError, build_report
from empathic.analysis.textreport import render_text
from empathic.conversation import TranscriptError, parse_transcript

CONVERSATION = """\
Priya: Honestly, I'm exhausted. The workload has doubled since Sam left.
Alex: What has been the hardest part of it for you?
Priya: Covering the evening calls. Nobody seems to notice.
Alex: It sounds like you feel invisible, as if nobody sees what you carry.
Priya: Yes. Exactly that.
Alex: Have you tried making a list and blocking time in the mornings?
Jo: Sorry I'm late.
"""
PACK_KEYS = {"name", "version", "licence", "commercial_use", "description"}
TURN_KEYS = {"index", "speaker", "text", "start", "end", "learner", "labels", "confidence"}


@pytest.fixture
def transcript():
    return parse_transcript(CONVERSATION, source="chat.txt")


def test_default_learner_is_the_second_speaker_with_a_note(transcript):
    report = build_report(transcript)
    assert report.learner == "Alex"
    assert len(report.notes) == 1
    assert "'Alex'" in report.notes[0] and "'Priya'" in report.notes[0]
    assert "--learner" in report.notes[0]
    assert [t.index for t in report.learner_turns] == [1, 3, 5]


def test_named_learner_is_matched_case_insensitively(transcript):
    report = build_report(transcript, learner="  PRIYA ")
    assert report.learner == "Priya" and report.notes == []
    assert [t.index for t in report.learner_turns] == [0, 2, 4]


def test_unknown_learner_lists_the_speakers(transcript):
    with pytest.raises(LearnerError) as err:
        build_report(transcript, learner="Sam")
    assert str(err.value) == "chat.txt: no speaker named 'Sam'; speakers are: Priya, Alex, Jo"


def test_a_monologue_coaches_its_only_speaker():
    report = build_report(parse_transcript("Sam: I think we should talk about Friday."))
    assert report.learner == "Sam" and "Only one speaker" in report.notes[0]
    assert len(report.learner_turns) == 1


def test_learner_turns_are_coded_in_context(transcript):
    report = build_report(transcript)
    contexts = [t.coded.context for t in report.learner_turns if t.coded]
    assert contexts == [transcript.turns[i - 1].text for i in (1, 3, 5)]
    behaviours = [t.coded.labels["behaviour"] for t in report.learner_turns if t.coded]
    assert behaviours == ["question", "reflection", "question"]
    assert report.metrics["questions"] == 2 and report.metrics["reflections"] == 1
    assert report.metrics["learner_turns"] == 3


def test_to_dict_has_the_promised_shape(transcript):
    data = build_report(transcript).to_dict()
    assert json.loads(json.dumps(data)) == data  # plain JSON types only
    assert set(data) == {"pack", "source", "learner", "notes", "limits", "turns", "summary"}
    assert data["pack"] == {
        "name": "rules",
        "version": "1",
        "licence": "Apache-2.0",
        "commercial_use": True,
        "description": data["pack"]["description"],
    }
    assert data["pack"]["description"]
    assert data["source"] == "chat.txt" and data["learner"] == "Alex"
    assert data["limits"] == LIMITS_NOTE
    turns = data["turns"]
    assert [t["speaker"] for t in turns] == ["Priya", "Alex"] * 3 + ["Jo"]
    assert [t["text"] for t in turns] == [t.text for t in transcript.turns]
    for turn in turns:
        learner_only = {"utterances"} if turn["speaker"] == "Alex" else set()
        assert TURN_KEYS | {"evidence"} | learner_only == set(turn)
        if turn["speaker"] != "Alex":
            assert turn["learner"] is False
            assert turn["labels"] is None and turn["confidence"] is None
            assert turn["evidence"] is None
            continue
        assert turn["learner"] is True
        labels = turn["labels"]
        assert {"behaviour", "strategy", "emotional_reaction"} <= set(labels)
        assert None not in labels.values()
        assert set(turn["confidence"]) == set(turn["evidence"]) == set(labels)
        assert all(0 < c <= 1 for c in turn["confidence"].values())
        for phrases in turn["evidence"].values():
            assert all(p.lower() in turn["text"].lower() for p in phrases)
    assert turns[3]["labels"]["reflection"] == "complex"
    assert "question" not in turns[3]["labels"]
    summary = data["summary"]
    assert {"metrics", "dimensions"} <= set(summary)
    assert set(summary["dimensions"]) == set(DIMENSIONS)
    assert all(1.0 <= v <= 5.0 for v in summary["dimensions"].values())
    assert summary["metrics"]["r_q_ratio"] == 0.5
    for key in ("strengths", "missed_opportunities", "rewrites"):
        assert isinstance(summary[key], list)


def test_text_report_shows_the_coding_and_its_evidence(transcript):
    text = render_text(build_report(transcript).to_dict())
    assert "Coached speaker: Alex" in text
    assert "Model pack: rules v1 — licence: Apache-2.0" in text
    assert "Note: No learner named" in text
    assert "  7 Jo: Sorry I'm late." in text  # index 6: turns are numbered from 1
    assert "  1 Priya: " in text and "  0 " not in text
    assert "[open question;" in text and "complex reflection;" in text
    assert "evidence: “" in text
    assert "What the AI cannot know" in text


def test_text_report_fits_an_80_column_terminal(transcript):
    text = render_text(build_report(transcript).to_dict())
    too_wide = [line for line in text.splitlines() if len(line) > 80]
    assert too_wide == []


def test_analyze_accepts_text_and_paths(tmp_path, default_pack):
    from_text = empathic.analyze(CONVERSATION, learner="alex", pack="rules")
    assert from_text.source == "<text>" and from_text.learner == "Alex"
    assert from_text.pack["name"] == "rules"
    path = tmp_path / "chat.txt"
    path.write_text(CONVERSATION, encoding="utf-8")
    for given in (path, str(path)):
        report = empathic.analyze(given, learner="Alex", pack="rules")
        assert report.source == str(path)
        assert report.to_dict()["turns"] == from_text.to_dict()["turns"]
    assert empathic.analyze(path).pack["name"] == default_pack


def test_analyze_uses_the_trained_pack_when_there_is_one(install):
    install("open")
    report = empathic.analyze(CONVERSATION)
    assert report.pack["name"] == "open" and report.pack["licence"] == "open licence"
    assert set(report.pack) == PACK_KEYS
    rules = empathic.analyze(CONVERSATION, pack="rules")
    assert rules.pack["name"] == "rules"


def test_analyze_reports_bad_input_as_transcript_errors(tmp_path):
    with pytest.raises(TranscriptError, match="file not found"):
        empathic.analyze(tmp_path / "missing.vtt")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"empty\.txt: empty"):
        empathic.analyze(empty)
