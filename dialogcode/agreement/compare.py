"""agree(): the agreement of two or more codings of the same segments, as researchers
report it (docs/review.md): a row per code, per variable (an ``exclusive`` parent) and per
group of codes (cu-alpha), with kappas, alpha, bootstrap intervals and unit counts.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from ..choices import AGREEMENT_UNITS as UNITS
from ..codebook import Codebook
from ..errors import ArgumentError, DialogcodeError, Problem
from .coverage import Layout, coverage_notes, hash_problems, listed, locate, span_presence
from .disagreements import disagreement_table
from .rows import (ALL_CODES, NOBODY, code_rows, counts_for, expand, group_row,
                   judged_only, member_lookup, one_child_row, only_child,
                   pooled_row, table_of, variable_row)
from .scheme import Scheme, scheme_of
from .statistics import LEVELS
from .units import Selection

SEGMENT_COLUMNS = ["seg_id", "doc_id", "start", "end", "speaker", "text"]
MIN_UNITS = 10
DRAWS = 1000
_RESERVED = ["seg_id", "doc_id", "code_id", "kind", "speaker", "text", "values"]


@dataclass
class Agreement:
    """Result of :func:`agree`: ``per_code`` (a row per variable, code, all codes pooled
    and group; columns in docs/review.md), the segments where coders differ, a confusion
    matrix per variable, the units (``selection`` names them; ``units`` segments in
    ``documents`` documents were read by a coder, ``shared`` in ``shared_documents`` by
    two or more) and what a reader should know (``notes``)."""

    per_code: pd.DataFrame
    disagreements: pd.DataFrame
    unit: str
    coders: list[str]
    confusion: dict[str, pd.DataFrame] = field(default_factory=dict)
    selection: str = "all segments"
    units: int = 0
    documents: int = 0
    notes: list[str] = field(default_factory=list)
    shared: int = 0
    shared_documents: int = 0


def _argument_problems(codings, segments, unit, reference, min_overlap, level, draws,
                       min_units) -> list[Problem]:
    problems = []
    if len(codings) < 2:
        problems.append(Problem("agreement needs at least two codings"))
    if unit not in UNITS:
        problems.append(Problem(f"unit must be one of {', '.join(UNITS)}, not {unit!r}"))
    if reference is not None and len(codings) != 2:
        problems.append(Problem(f"reference {reference!r}: precision, recall and F1 score one "
                                f"coding against another, so it needs exactly two codings, "
                                f"not {len(codings)}"))
    elif reference is not None and reference not in codings:
        problems.append(Problem(f"reference {reference!r} is not one of the codings "
                                f"compared ({', '.join(map(str, codings))})"))
    if not 0 < min_overlap <= 1:
        problems.append(Problem(f"min_overlap must be in (0, 1], not {min_overlap}"))
    if level not in LEVELS:
        problems.append(Problem(f"level must be one of {', '.join(LEVELS)}, not {level!r}"))
    if draws < 0 or min_units < 1:
        problems.append(Problem("draws must be 0 or more and min_units 1 or more"))
    lacking = [c for c in SEGMENT_COLUMNS if c not in segments]
    if lacking:
        problems.append(Problem(f"segments table lacks column(s) {', '.join(lacking)}"))
    for name, coding in codings.items():
        if not isinstance(name, str) or not name or name in _RESERVED:
            problems.append(Problem(f"coder name {name!r} is empty or clashes with a column"))
        lacking = [c for c in ("doc_id", "code_id") if c not in coding]
        if "seg_id" not in coding and not {"start", "end"} <= set(coding):
            lacking.append("seg_id (or start and end)")
        if lacking:
            problems.append(Problem(f"coding lacks column(s) {', '.join(lacking)}", key=str(name)))
    return problems


def _where(name: str, coding: pd.DataFrame, row) -> dict:
    """File and line of a coder-file row (read_coder keeps the line each row starts on as
    the index and the path in ``attrs``), else the coder's name as key."""
    if coding.attrs.get("file"):
        return {"file": coding.attrs["file"], "line": int(row)}
    return {"key": name}


def _code_problems(name: str, coding: pd.DataFrame, scheme: Scheme) -> list[Problem]:
    if scheme.known is None:
        return []
    used = coding["code_id"].dropna()
    unknown = set(used.unique()) - scheme.known
    return [Problem(f"code {code!r} is not in the codebook", **_where(name, coding, row))
            for row, code in used[used.isin(unknown)].items()] if unknown else []


