"""The static vector table: word pieces, sentence vectors, distillation and the featurizer."""

from __future__ import annotations

import json
import struct
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from empathic.analysis.distill import (
    BertEncoder,
    distill,
    read_safetensors,
    save_table,
)
from empathic.analysis.distill import (
    main as distill_main,
)
from empathic.analysis.embedding import (
    EmbeddingError,
    StaticEmbedding,
    WordPieces,
    basic_words,
    load_embedding,
    read_table,
)
from empathic.analysis.features import DENSE_NAMES, FeatureConfig, Featurizer


def write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    """The inverse of `read_safetensors` (float32 and int64 only): tiny models for tests."""
    names = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}
    header: dict[str, object] = {}
    blobs: list[bytes] = []
    offset = 0
    for name, array in tensors.items():
        blob = np.ascontiguousarray(array).tobytes()
        header[name] = {
            "dtype": names[array.dtype],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(blob)],
        }
        blobs.append(blob)
        offset += len(blob)
    encoded = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "that", "sound", "##s", "hard", "'", "t", "don"]
VOCAB += ["worry", "!", "cafe", "un", "##believ", "##able", "?"]


def test_basic_words_lowercases_strips_accents_and_splits_punctuation() -> None:
    assert basic_words("Don't WORRY, Café!") == ["don", "'", "t", "worry", ",", "cafe", "!"]
    assert basic_words("snake_case  x") == ["snake", "_", "case", "x"]


def test_basic_words_drop_invisible_characters_and_split_ideographs() -> None:
    assert basic_words("ok\u200bay\x00!") == ["okay", "!"]  # zero-width space and NUL
    assert basic_words("你好 world") == ["你", "好", "world"]
    assert basic_words("sad 😢") == ["sad", "😢"]


def test_unknown_pieces_carry_no_meaning_and_long_words_are_not_cached() -> None:
    table = _table()
    emoji_only, with_emoji, plain = table.embed(
        ["😀 🎉", "that sounds hard 😢", "that sounds hard"]
    )
    assert not emoji_only.any()  # only [UNK]: no direction, not a shared "unknown" one
    np.testing.assert_array_equal(with_emoji, plain)
    table.pieces.ids("a" * 500 + " hard")
    assert "a" * 500 not in table.pieces._known and "hard" in table.pieces._known


def test_word_pieces_take_the_longest_known_piece_first() -> None:
    pieces = WordPieces({t: i for i, t in enumerate(VOCAB)})
    assert pieces.ids("That sounds hard") == [4, 5, 6, 7]
    assert pieces.ids("unbelievable?") == [14, 15, 16, 17]
    assert pieces.ids("Don't worry!") == [10, 8, 9, 11, 12]
    assert pieces.ids("zebra") == [1]  # no piece for "z": the whole word is unknown
    assert pieces.ids("a" * 101) == [1]


def _table(dim: int = 4, seed: int = 1) -> StaticEmbedding:
    vectors = np.random.default_rng(seed).normal(size=(len(VOCAB), dim))
    return StaticEmbedding(VOCAB, vectors, "tiny")


def test_embed_is_the_unit_mean_of_the_piece_vectors() -> None:
    table = _table()
    got = table.embed(["That sounds hard", "", "hard hard"])
    expected = table.vectors[[4, 5, 6, 7]].mean(axis=0)
    np.testing.assert_allclose(got[0], expected / np.linalg.norm(expected), rtol=1e-5)
    assert not got[1].any()  # no words, no direction
    hard = table.vectors[7] / np.linalg.norm(table.vectors[7])
    np.testing.assert_allclose(got[2], hard, rtol=1e-5)
    np.testing.assert_allclose(table.embed(["hard hard"])[0], got[2])  # batch = one by one


def test_a_table_without_an_unknown_token_or_with_mismatched_rows_is_refused() -> None:
    with pytest.raises(EmbeddingError, match=r"no \[UNK\]"):
        StaticEmbedding(["a", "b"], np.zeros((2, 3)), "bad")
    with pytest.raises(EmbeddingError, match="3 tokens but 2 vectors"):
        StaticEmbedding(["a", "b", "[UNK]"], np.zeros((2, 3)), "bad")


