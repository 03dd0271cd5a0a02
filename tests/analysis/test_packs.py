"""Model packs: plain-array linear models, listing and resolving packs, and trained coders."""

from __future__ import annotations

import json
import re
import shutil
import zlib
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from sklearn.svm import LinearSVC

from empathic.analysis.coding import RuleCoder
from empathic.analysis.labels import LABEL_VALUES, LABELS, SUBTYPE_OF
from empathic.analysis.linear import LinearModel, load_models, save_models
from empathic.analysis.packs import (
    PackError,
    TrainedCoder,
    bundled_packs_dir,
    list_packs,
    load_pack,
    resolve_pack_name,
)
from empathic.config import Settings

# ----------------------------------------------------------------------------- linear models


def _blobs(n_classes: int, seed: int = 0) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Sparse, well separated classes: each class lights up its own block of columns."""
    rng = np.random.default_rng(seed)
    rows, labels = [], []
    for k in range(n_classes):
        for _ in range(30):
            row = rng.random(40) * 0.3
            row[k * 8 : k * 8 + 8] += rng.random(8) + 0.5
            rows.append(row)
            labels.append(f"class-{k}")
    x = np.asarray(rows)
    x[x < 0.2] = 0.0
    return sparse.csr_matrix(x), np.asarray(labels)


@pytest.mark.parametrize("n_classes", [2, 4])
def test_linear_model_predicts_like_the_estimator(n_classes):
    x, y = _blobs(n_classes)
    estimator = LinearSVC(C=1.0, random_state=0).fit(x, y)
    model = LinearModel.from_estimator(estimator)
    assert list(model.classes) == list(estimator.classes_)
    scores = model.decision(x)
    assert scores.shape == (x.shape[0], n_classes)
    assert list(model.classes[scores.argmax(axis=1)]) == list(estimator.predict(x))
    # also on points the model never saw
    fresh, _ = _blobs(n_classes, seed=1)
    assert list(model.classes[model.decision(fresh).argmax(axis=1)]) == list(
        estimator.predict(fresh)
    )
    if n_classes == 2:  # binary: the score difference is sklearn's decision function
        difference = scores[:, 1] - scores[:, 0]
        assert difference == pytest.approx(estimator.decision_function(x), abs=1e-3)


def test_linear_models_round_trip_without_pickle(tmp_path):
    models = {}
    for task, n in (("binary", 2), ("multi", 4)):
        x, y = _blobs(n, seed=n)
        models[task] = LinearModel.from_estimator(LinearSVC(random_state=0).fit(x, y))
    path = tmp_path / "models.npz"
    save_models(path, models)
    with np.load(path, allow_pickle=False) as npz:  # no object arrays anywhere
        assert all(npz[key].dtype != object for key in npz.files)
    loaded = load_models(path)
    assert set(loaded) == {"binary", "multi"}
    probe, _ = _blobs(4, seed=9)
    for task, model in models.items():
        again = loaded[task]
        assert list(again.classes) == list(model.classes)
        before, after = model.decision(probe), again.decision(probe)
        # the file may store weights at reduced precision: same decisions, scores within 1e-3
        assert np.array_equal(before.argmax(axis=1), after.argmax(axis=1)), task
        assert after == pytest.approx(before, abs=1e-3), task
    # what was loaded is what is saved: a second round trip is exact
    save_models(tmp_path / "again.npz", loaded)
    twice = load_models(tmp_path / "again.npz")
    for task, model in loaded.items():
        assert np.array_equal(twice[task].decision(probe), model.decision(probe)), task
        assert np.array_equal(twice[task].intercept, model.intercept), task


# ----------------------------------------------------------------------------- listing packs


def test_a_fresh_machine_has_the_bundled_packs_only(settings, default_pack):
    packs = {p.name: p for p in list_packs(settings)}
    bundled = {p.name for p in bundled_packs_dir().iterdir() if (p / "card.json").is_file()}
    assert set(packs) == bundled and "rules" in packs
    assert all(p.path.parent == bundled_packs_dir() for p in packs.values())
    rules = packs["rules"]
    assert rules.trained is False and rules.commercial_use is True
    assert rules.licence == "Apache-2.0"
    assert set(rules.to_dict()) == {"name", "version", "licence", "commercial_use", "description"}
    assert resolve_pack_name(None, settings) == default_pack
    assert packs[default_pack].commercial_use is True  # the default is free for commercial use
    info, coder = load_pack("rules", settings)
    assert info.name == "rules" and isinstance(coder, RuleCoder)


def _hide(settings: Settings, name: str) -> None:
    """Shadow a bundled pack with an untrained one of the same name (card only)."""
    folder = settings.resolved_packs_dir() / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "card.json").write_text(f'{{"name": "{name}", "licence": "x"}}', "utf-8")


def test_auto_prefers_open_then_research_then_rules(settings, install):
    _hide(settings, "open")
    _hide(settings, "research")
    assert resolve_pack_name(None, settings) == "rules"
    assert resolve_pack_name("auto", settings) == "rules"
    shutil.rmtree(settings.resolved_packs_dir() / "research")
    install("research")
    assert resolve_pack_name(None, settings) == "research"
    shutil.rmtree(settings.resolved_packs_dir() / "open")
    install("open")
    assert resolve_pack_name(None, settings) == "open"
    packs = {p.name: p for p in list_packs(settings)}
    assert packs["open"].trained and packs["research"].trained
    assert packs["open"].path == settings.resolved_packs_dir() / "open"
    assert packs["research"].commercial_use is False
    # a name is taken as given; the default pack setting is honoured
    assert resolve_pack_name("rules", settings) == "rules"
    assert resolve_pack_name(None, Settings(default_pack="research")) == "research"
    info, _ = load_pack(None, Settings(default_pack="rules"))
    assert info.name == "rules"


def test_auto_ignores_packs_that_are_not_trained(settings, install):
    _hide(settings, "open")
    folder = install("research")
    (folder / "models.npz").unlink()
    assert [p.trained for p in list_packs(settings) if p.name == "research"] == [False]
    assert resolve_pack_name(None, settings) == "rules"
    info, coder = load_pack("research", settings)  # an untrained pack codes with the rules
    assert info.name == "research" and isinstance(coder, RuleCoder)


def test_trained_pack_shadows_a_bundled_pack_of_the_same_name(settings, install):
    install("rules")
    rules = [p for p in list_packs(settings) if p.name == "rules"]
    assert len(rules) == 1 and rules[0].trained
    assert rules[0].path == settings.resolved_packs_dir() / "rules"


def test_unknown_pack_is_a_helpful_pack_error(settings):
    available = ", ".join(sorted(p.name for p in list_packs(settings)))
    assert "rules" in available
    with pytest.raises(PackError) as err:
        load_pack("fancy", settings)
    assert str(err.value) == f"no model pack named 'fancy' (available: {available})."
    with pytest.raises(PackError, match=r"Train it with `empathic train --pack research`"):
        load_pack("research", settings)


def test_packs_dir_setting_is_used(tmp_path, monkeypatch, trained_pack):
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("EMPATHIC_PACKS_DIR", str(elsewhere))
    settings = Settings()
    assert settings.resolved_packs_dir() == elsewhere
    shutil.copytree(trained_pack, elsewhere / "open")
    assert resolve_pack_name(None, settings) == "open"
    assert load_pack(None, settings)[0].path == elsewhere / "open"


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a numpy archive")


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:2000])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _missing_array(path: Path) -> None:
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files if k != "behaviour.indptr"}
    with path.open("wb") as handle:
        np.savez(handle, **arrays)


def _pickled(path: Path) -> None:
    with path.open("wb") as handle:
        np.savez(handle, tasks=np.asarray([{"x": 1}], dtype=object))


@pytest.mark.parametrize(
    "corrupt",
    [
        _garbage,
        _missing_array,
        _pickled,
        _truncated,
        _empty,
    ],
)
def test_corrupt_models_file_is_a_pack_error(settings, install, corrupt):
    folder = install("open")
    corrupt(folder / "models.npz")
    with pytest.raises(PackError) as err:
        load_pack("open", settings)
    assert str(err.value).startswith(f"{folder / 'models.npz'}: cannot load model pack")


def test_unreadable_card_is_a_pack_error_naming_it(settings, install):
    folder = install("open")
    (folder / "card.json").write_text("{not json", "utf-8")
    with pytest.raises(PackError, match=r"card\.json: unreadable model card"):
        load_pack("open", settings)


@pytest.mark.parametrize(
    ("features", "message"),
    [
        ({"embedding": "no-such-table"}, r"no vector table named 'no-such-table'"),
        (
            {"embedding": "minilm-l6-static", "embedding_dim": 64},
            r"has 256 dimensions; the pack expects 64",
        ),
        ({"word_bits": 17}, r"give \d+ columns but the \w+ model has \d+; retrain the pack"),
        ({"embedding": "minilm-l6-static"}, r"give \d+ columns but the \w+ model has \d+"),
    ],
)
def test_a_card_that_does_not_fit_its_models_is_a_pack_error(settings, install, features, message):
    folder = install("open")
    card = json.loads((folder / "card.json").read_text("utf-8"))
    card["features"].update(features)
    (folder / "card.json").write_text(json.dumps(card), "utf-8")
    with pytest.raises(PackError, match=message) as err:
        load_pack("open", settings)
    assert str(err.value).startswith(str(folder))


def test_a_broken_pack_folder_does_not_hide_the_other_packs(settings):
    broken = settings.resolved_packs_dir() / "half-copied"
    broken.mkdir(parents=True)
    (broken / "card.json").write_text("{", "utf-8")
    info, coder = load_pack("rules", settings)
    assert info.name == "rules" and isinstance(coder, RuleCoder)


# ----------------------------------------------------------------------------- trained coder

UNSEEN = [
    "So, how are you feeling about the move?",
    "You sound exhausted, and still you keep the team going.",
    "Have you thought about asking Dana to cover Fridays?",
    "The rota changes on Monday.",
    "Thanks for coming in.",
    "",
]


@pytest.fixture
def open_coder(settings, install) -> TrainedCoder:
    install("open")
    info, coder = load_pack(None, settings)
    assert info.name == "open" and info.trained and isinstance(coder, TrainedCoder)
    return coder


def _items(corpus) -> list[tuple[str, str]]:
    return [(u[0], "I'm tired and nobody notices.") for u in corpus.utterances] + [
        (t, "") for t in UNSEEN
    ]


def test_trained_coder_follows_the_label_scheme(open_coder, corpus):
    coded = open_coder.code_many(_items(corpus))
    assert len(coded) == len(corpus.utterances) + len(UNSEEN)
    for c in coded:
        labels = c.labels
        for label in LABELS:
            if labels.get(label) is not None:
                assert labels[label] in LABEL_VALUES[label], (c.text, label)
        for subtype in SUBTYPE_OF:  # a subtype only for its own behaviour
            has_it = labels.get(subtype) is not None
            assert has_it == (labels["behaviour"] == subtype), (c.text, labels)
            assert (subtype in c.confidence) == has_it
        for label, confidence in c.confidence.items():
            assert labels.get(label) is not None, (c.text, label)
            assert 0.0 < confidence <= 1.0, (c.text, label, confidence)


def test_trained_coder_learns_from_its_data(open_coder, corpus):
    """Trained labels come from the models, not the rules: they fit the training data."""
    items = _items(corpus)[: len(corpus.utterances)]
    gold = [u[4] for u in corpus.utterances]
    trained = [c.labels["behaviour"] for c in open_coder.code_many(items)]
    rules = [c.labels["behaviour"] for c in RuleCoder().code_many(items)]
    trained_hits = sum(p == g for p, g in zip(trained, gold, strict=True))
    rules_hits = sum(p == g for p, g in zip(rules, gold, strict=True))
    assert trained_hits >= 0.95 * len(gold)
    assert trained_hits > rules_hits
    negotiation = open_coder.code("We could decide together what to focus on today.")
    assert (negotiation.labels["behaviour"], negotiation.labels["input"]) == (
        "input",
        "negotiation",
    )


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"\w[\w']*|\?", text.lower()))


def test_trained_coder_evidence_comes_from_the_utterance(open_coder, corpus):
    """Coded one at a time, every evidence phrase is made of the utterance's own words."""
    found = 0
    for text, context in _items(corpus):
        (c,) = open_coder.code_many([(text, context)])
        assert set(c.evidence) == set(LABELS)
        for label, phrases in c.evidence.items():
            if c.labels.get(label) is None:
                assert phrases == [], (c.text, label)
            assert len(phrases) <= 4 and len(set(phrases)) == len(phrases)
            for phrase in phrases:
                found += 1
                assert phrase.strip() and _tokens(phrase) <= _tokens(c.text), (c.text, phrase)
    assert found >= len(corpus.utterances)


