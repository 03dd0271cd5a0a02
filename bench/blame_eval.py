"""How well `find_blame` tells blaming sentences from neutral ones, on the project's own data.

    python bench/blame_eval.py [--errors] [--splits dev,test]

Reads data/blame/sentences.csv (written for the project, see its README) and prints
precision, recall and F1 for the dev split (the rules were tuned on it), the
held-back test split (never used for tuning) and, inside it, batch 2: pairs
written after the rules were frozen, the most honest figure. Then, per labelled
kind, how many blaming sentences were caught and which kinds the detector gave
them. A sentence counts as predicted blaming when `find_blame` returns any flag.
`--errors` lists the dev split's misses and false alarms (never the test split's,
so that tuning cannot look at it).
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from empathic.analysis.blame import find_blame

DATA = Path(__file__).resolve().parents[1] / "data" / "blame" / "sentences.csv"


@dataclass(frozen=True)
class Row:
    id: str
    pair: str
    label: int
    kind: str
    split: str
    batch: int
    people: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def read_rows(path: Path = DATA) -> list[Row]:
    """The labelled sentences; `people` is the review's names, separated by ';'."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Row(
                r["id"],
                r["pair"],
                int(r["label"]),
                r["kind"],
                r["split"],
                int(r["batch"]),
                tuple(p.strip() for p in r["people"].split(";") if p.strip()),
                r["text"],
            )
            for r in csv.DictReader(handle)
        ]


def predicted_kinds(row: Row) -> list[str]:
    return [flag.kind for flag in find_blame(row.text, row.people)]


def score(rows: list[Row]) -> Scores:
    counts: Counter[tuple[int, bool]] = Counter()
    for row in rows:
        counts[row.label, bool(predicted_kinds(row))] += 1
    return Scores(counts[1, True], counts[0, True], counts[1, False], counts[0, False])


def _by_kind(rows: list[Row]) -> list[str]:
    caught: Counter[str] = Counter()
    total: Counter[str] = Counter()
    given: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row.label != 1:
            continue
        kinds = predicted_kinds(row)
        total[row.kind] += 1
        caught[row.kind] += bool(kinds)
        given[row.kind].update(set(kinds) or {"(none)"})
    lines = []
    for kind in sorted(total):
        found = ", ".join(f"{k} {n}" for k, n in given[kind].most_common())
        lines.append(f"  {kind:<16} caught {caught[kind]:>3}/{total[kind]:<3} flagged as: {found}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the dev split's errors")
    parser.add_argument("--splits", default="dev,test", help="which splits to score")
    args = parser.parse_args()
    rows = read_rows()
    print(f"{DATA.relative_to(DATA.parents[2])}: {len(rows)} sentences")
    groups = {
        "dev": [r for r in rows if r.split == "dev"],
        "test": [r for r in rows if r.split == "test"],
        "test, batch 2 (blind)": [r for r in rows if r.split == "test" and r.batch == 2],
    }
    for name, part in groups.items():
        if name.split(",")[0] not in args.splits.split(","):
            continue
        s = score(part)
        print(
            f"{name}: n={len(part)}  precision {s.precision:.3f}  recall {s.recall:.3f}  "
            f"F1 {s.f1:.3f}   (tp {s.tp}, fp {s.fp}, fn {s.fn}, tn {s.tn})"
        )
        print("\n".join(_by_kind(part)))
    if args.errors:
        for row in rows:
            if row.split == "dev" and bool(predicted_kinds(row)) != bool(row.label):
                miss = "missed" if row.label else "false alarm"
                print(f"{row.id} {miss:<11} {row.kind or '-':<16} {row.text}")


if __name__ == "__main__":
    main()