def test_a_table_round_trips_through_its_file_and_a_broken_file_names_itself(
    tmp_path: Path,
) -> None:
    vectors = np.arange(len(VOCAB) * 3, dtype=np.float32).reshape(len(VOCAB), 3)
    path = tmp_path / "tiny.npz"
    save_table(path, VOCAB, vectors)
    table = read_table(path)
    assert table.pieces.vocabulary == {t: i for i, t in enumerate(VOCAB)}
    np.testing.assert_allclose(table.vectors, vectors.astype(np.float16))
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a table")
    with pytest.raises(EmbeddingError, match=r"broken\.npz"):
        read_table(broken)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(EmbeddingError, match=r"truncated\.npz: cannot read"):
        read_table(truncated)
    flat = tmp_path / "flat.npz"
    np.savez(flat, tokens=np.asarray(VOCAB), vectors=np.zeros(len(VOCAB)))
    with pytest.raises(EmbeddingError, match="must be a table"):
        read_table(flat)


@pytest.mark.parametrize("name", ["../packs/open/models", "/etc/passwd", "", "Minilm"])
def test_a_table_name_from_a_card_cannot_leave_the_vectors_folder(name: str) -> None:
    with pytest.raises(EmbeddingError, match="is not a vector table name"):
        load_embedding(name)


def _tiny_bert(folder: Path, hidden: int = 8, layers: int = 2) -> BertEncoder:
    rng = np.random.default_rng(7)

    def normal(*shape: int) -> np.ndarray:
        return rng.normal(scale=0.5, size=shape).astype(np.float32)

    weights = {
        "embeddings.word_embeddings.weight": normal(len(VOCAB), hidden),
        "embeddings.position_embeddings.weight": normal(16, hidden),
        "embeddings.token_type_embeddings.weight": normal(2, hidden),
        "embeddings.LayerNorm.weight": np.ones(hidden, np.float32),
        "embeddings.LayerNorm.bias": np.zeros(hidden, np.float32),
        "embeddings.position_ids": np.arange(16, dtype=np.int64)[None, :],
    }
    for layer in range(layers):
        p = f"encoder.layer.{layer}."
        for name, (rows, cols) in {
            "attention.self.query": (hidden, hidden),
            "attention.self.key": (hidden, hidden),
            "attention.self.value": (hidden, hidden),
            "attention.output.dense": (hidden, hidden),
            "intermediate.dense": (4 * hidden, hidden),
            "output.dense": (hidden, 4 * hidden),
        }.items():
            weights[p + name + ".weight"] = normal(rows, cols)
            weights[p + name + ".bias"] = normal(rows)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            weights[p + norm + ".weight"] = np.ones(hidden, np.float32)
            weights[p + norm + ".bias"] = np.zeros(hidden, np.float32)
    write_safetensors(folder / "model.safetensors", {"bert." + k: v for k, v in weights.items()})
    read = read_safetensors(folder / "model.safetensors")
    assert read.keys() == weights.keys()  # the "bert." prefix is dropped on reading
    np.testing.assert_array_equal(
        read["encoder.layer.1.output.dense.weight"], weights["encoder.layer.1.output.dense.weight"]
    )
    return BertEncoder(read, heads=2, layers=layers)


def test_padding_never_changes_a_sequence_s_pooled_vector(tmp_path: Path) -> None:
    encoder = _tiny_bert(tmp_path)
    alone = encoder.pooled([[2, 4, 5, 3]])
    padded = encoder.pooled([[2, 4, 5, 3], [2, 4, 5, 6, 7, 7, 3]])
    np.testing.assert_allclose(padded[0], alone[0], rtol=1e-5, atol=1e-6)
    assert not np.allclose(padded[1], alone[0])
    # attention mixes positions: the same piece pooled after different pieces differs
    assert not np.allclose(encoder.pooled([[2, 4, 3]])[0], encoder.pooled([[2, 7, 4, 3]])[0])


