"""From the names a coder used to the codebook's code ids.

A name is mapped, in this order: by the mapping file (``--map``), as a code id of the
codebook, as a code's label (exact, case-insensitive, when only one code has it), or as
a code path (``Parent > Child``, ``Parent\\Child`` or ``Parent::Child``, as other QDA
tools write them) ending in a code's id or label under the parents it names.
Anything else is *unmapped*: reported with how many codings use it and where it is
first used, never guessed.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import replace
from pathlib import Path

from ..codebook import Codebook
from ..coders import CodingsError
from ..errors import Problem
from ..tables import ancestors
from ..yamlsrc import line_of, load_yaml
from .base import Documents, Found
from .tabular import read_rows


def load_mapping(path: Path, book: Codebook
                 ) -> tuple[dict[str, str | None], list[Problem]]:
    """(name -> code id, problems) from a CSV (``name,code_id``) or YAML (``name:
    code_id``) file. Every target must be a code id of ``book``; a name whose target is
    not is mapped to None (its problem is reported once, here)."""
    source = str(path)
    pairs: list[tuple[str, str, int | None]] = []
    if path.suffix.lower() in (".yaml", ".yml"):
        data = load_yaml(path, CodingsError)
        if not isinstance(data, dict):
            raise CodingsError("a YAML mapping file holds `name: code_id` lines", file=path)
        pairs = [(str(name), "" if target is None else str(target), line_of(data, name))
                 for name, target in data.items()]
    else:
        header, rows, _ = read_rows(path, codes=book.codes)
        missing = [c for c in ("name", "code_id") if c not in header]
        if missing:
            raise CodingsError(f"missing column(s) {', '.join(missing)}; a mapping file has "
                               "columns name,code_id", file=path, line=1)
        pairs = [(row["name"], row["code_id"], line) for line, row in rows]
    mapping: dict[str, str | None] = {}
    problems: list[Problem] = []
    for name, target, line in pairs:
        name, target = name.strip(), target.strip()
        if not name or not target:
            problems.append(Problem("a mapping needs both a name and a code_id", source, line))
        elif target not in book.codes:
            mapping[name] = None
            problems.append(Problem(f"{target!r} (for {name!r}) is not a code id of the "
                                    "codebook", source, line))
        elif mapping.get(name, target) != target:
            problems.append(Problem(f"{name!r} is mapped twice ({mapping[name]}, {target})",
                                    source, line))
        else:
            mapping[name] = target
    return mapping, problems


def moved_codes(found: list[Found], parents: dict[str, str], mapped: dict[str, str],
                mapping: dict[str, str | None], book: Codebook
                ) -> tuple[list[Problem], list[Problem]]:
    """(problems, notes) for the code names mapped by their label (not by the mapping
    file or a code id) that the file puts under a parent (``parents``, code name -> its
    parent's name). A problem where that parent is none of the code's ancestors in
    ``book`` (by id or label, or mapped to one): "Housing" under "Resilience" in a
    project is not ``risk.housing`` under "Risks" just because the labels match. A note
    where it is one above the code's parent: the file leaves out a level ("Housing"
    under "Risks", where the codebook has Risks > Economic > Housing), unless that
    parent's name is the label of another code too (Youth > Risks), which the file's
    parent may be: a problem."""
    problems, notes = [], []
    labels = _labels(book)
    for name, parent in parents.items():
        if name not in mapped or name in mapping or name in book.codes:
            continue
        code = book.codes[mapped[name]]
        above = [book.codes[c] for c in ancestors(book, code.id)[1:]]
        at = next((k for k, ours in enumerate(above) if mapping.get(parent) == ours.id
                   or parent.casefold() in (ours.label.strip().casefold(), ours.id)), None)
        if not above or at == 0:
            continue
        first = next(item for item in found if item.code == name)
        path = " > ".join(c.label for c in [*reversed(above), code])
        others = [] if at is None or mapping.get(parent) == above[at].id else \
            labels.get(parent.casefold(), [])
        if len(others) > 1:
            problems.append(Problem(
                f"code {name!r} is under {parent!r} in the file, the label of "
                f"{len(others)} codes ({', '.join(others)}), and {code.id}, the code with "
                f"that label, is {path} in the codebook; if it is that code, map it with "
                f"--map (a CSV with the lines `name,code_id` and `{name},{code.id}`)",
                first.file, first.line))
            continue
        if at is not None:
            left_out = ", ".join(repr(c.label) for c in reversed(above[:at]))
            notes.append(Problem(
                f"code {name!r} under {parent!r} in the file read as {code.id} ({path} in "
                f"the codebook): the file leaves out {left_out}", first.file, first.line))
            continue
        problems.append(Problem(
            f"code {name!r} is under {parent!r} in the file, but {code.id}, the code with "
            f"that label, is {path} in the codebook; if it is that code, map it with --map "
            f"(a CSV with the lines `name,code_id` and `{name},{code.id}`), or if "
            f"{parent!r} is {above[0].id} under another name, map that "
            f"(`{parent},{above[0].id}`)", first.file, first.line))
    return problems, notes


SEPARATORS = ("\\", ">", "::")            # Parent\Child, Parent > Child, Parent::Child
PATH = re.compile(r"(\\|>|::)")         # spaces around a separator are stripped after
SEVERAL = re.compile(r"[;,]\s*")           # a line naming several codes: a; b or a, b


def _labels(book: Codebook) -> dict[str, list[str]]:
    labels: dict[str, list[str]] = {}
    for code in book.codes.values():
        labels.setdefault(code.label.strip().casefold(), []).append(code.id)
    return labels


def _before(text: str) -> tuple[str, str] | None:
    """(what comes before, separator) when ``text`` ends in a path's separator, spaces
    around it aside; None otherwise. (A regular expression ``\\s*>\\s*$`` would take
    time growing with the square of a run of spaces.)"""
    text = text.rstrip()
    separator = next((s for s in SEPARATORS if text.endswith(s)), None)
    return None if separator is None else (text[:-len(separator)].rstrip(), separator)


def _fits(name: str, code_id: str, book: Codebook, mapping: dict[str, str | None],
          separator: str | None = None) -> bool:
    """Whether ``name`` ends in the code's id or label (case aside; for a parent, also a
    name the mapping sends to it) and, before a ``separator`` (one kind throughout),
    in a path that fits its parent; at least one parent is named. The codebook's names
    are matched whole, so a label holding a separator (``Rent > wages``) is one part."""
    code = book.codes[code_id]
    own = {code.id, code.label.strip()} | \
        ({n for n, target in mapping.items() if target == code_id} if separator else set())
    for part in own:
        if not part or len(part) > len(name) or \
                name[-len(part):].casefold() != part.casefold():
            continue
        if len(part) == len(name):          # the path's first part (a name alone is not
            if separator is not None:       # a path)
                return True
            continue
        before = _before(name[:-len(part)])
        if before is None or separator not in (None, before[1]):
            continue
        rest, used = before
        if rest and code.parent in book.codes and \
                _fits(rest, code.parent, book, mapping, used):
            return True
    return False


def _by_path(name: str, book: Codebook, mapping: dict[str, str | None]
             ) -> tuple[str | None, str]:
    """(code id, "") for a code path ``Parent > Child`` ending in a code's id or label
    under that code's parents in the codebook (by id or label, or mapped to them), from
    the nearest up (:func:`_fits`); (None, why not) otherwise, as for a path that fits
    two codes."""
    name = name.strip()
    fits = sorted(code_id for code_id in book.codes if _fits(name, code_id, book, mapping))
    if len(fits) == 1:
        return fits[0], ""
    if fits:
        return None, f"a path that fits several codes ({', '.join(fits)})"
    pieces = PATH.split(name)       # why not
    parts, separators = [p.strip() for p in pieces[::2]], set(pieces[1::2])
    if len(parts) < 2 or not all(parts):
        return None, "not a code id or label of the codebook" + _close(name, book)
    ends: dict[str, tuple[str, set[str]]] = {}     # code name ending the path -> parents
    for code_id, code in book.codes.items():
        for part in filter(None, {code_id, code.label.strip()}):
            before = _before(name[:-len(part)]) if len(part) < len(name) and \
                name[-len(part):].casefold() == part.casefold() else None
            if before is not None:
                ends.setdefault(name[-len(part):], (before[0], set()))[1].add(code_id)
    if not ends and len(separators) > 1:
        return None, f"a code path mixing separators ({' '.join(sorted(separators))})"
    if not ends:
        return None, (f"{parts[-1]!r} is not a code id or label of the codebook"
                      + _close(parts[-1], book))
    leaf = max(ends, key=len)
    parents, candidates = ends[leaf]
    where = "; ".join(f"{c} is under {book.codes[c].parent}" if book.codes[c].parent
                      else f"{c} is at the top" for c in sorted(candidates))
    return None, (f"its parents ({parents}) are not those of the codebook's {leaf!r} "
                  f"({where})")


def code_of(name: str, book: Codebook, mapping: dict[str, str | None],
            labels: dict[str, list[str]] | None = None) -> tuple[str | None, str]:
    """(code id, "") for the name a coder used, by the mapping file, as a code id, as a
    code's label (when only one code has it) or as a code path; (None, why not)."""
    labels = _labels(book) if labels is None else labels
    if mapping.get(name) is not None:
        return mapping[name], ""
    if name in book.codes:
        return name, ""
    by_label = labels.get(name.casefold(), [])
    if len(by_label) == 1:
        return by_label[0], ""
    if by_label:
        return None, f"the label of several codes ({', '.join(by_label)})"
    return _by_path(name, book, mapping)