def test_trained_coder_evidence_is_quoted_verbatim(open_coder, corpus):
    texts = [u[0] for u in corpus.utterances]
    texts += [t.replace(" ", ", ") for t in texts] + [t.replace(" ", "  ") for t in texts]
    for text in texts:
        (c,) = open_coder.code_many([(text, "")])
        for label, phrases in c.evidence.items():
            for phrase in phrases:
                assert phrase.lower() in c.text.lower(), (c.text, label, phrase)


def test_trained_coder_evidence_never_quotes_another_utterance(open_coder, corpus):
    mask = 2**open_coder.featurizer.config.word_bits - 1
    colliders: dict[int, str] = {}
    for i in range(300_000):
        word = f"zq{i}"
        colliders.setdefault(zlib.crc32(word.encode()) & mask, word)
    texts = [u[0] for u in corpus.utterances]
    names: dict[int, str] = {}
    open_coder.featurizer.transform(texts, [""] * len(texts), word_names=names)
    columns = set(names)
    others = sorted({colliders[c] for c in columns if c in colliders})
    assert len(others) > len(columns) / 3
    coded = open_coder.code_many([(t, "") for t in texts + others])
    for c in coded[: len(texts)]:
        for label, phrases in c.evidence.items():
            for phrase in phrases:
                assert _tokens(phrase) <= _tokens(c.text), (c.text, label, phrase)


