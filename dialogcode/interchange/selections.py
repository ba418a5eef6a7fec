"""The codings a REFI-QDA project export holds (:mod:`.qdpx`): who made each one, what
its Description says, which lessons it supports, and whether the codings still fit
their documents.

A selection's ``User`` is ``dialogcode rules`` for rule codings, ``dialogcode model``
for model codings, the coder for ``human:<coder>`` codings and the reviewer for codes
accepted or added in review. Its Description holds what the standard has no field for::

    source: rule
    rule: term:rent; near:1
    score: 0.8100                   (model codings)
    review: rejected by ana (note)  (when a review decision concerns it)
"""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from ..analysis import moved_codings
from ..coded_text import (REIMPORT, changed_hashes, masked_copies, masked_text,
                          other_text)
from ..coders import coder_names, coder_path, coder_table, read_coder
from ..errors import Problem
from ..review import MOVED, doc_ids_of, final_coders, load_decisions, orphaned
from ..spans import codes
from ..store import table_path
from ..study import Study
from .qdc import GUID_NAMESPACE

# fixed forever: changing it changes every exported GUID (codes use qdc.guid_for)
_NAMESPACE = uuid.uuid5(GUID_NAMESPACE, "refi-qda project")
SELECTION_COLUMNS = ["doc_id", "start", "end", "code_id", "user", "description", "lessons"]


def guid(kind: str, *parts) -> str:
    """The GUID of a project object of ``kind`` identified by ``parts``: the same on
    every export."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join([kind, *map(str, parts)])))


@dataclass(frozen=True)
class User:
    """A REFI-QDA user: a person by name, or dialogcode's rules or model."""

    name: str
    id: str

    @property
    def guid(self) -> str:
        return guid("user", self.id)


RULES = User("dialogcode rules", "rules")
MODEL = User("dialogcode model", "model")


def changed_documents(study: Study, documents: pd.DataFrame, segments: pd.DataFrame,
                      rules: pd.DataFrame, coders: list[str]) -> list[Problem]:
    """One problem per file and document whose codings were made on other text: rule
    and model codings (``rules``) whose segment no longer holds their quote
    (:func:`dialogcode.analysis.moved_codings`), and files of ``coders`` and review
    decisions whose sha256 differs from the document's, or whose seg_id names another
    segment than the one decided."""
    stale = moved_codings(rules, segments)
    problems = [Problem(f"{n} coding{'s' * (n != 1)} of document {doc_id!r} no longer "
                        "match its text; run `dialogcode code` (or `dialogcode run`) again",
                        str(table_path(study.out, "codings")))
                for doc_id, n in sorted(stale.items())]
    for coder in coders:
        path = coder_path(study, coder)
        table = coder_table(path)
        if {"seg_id", "sha256"} <= set(table.columns):
            doc_of = doc_ids_of(table["seg_id"])
            changed = changed_hashes(table["sha256"], doc_of, documents)
            copied = masked_copies(table["sha256"], doc_of, documents, study, segments)
            problems += [Problem(masked_text(f"rows of document {doc_id!r} carry", study),
                                 str(path)) for doc_id in sorted(set(doc_of[copied]))]
            problems += [Problem(other_text(f"rows of document {doc_id!r} were coded",
                                            REIMPORT), str(path))
                         for doc_id in sorted(set(doc_of[changed & ~copied]))]
    decisions = orphaned(load_decisions(study), rules, documents, segments)
    changed = doc_ids_of(decisions.loc[decisions["reason"] == "document text changed", "seg_id"])
    problems += [Problem(other_text(f"decisions on document {doc_id!r} were made",
                                    "decide its segments again (`dialogcode review "
                                    "export` shows them as they are now)"),
                         str(study.root / "decisions.csv"))
                 for doc_id in sorted(set(changed))]
    moved = doc_ids_of(decisions.loc[decisions["reason"] == MOVED, "seg_id"])
    problems += [Problem(f"decisions on document {doc_id!r} were made on other segments: "
                         "its unchanged text is cut into segments otherwise now (a newer "
                         "dialogcode, another setting), so a seg_id may name another turn; "
                         "decide its segments again (`dialogcode review export` shows them "
                         "as they are now)", str(study.root / "decisions.csv"))
                 for doc_id in sorted(set(moved))]
    return problems


