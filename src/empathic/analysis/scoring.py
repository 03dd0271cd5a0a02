"""Turning a linear model's decision scores into per-class confidences."""

from __future__ import annotations

from typing import Any

import numpy as np


def decision_matrix(model: Any, x: Any) -> np.ndarray:
    """Decision scores with one column per class, also for binary models."""
    scores = np.asarray(model.decision_function(x), dtype=float)
    if scores.ndim == 1:
        scores = np.column_stack([-scores, scores]) / 2.0
    return scores


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / max(temperature, 1e-3)
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))
