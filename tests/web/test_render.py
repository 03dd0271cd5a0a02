"""Page text helpers."""

from __future__ import annotations

from empathic.web.render import counted


def test_counts_read_as_english() -> None:
    assert counted(1, "question") == "1 question" and counted(2, "question") == "2 questions"
    assert counted(0, "day") == "0 days" and counted(None, "turn") == "0 turns"
    assert counted(1, "piece of advice", "pieces of advice") == "1 piece of advice"
    assert counted(3, "piece of advice", "pieces of advice") == "3 pieces of advice"
