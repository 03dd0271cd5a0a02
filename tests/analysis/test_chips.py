"""Evidence chips are cues a person can learn from (issue #16): "it sounds like" and
"worried", never "like", "me" or "now?"."""

from __future__ import annotations

from importlib import resources

import pytest

from empathic.analysis.chips import chips, meaningful, trimmed
from empathic.analysis.coding import RuleCoder
from empathic.analysis.report import analyze
from empathic.config import Settings


@pytest.mark.parametrize(
    "noise", ["like", "me", "now", "with", "I'll", "That's", "or", "so", "you're", "yeah"]
)
def test_function_words_and_fillers_are_not_chips(noise: str) -> None:
    assert not meaningful(noise) and not meaningful(noise, pattern=True)


@pytest.mark.parametrize("cue", ["it sounds like", "worried", "Tell me more", "30%", "deadline"])
def test_cues_and_content_words_are_chips(cue: str) -> None:
    assert meaningful(trimmed(cue))


def test_a_detectors_own_phrase_of_function_words_stays_a_model_ngram_does_not() -> None:
    assert meaningful("Did you", pattern=True) and not meaningful("Did you")
    assert not meaningful("on the", pattern=False) and not meaningful("I can")
    assert meaningful("didn't", pattern=True) and not meaningful("didn't")


def test_chips_trim_punctuation_drop_repeats_and_phrases_a_longer_chip_holds() -> None:
    assert chips(["now?", "What's on your mind?", "what's on your mind", "me"]) == [
        "What's on your mind"
    ]
    assert chips(["Have you", "you tried", "Have you tried"], pattern=True) == ["Have you tried"]
    assert chips(["course. What's", "Humiliating. That's stronger", "worried."]) == ["worried"]


def test_rule_coder_evidence_has_no_lone_question_mark_or_filler() -> None:
    coded = RuleCoder().code("Of course. What's on your mind?")
    assert coded.evidence["question"] == ["What's on your mind"]  # no trailing "?" now
    for phrases in coded.evidence.values():
        assert all(meaningful(p, pattern=True) for p in phrases), phrases


def test_every_chip_of_a_trained_pack_report_is_meaningful(example_vtt: str) -> None:
    """The bundled pack's n-gram explanations were where "like" and "now?" came from."""
    report = analyze(example_vtt, learner="Sam", settings=Settings())
    shown = [
        p for t in report.to_dict()["turns"] for ps in (t["evidence"] or {}).values() for p in ps
    ]
    assert shown, "the report should show some evidence"
    for phrase in shown:
        assert phrase == trimmed(phrase) and meaningful(phrase, pattern=True), phrase
    assert not {"like", "me", "now", "now?", "with", "for"} & {p.lower() for p in shown}


@pytest.fixture
def example_vtt() -> str:
    return str(resources.files("empathic") / "examples" / "one-to-one.vtt")
