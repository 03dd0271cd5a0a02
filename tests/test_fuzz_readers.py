"""Every reader and `analyze` under Hypothesis, with a per-example deadline.

A reader either returns its result or raises its own user-facing error: never another
exception, never a hang. The deadline catches inputs that take far longer than their
size warrants (the linear-time tests in tests/analysis/test_linear_time.py measure the
growth itself on 10 KB and 1 MB inputs).
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import empathic
from empathic.analysis.datasets import DataError, read_labelled_csv
from empathic.analysis.report import LearnerError
from empathic.conversation import FORMATS, TranscriptError, parse_transcript
from empathic.mentoring.importing import preview

DEADLINE = timedelta(seconds=3)
NAMES = st.sampled_from(["Ann", "Bo", "Dr. Chen", "Zoë O'Neil", "Ω", "a" * 40, ""])
LINE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300
)  # any character, NUL and controls included


@st.composite
def chats(draw: st.DrawFn) -> str:
    """Speaker lines, mostly well formed, with noise between them."""
    lines = draw(st.lists(st.tuples(NAMES, LINE), min_size=0, max_size=40))
    noise = draw(st.sampled_from(["", "\n", "\r\n", "\n\n", " --> ", "WEBVTT\n"]))
    return noise.join(f"{name}: {text}" for name, text in lines)


@pytest.fixture(scope="module")
def warm() -> None:
    """Load the default pack once, outside the deadline (loading reads the model files)."""
    empathic.analyze("Ann: I am tired.\nBo: You sound worn out.")


@settings(max_examples=120, deadline=DEADLINE, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(chats(), LINE), fmt=st.sampled_from([None, *FORMATS]))
def test_parse_transcript_returns_turns_or_a_transcript_error(text: str, fmt: str | None) -> None:
    try:
        t = parse_transcript(text, source="fuzz.txt", fmt=fmt)
    except TranscriptError as err:
        assert str(err).startswith("fuzz.txt")
    else:
        assert t.turns and all(turn.speaker and turn.text for turn in t.turns)


@settings(
    max_examples=60,
    deadline=DEADLINE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=chats(), learner=st.one_of(st.none(), NAMES))
def test_analyze_reports_or_explains(warm: None, text: str, learner: str | None) -> None:
    try:
        report = empathic.analyze(text, learner=learner or None)
    except (TranscriptError, LearnerError):
        return
    assert report.turns and report.learner
    assert all(turn.text for turn in report.turns)


@settings(max_examples=120, deadline=DEADLINE)
@given(data=st.one_of(st.binary(max_size=4000), chats().map(str.encode)))
def test_milestone_import_previews_or_lists_problems(data: bytes) -> None:
    found = preview(data)
    assert found.rows or found.errors  # an empty or unreadable file says why


@settings(max_examples=80, deadline=DEADLINE)
@example(body=",conversation_id,turn,text\n,,¹")  # found by this test: isdigit() but not int()
@given(
    body=st.one_of(
        LINE,
        st.lists(st.lists(LINE, max_size=8), max_size=10).map(
            lambda rows: (
                "source,conversation_id,turn,speaker,context,text\n"
                + "\n".join(",".join(row) for row in rows)
            )
        ),
    )
)
def test_labelled_csv_reads_rows_or_gives_a_data_error(body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_text(body, encoding="utf-8", errors="surrogatepass")
        try:
            rows = read_labelled_csv(path, strict=False, require_labels=False)
        except DataError as err:
            assert str(err).startswith(str(path))
        else:
            assert all(row.text is not None for row in rows)
