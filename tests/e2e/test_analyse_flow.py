"""A learner uploads a WebVTT transcript and reads its report in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.helpers import sign_up
from tests.e2e.test_accessibility import UNLABELLED

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


def test_upload_a_vtt_transcript_choose_who_you_are_and_read_its_report(
    page: Any, tmp_path: Path
) -> None:
    sign_up(page)
    path = tmp_path / "one-to-one.vtt"
    path.write_text(VTT, encoding="utf-8")
    page.goto("/analyse")
    page.locator("#file").set_input_files(str(path))
    page.get_by_role("button", name="Analyse").click()
    # nobody is coached by default: the page lists the speakers found (issue #16)
    page.wait_for_selector("#speaker-h")
    step = page.locator("#speaker-step").inner_text()
    assert "Alex Rivera · 2 turns" in step and "Sam Lee · 2 turns" in step
    assert "first said: “It sounds like you feel invisible" in step
    assert page.locator("#title").input_value() == "one-to-one.vtt"
    assert page.evaluate(UNLABELLED) == []  # every radio and field has its label
    page.get_by_label("Sam Lee · 2 turns").check()
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_selector("#report-h")
    text = page.locator("main").inner_text()
    assert "Report: one-to-one.vtt" in text and "Coached speaker: Sam Lee" in text
    assert "invisible" in text and "hardest part" in text
    # the coached turns are coded: Sam's reflection is complex, Sam's question open;
    # turns are numbered from 1, so Sam's are turns 2 and 4
    reflection = page.locator("#turn-2 table").inner_text()
    question = page.locator("#turn-4 table").inner_text()
    assert "reflection\tcomplex" in reflection.replace("Reflection", "reflection")
    assert "question\topen" in question.replace("Question", "question")
    # saved by default, as scores only; it is found again in My analyses and My growth
    assert "Saved to My analyses as “one-to-one.vtt”: the scores only" in text
    page.get_by_role("link", name="My analyses").first.click()
    page.get_by_role("link", name="one-to-one.vtt").click()
    page.wait_for_selector("#saved-dims-h")
    assert "The conversation's words were not kept" in page.locator("main").inner_text()
    assert page.evaluate(UNLABELLED) == [] and page.locator("h1").count() == 1
    page.goto("/growth")
    assert page.locator("#analysed-h ~ figure svg").count() == 1


def test_a_typed_first_name_finds_the_speaker(page: Any) -> None:
    sign_up(page)
    page.goto("/analyse")
    page.locator("#transcript").fill(
        "Alex Rivera: I dread Mondays now.\nSam Lee: What makes Mondays so hard?\n"
    )
    page.locator("#learner").fill("sam")
    page.get_by_role("button", name="Analyse").click()
    page.wait_for_selector("#report-h")
    assert "Coached speaker: Sam Lee" in page.locator("main").inner_text()


def test_a_bad_transcript_gets_a_clear_message_and_keeps_the_text(page: Any) -> None:
    sign_up(page)
    page.goto("/analyse")
    page.locator("#transcript").fill("just some words with no speakers at all")
    page.get_by_role("button", name="Analyse").click()
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    assert page.locator("#transcript").input_value() == "just some words with no speakers at all"
