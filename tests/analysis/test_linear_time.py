"""Text handling stays linear: one paste must never freeze the server.

Each function that reads a learner's text is fed adversarial single-line inputs of
10 KB and 1 MB (no sentence end, long runs of one pattern); the time may grow by
at most 300x for 100x the text (quadratic growth would be ~10,000x). A regex that
backtracks super-linearly fails here long before it fails in production.
"""

from __future__ import annotations

import multiprocessing
import re
import time
from collections.abc import Callable

import pytest

from empathic.analysis.blame import find_blame
from empathic.analysis.features import question_grams, question_sentences
from empathic.analysis.identifiers import find_identifiers
from empathic.analysis.phrasing import source_clause, utterances
from empathic.analysis.responsiveness import longest_list, uptake
from empathic.analysis.rules import find_cues

FUNCTIONS: dict[str, Callable[[str], object]] = {
    "question_grams": question_grams,
    "find_cues": find_cues,
    "uptake": lambda text: uptake(text, ["I'm worried about my job and the team."]),
    "longest_list": longest_list,
    "utterances": utterances,
    "source_clause": source_clause,
    "find_blame": find_blame,
    "find_identifiers": find_identifiers,
}
INPUTS: dict[str, Callable[[int], str]] = {
    "words without an end": lambda n: ("word " * n)[:n],
    "commas": lambda n: ("a, " * n)[:n],
    "you feel": lambda n: ("you feel " * n)[:n],
    "one question at the end": lambda n: ("so " * n)[: n - 1] + "?",
}
REVIEW_INPUTS: dict[str, Callable[[int], str]] = {
    "should have": lambda n: ("she should have checked " * n)[:n],
    "if had": lambda n: ("if the nurse had " * n)[:n],
    "because of": lambda n: ("because of the nurse " * n)[:n],
    "identifier-like": lambda n: ("0161 496 0000 a@b.c Dr Mr DOB 12/12/19 " * n)[:n],
}
"""Worst cases for the learning-review checks' own patterns, run on those checks only."""
ALL_INPUTS = INPUTS | REVIEW_INPUTS
CASES = [(name, kind) for name in sorted(FUNCTIONS) for kind in sorted(INPUTS)] + [
    (name, kind) for name in ("find_blame", "find_identifiers") for kind in sorted(REVIEW_INPUTS)
]


def _seconds(fn: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - start)
    return best


def _large_seconds(name: str, kind: str, limit: float) -> float | None:
    """Time the 1 MB input in a forked child, so a quadratic regex fails at `limit`
    instead of holding the test run for an hour; None when it ran out of time."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(
        target=lambda: results.put(_seconds(FUNCTIONS[name], ALL_INPUTS[kind](1_000_000)))
    )
    child.start()
    child.join(limit)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return float(results.get(timeout=5))


@pytest.mark.parametrize(("name", "kind"), CASES)
def test_time_grows_linearly_from_10_kb_to_1_mb(name: str, kind: str) -> None:
    fn, make = FUNCTIONS[name], ALL_INPUTS[kind]
    fn(make(1_000))  # caches and compiled patterns warm
    small = max(_seconds(fn, make(10_000)), 1e-4)
    limit = 300 * small + 0.5
    large = _large_seconds(name, kind, limit * 2 + 5)
    assert large is not None and large < limit, (name, kind, small, large)


def test_question_sentences_match_the_regex_they_replace() -> None:
    old = re.compile(r"[^.?!\n]*\?")
    for text in (
        "",
        "?",
        "a.?",
        "How are you? Fine. And you?!",
        "no question here",
        "line one?\nline two? three",
        "Why? Why not?? ok.",
    ):
        assert question_sentences(text) == old.findall(text)
