"""Readers and writers in empathic.conversation: real export shapes, every error, round trips."""

from __future__ import annotations

import codecs
import json
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathic.conversation import (
    FORMATS,
    Transcript,
    TranscriptError,
    Turn,
    detect_format,
    load_transcript,
    parse_transcript,
    read_transcript,
    to_csv,
    to_json,
    to_srt,
    to_text,
    to_vtt,
)

TEAMS_VTT = """\ufeffWEBVTT

4f6b2c1e-9a3d-4e8b-b1f2-7c5d9e0a1b2c/15-0
00:00:03.120 --> 00:00:06.480
<v Anna Schmidt (MSL)>Thanks for making time today, Dr. Lee.</v>

4f6b2c1e-9a3d-4e8b-b1f2-7c5d9e0a1b2c/16-0
00:00:07.000 --> 00:00:09.250
<v Dr. Lee>I have about ten minutes &amp; then clinic.</v>

NOTE
Anna: this note block is not a turn

STYLE
::cue { color: yellow }

4f6b2c1e-9a3d-4e8b-b1f2-7c5d9e0a1b2c/17-0
00:00:09.300 --> 00:00:12.000
<v Dr. Lee><c.yellow>Let's</c> keep it <i>short</i>.</v>

4f6b2c1e-9a3d-4e8b-b1f2-7c5d9e0a1b2c/18-1
00:00:12.500 --> 00:00:15.000 align:start position:10%
<v Anna Schmidt (MSL)>Of course.<00:00:13.200> What matters most to you?</v>
"""

ZOOM_VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.500
Maria Gomez: Good morning everyone, can you hear me?

2
00:04.600 --> 00:07.000
I'm sharing the agenda now.

3
00:00:07.100 --> 00:00:09.000
Speaker 2: Yes, loud and clear.
"""

SRT = """1
00:00:00,500 --> 00:00:02,000
Coach: How did the meeting go?

2
00:00:02,100 --> 00:00:05,900
Sam: Honestly, <i>not great</i>.
They cut me off twice.

3
00:00:06,000 --> 00:00:07,000
Coach: That sounds frustrating.
"""

TEXT = """[00:00:05] Dr. Lee: I only have a minute.
Make it quick.

