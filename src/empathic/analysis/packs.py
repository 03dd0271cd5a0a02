"""Model packs: versioned folders holding classifiers and a model card.

A pack folder holds `card.json` (name, version, licence, whether commercial
use is allowed, training data, cross-validated metrics, date) and, for
trained packs, `models.npz` (see `linear`: plain arrays, never pickle).
Bundled packs ship inside the package; packs a user trains live in the packs
directory of the settings and shadow bundled ones of the same name.
"""

from __future__ import annotations

import json
import re
import threading
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np

from empathic.analysis.chips import chips, meaningful, trimmed
from empathic.analysis.coding import CodedUtterance, RuleCoder, evidence_for, mechanism_floors
from empathic.analysis.embedding import EmbeddingError
from empathic.analysis.features import FeatureConfig, Featurizer
from empathic.analysis.labels import LABELS, SUBTYPE_OF
from empathic.analysis.linear import (
    LinearModel,
    StackedModels,
    load_models,
    save_models,
    softmax,
)
from empathic.config import Settings

MODEL_FILE = "models.npz"
CARD_FILE = "card.json"


class PackError(LookupError):
    """A pack that cannot be found or loaded; the message says what to do."""


@dataclass(frozen=True)
class PackInfo:
    """What every report shows about the pack that coded it."""

    name: str
    version: str
    licence: str
    commercial_use: bool
    description: str
    path: Path
    trained: bool
    card: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The whole model card, read once when the pack is found."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "licence": self.licence,
            "commercial_use": self.commercial_use,
            "description": self.description,
        }


def _read_card(folder: Path) -> dict[str, Any]:
    card_path = folder / CARD_FILE
    try:
        card: dict[str, Any] = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise PackError(f"{card_path}: unreadable model card ({err})") from None
    return card


def _info(folder: Path, card: dict[str, Any]) -> PackInfo:
    return PackInfo(
        name=str(card.get("name", folder.name)),
        version=str(card.get("version", "0")),
        licence=str(card.get("licence", "unknown")),
        commercial_use=bool(card.get("commercial_use", False)),
        description=str(card.get("description", "")),
        path=folder,
        trained=(folder / MODEL_FILE).exists(),
        card=card,
    )


def bundled_packs_dir() -> Path:
    return Path(str(resources.files("empathic.analysis") / "packs"))


@lru_cache(maxsize=1)
def rules_pack_info() -> PackInfo:
    """The bundled rules pack's card, read once: every rule-coded report names it."""
    folder = bundled_packs_dir() / "rules"
    return _info(folder, _read_card(folder))


def _scan_packs(settings: Settings) -> tuple[dict[str, PackInfo], dict[str, PackError]]:
    """Packs by name, and the folders whose card could not be read (with why)."""
    found: dict[str, PackInfo] = {}
    broken: dict[str, PackError] = {}
    for root in (bundled_packs_dir(), settings.resolved_packs_dir()):
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if (p / CARD_FILE).is_file()):
            try:
                found[folder.name] = _info(folder, _read_card(folder))
                broken.pop(folder.name, None)
            except PackError as err:  # a broken folder must not hide the packs that work
                found.pop(folder.name, None)
                broken[folder.name] = err
    return found, broken


def list_packs(settings: Settings) -> list[PackInfo]:
    """Bundled packs first, then trained ones; a trained pack shadows a bundled one by name."""
    return list(_scan_packs(settings)[0].values())


def resolve_pack_name(
    name: str | None, settings: Settings, packs: dict[str, PackInfo] | None = None
) -> str:
    """`auto` (the default) picks the best pack present: open, then research, then rules."""
    wanted = name or settings.default_pack
    if wanted != "auto":
        return wanted
    found = packs if packs is not None else _scan_packs(settings)[0]
    trained = {info.name for info in found.values() if info.trained}
    for candidate in ("open", "research"):
        if candidate in trained:
            return candidate
    return "rules"


CHUNK = 1024
"""Utterances coded per feature matrix: dense vector blocks make a whole transcript's
matrix large, and chunks keep peak memory flat at no cost in speed."""


def files_fingerprint(folder: Path) -> str:
    """A pack folder's files by name, size and modification time (a cheap stat each)."""
    try:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        return ";".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files)
    except OSError:
        return "unreadable"


FLOOR_CONFIDENCE: Final = 0.55
"""The confidence of a mechanism level lifted to a level cue's floor: a rule's, as in the
rule coder, not the model's."""


