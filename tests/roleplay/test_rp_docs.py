"""docs/roleplay.md documents every command option, schema field, move and scenario."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from empathic.roleplay import scenario as schema
from empathic.roleplay.cli import practice
from empathic.roleplay.loading import library_paths
from empathic.roleplay.moves import MOVES

DOC = Path(__file__).resolve().parents[2] / "docs" / "roleplay.md"


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_practice_option_is_documented(doc):
    hints = typing.get_type_hints(practice, include_extras=True)
    flags = [
        flag
        for hint in hints.values()
        for info in getattr(hint, "__metadata__", ())
        for decl in (*(getattr(info, "param_decls", None) or ()), getattr(info, "default", None))
        if isinstance(decl, str)
        for flag in decl.split("/")
        if flag.startswith("--")
    ]
    assert {"--script", "--seed", "--difficulty", "--replay", "--coach", "--format"} <= set(flags)
    for flag in flags:
        assert f"`{flag}" in doc or f"/{flag}`" in doc, flag


def test_every_schema_field_is_documented(doc):
    models = [
        schema.Scenario,
        schema.Learner,
        schema.Persona,
        schema.TimeBudget,
        schema.Fact,
        schema.MoveEffect,
        schema.DifficultyOverride,
        schema.EndConditions,
        schema.RubricItem,
        schema.VoiceLines,
        schema.Playthrough,
    ]
    for model in models:
        for name in model.model_fields:
            assert name in doc, f"{model.__name__}.{name}"


def test_every_move_and_scenario_is_documented(doc):
    for move in MOVES:
        assert f"`{move}`" in doc, move
    for path in library_paths():
        assert f"`{path.stem}`" in doc, path.stem
    assert "What the AI cannot know" in doc
