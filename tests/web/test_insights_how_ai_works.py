"""The public "How the AI works here" page: labels, bands, the pack's card, the LLM sentence."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from empathic.analysis.embedding import PROVENANCE
from empathic.analysis.labels import LABELS
from empathic.analysis.packs import bundled_packs_dir, load_pack
from empathic.config import Settings
from empathic.web.app import create_app


def test_page_is_public_and_names_the_default_pack(client: Any, web_settings: Settings) -> None:
    response = client.get("/how-ai-works")
    assert response.status_code == 200
    page = html.unescape(response.text)
    info, _ = load_pack(None, web_settings)
    assert f"<strong>{info.name}</strong>, version {info.version}" in page
    assert info.licence in page
    assert "Commercial use</dt><dd>Yes" in page
    # the open pack's one outside ingredient is named: static vectors from an Apache-2.0 model
    assert "Word vectors</dt><dd>sentence-transformers/all-MiniLM-L6-v2" in page
    assert "(Apache-2.0)" in page
    for label in LABELS:
        assert f'<th scope="row">{label.replace("_", " ").capitalize()}</th>' in page
    assert "fair from 1:1, good from 2:1" in page and "fair from 40%, good from 50%" in page
    assert "Self-oriented talk" in page
    assert "Macro F1" in page  # the trained default pack's card carries held-out metrics
    assert "No: scripted lines only; no language model is used." in page
    assert "empathic corrections export" in page


def _how_ai_works(settings: Settings) -> str:
    """The page as served by an app made with these settings (its own pack and LLM choice)."""
    app = create_app(settings, run_migrations=False)
    try:
        with TestClient(app) as browser:
            return browser.get("/how-ai-works").text
    finally:
        app.state.engine.dispose()


def test_llm_sentence_names_the_host_and_never_the_key(
    web_settings: Settings, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url=web_settings.database_url,
        llm_base_url="http://user:secret@llm.example.org:8000/v1",
        llm_api_key="sk-very-secret",
    )
    page = _how_ai_works(settings)
    assert "may be phrased by a language model at <strong>llm.example.org:8000</strong>" in page
    assert "no language model is used" not in page
    assert "secret" not in page


def test_rules_pack_card_says_it_has_no_measured_accuracy(
    web_settings: Settings, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url=web_settings.database_url, default_pack="rules"
    )
    page = _how_ai_works(settings)
    assert "<strong>rules</strong>, version 1" in page
    assert "no measured accuracy" in page


def test_a_pack_reading_word_vectors_names_their_source_and_licence(
    web_settings: Settings, tmp_path: Path
) -> None:
    """A research-style pack in the packs folder: its card's `vectors` are shown."""
    folder = tmp_path / "packs" / "vectored"
    shutil.copytree(bundled_packs_dir() / "open", folder)
    card = json.loads((folder / "card.json").read_text("utf-8"))
    card["name"] = "vectored"
    card["vectors"] = PROVENANCE["minilm-l6-static"]
    (folder / "card.json").write_text(json.dumps(card), "utf-8")
    settings = Settings(
        data_dir=tmp_path, database_url=web_settings.database_url, default_pack="vectored"
    )
    page = html.unescape(_how_ai_works(settings))
    source, licence = card["vectors"]["source"], card["vectors"]["licence"]
    assert f"<dt>Word vectors</dt><dd>{source} ({licence})" in page
    assert "no model runs on your words" in page


def test_plain_words_come_first_and_the_technical_detail_is_one_click_away(client: Any) -> None:
    page = client.get("/how-ai-works").text
    plain, details = page.index('id="short-h"'), page.index('<details id="technical">')
    assert plain < details < page.index('id="measured-h"') < page.index("</details>")
    assert "It reads words only." in page and "second opinion, not a verdict" in page
    assert "Nothing you write is sent to an outside AI service." in page  # no LLM configured
