"""Speed and memory figures for the analysis engine (`empathic bench`).

Timing goals live here, never in unit tests: this prints measurements.
"""

from __future__ import annotations

import json
import random
import resource
import time
from typing import Any

from empathic.config import Settings
from empathic.conversation import Transcript, Turn

OTHER_LINES = (
    "I've been feeling completely overwhelmed since the reorganisation.",
    "Honestly I don't know if this goal is even right for me any more.",
    "The new tool flagged my numbers again and nobody explained why.",
    "I made a mistake with the dose yesterday and I can't stop thinking about it.",
    "It's fine. I'm fine. Just tired, I suppose.",
)
LEARNER_LINES = (
    "What's been the hardest part of it for you?",
    "It sounds like you've been carrying this on your own for a while.",
    "Have you tried making a list and blocking time in the mornings?",
    "Don't worry, it'll be fine, everyone goes through this.",
    "So part of you wants to keep going and part of you wonders whether it's worth it.",
    "Did you tell your manager?",
    "The data shows most people adapt within about six weeks.",
    "Thank you for telling me that; I know it wasn't easy.",
)


def generated_transcript(turns: int, seed: int = 7) -> Transcript:
    """A long two-person conversation, reproducible from the seed; every turn is unique."""
    rng = random.Random(seed)
    out = []
    for i in range(turns):
        if i % 2 == 0:
            out.append(Turn("Alex", rng.choice(OTHER_LINES) + f" ({i})"))
        else:
            out.append(Turn("Sam", rng.choice(LEARNER_LINES) + f" ({i})"))
    return Transcript(out, source="<generated>", format="text")


def run_analysis_bench(
    *, turns: int = 10_000, pack: str | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    """Model load time, end-to-end utterances per second and peak memory."""
    settings = settings or Settings()
    transcript = generated_transcript(turns)
    started = time.perf_counter()
    from empathic.analysis.packs import load_pack  # import counted in the model load time
    from empathic.analysis.report import build_report

    info, coder = load_pack(pack, settings)
    loaded = time.perf_counter()
    report = build_report(transcript, learner="Sam", coder=coder, pack=info)
    serialised = json.dumps(report.to_dict())
    done = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    learner_turns = len(report.learner_turns)
    units = sum(len(turn.units) for turn in report.learner_turns)
    seconds = done - loaded
    return {
        "pack": info.name,
        "turns": turns,
        "learner_turns": learner_turns,
        "learner_utterances": units,
        "model_load_s": round(loaded - started, 3),
        "analyse_s": round(seconds, 3),
        "utterances_per_s": round(units / seconds, 1) if seconds else None,
        "learner_turns_per_s": round(learner_turns / seconds, 1) if seconds else None,
        "all_turns_per_s": round(turns / seconds, 1) if seconds else None,
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "json_mb": round(len(serialised) / 1e6, 2),
        "note": "one process, one core; peak RSS is the whole process (interpreter included); "
        "analyse_s covers coding, metrics, feedback, rewrites and JSON serialisation; "
        "utterances are the sentences MITI codes (a learner turn is coded whole and, when it "
        "has several, sentence by sentence)",
    }
