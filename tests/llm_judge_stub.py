"""Replies of a language-model judge for the tests of `--judge llm` (library, CLI and web).

The tests serve these from `test_llm.StubServer`, a real OpenAI-compatible HTTP server on
127.0.0.1, so the whole path (ChatClient, HTTP, parsing, verification, cache) runs.
"""

from __future__ import annotations

import copy
import json
from typing import Any

CONVERSATION = """\
Sam: I'm so stressed about the deadline, I feel like I'm drowning.
Alex: It sounds like you're overwhelmed and worried you'll let the team down.
Sam: Yes. And nobody seems to notice how much I'm carrying.
Alex: What would help most right now?
"""
"""Alex (the second speaker, coached by default) speaks turns 1 and 3."""

GOOD: dict[str, Any] = {
    "dimensions": {
        "validating_emotions": {
            "score": 4,
            "evidence": [{"turn": 1, "quote": "worried you'll let the team down"}],
        },
        "encouraging_elaboration": {
            "score": 2,
            "evidence": [{"turn": 3, "quote": "What would help most right now?"}],
        },
        "demonstrating_understanding": {
            "score": 5,
            # other case and spacing, curly apostrophe: still the transcript's words
            "evidence": [{"turn": 1, "quote": "IT SOUNDS  LIKE you\u2019re\noverwhelmed"}],
        },
        "advice_giving": {"score": 1, "evidence": []},
        "self_oriented": {"score": 1, "evidence": []},
        "dismissing_emotions": {"score": 3, "evidence": []},
    },
    "turns": [
        {
            "turn": 1,
            "behaviour": {"value": "reflection", "quote": "It sounds like you're overwhelmed"},
            "emotional_reaction": {"value": 1, "quote": "worried you'll let the team down"},
            "interpretation": {"value": 2, "quote": "you're overwhelmed"},
            "exploration": {"value": 0, "quote": None},
        },
        {
            "turn": 3,
            "behaviour": {"value": "question", "quote": "What would help most"},
            "emotional_reaction": {"value": 0, "quote": None},
            "interpretation": {"value": 0, "quote": None},
            "exploration": {"value": 2, "quote": "What would help most right now?"},
        },
    ],
}
"""A usable verdict: eight quotes, every one in the turn it cites."""
GOOD_QUOTES = 8


def verdict(changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """A deep copy of GOOD; `changes` maps a dotted path ("dimensions.advice_giving.score",
    "turns.0.behaviour.value") to its new value."""
    data = copy.deepcopy(GOOD)
    for path, value in (changes or {}).items():
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return data


def as_reply(data: dict[str, Any]) -> str:
    return json.dumps(data)
