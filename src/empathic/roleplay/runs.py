"""Saved practice runs: one JSON file per run in the runs directory, and exact replay.

A run is reproducible from its scenario, difficulty, seed and learner lines, so
that is what replay re-executes; the saved output is kept alongside so replay
can prove the engine still produces the same conversation, turn by turn.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from empathic.analysis.coding import Coder
from empathic.roleplay.engine import run_lines
from empathic.roleplay.loading import find_scenario, load_scenario
from empathic.roleplay.result import RunResult
from empathic.roleplay.scenario import Scenario
from empathic.roleplay.voices import Voice

RUN_FORMAT = 1
COMPARED = ("opening", "turns", "state", "facts", "ended_by", "outcome", "difficulty", "seed")


class RunError(ValueError):
    """A run that cannot be found or read, with a message saying which and why."""


@dataclass
class SavedRun:
    """A run as stored on disk: JSON read back from a file anyone may have edited, so its
    shape is checked when it is loaded."""

    path: Path
    payload: dict[str, object]

    @property
    def run(self) -> dict[str, object]:
        return cast("dict[str, object]", self.payload["run"])

    @property
    def lines(self) -> list[str]:
        return [str(line) for line in cast("list[object]", self.payload["learner_lines"])]

    @property
    def intention(self) -> str:
        return str(self.payload.get("intention", ""))

    @property
    def reflection(self) -> str:
        return str(self.payload.get("reflection", ""))

    def scenario(self) -> Scenario:
        """The scenario it was played against: its file if one was given, else the library's."""
        source = self.payload.get("scenario_path")
        if isinstance(source, str) and source:
            return load_scenario(source)
        return find_scenario(str(self.run["scenario"]))


@dataclass
class Replay:
    """A re-execution and whether it matches what was saved."""

    result: RunResult
    identical: bool
    differences: list[str] = field(default_factory=list)


def save_run(
    result: RunResult,
    runs_dir: Path,
    *,
    intention: str = "",
    reflection: str = "",
    scenario_path: str | None = None,
    now: datetime | None = None,
) -> Path:
    """Write the run atomically and return its path; never overwrites an existing run."""
    runs_dir.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(UTC)  # one instant for the file name and `saved_at`
    stamp = now.strftime("%Y%m%d-%H%M%S")
    payload = {
        "format": RUN_FORMAT,
        "saved_at": now.isoformat(timespec="seconds"),
        "scenario_path": scenario_path,
        "learner_lines": result.learner_lines,
        "intention": intention,
        "reflection": reflection,
        "run": result.to_dict(),
    }
    base = f"{stamp}-{result.scenario}-s{result.seed}"
    path = runs_dir / f"{base}.json"
    n = 1
    while path.exists():
        n += 1
        path = runs_dir / f"{base}-{n}.json"
    fd, tmp = tempfile.mkstemp(dir=runs_dir, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False, indent=2)
    os.replace(tmp, path)
    return path


def list_runs(runs_dir: Path) -> list[Path]:
    return sorted(runs_dir.glob("*.json")) if runs_dir.is_dir() else []


def load_run(ref: str | Path, runs_dir: Path | None = None) -> SavedRun:
    """A saved run by path, by file name or id in the runs directory, or `latest`."""
    path = _resolve(str(ref), runs_dir)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RunError(f"{path}: cannot read run: {exc}") from exc
    if not (
        isinstance(payload, dict)
        and isinstance(payload.get("run"), dict)
        and isinstance(payload.get("learner_lines"), list)
    ):
        raise RunError(
            f"{path}: not a saved practice run (expected a 'run' object and a 'learner_lines' list)"
        )
    return SavedRun(path, payload)


def _resolve(ref: str, runs_dir: Path | None) -> Path:
    path = Path(ref)
    if path.is_file():
        return path
    runs = list_runs(runs_dir) if runs_dir else []
    if ref == "latest" and runs:
        return max(runs, key=lambda p: p.stat().st_mtime)
    for candidate in runs:
        if candidate.stem == ref or candidate.name == ref:
            return candidate
    matches = [c for c in runs if ref in c.stem]
    if len(matches) == 1:
        return matches[0]
    where = f" in {runs_dir}" if runs_dir else ""
    hint = f"; ambiguous: {', '.join(m.stem for m in matches[:5])}" if matches else ""
    raise RunError(f"{ref}: no such run{where}{hint} (expected a path, a run id or 'latest')")


def replay_run(
    saved: SavedRun, *, coder: Coder | None = None, voice: Voice | None = None
) -> Replay:
    """Re-execute the saved learner lines with the same seed and compare every turn."""
    run = saved.run
    seed = run.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise RunError(f"{saved.path}: the saved run has no integer seed to replay")
    result = run_lines(
        saved.scenario(),
        saved.lines,
        difficulty=str(run["difficulty"]),
        seed=seed,
        coder=coder,
        voice=voice,
    )
    fresh = result.to_dict()
    differences = [
        f"{key}: saved {_short(run.get(key))} != replayed {_short(fresh.get(key))}"
        for key in COMPARED
        if run.get(key) != fresh.get(key)
    ]
    return Replay(result, not differences, differences)


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."
