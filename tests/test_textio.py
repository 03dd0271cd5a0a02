"""One decoder for every upload: UTF-8 and UTF-16 with or without a BOM; binary is refused."""

from __future__ import annotations

import codecs
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from empathic.textio import TextDecodeError, decode_text, looks_binary

TEXT = "Anna: Wie geht's? Café – naïve 🌱\nDr. Lee: 田中さん、元気です。\r\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),
        TEXT.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le", "utf-16-be"],
)
def test_unicode_encodings_decode_with_and_without_a_bom(data: bytes) -> None:
    assert decode_text(data, "t.txt") == TEXT


def test_utf16_without_a_bom_in_a_cjk_script_is_still_recognised() -> None:
    text = "田中: 今日は元気ですか？\n佐藤: はい、元気です。ありがとう。\n" * 20
    assert decode_text(text.encode("utf-16-le"), "jp.txt") == text
    assert decode_text(text.encode("utf-16-be"), "jp.txt") == text
    short = "A: hi\n"  # a few characters are enough
    assert decode_text(short.encode("utf-16-le"), "s.txt") == short


@pytest.mark.parametrize("seed", range(20))
def test_random_binary_bytes_are_not_a_text_file(seed: int) -> None:
    rng = random.Random(seed)
    for size in (64, 300, 5000, 20000):
        data = rng.randbytes(size)
        with pytest.raises(TextDecodeError) as info:
            decode_text(data, "photo.jpg")
        assert info.value.binary and "is not a text file" in str(info.value)
        assert str(info.value).startswith("photo.jpg: ")
        assert "empty" not in str(info.value)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00\x00\x01",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",  # a .docx is a zip
        bytes(range(256)) * 4,
        b"title\nA\x00B\n",  # a NUL inside otherwise plain text
        b"Anna: hi\nBen: ok\n" + b"\x00" * 9000 + b"tail",  # NUL past the first sample
        "A: hi\x00\n".encode("utf-16-le"),  # UTF-16 that holds a NUL character
        b"\x01\x02\x03\x04\x05\x06\x07\x08 binary-ish header \x1b\x1c\x1d\x1e\x1f",
    ],
    ids=["pdf", "zip", "all-bytes", "stray-nul", "late-nul", "utf-16-nul", "controls"],
)
def test_binary_looking_files_are_refused(data: bytes) -> None:
    with pytest.raises(TextDecodeError, match="is not a text file") as info:
        decode_text(data, "f.bin")
    assert info.value.binary and info.value.line is None


def test_legacy_encodings_name_the_line_and_the_byte_unless_a_fallback_is_given() -> None:
    data = "Anna: hello\n\nDr. Lee: café\n".encode("cp1252")
    with pytest.raises(TextDecodeError) as info:
        decode_text(data, "notes.txt")
    err = info.value
    assert not err.binary and err.line == 3 and err.source == "notes.txt"
    assert str(err) == (
        "notes.txt:3: cannot decode byte 0xe9 as UTF-8; perhaps it is Windows-1252 or Latin-1"
    )
    assert decode_text(data, "notes.txt", fallback="cp1252") == "Anna: hello\n\nDr. Lee: café\n"
    bom = codecs.BOM_UTF8 + b"a\nb\xff"  # the BOM does not shift the reported byte
    with pytest.raises(TextDecodeError, match=r"x:2: cannot decode byte 0xff as UTF-8"):
        decode_text(bom, "x")


def test_a_broken_utf16_file_with_a_bom_names_the_line() -> None:
    data = codecs.BOM_UTF16_LE + "a\nb\n".encode("utf-16-le") + b"\x00\xd8"  # lone surrogate
    with pytest.raises(TextDecodeError, match=r"^u\.txt:3: cannot decode byte 0x00 as UTF-16$"):
        decode_text(data, "u.txt")


def test_empty_input_and_layout_controls_are_text() -> None:
    assert decode_text(b"", "e.txt") == ""
    assert decode_text(b"a\tb\x0cc\x0bd\r\n", "e.txt") == "a\tb\x0cc\x0bd\r\n"
    assert decode_text(b"one stray escape \x1b in a line", "e.txt").endswith("line")
    assert not looks_binary("plain words\n" * 10) and looks_binary("a\x00")


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")))
def test_any_printable_text_round_trips_in_every_unicode_encoding(text: str) -> None:
    for data in (
        text.encode("utf-8"),
        codecs.BOM_UTF8 + text.encode("utf-8"),
        text.encode("utf-16"),
    ):
        assert decode_text(data, "t") == text


def test_every_caller_uses_it_and_keeps_its_own_words() -> None:
    from empathic.insights.service import InputProblem, decode_upload
    from empathic.mentoring import importing

    utf16 = "title\tprogress\nCourse A\t50\n".encode("utf-16")  # Excel's "Unicode text"
    assert decode_upload(utf16, "a.txt") == "title\tprogress\nCourse A\t50\n"
    found = importing.preview(utf16)
    assert not found.errors and [r.title for r in found.rows] == ["Course A"]
    pdf = b"%PDF-1.7\n\x00\x01\x02\x03 stream"
    with pytest.raises(InputProblem, match=r"^a\.txt is not a text file: upload the transcript"):
        decode_upload(pdf, "a.txt")
    with pytest.raises(InputProblem, match=r"^a\.txt:1: cannot decode byte 0xe9 .* as UTF-8 text"):
        decode_upload("Sam: café\n".encode("latin-1"), "a.txt")
    assert importing.preview(pdf).errors == [importing.NOT_TEXT]
    legacy = importing.preview("title,progress\nCafé,10\n".encode("cp1252"))
    assert not legacy.errors and legacy.rows[0].title == "Café"
