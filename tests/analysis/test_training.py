"""Labelled data, features and training: clear errors, honest groups, reproducible packs."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathic.analysis.datasets import (
    DataError,
    LabelledRow,
    conversation_groups,
    read_labelled_csv,
)
from empathic.analysis.embedding import PROVENANCE
from empathic.analysis.features import DENSE_NAMES, FeatureConfig, Featurizer
from empathic.analysis.labels import LABELS, SUBTYPE_OF
from empathic.analysis.linear import LinearModel, load_models
from empathic.analysis.training import (
    NBSVM,
    RESEARCH_VECTORS,
    SEED,
    DataFile,
    Recipe,
    choose_kind,
    new_model,
    open_recipe,
    recipe_for,
    train_pack,
)
from empathic.config import Settings

# ----------------------------------------------------------------------------- datasets


def test_read_labelled_csv_reads_every_label_and_normalises_spellings(tmp_path, corpus):
    rows = [
        dict.fromkeys(corpus.header, "")
        | {
            "source": "s",
            "conversation_id": "c1",
            "turn": "3",
            "speaker": "Sam",
            "context": "I'm tired.",
            "text": "What happened?",
            "behaviour": "Question",
            "question": "OPEN",
            "emotional_reaction": "1.0",
            "strategy": "Others",
        },
        dict.fromkeys(corpus.header, "") | {"conversation_id": "c1", "text": "Okay.", "turn": "x"},
    ]
    path = corpus.write(tmp_path / "d.csv", rows)
    first, second = read_labelled_csv(path)
    assert first.labels == {
        "behaviour": "question",
        "question": "open",
        "emotional_reaction": "1",
        "strategy": "Other",
    }
    assert (first.turn, first.speaker, first.context, first.line) == (3, "Sam", "I'm tired.", 2)
    # empty cells are unknown, not a value; a non-numeric turn falls back to the position
    assert second.labels == {} and second.turn == 1 and second.line == 3


def test_bad_label_value_names_file_line_and_value(tmp_path, corpus):
    rows = corpus.rows()[:3]
    rows[2] = rows[2] | {"behaviour": "lecture"}
    path = corpus.write(tmp_path / "bad.csv", rows)
    with pytest.raises(DataError) as err:
        read_labelled_csv(path)
    assert str(err.value).startswith(f"{path}:4: ")
    assert "behaviour='lecture'" in str(err.value)
    # not strict: the bad cell is dropped, the row and its other labels are kept
    kept = read_labelled_csv(path, strict=False)
    assert len(kept) == 3 and "behaviour" not in kept[2].labels and "strategy" in kept[2].labels


def test_mechanism_level_out_of_range_is_an_error(tmp_path, corpus):
    rows = corpus.rows()[:2]
    rows[0] = rows[0] | {"exploration": "3"}
    path = corpus.write(tmp_path / "levels.csv", rows)
    with pytest.raises(DataError, match=r"levels\.csv:2: exploration='3'"):
        read_labelled_csv(path)


def test_missing_columns_are_named_with_the_file(tmp_path):
    path = tmp_path / "nocols.csv"
    path.write_text("source,speaker,context\ns,Sam,hi\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        read_labelled_csv(path)
    message = str(err.value)
    assert message.startswith(f"{path}:1: missing column(s) conversation_id, text")
    assert "source, conversation_id, turn, speaker, context, text" in message


def test_missing_file_is_a_data_error_naming_the_file(tmp_path):
    missing = tmp_path / "missing.csv"
    with pytest.raises(DataError, match=r"missing\.csv: cannot open"):
        read_labelled_csv(missing)


def test_non_utf8_file_is_a_data_error_naming_the_file(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"conversation_id,text\nc1,caf\xe9\n")
    with pytest.raises(DataError, match=r"latin\.csv:\d+: .*UTF-8"):
        read_labelled_csv(latin)


def _row(cid: str, context: str, text: str, source: str = "esconv") -> LabelledRow:
    return LabelledRow(source, cid, 0, "helper", context, text)


def test_conversation_groups_chain_esconv_style_windows():
    rows = [
        _row("dev-0", "Seeker: Hello.", "Hi, how can I help?"),
        _row(
            "dev-1", "Seeker: Hello.\nHelper: Hi, how can I help?\nSeeker: I lost my job.", "Oh no."
        ),
        _row(
            "dev-2",
            "Seeker: Hello.\nHelper: Hi, how can I help?\nHelper: Oh no.\nSeeker: yes",
            "Ok",
        ),
        _row("dev-3", "Seeker: A new chat about exams.", "Tell me more."),
        _row("dev-4", "Seeker: A new chat.\nHelper: Tell me more.", "I see."),
        _row("dev-5", "Seeker: Something else entirely.", "Hello there."),
    ]
    assert conversation_groups(rows) == [
        "esconv:dev-0",
        "esconv:dev-0",
        "esconv:dev-0",
        "esconv:dev-3",
        "esconv:dev-3",
        "esconv:dev-5",
    ]


def test_conversation_groups_keep_grouped_ids():
    rows = [_row(cid, "same context Okay.", "Okay.", source="annomi") for cid in "aaabbbccc"]
    rows.append(_row("a", "", "Okay.", source="other"))
    # ids repeat, so they are the groups even though each context contains the previous text
    assert conversation_groups(rows) == [
        *["annomi:a"] * 3,
        *["annomi:b"] * 3,
        *["annomi:c"] * 3,
        "other:a",
    ]


# ----------------------------------------------------------------------------- features

TEXTS = [
    "It sounds like you've been carrying this on your own for a while.",
    "What's been the hardest part?",
    "",
]
CONTEXTS = ["Alex: I'm exhausted.\nAlex: Nobody notices.", "", "Nothing"]


def test_features_are_deterministic_and_stateless():
    config = FeatureConfig()
    a = Featurizer(config).transform(TEXTS, CONTEXTS)
    b = Featurizer(FeatureConfig()).transform(TEXTS, CONTEXTS)
    assert a.shape == b.shape == (3, config.width)
    assert a.nnz == b.nnz > 0
    assert (a != b).nnz == 0
    # every row is built on its own: the same text alone gives the same row
    alone = Featurizer(config).transform(TEXTS[1:2], CONTEXTS[1:2])
    assert (alone != a[1]).nnz == 0


def test_word_names_point_at_non_zero_columns_of_the_word_block():
    featurizer = Featurizer()
    text = TEXTS[0]
    names: dict[int, str] = {}
    row = featurizer.transform([text], [""], word_names=names)
    grams = list(names.values())
    assert "it sounds like" in grams and "carrying" in grams
    for column, gram in names.items():
        assert 0 <= column < 2**featurizer.config.word_bits, gram
        assert row[0, column] > 0, gram


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=0, max_size=80))
def test_word_names_are_non_zero_for_any_text(text):
    featurizer = Featurizer(FeatureConfig(word_bits=12, char_bits=10, context_bits=8))
    names: dict[int, str] = {}
    row = featurizer.transform([text], [""], word_names=names)
    assert row.shape == (1, featurizer.config.width)
    for column, gram in names.items():
        assert row[0, column] > 0, gram


def test_dense_features_see_the_context_overlap():
    featurizer = Featurizer()
    config = featurizer.config
    dense_start = config.width - len(DENSE_NAMES)
    overlap = dense_start + DENSE_NAMES.index("context_overlap")
    has_context = dense_start + DENSE_NAMES.index("has_context")
    x = featurizer.transform(
        ["You feel invisible at work.", "You feel invisible at work."],
        ["Priya: I feel invisible at work.", ""],
    )
    assert x[0, overlap] == pytest.approx(1.0) and x[1, overlap] == 0.0
    assert x[0, has_context] == 1.0 and x[1, has_context] == 0.0


def test_feature_config_round_trips_through_json():
    config = FeatureConfig(word_bits=10, word_ngrams=(1, 2), char_weight=0.25)
    assert FeatureConfig.from_dict(config.to_dict()) == config
    via_json = FeatureConfig.from_dict(json.loads(json.dumps(config.to_dict())))
    assert via_json == config and isinstance(via_json.word_ngrams, tuple)
    # unknown keys (from a newer card) are ignored; missing keys take defaults, except the
    # blocks added later: a card without them was trained without them
    old_card = FeatureConfig.from_dict({"word_bits": 10, "future": 1})
    assert old_card == FeatureConfig(word_bits=10, question_bits=0, embedding="")
    assert FeatureConfig.from_dict({}) == FeatureConfig()


# ----------------------------------------------------------------------------- training


def _recipe(csv_path: Path, name: str = "open") -> Recipe:
    return Recipe(
        name=name,
        description="Synthetic test corpus.",
        licence="CC0 test data",
        commercial_use=True,
        files=(DataFile("synthetic", csv_path, "CC0"),),
    )


def test_train_pack_writes_card_and_models(trained_pack, synthetic_csv, corpus):
    assert sorted(p.name for p in trained_pack.iterdir()) == ["card.json", "models.npz"]
    card = json.loads((trained_pack / "card.json").read_text("utf-8"))
    assert card["name"] == "open" and card["licence"] == "CC0 test data"
    assert card["commercial_use"] is True and card["seed"] == SEED
    assert card["training_data"] == [
        {
            "name": "synthetic",
            "file": "synthetic.csv",
            "licence": "CC0",
            "rows": 2 * len(corpus.utterances),
            "sha256": hashlib.sha256(synthetic_csv.read_bytes()).hexdigest(),
        }
    ]
    assert card["tasks"] == sorted(LABELS)
    assert FeatureConfig.from_dict(card["features"]) == FeatureConfig()
    metrics = card["metrics"]
    assert set(metrics) == set(LABELS)
    expected_n = {label: 2 * len(corpus.utterances) for label in LABELS}
    # a subtype is scored only on rows whose gold behaviour is that type (24 each here)
    expected_n |= {sub: corpus.count(sub) for sub in SUBTYPE_OF}
    for task, m in metrics.items():
        assert m["n"] == expected_n[task], task
        assert 0.0 <= m["accuracy"] <= 1.0 and 0.0 <= m["macro_f1"] <= 1.0, task
        assert m["grouped_by"] == "conversation_id" and m["folds"] == 5
        assert m["sources"] == ["synthetic"]
        assert card["temperature"][task] == m["temperature"]
        assert 0.02 <= m["temperature"] <= 5.0
    assert expected_n["question"] == 24 and expected_n["behaviour"] == 96
    models = load_models(trained_pack / "models.npz")
    assert set(models) == set(LABELS)
    assert sorted(models["input"].classes) == ["advice", "information", "negotiation", "options"]
    assert models["behaviour"].weights.shape == (FeatureConfig().width, 4)


def test_training_is_reproducible(trained_pack, synthetic_csv, tmp_path):
    again = tmp_path / "again"
    card = train_pack(_recipe(synthetic_csv), again)
    first = json.loads((trained_pack / "card.json").read_text("utf-8"))
    assert card["metrics"] == first["metrics"]
    assert card["temperature"] == first["temperature"]
    a, b = load_models(trained_pack / "models.npz"), load_models(again / "models.npz")
    assert set(a) == set(b)
    for task in a:
        assert list(a[task].classes) == list(b[task].classes), task
        assert np.array_equal(a[task].intercept, b[task].intercept), task
        wa, wb = a[task].weights.tocsc(), b[task].weights.tocsc()
        assert np.array_equal(wa.indptr, wb.indptr) and np.array_equal(wa.indices, wb.indices)
        assert np.array_equal(wa.data, wb.data), task


def test_a_recipe_with_vectors_trains_them_and_names_their_source(synthetic_csv, tmp_path):
    small = {"word_bits": 10, "char_bits": 10, "context_bits": 8, "question_bits": 8}
    recipe = replace(_recipe(synthetic_csv), features=FeatureConfig(**small))
    with_vectors = replace(recipe, features=FeatureConfig(**small, embedding=RESEARCH_VECTORS))
    plain = train_pack(recipe, tmp_path / "plain", cross_validate_metrics=False)
    card = train_pack(with_vectors, tmp_path / "vectors", cross_validate_metrics=False)
    assert "vectors" not in plain and "word-piece vectors" not in plain["model"]
    assert card["vectors"] == PROVENANCE[RESEARCH_VECTORS]
    assert "static word-piece vectors" in card["model"]
    weights = load_models(tmp_path / "vectors" / "models.npz")["behaviour"].weights
    assert weights.shape[0] == FeatureConfig(**small).width + 256
    block = weights.toarray()[-256 - len(DENSE_NAMES) : -len(DENSE_NAMES)]
    assert np.abs(block).sum() > 0  # the models use the vector block


def test_train_pack_without_cross_validation_has_no_metrics(synthetic_csv, tmp_path):
    card = train_pack(_recipe(synthetic_csv), tmp_path / "p", cross_validate_metrics=False)
    assert card["metrics"] == {} and card["temperature"] == {}
    assert card["tasks"] == sorted(LABELS)
    assert (tmp_path / "p" / "models.npz").is_file()


def test_train_pack_trains_only_labels_present(tmp_path, corpus):
    dropped = ("strategy", *SUBTYPE_OF)
    header = tuple(h for h in corpus.header if h not in dropped)
    path = corpus.write(tmp_path / "partial.csv", corpus.rows(), header)  # drops those columns
    messages: list[str] = []
    card = train_pack(
        _recipe(path), tmp_path / "p", cross_validate_metrics=False, progress=messages.append
    )
    assert card["tasks"] == ["behaviour", "emotional_reaction", "exploration", "interpretation"]
    assert messages == [f"training {t}" for t in LABELS if t in card["tasks"]]


def test_too_few_rows_are_not_cross_validated(tmp_path, corpus):
    header = (*corpus.header[:6], "behaviour")
    rows = [r for r in corpus.rows() if r["behaviour"] in ("question", "other")][:16]
    path = corpus.write(tmp_path / "tiny.csv", rows, header)
    card = train_pack(_recipe(path), tmp_path / "p")
    assert card["metrics"]["behaviour"] == {"n": 16, "note": "too few rows to cross-validate"}
    assert card["temperature"]["behaviour"] == 1.0
    assert "behaviour" in card["tasks"]


def test_missing_training_data_is_a_clear_error(tmp_path):
    recipe = _recipe(tmp_path / "nope.csv")
    with pytest.raises(FileNotFoundError, match=r"training data not found: .*nope\.csv"):
        train_pack(recipe, tmp_path / "p")
    assert not (tmp_path / "p").exists()


def test_recipes(tmp_path, synthetic_dir):
    settings = Settings(data_dir=tmp_path)
    # your own data: its licence is not assumed, so the pack is not marked commercial
    recipe = recipe_for("open", synthetic_dir, settings)
    assert recipe.commercial_use is False and "user-supplied" in recipe.licence
    assert [f.path.name for f in recipe.files] == ["synthetic.csv"]
    corpus_recipe = recipe_for("open", None, Settings(data_dir=tmp_path, corpus_dir=synthetic_dir))
    assert corpus_recipe.commercial_use is True and corpus_recipe.licence.startswith("Apache")
    research = recipe_for("research", tmp_path, settings)
    assert research.commercial_use is False
    assert "non-commercial" in research.licence
    # the open pack keeps the plain SVM: NB-SVM lowered its held-out EPITOME scores
    assert research.model == "auto" and corpus_recipe.model == "svm"
    # only the research pack reads the word vectors: open is the corpus and detectors alone
    assert research.features.embedding == RESEARCH_VECTORS
    assert corpus_recipe.features.embedding == RESEARCH_VECTORS  # Apache-2.0 vectors
    assert recipe.features.embedding == ""  # user-supplied data: n-grams and detectors
    assert {f.path.name for f in research.files} == {
        "epitome_train.csv",
        "annomi_train.csv",
        "esconv_dev.csv",
    }
    with pytest.raises(FileNotFoundError, match="no corpus CSV files"):
        recipe_for("open", tmp_path, settings)
    with pytest.raises(FileNotFoundError, match="no recipe for a pack named 'fancy'"):
        recipe_for("fancy", None, settings)
    assert open_recipe(tmp_path).files == ()


def test_synthetic_corpus_is_what_the_tests_claim(synthetic_csv, corpus):
    rows = read_labelled_csv(synthetic_csv)
    assert len(rows) == 96
    assert len({r.conversation_id for r in rows}) == corpus.conversations
    assert all(set(r.labels) >= {"behaviour", "strategy", "exploration"} for r in rows)
    for sub in SUBTYPE_OF:
        assert all((sub in r.labels) == (r.labels["behaviour"] == sub) for r in rows)


def test_a_task_with_a_single_class_is_skipped(tmp_path, corpus):
    rows = [r | {"reflection": "complex"} if r["reflection"] else r for r in corpus.rows()]
    path = corpus.write(tmp_path / "one-class.csv", rows)
    messages: list[str] = []
    card = train_pack(_recipe(path), tmp_path / "p", progress=messages.append)
    assert card["tasks"] == sorted(set(LABELS) - {"reflection"})
    assert "reflection" not in card["metrics"] and "reflection" not in card["temperature"]
    assert "skipping reflection: its rows hold a single class" in messages
    assert set(load_models(tmp_path / "p" / "models.npz")) == set(card["tasks"])


def test_fewer_conversations_than_folds_uses_fewer_folds(tmp_path, corpus):
    rows = [r | {"conversation_id": f"c{i % 4}"} for i, r in enumerate(corpus.rows())]
    path = corpus.write(tmp_path / "four-conversations.csv", rows)
    card = train_pack(_recipe(path), tmp_path / "p")
    assert card["tasks"] == sorted(LABELS)
    behaviour = card["metrics"]["behaviour"]
    assert behaviour["n"] == 96 and behaviour["folds"] == 4
    assert 0.0 <= behaviour["macro_f1"] <= 1.0


def test_one_conversation_cannot_be_cross_validated(tmp_path, corpus):
    rows = [r | {"conversation_id": "only"} for r in corpus.rows()]
    path = corpus.write(tmp_path / "one-conversation.csv", rows)
    card = train_pack(_recipe(path), tmp_path / "p")
    assert card["tasks"] == sorted(LABELS)
    assert card["metrics"]["behaviour"]["n"] == 96
    assert "macro_f1" not in card["metrics"]["behaviour"]
    assert card["temperature"]["behaviour"] == 1.0


@pytest.mark.filterwarnings("ignore:The least populated class")
def test_a_class_found_in_one_conversation_only_does_not_break_training(tmp_path, corpus):
    rows = []
    for r in corpus.rows():
        if r["reflection"]:
            r = r | {"reflection": "complex" if r["conversation_id"] == "conv-00" else "simple"}
        rows.append(r)
    path = corpus.write(tmp_path / "rare-class.csv", rows)
    card = train_pack(_recipe(path), tmp_path / "p")
    assert "reflection" in card["tasks"]
    assert card["metrics"]["reflection"]["n"] == corpus.count("reflection")


# ----------------------------------------------------------------------------- NB-SVM


def _toy_task(seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    texts, labels, groups = [], [], []
    words = {"a": "sad hurt sorry", "b": "why what how", "c": "try should could"}
    for i in range(90):
        label = "abc"[i % 3]
        noise = " ".join(rng.choice(["the", "day", "work", "home", "it"], 3))
        texts.append(f"{words[label].split()[i % 3]} {noise}")
        labels.append(label)
        groups.append(f"g{i // 6}")
    x = Featurizer().transform(texts, [""] * len(texts))
    return x, np.asarray(labels), groups


def test_nbsvm_is_a_plain_linear_model_once_folded():
    x, y, _groups = _toy_task()
    model = NBSVM().fit(x, y)
    linear = LinearModel.from_estimator(model)
    assert list(linear.classes) == ["a", "b", "c"]
    scores = linear.decision(x)
    assert np.allclose(scores, model.decision_function(x), atol=1e-3)
    assert list(model.predict(x)) == list(linear.classes[scores.argmax(axis=1)])
    assert (model.predict(x) == y).mean() > 0.9


def test_nbsvm_binary_keeps_a_column_per_class():
    x, y, _groups = _toy_task()
    keep = y != "c"
    model = NBSVM().fit(x[keep], y[keep])
    linear = LinearModel.from_estimator(model)
    assert linear.weights.shape == (x.shape[1], 2)
    assert (model.predict(x[keep]) == y[keep]).mean() > 0.9


def test_model_kind_is_chosen_by_inner_cross_validation():
    x, y, groups = _toy_task()
    kind = choose_kind(x, y, groups, np.ones(len(y), dtype=bool))
    assert kind == choose_kind(x, y, groups, np.ones(len(y), dtype=bool))  # fixed seeds
    assert choose_kind(x, y, ["one"] * len(y), np.ones(len(y), dtype=bool)) == "svm"
    with pytest.raises(ValueError, match="unknown model"):
        new_model("forest")


def test_auto_recipe_records_the_model_of_each_task(synthetic_csv, tmp_path):
    recipe = Recipe(
        name="research",
        description="Synthetic test corpus.",
        licence="CC0 test data",
        commercial_use=False,
        files=(DataFile("synthetic", synthetic_csv, "CC0"),),
        model="auto",
    )
    card = train_pack(recipe, tmp_path / "p")
    assert set(card["model_per_task"]) == set(card["tasks"])
    assert "inner grouped CV" in card["model"]
    picked = [m for m in card["metrics"].values() if "models_chosen_per_fold" in m]
    # one choice per fold, made inside that fold (nested), recorded for every task
    assert picked and all(len(m["models_chosen_per_fold"]) == m["folds"] for m in picked)
