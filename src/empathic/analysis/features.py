"""Turning an utterance and its context into features a linear classifier can use.

Hashing keeps packs small and free of any training text: a pack stores
weights for hashed n-grams, never a vocabulary copied from its data. The
detectors of `rules` add transparent, dense features on top.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

from empathic.analysis.rules import CUES, cue_counts

_WORD = re.compile(r"(?u)\b\w[\w']*\b")
_SPEAKER_PREFIX = re.compile(r"^\s*[A-Za-z][\w .()-]{0,40}:\s+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "this",
        "to",
        "was",
        "we",
        "were",
        "with",
        "you",
        "your",
        "yes",
        "no",
        "not",
        "do",
        "did",
        "just",
        "like",
        "um",
        "uh",
        "okay",
        "ok",
    ]
)


@dataclass(frozen=True)
class FeatureConfig:
    """Sizes of the hashed blocks; stored in every pack card so features are rebuilt exactly."""

    word_bits: int = 18
    char_bits: int = 18
    context_bits: int = 16
    word_ngrams: tuple[int, int] = (1, 3)
    char_ngrams: tuple[int, int] = (2, 5)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureConfig:
        fields = dict(data)
        for key in ("word_ngrams", "char_ngrams"):
            if key in fields:
                fields[key] = tuple(fields[key])
        return cls(**fields)


def last_utterance(context: str) -> str:
    """The other person's most recent words: the last line, without a `Name:` prefix."""
    lines = [line for line in context.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    return _SPEAKER_PREFIX.sub("", lines[-1], count=1)


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def dense_features(text: str, context: str) -> list[float]:
    """Detector counts plus shape features: length, overlap with what the other person said."""
    counts = cue_counts(text)
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


DENSE_NAMES = (
    *CUES,
    "log_words",
    "context_overlap",
    "ends_question",
    "empty",
    "n_questions",
    "has_context",
)


class Featurizer:
    """Stateless feature builder: the same config always gives the same columns."""

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = config or FeatureConfig()
        cfg = self.config
        self._word = HashingVectorizer(
            n_features=2**cfg.word_bits,
            ngram_range=cfg.word_ngrams,
            alternate_sign=False,
            token_pattern=r"(?u)\b\w[\w']*\b|\?",
            norm="l2",
            lowercase=True,
        )
        self._char = HashingVectorizer(
            n_features=2**cfg.char_bits,
            analyzer="char_wb",
            ngram_range=cfg.char_ngrams,
            alternate_sign=False,
            norm="l2",
            lowercase=True,
        )
        self._context = HashingVectorizer(
            n_features=2**cfg.context_bits,
            ngram_range=(1, 1),
            alternate_sign=False,
            norm="l2",
            lowercase=True,
        )
        self._word_analyzer = self._word.build_analyzer()

    @property
    def word_offset(self) -> int:
        """Column where the word block starts (it comes first)."""
        return 0

    def transform(self, texts: Sequence[str], contexts: Sequence[str]) -> sparse.csr_matrix:
        last = [last_utterance(c) for c in contexts]
        dense = np.asarray([dense_features(t, c) for t, c in zip(texts, last, strict=True)])
        blocks = [
            self._word.transform(texts),
            self._char.transform(texts) * 0.7,
            self._context.transform(last) * 0.5,
            sparse.csr_matrix(dense),
        ]
        return sparse.hstack(blocks, format="csr")

    def word_ngrams(self, text: str) -> list[tuple[str, int]]:
        """Each word n-gram of text with its column, for explaining a prediction."""
        size = 2**self.config.word_bits
        return [
            (gram, abs(int(murmurhash3_32(gram, seed=0))) % size)
            for gram in dict.fromkeys(self._word_analyzer(text))
        ]
