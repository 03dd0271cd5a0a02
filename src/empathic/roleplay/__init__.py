"""Role-play practice: scenarios, a deterministic simulation engine, voices and debriefs.

Plain Python with no web or database imports (DESIGN §2.1). Hidden facts stay
in the engine; voices see only what has been unlocked (§2.3); the engine owns
the state and a seed replays a run exactly (§2.4).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from empathic.roleplay.debrief import Debrief, build_debrief
    from empathic.roleplay.engine import Simulation, SimulationOver, run_lines
    from empathic.roleplay.loading import (
        ScenarioError,
        find_scenario,
        library_paths,
        load_library,
        load_scenario,
        parse_scenario,
    )
    from empathic.roleplay.result import RunResult, StepRecord
    from empathic.roleplay.runs import Replay, SavedRun, load_run, replay_run, save_run
    from empathic.roleplay.scenario import Scenario
    from empathic.roleplay.voices import FactView, ScriptedVoice, Voice, VoiceView

_HOME = {
    "Debrief": "debrief",
    "build_debrief": "debrief",
    "Simulation": "engine",
    "SimulationOver": "engine",
    "run_lines": "engine",
    "ScenarioError": "loading",
    "find_scenario": "loading",
    "library_paths": "loading",
    "load_library": "loading",
    "load_scenario": "loading",
    "parse_scenario": "loading",
    "RunResult": "result",
    "StepRecord": "result",
    "Replay": "runs",
    "SavedRun": "runs",
    "load_run": "runs",
    "replay_run": "runs",
    "save_run": "runs",
    "Scenario": "scenario",
    "FactView": "voices",
    "ScriptedVoice": "voices",
    "Voice": "voices",
    "VoiceView": "voices",
}
"""Where each export lives: imported on first use, so `empathic --help` does not pay
for numpy and the analysis engine that the debrief needs (PEP 562)."""


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Debrief",
    "FactView",
    "Replay",
    "RunResult",
    "SavedRun",
    "Scenario",
    "ScenarioError",
    "ScriptedVoice",
    "Simulation",
    "SimulationOver",
    "StepRecord",
    "Voice",
    "VoiceView",
    "build_debrief",
    "find_scenario",
    "library_paths",
    "load_library",
    "load_run",
    "load_scenario",
    "parse_scenario",
    "replay_run",
    "run_lines",
    "save_run",
]
