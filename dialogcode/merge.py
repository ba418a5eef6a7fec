"""`dialogcode codebook merge`: apply the entries of a codebook patch that a person
marked ``keep: true`` to one codebook file.

The codebook is edited with ruamel.yaml's round-trip mode, so its comments, key order,
quoting and indentation stay as the person wrote them; only the new terms and codes
are added. The merged file is validated with :func:`~dialogcode.codebook.load_codebooks`
before it replaces the original (written to a temporary file first); when it would be
invalid, or a new code's id already exists, nothing is written.
"""
from __future__ import annotations

import difflib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from .codebook import Match, load_codebooks
from .config import problems_from_validation
from .errors import CodebookError, Problem
from .store import temporary_beside
from .yamlsrc import line_of, load_yaml


class _Entry(BaseModel):
    model_config = ConfigDict(extra="ignore")   # counts and examples are for people
    keep: bool = False


class TermEntry(_Entry):
    code: str
    term: str = Field(min_length=1)
    match: Match = "lemma"


class CodeEntry(_Entry):
    id: str
    label: str
    parent: str | None = None
    terms: list[str]
    match: Match = "lemma"
    definition: str | None = None


class PatchSpec(BaseModel):
    model_config = ConfigDict(extra="ignore")
    new_codes: list[CodeEntry] = Field(default_factory=list)
    proposed_terms: list[TermEntry] = Field(default_factory=list)


@dataclass
class MergeResult:
    """What a merge did (or, with ``dry_run``, would do): ``applied`` and ``skipped``
    are sentences for people; ``written`` says whether the codebook file changed."""

    applied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    written: bool = False


def read_patch(path: Path) -> PatchSpec:
    """Read and validate a patch file. Raises CodebookError naming file and line."""
    data = load_yaml(path, CodebookError)
    if not isinstance(data, dict) or not {"new_codes", "proposed_terms"} & set(data):
        raise CodebookError("a codebook patch is a mapping with new_codes and "
                            "proposed_terms (written by `dialogcode cluster`)", file=path,
                            line=1)
    problems = _misspelt_keys(data, str(path))
    try:
        spec = PatchSpec.model_validate(data)
    except ValidationError as exc:
        problems += problems_from_validation(exc, data, str(path), PatchSpec)
    if problems:
        raise CodebookError(sorted(problems, key=lambda problem: problem.line or 0))
    return spec


def _misspelt_keys(data: dict, source: str) -> list[Problem]:
    """A key of the patch or of an entry that is close to one merge reads (``kep`` for
    keep): the keys merge does not read (cluster, examples ...) are for people and
    ignored, so a misspelt one would silently change what is merged."""
    problems = []

    def check(mapping, model: type[BaseModel], where: str) -> None:
        for key in mapping:
            close = difflib.get_close_matches(str(key), list(model.model_fields), n=1,
                                              cutoff=0.75)
            if key not in model.model_fields and close:
                problems.append(Problem(f"unknown key; did you mean {close[0]!r}?", source,
                                        line_of(mapping, key), f"{where}{key}"))

    check(data, PatchSpec, "")
    for name, model in (("new_codes", CodeEntry), ("proposed_terms", TermEntry)):
        entries = data.get(name)
        for n, entry in enumerate(entries if isinstance(entries, list) else []):
            if isinstance(entry, dict):
                check(entry, model, f"{name}.{n}.")
    return problems


def _codes_by_id(codes, found: dict) -> dict:
    for item in codes or []:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            found[item["id"]] = item
            _codes_by_id(item.get("codes"), found)
    return found


def _round_trip(text: str) -> YAML:
    _, indent, dash = load_yaml_guess_indent(text)
    dash = dash or 0
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096                      # never re-wrap the person's lines
    yaml.brace_single_entry_mapping_in_flow_sequence = True
    yaml.indent(mapping=indent - dash if dash else indent, sequence=indent, offset=dash)
    return yaml


def _add_term(code: CommentedMap, entry: TermEntry, book_match: str) -> bool:
    """Append the entry's term to ``code``'s patterns.terms (with its match mode when
    that differs from the code's default); False when the term is there already."""
    patterns = code.setdefault("patterns", CommentedMap())
    terms = patterns.setdefault("terms", CommentedSeq())
    written = {str(t if isinstance(t, str) else t.get("term")).lower() for t in terms}
    if entry.term.lower() in written:
        return False
    if entry.match == (patterns.get("match") or book_match):
        terms.append(entry.term)
    else:
        item = CommentedMap([("term", entry.term), ("match", entry.match)])
        item.fa.set_flow_style()
        terms.append(item)
    return True


