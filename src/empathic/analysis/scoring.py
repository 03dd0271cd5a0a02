"""Accuracy and macro-F1 in plain numpy, so scoring a pack needs no training library.

Macro-F1 follows scikit-learn's `f1_score(average="macro", zero_division=0)`: the mean
F1 over every class present in the gold or the predicted labels, 0 for a class with no
true or predicted instance (tests check the two agree).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def macro_f1(gold: Sequence[str] | np.ndarray, predicted: Sequence[str] | np.ndarray) -> float:
    y, p = np.asarray(gold), np.asarray(predicted)
    if len(y) == 0:
        return 0.0
    scores = []
    for value in np.union1d(y, p):
        true_pos = float(np.sum((y == value) & (p == value)))
        found, real = float(np.sum(p == value)), float(np.sum(y == value))
        scores.append(2 * true_pos / (found + real) if found + real else 0.0)
    return float(np.mean(scores))


def accuracy(gold: Sequence[str] | np.ndarray, predicted: Sequence[str] | np.ndarray) -> float:
    y, p = np.asarray(gold), np.asarray(predicted)
    return float(np.mean(y == p)) if len(y) else 0.0


def score(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float | int]:
    """n, accuracy and macro-F1 of predicted labels against gold ones."""
    return {
        "n": len(gold),
        "accuracy": round(accuracy(gold, predicted), 4),
        "macro_f1": round(macro_f1(gold, predicted), 4),
    }
