"""Personal identifiers in a learning review, flagged before it is shared.

Learning reviews travel: to the huddle, the shared library, other wards. A review
names the people on it (they took part and agreed); it should not carry a
patient's or a customer's identity. `find_identifiers` points at what to take out:

- NHS numbers: ten digits (grouped 3-3-4 with spaces or hyphens, or run together)
  whose modulus-11 check digit is valid. Any other ten digits are left alone, so a
  phone number or an order number is not called an NHS number by chance.
- Dates of birth: only a date next to "DOB", "date of birth", "born" or "birthday"
  (within a few words). A bare date is not flagged: reviews are full of event dates,
  and no year rule tells the day of a fall from a birthday. A birth year alone
  ("born in 1941") is flagged too; it is a strong clue with other details.
- Phone numbers: UK numbers (0 or +44 then 9 or 10 digits, spaces, hyphens and
  brackets allowed) and international numbers written with "+" (8 to 15 digits).
  Internal extensions and bleeps (4 to 5 digits) are not flagged.
- Emails: name@domain.tld.
- Names: precision over recall. Only a title before a capitalised name ("Mr Smith",
  "Dr Patel", "Nurse Jones", "Mrs A. Khan"), two capitalised words after a word for a
  patient or relative ("the patient, John Smith", "a man called Tom Hill") or after
  "Name:". Names of people on the review (`known_names`) are never flagged; a
  patient who shares a surname with one of them is therefore missed. Names written
  without a capital, or without a title or a cue, are missed too.

Every pattern is bounded, so the scan is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

__all__ = ["IdentifierFlag", "find_identifiers", "valid_nhs_number"]


@dataclass(frozen=True)
class IdentifierFlag:
    """One identifier to take out before the review is shared."""

    start: int
    end: int
    phrase: str
    kind: str
    """nhs_number, date_of_birth, phone, email or name."""
    why: str


WHY: Final = {
    "nhs_number": "An NHS number identifies a patient directly; write 'the patient' instead.",
    "date_of_birth": "A date of birth, with a ward and a date, is enough to identify someone; "
    "give an age band if it matters.",
    "phone": "A phone number identifies a person or a household; leave it out of the review.",
    "email": "An email address names a person; refer to their role instead.",
    "name": "This looks like the name of someone who is not on the review (a patient, a "
    "relative); use a role such as 'the patient' or 'Patient A'.",
}

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?\s+{_MONTHS},?\s+(?:\d{{4}}|['’]\d{{2}})"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|{_MONTHS},?\s+\d{{4}}|(?:in\s+)?(?:18|19|20)\d{{2}})(?![\d/])"
)
_BIRTH_CUE = (
    r"\b(?:d\.?o\.?b\.?|date\s+of\s+birth|born(?:\s+on|\s+in)?|birthday(?:\s+is|\s+was)?)"
    r"\s*(?:[:=-]|is|was)?\s*"
)
_TITLES = (
    r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Nurse|Sister|Matron|Sir|Dame|Rev|Revd|Father|"
    r"Lord|Lady)"
)
_CAP = r"(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_PATIENT_WORDS = (
    r"(?:patient|resident|client|customer|service\s+user|relative|daughter|son|wife|husband|"
    r"partner|mother|father|mum|dad|carer|man|woman|boy|girl|baby|child|gentleman|lady)"
)
_NOT_NAMES: Final = frozenset(
    """Practitioner Associate Specialist Consultant Manager Lead Registrar Assistant Team
    Ward Unit Department Clinic Hospital Trust Board Office Services Service Station In
    Charge On Call The A An And Or But Who What When Where Why How Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Emergency Accident Intensive Care Safety
    Experience Liaison Advice Records Transport Flow Group Panel Forum Council Support
    Partnership Health Medicine Surgery Theatre Theatres Pharmacy""".split()
)
"""Capitalised words after a title that are not names ("Nurse Practitioner", "Ward Sister")."""


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """The identifier patterns, compiled on first use."""
    return {
        "nhs_number": re.compile(r"(?<![\d-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d-])"),
        "email": re.compile(
            r"(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*"
            r"\.[A-Za-z]{2,24}\b"
        ),
        "phone": re.compile(
            r"(?<![\w+])(?:\+\d{1,3}[ -]?(?:\(0\)[ -]?)?|\(?0)\d(?:[ ()-]{0,2}\d){7,13}(?!\d)"
        ),
        "date_of_birth": re.compile(rf"{_BIRTH_CUE}(?P<date>{_DATE})", re.IGNORECASE),
        "date_then_cue": re.compile(
            rf"(?P<date>{_DATE})\s*\(?\s*(?:d\.?o\.?b\.?|date\s+of\s+birth)\b", re.IGNORECASE
        ),
        "title_name": re.compile(
            rf"\b{_TITLES}\.?\s+(?:[A-Z]\.?\s+){{0,2}}(?P<name>{_CAP}(?:\s+{_CAP})?)\b"
        ),
        "cue_name": re.compile(
            rf"\b(?i:{_PATIENT_WORDS}),?\s+(?:(?i:called|named|known\s+as)\s+)?"
            rf"(?P<name>{_CAP}\s+{_CAP})\b"
        ),
        "label_name": re.compile(
            rf"\b(?i:(?:patient(?:'s)?\s+)?name)\s*:\s*(?P<name>{_CAP}(?:\s+{_CAP}){{0,2}})\b"
        ),
    }


def valid_nhs_number(digits: str) -> bool:
    """The NHS modulus-11 check: weights 10..2 on the first nine digits; 11 - (sum mod 11)
    must equal the tenth digit (11 counts as 0, 10 is never valid)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return (0 if check == 11 else check) == int(digits[9])


