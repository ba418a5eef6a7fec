"""Which codes each coder looked for: ``coders:`` in dialogcode.yaml (docs/review.md).

A coder who looked for some codes only (one coder per theme) says nothing of the other
codes where they gave none: `learn` takes those codes as unknown on the segments the
coder read, never as "does not apply", and `agree` does not judge the coder on them. A
code listed brings its sub-codes (not its parent: a coder looking for one kind of risk
did not look for the others). A coder without an entry looked for every code.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable

import pandas as pd

from .codebook import Codebook
from .coders import coder_names, coder_path, coder_table, coders_known
from .config import CONFIG_NAME
from .errors import ConfigError, Problem, printable
from .named_codings import coder_file
from .study import Study
from .tables import descendants
from .yamlsrc import line_of, load_yaml

SHARE = 4    # a coder file using fewer than 1/SHARE of the codable codes gets a note
SHOWN = 5    # rows listed of a coder file giving codes outside its coders: entry


def coder_scopes(study: Study, book: Codebook) -> dict[str, frozenset[str]]:
    """Coder -> the code ids they looked for (those listed and their sub-codes), from
    ``coders:``. Raises ConfigError naming dialogcode.yaml and the line of each coder
    without a file in codings/ and each code ``book`` does not have, and the line of
    each row of a coder's file giving a code outside their entry."""
    entries = study.config.coders
    if not entries:
        return {}
    config = study.root / CONFIG_NAME
    lines = load_yaml(config, ConfigError).get("coders")
    names = coder_names(study)
    problems, scopes = [], {}
    for coder, entry in entries.items():
        if coder not in names:
            problems.append(Problem(f"no codings/{coder}.csv ({coders_known(names)})",
                                    str(config), line_of(lines, coder), f"coders.{coder}"))
        listing = lines[coder]["codes"]
        for n, code in enumerate(entry.codes):
            if code not in book.codes:
                close = difflib.get_close_matches(code, list(book.codes), n=1)
                problems.append(Problem(
                    f"code {code!r} is not in the codebook"
                    + (f"; did you mean {close[0]!r}?" if close else ": give its code id"),
                    str(config), line_of(listing, n), f"coders.{coder}.codes"))
        scopes[coder] = frozenset(c for code in entry.codes if code in book.codes
                                  for c in descendants(book, code))
        if coder in names:
            problems += _unsought_given(study, coder, scopes[coder], book,
                                        line_of(lines, coder))
    if problems:
        raise ConfigError(problems)
    return scopes


def _unsought_given(study: Study, coder: str, scope: frozenset[str], book: Codebook,
                    line: int | None) -> list[Problem]:
    """A problem at each row of ``coder``'s file giving a code of ``book`` outside
    ``scope`` (their ``coders:`` entry, on ``line`` of dialogcode.yaml): either the
    entry or the row is wrong, and no command can tell which."""
    path = coder_path(study, coder)
    table = coder_table(path)
    given = table["code_id"].str.strip() if "code_id" in table else pd.Series(dtype=str)
    outside = given[given.isin(list(book.codes)) & ~given.isin(list(scope))]
    problems = [Problem(f"{coder} gave {code!r}, a code `coders:` in {CONFIG_NAME} (line "
                        f"{line}) does not list for {coder}: add it to {coder}'s codes "
                        f"there if {coder} looked for it, or delete the row", str(path),
                        int(row)) for row, code in outside.iloc[:SHOWN].items()]
    rest = outside.iloc[SHOWN:]
    if len(rest):       # a file of every code beside a short entry: the entry is wrong
        codes = sorted(set(rest))
        problems.append(Problem(
            f"and {len(rest)} more row(s) giving {len(codes)} code(s) `coders:` does not "
            f"list for {coder}: {', '.join(codes[:SHOWN])}"
            + (f" and {len(codes) - SHOWN} more" if len(codes) > SHOWN else ""), str(path)))
    return problems


def coder_of(study: Study, name: str) -> str | None:
    """The coder in codings/ that a codings name (a coder, or a coder file's path) stands
    for; None for ``rules`` and for a file elsewhere."""
    path = coder_file(study, name)
    if path is None or path.resolve() != coder_path(study, path.stem).resolve():
        return None
    return path.stem


def undeclared_notes(study: Study, book: Codebook, names: Iterable[str],
                     consequence: str) -> list[str]:
    """A note for each coder of ``names`` (coders or their files' paths; ``rules`` and
    other files skipped) without a ``coders:`` entry whose file uses at least one code
    but fewer than a quarter (:data:`SHARE`) of the codebook's codable codes (a category
    counting as its codable codes): someone
    who looked for those codes only, were it so, would need the entry, else
    ``consequence`` (what the command does with the codes they did not use, ``{coder}``
    standing for the coder)."""
    codable = [c.id for c in book.codes.values() if c.codable]
    notes = []
    for name in names:
        coder = coder_of(study, name)
        if coder is None or coder in study.config.coders:
            continue
        table = coder_table(coder_path(study, coder))
        used = sorted(set(table["code_id"].str.strip()) - {""}) if "code_id" in table else []
        # a category (codable: false) says one of its codes applies: it counts as those
        covered = {c for code in used if code in book.codes
                   for c in ([code] if book.codes[code].codable else descendants(book, code))
                   if book.codes[c].codable}
        if not used or len(covered) * SHARE >= len(codable):
            continue
        notes.append(printable(
            f"{coder} used {len(covered)} of the codebook's {len(codable)} codable codes "
            f"({', '.join(used)}). If {coder} looked for only these, write "
            f"`coders: {{{coder}: {{codes: [{', '.join(used)}]}}}}` in {CONFIG_NAME}; "
            f"until then {consequence.format(coder=coder)}"))
    return notes
