"""Identifiers to take out of a learning review before it is shared."""

from __future__ import annotations

import itertools

import pytest

from empathic.analysis.identifiers import IdentifierFlag, find_identifiers, valid_nhs_number


def _with_check_digit(nine: str) -> str | None:
    """Nine digits completed with their NHS check digit, None when no digit is valid."""
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 10:
        return None
    return nine + str(0 if check == 11 else check)


def _kinds(text: str, known: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(f.kind, f.phrase) for f in find_identifiers(text, known)]


def test_nhs_check_digit() -> None:
    assert valid_nhs_number("9434765919")
    assert not valid_nhs_number("9434765918")
    assert not valid_nhs_number("943476591")
    assert not valid_nhs_number("943476591x")
    valid = _with_check_digit("401023213")
    assert valid is not None and valid_nhs_number(valid)
    for digit in "0123456789":
        if digit != valid[-1]:
            assert not valid_nhs_number(valid[:9] + digit)


def test_a_check_digit_of_ten_is_never_valid() -> None:
    nine = next(
        f"{n:09d}" for n in range(400_000_000, 400_001_000) if not _with_check_digit(f"{n:09d}")
    )
    assert not any(valid_nhs_number(nine + d) for d in "0123456789")


@pytest.mark.parametrize("form", ["943 476 5919", "943-476-5919", "9434765919"])
def test_valid_nhs_numbers_are_flagged_in_any_grouping(form: str) -> None:
    assert _kinds(f"NHS number {form} was on the wristband.") == [("nhs_number", form)]


@pytest.mark.parametrize(
    "text",
    [
        "NHS number 943 476 5918 (mistyped).",  # invalid check digit
        "Order 94347659190 shipped.",  # eleven digits
        "Ref 12-9434765919 is a batch code.",  # part of a longer code
        "943 476-5919 mixes separators.",
    ],
)
def test_other_digit_runs_are_not_nhs_numbers(text: str) -> None:
    assert "nhs_number" not in {k for k, _ in _kinds(text)}


@pytest.mark.parametrize(
    "phone",
    ["0161 496 0000", "07700 900123", "(0161) 496 0000", "+44 (0)20 7946 0000", "+1 415 555 0100"],
)
def test_phone_numbers(phone: str) -> None:
    assert _kinds(f"Her son's number is {phone}, call after 6.") == [("phone", phone)]


@pytest.mark.parametrize(
    "text", ["Bleep 2345 at 14:30.", "The dose was 0.5 mg at 09:00.", "Bay 12/14."]
)
def test_extensions_times_and_doses_are_not_phones(text: str) -> None:
    assert _kinds(text) == []


def test_emails() -> None:
    assert _kinds("Sent to j.smith+ward@nhs.example.net today.") == [
        ("email", "j.smith+ward@nhs.example.net")
    ]
    assert _kinds("An @mention and a@b are not addresses.") == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("DOB: 12/03/1941, admitted at 02:00.", "12/03/1941"),
        ("Date of birth 12 March 1941.", "12 March 1941"),
        ("He was born on 3rd May 1950 in Leeds.", "3rd May 1950"),
        ("D.O.B. 1941-03-12.", "1941-03-12"),
        ("She was born in 1941.", "1941"),
        ("12.3.41 (DOB) on the label.", "12.3.41"),
    ],
)
def test_dates_of_birth_need_a_cue(text: str, date: str) -> None:
    assert _kinds(text) == [("date_of_birth", date)]


def test_event_dates_are_not_dates_of_birth() -> None:
    assert _kinds("On 12/03/2025 the patient fell; the review met on 14 March 2025.") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Mr Smith was in bay 4.", "Mr Smith"),
        ("Dr. Patel was called.", "Dr. Patel"),
        ("Nurse Jones gave the dose.", "Nurse Jones"),
        ("Mrs A. Khan was moved.", "Mrs A. Khan"),
        ("The patient, John Smith, fell.", "John Smith"),
        ("A man called Tom Hill rang.", "Tom Hill"),
        ("Patient name: Alan Brown", "Alan Brown"),
    ],
)
def test_names_with_a_title_or_a_cue(text: str, name: str) -> None:
    assert _kinds(text) == [("name", name)]


def test_people_on_the_review_are_not_flagged() -> None:
    text = "Dr Patel and Nurse Jones met Mr Smith."
    assert _kinds(text, ("Priya Patel", "Sam Jones")) == [("name", "Mr Smith")]


@pytest.mark.parametrize(
    "text",
    [
        "The Nurse Practitioner saw her.",
        "The Patient Safety Team met on Monday.",
        "Sister Ward rounds start at 8.",
        "the patient, john smith, fell.",  # no capitals: missed, by design (precision first)
        "Priya Patel gave the dose.",  # no title and no cue
    ],
)
def test_conservative_names(text: str) -> None:
    assert _kinds(text) == []


def test_a_valid_nhs_number_is_not_also_a_phone_and_flags_do_not_overlap() -> None:
    text = "Call 0161 496 0000; NHS 943 476 5919; DOB 12/03/1941; Mr Smith; a@b.org."
    flags = find_identifiers(text)
    assert [f.kind for f in flags] == ["phone", "nhs_number", "date_of_birth", "name", "email"]
    for first, second in itertools.pairwise(flags):
        assert first.end <= second.start
    for flag in flags:
        assert isinstance(flag, IdentifierFlag) and text[flag.start : flag.end] == flag.phrase
        assert flag.why


@pytest.mark.parametrize(
    "text",
    [
        "<td>Mr Smith</td><td>943 476 5919</td><a href='mailto:a@b.org'>x</a>",
        "\x00Mr\x07 Smith\x1b 943 476 5919\r\n",
        "",
        "@" * 10_000,
        "0" * 10_000,
    ],
)
def test_adversarial_text_keeps_offsets_valid(text: str) -> None:
    for flag in find_identifiers(text):
        assert text[flag.start : flag.end] == flag.phrase
