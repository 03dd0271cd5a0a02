"""Blame-language coaching: the labelled data, the accuracy goal, offsets and rewrites."""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

import pytest

from empathic.analysis.blame import KINDS, BlameFlag, find_blame, sentence_spans

DATA = Path(__file__).resolve().parents[2] / "data" / "blame" / "sentences.csv"


def _rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _people(row: dict[str, str]) -> list[str]:
    return [p.strip() for p in row["people"].split(";") if p.strip()]


ROWS = _rows()
BLAMING = [r for r in ROWS if r["label"] == "1"]


def _scores(rows: list[dict[str, str]]) -> tuple[float, float]:
    counts: Counter[tuple[str, bool]] = Counter(
        (r["label"], bool(find_blame(r["text"], _people(r)))) for r in rows
    )
    tp, fp, fn = counts["1", True], counts["0", True], counts["1", False]
    return tp / (tp + fp), tp / (tp + fn)


def test_the_labelled_set_is_paired_balanced_and_split() -> None:
    assert len(ROWS) >= 300
    assert list(ROWS[0]) == ["id", "pair", "label", "kind", "split", "batch", "people", "text"]
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert len({r["text"] for r in ROWS}) == len(ROWS)
    pairs: dict[str, list[dict[str, str]]] = {}
    for row in ROWS:
        pairs.setdefault(row["pair"], []).append(row)
    for pair, rows in pairs.items():
        assert sorted(r["label"] for r in rows) == ["0", "1"], pair
        assert len({(r["split"], r["batch"], r["people"]) for r in rows}) == 1, pair
        blaming = next(r for r in rows if r["label"] == "1")
        neutral = next(r for r in rows if r["label"] == "0")
        assert blaming["kind"] in KINDS and neutral["kind"] == "", pair
    splits = Counter(r["split"] for r in ROWS if r["batch"] == "1")
    assert set(splits) == {"dev", "test"}
    assert 0.25 <= splits["test"] / sum(splits.values()) <= 0.35
    assert {r["split"] for r in ROWS if r["batch"] == "2"} == {"test"}  # written after tuning
    assert set(Counter(r["kind"] for r in BLAMING)) == set(KINDS)


def test_test_split_meets_the_goal() -> None:
    """The issue's goal on sentences never used for tuning: precision ≥ .9, recall ≥ .8
    (reached: 1.000 and .880, `python bench/blame_eval.py`)."""
    precision, recall = _scores([r for r in ROWS if r["split"] == "test"])
    assert precision >= 0.9 and recall >= 0.8, (precision, recall)


BLIND_PRECISION = 0.95
BLIND_RECALL = 0.7
"""Batch 2 was written after the rules froze, so it is the most honest figure; the goal's
recall (.8) is not reached there (1.000 and .711), so the level reached is what is kept."""


def test_blind_batch_keeps_the_level_reached() -> None:
    precision, recall = _scores([r for r in ROWS if r["batch"] == "2"])
    assert precision >= BLIND_PRECISION and recall >= BLIND_RECALL, (precision, recall)


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_offsets_point_at_the_phrase(row: dict[str, str]) -> None:
    text = row["text"]
    for flag in find_blame(text, _people(row)):
        assert text[flag.start : flag.end] == flag.phrase
        assert flag.phrase == flag.phrase.strip() and flag.phrase
        assert flag.kind in KINDS
        assert flag.why.endswith(".") and flag.why.count(". ") == 0


@pytest.mark.parametrize("row", BLAMING, ids=[r["id"] for r in BLAMING])
def test_rewrites_never_repeat_the_blame_and_are_not_flagged(row: dict[str, str]) -> None:
    flags = find_blame(row["text"], _people(row))
    for flag in flags:
        assert flag.phrase.lower() not in flag.rewrite.lower()
        assert not find_blame(flag.rewrite, _people(row)), flag.rewrite
    assert len({f.rewrite for f in flags}) <= 1  # one rewrite per sentence


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        ("She should have checked the chart.", "had not checked the chart", "should have"),
        ("The night nurse failed to record the dose.", "did not record the dose", "failed"),
        ("The nurse carelessly gave a second dose.", "gave a second dose", "careless"),
        ("Why didn't she ask for a second check?", "ask for a second check", "why didn't"),
        ("If only Tom had read the allergy band.", "Tom had not read the allergy band", "only"),
        ("The outage was caused by human error.", "The outage was caused by", "human error"),
        ("It was clear that the trace was abnormal.", "The trace was abnormal", "clear"),
    ],
)
def test_rewrites_keep_the_facts(text: str, kept: str, gone: str) -> None:
    rewrite = find_blame(text, ["Tom"])[0].rewrite
    assert kept in rewrite and gone not in rewrite.lower()
    assert rewrite.endswith("?")  # it ends on a question about the system