def _phone_ok(number: str) -> bool:
    digits = re.sub(r"\D", "", number)
    if number.startswith("+"):
        return 8 <= len(digits) <= 15
    return digits.startswith("0") and len(digits) in (10, 11)


def _known(name: str, known: frozenset[str]) -> bool:
    """A name is someone on the review when all its words are words of their names."""
    words = [w.lower() for w in re.findall(r"[A-Za-z'’-]+", name) if len(w) > 1]
    return bool(words) and all(w in known for w in words)


def _candidates(text: str, known: frozenset[str]) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of every identifier, overlaps included."""
    patterns = _patterns()
    for match in patterns["nhs_number"].finditer(text):
        if valid_nhs_number("".join(match.group(1, 3, 4))):
            yield match.start(), match.end(), "nhs_number"
    for match in patterns["email"].finditer(text):
        yield match.start(), match.end(), "email"
    for match in patterns["phone"].finditer(text):
        if _phone_ok(match.group()):
            yield match.start(), match.end(), "phone"
    for key in ("date_of_birth", "date_then_cue"):
        for match in patterns[key].finditer(text):
            start = match.start("date")
            if text[start : start + 3].lower() == "in ":
                start += 3
            yield start, match.end("date"), "date_of_birth"
    for key in ("title_name", "cue_name", "label_name"):
        for match in patterns[key].finditer(text):
            name = match.group("name")
            if any(w in _NOT_NAMES for w in name.split()) or _known(name, known):
                continue
            start = match.start() if key == "title_name" else match.start("name")
            yield start, match.end("name"), "name"


_PRIORITY: Final = {"nhs_number": 0, "email": 1, "date_of_birth": 2, "phone": 3, "name": 4}
"""Which kind wins when two overlap: a valid NHS number is not also a phone number."""


def find_identifiers(text: str, known_names: Sequence[str] = ()) -> list[IdentifierFlag]:
    """NHS numbers, dates of birth, phone numbers, emails and names of people who are not
    on the review (`known_names`), in reading order, without overlaps."""
    known = frozenset(
        w.lower() for name in known_names for w in re.findall(r"[A-Za-z'’-]+", name) if len(w) > 1
    )
    kept: list[tuple[int, int, str]] = []
    for candidate in sorted(_candidates(text, known), key=lambda c: (c[0], _PRIORITY[c[2]])):
        # a sweep in reading order: an overlap keeps the higher-priority kind (linear time)
        while kept and candidate[0] < kept[-1][1]:
            if _PRIORITY[candidate[2]] >= _PRIORITY[kept[-1][2]]:
                break
            kept.pop()
        else:
            kept.append(candidate)
    return [IdentifierFlag(a, b, text[a:b], kind, WHY[kind]) for a, b, kind in kept]