00:01:10 Anna (MSL): Understood. What would help you most?
Dr. Lee: Data on adherence.
Note that this is a long sentence with a colon: it continues Dr. Lee.
"""

CSV = """source,conversation_id,turn,speaker,context,text,behaviour
demo,c1,2,Mentee,,I'm not sure I'm ready.,other
demo,c1,1,Mentor,,How are you feeling about the promotion?,question
demo,c1,3,Mentor,"I'm not sure","It sounds like you're worried, and that makes sense.",reflection
"""

TWO_CONVERSATIONS = CSV + "demo,c2,1,A,,hello,\ndemo,c2,2,B,,hi,\n"


def _error(
    text: str, fmt: str | None = None, conversation_id: str | None = None
) -> TranscriptError:
    with pytest.raises(TranscriptError) as info:
        parse_transcript(text, source="notes.x", fmt=fmt, conversation_id=conversation_id)
    return info.value


# ----------------------------------------------------------------------------- formats


def test_teams_vtt_voices_times_tags_and_merging() -> None:
    t = parse_transcript(TEAMS_VTT, source="teams.vtt")
    assert t.format == "vtt" and t.source == "teams.vtt"
    assert t.speakers() == ["Anna Schmidt (MSL)", "Dr. Lee"]
    assert [x.text for x in t.turns] == [
        "Thanks for making time today, Dr. Lee.",
        "I have about ten minutes & then clinic. Let's keep it short.",
        "Of course. What matters most to you?",
    ]
    assert [(x.start, x.end) for x in t.turns] == [(3.12, 6.48), (7.0, 12.0), (12.5, 15.0)]
    assert [x.line for x in t.turns] == [5, 9, 23]


def test_zoom_vtt_name_prefix_short_times_and_continuation() -> None:
    t = parse_transcript(ZOOM_VTT)
    assert t.speakers() == ["Maria Gomez", "Speaker 2"]
    assert t.turns[0].text == (
        "Good morning everyone, can you hear me? I'm sharing the agenda now."
    )
    assert (t.turns[0].start, t.turns[0].end) == (1.0, 7.0)
    assert (t.turns[1].start, t.turns[1].line) == (7.1, 13)


def test_vtt_wrapped_voice_line_is_not_mistaken_for_a_speaker() -> None:
    vtt = (
        "WEBVTT\n\n00:01.000 --> 00:04.000\n<v Anna>We agreed on two things\nfirst: the budget</v>"
    )
    t = parse_transcript(vtt)
    assert [(x.speaker, x.text) for x in t.turns] == [
        ("Anna", "We agreed on two things first: the budget")
    ]


def test_srt_cues_with_tags_and_wrapped_lines() -> None:
    t = parse_transcript(SRT, source="call.srt")
    assert t.format == "srt"
    assert [(x.speaker, x.text) for x in t.turns] == [
        ("Coach", "How did the meeting go?"),
        ("Sam", "Honestly, not great. They cut me off twice."),
        ("Coach", "That sounds frustrating."),
    ]
    assert [(x.start, x.end, x.line) for x in t.turns] == [
        (0.5, 2.0, 3),
        (2.1, 5.9, 7),
        (6.0, 7.0, 12),
    ]


def test_text_continuations_timestamps_and_names() -> None:
    t = parse_transcript(TEXT)
    assert t.format == "text"
    assert [(x.speaker, x.start, x.line) for x in t.turns] == [
        ("Dr. Lee", 5.0, 1),
        ("Anna (MSL)", 70.0, 4),
        ("Dr. Lee", None, 5),
    ]
    assert t.turns[0].text == "I only have a minute. Make it quick."
    assert t.turns[2].text.endswith("with a colon: it continues Dr. Lee.")


@pytest.mark.parametrize("name", ["Dr. Lee", "Speaker 2", "Anna (MSL)", "Jean-Luc", "Zoë O'Brien"])
def test_text_accepts_realistic_names(name: str) -> None:
    t = parse_transcript(f"{name}: hello\nOther: hi")
    assert t.speakers() == [name, "Other"]


def test_json_list_and_object_shapes() -> None:
    items = [
        {"speaker": " Anna ", "text": "Hi", "start": 1, "end": 2.5},
        {"speaker": "Ben", "text": "Hello", "extra": True},
    ]
    for doc in (items, {"conversation_id": "x7", "turns": items}):
        t = parse_transcript(json.dumps(doc))
        assert t.format == "json"
        assert t.turns == [Turn("Anna", "Hi", 1.0, 2.5), Turn("Ben", "Hello")]
    assert parse_transcript(json.dumps({"conversation_id": "x7", "turns": items})).conversation_id


def test_csv_orders_by_turn_and_ignores_extra_columns() -> None:
    t = parse_transcript(CSV, source="labels.csv")
    assert t.format == "csv" and t.conversation_id == "c1"
    assert [x.speaker for x in t.turns] == ["Mentor", "Mentee", "Mentor"]
    assert t.turns[2].text == "It sounds like you're worried, and that makes sense."
    assert [x.line for x in t.turns] == [3, 2, 4]


def test_csv_choosing_a_conversation() -> None:
    t = parse_transcript(TWO_CONVERSATIONS, conversation_id="c2")
    assert [(x.speaker, x.text) for x in t.turns] == [("A", "hello"), ("B", "hi")]
    err = _error(TWO_CONVERSATIONS)
    assert "notes.x" in str(err) and "2 conversations" in str(err)
    assert "c1, c2" in str(err) and "conversation_id=" in str(err)
    err = _error(TWO_CONVERSATIONS, conversation_id="nope")
    assert "'nope'" in str(err) and "c1, c2" in str(err)


def test_csv_lists_at_most_five_ids() -> None:
    rows = "".join(f"s,conv{i},1,A,,hi\n" for i in range(8))
    err = _error("source,conversation_id,turn,speaker,context,text\n" + rows)
    assert "8 conversations" in str(err) and "conv4 ..." in str(err) and "conv5" not in str(err)


def test_merging_consecutive_turns_keeps_first_start_and_last_end() -> None:
    items = [
        {"speaker": "A", "text": "one", "start": 1, "end": 2},
        {"speaker": "A", "text": "two", "start": 3, "end": 4},
        {"speaker": "B", "text": "  "},  # says nothing, so A keeps the floor
        {"speaker": "A", "text": "three"},
        {"speaker": "B", "text": "four"},
    ]
    t = parse_transcript(json.dumps(items))
    assert t.turns == [Turn("A", "one two three", 1.0, 4.0), Turn("B", "four")]
    assert t.notes == ["skipped 1 empty turn(s)"]


def test_speaker_alone_on_a_line_takes_the_following_lines() -> None:
    t = parse_transcript("Anna:\nHello there.\nHow are you?\n\nBen:   Fine.")
    assert [(x.speaker, x.text, x.line) for x in t.turns] == [
        ("Anna", "Hello there. How are you?", 1),
        ("Ben", "Fine.", 5),
    ]
    assert t.notes == []


def test_long_monologue_is_read_in_linear_time() -> None:
    # Joining text once per turn, not once per line: quadratic joining would take minutes here.
    lines = ["Anna: start"] + ["and then a fairly long line of continued speech"] * 100_000
    t = parse_transcript("\n".join(lines) + "\nBen: ok")
    assert len(t.turns) == 2 and len(t.turns[0].text) > 4_000_000


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (TEAMS_VTT, "vtt"),
        (ZOOM_VTT, "vtt"),
        (SRT, "srt"),
        (TEXT, "text"),
        (CSV, "csv"),
        ('[{"speaker": "A", "text": "x"}]', "json"),
        ('  {"turns": []}', "json"),
        ("[00:00:01] A: x", "text"),
        ("A: speaker, text, turn", "text"),
    ],
)
def test_detect_format(text: str, fmt: str) -> None:
    assert detect_format(text) == fmt


# ----------------------------------------------------------------------------- errors

ERRORS = [
    ("", None, "notes.x: empty", None),
    (" \n\t\n", None, "empty", None),
    ("Meeting notes\n\nAnna: hi", None, "no speaker found before line 3", 1),
    ("just prose, no speakers at all", None, "no speaker found", 1),
    (
        "Note that this sentence has a colon: x",
        None,
        "expected 'Name: text' lines",
        1,
    ),
    ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello\n", None, "no speakers found", None),
    (
        "WEBVTT\n\n00:01.000 --> 00:02.000\nhello\n\n00:03.000 --> 00:04.000\n<v A>hi</v>\n",
        None,
        "no speaker on this cue (expected '<v Name>' or 'Name: text')",
        4,
    ),
    ("WEBVTT\n\n", None, "no cues found", None),
    ("WEBVTT\n\n1\nA: no timing here\n", None, "no cue timing line", 3),
    ("WEBVTT\n\n00:00:61.000 --> 00:00:62.000\nA: x\n", None, "not a valid time", 3),
    ("1\n00:00:01,000 --> 00:00:02,000\nnobody\n", None, "no speakers found", None),
    ("1\n00:00:01,000 --> 00:00:02,000\nA: x\n\nstray\n", None, "no cue timing line", 5),
    ('[{"speaker": "A", "text": "x"},\n {"speaker": "B" "text": "y"}]', None, "not valid JSON", 2),
    (
        '[{"speaker": "A", "text": "x"}, {"speaker": 7, "text": "y"}]',
        None,
        "turns[1]: 'speaker'",
        None,
    ),
    ('[{"speaker": "A"}]', None, "turns[0]: 'text' must be a string, got nothing", None),
    ('{"turns": [{"speaker": "A", "text": "x", "start": "1"}]}', None, "turns[0]: 'start'", None),
    ('{"turns": ["A: x"]}', None, "turns[0] is a string, not an object", None),
    ('{"talk": []}', None, "no list of turns found", None),
    ("[]", None, "no turns found", None),
    ("[" * 100_000, None, "JSON", None),
    (
        "source,conversation_id,speaker,context\nx,1,A,hi\n",
        None,
        "missing required column(s): turn, text",
        1,
    ),
    ("source,conversation_id,turn,speaker,context,text\n", None, "no rows", None),
    (
        "source,conversation_id,turn,speaker,context,text\nx,1,2.5,A,,hi\n",
        None,
        "'turn' must be a whole number",
        2,
    ),
    ("source,conversation_id,turn,speaker,context,text\nx,1,1,,,hi\n", None, "empty 'speaker'", 2),
    ("Anna: hi", "docx", "unknown format 'docx'", None),
    ("Anna:\n\nBen:", None, "no turns found", None),
]


@pytest.mark.parametrize(("text", "fmt", "message", "line"), ERRORS)
def test_errors_name_the_file_the_line_and_the_problem(
    text: str, fmt: str | None, message: str, line: int | None
) -> None:
    err = _error(text, fmt=fmt)
    assert message in str(err)
    assert err.source == "notes.x" and str(err).startswith("notes.x")
    assert err.line == line
    if line is not None:
        assert str(err).startswith(f"notes.x:{line}: ")
    assert "please report" not in str(err)


def test_error_is_a_value_error_with_fields_and_survives_pickling() -> None:
    err = TranscriptError("no speaker on this cue", "notes.vtt", 12, "'<v Name>' or 'Name: text'")
    assert isinstance(err, ValueError)
    assert str(err) == "notes.vtt:12: no speaker on this cue (expected '<v Name>' or 'Name: text')"
    again = pickle.loads(pickle.dumps(err))
    assert (again.source, again.line, again.expected, str(again)) == (
        "notes.vtt",
        12,
        err.expected,
        str(err),
    )
    assert str(TranscriptError("empty", "a.txt")) == "a.txt: empty"


# ----------------------------------------------------------------------------- files


def test_read_transcript_infers_format_from_extension(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("speaker,text\nA,hi\n", encoding="utf-8")  # not sniffed as csv
    with pytest.raises(TranscriptError, match=r"labels\.csv:1: missing required column\(s\): turn"):
        read_transcript(path)
    vtt_as_txt = tmp_path / "teams.txt"
    vtt_as_txt.write_text(TEAMS_VTT, encoding="utf-8")
    assert read_transcript(vtt_as_txt).format == "vtt"  # .txt is sniffed
    assert read_transcript(vtt_as_txt, fmt="vtt").source == str(vtt_as_txt)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(TranscriptError, match=r"missing\.vtt: file not found"):
        read_transcript(tmp_path / "missing.vtt")
    with pytest.raises(TranscriptError, match="is a directory"):
        read_transcript(tmp_path)


def test_size_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.vtt"
    with big.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: no 200 MB written

    def no_reading(*_a: object, **_k: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(TranscriptError) as info:
        read_transcript(big)
    assert str(info.value) == f"{big}: file is 200.0 MB; the limit is 20.0 MB"


def test_max_bytes_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("A: hello\nB: hi\n", encoding="utf-8")
    assert len(read_transcript(path, max_bytes=1000).turns) == 2
    with pytest.raises(TranscriptError, match=r"the limit is 0\.0 MB"):
        read_transcript(path, max_bytes=10)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encodings_name_the_line(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("Anna: hello\n\nDr. Lee: café – naïve\n".encode(encoding, errors="replace"))
    with pytest.raises(TranscriptError) as info:
        read_transcript(path)
    err = info.value
    assert err.line == 3 and str(err).startswith(f"{path}:3: ")
    assert "UTF-8" in str(err) and "re-save" in str(err)


@pytest.mark.parametrize(
    ("prefix", "encoding"),
    [
        (b"", "utf-8"),
        (codecs.BOM_UTF8, "utf-8"),
        (b"", "utf-16"),  # Python writes a BOM
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_utf8_and_utf16_with_bom(tmp_path: Path, prefix: bytes, encoding: str) -> None:
    path = tmp_path / "teams.vtt"
    path.write_bytes(prefix + TEAMS_VTT.lstrip("\ufeff").encode(encoding))
    t = read_transcript(path)
    assert t.speakers() == ["Anna Schmidt (MSL)", "Dr. Lee"]
    assert t.turns[0].line == 5


def test_utf16_without_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes("A: hi\nB: hello\n".encode("utf-16-le"))
    assert [t.text for t in read_transcript(path).turns] == ["hi", "hello"]


def test_a_binary_file_is_not_a_transcript(tmp_path: Path) -> None:
    path = tmp_path / "minutes.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00\x01\x02")
    with pytest.raises(TranscriptError) as info:
        read_transcript(path)
    assert str(info.value).startswith(f"{path}: is not a text file")
    assert "expected a transcript saved as text" in str(info.value)


def test_load_transcript_reads_paths_and_parses_text(tmp_path: Path) -> None:
    path = tmp_path / "call.srt"
    path.write_text(SRT, encoding="utf-8")
    assert load_transcript(path).source == str(path)
    assert load_transcript(str(path)).format == "srt"
    assert load_transcript("Anna: hi\nBen: hello").source == "<text>"
    assert load_transcript("Anna: hi", source="pasted").source == "pasted"
    with pytest.raises(TranscriptError, match=r"nope\.vtt: file not found"):
        load_transcript(str(tmp_path / "nope.vtt"))


# ----------------------------------------------------------------------------- writers


def test_to_csv_is_canonical_with_previous_turn_as_context() -> None:
    t = Transcript([Turn("A", "one"), Turn("B", "two, three"), Turn("A", "four")], source="s")
    lines = to_csv(t).splitlines()
    assert lines[0] == "source,conversation_id,turn,speaker,context,text"
    assert lines[1:] == ["s,1,1,A,,one", 's,1,2,B,one,"two, three"', 's,1,3,A,"two, three",four']
    assert to_csv(t, conversation_id="c9").splitlines()[1].startswith("s,c9,1,")


def test_writers_fill_missing_times_for_caption_formats() -> None:
    t = Transcript([Turn("A", "one", start=2.0), Turn("B", "two")])
    assert "00:00:02.000 --> 00:00:02.000" in to_vtt(t)
    assert "00:00:02,000 --> 00:00:02,000\nB: two" in to_srt(t)
    assert [x.start for x in parse_transcript(to_text(t)).turns] == [2.0, None]


# ----------------------------------------------------------------------------- properties

_WORD = st.from_regex(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-z0-9.()\-]{0,7}", fullmatch=True)
_NAMES = st.lists(_WORD, min_size=1, max_size=3).map(" ".join)
_TEXTS = (
    st.text(
        st.characters(
            blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="<>&\ufeff"
        ),
        min_size=1,
        max_size=60,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def transcripts(draw: st.DrawFn) -> Transcript:
    names = draw(st.lists(_NAMES, min_size=2, max_size=4, unique=True))
    n = draw(st.integers(1, 8))
    timed = draw(st.booleans())
    turns, clock, who = [], 0, 0
    for _ in range(n):
        who = (who + draw(st.integers(1, len(names) - 1))) % len(names)  # never the same twice
        clock += draw(st.integers(0, 5000))
        length = draw(st.integers(0, 9000))
        start, end = (clock / 1000, (clock + length) / 1000) if timed else (None, None)
        turns.append(Turn(names[who], draw(_TEXTS), start, end))
        clock += length
    return Transcript(turns)


WRITERS = {"text": to_text, "vtt": to_vtt, "srt": to_srt, "json": to_json, "csv": to_csv}
KEEPS = {
    "text": ("start",),
    "vtt": ("start", "end"),
    "srt": ("start", "end"),
    "json": ("start", "end"),
    "csv": (),
}


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=150, deadline=None)
@given(t=transcripts())
def test_round_trip(fmt: str, t: Transcript) -> None:
    back = parse_transcript(WRITERS[fmt](t))  # the format is detected, not told
    assert back.format == fmt
    assert [(x.speaker, x.text) for x in back.turns] == [(x.speaker, x.text) for x in t.turns]
    for attr in KEEPS[fmt]:
        if t.turns[0].start is not None:
            assert [getattr(x, attr) for x in back.turns] == pytest.approx(
                [getattr(x, attr) for x in t.turns], abs=1e-9
            )


_FUZZ_PREFIXES = st.sampled_from(
    [
        "",
        "WEBVTT\n\n",
        "1\n00:00:01,000 --> 00:00:02,000\n",
        "WEBVTT\n\n00:01.000 --> 00:02.000\n",
        "[",
        '{"turns": [',
        "source,conversation_id,turn,speaker,context,text\n",
        "Anna: ",
        "[00:00:01] ",
    ]
)


@settings(max_examples=200, deadline=None)
@given(prefix=_FUZZ_PREFIXES, body=st.text(), fmt=st.sampled_from([None, *FORMATS]))
def test_any_text_gives_a_transcript_or_a_transcript_error(
    prefix: str, body: str, fmt: str | None
) -> None:
    try:
        t = parse_transcript(prefix + body, source="fuzz.txt", fmt=fmt)
    except TranscriptError as err:
        assert str(err).startswith("fuzz.txt")
        assert "please report" not in str(err)
    else:
        assert t.turns and all(x.speaker and x.text for x in t.turns)
        assert t.format in FORMATS
