"""Load YAML safely while remembering the line of every key and list item.

Human-authored files (config, manifest, codebooks, lessons) are validated as a whole and
every problem is reported with its line, so the loader keeps line numbers beside the data.
Files hold plain data only: text, numbers, booleans, lists and mappings. Dates stay text
(each reader checks its own), tags such as ``!!python/object`` or ``!!set`` are refused,
and so are files nested more than :data:`MAX_DEPTH` levels deep or whose aliases
(``*name``) would repeat more than :data:`MAX_ALIASED` values (an "alias bomb" that
would expand a small file into billions of values). Syntax errors are explained in plain
words at their line and column (:mod:`dialogcode.yamlerrors`).
"""
from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from .errors import DialogcodeError, Problem
from .normalize import LINE_END, place_after
from .yamlerrors import Refused, explain

MAX_DEPTH = 50
MAX_ALIASED = 10_000
PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float",
                                                        "str", "seq", "map", "merge")}
TIMESTAMP = "tag:yaml.org,2002:timestamp"
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")   # end a line in YAML, not an editor


class LineDict(dict):
    """A dict from YAML: ``line`` is where it starts, ``lines[key]`` where each key is."""

    line: int = 0
    lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]


class LineList(list):
    """A list from YAML: ``line`` is where it starts, ``lines[i]`` where item i is."""

    line: int = 0
    lines: list[int]


class _Loader(yaml.SafeLoader):
    """SafeLoader with limits on nesting and aliases, dates read as text, and only
    plain tags."""

    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    def __init__(self, stream: str):
        super().__init__(stream)
        # where each line an editor shows starts, when YAML's lines are not those
        self.editor_starts = ([0, *(m.end() for m in LINE_END.finditer(stream))]
                       if _YAML_ONLY_BREAKS.search(stream) else None)
        self.depth, self.aliased = 0, 0
        self.open_anchors: set[str] = set()
        self.sizes: dict[int, int] = {}

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._count_alias(event)
            return super().compose_node(parent, index)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Refused(f"nested more than {MAX_DEPTH} levels deep; dialogcode refuses "
                          "deeper files", event.start_mark)
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1
            self.open_anchors.discard(event.anchor)

    def shown_line(self, mark: yaml.Mark) -> int:
        """The line an editor shows ``mark`` on (YAML also ends a line at NEL and a line
        or paragraph separator)."""
        starts = self.editor_starts
        return mark.line + 1 if starts is None else bisect_right(starts, mark.index)

    def _count_alias(self, event: yaml.AliasEvent) -> None:
        if event.anchor in self.open_anchors:
            raise Refused(f"the alias *{event.anchor} is inside its own anchor "
                          f"&{event.anchor}", event.start_mark)
        node = self.anchors.get(event.anchor)
        if node is None:
            return   # an undefined alias: PyYAML reports it
        self.aliased += self._size(node)
        if self.aliased > MAX_ALIASED:
            raise Refused(f"aliases (*name) here repeat more than {MAX_ALIASED} values; "
                          "dialogcode refuses such files (they can expand a small file "
                          "into billions of values): write the values out", event.start_mark)

    def _size(self, node: yaml.Node) -> int:
        """How many values ``node`` holds with its aliases expanded."""
        if id(node) not in self.sizes:
            if isinstance(node, yaml.ScalarNode):
                size = 1
            elif isinstance(node, yaml.SequenceNode):
                size = 1 + sum(self._size(child) for child in node.value)
            else:
                size = 1 + sum(self._size(k) + self._size(v) for k, v in node.value)
            self.sizes[id(node)] = size
        return self.sizes[id(node)]

    def construct_object(self, node, deep=False):
        if node.tag not in PLAIN_TAGS and node.tag != TIMESTAMP:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise Refused(f"the tag {tag} is not allowed; files hold plain data (text, "
                          "numbers, lists and mappings)", node.start_mark)
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, OverflowError):
            if not isinstance(node, yaml.ScalarNode):
                raise
            raise Refused(f"{node.value!r} is not a valid {node.tag.rsplit(':', 1)[-1]}",
                          node.start_mark) from None


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = loader.shown_line(node.start_mark)
    result.lines, result.duplicates = {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise Refused("a list or mapping cannot be a key", key_node.start_mark)
        line = loader.shown_line(key_node.start_mark)
        if key in result.lines:
            result.duplicates.append((key, line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = loader.shown_line(node.start_mark)
    result.lines = [loader.shown_line(child.start_mark) for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor(TIMESTAMP, yaml.SafeLoader.construct_yaml_str)


class _WrittenLoader(_Loader):
    """A _Loader that keeps numbers as written: ``010`` (an octal 8 in YAML 1.1),
    ``1.0e+3``, ``1_000`` or ``12:30`` (a sexagesimal 750) stay that text."""


for _tag in ("int", "float"):
    _WrittenLoader.add_constructor(f"tag:yaml.org,2002:{_tag}",
                                   yaml.SafeLoader.construct_yaml_str)


def parse_yaml(text: str, source: str, error: type[DialogcodeError] = DialogcodeError, *,
               numbers_as_written: bool = False) -> Any:
    """Parse YAML text into LineDict/LineList/scalars (dates stay text, and numbers too
    when ``numbers_as_written``: for a file whose values are text, such as ids).

    Raises ``error`` (a DialogcodeError subclass) naming ``source`` and the line and
    column of a syntax error (in plain words), a tag, too deep nesting, too many aliased
    values, or a duplicate key.
    """
    try:
        data = yaml.load(text, Loader=_WrittenLoader if numbers_as_written  # noqa: S506
                         else _Loader)    # both are SafeLoaders
    except yaml.YAMLError as exc:
        message, line, column = explain(exc, text)
        raise error([Problem(message, source, line, column=column)]) from None
    problems = [Problem(f"duplicate key {key!r}", source, line)
                for key, line in _all_duplicates(data)]
    if problems:
        raise error(problems)
    return data


def load_yaml(path: Path, error: type[DialogcodeError] = DialogcodeError, *,
              numbers_as_written: bool = False) -> Any:
    """Read and parse a YAML file; see :func:`parse_yaml`."""
    try:
        raw = Path(path).read_bytes().removeprefix(codecs.BOM_UTF8)   # bad bytes placed right
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", file=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = place_after(raw[:exc.start].decode("utf-8"))
        raise error(f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {column}); save "
                    "it as UTF-8", file=path, line=line) from None
    return parse_yaml(text, str(path), error, numbers_as_written=numbers_as_written)


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
