"""How fast is one engine step (coding + state + scripted voice)? Measured, not asserted.

The goal is under 20 ms at p95 on a laptop (DESIGN §2.8: speed is measured by a
benchmark). `run_bench()` plays every reference playthrough of the library
several times and times each `Simulation.step`.
"""

from __future__ import annotations

import platform
import statistics
import time
from typing import TypedDict

from empathic.analysis.coding import Coder, RuleCoder
from empathic.roleplay.engine import Simulation
from empathic.roleplay.loading import load_library


class BenchFigures(TypedDict):
    """Step times in milliseconds, and what was measured on what."""

    steps: int
    scenarios: int
    coder: str
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float
    goal_p95_ms: float
    python: str
    machine: str


def run_bench(repeats: int = 5, coder: Coder | None = None) -> BenchFigures:
    """Step-time percentiles in milliseconds, with what was measured."""
    coder = coder if coder is not None else RuleCoder()
    scenarios = load_library()
    times: list[float] = []
    for _ in range(repeats):
        for scenario in scenarios:
            for playthrough in (scenario.playthroughs.empathic, scenario.playthroughs.poor):
                sim = Simulation(scenario, seed=len(times), coder=coder)
                for line in playthrough.lines:
                    if sim.finished:
                        break
                    start = time.perf_counter()
                    sim.step(line)
                    times.append((time.perf_counter() - start) * 1000)
    times.sort()

    def pct(p: float) -> float:
        return round(times[min(len(times) - 1, int(p * len(times)))], 3)

    return {
        "steps": len(times),
        "scenarios": len(scenarios),
        "coder": coder.name,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "max_ms": round(times[-1], 3),
        "mean_ms": round(statistics.fmean(times), 3),
        "goal_p95_ms": 20.0,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


if __name__ == "__main__":  # pragma: no cover
    from empathic.analysis.packs import load_pack
    from empathic.config import Settings

    # the coder practice runs use: the default pack, as in the web app and the CLI
    for key, value in run_bench(coder=load_pack(None, Settings())[1]).items():
        print(f"{key:>12}: {value}")