def _other_coders(study: Study, segments: pd.DataFrame, codes: set[str]) -> pd.DataFrame:
    """The codings of coders in codings/ who are not final coders, whole-segment ones
    spanning their segment."""
    final = set(final_coders(study))
    parts = [read_coder(coder_path(study, c), segments, c, codes).dropna(subset=["code_id"])
             for c in coder_names(study) if c not in final]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["seg_id", "doc_id", "code_id", "start", "end", "source"])
    table = pd.concat(parts, ignore_index=True)
    bounds = segments.set_index("seg_id")
    table["start"] = table["start"].fillna(table["seg_id"].map(bounds["start"]))
    table["end"] = table["end"].fillna(table["seg_id"].map(bounds["end"]))
    return table


def exported_codings(study: Study, rules: pd.DataFrame, final: pd.DataFrame,
                     segments: pd.DataFrame, codes: set[str], *, every_source: bool
                     ) -> pd.DataFrame:
    """The ``final`` codings with ``final`` true; with ``every_source`` also the rule and
    model codings (of ``rules``) a reviewer rejected and the codings of coders who are
    not final coders, with ``final`` false."""
    codings = final.assign(final=True)
    if not every_source:
        return codings
    decisions = load_decisions(study)
    rejected = set(zip(decisions.loc[decisions["decision"] == "reject", "seg_id"],
                       decisions.loc[decisions["decision"] == "reject", "code_id"]))
    extra = [rules[[(s, c) in rejected for s, c in zip(rules["seg_id"], rules["code_id"])]],
             _other_coders(study, segments, codes)]
    return pd.concat([codings, *(e.assign(final=False) for e in extra if len(e))],
                     ignore_index=True)


def _user(source: str, reviewer: str) -> User:
    if source == "rule":
        return RULES
    if source == "model":
        return MODEL
    person = source[len("human:"):] if source.startswith("human:") else reviewer or "reviewer"
    return User(person, person)


def _description(item: dict) -> str:
    lines = [f"source: {item['source']}"]
    if item["source"] == "rule":
        lines.append(f"rule: {'; '.join(item['rule_ids'])}")
    if item["scores"]:
        lines.append(f"score: {max(item['scores']):.4f}")
    if item["review"]:
        lines.append(f"review: {item['review']}")
    return "\n".join(lines)


def selections(codings: pd.DataFrame, decisions: pd.DataFrame,
               evidence: pd.DataFrame | None, segments: pd.DataFrame,
               documents: pd.DataFrame) -> pd.DataFrame:
    """The project's selections (:data:`SELECTION_COLUMNS`), sorted by document, span,
    code and user, from ``codings`` (final-codings columns plus ``final``, true for
    rows of the final codings). Codings by one user of one code and span become one
    selection, their rule ids listed together; a coder's rows that are the parts of one
    span over several of ``segments`` become one selection over it (:func:`_joined`).
    ``evidence`` (from :func:`~dialogcode.lessons.evidence_codings` on the final
    codings) names the lessons each final coding supports."""
    decided = {(s, c): (d, r, n) for s, c, d, r, n in zip(
        decisions["seg_id"], decisions["code_id"], decisions["decision"],
        decisions["reviewer"], decisions["note"])}
    lessons: dict[tuple, set[str]] = {}
    if evidence is not None:
        for lesson, seg, code, start in zip(evidence["lesson_id"], evidence["seg_id"],
                                            evidence["code_id"], evidence["start"]):
            lessons.setdefault((seg, code, int(start)), set()).add(lesson)
    merged: dict[tuple, dict] = {}
    for row in codings.itertuples(index=False):
        decision, reviewer, note = decided.get((row.seg_id, row.code_id), ("", "", ""))
        user = _user(row.source, reviewer)
        start, end = int(row.start), int(row.end)
        item = merged.setdefault((row.doc_id, start, end, row.code_id, user.id), {
            "doc_id": row.doc_id, "start": start, "end": end, "code_id": row.code_id,
            "user": user, "source": row.source, "rule_ids": [], "scores": [], "review": "",
            "lessons": set(), "seg_id": row.seg_id})
        if isinstance(row.rule_id, str) and row.rule_id not in item["rule_ids"]:
            item["rule_ids"].append(row.rule_id)
        if pd.notna(row.score):
            item["scores"].append(float(row.score))
        if decision and not row.source.startswith("human:"):
            item["review"] = (f"{decision}ed by {reviewer or 'a reviewer'}"
                              + (f" ({note})" if note else ""))
        if row.final:
            item["lessons"] |= lessons.get((row.seg_id, row.code_id, start), set())
    items = sorted(_joined(list(merged.values()), segments, documents),
                   key=lambda item: (item["doc_id"], item["start"], item["end"],
                                     item["code_id"], item["user"].id))
    return pd.DataFrame([{**item, "description": _description(item),
                          "lessons": sorted(item["lessons"])} for item in items],
                        columns=SELECTION_COLUMNS)