class TrainedCoder:
    """Classifier labels on top of the rule coder's evidence."""

    def __init__(
        self, info: PackInfo, card: dict[str, Any], models: dict[str, LinearModel]
    ) -> None:
        self.name = info.name
        self.info = info
        self.models = models
        self.fingerprint = files_fingerprint(info.path)
        """The files it was loaded from: stored codes are keyed to them (practice review)."""
        self.featurizer = Featurizer(FeatureConfig.from_dict(card.get("features", {})))
        # part of loading the pack, not of the first analysis; the session dimensions read it
        # too, to tell a question in new words about their topic from small talk
        self.word_vectors = self.featurizer.load_table()
        width = self.featurizer.config.width
        wrong = next(((t, m) for t, m in models.items() if m.weights.shape[0] != width), None)
        if wrong:  # a card edited or copied from another pack: fail now, not mid-analysis
            raise PackError(
                f"{info.path}: the card's feature settings give {width} columns but the "
                f"{wrong[0]} model has {wrong[1].weights.shape[0]}; retrain the pack"
            )
        self.temperature: dict[str, float] = dict(card.get("temperature", {}))
        self.stacked = StackedModels(models)
        self._rules = RuleCoder()
        self._explain: dict[tuple[str, str], np.ndarray] = {}

    def code(self, text: str, context: str = "") -> CodedUtterance:
        return self.code_many([(text, context)])[0]

    def code_many(
        self,
        items: Sequence[tuple[str, str]],
        given_behaviour: Sequence[str | None] | None = None,
        *,
        explain: bool = True,
    ) -> list[CodedUtterance]:
        """Code each (text, context); `given_behaviour` fixes behaviour to score subtypes;
        `explain=False` skips the model's n-gram evidence (cue evidence stays), for units
        that are counted but not shown with their evidence."""
        if len(items) > CHUNK:  # bounded memory: the feature matrix of a chunk at a time
            out: list[CodedUtterance] = []
            for start in range(0, len(items), CHUNK):
                given = given_behaviour[start : start + CHUNK] if given_behaviour else None
                out += self.code_many(items[start : start + CHUNK], given, explain=explain)
            return out
        # `_apply` rebuilds the evidence of every label, in label order, from the cues
        coded = self._rules._code_many(items, given_behaviour, with_evidence=False)
        if not coded:
            return coded
        word_names: dict[int, str] = {}
        # one utterance (a practice turn) skips the sparse matrices: the same numbers
        one = (
            self.featurizer.row(items[0][0], items[0][1], coded[0].cues, word_names)
            if len(items) == 1
            else None
        )
        if one is not None:
            decisions = self.stacked.row_decisions(*one)
            row_columns = [one[0]]
        else:
            matrix = self.featurizer.transform(
                [t for t, _ in items], [c for _, c in items], [u.cues for u in coded], word_names
            )
            decisions = self.stacked.decisions(matrix)
            bounds = matrix.indptr
            row_columns = [matrix.indices[bounds[r] : bounds[r + 1]] for r in range(len(coded))]
        word_limit = 2**self.featurizer.config.word_bits
        predictions: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for task, scores in decisions.items():
            proba = softmax(scores, self.temperature.get(task, 1.0))
            best = proba.argmax(axis=1)
            classes = self.models[task].classes
            predictions[task] = (classes[best], proba[np.arange(len(best)), best])
        for row, utterance in enumerate(coded):
            given = given_behaviour[row] if given_behaviour is not None else None
            columns = row_columns[row]
            columns = columns[columns < word_limit]
            self._apply(
                utterance, row, predictions, given, columns if explain else columns[:0], word_names
            )
        return coded

    def _apply(
        self,
        utterance: CodedUtterance,
        row: int,
        predictions: dict[str, tuple[np.ndarray, np.ndarray]],
        given_behaviour: str | None,
        columns: np.ndarray,
        word_names: dict[int, str],
    ) -> None:
        labels, conf = utterance.labels, utterance.confidence
        for task, (values, probs) in predictions.items():
            labels[task], conf[task] = str(values[row]), round(float(probs[row]), 3)
        for mechanism, floor in mechanism_floors(utterance.cues, utterance.text).items():
            if int(labels[mechanism] or 0) < floor:  # what EPITOME's definition says at least
                labels[mechanism], conf[mechanism] = str(floor), FLOOR_CONFIDENCE
        if given_behaviour is not None:
            labels["behaviour"], conf["behaviour"] = given_behaviour, 1.0
        for subtype in SUBTYPE_OF:
            if labels.get("behaviour") != subtype:
                labels[subtype] = None
                conf.pop(subtype, None)
        for label in LABELS:
            value = labels.get(label)
            phrases = evidence_for(label, value, utterance.cues)
            explain = value not in (None, "0", "other", "Other")
            if label in self.models and explain and len(phrases) < 2 and len(columns):
                lowered = " ".join(phrases).lower()
                grams = self._top_ngrams(label, str(value), columns, word_names, utterance.text)
                for gram in grams:
                    if gram.lower() not in lowered:
                        phrases.append(gram)
                        lowered += " " + gram.lower()
            utterance.evidence[label] = chips(phrases, pattern=True)[:4]

    def _top_ngrams(
        self,
        task: str,
        value: str,
        columns: np.ndarray,
        names: dict[int, str],
        text: str,
        k: int = 2,
    ) -> list[str]:
        """Word n-grams of the utterance whose weights pushed hardest towards the value,
        as they stand in it; only those worth a chip (`analysis.chips.meaningful`)."""
        key = (task, value)
        weights = self._explain.get(key)
        if weights is None:
            weights = self._explain[key] = self.models[task].class_weights(value)
        scores = weights[columns]
        best: list[str] = []
        for i in np.argsort(-scores)[: k + 4]:
            gram = names.get(int(columns[i]), "")
            if scores[i] <= 0 or len(best) == k:
                break
            verbatim = _verbatim(gram, text) if gram else None
            if verbatim and meaningful(trimmed(verbatim)):  # no "like", "me" or "now?"
                best.append(trimmed(verbatim))
        return best


