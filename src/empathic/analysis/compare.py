"""Side-by-side accuracy of packs on labelled files (`empathic packs compare`).

A pack is never scored on data it was trained on: where a pack's card lists
a file among its training data, its cross-validated metric from the card is
shown instead (marked "cv"), so every number is on data the model never saw.
With an organisation's corrections, packs are scored only on the runs an
organisation pack held back from its training (`compare_on_held_back`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from empathic.analysis.datasets import DataError, LabelledRow, read_labelled_csv
from empathic.analysis.evaluation import evaluate
from empathic.analysis.labels import LABELS
from empathic.analysis.packs import PackInfo, load_pack
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


FEW_ROWS = 30
"""Below this many held-back rows a label's difference is a hint, not evidence."""


def held_back_of(infos: Sequence[PackInfo], digest: str | None = None) -> frozenset[str]:
    """The runs none of the packs was trained on: the intersection of the held-back runs of
    the packs that hold some back. DataError when none does, or when a pack was trained on
    the whole file (its SHA-256 `digest`) without holding any back."""
    held: list[frozenset[str]] = []
    for info in infos:
        record = info.card.get("held_back")
        if isinstance(record, dict):
            held.append(frozenset(str(run) for run in record.get("conversations", [])))
            continue
        trained_on = {d.get("sha256") for d in info.card.get("training_data", [])}
        if digest is not None and digest in trained_on:
            raise DataError(f"pack {info.name!r} was trained on all of this file: no row is new")
    if not held:
        raise DataError(
            "none of these packs holds corrections back; build one with "
            "`empathic train --pack NAME --data CORRECTIONS.csv`"
        )
    return frozenset.intersection(*held)


def compare_on_held_back(
    packs: Sequence[tuple[PackInfo, Any]], rows: Sequence[LabelledRow], digest: str | None = None
) -> dict[str, Any]:
    """Macro-F1 and accuracy of each pack, per label, on the held-back runs' rows only,
    and which pack is better (`better`: a pack name or "tie"; `few` below FEW_ROWS)."""
    held = held_back_of([info for info, _ in packs], digest)
    selected = [row for row in rows if row.conversation_id in held]
    if not selected:
        raise DataError(
            f"none of the {len(held)} held-back runs has a correction in this data "
            "(was it exported from the same database?)"
        )
    scores = {info.name: evaluate(coder, selected) for info, coder in packs}
    tasks: list[dict[str, Any]] = []
    for task in LABELS:
        per_pack = {name: found[task] for name, found in scores.items() if task in found}
        if not per_pack:
            continue
        n = int(next(iter(per_pack.values()))["n"])
        best = max(s["macro_f1"] for s in per_pack.values())
        leaders = [name for name, s in per_pack.items() if s["macro_f1"] == best]
        tasks.append(
            {
                "task": task,
                "n": n,
                "scores": {
                    name: {"macro_f1": s["macro_f1"], "accuracy": s["accuracy"]}
                    for name, s in per_pack.items()
                },
                "better": leaders[0] if len(leaders) == 1 else "tie",
                "few": n < FEW_ROWS,
            }
        )
    return {
        "packs": {info.name: info.to_dict() for info, _ in packs},
        "held_back": {
            "runs": len(held),
            "runs_with_rows": len({row.conversation_id for row in selected}),
            "rows": len(selected),
        },
        "tasks": tasks,
    }
