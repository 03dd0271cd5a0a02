"""Role-play practice: scenarios, a deterministic simulation engine, voices and debriefs.

Plain Python with no web or database imports (DESIGN §2.1). Hidden facts stay
in the engine; voices see only what has been unlocked (§2.3); the engine owns
the state and a seed replays a run exactly (§2.4).
"""

from __future__ import annotations

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