def _new_code(entry: CodeEntry) -> CommentedMap:
    code = CommentedMap([("id", entry.id), ("label", entry.label)])
    if entry.definition:
        code["definition"] = entry.definition
    patterns = CommentedMap([("match", entry.match), ("terms", CommentedSeq(entry.terms))])
    code["patterns"] = patterns
    return code


def merge_patch(patch: Path, into: Path, *, others: list[Path] = (), dry_run: bool = False
                ) -> MergeResult:
    """Apply ``patch``'s ``keep: true`` entries to the codebook file ``into``.

    Proposed terms go into their code's ``patterns.terms``; new codes go under their
    ``parent`` (which must be defined in ``into``) or at the top level. Entries whose
    code or parent ``into`` does not define are skipped and listed. ``others`` are the
    study's other codebook files: loaded with ``into`` to check ids and validity.
    A new code already there with the same label and terms (merged before) is skipped.
    Raises CodebookError, writing nothing, when a new code's id already exists
    otherwise, or when the merged codebook would be invalid.
    """
    spec = read_patch(patch)
    before = load_codebooks([into, *others])
    result = MergeResult()
    kept_codes = [e for e in spec.new_codes if e.keep]
    kept_terms = [e for e in spec.proposed_terms if e.keep]
    if not kept_codes and not kept_terms:
        result.skipped.append("no entry has `keep: true`; nothing to merge")
        return result
    # ruamel.yaml drops lines holding only spaces; emptied, they are kept as blank lines
    text = re.sub(r"(?m)^[ \t]+$", "", into.read_text(encoding="utf-8-sig"))
    yaml = _round_trip(text)
    try:
        data = yaml.load(text)
    except YAMLError as exc:   # load_codebooks read it, so this is unexpected
        raise CodebookError(f"cannot edit: {exc}", file=into) from None
    local = _codes_by_id(data.get("codes"), {})
    book_match = data.get("match") or "lower"
    problems = []
    for entry in kept_codes:
        existing = before.codes.get(entry.id)
        where = existing and before.sources.get(existing.codebook)
        if existing and existing.label == entry.label \
                and set(entry.terms) <= {term for term, _ in existing.terms}:
            result.skipped.append(f"new code {entry.id} is already in {where} (merged "
                                  "before)")
        elif existing:
            problems.append(Problem(f"new code {entry.id!r} already exists (in {where}); "
                                    "give it another id in the patch", str(patch)))
        elif entry.parent and entry.parent not in local:
            result.skipped.append(f"new code {entry.id}: parent {entry.parent} is not "
                                  f"defined in {into.name}")
        else:
            siblings = local[entry.parent].setdefault("codes", CommentedSeq()) \
                if entry.parent else data["codes"]
            siblings.append(_new_code(entry))
            local[entry.id] = siblings[-1]
            result.applied.append(f"added code {entry.id} ({entry.label}) "
                                  + (f"under {entry.parent}" if entry.parent else
                                     "at the top level")
                                  + f" with terms: {', '.join(entry.terms)}")
    if problems:
        raise CodebookError(problems)
    for entry in kept_terms:
        code = local.get(entry.code)
        if code is None:
            result.skipped.append(f"term {entry.term!r}: code {entry.code} is not defined "
                                  f"in {into.name}")
        elif _add_term(code, entry, book_match):
            result.applied.append(f"added term {entry.term!r} to {entry.code}")
        else:
            result.skipped.append(f"term {entry.term!r} is already a term of {entry.code}")
    if result.applied:
        _write_checked(yaml, data, into, list(others), dry_run)
        result.written = not dry_run
    return result


def _write_checked(yaml: YAML, data, into: Path, others: list[Path], dry_run: bool) -> None:
    """Write ``data`` to a temporary file beside ``into``, validate it with the other
    codebooks, then replace ``into`` (or, with ``dry_run``, only validate)."""
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    temporary = temporary_beside(into)
    temporary.write_text(buffer.getvalue(), encoding="utf-8")
    try:
        load_codebooks([temporary, *others])
    except CodebookError as exc:
        temporary.unlink()
        raise CodebookError([Problem(f"the merged codebook would be invalid, so it was not "
                                     f"written: {p.message}", str(into), None, p.key)
                             for p in exc.problems]) from None
    if dry_run:
        temporary.unlink()
    else:
        os.replace(temporary, into)
