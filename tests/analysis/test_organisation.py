"""An organisation's pack: corrections on top of the corpus, a grouped share held back, and a
comparison with open that scores only the held-back runs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from empathic.analysis.coding import RuleCoder
from empathic.analysis.compare import compare_on_held_back, held_back_of
from empathic.analysis.datasets import CORRECTIONS_SOURCE, DataError, read_labelled_csv
from empathic.analysis.organisation import (
    HOLD_BACK_SHARE,
    held_back_runs,
    organisation_recipe,
    read_corrections,
)
from empathic.analysis.packs import PackError, PackInfo
from empathic.analysis.training import SEED, load_rows, train_pack

LINES = (
    ("It sounds like the rota has worn you down.", "reflection"),
    ("What would make next week easier?", "question"),
    ("You should ask for a day off.", "input"),
)


def corrections_csv(path: Path, corpus: Any, runs: int = 10) -> Path:
    """An export of `empathic corrections export`: three corrected turns in each run."""
    rows = []
    for run in range(runs):
        for turn, (text, behaviour) in enumerate(LINES, start=1):
            row = dict.fromkeys(corpus.header, "")
            row |= {
                "source": CORRECTIONS_SOURCE,
                "conversation_id": f"run{run:02d}",
                "turn": str(turn),
                "speaker": "learner",
                "context": "I'm tired of covering every shift.",
                "text": f"{text} (run {run})",
                "behaviour": behaviour,
            }
            rows.append(row)
    return corpus.write(path, rows)


def test_a_grouped_seeded_share_of_runs_is_held_back():
    runs = [f"run{i:02d}" for i in range(10)]
    held = held_back_runs(runs)
    assert len(held) == round(HOLD_BACK_SHARE * 10) == 2
    assert held == held_back_runs(reversed(runs)) == tuple(sorted(held))  # seeded, not ordered
    assert held != held_back_runs(runs, seed=SEED + 1)
    assert held_back_runs(["only"]) == ()  # one run: nothing can be compared
    assert len(held_back_runs(["a", "b"])) == 1  # at least one, never all
    assert len(held_back_runs(["a", "b"], share=0.9)) == 1


def test_train_with_corrections_never_reads_the_held_back_runs(tmp_path, synthetic_dir, corpus):
    data = corrections_csv(tmp_path / "corrections.csv", corpus)
    recipe = organisation_recipe("acme", synthetic_dir, data)
    held = held_back_runs(f"run{i:02d}" for i in range(10))
    rows, counts = load_rows(recipe)
    assert counts["Your organisation's label corrections"] == 30 - 3 * len(held)
    assert not {r.conversation_id for r in rows} & set(held)
    assert counts["Empathic corpus synthetic"] == 96  # the open corpus is all there

    card = train_pack(recipe, tmp_path / "acme", cross_validate_metrics=False)
    assert card["name"] == "acme" and card["commercial_use"] is True
    record = card["held_back"]
    assert record["conversations"] == list(held) and record["rows"] == 3 * len(held)
    assert record["share"] == HOLD_BACK_SHARE and record["seed"] == SEED
    assert record["sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()
    assert record["file"] == "corrections.csv"
    saved = json.loads((tmp_path / "acme" / "card.json").read_text("utf-8"))
    assert saved["held_back"] == record
    assert [d["rows"] for d in card["training_data"]] == [96, 30 - 3 * len(held)]


def test_an_organisation_pack_needs_its_own_name_and_a_corrections_export(
    tmp_path, synthetic_dir, synthetic_csv, corpus
):
    data = corrections_csv(tmp_path / "corrections.csv", corpus)
    for name in ("open", "research", "rules"):
        with pytest.raises(PackError, match="one of the project's packs"):
            organisation_recipe(name, synthetic_dir, data)
    with pytest.raises(PackError, match="not a pack name"):
        organisation_recipe("../acme", synthetic_dir, data)
    with pytest.raises(DataError, match="'synthetic' is not 'empathic-corrections'"):
        read_corrections(synthetic_csv)
    empty = corpus.write(tmp_path / "empty.csv", [])
    with pytest.raises(DataError, match="no corrections"):
        read_corrections(empty)


class SpyCoder(RuleCoder):
    """The rule coder, remembering every text it was asked to code."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def code_many(self, items, given_behaviour=None):  # type: ignore[no-untyped-def]
        self.seen.update(text for text, _ in items)
        return super().code_many(items, given_behaviour)


def pack(name: str, card: dict[str, Any]) -> PackInfo:
    return PackInfo(name, "1", "test", True, "", Path(name), True, card={"name": name, **card})


def test_compare_scores_only_the_held_back_runs(tmp_path, corpus):
    data = corrections_csv(tmp_path / "corrections.csv", corpus)
    rows = read_labelled_csv(data)
    held = {"run03", "run07"}
    acme = pack("acme", {"held_back": {"conversations": sorted(held)}})
    coders = [SpyCoder(), SpyCoder()]
    result = compare_on_held_back(list(zip([pack("open", {}), acme], coders, strict=True)), rows)
    expected = {r.text for r in rows if r.conversation_id in held}
    assert coders[0].seen == coders[1].seen == expected
    assert result["held_back"] == {"runs": 2, "runs_with_rows": 2, "rows": 6}
    [behaviour] = result["tasks"]
    assert behaviour["task"] == "behaviour" and behaviour["n"] == 6
    assert set(behaviour["scores"]) == {"open", "acme"}
    assert behaviour["better"] == "tie" and behaviour["few"] is True  # the same coder twice


def test_held_back_runs_are_those_no_pack_trained_on():
    a = pack("a", {"held_back": {"conversations": ["r1", "r2", "r3"]}})
    b = pack("b", {"held_back": {"conversations": ["r2", "r3", "r4"]}})
    assert held_back_of([pack("open", {}), a, b]) == {"r2", "r3"}
    with pytest.raises(DataError, match="none of these packs holds corrections back"):
        held_back_of([pack("open", {}), pack("rules", {})])
    whole = pack("all", {"training_data": [{"sha256": "abc"}]})
    with pytest.raises(DataError, match="'all' was trained on all of this file"):
        held_back_of([whole, a], digest="abc")
    with pytest.raises(DataError, match="none of the 3 held-back runs has a correction"):
        compare_on_held_back([(a, RuleCoder())], [])