def test_distilling_gives_one_reproducible_vector_per_piece(tmp_path: Path) -> None:
    encoder = _tiny_bert(tmp_path)
    first = distill(encoder, VOCAB, dim=3)
    again = distill(encoder, VOCAB, dim=3)
    assert first.shape == (len(VOCAB), 3)
    np.testing.assert_array_equal(first, again)  # PCA signs fixed: the same table every time
    # each row is the piece's centred pooled vector, projected, times log(1 + rank) / 10
    pooled = encoder.pooled([[2, i, 3] for i in range(len(VOCAB))]).astype(np.float64)
    centred = pooled - pooled.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    projected = np.abs(centred @ components[:3].T)  # signs are fixed by `distill`, not by svd
    rank = np.log1p(np.arange(len(VOCAB)))[:, None] / 10
    np.testing.assert_allclose(np.abs(first), projected * rank, rtol=1e-4, atol=1e-6)
    assert not first[0].any()  # rank 0 ([PAD]) weighs log(1) = 0
    with pytest.raises(ValueError, match="between 1 and the model's width"):
        distill(encoder, VOCAB, dim=9)  # the tiny model is 8 wide


def test_the_safetensors_reader_refuses_short_tensors_and_unknown_types(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    write_safetensors(path, {"x": np.ones((2, 3), np.float32)})
    raw = bytearray(path.read_bytes())
    short = tmp_path / "short.safetensors"
    short.write_bytes(bytes(raw[:-4]))
    with pytest.raises(ValueError, match=r"x is cut short \(20 of 24 bytes\)"):
        read_safetensors(short)
    header = b'{"x": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}'
    typed = tmp_path / "bf16.safetensors"
    typed.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 4)
    with pytest.raises(ValueError, match="x is BF16; only F32, F16, I64 are read"):
        read_safetensors(typed)
    header = b'{"x": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}'
    typed.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 4)
    with pytest.raises(ValueError, match="x is declared as 4 bytes, not 8"):
        read_safetensors(typed)
    (tmp_path / "junk.safetensors").write_bytes(b"\x01")
    with pytest.raises(ValueError, match="not a safetensors file"):
        read_safetensors(tmp_path / "junk.safetensors")


def test_the_bundled_table_covers_the_vocabulary_and_places_similar_words_together() -> None:
    table = load_embedding("minilm-l6-static")
    assert len(table.pieces.vocabulary) == 30522 and table.dim == 256
    sad, upset, invoice = table.embed(["I feel so sad", "I am really upset", "the invoice total"])
    assert float(sad @ upset) > float(sad @ invoice) + 0.2


def test_featurizer_appends_the_vector_block_and_old_cards_keep_it_off() -> None:
    config = FeatureConfig(
        word_bits=10, char_bits=10, context_bits=8, question_bits=8, embedding="minilm-l6-static"
    )
    texts, contexts = ["That sounds hard", ""], ["I lost the deal", ""]
    matrix = Featurizer(config).transform(texts, contexts).toarray()
    assert matrix.shape == (2, config.width)
    plain = Featurizer(replace(config, embedding="")).transform(texts, contexts).toarray()
    start = plain.shape[1] - len(DENSE_NAMES)  # the vectors sit before the detector block
    vectors = matrix[:, start : start + 256]
    np.testing.assert_array_equal(np.delete(matrix, np.s_[start : start + 256], axis=1), plain)
    expected = load_embedding("minilm-l6-static").embed(texts)
    np.testing.assert_allclose(vectors, expected, rtol=1e-6)
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0) and not vectors[1].any()
    old = FeatureConfig.from_dict({"word_bits": 10, "char_bits": 10, "context_bits": 8})
    assert old.embedding == "" and old.width == FeatureConfig(**old.to_dict()).width


def test_the_distill_command_writes_a_table_the_featurizer_can_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "model"
    model.mkdir()
    assert distill_main([str(model)]) == 2
    assert "missing config.json, model.safetensors, vocab.txt" in capsys.readouterr().err
    _tiny_bert(model)
    (model / "vocab.txt").write_text("\n".join(VOCAB) + "\n", "utf-8")
    config = {"num_attention_heads": 2, "num_hidden_layers": 2}
    (model / "config.json").write_text(json.dumps(config), "utf-8")
    out = tmp_path / "tiny.npz"
    assert distill_main([str(model), "--dim", "9"]) == 2
    assert "between 1 and the model's width (8), not 9" in capsys.readouterr().err
    assert distill_main([str(model), "--dim", "3", "--out", str(out)]) == 0
    assert f"wrote {out} ({len(VOCAB)} x 3)" in capsys.readouterr().err
    table = read_table(out)
    assert table.dim == 3 and table.embed(["that sounds hard"]).shape == (1, 3)
