"""Bytes to text for every file people hand us: one decoder, one set of rules.

Exports arrive as UTF-8 (with or without a byte-order mark), as UTF-16 from Windows
tools (Teams transcripts, Excel's "Unicode text"), sometimes as UTF-16 without a BOM,
and now and then someone picks a PDF or a Word file by mistake. Callers wrap
`TextDecodeError` in their own error type; its parts (`problem`, `line`, `binary`)
let each one say it in its own words. No text returned here contains NUL, which
PostgreSQL cannot store.
"""

from __future__ import annotations

import codecs

SAMPLE = 8192
"""Bytes (and characters) inspected by the heuristics; enough to judge any real export."""
_LAYOUT = frozenset("\t\n\v\f\r")
_CONTROLS = frozenset(chr(c) for c in (*range(32), 127)) - _LAYOUT
_SPACES = frozenset(" \n\u3000")


class TextDecodeError(ValueError):
    """Bytes that are not readable text: `binary` tells a wrong file from a wrong encoding."""

    def __init__(
        self, source: str, problem: str, *, line: int | None = None, binary: bool = False
    ) -> None:
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {problem}")
        self.source, self.problem, self.line, self.binary = source, problem, line, binary


def decode_text(data: bytes, source: str, *, fallback: str | None = None) -> str:
    """`data` as text: UTF-8 (BOM optional), UTF-16 LE/BE with a BOM, or UTF-16 without one.

    `fallback` names a legacy encoding (e.g. "cp1252") to try when the bytes are not
    UTF-8 but still look like text; without it such bytes are refused with the line
    and the byte. Anything that looks binary is refused as "not a text file".
    """
    if data.startswith(codecs.BOM_UTF8):  # dropped here, so error offsets match `data`
        data, encoding, label = data[len(codecs.BOM_UTF8) :], "utf-8", "UTF-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, label = "utf-16", "UTF-16"
    elif b"\x00" in data[:SAMPLE]:
        found = _utf16_without_bom(data)
        if found is None:
            raise _not_text(source)
        return found
    else:
        encoding, label = "utf-8", "UTF-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if label == "UTF-8" and looks_binary(data[:SAMPLE].decode("latin-1")):
            raise _not_text(source) from None
        text = _legacy(data, source, exc, label, fallback)
    if "\x00" in text or looks_binary(text[:SAMPLE]):
        raise _not_text(source)
    return text


def looks_binary(sample: str) -> bool:
    """NUL anywhere, or control characters (not tabs or line breaks) in over 1 in 100."""
    if "\x00" in sample:
        return True
    controls = sum(1 for char in sample if char in _CONTROLS)
    return controls * 100 > max(len(sample), 100)


def _utf16_without_bom(data: bytes) -> str | None:
    """The text, when NULs sit on one side of the byte pairs and it decodes cleanly, else None.

    ASCII in UTF-16 has a NUL high byte, so UTF-16 text has NULs at odd offsets
    (little-endian) or even ones (big-endian); CJK text has fewer, but its spaces,
    punctuation and line breaks still give at least 1 pair in 10. Binary files have
    NULs on both sides or decode to control characters; text with a stray NUL decodes
    to a run of characters without a single space or line break.
    """
    sample = data[:SAMPLE]
    pairs = max(len(sample) // 2, 1)
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= 2 and odd * 10 >= pairs and even * 4 <= odd:
        encoding = "utf-16-le"
    elif even >= 2 and even * 10 >= pairs and odd * 4 <= even:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    head = text[: SAMPLE // 2]
    if "\x00" in text or any(c in _CONTROLS for c in head) or not any(c in _SPACES for c in head):
        return None
    return text


def _legacy(
    data: bytes, source: str, exc: UnicodeDecodeError, label: str, fallback: str | None
) -> str:
    """Decode with the caller's legacy encoding, or say which byte on which line failed."""
    if fallback and label == "UTF-8":
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            pass
    before = data[: exc.start].decode(exc.encoding, errors="replace")
    hint = "; perhaps it is Windows-1252 or Latin-1" if label == "UTF-8" else ""
    problem = f"cannot decode byte 0x{data[exc.start]:02x} as {label}{hint}"
    raise TextDecodeError(source, problem, line=before.count("\n") + 1) from None


def _not_text(source: str) -> TextDecodeError:
    problem = "is not a text file: it holds NUL bytes or control codes, as binary files do"
    return TextDecodeError(source, problem, binary=True)