def _verbatim(gram: str, text: str) -> str | None:
    """The words of a hashed n-gram as they stand in text, or None if they are not there.

    Hash columns can collide across a batch, so an n-gram is shown only when this
    utterance really contains it; the text's own spelling and punctuation are kept.
    """
    lowered = text.lower()
    if len(lowered) == len(text):  # fast path: the n-gram stands as written
        at = lowered.find(gram)
        while at >= 0:
            end = at + len(gram)
            before = lowered[at - 1] if at else " "
            after = lowered[end] if end < len(lowered) else " "
            if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
                return text[at:end]
            at = lowered.find(gram, at + 1)
    tokens = gram.split(" ")
    pattern = r"[\s,;:.!-]*".join(re.escape(t) for t in tokens)
    match = re.search(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE)
    return match.group(0) if match else None


def load_pack(name: str | None, settings: Settings) -> tuple[PackInfo, Any]:
    """Return the pack's info and a coder ready to use; `name` None means the default."""
    packs, broken = _scan_packs(settings)
    resolved = resolve_pack_name(name, settings, packs)
    if resolved in broken:
        raise broken[resolved]
    if resolved not in packs:
        known = ", ".join(sorted(packs)) or "none"
        hint = (
            f" Train it with `empathic train --pack {resolved}`."
            if resolved in ("research", "open")
            else ""
        )
        raise PackError(f"no model pack named {resolved!r} (available: {known}).{hint}")
    info = packs[resolved]
    if not info.trained:
        return info, RuleCoder()
    try:
        models = load_models(info.path / MODEL_FILE)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
        raise PackError(f"{info.path / MODEL_FILE}: cannot load model pack ({err})") from None
    try:
        return info, TrainedCoder(info, info.card, models)
    except EmbeddingError as err:
        raise PackError(f"{info.path}: {err}") from None


def save_pack(folder: Path, card: dict[str, Any], models: dict[str, LinearModel]) -> None:
    """Write models then card, so a half-written pack is never listed as trained."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (MODEL_FILE + ".tmp")
    save_models(tmp, models)
    tmp.replace(folder / MODEL_FILE)
    (folder / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", "utf-8")


class PackCache:
    """Loaded packs by name, built on first use: loading a pack reads its model files."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._packs: dict[str, tuple[PackInfo, Any]] = {}

    @staticmethod
    def of(state: Any) -> PackCache:
        """The app's one cache (made in `create_app`), shared by every area."""
        cache: PackCache = state.packs
        return cache

    def get(self, name: str | None, settings: Settings) -> tuple[PackInfo, Any]:
        """The pack's card and coder; PackError when it does not exist or cannot load."""
        key = name or ""  # the default is resolved once, by load_pack, not per request
        with self._lock:
            if key not in self._packs:
                loaded = load_pack(name or None, settings)
                # "" (the default) and its own name share one coder: never load it twice
                self._packs[key] = self._packs.setdefault(loaded[0].name, loaded)
            return self._packs[key]
