"""Turning an utterance and its context into features a linear classifier can use.

Hashing keeps packs small and free of any training text: a pack stores
weights for hashed n-grams, never a vocabulary copied from its data. The
hashing is CRC-32 from the standard library, so coding needs only numpy and
scipy at run time (fast start, no scikit-learn import). The detectors of
`rules` add transparent, dense features on top; a pack may also read a
static vector table (`embedding`) that adds the gist of the words, so a
phrasing never seen in training still lands near its meaning.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from itertools import chain, pairwise
from typing import Any

import numpy as np
from scipy import sparse

from empathic.analysis.embedding import EmbeddingError, StaticEmbedding, load_embedding
from empathic.analysis.rules import CUES, Cue, find_cues

_TOKEN = re.compile(r"\w[\w']*|\?")
_WORD = re.compile(r"(?u)\b\w[\w']*\b")
_SPEAKER_PREFIX = re.compile(r"^\s*[A-Za-z][\w .()-]{0,40}:\s+")
_STOP = frozenset(
    "a an and are as at be but by for from had has have i if in is it its me my of on or so "
    "that the this to was we were with you your yes no not do did just like um uh okay ok".split()
)
DENSE_NAMES = (
    *CUES,
    "log_words",
    "context_overlap",
    "ends_question",
    "empty",
    "n_questions",
    "has_context",
)


@dataclass(frozen=True)
class FeatureConfig:
    """Sizes of the hashed blocks; stored in every pack card so features are rebuilt exactly."""

    word_bits: int = 18
    char_bits: int = 18
    context_bits: int = 16
    word_ngrams: tuple[int, int] = (1, 3)
    char_ngrams: tuple[int, int] = (2, 5)
    char_weight: float = 0.7
    context_weight: float = 0.5
    question_bits: int = 16
    """Block of n-grams from the utterance's questions (0 = off, as in packs made before it)."""
    extra_weight: float = 0.5
    embedding: str = ""
    """Bundled static vector table of `embedding` to read ("" = none: n-grams and detectors)."""
    embedding_dim: int = 256
    embedding_weight: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        if data:  # a card written before a block existed was trained without it
            known.setdefault("question_bits", 0)
        for key in ("word_ngrams", "char_ngrams"):
            if key in known:
                known[key] = tuple(known[key])
        return cls(**known)

    @property
    def width(self) -> int:
        extra = 2**self.question_bits if self.question_bits else 0
        extra += self.embedding_dim if self.embedding else 0
        return (
            2**self.word_bits + 2**self.char_bits + 2**self.context_bits + extra + len(DENSE_NAMES)
        )


def last_utterance(context: str) -> str:
    """The other person's most recent words: the last line, without a `Name:` prefix."""
    lines = [line for line in context.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    return _SPEAKER_PREFIX.sub("", lines[-1], count=1)


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def dense_features(text: str, context: str, cues: Sequence[Cue] | None = None) -> list[float]:
    """Detector counts plus shape features: length, overlap with what the other person said."""
    counts = dict.fromkeys(CUES, 0)
    for cue in cues if cues is not None else find_cues(text):
        if cue.name in counts:  # the level-floor families are not features (`level_cues`)
            counts[cue.name] += 1
    values = [math.log1p(counts[name]) for name in CUES]
    words = _WORD.findall(text)
    said = _content_words(context)
    mine = _content_words(text)
    overlap = len(mine & said) / len(mine) if mine else 0.0
    stripped = text.strip()
    values += [
        math.log1p(len(words)) / 5.0,
        overlap,
        1.0 if stripped.endswith("?") else 0.0,
        1.0 if not words else 0.0,
        stripped.count("?") / 3.0,
        1.0 if context.strip() else 0.0,
    ]
    return values


def word_grams(text: str, lo: int, hi: int) -> list[str]:
    return _token_grams(_TOKEN.findall(text.lower()), lo, hi)


def _token_grams(tokens: list[str], lo: int, hi: int) -> list[str]:
    """The word n-grams of `word_grams` from the tokens: all unigrams, then bigrams, ..."""
    grams: list[str] = []
    for n in range(lo, hi + 1):
        if n == 1:
            grams.extend(tokens)
        else:  # n > 1 (n < 1 gives nothing: zip of no sequences)
            grams.extend(map(" ".join, zip(*(tokens[i:] for i in range(n)), strict=False)))
    return grams


def char_grams(text: str, lo: int, hi: int) -> list[str]:
    """Character n-grams of the lower-cased tokens joined by single spaces, padded."""
    return _padded_grams(" " + " ".join(_TOKEN.findall(text.lower())) + " ", lo, hi)


def _padded_grams(padded: str, lo: int, hi: int) -> list[str]:
    grams: list[str] = []
    size = len(padded)
    for n in range(lo, hi + 1):
        grams += [padded[i : i + n] for i in range(size - n + 1)]
    return grams


@cache
def _crc32_table() -> np.ndarray:
    """The byte table of the CRC-32 that `zlib.crc32` computes (reflected, 0xEDB88320)."""
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0xEDB88320), table >> 1)
    return table.astype(np.uint32)


