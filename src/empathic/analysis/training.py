"""Training packs reproducibly and measuring them honestly.

Each task (label) gets a linear classifier over the shared features. Metrics
in the model card are cross-validated with folds grouped by conversation, so
no conversation is on both sides of a split.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.svm import LinearSVC

from empathic.analysis.datasets import LabelledRow, conversation_groups, read_labelled_csv
from empathic.analysis.features import FeatureConfig, Featurizer
from empathic.analysis.labels import LABELS, SUBTYPE_OF
from empathic.analysis.linear import LinearModel, softmax
from empathic.config import Settings

SEED = 20261121
SVM_C = 0.3
"""Regularisation for every task; per-task values changed cross-validated F1 by < 0.01."""
Progress = Callable[[str], None]


@dataclass(frozen=True)
class DataFile:
    name: str
    path: Path
    licence: str


@dataclass(frozen=True)
class Recipe:
    """What a pack is trained on and under which terms it may be used."""

    name: str
    description: str
    licence: str
    commercial_use: bool
    files: tuple[DataFile, ...]


def research_recipe(data_dir: Path) -> Recipe:
    """The research pack: public research data, non-commercial terms."""
    return Recipe(
        name="research",
        description=(
            "Trained on the public research data sets EPITOME (Reddit), AnnoMI (MI transcripts) "
            "and ESConv (emotional-support chats). Research and non-commercial use only."
        ),
        licence="non-commercial research use only (EPITOME, AnnoMI, ESConv CC BY-NC 4.0)",
        commercial_use=False,
        files=(
            DataFile("EPITOME", data_dir / "epitome_train.csv", "non-commercial research use"),
            DataFile("AnnoMI", data_dir / "annomi_train.csv", "research use (no licence file)"),
            DataFile("ESConv", data_dir / "esconv_dev.csv", "CC BY-NC 4.0"),
        ),
    )


def open_recipe(corpus_dir: Path) -> Recipe:
    """The open pack: the project's own CC BY 4.0 corpus only; free for commercial use."""
    files = tuple(
        DataFile(f"Empathic corpus {p.stem}", p, "CC BY 4.0")
        for p in sorted(corpus_dir.glob("*.csv"))
    )
    return Recipe(
        name="open",
        description=(
            "Trained only on the Empathic corpus (original workplace conversations written and "
            "labelled for the project, CC BY 4.0) plus the transparent detectors."
        ),
        licence="Apache-2.0 (models); training corpus CC BY 4.0",
        commercial_use=True,
        files=files,
    )


def user_recipe(data_dir: Path) -> Recipe:
    """A pack trained on your own files: their licence is yours to check, not assumed."""
    return Recipe(
        name="open",
        description=f"Trained on user-supplied data in {data_dir}.",
        licence="depends on the training data (user-supplied; not checked)",
        commercial_use=False,
        files=tuple(
            DataFile(p.stem, p, "unknown (user-supplied)") for p in sorted(data_dir.glob("*.csv"))
        ),
    )


def recipe_for(name: str, data_dir: Path | None, settings: Settings) -> Recipe:
    """The recipe for a named pack; `data_dir` overrides where its data is read."""
    if name == "research":
        return research_recipe(data_dir or settings.resolved_shared_data_dir())
    if name == "open":
        corpus = data_dir or settings.resolved_corpus_dir()
        recipe = open_recipe(corpus)
        if data_dir is not None and data_dir.resolve() != settings.resolved_corpus_dir().resolve():
            recipe = user_recipe(data_dir)
        if not recipe.files:
            raise FileNotFoundError(f"no corpus CSV files in {corpus} (pass --data DIR)")
        return recipe
    raise FileNotFoundError(f"no recipe for a pack named {name!r}; choose research or open")


def file_sha256(path: Path) -> str:
    """Identifies a data file in model cards, so a pack is never scored on its own data."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_rows(recipe: Recipe) -> tuple[list[LabelledRow], dict[str, int]]:
    """All rows of the recipe's files, and how many came from each file."""
    rows: list[LabelledRow] = []
    counts: dict[str, int] = {}
    for data_file in recipe.files:
        loaded = read_labelled_csv(data_file.path)
        counts[data_file.name] = len(loaded)
        rows.extend(loaded)
    return rows, counts


def task_rows(rows: Sequence[LabelledRow], task: str) -> list[LabelledRow]:
    """Training rows for a task: those that carry the label."""
    return [row for row in rows if task in row.labels and row.text.strip()]


def is_scored(row: LabelledRow, task: str) -> bool:
    """Subtypes are scored only where the gold behaviour is that type (or unknown)."""
    return task not in SUBTYPE_OF or row.labels.get("behaviour", task) == task


def new_model() -> LinearSVC:
    return LinearSVC(C=SVM_C, class_weight="balanced", random_state=SEED)


def fit_temperature(scores: np.ndarray, gold_index: np.ndarray) -> float:
    """Temperature that makes softmax(scores) honest on out-of-fold data (min log-loss)."""

    def loss(t: float) -> float:
        p = softmax(scores, t)[np.arange(len(gold_index)), gold_index]
        return float(-np.log(np.clip(p, 1e-9, 1.0)).mean())

    best = minimize_scalar(loss, bounds=(0.02, 5.0), method="bounded")
    return round(float(best.x), 4)