def _joined(items: list[dict], segments: pd.DataFrame, documents: pd.DataFrame
            ) -> list[dict]:
    """``items`` with a coder's selections that are the parts of one span over several
    segments joined into one: of one coder and code, in segments next to each other in
    the document, each part ending at its segment's end and the next starting at the
    next segment's start, with only the next one's speaker label and white space between.
    Each part must be the one selection of its coder and code in its segment, lie within
    it and code it (:func:`dialogcode.spans.codes`), so that `import-codings` cuts the
    joined span into the same rows. A rule's, the model's or a reviewer's selection is
    never joined."""
    order = segments.sort_values(["doc_id", "start"])
    speakers = order["speaker"].where(order["speaker"].notna(), "").astype(str)
    rows = list(zip(order["start"].astype(int), order["end"].astype(int), order["text"],
                    speakers))
    place = dict(zip(order["seg_id"], range(len(order))))
    texts = dict(zip(documents["doc_id"], documents["text"]))
    groups: dict[tuple, list[dict]] = {}
    for item in items:
        if item["source"].startswith("human:"):
            groups.setdefault((item["doc_id"], item["code_id"], item["user"].id), []
                              ).append(item)
    joined = [item for item in items if not item["source"].startswith("human:")]
    for group in groups.values():
        per_segment = Counter(item["seg_id"] for item in group)
        group.sort(key=lambda item: item["start"])
        run: list[dict] = []
        for item in group + [None]:
            if item is not None and run and _abut(run[-1], item, rows, place, per_segment,
                                                  texts):
                run.append(item)
                continue
            if run:
                joined.append({**run[0], "end": run[-1]["end"],
                               "lessons": set().union(*(part["lessons"] for part in run))})
            run = [item]
    return joined


def _abut(first: dict, then: dict, rows: list[tuple], place: dict, per_segment: Counter,
          texts: dict) -> bool:
    """Whether selection ``then`` carries on ``first`` (:func:`_joined`); ``rows`` are
    the segments' (start, end, text, speaker) in document order, ``place`` each seg_id's
    place there."""
    from ..importers.locate import fold     # importers import this package

    at, to = place.get(first["seg_id"]), place.get(then["seg_id"])
    if at is None or to != at + 1 or per_segment[first["seg_id"]] > 1 or \
            per_segment[then["seg_id"]] > 1:
        return False
    (one_start, one_end, one_text, _), (two_start, two_end, two_text, speaker) = \
        rows[at], rows[to]
    gap = texts[first["doc_id"]][one_end:two_start]
    return (one_start <= first["start"] and first["end"] == one_end
            and then["start"] == two_start and then["end"] <= two_end
            and fold(gap)[0].split() in ([], fold(speaker)[0].split())
            and codes(first["start"], first["end"], one_start, one_end, one_text)
            and codes(then["start"], then["end"], two_start, two_end, two_text))