def char_gram_hashes(padded: Sequence[str], lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and `zlib.crc32` of every character n-gram (lo <= n <= hi) of each padded string.

    The same hashes as `crc32(gram.encode())` over `char_grams`, in another order
    (which a counted block does not see): ASCII strings are hashed all at once in
    numpy, sharing the CRC state of an n-gram with the (n+1)-gram that extends it;
    any other string takes the per-gram path.
    """
    rows: list[np.ndarray] = []
    hashes: list[np.ndarray] = []
    ascii_rows = [i for i, s in enumerate(padded) if s.isascii()]
    if ascii_rows:
        strings = [padded[i] for i in ascii_rows]
        lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
        total = int(lengths.sum())
        data = np.frombuffer(("".join(strings) + "\0" * hi).encode("ascii"), dtype=np.uint8)
        row_of = np.repeat(np.asarray(ascii_rows, dtype=np.int64), lengths)
        remaining = np.repeat(np.cumsum(lengths), lengths) - np.arange(total)
        state = np.full(total, 0xFFFFFFFF, dtype=np.uint32)
        table = _crc32_table()
        for n in range(1, hi + 1):
            state = table[(state ^ data[n - 1 : n - 1 + total]) & 0xFF] ^ (state >> 8)
            if n >= lo:
                fits = remaining >= n
                rows.append(row_of[fits])
                hashes.append(state[fits] ^ np.uint32(0xFFFFFFFF))
    for i, s in enumerate(padded):
        if not s.isascii():
            grams = _padded_grams(s, lo, hi)
            rows.append(np.full(len(grams), i, dtype=np.int64))
            hashes.append(
                np.fromiter(map(zlib.crc32, map(str.encode, grams)), np.uint32, len(grams))
            )
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32)
    return np.concatenate(rows), np.concatenate(hashes)


def hashed_block(
    gram_lists: Sequence[list[str]],
    bits: int,
    weight: float,
    names: dict[int, str] | None = None,
) -> sparse.csr_matrix:
    """Count hashed n-grams per row, L2-normalise each row, scale by the block weight.

    Hashing and counting run in C (map/crc32, numpy, scipy) over the whole batch.
    When `names` is given it receives column -> n-gram, for explaining predictions.
    """
    flat = list(chain.from_iterable(gram_lists))
    columns = _hashed_columns(flat, bits, names)
    rows = np.repeat(np.arange(len(gram_lists)), [len(g) for g in gram_lists])
    return counted_block(rows, columns, len(gram_lists), bits, weight)


def _hashed_columns(grams: list[str], bits: int, names: dict[int, str] | None) -> np.ndarray:
    hashes = np.fromiter(map(zlib.crc32, map(str.encode, grams)), dtype=np.int64, count=len(grams))
    columns = hashes & (2**bits - 1)
    if names is not None:
        names.update(zip(columns.tolist(), grams, strict=True))
    return columns


def _one_row(columns: np.ndarray, bits: int, weight: float) -> tuple[np.ndarray, np.ndarray] | None:
    """(columns, values) of the one row `counted_block` makes of these n-gram columns, in
    its stored order; None when that row needs the reference construction."""
    rows = np.zeros(len(columns), dtype=np.int64)
    values, stored, _, counts = _counted(rows, columns, 1, bits, weight)
    return None if counts is not None else (stored, values)


def _nonzero(row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(columns, values) of a dense row as `csr_matrix` stores it: its non-zeros in order."""
    found = np.flatnonzero(row)
    return found, row[found]


def counted_block(
    rows: np.ndarray, columns: np.ndarray, n_rows: int, bits: int, weight: float
) -> sparse.csr_matrix:
    """The block of `hashed_block` from the row and column of every n-gram, in any order.

    Counted with one sort of (row, column) keys instead of a sparse round trip.
    The result is the very matrix of the reference construction (`_reference_block`):
    the same values and, within each row, the same descending column order that
    `diags(...) @ block` leaves, because that order fixes the order of the sums
    when the matrix is multiplied by a pack's weights.
    """
    shape = (n_rows, 2**bits)
    values, columns_, indptr, counts = _counted(rows, columns, n_rows, bits, weight)
    if counts is not None:
        block = sparse.csr_matrix((counts, columns_, indptr), shape=shape)
        block.sort_indices()
        return _reference_block(block, weight)
    return sparse.csr_matrix((values, columns_, indptr), shape=shape)


def _counted(
    rows: np.ndarray, columns: np.ndarray, n_rows: int, bits: int, weight: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """The arrays of `counted_block`: (values, columns, indptr, None), or with the counts
    in place of None when a value came out zero or not finite (the reference construction
    must then build the block)."""
    mask = 2**bits - 1
    key_type = np.dtype(np.uint32 if n_rows << bits <= 2**32 else np.uint64)
    shift, low = np.asarray(bits, dtype=key_type), np.asarray(mask, dtype=key_type)
    keys: np.ndarray = np.asarray(rows).astype(key_type) << shift
    keys |= low - (np.asarray(columns).astype(key_type) & low)
    keys.sort()  # rows ascending, columns descending within a row
    boundary = np.empty(len(keys), dtype=bool)
    boundary[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=boundary[1:])
    starts = np.flatnonzero(boundary)
    unique = keys[starts]
    counts = np.diff(np.append(starts, len(keys))).astype(np.float64)
    entry_row = (unique >> shift).astype(np.int64)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(entry_row, minlength=n_rows), out=indptr[1:])
    norms = np.sqrt(np.bincount(entry_row, weights=counts * counts, minlength=n_rows))
    norms[norms == 0] = 1.0
    values = (weight / norms)[entry_row] * counts

    columns_of = (low - (unique & low)).astype(np.int64)
    if not (np.all(values != 0) and np.all(np.isfinite(values))):
        return values, columns_of, indptr, counts
    return values, columns_of, indptr, None


def _reference_block(block: sparse.csr_matrix, weight: float) -> sparse.csr_matrix:
    """L2-normalised, weighted rows of a summed count block (the reference construction)."""
    norms = np.sqrt(np.asarray(block.multiply(block).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(weight / norms) @ block)


_TERMINATOR = re.compile(r"[.?!\n]")


def question_sentences(text: str) -> list[str]:
    """Each question sentence: the text since the last sentence end, up to and with a "?".

    One pass over the sentence ends, so linear in the text. (The regex
    "[^.?!\\n]*\\?" it replaces gives the same sentences but backtracks
    quadratically on a long line with no "?": a 200 KB paste took 79 s.)
    """
    found: list[str] = []
    start = 0
    for end in _TERMINATOR.finditer(text):
        if end.group() == "?":
            found.append(text[start : end.end()])
        start = end.end()
    return found


def question_grams(text: str) -> list[str]:
    """Openers and n-grams of each question sentence: what kind of question was asked."""
    grams: list[str] = []
    for sentence in question_sentences(text):
        tokens = _TOKEN.findall(sentence.lower())
        if not tokens:
            continue
        grams += ["^" + " ".join(tokens[:k]) for k in (1, 2, 3) if len(tokens) >= k]
        grams += tokens
        grams += map(" ".join, pairwise(tokens))
    return grams


class Featurizer:
    """Stateless feature builder: the same config always gives the same columns."""

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = config or FeatureConfig()

    def transform(
        self,
        texts: Sequence[str],
        contexts: Sequence[str],
        cues: Sequence[Sequence[Cue]] | None = None,
        word_names: dict[int, str] | None = None,
    ) -> sparse.csr_matrix:
        """One row per utterance; pass the cues already found to avoid a second regex pass.

        `word_names`, when given, is filled with word-block column -> n-gram.
        """
        cfg = self.config
        last = [last_utterance(c) for c in contexts]
        dense = np.asarray(
            [
                dense_features(t, c, cues[i] if cues is not None else None)
                for i, (t, c) in enumerate(zip(texts, last, strict=True))
            ],
            dtype=np.float64,
        ).reshape(len(texts), len(DENSE_NAMES))
        tokens = [_TOKEN.findall(t.lower()) for t in texts]
        blocks = [
            hashed_block(
                [_token_grams(t, *cfg.word_ngrams) for t in tokens], cfg.word_bits, 1.0, word_names
            ),
            self._char_block(tokens),
            hashed_block([word_grams(c, 1, 1) for c in last], cfg.context_bits, cfg.context_weight),
        ]
        if cfg.question_bits:
            grams = [question_grams(t) for t in texts]
            blocks.append(hashed_block(grams, cfg.question_bits, cfg.extra_weight))
        table = self.load_table()
        if table is not None:
            blocks.append(sparse.csr_matrix(cfg.embedding_weight * table.embed(texts)))
        blocks.append(sparse.csr_matrix(dense))
        return sparse.csr_matrix(sparse.hstack(blocks, format="csr"))

    def row(
        self,
        text: str,
        context: str,
        cues: Sequence[Cue] | None = None,
        word_names: dict[int, str] | None = None,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The one row `transform([text], [context], [cues], word_names)` makes, as its
        (columns, values) in the matrix's stored order, without building sparse matrices
        (their set-up costs more than the arithmetic of one utterance: a practice turn
        codes one line). None when a block needs the reference construction (a value
        that is zero or not finite): `transform` then gives the row."""
        cfg = self.config
        last = last_utterance(context)
        dense = np.asarray(dense_features(text, last, cues), dtype=np.float64)
        tokens = _TOKEN.findall(text.lower())
        word = _hashed_columns(_token_grams(tokens, *cfg.word_ngrams), cfg.word_bits, word_names)
        _, chars = self._char_columns([tokens])
        blocks = [
            (_one_row(word, cfg.word_bits, 1.0), 2**cfg.word_bits),
            (_one_row(chars, cfg.char_bits, cfg.char_weight), 2**cfg.char_bits),
            (
                _one_row(
                    _hashed_columns(word_grams(last, 1, 1), cfg.context_bits, None),
                    cfg.context_bits,
                    cfg.context_weight,
                ),
                2**cfg.context_bits,
            ),
        ]
        if cfg.question_bits:
            grams = _hashed_columns(question_grams(text), cfg.question_bits, None)
            blocks.append(
                (_one_row(grams, cfg.question_bits, cfg.extra_weight), 2**cfg.question_bits)
            )
        table = self.load_table()
        if table is not None:
            embedded = (cfg.embedding_weight * table.embed([text]))[0]
            blocks.append((_nonzero(embedded), cfg.embedding_dim))
        blocks.append((_nonzero(dense), len(DENSE_NAMES)))
        columns: list[np.ndarray] = []
        values: list[np.ndarray] = []
        offset = 0
        for entries, width in blocks:
            if entries is None:
                return None
            columns.append(entries[0] + offset)
            values.append(entries[1])
            offset += width
        return np.concatenate(columns), np.concatenate(values)

    def load_table(self) -> StaticEmbedding | None:
        """The vector table the config names (read once per process), checked against it."""
        name = self.config.embedding
        if not name:
            return None
        table = load_embedding(name)
        if table.dim != self.config.embedding_dim:
            raise EmbeddingError(
                f"vector table {name!r} has {table.dim} dimensions; "
                f"the pack expects {self.config.embedding_dim}"
            )
        return table

    def _char_columns(self, tokens: Sequence[list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every character n-gram (`char_grams`) of each token list."""
        cfg = self.config
        padded = [" " + " ".join(t) + " " for t in tokens]
        rows, hashes = char_gram_hashes(padded, *cfg.char_ngrams)
        return rows, hashes.astype(np.int64) & (2**cfg.char_bits - 1)

    def _char_block(self, tokens: Sequence[list[str]]) -> sparse.csr_matrix:
        """The character n-gram block (`char_grams` of each text) from its lower-cased tokens."""
        cfg = self.config
        rows, columns = self._char_columns(tokens)
        return counted_block(rows, columns, len(tokens), cfg.char_bits, cfg.char_weight)