def fit_task(featurizer: Featurizer, rows: Sequence[LabelledRow], task: str) -> LinearSVC:
    x = featurizer.transform([r.text for r in rows], [r.context for r in rows])
    model = new_model()
    model.fit(x, [r.labels[task] for r in rows])
    return model


def score(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float | int]:
    return {
        "n": len(gold),
        "accuracy": round(float(accuracy_score(gold, predicted)), 4),
        "macro_f1": round(float(f1_score(gold, predicted, average="macro", zero_division=0)), 4),
    }


def cross_validate(
    featurizer: Featurizer, rows: Sequence[LabelledRow], task: str, folds: int = 5
) -> dict[str, Any]:
    """Out-of-fold scores with folds grouped by conversation."""
    train_all = task_rows(rows, task)
    if len(train_all) < folds * 4:
        return {"n": len(train_all), "note": "too few rows to cross-validate"}
    groups = conversation_groups(train_all)
    folds = min(folds, len(set(groups)))
    if folds < 2:
        return {"n": len(train_all), "note": "one conversation only: cannot cross-validate"}
    y = np.asarray([r.labels[task] for r in train_all])
    x = featurizer.transform([r.text for r in train_all], [r.context for r in train_all])
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=SEED)
    predicted = np.empty(len(train_all), dtype=object)
    classes = sorted(set(y))
    scores = np.zeros((len(train_all), len(classes)))
    for train_idx, test_idx in splitter.split(x, y, groups):
        if len(set(y[train_idx])) < 2:  # a class held by one conversation only
            only = classes.index(y[train_idx][0])
            scores[test_idx, only] = 1.0
            predicted[test_idx] = y[train_idx][0]
            continue
        model = new_model().fit(x[train_idx], y[train_idx])
        fold_scores = LinearModel.from_estimator(model).decision(x[test_idx])
        columns = [classes.index(c) for c in model.classes_]
        scores[np.ix_(test_idx, columns)] = fold_scores
        predicted[test_idx] = model.classes_[fold_scores.argmax(axis=1)]
    mask = [is_scored(r, task) for r in train_all]
    gold_eval = [str(v) for v, keep in zip(y, mask, strict=True) if keep]
    pred_eval = [str(v) for v, keep in zip(predicted, mask, strict=True) if keep]
    result: dict[str, Any] = score(gold_eval, pred_eval)
    gold_index = np.asarray([classes.index(v) for v in y])
    result.update(
        {
            "temperature": fit_temperature(scores, gold_index),
            "folds": folds,
            "grouped_by": "conversation_id",
            "sources": sorted({r.source for r in train_all}),
        }
    )
    return result


def train_pack(
    recipe: Recipe,
    out_dir: Path,
    *,
    cross_validate_metrics: bool = True,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train every task the recipe's data covers, write the pack, return its card."""
    from empathic.analysis.packs import save_pack

    say = progress or (lambda _message: None)
    missing = [f.path for f in recipe.files if not f.path.is_file()]
    if missing:
        raise FileNotFoundError(
            "training data not found: "
            + ", ".join(str(p) for p in missing)
            + (
                " (set EMPATHIC_SHARED_DATA_DIR or pass --data DIR)"
                if recipe.name == "research"
                else " (pass --data DIR)"
            )
        )
    rows, counts = load_rows(recipe)
    config = FeatureConfig()
    featurizer = Featurizer(config)
    models: dict[str, LinearSVC] = {}
    metrics: dict[str, Any] = {}
    for task in LABELS:
        selected = task_rows(rows, task)
        if len({r.labels[task] for r in selected}) < 2:
            if selected:
                say(f"skipping {task}: its rows hold a single class")
            continue
        if cross_validate_metrics:
            say(f"cross-validating {task} on {len(selected)} rows")
            metrics[task] = cross_validate(featurizer, rows, task)
        say(f"training {task}")
        models[task] = fit_task(featurizer, selected, task)
    card = {
        "name": recipe.name,
        "version": dt.date.today().isoformat(),
        "licence": recipe.licence,
        "commercial_use": recipe.commercial_use,
        "description": recipe.description,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seed": SEED,
        "model": "linear SVM per label over hashed word/char n-grams + detector features; "
        "confidence = softmax of decision scores with a temperature fitted out-of-fold",
        "features": config.to_dict(),
        "training_data": [
            {
                "name": f.name,
                "file": f.path.name,
                "licence": f.licence,
                "rows": counts[f.name],
                "sha256": file_sha256(f.path),
            }
            for f in recipe.files
        ],
        "tasks": sorted(models),
        "temperature": {t: m.get("temperature", 1.0) for t, m in metrics.items()},
        "metrics": metrics,
        "metrics_note": (
            "5-fold cross-validation grouped by conversation on the training data"
            if cross_validate_metrics
            else "no metrics: trained with --no-cv"
        ),
    }
    save_pack(out_dir, card, {t: LinearModel.from_estimator(m) for t, m in models.items()})
    return card
