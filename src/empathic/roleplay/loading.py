"""Loading scenarios from YAML with errors an author can act on.

Every problem names the file, the line, the field path (`facts[2].trust`) and
what was expected, whether it comes from YAML syntax, pydantic validation or a
cross-reference (`cross_check`). Scenarios ship as package data in `library/`.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from empathic.roleplay.scenario import Scenario, cross_check

Loc = tuple[str | int, ...]


class ScenarioError(ValueError):
    """A scenario file that cannot be used; `problems` lists one message per issue."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def library_dir() -> Path:
    """The folder of shipped scenarios (package data)."""
    return Path(str(resources.files("empathic.roleplay") / "library"))


def library_paths() -> list[Path]:
    return sorted(library_dir().glob("*.yaml"))


def load_library() -> list[Scenario]:
    """Every shipped scenario, sorted by file name."""
    return [load_scenario(path) for path in library_paths()]


def find_scenario(name: str) -> Scenario:
    """A shipped scenario by id, or any scenario file by path."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return load_scenario(path)
    for candidate in library_paths():
        if candidate.stem == name:
            return load_scenario(candidate)
    known = ", ".join(p.stem for p in library_paths())
    raise ScenarioError(
        name, [f"{name}: no such scenario; expected one of: {known}, or a .yaml path"]
    )


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate one scenario file; unchanged files are parsed once per process.

    Parsing a scenario's YAML takes tens of milliseconds, and the web app needs the
    scenario on every replayed run; scenarios are frozen, so sharing one is safe.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as exc:
        raise ScenarioError(str(path), [f"{path}: cannot read: {exc}"]) from exc
    return _load_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size, str(path))


@lru_cache(maxsize=256)
def _load_cached(resolved: str, _mtime_ns: int, _size: int, shown: str) -> Scenario:
    try:
        text = Path(resolved).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(shown, [f"{shown}: cannot read: {exc}"]) from exc
    return parse_scenario(text, shown)


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """Validate scenario YAML text; `source` names it in every message."""
    try:
        loader = yaml.SafeLoader(text)  # one parse gives both the node (for line numbers) and data
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(source, [f"{where}: invalid YAML: {problem}"]) from exc
    if not isinstance(data, dict):
        got = type(data).__name__ if data is not None else "an empty file"
        raise ScenarioError(
            source,
            [f"{source}:1: expected a mapping of scenario fields (id, title, ...), got {got}"],
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = [_format(source, node, tuple(e["loc"]), _describe(e)) for e in exc.errors()]
        raise ScenarioError(source, problems) from exc
    cross = cross_check(scenario)
    if cross:
        raise ScenarioError(source, [_format(source, node, loc, msg) for loc, msg in cross])
    return scenario


def field_path(loc: Loc) -> str:
    """`("facts", 2, "trust")` -> `facts[2].trust`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += " (key)"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _format(source: str, node: yaml.Node | None, loc: Loc, message: str) -> str:
    line = _line_of(node, loc)
    where = f"{source}:{line}" if line else source
    return f"{where}: {field_path(loc)}: {message}"


def _line_of(node: yaml.Node | None, loc: Loc) -> int | None:
    """1-based line of the deepest YAML node on the path (the parent when a field is missing)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = None
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    found = value if part != "[key]" else key
                    line = key.start_mark.line + 1
                    break
            if found is None:
                return line
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        elif part == "[key]":
            continue
        else:
            return line
    return line


def _describe(error: Any) -> str:
    """Pydantic's message, rephrased to say what was expected and what was found."""
    kind, loc = error["type"], tuple(error["loc"])
    if kind == "missing":
        expected = _expected(loc)
        return "required field is missing" + (f"; expected {expected}" if expected else "")
    if kind == "extra_forbidden":
        allowed = _allowed(loc[:-1])
        listed = f"; expected one of: {', '.join(allowed)}" if allowed else ""
        return f"unknown field {loc[-1]!r}{listed}"
    got = error.get("input")
    shown = repr(got) if not isinstance(got, dict | list) else type(got).__name__
    msg = error["msg"].replace("Input should be", "expected")
    return f"{msg} (got {shown[:80]})"


def _walk(loc: Loc) -> Any:
    """The annotation at a field path of the Scenario model, or None when unknown."""
    current: Any = Scenario
    for part in loc:
        current = _strip(current)
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            if not isinstance(part, str) or part not in current.model_fields:
                return None
            current = current.model_fields[part].annotation
        elif origin is list and isinstance(part, int):
            current = typing.get_args(current)[0]
        elif origin is dict:
            current = typing.get_args(current)[1]
        else:
            return None
    return _strip(current)


def _strip(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0]
        else:
            return tp


def _allowed(loc: Loc) -> list[str]:
    model = _walk(loc)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _expected(loc: Loc) -> str:
    parent = _walk(loc[:-1])
    name = loc[-1] if loc else ""
    if isinstance(parent, type) and issubclass(parent, BaseModel) and name in parent.model_fields:
        field = parent.model_fields[str(name)]
        tp = _strip(field.annotation)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            kind = f"a mapping with {', '.join(tp.model_fields)}"
        elif typing.get_origin(tp) is list:
            kind = "a list"
        elif typing.get_origin(tp) is dict:
            kind = "a mapping"
        else:
            kind = getattr(tp, "__name__", str(tp))
        return f"{kind}" + (f" ({field.description})" if field.description else "")
    return ""
