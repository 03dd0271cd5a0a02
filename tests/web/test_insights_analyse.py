"""Analyse a transcript: paste, upload, limits and clear errors that keep what was typed."""

from __future__ import annotations

import html
from typing import Any

from markupsafe import escape
from tests.web.helpers import Person, csrf

CONVERSATION = """\
Sam: I'm so stressed about the deadline, I feel like I'm drowning.
Alex: It sounds like you're overwhelmed and worried you'll let the team down.
Sam: Yes. And nobody seems to notice how much I'm carrying.
Alex: What would help most right now?
"""

VTT = """\
WEBVTT

00:00:01.000 --> 00:00:04.000
<v Priya>I don't think I can keep up with the new system.

00:00:05.000 --> 00:00:08.000
<v Jordan>You sound worried it will leave you behind.

00:00:09.000 --> 00:00:12.000
<v Priya>A bit, yes.

00:00:13.000 --> 00:00:15.000
<v Jordan>Tell me more about what feels hardest.
"""


def test_analyse_needs_sign_in(client: Any) -> None:
    response = client.get("/analyse", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/analyse"
    token = csrf(client, "/signin")
    posted = client.post(
        "/analyse", data={"transcript": CONVERSATION, "csrf_token": token}, follow_redirects=False
    )
    assert posted.status_code == 303
    assert posted.headers["location"] == "/signin?next=/analyse"


def test_form_is_labelled_and_says_nothing_is_stored(learner: Person) -> None:
    page = learner.client.get("/analyse")
    assert page.status_code == 200
    for field in ("transcript", "file", "learner", "pack", "save", "keep_text", "title"):
        assert f'<label for="{field}"' in page.text
        assert f'id="{field}"' in page.text
    assert "not stored" in page.text and "<strong>not the words</strong>" in page.text
    assert '<option value="rules"' in page.text
    # saving the scores is the default; keeping the words is the person's choice
    assert 'id="save" name="save" value="1" checked' in page.text
    assert 'id="keep_text" name="keep_text" value="1">' in page.text


def test_pasted_transcript_is_reported_turn_by_turn(learner: Person) -> None:
    response = learner.post("/analyse", {"transcript": CONVERSATION, "learner": "alex"})
    assert response.status_code == 200, response.text
    page = html.unescape(response.text)
    assert "Coached speaker: <strong>Alex</strong>" in page
    assert page.count("(coached) · turn") == 2  # turns 2 and 4 are Alex's, counted from 1
    assert "Alex (coached) · turn 2" in page and "Alex (coached) · turn 4" in page
    assert "Sam (coached)" not in page and "Sam · turn 1" in page and "· turn 0" not in page
    assert 'id="turn-2"' in page and 'id="turn-0"' not in page
    assert "Labels for turn 2" in page and "Labels for turn 1" not in page
    assert '<span class="badge fair">fair</span>' in page  # R:Q 1:1 is MITI 4 fair
    assert "Reflection of feelings" in page
    assert "Model pack: <strong>open</strong>" in page
    assert "licence Apache-2.0" in page
    assert "Validating emotions" in page and "of 5" in page


def test_without_a_name_nobody_is_coached_until_the_person_says_who_they_are(
    learner: Person,
) -> None:
    """Issue #16: the second speaker was coached silently (the employee, when the manager
    spoke first). Now the page asks, listing each speaker's turns and first words."""
    response = learner.post("/analyse", {"transcript": CONVERSATION, "pack": "rules"})
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert "Who are you in this conversation?" in page
    assert "Report:" not in page and "No learner named" not in page
    assert '<input type="radio" id="speaker-1" name="learner" value="Sam" required' in page
    assert "<strong>Sam</strong> · 2 turns" in page and "<strong>Alex</strong> · 2 turns" in page
    assert "first said: “I'm so stressed about the deadline, I feel …”" in page
    # the text rides along in the form, with the pack chosen and the saving choices
    hidden = '<textarea name="transcript" hidden aria-hidden="true" tabindex="-1">'
    assert f"{hidden}{escape(CONVERSATION)}</textarea>" in response.text
    assert '<input type="hidden" name="pack" value="rules">' in page
    assert 'id="title" name="title" value="Sam: I\'m so stressed about the deadline, I feel' in page
    chosen = learner.post(
        "/analyse", {"transcript": CONVERSATION, "pack": "rules", "learner": "Alex"}
    )
    assert chosen.status_code == 200
    assert "Coached speaker: <strong>Alex</strong>" in html.unescape(chosen.text)


def test_a_monologue_or_unnamed_lines_get_a_clear_message(learner: Person) -> None:
    one = learner.post("/analyse", {"transcript": "Sam: I think we should talk.\nSam: Now."})
    assert one.status_code == 400
    text = html.unescape(one.text)
    assert "Only one speaker was found (Sam)" in text and "'Sam: what they said'" in text
    assert "Who are you in this conversation?</h2>" not in text


def test_a_typed_name_ignores_case_accents_and_a_missing_surname(learner: Person) -> None:
    """ "Priya" failed against "Priya Shah"; "jose" against "José"."""
    talk = "Priya Shah: I can't keep up.\nJosé Álvarez: What feels hardest?\n"
    for typed, coached in (("priya", "Priya Shah"), ("jose", "José Álvarez")):
        response = learner.post("/analyse", {"transcript": talk, "learner": typed})
        assert response.status_code == 200, response.text[:300]
        assert f"Coached speaker: <strong>{coached}</strong>" in html.unescape(response.text)


def test_an_ambiguous_name_asks_again_listing_the_candidates(learner: Person) -> None:
    talk = "Alex Kim: I'm stuck.\nAlex Moreau: Stuck how?\nJo: Hi both.\n"
    response = learner.post("/analyse", {"transcript": talk, "learner": "alex"})
    assert response.status_code == 400
    page = html.unescape(response.text)
    assert "'alex' could be Alex Kim or Alex Moreau" in page
    assert "Who are you in this conversation?" in page and 'value="Jo"' in page


def test_uploaded_vtt_file_is_reported(learner: Person) -> None:
    files = {"file": ("one-to-one.vtt", VTT.encode(), "text/vtt")}
    response = learner.post("/analyse", {"learner": "Jordan"}, files=files)
    assert response.status_code == 200, response.text
    page = html.unescape(response.text)
    assert "Report: one-to-one.vtt" in page
    assert "Coached speaker: <strong>Jordan</strong>" in page
    assert "Jordan (coached) · turn 4" in page


def test_an_upload_without_a_name_keeps_its_name_and_format_through_the_speaker_step(
    learner: Person,
) -> None:
    files = {"file": ("one-to-one.vtt", VTT.encode(), "text/vtt")}
    step = learner.post("/analyse", {}, files=files)
    assert step.status_code == 200
    page = html.unescape(step.text)
    assert "2 speakers were found in one-to-one.vtt" in page
    assert '<input type="hidden" name="source" value="one-to-one.vtt">' in page
    assert '<input type="hidden" name="fmt" value="vtt">' in page
    assert 'value="one-to-one.vtt" maxlength="200"' in page  # the default title
    again = {"transcript": VTT, "source": "one-to-one.vtt", "fmt": "vtt", "learner": "Jordan"}
    report = html.unescape(learner.post("/analyse", again).text)
    assert (
        "Report: one-to-one.vtt" in report and "Coached speaker: <strong>Jordan</strong>" in report
    )
    bad = learner.post("/analyse", {**again, "fmt": "docx"})
    assert bad.status_code == 400 and "Unknown transcript format" in html.unescape(bad.text)


def test_oversized_upload_and_paste_are_refused_with_413(learner: Person) -> None:
    big = b"Sam: hello\n" * (2 * 1024 * 1024 // 11 + 1)
    response = learner.post("/analyse", files={"file": ("big.txt", big, "text/plain")})
    assert response.status_code == 413
    assert "the limit is 2.0 MB" in response.text
    pasted = learner.post("/analyse", {"transcript": big.decode()})
    assert pasted.status_code == 413
    assert "the limit is 2.0 MB" in pasted.text


def test_garbage_is_a_400_with_the_parsers_message_and_the_text_kept(learner: Person) -> None:
    text = "just some words <b>with no speakers</b>"
    response = learner.post("/analyse", {"transcript": text})
    assert response.status_code == 400
    assert "no speaker found" in html.unescape(response.text)
    assert html.escape(text, quote=False) in response.text  # kept, and escaped
    assert "<b>with no speakers</b>" not in response.text
    assert "Traceback" not in response.text


def test_unknown_learner_empty_input_and_bad_bytes_are_explained(learner: Person) -> None:
    wrong = learner.post("/analyse", {"transcript": CONVERSATION, "learner": "Kim"})
    assert wrong.status_code == 400
    assert "no speaker named 'Kim'; speakers are: Sam, Alex" in html.unescape(wrong.text)
    assert 'name="learner" value="Sam"' in wrong.text  # asked again, from the list
    empty = learner.post("/analyse", {"transcript": "   "})
    assert empty.status_code == 400
    assert "empty" in empty.text
    latin = learner.post("/analyse", files={"file": ("a.txt", "Sam: café\n".encode("latin-1"))})
    assert latin.status_code == 400
    assert "re-save the file as UTF-8" in latin.text
    exe = learner.post("/analyse", files={"file": ("a.exe", b"MZ")})
    assert exe.status_code == 415
    assert "upload a transcript file" in exe.text
    pack = learner.post("/analyse", {"transcript": CONVERSATION, "pack": "nope", "learner": "Alex"})
    assert pack.status_code == 400
    assert "no model pack named &#39;nope&#39;" in pack.text


def test_the_default_pack_and_its_own_name_share_one_loaded_coder(web_settings: Any) -> None:
    """Choosing "open" on the form must not load a second copy of the default pack."""
    from empathic.analysis.packs import PackCache

    packs = PackCache()
    default_info, default_coder = packs.get(None, web_settings)
    named_info, named_coder = packs.get(default_info.name, web_settings)
    assert named_coder is default_coder and named_info == default_info
    assert packs.get("", web_settings)[1] is default_coder


def test_each_dimension_shows_the_packs_measured_agreement_with_experts(learner: Person) -> None:
    from empathic.analysis.dimensions import INDICATIVE_BELOW, dimension_reliability
    from empathic.analysis.packs import bundled_packs_dir, load_pack
    from empathic.config import Settings

    info = load_pack("open", Settings())[0]
    assert info.path.parent == bundled_packs_dir()
    measured = dimension_reliability(info.card)
    response = learner.post(
        "/analyse", {"transcript": CONVERSATION, "pack": "open", "learner": "Alex"}
    )
    page = html.unescape(response.text)
    assert "Agreement with experts" in page
    for row in measured.values():
        assert f"ρ {row['rho']:.2f} (one expert vs the others: {row['expert_bar']:.2f})" in page
    low = [r for r in measured.values() if r["rho"] < INDICATIVE_BELOW]
    assert page.count("(indicative only)") == len(low)
    rules = html.unescape(
        learner.post("/analyse", {"transcript": CONVERSATION, "learner": "Alex"}).text
    )
    assert "measured on lend_an_ear_dev" in rules or "has not been measured" in rules


def test_a_near_limit_single_line_paste_gets_a_clear_report(learner: Person) -> None:
    """1.9 MB in one line (no sentence end): answered, with a note that the turn was cut."""
    paste = "Sam: I'm worried about the launch.\nAlex: " + "word " * 380_000
    response = learner.post("/analyse", {"transcript": paste, "learner": "Alex"})
    assert response.status_code == 200, response.text[:300]
    page = html.unescape(response.text)
    assert "Turn 2 (Alex) is 1,899,999 characters long: only its first" in page
