"""Outcomes of the learner scripts of every kind, scenario, difficulty (seeds 1 and 2).

    python bench/learner_scripts.py [FOLDER] [--pack NAME]
        (default folder: bench/learner_scripts/holdout; default pack: the rule coder)

Prints one row per scenario and kind, then the goal tallies of the practice-judgement
issue: skilled and paraphrase good at medium and never poor at hard; poor ends poor;
stock, stock_varied and spray never uncover the whole core story and never end good.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from empathic.analysis.coding import Coder
from empathic.analysis.packs import load_pack
from empathic.config import Settings
from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import load_library

LEVELS = ("easy", "medium", "hard")


def main(folder: Path, coder: Coder | None = None) -> None:
    tallies: dict[str, list[int]] = {}

    def tally(goal: str, ok: bool) -> None:
        tallies.setdefault(goal, [0, 0])
        tallies[goal][0] += ok
        tallies[goal][1] += 1

    for scenario in load_library():
        scripts = yaml.safe_load((folder / f"{scenario.id}.yaml").read_text())["scripts"]
        for kind, lines in scripts.items():
            cells = []
            for level in LEVELS:
                for seed in (1, 2):
                    run = run_lines(scenario, lines, difficulty=level, seed=seed, coder=coder)
                    core = sum(f in run.uncovered for f in run.core)
                    cells.append(f"{level[0]}{seed}:{run.outcome[0]}{core}/{len(run.core)}")
                    if kind in ("skilled", "paraphrase") and level == "medium":
                        tally(f"{kind} good at medium", run.outcome == "good")
                    if kind in ("skilled", "paraphrase") and level == "hard":
                        tally(f"{kind} not poor at hard", run.outcome != "poor")
                    if kind == "poor":
                        tally("poor ends poor", run.outcome == "poor")
                    if kind in ("stock", "stock_varied", "spray"):
                        tally(
                            f"{kind} neither whole core nor good",
                            not run.core_uncovered and run.outcome != "good",
                        )
            print(f"{scenario.id:24s} {kind:12s} {' '.join(cells)}")
    print()
    for goal, (ok, total) in tallies.items():
        print(f"{goal:40s} {ok}/{total}")


if __name__ == "__main__":
    args = sys.argv[1:]
    pack = None
    if "--pack" in args:
        at = args.index("--pack")
        pack = load_pack(args[at + 1], Settings())[1]
        del args[at : at + 2]
    default = Path(__file__).parent / "learner_scripts" / "holdout"
    main(Path(args[0]) if args else default, pack)
