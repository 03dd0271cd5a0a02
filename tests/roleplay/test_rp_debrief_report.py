"""The session report in learner numbering: turn references renumbered, odd JSON skipped."""

from __future__ import annotations

from empathic.roleplay.debrief_report import learner_numbered


def test_turn_references_are_renumbered_to_learner_turns():
    report: dict[str, object] = {
        "turns": [
            {"index": 0, "learner": False},
            {"index": 1, "learner": True},
            {"index": 2, "learner": False},
            {"index": 3, "learner": True},
        ],
        "summary": {
            "strengths": [{"turns": [1, 3, 2]}],
            "missed_opportunities": [{"turns": [3]}],
            "rewrites": [{"turn": 3}, {"turn": 2}, {"turn": None}],
            "dimension_evidence": {"empathy": [{"turn": 1, "quote": "x"}]},
        },
    }
    out = learner_numbered(report)
    assert [t.get("turn") for t in out["turns"]] == [None, 1, None, 2]
    summary = out["summary"]
    assert summary["strengths"] == [{"turns": [1, 2]}]
    assert summary["missed_opportunities"] == [{"turns": [2]}]
    assert [r["turn"] for r in summary["rewrites"]] == [2, None, None]
    assert summary["dimension_evidence"]["empathy"][0]["turn"] == 1
    assert out["numbering"] == "learner turns: 1 is your first line"


def test_values_of_the_wrong_shape_are_skipped_not_fatal():
    report: dict[str, object] = {
        "turns": ["not an object", {"learner": True}, {"index": "1", "learner": True}],
        "summary": {"strengths": "none", "rewrites": [3], "dimension_evidence": []},
    }
    out = learner_numbered(report)
    assert out["turns"] == ["not an object", {"learner": True}, {"index": "1", "learner": True}]
    assert out["summary"] == {"strengths": "none", "rewrites": [3], "dimension_evidence": []}