def split_names(found: list[Found], book: Codebook, mapping: dict[str, str | None]
                ) -> tuple[list[Found], list[Problem], list[Problem]]:
    """(``found`` with each code name that is not a code but reads as several (``a; b``
    or ``a, b``, every piece a code) split into them, a problem where a name is a code
    (not by the mapping file, which decides) and also reads as several, a note at the
    first use of each name split, to check)."""
    labels, problems, notes, split, out = _labels(book), [], [], {}, []
    for item in found:
        if item.code not in split:
            pieces = [p.strip() for p in SEVERAL.split(item.code) if p.strip()]
            mapped = item.code in mapping
            whole = mapped or code_of(item.code, book, mapping, labels)[0]
            several = not mapped and len(pieces) > 1 and all(
                p in mapping or code_of(p, book, mapping, labels)[0] for p in pieces)
            split[item.code] = pieces if several and not whole else [item.code]
            if several and whole:
                problems.append(Problem(
                    f"{item.code!r} is a code and also reads as the codes "
                    f"{', '.join(map(repr, pieces))}; map it with --map to its code if it "
                    "is that one code, else export the codes one a line", item.file,
                    item.line))
            elif several:
                notes.append(Problem(
                    f"the code name {item.code!r} is read as the codes "
                    f"{', '.join(map(repr, pieces))} (each line naming it); if it is one "
                    "code, map it with --map", item.file, item.line))
        out += [replace(item, code=piece) for piece in split[item.code]]
    return out, problems, notes


