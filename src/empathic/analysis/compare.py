"""Side-by-side accuracy of packs on labelled files (`empathic packs compare`).

A pack is never scored on data it was trained on: where a pack's card lists
a file among its training data, its cross-validated metric from the card is
shown instead (marked "cv"), so every number is on data the model never saw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from empathic.analysis.datasets import read_labelled_csv
from empathic.analysis.evaluation import evaluate
from empathic.analysis.packs import load_pack
from empathic.analysis.training import file_sha256
from empathic.config import Settings

Say = Callable[[str], None]


def compare_packs(
    pack_names: Sequence[str],
    files: Sequence[Path],
    settings: Settings,
    say: Say | None = None,
) -> dict[str, Any]:
    """Macro-F1 and accuracy per (file, task, pack), held-out or cross-validated."""
    say = say or (lambda _m: None)
    loaded = {name: load_pack(name, settings) for name in pack_names}
    rows_out: list[dict[str, Any]] = []
    for path in files:
        rows = read_labelled_csv(path)
        digest = file_sha256(path)
        for name, (info, coder) in loaded.items():
            trained_on = {d.get("sha256") for d in info.card.get("training_data", [])}
            if digest in trained_on:
                say(f"{path.name}: {name} was trained on it; using its cross-validated metrics")
                metrics = info.card.get("metrics", {})
                present = {t for r in rows for t in r.labels}
                scores = {t: m for t, m in metrics.items() if t in present and "macro_f1" in m}
                how = "cv"
            else:
                say(f"{path.name}: evaluating {name}")
                scores = evaluate(coder, rows)
                how = "held-out"
            for task, s in scores.items():
                rows_out.append(
                    {
                        "data": path.name,
                        "task": task,
                        "pack": info.name,
                        "how": how,
                        "n": s["n"],
                        "accuracy": s["accuracy"],
                        "macro_f1": s["macro_f1"],
                    }
                )
    return {
        "packs": {n: info.to_dict() for n, (info, _c) in loaded.items()},
        "rows": rows_out,
    }


def comparison_table(result: dict[str, Any], base: str, other: str) -> list[dict[str, Any]]:
    """One line per (data, task): both packs' macro-F1 and the difference base − other."""
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    for row in result["rows"]:
        entry = by_key.setdefault(
            (row["data"], row["task"]), {"data": row["data"], "task": row["task"]}
        )
        entry[row["pack"]] = row["macro_f1"]
        entry[f"{row['pack']}_how"] = row["how"]
        entry[f"{row['pack']}_n"] = row["n"]
        entry.setdefault("n", row["n"])
    lines = list(by_key.values())
    for line in lines:
        if base in line and other in line:
            line["difference"] = round(line[base] - line[other], 4)
    return lines
