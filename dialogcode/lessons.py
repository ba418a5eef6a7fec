"""Lessons learned: statements a person writes in lessons.yaml, and the evidence the
codings hold for each.

lessons.yaml (documented in docs/lessons.md)::

    roles:                          # optional: speaker labels (glob patterns, in any
      participant: ["P*", "*-P*"]   # case) per role; else a filter's role is the
                                    # speakers' role (dialogcode.roles: facilitator...)
    thresholds: {min_sites: 2, min_events: 2}
    lessons:
      - id: trusted-messengers
        title: Trusted messengers   # optional: the heading in the report (else the id)
        statement: Paying trusted community members to carry the message worked.
        evidence:
          - codes: [resilience.trusted_messengers]
            roles: [participant]    # optional filters: sites, event_types, phases, roles
"""
from __future__ import annotations

import difflib

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .codebook import Codebook
from .config import problems_from_validation
from .errors import DialogcodeError, Problem
from .quotes import pick_quotes, quote_candidates
from .roles import ROLES, SpeakerRoles
from .tables import (PHASES, descendants, document_phases, event_keys, named_count,
                     segment_frame)
from .yamlsrc import line_of, load_yaml


class LessonsError(DialogcodeError):
    """lessons.yaml is unreadable or inconsistent with the codebook or corpus."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Strict):
    codes: list[str] = Field(min_length=1)
    sites: list[str] | None = None
    event_types: list[str] | None = None
    phases: list[str] | None = None
    roles: list[str] | None = None


class Lesson(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str | None = Field(default=None, min_length=1)
    statement: str = Field(min_length=1)
    evidence: list[Evidence] = Field(min_length=1)


class Thresholds(_Strict):
    min_sites: int = Field(default=2, ge=1)
    min_events: int = Field(default=2, ge=1)


class LessonsFile(_Strict):
    roles: dict[str, list[str]] = Field(default_factory=dict)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    lessons: list[Lesson] = Field(min_length=1)


@dataclass
class Lessons:
    """The lessons table (one row per lesson), their quotes, and counts by phase."""

    summary: pd.DataFrame
    quotes: pd.DataFrame
    by_phase: pd.DataFrame


def load_lessons(path: Path, book: Codebook, documents: pd.DataFrame) -> LessonsFile:
    """Read and check lessons.yaml against the codebook and the documents' sites, event
    types and phases. Raises LessonsError listing every problem with its line."""
    data = load_yaml(path, LessonsError)
    source = str(path)
    try:
        spec = LessonsFile.model_validate(data)
    except ValidationError as exc:
        raise LessonsError(problems_from_validation(exc, data, source, LessonsFile)) from None
    known = {"codes": set(book.codes), "sites": set(documents.get("site", [])),
             "event_types": set(documents.get("event_type", [])),
             "phases": set(document_phases(documents).dropna()),
             "roles": set(spec.roles) | set(ROLES)}
    problems, seen = [], set()
    for index, lesson in enumerate(spec.lessons):
        item = data["lessons"][index]
        if lesson.id in seen:
            problems.append(Problem("duplicate lesson id", source, line_of(item, "id"),
                                    lesson.id))
        seen.add(lesson.id)
        for number, evidence in enumerate(lesson.evidence):
            node = item["evidence"][number]
            for field, allowed in known.items():
                for value in getattr(evidence, field) or []:
                    if value not in allowed:
                        names = sorted(map(str, allowed))
                        close = difflib.get_close_matches(str(value), names, n=2, cutoff=0.75)
                        hint = (f"; did you mean {' or '.join(map(repr, close))}?"
                                if close else "")
                        if not close or len(names) <= 12:     # a long list only if needed
                            hint += f" (known: {', '.join(names) or 'none'})"
                        problems.append(Problem(
                            f"unknown {field[:-1].replace('_', ' ')} {value!r}{hint}",
                            source, line_of(node, field), f"{lesson.id}: {field}"))
    if problems:
        raise LessonsError(sorted(problems, key=lambda problem: problem.line or 0))
    return spec


def _matches(frame: pd.DataFrame, patterns: list[str]) -> pd.Series:
    """Whether each row's speaker label matches one of the glob ``patterns``, in any
    case and without the spaces around it, as ``speaker_roles:`` matches
    (:func:`dialogcode.roles.speaker_roles`)."""
    patterns = [p.strip().lower() for p in patterns]
    speakers = frame["speaker"].fillna("").astype(str).str.strip().str.lower()
    return speakers.map(lambda s: any(fnmatch.fnmatchcase(s, p) for p in patterns)
                        ).astype(bool)


def _admitted(spec: LessonsFile, evidence: Evidence, frame: pd.DataFrame) -> pd.Series:
    """Whether each row of ``frame`` (with site, event_type, phase, speaker and role)
    passes the site, event type, phase and role filters of ``evidence``. A role
    takes the speaker labels lessons.yaml gives it, else the speakers with that role."""
    keep = pd.Series(True, index=frame.index)
    for field, column in (("sites", "site"), ("event_types", "event_type"),
                          ("phases", "phase")):
        if getattr(evidence, field):
            keep &= frame[column].isin(getattr(evidence, field))
    if evidence.roles:
        patterns = [p for role in evidence.roles for p in spec.roles.get(role, [])]
        keep &= _matches(frame, patterns) | frame["role"].isin(
            [role for role in evidence.roles if role not in spec.roles])
    return keep


def evidence_codings(spec: LessonsFile, codings: pd.DataFrame, segments: pd.DataFrame,
                     documents: pd.DataFrame, book: Codebook,
                     roles: pd.Series | None = None) -> pd.DataFrame:
    """The codings that support each lesson (codes include their sub-codes, filters
    applied), with ``lesson_id`` added; a coding can support several lessons. A role
    filter takes the speaker labels lessons.yaml gives the role, else the speakers with
    that role in ``roles`` (seg_id -> role; default: the usual labels)."""
    frame = segment_frame(segments, documents).set_index("seg_id")
    if roles is None:
        roles = SpeakerRoles().of(segments).set_axis(segments["seg_id"])
    located = codings.join(frame[["site", "event_type", "phase", "speaker"]], on="seg_id")
    located["role"] = located["seg_id"].map(roles)
    parts = []
    for lesson in spec.lessons:
        for evidence in lesson.evidence:
            codes = {d for c in evidence.codes for d in descendants(book, c)}
            keep = located["code_id"].isin(codes) & _admitted(spec, evidence, located)
            parts.append(located[keep].assign(lesson_id=lesson.id))
    columns = [*codings.columns, "lesson_id"]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts)[columns].drop_duplicates(["lesson_id", "seg_id", "code_id",
                                                      "start"], ignore_index=True)


def filters_text(lesson: Lesson, word: Callable[[str, str], str] | None = None) -> str:
    """The filters of ``lesson``'s evidence items: ``risk.money where sites: South`` per
    item that has any, `` | ``-separated; empty when none has. ``word(field, value)``
    words each code (field ``codes``) and filter value for people, and the fields are
    then named in words (``event types``); without it, ids as in lessons.yaml."""
    items = []
    for evidence in lesson.evidence:
        parts = [f"{field.replace('_', ' ') if word else field}: "
                 f"{', '.join(word(field, v) if word else v for v in values)}"
                 for field in ("sites", "event_types", "phases", "roles")
                 if (values := getattr(evidence, field))]
        if parts:
            codes = [word("codes", c) if word else c for c in evidence.codes]
            items.append(f"{', '.join(codes)} where {'; '.join(parts)}")
    return " | ".join(items)


def _admitted_by_phase(spec: LessonsFile, frame: pd.DataFrame) -> pd.Series:
    """The codable segments of ``frame`` (with site, event type, phase, speaker and
    role) that each lesson's filters admit, by lesson_id and phase: those passing the
    filters of one of its evidence items (every segment when an item has none)."""
    codable = frame[frame["codable"]]
    return pd.concat({lesson.id: codable[np.logical_or.reduce(
        [_admitted(spec, evidence, codable) for evidence in lesson.evidence])]
        .groupby("phase")["seg_id"].count() for lesson in spec.lessons},
        names=["lesson_id", "phase"])


def assemble(spec: LessonsFile, codings: pd.DataFrame, segments: pd.DataFrame,
             documents: pd.DataFrame, book: Codebook, quotes: int = 3,
             roles: SpeakerRoles = SpeakerRoles()) -> Lessons:
    """Per lesson: sites, events, documents, segments and speakers supporting it, the
    share of segments at kick-off and closing and the change, a flag when the evidence
    is thin, and its best quotes (staff's words last, by ``roles``)."""
    frame = segment_frame(segments, documents)
    frame["role"] = frame["seg_id"].map(roles.of(segments).set_axis(segments["seg_id"]))
    support = evidence_codings(spec, codings, segments, documents, book,
                               frame.set_index("seg_id")["role"])
    coded = support[["lesson_id", "seg_id"]].drop_duplicates().merge(frame, on="seg_id")
    coded["event"] = coded["doc_id"].map(event_keys(documents).set_axis(documents["doc_id"]))
    phase_totals = frame[frame["codable"]].groupby("phase")["seg_id"].count()
    phases = [p for p in PHASES if p in phase_totals] + sorted(
        p for p in phase_totals.index if p not in PHASES)
    grid = pd.MultiIndex.from_product([[lesson.id for lesson in spec.lessons], phases],
                                      names=["lesson_id", "phase"])
    by_phase = (coded.groupby(["lesson_id", "phase"])["seg_id"].nunique()
                .reindex(grid, fill_value=0).rename("segments").reset_index()
                .astype({"segments": "int64"}))
    by_phase["phase_segments"] = (_admitted_by_phase(spec, frame)
                                  .reindex(grid, fill_value=0).to_numpy(dtype="int64"))
    # a phase whose segments the lesson's own filters all leave out has no share (it
    # would be 0 by the filter)
    by_phase["share"] = (by_phase["segments"] / by_phase["phase_segments"].where(
        by_phase["phase_segments"] > 0)).round(4)
    # a study without sites has its lessons judged by their events alone (else every
    # one would be "thin: 0 sites")
    sited = named_count(frame["site"]) > 0
    rows = []
    for lesson in spec.lessons:
        mine = coded[coded["lesson_id"] == lesson.id]
        shares = by_phase[by_phase["lesson_id"] == lesson.id].set_index("phase")["share"]
        start = shares.get("kickoff") if "kickoff" in phase_totals else None
        end = shares.get("closing") if "closing" in phase_totals else None
        start, end = (None if pd.isna(share) else share for share in (start, end))
        sites, events = named_count(mine["site"]), mine["event"].nunique()
        flags = []
        if mine.empty:
            flags.append("no evidence")
        else:
            if sited and sites < spec.thresholds.min_sites:
                flags.append(f"thin: {sites} site{'s' * (sites != 1)}")
            if events < spec.thresholds.min_events:
                flags.append(f"thin: {events} event{'s' * (events != 1)}")
        rows.append({"lesson_id": lesson.id, "title": lesson.title or lesson.id,
                     "statement": lesson.statement,
                     "codes": "; ".join(c for e in lesson.evidence for c in e.codes),
                     "filters": filters_text(lesson),
                     "sites": sites, "events": events, "documents": mine["doc_id"].nunique(),
                     "segments": len(mine), "speakers": mine["speaker_key"].nunique(),
                     "kickoff_share": start, "closing_share": end,
                     "change": None if start is None or end is None else round(end - start, 4),
                     "no_phase_segments": int(mine["phase"].isna().sum()),
                     "flag": "; ".join(flags)})
    summary = pd.DataFrame(rows)
    candidates = quote_candidates(support.drop(columns="code_id").rename(
        columns={"lesson_id": "code_id"}), segments, documents)
    picked = pick_quotes(candidates, quotes, roles=roles).rename(columns={"code_id": "lesson_id"})
    return Lessons(summary, picked, by_phase)
