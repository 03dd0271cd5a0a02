"""Scenario files: every error names the file, the line, the field path and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from empathic.roleplay.loading import (
    ScenarioError,
    find_scenario,
    library_paths,
    load_scenario,
    parse_scenario,
)
from empathic.roleplay.scenario import VOICED_INTENTS


@pytest.fixture(scope="module")
def good_text() -> str:
    return (library_paths()[0]).read_text(encoding="utf-8")


def _broken(tmp_path: Path, text: str, name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _mutate(good_text: str, change) -> str:
    data = yaml.safe_load(good_text)
    change(data)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def test_every_shipped_scenario_loads_with_all_parts():
    paths = library_paths()
    assert len(paths) >= 6
    for path in paths:
        s = load_scenario(path)
        assert s.id == path.stem
        assert len(s.facts) >= 4 and any(f.core for f in s.facts)
        for intent in VOICED_INTENTS:
            assert s.voice.lines(intent), (s.id, intent)
        assert all(f.lines and f.hint for f in s.facts)
        assert s.playthroughs.empathic.lines and s.playthroughs.poor.lines


def test_invalid_yaml_names_file_and_line(tmp_path):
    path = _broken(tmp_path, "id: x\ntitle: [unclosed\nsummary: y\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert str(path) in message
    assert "invalid YAML" in message
    assert f"{path}:3:" in message or f"{path}:2:" in message


def test_top_level_must_be_a_mapping(tmp_path):
    with pytest.raises(ScenarioError, match="expected a mapping of scenario fields"):
        load_scenario(_broken(tmp_path, "- just\n- a list\n"))


def test_wrong_type_names_path_line_and_expectation(tmp_path, good_text):
    text = _mutate(good_text, lambda d: d["facts"][1].update(trust=1.5))
    path = _broken(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    (problem,) = err.value.problems
    assert problem.startswith(f"{path}:")
    assert "facts[1].trust" in problem
    assert "less than or equal to 1" in problem and "1.5" in problem
    line = int(problem.split(":")[1])
    assert "trust: 1.5" in text.splitlines()[line - 1]


def test_missing_field_says_what_is_expected(tmp_path, good_text):
    text = _mutate(good_text, lambda d: d["counterpart"].pop("time_budget"))
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "mine.yaml")
    (problem,) = err.value.problems
    assert problem.startswith("mine.yaml:")
    assert "counterpart.time_budget" in problem
    assert "required field is missing" in problem and "minutes, turns" in problem


def test_unknown_field_lists_the_allowed_ones(tmp_path, good_text):
    text = _mutate(good_text, lambda d: d["facts"][0].update(trsut=0.2))
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "typo.yaml")
    (problem,) = err.value.problems
    assert "facts[0].trsut" in problem
    assert "unknown field 'trsut'" in problem and "trust" in problem and "requires" in problem


def test_several_problems_are_all_reported(good_text):
    def change(d):
        d["facts"][0]["trust"] = "high"
        d["opening"] = []
        d["voice"]["leave"] = {"default": []}

    with pytest.raises(ScenarioError) as err:
        parse_scenario(_mutate(good_text, change), "many.yaml")
    paths = " ".join(err.value.problems)
    assert len(err.value.problems) == 3
    assert "facts[0].trust" in paths and "opening" in paths and "voice.leave.default" in paths


@pytest.mark.parametrize(
    ("change", "path", "expected"),
    [
        (
            lambda d: d["facts"][0].update(topics=["nowhere"]),
            "facts[0].topics[0]",
            "unknown topic 'nowhere'",
        ),
        (
            lambda d: d["facts"][0].update(requires=["ghost"]),
            "facts[0].requires[0]",
            "unknown prerequisite 'ghost'",
        ),
        (
            lambda d: d["facts"][0].update(requires=[d["facts"][1]["id"]]),
            "facts[0].requires",
            "prerequisite cycle",
        ),
        (
            lambda d: d["facts"][1].update(id=d["facts"][0]["id"]),
            "facts[1].id",
            "duplicate fact id",
        ),
        (
            lambda d: d["dynamics"].update(shouting={"trust": -0.1}),
            "dynamics.shouting",
            "unknown move 'shouting'",
        ),
        (
            lambda d: d["rubric"][0].update(look_for=["charm"]),
            "rubric[0].look_for[0]",
            "unknown move 'charm'",
        ),
        (
            lambda d: d["voice"].update(deflect={"guarded": ["Hm."]}),
            "voice.deflect",
            "missing 'default' lines",
        ),
        (
            lambda d: d["voice"]["deflect"].update(grumpy=["Hm."]),
            "voice.deflect.grumpy",
            "unknown reason 'grumpy'",
        ),
    ],
)
def test_cross_reference_errors_name_the_field(good_text, change, path, expected):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(_mutate(good_text, change), "x.yaml")
    joined = "\n".join(err.value.problems)
    assert f": {path}: " in joined
    assert expected in joined
    assert joined.startswith("x.yaml:")


def test_plain_list_of_lines_is_the_default_reason(good_text):
    s = parse_scenario(_mutate(good_text, lambda d: d["voice"].update(leave=["Bye."])))
    assert s.voice.lines("leave") == ["Bye."]
    assert s.voice.lines("leave", "blame") == ["Bye."]


def test_find_scenario_by_id_or_path_and_unknown(tmp_path, good_text):
    assert find_scenario("remote-wellbeing").id == "remote-wellbeing"
    path = _broken(tmp_path, good_text, "copy.yaml")
    assert find_scenario(str(path)).title
    with pytest.raises(
        ScenarioError, match=r"no such scenario; expected one of: .*msl-neurologist"
    ):
        find_scenario("no-such-thing")