def test_trained_coder_given_behaviour_scores_the_subtype(open_coder):
    texts = ["You feel frustrated with the process.", "What would help you most right now?"]
    coded = open_coder.code_many([(t, "") for t in texts], ["reflection", "reflection"])
    for c in coded:
        assert c.labels["behaviour"] == "reflection" and c.confidence["behaviour"] == 1.0
        assert c.labels["reflection"] in ("simple", "complex")
        assert c.labels["question"] is None and c.labels["input"] is None
    question = open_coder.code_many([(texts[1], "")], ["question"])[0]
    assert question.labels["question"] == "open" and question.labels["reflection"] is None


def test_trained_coder_is_deterministic(open_coder, settings):
    items = [(t, "I'm worried.") for t in UNSEEN]
    first = open_coder.code_many(items)
    _, fresh = load_pack("open", settings)
    second = fresh.code_many(items)
    for a, b in zip(first, second, strict=True):
        assert (a.labels, a.confidence, a.evidence) == (b.labels, b.confidence, b.evidence)


def test_one_utterance_is_coded_as_in_a_batch(open_coder, corpus):
    """One utterance (a practice turn) takes the single-row path, a batch the matrices:
    the same labels, confidences and evidence, with and without the model's evidence."""
    items = _items(corpus)
    for explain in (True, False):
        batch = open_coder.code_many(items, explain=explain)
        for item, expected in zip(items, batch, strict=True):
            (one,) = open_coder.code_many([item], explain=explain)
            assert (one.labels, one.confidence, one.evidence) == (
                expected.labels,
                expected.confidence,
                expected.evidence,
            ), item


def test_a_single_row_gives_the_matrix_row_and_the_same_scores_to_the_bit(open_coder, corpus):
    featurizer, stacked = open_coder.featurizer, open_coder.stacked
    for text, context in _items(corpus):
        cues = RuleCoder().code(text, context).cues
        matrix = featurizer.transform([text], [context], [cues])
        row = featurizer.row(text, context, cues)
        assert row is not None, "the single-row path is taken"
        assert np.array_equal(row[0], matrix.indices) and np.array_equal(row[1], matrix.data)
        expected, got = stacked.decisions(matrix), stacked.row_decisions(*row)
        assert list(got) == list(expected)
        for task, scores in expected.items():
            assert got[task].tobytes() == scores.tobytes(), (text, task)
