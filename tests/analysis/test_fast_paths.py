"""The fast paths of the detectors and features give exactly what the plain ones give."""

from __future__ import annotations

import re
import zlib

import numpy as np
import pytest
from scipy import sparse

from empathic.analysis import rules
from empathic.analysis.cue_patterns import CUE_PATTERNS, CUE_REQUIRES
from empathic.analysis.features import (
    _reference_block,
    char_gram_hashes,
    char_grams,
    counted_block,
    hashed_block,
    word_grams,
)

TEXTS = [
    "",
    " ",
    "?",
    "Did you tell your manager?",
    "It sounds like you've been carrying this on your own, right?",
    "Have you tried making a list? Or not?",
    "İstanbul naïve café — ‘quoted’ Straße",
    "So part of you wants to keep going, and part of you wonders whether it's worth it.",
    "emoji 😀 ok? 日本語",
]


def test_required_strings_occur_in_every_pattern_of_their_family() -> None:
    for name, required in CUE_REQUIRES.items():
        for pattern in CUE_PATTERNS[name]:
            assert any(re.escape(r) in pattern for r in required), (name, pattern)


def test_skipping_families_by_required_strings_changes_no_cue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast = [rules._scan(t, None) for t in TEXTS]
    monkeypatch.setattr(rules, "CUE_REQUIRES", {})
    assert [rules._scan(t, None) for t in TEXTS] == fast


def test_char_gram_hashes_are_crc32_of_the_char_grams() -> None:
    padded = [" " + " ".join(re.findall(r"\w[\w']*|\?", t.lower())) + " " for t in TEXTS]
    rows, hashes = char_gram_hashes(padded, 2, 5)
    got = sorted(zip(rows.tolist(), hashes.tolist(), strict=True))
    want = sorted(
        (i, zlib.crc32(g.encode())) for i, t in enumerate(TEXTS) for g in char_grams(t, 2, 5)
    )
    assert got == want


def test_counted_block_is_the_reference_block() -> None:
    grams = [word_grams(t, 1, 3) for t in TEXTS]
    for bits, weight in ((6, 1.0), (18, 0.7)):
        flat = [g for row in grams for g in row]
        rows = np.repeat(np.arange(len(grams)), [len(g) for g in grams])
        columns = np.asarray([zlib.crc32(g.encode()) for g in flat], dtype=np.int64)
        columns &= 2**bits - 1
        counts = sparse.csr_matrix(
            (np.ones(len(flat)), (rows, columns)), shape=(len(grams), 2**bits)
        )
        counts.sum_duplicates()
        want = _reference_block(counts, weight)
        for got in (
            counted_block(rows[::-1], columns[::-1], len(grams), bits, weight),
            hashed_block(grams, bits, weight),
        ):
            assert np.array_equal(got.indptr, want.indptr)
            assert np.array_equal(got.indices, want.indices)
            assert got.data.tobytes() == want.data.tobytes()
