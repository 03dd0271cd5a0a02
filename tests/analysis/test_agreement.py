"""Agreement of the session dimensions with expert judges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from empathic.analysis.agreement import (
    AgreementDataError,
    dimension_agreement,
    expert_bar,
    read_rated_conversations,
    spearman,
)
from empathic.analysis.labels import DIMENSIONS
from empathic.analysis.packs import load_pack
from empathic.cli import app
from empathic.config import Settings

WARM = [
    "Seeker: I'm exhausted, my manager keeps adding projects.",
    "Supporter: Exhausted, with projects piling up from your manager: that's a lot.",
    "Seeker: Yes, and I'm worried I'll drop something.",
    "Supporter: You're worried something will slip. What would help most?",
]
COLD = [
    "Seeker: I'm exhausted, my manager keeps adding projects.",
    "Supporter: Everyone is busy. You should just say no.",
    "Seeker: Yes, and I'm worried I'll drop something.",
    "Supporter: Don't worry, it'll be fine.",
]


def rated_folder(tmp_path: Path, experts: int = 3) -> Path:
    """Two conversations rated by `experts` experts: the warm one higher on validating."""
    (tmp_path / "conversations").mkdir()
    (tmp_path / "conversations" / "warm.txt").write_text("\n".join(WARM), encoding="utf-8")
    (tmp_path / "conversations" / "cold.txt").write_text("\n".join(COLD), encoding="utf-8")
    for k in range(1, experts + 1):
        head = "conversation_id," + ",".join(DIMENSIONS)
        warm = "warm," + ",".join(["5", "4", "4", "1", "1", "1"])
        cold = "cold," + ",".join(["1", "1", "1", "4", "1", str(3 + k % 2)])
        (tmp_path / f"expert{k}_ratings.csv").write_text(f"{head}\n{warm}\n{cold}\n", "utf-8")
    return tmp_path


def test_spearman_uses_ranks_and_handles_ties():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 400]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 2, 2], [1, 2, 3, 4]) == pytest.approx(0.894, abs=1e-3)
    assert spearman([3, 3, 3], [1, 2, 3]) == 0.0


def test_the_dimensions_rank_a_warm_conversation_above_a_cold_one(tmp_path):
    conversations = read_rated_conversations(rated_folder(tmp_path))
    assert [c.conversation_id for c in conversations] == ["cold", "warm"]
    result = dimension_agreement(load_pack(None, Settings())[1], conversations)
    for name in ("validating_emotions", "demonstrating_understanding", "dismissing_emotions"):
        assert result[name]["rho"] == pytest.approx(1.0), (name, result[name])
    assert result["validating_emotions"]["expert_bar"] == pytest.approx(1.0)
    assert all(r["n"] == 2 for r in result.values())


def test_expert_bar_is_one_expert_against_the_mean_of_the_others(tmp_path):
    conversations = read_rated_conversations(rated_folder(tmp_path))
    assert expert_bar(conversations, "advice_giving") == pytest.approx(1.0)
    assert expert_bar(conversations, "self_oriented") == 0.0  # all experts rate both 1


def test_bad_folders_say_what_is_wrong(tmp_path):
    with pytest.raises(AgreementDataError, match="no expert"):
        read_rated_conversations(tmp_path)
    folder = rated_folder(tmp_path)
    (folder / "expert2_ratings.csv").write_text("conversation_id,x\nwarm,1\n", "utf-8")
    with pytest.raises(AgreementDataError, match="needs conversation_id"):
        read_rated_conversations(folder)


def test_eval_on_a_rated_folder_prints_the_agreement(tmp_path):
    result = CliRunner().invoke(app, ["eval", str(rated_folder(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.splitlines()[-1])
    assert set(data["dimensions"]) == set(DIMENSIONS)
    assert data["dimensions"]["validating_emotions"]["rho"] == pytest.approx(1.0)
    bad = CliRunner().invoke(app, ["eval", str(tmp_path / "conversations")])
    assert bad.exit_code != 0


def test_dev_set_agreement_holds(research_data):
    """Lend-an-Ear dev (19 conversations): the measured floor of the default pack, so a change
    that loses agreement with the experts fails here (figures in the changelog)."""
    folder = research_data / "lend_an_ear_dev"
    if not folder.is_dir():
        pytest.skip(f"{folder} not found")
    result = dimension_agreement(load_pack(None, Settings())[1], read_rated_conversations(folder))
    floors = {
        "validating_emotions": 0.65,
        "encouraging_elaboration": 0.6,
        "advice_giving": 0.55,
        "self_oriented": 0.55,
        "dismissing_emotions": 0.4,
    }
    for name, floor in floors.items():
        assert result[name]["rho"] >= floor, (name, result[name])


def test_reliability_comes_from_the_card_and_flags_weak_dimensions():
    from empathic.analysis.dimensions import dimension_reliability

    card = {
        "dimension_agreement": {
            "data": "dev: 19 conversations",
            "dimensions": {
                "validating_emotions": {"rho": 0.75, "expert_bar": 0.62, "n": 19},
                "demonstrating_understanding": {"rho": 0.28, "expert_bar": 0.38, "n": 19},
            },
        }
    }
    found = dimension_reliability(card)
    assert set(found) == {"validating_emotions", "demonstrating_understanding"}
    assert found["validating_emotions"]["indicative"] is False
    assert found["demonstrating_understanding"]["indicative"] is True
    assert found["validating_emotions"]["data"] == "dev: 19 conversations"
    assert dimension_reliability({}) == {}


def test_record_writes_the_agreement_into_the_card(tmp_path):
    from empathic.analysis.agreement import record_agreement

    card = tmp_path / "card.json"
    card.write_text(json.dumps({"name": "org", "metrics": {}}), "utf-8")
    result = {"validating_emotions": {"rho": 0.5, "expert_bar": 0.6, "n": 3}}
    record_agreement(card, result, "mine: 3 conversations", "2026-12-05")
    saved = json.loads(card.read_text("utf-8"))
    assert saved["name"] == "org" and saved["dimension_agreement"]["dimensions"] == result
    assert saved["dimension_agreement"]["measured"] == "2026-12-05"
