"""`empathic packs compare open NAME --data CORRECTIONS.csv`: is your organisation's pack better?

A thin adapter over `analysis.compare.compare_on_held_back`: the packs are scored
only on the practice runs an organisation pack held back from its training (its
card lists them), so neither pack has seen a row it is scored on.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table


def compare_held_back(names: list[str], data: Path, as_json: bool) -> None:
    """Print, per label, both packs' macro-F1 on the held-back corrections and the better one."""
    from empathic.analysis.compare import FEW_ROWS, compare_on_held_back
    from empathic.analysis.organisation import read_corrections
    from empathic.analysis.packs import load_pack
    from empathic.analysis.training import file_sha256
    from empathic.cli import _settings, fail, user_errors

    names = list(dict.fromkeys(names))
    if len(names) < 2:
        fail(
            "name two packs to compare on the held-back corrections, "
            "e.g. `empathic packs compare open acme --data corrections.csv`"
        )
    settings = _settings()
    with user_errors():
        rows = read_corrections(data)
        packs = [load_pack(name, settings) for name in names]
        result = compare_on_held_back(packs, rows, file_sha256(data))
    if as_json:
        print(json.dumps(result, indent=2))
        return
    held = result["held_back"]
    table = Table(
        title=f"macro-F1 on {held['rows']} held-back corrections from {held['runs_with_rows']} "
        "practice runs that no pack was trained on"
    )
    for column in ("task", "n", *names, "better"):
        table.add_column(column)
    for line in result["tasks"]:
        cells = [
            f"{line['scores'][n]['macro_f1']:.3f}" if n in line["scores"] else "-" for n in names
        ]
        better = line["better"] + (" (few rows)" if line["few"] else "")
        table.add_row(line["task"], str(line["n"]), *cells, better)
    console = Console()
    console.print(table)
    wins = {name: sum(1 for line in result["tasks"] if line["better"] == name) for name in names}
    console.print(
        "Better on: "
        + ", ".join(f"{name} {count} of {len(result['tasks'])}" for name, count in wins.items())
    )
    if any(line["few"] for line in result["tasks"]):
        console.print(
            f"A label with fewer than {FEW_ROWS} rows is a hint, not evidence: "
            "collect more corrections before switching the default pack."
        )
