"""Linear models as plain arrays: fast to load, safe to open, no scikit-learn at run time.

A trained pack keeps, per label, the class names, a sparse weight matrix
(features × classes) and intercepts in one `.npz` file read with
`allow_pickle=False`, so opening a pack can never execute code. (skops was
the first choice; importing it alone takes ~2 s here, over the 1 s
model-load goal.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

PRUNE_BELOW = 1e-4
"""Weights smaller than this are dropped: they never change a prediction in practice."""


@dataclass
class LinearModel:
    """Scores = X @ weights + intercept; one column per class."""

    classes: np.ndarray
    weights: sparse.csr_matrix
    intercept: np.ndarray

    def __post_init__(self) -> None:
        # Row-major once: `csr @ csc` converts the weights on every call (2 ms per label),
        # which made coding one turn 20 ms and a practice step slow.
        self.weights = sparse.csr_matrix(self.weights)

    def decision(self, x: sparse.csr_matrix) -> np.ndarray:
        return np.asarray((x @ self.weights).toarray() + self.intercept)

    def class_weights(self, value: str) -> np.ndarray:
        """Dense weight column for one class (for explanations)."""
        column = list(self.classes).index(value)
        return np.asarray(self.weights[:, column].toarray()).ravel()

    @classmethod
    def from_estimator(cls, model: Any) -> LinearModel:
        """Convert a fitted scikit-learn linear classifier (binary or multi-class)."""
        coef = np.asarray(model.coef_, dtype=np.float64)
        intercept = np.asarray(model.intercept_, dtype=np.float64)
        if coef.shape[0] == 1:  # binary: one column per class, scores ±s/2
            coef = np.vstack([-coef[0], coef[0]]) / 2.0
            intercept = np.asarray([-intercept[0], intercept[0]]) / 2.0
        coef[np.abs(coef) < PRUNE_BELOW] = 0.0
        weights = sparse.csc_matrix(coef.T.astype(np.float32))
        return cls(np.asarray([str(c) for c in model.classes_]), weights, intercept)


class StackedModels:
    """Every label's model as one float64 weight matrix: one sparse product per batch.

    The stored weights are float32 and the features float64, and scipy upcast the whole
    weight matrix on every product (0.5 ms each, eight per coded turn): most of a
    practice turn's coding time. Upcast once here; a product now takes ~0.04 ms.
    """

    def __init__(self, models: dict[str, LinearModel]) -> None:
        self.tasks = list(models)
        stacked = sparse.hstack([models[t].weights for t in self.tasks], format="csr")
        self.weights = stacked.astype(np.float64)
        self.intercept = np.concatenate([np.ravel(models[t].intercept) for t in self.tasks])
        edges = np.cumsum([0, *(models[t].weights.shape[1] for t in self.tasks)])
        self.spans = {
            t: (int(a), int(b)) for t, a, b in zip(self.tasks, edges[:-1], edges[1:], strict=True)
        }

    def decisions(self, x: sparse.csr_matrix) -> dict[str, np.ndarray]:
        """Each label's decision scores, as `LinearModel.decision` gives them one by one."""
        scores = np.asarray((x @ self.weights).toarray() + self.intercept)
        return {t: scores[:, a:b] for t, (a, b) in self.spans.items()}

    def row_decisions(self, columns: np.ndarray, values: np.ndarray) -> dict[str, np.ndarray]:
        """`decisions` of a one-row matrix given as its (columns, values) in stored order.

        The very numbers of the sparse product: each score sums value × weight over the
        row's entries in their stored order, starting from zero (`np.bincount` adds in
        order, as scipy's `csr_matmat` does), and a score no entry reaches is +0.0.
        """
        weights = self.weights
        starts = weights.indptr[columns]
        lengths = weights.indptr[columns + 1] - starts
        ends = np.cumsum(lengths)
        at = np.repeat(starts - (ends - lengths), lengths) + np.arange(
            int(ends[-1]) if len(ends) else 0
        )
        products = np.repeat(values, lengths) * weights.data[at]
        sums = np.bincount(weights.indices[at], weights=products, minlength=weights.shape[1])
        scores = (sums + 0.0).reshape(1, -1) + self.intercept  # + 0.0: no -0.0 sums
        return {t: scores[:, a:b] for t, (a, b) in self.spans.items()}


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Per-class confidences from decision scores; the temperature is fitted out-of-fold."""
    z = scores / max(temperature, 1e-3)
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def save_models(path: Path, models: dict[str, LinearModel]) -> None:
    arrays: dict[str, np.ndarray] = {"tasks": np.asarray(sorted(models))}
    for task, model in models.items():
        w = model.weights.tocsc()
        arrays |= {
            f"{task}.classes": model.classes,
            f"{task}.data": w.data.astype(np.float16),  # halves the file; scores move < 1e-3
            f"{task}.indices": w.indices.astype(np.int32),
            f"{task}.indptr": w.indptr.astype(np.int64),
            f"{task}.shape": np.asarray(w.shape, dtype=np.int64),
            f"{task}.intercept": model.intercept,
        }
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)  # type: ignore[arg-type]


def load_models(path: Path) -> dict[str, LinearModel]:
    with np.load(path, allow_pickle=False) as npz:
        models = {}
        for task in [str(t) for t in npz["tasks"]]:
            shape = tuple(int(v) for v in npz[f"{task}.shape"])
            weights = sparse.csc_matrix(
                (
                    npz[f"{task}.data"].astype(np.float32),
                    npz[f"{task}.indices"],
                    npz[f"{task}.indptr"],
                ),
                shape=shape,
            )
            models[task] = LinearModel(npz[f"{task}.classes"], weights, npz[f"{task}.intercept"])
    return models
