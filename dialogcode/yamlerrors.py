"""PyYAML's errors in plain words, placed where the mistake is.

PyYAML reports where it gave up, in parser terms ("while scanning a quoted scalar ...
found unexpected end of stream"), often far below the mistake: an unclosed quote is
reported at the end of the file. :func:`explain` turns each error into a sentence a
person can act on and the line and column (1-based) of the mistake itself.
"""
from __future__ import annotations

import re

import yaml

from .normalize import place_after

CLOSERS = {"[": "]", "{": "}"}


class Refused(yaml.MarkedYAMLError):
    """A file dialogcode refuses to load (too deep, alias bomb, a tag); ``problem`` is
    already in plain words."""

    def __init__(self, message: str, mark):
        super().__init__(problem=message, problem_mark=mark)


def explain(exc: yaml.YAMLError, text: str) -> tuple[str, int | None, int | None]:
    """(message, line, column) for a YAML error raised while loading ``text``."""
    if isinstance(exc, yaml.reader.ReaderError):
        return (f"the character #x{exc.character:04x} is not allowed in YAML; remove it",
                *place_after(text[:exc.position]))
    problem = getattr(exc, "problem", None) or ""
    context = getattr(exc, "context", None) or ""
    at = getattr(exc, "problem_mark", None)
    start = getattr(exc, "context_mark", None) or at
    if isinstance(exc, Refused):
        return problem, *_place(at, text)
    runaway = _runaway_quote(text, at)
    if runaway is not None:
        quote, mark, end = runaway
        return (f"the quote {quote} opened here closes only on line "
                f"{_place(end, text)[0]}; is a closing quote missing?", *_place(mark, text))
    message, mark = _words(problem, context, at, start, text)
    return message, *_place(mark, text)


def _place(mark, text: str) -> tuple[int | None, int | None]:
    """The line and column an editor shows ``mark`` at: YAML's own also end a line at
    NEL and a line or paragraph separator."""
    return place_after(text[:mark.index]) if mark is not None else (None, None)


def _found(problem: str) -> str:
    match = re.search(r"(?:found|got) (.+)$", problem)
    token = match.group(1) if match else "text"
    return {"'<stream end>'": "the end of the file", "'<scalar>'": "text",
            "'<block mapping start>'": "a new key"}.get(token, token)


def _words(problem: str, context: str, at, start, text: str):
    """The plain sentence for a parser or scanner error, and the mark it belongs at."""
    line = text.splitlines()[at.line] if at is not None and at.line < len(
        text.splitlines()) else ""
    if "quoted scalar" in context and "end of stream" in problem:
        quote = text.splitlines()[start.line][start.column]
        return f"the quote {quote} opened here is never closed", start
    if "unknown escape character" in problem:
        char = problem.rsplit(" ", 1)[-1]
        return (f"\\{char.strip(chr(39))} is not an escape YAML knows inside double quotes; "
                "use single quotes, or write \\\\ for a backslash", at)
    if context.startswith("while parsing a flow"):
        opener = "[" if "sequence" in context else "{"
        if at.line > start.line or "stream end" in problem:
            return f"the {opener} opened here is never closed with {CLOSERS[opener]}", start
        return (f"unexpected {_found(problem)} inside {opener} {CLOSERS[opener]}: separate "
                f"items with commas, and quote an item holding ':' or brackets", at)
    if problem == "mapping values are not allowed here":
        if ": " in line[:at.column]:
            return "a second ': ' on this line; put the value in quotes", at
        return ("this line is indented more than the key above it, so it reads as part "
                "of that key's value; line it up with the other keys", at)
    if "found character '\\t'" in problem:
        return "a tab character; YAML indents with spaces only", at
    if "that cannot start any token" in problem:
        char = re.search(r"found character (.+?) that", problem).group(1)
        return f"a value cannot start with {char}; put the value in quotes", at
    if "could not find expected ':'" in problem:
        return "expected 'key: value' here, but this line has no ': '", start
    if problem.startswith("expected <block end>"):
        found = _found(problem)
        lines = text.splitlines()
        for number in range(start.line, at.line):
            if re.match(r"\s*-[^\s-]", lines[number]):
                index = len("".join(text.splitlines(keepends=True)[:number]))
                dash = yaml.Mark(None, index + lines[number].index("-"), number,
                                 lines[number].index("-"), None, None)
                return ("no space after this '-': a list item is '- ' and then the value",
                        dash)
        if found == "'-'":
            return ("a list item ('- ') where a key was expected; check its indentation "
                    "against the lines above", at)
        if found == "a new key":
            return ("this line's indentation does not fit the lines above it: keys of one "
                    "mapping line up", at)
        if found in ("']'", "'}'"):
            return f"a stray {found} that no bracket opened", at
        return (f"unexpected {found} here; if a value has quotes, the whole value must be "
                "inside them", at)
    if problem.startswith("found undefined alias"):
        name = problem.rsplit(" ", 1)[-1].strip("'")
        return (f"*{name} refers to no anchor &{name}; put a value that starts with * in "
                "quotes", at)
    if context.startswith("found duplicate anchor"):
        return "this anchor (&name) is defined twice", at
    if problem.startswith("expected '<document start>'"):
        return ("a line starting with % above is read as a YAML directive; put a value "
                "that starts with % in quotes", at)
    if context.startswith("expected a single document"):
        return "a second document (after ---); a dialogcode file holds one document", at
    reason = f"{problem} ({context})" if context else problem
    return f"YAML cannot read this: {reason}", at or start


def _runaway_quote(text: str, at):
    """(quote, mark, end mark) of a quoted value spanning lines and ending on the line
    of the error, the usual sign of a missing closing quote; else None."""
    if at is None:
        return None
    last = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"') \
                    and token.end_mark.line > token.start_mark.line:
                last = token
    except yaml.YAMLError:
        pass
    if last is None or last.end_mark.line != at.line:
        return None
    return last.style, last.start_mark, last.end_mark
