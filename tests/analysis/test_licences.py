"""The default pack must be usable commercially: no non-commercial data in its card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from empathic.analysis.packs import bundled_packs_dir, list_packs, resolve_pack_name
from empathic.analysis.training import open_recipe
from empathic.config import Settings

NON_COMMERCIAL_MARKERS = ("epitome", "annomi", "esconv", "non-commercial", "nc 4.0", "by-nc")


def _card_text(name: str) -> str:
    return json.dumps(json.loads((bundled_packs_dir() / name / "card.json").read_text())).lower()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


def test_default_pack_on_a_fresh_machine_is_bundled_and_commercial(settings: Settings) -> None:
    name = resolve_pack_name(None, settings)
    info = {p.name: p for p in list_packs(settings)}[name]
    assert info.commercial_use is True
    text = _card_text(name)
    assert not [m for m in NON_COMMERCIAL_MARKERS if m in text], text


@pytest.mark.parametrize("name", [p.name for p in bundled_packs_dir().iterdir() if p.is_dir()])
def test_no_bundled_pack_names_non_commercial_data(name: str) -> None:
    text = _card_text(name)
    assert not [m for m in NON_COMMERCIAL_MARKERS if m in text]


def test_open_recipe_reads_only_the_projects_corpus() -> None:
    corpus = Path(__file__).resolve().parents[2] / "data" / "corpus"
    recipe = open_recipe(corpus)
    assert recipe.commercial_use and recipe.files
    assert all(f.path.parent == corpus and f.licence == "CC BY 4.0" for f in recipe.files)
    assert not any("shared" in str(f.path) for f in recipe.files)
    # the one third ingredient: static vectors from an Apache-2.0 model, named on the card
    assert recipe.features.embedding == "minilm-l6-static"
    card = json.loads(_card_text("open"))
    assert card["features"]["embedding"] == "minilm-l6-static"
    assert card["vectors"]["licence"] == "apache-2.0"  # _card_text lower-cases
    assert "all-minilm-l6-v2" in card["vectors"]["source"] and "minilm" in card["licence"]