def _present(located: pd.DataFrame, codes: int, coders: int) -> pd.DataFrame:
    """(coder_k, pos, code) once each, from the located rows."""
    key = np.sort((located["pos"].to_numpy(np.int64) * codes + located["code"].to_numpy())
                  * coders + located["coder_k"].to_numpy())
    key = key[np.r_[True, key[1:] != key[:-1]]]
    return pd.DataFrame({"coder_k": (key % coders).astype(np.int8),
                         "pos": (key // coders // codes).astype(np.int32),
                         "code": (key // coders % codes).astype(np.int32)})


def _conflicts(located: pd.DataFrame, names: pd.Index, layout, codings, scheme: Scheme
               ) -> list[Problem]:
    """A problem per coder row giving a segment a second value of one variable."""
    problems = []
    coders = list(codings)
    for variable in scheme.variables.values():
        value = member_lookup(names, variable.members)[located["code"].to_numpy()]
        rows = located.assign(value=value)
        firsts = rows[rows["value"] >= 0].drop_duplicates(["coder_k", "pos", "value"])
        doubled = firsts.duplicated(["coder_k", "pos"], keep="first")
        for _, row in firsts[doubled].iterrows():
            earlier = firsts[(firsts["coder_k"] == row["coder_k"])
                             & (firsts["pos"] == row["pos"])].iloc[0]
            coder = coders[row["coder_k"]]
            problems.append(Problem(
                f"segment {layout.seg_ids[row['pos']]} gets two values of {variable.id}: "
                f"{names[earlier['code']]} and {names[row['code']]} (a unit carries one at "
                "most)", **_where(coder, codings[coder], row["row"])))
    return problems


def _requested(codes, scheme: Scheme) -> list[Problem]:
    if codes is None or scheme.known is None:
        return []
    return [Problem(f"unknown code {code!r}: not in the codebook") for code in codes
            if code not in scheme.known]


def _common_documents(reads: np.ndarray, docs: np.ndarray, names: pd.Index,
                      coders: list[str]) -> None:
    """Refuse coders who share no document among the units, listing each one's."""
    mine = [np.unique(docs[reads[:, k]]) for k in range(len(coders))]
    counts = np.bincount(np.concatenate(mine), minlength=len(names)) if len(names) else []
    if not (np.asarray(counts) >= 2).any():
        raise DialogcodeError([Problem("the coders have no document in common, so nothing "
                                       "can be compared")]
                              + [Problem(f"{name} coded {len(found)} document(s): "
                                         f"{listed(sorted(names[found]), 10) or 'none'}")
                                 for name, found in zip(coders, mine)])


def _whole_segments(coding: pd.DataFrame) -> bool:
    """Whether ``coding`` codes whole segments only: it has coded rows, none of them
    with a span (start and end)."""
    coded = coding["code_id"].notna()
    if {"start", "end"} <= set(coding):
        return bool(coded.any()) and not (coded & coding["start"].notna()
                                          & coding["end"].notna()).any()
    return bool(coded.any())


def unsought_by(coders: Sequence[str]) -> str:
    """``coders`` did not look for a row's code (``coders:`` in dialogcode.yaml)."""
    return f"{' and '.join(coders)} did not look for it"


def not_sought(coders: Sequence[str]) -> str:
    """The verdict of a row left without two coders judged by ``coders``, who did not
    look for its code."""
    return f"none: {unsought_by(coders)}"


def _judged_apart(rows: list[dict], coders: list[str], rules: str | None, unpooled,
                  groups, chains, names: pd.Index, scheme: Scheme, roll_up: bool
                  ) -> list[str]:
    """Notes on the rows judged without the rules (``unpooled`` codes and ``groups``,
    with two or more people beside them) and on the rolled-up and group rows judged
    without codes ``chains`` keeps from counting for them."""
    notes = []
    people = [c for c in coders if c != rules]
    apart = [row for row in rows if row["code_id"] in (
        unpooled if row["kind"] == "code" else groups if row["kind"] == "group" else ())]
    if rules in coders and len(people) >= 2 and apart:
        fewer = any(row["coders"] < len(people) for row in apart)     # coders: scopes
        ids = [row["code_id"] + (" (cu-alpha)" if row["kind"] == "group" else "")
               for row in apart]
        notes.append(f"{listed(ids)}: no rule can code these (human-only), so each row "
                     f"is the agreement of {' and '.join(people)} alone"
                     + (" (of those of them who looked for it)" if fewer else "")
                     + ", the rules left out (their part is n/a); not in (all codes)")
    left: dict[str, list[str]] = {}
    for code in names if chains is not None else []:
        for target in (code, *scheme.ancestors.get(code, ())):
            if code in chains and target not in chains[code]:
                left.setdefault(target, []).append(code)
    judged = {(row["code_id"], row["kind"]) for row in rows}
    for target, codes in sorted(left.items()):
        how = [what for what, kind, shown in (("rolled up", "code", roll_up),
                                              ("cu-alpha", "group", True))
               if shown and (target, kind) in judged]
        if how:
            notes.append(f"{target} ({' and its '.join(how)}) is judged on the codes below "
                         f"it the rules can apply; left out: {listed(sorted(codes))} (no "
                         "rules, human-only)")
    return notes


def agree(codings: Mapping[str, pd.DataFrame], segments: pd.DataFrame, *,
          unit: str = "segment", reference: str | None = None,
          codes: Sequence[str] | None = None, documents: pd.DataFrame | None = None,
          min_overlap: float = 0.5, book: Codebook | None = None,
          selection: Selection | None = None, roll_up: bool = False,
          level: str = "nominal", draws: int = DRAWS, seed: int = 0,
          min_units: int = MIN_UNITS, unpooled: Collection[str] = (),
          scopes: Mapping[str, Collection[str]] | None = None, rules: str | None = None,
          chains: Mapping[str, Sequence[str]] | None = None,
          unpooled_applied: Collection[str] | None = None) -> Agreement:
    """Agreement between two or more codings (coder name -> codings-shaped table with
    ``doc_id``, ``code_id`` and ``seg_id`` and/or ``start``/``end``) of the same segments.

    Which segments each coder read is in :mod:`.coverage`; unread segments are missing.
    The units are the codable segments (``codable`` column: preambles and headings are
    not) of ``selection`` (default all) that someone read.
    ``unit="segment"``: a coder applied code c to segment s if any of their rows of c lies
    in s. ``unit="span"``: only if their spans of c (clipped to s) cover at least
    ``min_overlap`` of the characters covered by all coders' spans of c in s.

    With ``book``, an ``exclusive`` parent is one variable (a row, its values' confusion
    matrix) and other parents with two or more children get a cu-alpha row; coders' codes
    must be in the book. ``roll_up`` counts each code for its ancestors too. ``codes``
    chooses the rows (default: every code used in the units). ``level`` picks the alpha
    the verdict of a numeric variable uses. Intervals come from ``draws`` bootstrap draws
    seeded with ``seed`` (0 draws: none). A verdict needs ``min_units`` units where some
    coder gave a value other than the most common one. The ``unpooled`` codes get their
    rows but are left out of ``(all codes)`` (codes the rules never apply, when comparing
    with the rules: :data:`~dialogcode.trust.NO_RULES`); with ``rules`` (the name of the
    rules' coding) and two or more other codings, their rows are those others' alone.
    ``chains`` gives what each code counts for with ``roll_up`` (default: itself and its
    ancestors; :func:`~dialogcode.trust.rules_chains` against the rules) and, when given,
    which children a group's cu-alpha counts; a note names the codes a row is judged
    without. A code nobody applied gets no figures (verdict ``n/a: no one applied it``).
    ``scopes`` gives coders who looked for some codes only (coder -> those code ids,
    sub-codes included: :func:`~dialogcode.scopes.coder_scopes`): on the others they are
    missing, never "nothing applied"; a row that leaves fewer than two coders judged says
    who did not look for it (:func:`not_sought`, even where no one applied the code) and
    stays out of the pooled row. With ``roll_up`` the pooled row pools the codes as
    applied, each coding once (not again for the codes above it): of ``codes``, those
    that count for one of them (a parent's sub-codes as well as itself), leaving out
    ``unpooled_applied`` (default ``unpooled``: against the rules, the codes they never
    apply as applied). ``reference`` (with exactly two coders) adds precision,
    recall and F1 of the other coder. With ``documents``, codings whose ``sha256``
    differs are refused. Raises DialogcodeError listing every problem (ArgumentError for
    arguments that do not fit together).
    """
    problems = _argument_problems(codings, segments, unit, reference, min_overlap, level,
                                  draws, min_units)
    if problems:
        raise ArgumentError(problems)
    scheme, coders, layout = scheme_of(book), list(codings), Layout(segments)
    frames, read, marked = [], {}, {}
    for k, (name, coding) in enumerate(codings.items()):
        located, read[name], marked[name], found = locate(name, coding, layout)
        problems += found + hash_problems(name, coding, documents) \
            + _code_problems(name, coding, scheme)
        frames.append(located.assign(coder_k=np.int8(k)).drop(
            columns=[] if unit == "span" else ["start", "end"]))
    located = pd.concat(frames, ignore_index=True)
    del frames
    code, names = pd.factorize(located.pop("code_id"))
    located["code"], names = code.astype(np.int32), pd.Index(names)
    problems += _requested(codes, scheme) + _conflicts(located, names, layout, codings, scheme)
    if problems:
        raise DialogcodeError(problems)
    presence = (span_presence(located, min_overlap) if unit == "span"
                else _present(located, len(names), len(coders)))
    del located
    codable = (np.array(segments["codable"], dtype=bool) if "codable" in segments
               else np.ones(len(segments), dtype=bool))
    chosen = codable.copy()
    if selection is not None:
        picked = layout.positions(selection.seg_ids)
        chosen &= np.isin(np.arange(len(segments)), picked[picked >= 0])
    scopes = {name: frozenset(scopes[name]) for name in coders if name in (scopes or {})}
    notes = coverage_notes(read, marked, presence, layout, chosen, {
        name: names.isin(list(scope)) for name, scope in scopes.items()})
    # of the documents the units are in: no word of those the selection leaves out
    in_units = (np.bincount(layout.doc[chosen], minlength=len(layout.sizes)) > 0)[layout.doc]
    uncodable = int((~codable & in_units)[presence["pos"].to_numpy()].sum())
    if uncodable:
        notes.append(f"{uncodable} coding(s) on preambles or headings are left out: those "
                     "segments are not codable (`code_preamble: true` in dialogcode.yaml "
                     "makes them so)")
    unit_pos = np.flatnonzero(chosen & np.logical_or.reduce(list(read.values())))
    reads = np.column_stack([read[name][unit_pos] for name in coders])
    _common_documents(reads, layout.doc[unit_pos], layout.docs, coders)
    unit_of = np.full(len(segments), -1)
    unit_of[unit_pos] = np.arange(len(unit_pos))
    presence = presence.assign(unit=unit_of[presence["pos"].to_numpy()])
    presence = presence[presence["unit"] >= 0]
    options = {"level": level, "draws": draws, "min_units": min_units}
    rows, items, matrices = [], [], {}
    used = set(names[presence["code"].unique()])

    def judging(*ids: str) -> np.ndarray:
        """Which coders looked for every code of ``ids``."""
        return np.array([name not in scopes or all(c in scopes[name] for c in ids)
                         for name in coders], dtype=bool)
    for name, scope in scopes.items():      # a category (codable: false) is no code to give
        sought = [c for c in scope if book is None or c not in book.codes
                  or book.codes[c].codable]
        notes.append(f"{name} looked for {len(sought)} code(s) only (coders: in "
                     f"dialogcode.yaml): the other codes are not judged for {name}, and "
                     f"{ALL_CODES} leaves them out for {name}")
    for variable in scheme.variables.values():
        if used & set(variable.members) if codes is None else \
                {variable.id, *variable.members} & set(codes):
            mask = judging(*variable.members)
            judged, seen = judged_only(presence, reads, mask)
            row, item, matrices[variable.id], note = variable_row(
                variable, judged, names, seen, seed, judging=mask, **options)
            rows.append(row)
            items.append(item)
            notes += [note] if note else []
    members = scheme.variable_codes()
    coded, wider = expand(presence, names, scheme, chains) if roll_up else (presence, names)
    chosen_codes = (sorted(set(wider[coded["code"].unique()]) - members) if codes is None
                    else [c for c in dict.fromkeys(codes)
                          if c not in members and c not in scheme.variables])
    unsought = {c for c in chosen_codes if judging(c).sum() < 2}
    first = coders.index(reference) if reference is not None else None
    rows += code_rows(coded, wider, reads, chosen_codes, first, seed, items,
                      unpooled=frozenset(unpooled) | unsought, judging=judging,
                      without=coders.index(rules) if rules in coders else None,
                      apart=frozenset(unpooled), pool=not roll_up, **options)
    if roll_up:     # the pooled row of the codes as applied: each coding counted once;
        # of a code asked for, its sub-codes too (someone applied the parent itself or not)
        applied = [c for c in names if c not in members and (
            codes is None or set(counts_for(c, scheme, chains)) & set(chosen_codes))]
        rows += pooled_row(presence, names, reads, applied, first, seed, judging=judging,
                           unpooled={*(unpooled if unpooled_applied is None
                                       else unpooled_applied),
                                     *(c for c in applied if judging(c).sum() < 2)},
                           **options)
    groups = {group.id: group if chains is None else replace(group, members={
        # against the rules: the children they can code
        c: v for c, v in group.members.items() if group.id in chains.get(c, (group.id,))})
        for group in scheme.groups.values()}
    # a group with no child the rules can code is judged as a human-only code: the
    # people's cu-alpha, the rules left out (so its interval is drawn for the people)
    people_groups = {g for g, group in groups.items() if rules in coders
                     and len(coders) >= 3 and set(group.members) <= set(unpooled)}
    single = []
    for group in groups.values():
        if codes is None or group.id in codes:
            mask = judging(*group.members)
            mask[[c == rules and group.id in people_groups for c in coders]] = False
            judged, seen = judged_only(presence, reads, mask)
            if len(set(group.members.values())) == 1:   # one child the rules can apply
                row = one_child_row(group, judged, names, seen, seed, judging=mask,
                                    **options)
                single.append(group.id)
            else:
                row = group_row(group, judged, names, len(coders), seed, draws, min_units,
                                int(mask.sum()))
            rows += [row] if row else []
    # a human-only code's row of the people alone (the rules left out: code_rows)
    apart = frozenset(unpooled) if rules in coders and len(coders) >= 3 else frozenset()
    for row in rows if scopes else []:
        kinds = {"variable": scheme.variables, "group": groups}
        judged = judging(*(kinds[row["kind"]][row["code_id"]].members if row["kind"] in kinds
                           else () if row["kind"] == "pooled" else (row["code_id"],)))
        left_out = (row["code_id"] in apart if row["kind"] == "code" else
                    row["kind"] == "group" and row["code_id"] in people_groups)
        row["coders"] = int(judged.sum() - left_out)   # the pooled row's: every coder
        missing = [c for c, j in zip(coders, judged) if not j]
        if row["coders"] < 2:
            row["verdict"] = not_sought(missing)
        elif missing:       # figures of those who looked (code_rows, variable_row, ...)
            among = [c for c, j in zip(coders, judged) if j and not (left_out and c == rules)]
            row["verdict"] += f" between {' and '.join(among)} ({unsought_by(missing)})"
    units = segments.iloc[unit_pos].reset_index(drop=True)
    shared = reads.sum(axis=1) >= 2
    notes += _judged_apart(rows, coders, rules, unpooled, people_groups, chains, names,
                           scheme, roll_up)
    notes += [f"{group} (cu-alpha): the rules can apply one code below it, "
              f"{only_child(groups[group])}, so it is judged on that code, present or not: "
              "cu-alpha would have no two codes to choose between" for group in single
              if any(r["code_id"] == group and r["kind"] == "group" for r in rows)]
    # NOBODY, or NOBODY and who judged it (the scopes' loop above)
    nobody = [row["code_id"] for row in rows if row["verdict"].startswith(NOBODY)]
    still = [row["code_id"] for row in rows if row.get("units")
             and not row["verdict"].startswith(NOBODY)
             and np.isnan(row.get("krippendorff_alpha", 0.0))]
    if roll_up and any(row["kind"] == "pooled" for row in rows):
        notes.append(f"{ALL_CODES} pools the codes as applied, each coding counted once, as "
                     "agree without --roll-up does: rolled up, a sub-code's codings would "
                     "count again in the rows of the codes above it")
    whole = [name for name, coding in codings.items() if unit == "span"
             and _whole_segments(coding)]
    if whole:
        notes.append(f"--unit span: {listed(whole)} coded whole segments (no start and end), "
                     + ("so every figure is as --unit segment gives it" if len(whole) ==
                        len(coders) else "so where they applied a code, the others' spans "
                        "of it must cover --min-overlap of the whole segment"))
    if level != "nominal" and not any(f"alpha_{level}" in row for row in rows):
        notes.append(f"{level} alpha is for numeric variables (an exclusive parent whose "
                     "children are numbers, a rating scale), and no row is one: every "
                     "verdict is on nominal alpha")
    if nobody:
        notes.append(f"n/a for {listed(nobody)}: no one applied it on a segment two coders "
                     "read, so there is no agreement to assess (percent agreement would "
                     "read 1.0, everyone leaving it out); left out of (all codes)")
    # a parent judged as applied whose sub-codes were: rolled up, they count for it
    above = [] if roll_up else [code for code in nobody if any(
        c != code and code in counts_for(c, scheme, chains) for c in used)]
    if above:
        notes.append(f"{listed(above)}: codes below it were applied; with --roll-up they "
                     "count for it, and it is judged on them")
    if still:
        notes.append(f"n/a for {listed(still)}: the coders never varied there (every unit "
                     "got the same value from everyone), so alpha and kappa are 0/0, "
                     "undefined; their perfect agreement says nothing about "
                     "whether they can tell where a code applies")
    return Agreement(table_of(rows), disagreement_table(items, units, coders), unit,
                     coders, matrices, selection.description if selection else
                     "all segments", len(units), units["doc_id"].nunique(), notes,
                     int(shared.sum()), units.loc[shared, "doc_id"].nunique())
