"""A learner uploads a WebVTT transcript and reads its report in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.helpers import sign_up

VTT = """WEBVTT

00:00:01.000 --> 00:00:05.000
<v Alex Rivera>I've been swamped since the reorganisation and honestly nobody notices.

00:00:06.000 --> 00:00:09.000
<v Sam Lee>It sounds like you feel invisible, carrying a lot that nobody sees.

00:00:10.000 --> 00:00:14.000
<v Alex Rivera>Yes. The new dashboard keeps flagging my numbers and I dread Mondays.

00:00:15.000 --> 00:00:18.000
<v Sam Lee>What has been the hardest part of this for you?
"""


def test_upload_a_vtt_transcript_and_read_its_report(page: Any, tmp_path: Path) -> None:
    sign_up(page)
    path = tmp_path / "one-to-one.vtt"
    path.write_text(VTT, encoding="utf-8")
    page.goto("/analyse")
    page.locator("#file").set_input_files(str(path))
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_selector("#report-h")
    text = page.locator("main").inner_text()
    assert "Sam Lee" in text
    assert "invisible" in text and "hardest part" in text
    # the coached turns are coded: Sam's reflection is complex, Sam's question open
    reflection = page.locator("#turn-1 table").inner_text()
    question = page.locator("#turn-3 table").inner_text()
    assert "reflection\tcomplex" in reflection.replace("Reflection", "reflection")
    assert "question\topen" in question.replace("Question", "question")


def test_a_bad_transcript_gets_a_clear_message_and_keeps_the_text(page: Any) -> None:
    sign_up(page)
    page.goto("/analyse")
    page.locator("#transcript").fill("just some words with no speakers at all")
    page.get_by_role("button", name="Analyse").click()
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    assert page.locator("#transcript").input_value() == "just some words with no speakers at all"