def test_naming_someone_on_the_review_as_the_cause() -> None:
    text = "The release slipped because of Sam."
    (flag,) = find_blame(text, ["Sam Okafor"])
    assert (flag.kind, flag.phrase) == ("person_as_cause", "because of Sam")
    assert "because of" not in flag.rewrite and "Sam" in flag.rewrite
    assert find_blame(text) == []  # not on the review: "because of Brexit" is not a person
    assert [f.kind for f in find_blame("Sam's mistake took the site down.")] == ["person_as_cause"]
    assert [f.kind for f in find_blame("It was her fault.")] == ["person_as_cause"]
    assert [f.kind for f in find_blame("She caused the delay.")] == ["person_as_cause"]


@pytest.mark.parametrize(
    "text",
    [
        "The nurse gave the second dose.",  # description, not blame
        "The dose was not signed.",
        "The alarm failed to sound.",  # equipment
        "The cron job should have run at midnight, but the clock was wrong.",
        "The config change caused the outage.",
        "Why didn't the alert fire?",
        "She did not fail to escalate; the bleep was not being carried.",  # negation
        "Nobody is to blame for the printer jam.",
        "This was not a careless mistake.",
        "We couldn't have known the vendor changed the API.",
        "No nurse should have to look after 14 patients alone.",
        "Patients on insulin should have a named nurse.",
        "Because of her report, the clinic changed its booking rules.",
        "The delay happened because of the staff shortage.",
        "It was not clear at the time that the rash was spreading.",
        "It was clear from the log that the job ran twice.",
        "The patient broke her hip in the fall.",
        "We are not here to blame anyone; we want to learn.",
        "She clearly explained the plan to the family.",
        "The risk was judged unacceptable and the beds were closed.",
    ],
)
def test_neutral_descriptions_are_not_flagged(text: str) -> None:
    assert find_blame(text) == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("The nurse should have checked.", "hindsight"),
        ("The nurse shouldn’t have given it.", "hindsight"),
        ("It was obvious the patient was septic.", "hindsight"),
        ("Had the registrar looked, she would have seen it.", "counterfactual"),
        ("The fall could easily have been avoided.", "counterfactual"),
        ("He didn't bother to read the notes.", "blame"),
        ("The locum was negligent.", "judgement"),
        ('The daughter said, "The nurses ignored him."', "blame"),
    ],
)
def test_blaming_forms_are_flagged(text: str, kind: str) -> None:
    assert kind in {f.kind for f in find_blame(text)}


def test_each_sentence_gets_its_own_rewrite() -> None:
    text = (
        "The dose was given at 10:00. Dr. Khan should have checked the chart. Sam forgot to sign."
    )
    flags = find_blame(text)
    assert [f.kind for f in flags] == ["hindsight", "blame"]
    assert "chart" in flags[0].rewrite and "sign" in flags[1].rewrite
    assert [text[a:b] for a, b in sentence_spans(text)][1].startswith("Dr. Khan")


def test_flags_are_frozen_and_ordered() -> None:
    flags = find_blame("Obviously he failed to check. If only she had asked.")
    assert [f.start for f in flags] == sorted(f.start for f in flags)
    with pytest.raises(AttributeError):
        flags[0].kind = "x"  # type: ignore[misc]
    assert isinstance(flags[0], BlameFlag)


@pytest.mark.parametrize(
    "text",
    [
        "<p>The nurse <b>failed to</b> check &amp; sign.</p><script>alert(1)</script>",
        "\x00\x07The nurse\x1b failed to\tcheck.\r\nShe\u200bshould have asked.\x7f",
        "İİİ The nurse should have checked. ﬁ ǅ ß",
        "",
        "   \n\n  ",
        "." * 5000 + "?" * 5000,
    ],
)
def test_adversarial_text_keeps_offsets_valid(text: str) -> None:
    for flag in find_blame(text, ["İlker"]):
        assert text[flag.start : flag.end] == flag.phrase
        assert flag.rewrite


def test_a_megabyte_paste_is_checked_quickly() -> None:
    text = "The nurse should have checked the chart because of Tom. " * 18_000  # ~1 MB
    start = time.perf_counter()
    flags = find_blame(text, ["Tom"])
    assert time.perf_counter() - start < 30
    assert len(flags) == 36_000
    assert all(text[f.start : f.end] == f.phrase for f in flags[:50])
