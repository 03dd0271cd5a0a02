"""Fail when a command, an option or a setting is not documented.

Every command and subcommand of the Typer app must have a heading `` `empathic <command>` ``
in docs/cli.md, and every long option of it (``--learner``, ``--save/--no-save``, ...) must
appear in that command's section. Every field of `Settings` must appear in
docs/configuration.md as ``EMPATHIC_<FIELD>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.main import get_command

from empathic.cli import app
from empathic.config import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"
HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.M)


def _name(info: typer.models.CommandInfo) -> str:
    if info.name:
        return info.name
    assert info.callback is not None
    return info.callback.__name__.replace("_", "-")


def walk(typer_app: typer.Typer, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command path of the app: ('analyze',), ('packs',), ('packs', 'compare'), ..."""
    for command in typer_app.registered_commands:
        if not command.hidden:
            yield (*prefix, _name(command))
    for group in typer_app.registered_groups:
        name = group.name or group.typer_instance.info.name
        assert isinstance(name, str)
        yield (*prefix, name)
        yield from walk(group.typer_instance, (*prefix, name))


def long_options(path: tuple[str, ...]) -> list[str]:
    """Long options of a command (a group's own callback options included), --help left out."""
    command = get_command(app)
    for part in path:
        command = command.commands[part]  # type: ignore[attr-defined]
    flags: list[str] = []
    for param in command.params:
        for flag in (*param.opts, *param.secondary_opts):
            if flag.startswith("--") and flag != "--help":
                flags.append(flag)
    return flags


def sections(doc: str) -> dict[str, str]:
    """Map each `empathic ...` heading to the text up to the next heading."""
    found: dict[str, str] = {}
    matches = list(HEADING.finditer(doc))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(doc)
        for command in re.findall(r"`(empathic(?: [a-z][\w-]*)*)`", match.group(2)):
            found[command] = doc[match.end() : end]
    return found


COMMANDS = sorted(walk(app))


@pytest.fixture(scope="module")
def cli_doc() -> str:
    return (DOCS / "cli.md").read_text(encoding="utf-8")


def test_the_walk_finds_every_command():
    names = {" ".join(path) for path in COMMANDS}
    expected = {"analyze", "eval", "train", "bench", "demo", "packs", "practice", "scenarios"}
    assert expected <= names
    assert {"scenarios list", "scenarios check"} <= names
    assert "--learner" in long_options(("analyze",))
    assert {"--save", "--no-save"} <= set(long_options(("practice",)))


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_and_option_is_documented(cli_doc, path):
    command = "empathic " + " ".join(path)
    documented = sections(cli_doc)
    assert command in documented, f"docs/cli.md needs a heading containing `{command}`"
    section = documented[command]
    missing = [flag for flag in long_options(path) if flag not in section]
    assert not missing, f"docs/cli.md section `{command}` does not mention {missing}"


def test_cli_doc_states_exit_codes_and_outputs(cli_doc):
    assert re.search(r"\b0\b.*\bsuccess|\bok\b", cli_doc, re.I)
    assert "`2`" in cli_doc and "stderr" in cli_doc and "stdout" in cli_doc


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(field):
    doc = (DOCS / "configuration.md").read_text(encoding="utf-8")
    variable = f"EMPATHIC_{field.upper()}"
    assert f"`{variable}`" in doc, f"docs/configuration.md does not document {variable}"
