"""Load YAML safely while remembering the line of every key and list item.

Human-authored files (config, manifest, codebooks, lessons) are validated as a whole and
every problem is reported with its line, so the loader keeps line numbers beside the data.
Only ``yaml.SafeLoader`` constructors are used: Python tags are refused.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import DialogcodeError, Problem


class LineDict(dict):
    """A dict from YAML: ``line`` is where it starts, ``lines[key]`` where each key is."""

    line: int = 0
    lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]


class LineList(list):
    """A list from YAML: ``line`` is where it starts, ``lines[i]`` where item i is."""

    line: int = 0
    lines: list[int]


MAX_NESTING = 100   # lists and mappings inside each other (docs/limits.md)


class _Loader(yaml.SafeLoader):
    """A SafeLoader that refuses nesting deeper than :data:`MAX_NESTING`: PyYAML builds
    nodes recursively, so deeper nesting would exhaust Python's stack."""

    _depth = 0

    def compose_node(self, parent, index):
        if self._depth >= MAX_NESTING:
            raise yaml.composer.ComposerError(
                None, None, f"lists and mappings nested more than {MAX_NESTING} levels "
                "deep, the limit (see docs/limits.md)", self.peek_event().start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines, result.duplicates = {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result.lines:
            result.duplicates.append((key, line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str, source: str, error: type[DialogcodeError] = DialogcodeError) -> Any:
    """Parse YAML text into LineDict/LineList/scalars.

    Raises ``error`` (a DialogcodeError subclass) naming ``source`` and the line of a
    syntax error, a Python tag, or a duplicate key.
    """
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        if "could not determine a constructor" in str(exc):
            reason = "tags such as !!python/... are not allowed (files are loaded as plain data)"
        raise error([Problem(f"YAML error: {reason}", source, line)]) from None
    problems = [Problem(f"duplicate key {key!r}", source, line)
                for key, line in _all_duplicates(data)]
    if problems:
        raise error(problems)
    return data


def load_yaml(path: Path, error: type[DialogcodeError] = DialogcodeError) -> Any:
    """Read and parse a YAML file; see :func:`parse_yaml`."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read: {exc}", file=path) from None
    return parse_yaml(text, str(path), error)


def line_of(container: Any, key: Any = None) -> int | None:
    """Line of ``key`` in a LineDict/LineList (or of the container itself)."""
    if key is not None:
        lines = getattr(container, "lines", None)
        if isinstance(lines, dict):
            return lines.get(key)
        if isinstance(lines, list) and isinstance(key, int) and 0 <= key < len(lines):
            return lines[key]
    return getattr(container, "line", None) or None


def _all_duplicates(data: Any):
    if isinstance(data, LineDict):
        yield from data.duplicates
        for value in data.values():
            yield from _all_duplicates(value)
    elif isinstance(data, list):
        for value in data:
            yield from _all_duplicates(value)
