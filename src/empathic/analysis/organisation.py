"""An organisation's own pack: the open corpus plus its people's label corrections.

`empathic train --pack NAME --data CORRECTIONS.csv` trains on the project's corpus
and the export of `empathic corrections export`, except a seeded share of the
practice runs, which the model card lists as held back. Runs are held back whole,
so no conversation is on both sides. `empathic packs compare open NAME --data
CORRECTIONS.csv` then scores both packs on the held-back runs alone: the only
corrections neither pack has seen, and the evidence for switching the default.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from empathic.analysis.datasets import CORRECTIONS_SOURCE, DataError, LabelledRow, read_labelled_csv
from empathic.analysis.packs import PackError
from empathic.analysis.training import SEED, DataFile, Recipe, file_sha256, open_recipe

HOLD_BACK_SHARE = 0.2
"""Share of the runs (not rows) kept out of training to compare packs on."""
RESERVED = ("open", "research", "rules")
"""Names of the project's packs: an organisation pack must not shadow them."""
PACK_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def held_back_runs(
    runs: Iterable[str], share: float = HOLD_BACK_SHARE, seed: int = SEED
) -> tuple[str, ...]:
    """A seeded share of the runs (at least one, never all), ranked by a hash of each id so
    a run mostly keeps its side when more corrections arrive; () for a single run."""
    ids = sorted(set(runs))
    if len(ids) < 2:
        return ()
    count = min(len(ids) - 1, max(1, round(share * len(ids))))
    ranked = sorted(ids, key=lambda run: hashlib.sha256(f"{seed}:{run}".encode()).hexdigest())
    return tuple(sorted(ranked[:count]))


def read_corrections(path: Path) -> list[LabelledRow]:
    """The rows of a corrections export; DataError for an empty file or one that is not."""
    rows = read_labelled_csv(path)
    if not rows:
        raise DataError(f"{path}: no corrections in it")
    other = next((row for row in rows if row.source != CORRECTIONS_SOURCE), None)
    if other is not None:
        raise DataError(
            f"{path}:{other.line}: source {other.source!r} is not {CORRECTIONS_SOURCE!r}; "
            "--data FILE.csv takes the export of `empathic corrections export` "
            "(train on other labelled files with --pack open --data DIR)"
        )
    return rows


def check_pack_name(name: str) -> None:
    """An organisation pack gets a name of its own, usable as a folder name."""
    if name in RESERVED:
        raise PackError(
            f"{name!r} is one of the project's packs; name your organisation's pack "
            "(for example --pack acme) so it can be compared with open"
        )
    if not PACK_NAME.fullmatch(name):
        raise PackError(
            f"{name!r} is not a pack name: use lower-case letters, digits, '-' or '_' "
            "(at most 40, starting with a letter or digit)"
        )


def organisation_recipe(
    name: str, corpus_dir: Path, corrections: Path, share: float = HOLD_BACK_SHARE
) -> Recipe:
    """The open recipe plus the corrections file, with a share of its runs held back."""
    check_pack_name(name)
    base = open_recipe(corpus_dir)
    if not base.files:
        raise FileNotFoundError(f"no corpus CSV files in {corpus_dir} (set EMPATHIC_CORPUS_DIR)")
    rows = read_corrections(corrections)
    held = held_back_runs((row.conversation_id for row in rows), share)
    held_rows = sum(1 for row in rows if row.conversation_id in held)
    data = DataFile(
        "Your organisation's label corrections",
        corrections,
        "your organisation's own data",
        held_back=frozenset(held),
    )
    return Recipe(
        name=name,
        description=(
            f"The Empathic corpus plus {len(rows) - held_rows} label corrections made by your "
            f"organisation's people ({held_rows} more held back to compare it with open)."
        ),
        licence=(
            "Apache-2.0 (models); training corpus CC BY 4.0 and your organisation's own label "
            "corrections (keep the pack within your organisation)"
        ),
        commercial_use=True,
        files=(*base.files, data),
        card_extra={
            "held_back": {
                "file": corrections.name,
                "sha256": file_sha256(corrections),
                "share": share,
                "seed": SEED,
                "grouped_by": "conversation_id (the practice run)",
                "conversations": list(held),
                "rows": held_rows,
                "why": "never seen in training: `empathic packs compare open "
                f"{name} --data {corrections.name}` scores the packs on these alone",
            }
        },
    )