def map_names(found: list[Found], book: Codebook, mapping: dict[str, str | None],
              docs: Documents) -> tuple[dict[str, str], list[Problem]]:
    """(name -> code id for every name that maps (:func:`code_of`), one problem per
    unmapped name, which shows it as :meth:`.base.Documents.code_name` does; names the
    mapping sends to None are neither)."""
    labels = _labels(book)
    uses: dict[str, list[Found]] = {}
    for item in found:
        uses.setdefault(item.code, []).append(item)
    mapped: dict[str, str] = {}
    unmapped: list[Problem] = []
    for name, items in uses.items():
        if name in mapping and mapping[name] is None:
            continue
        code, why = code_of(name, book, mapping, labels)
        if code is not None:
            mapped[name] = code
            continue
        first = items[0]
        unmapped.append(Problem(
            f"unmapped code{docs.code_name(name, first.doc_id)} ({len(items)} "
            f"coding{'s' * (len(items) != 1)}, first here): {why}; map it with --map",
            first.file, first.line))
    return mapped, unmapped


def _close(name: str, book: Codebook) -> str:
    """`` (did you mean ...?)`` naming the code ids closest to ``name``, or nothing."""
    ids = {code_id.casefold(): code_id for code_id in book.codes}
    close = difflib.get_close_matches(name.casefold(), list(ids), n=2, cutoff=0.75)
    return f" (did you mean {' or '.join(ids[c] for c in close)}?)" if close else ""
