"""Ingest and coding on a Dask cluster (see :mod:`dialogcode.engine`): partitions of
whole documents, one Parquet part per partition, datasets renamed into place when
every part is written (:func:`dialogcode.store.replacing_dataset`)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .codebook import Codebook
from .coding import code_corpus
from .engine import run_tasks, worker_count
from .errors import DialogcodeError, IngestError
from .ingest import (Corpus, Duplicates, Plan, document_columns, _rel, corpus_tables,
                     load_corpus, plan_ingest, read_transcript, sentence_pipeline)
from .learn import CodeModels
from .learned import codings_from_scores, model_folder, segment_unit, study_model
from .manifest import STANDARD
from .store import part_name, read_part, read_table, replacing_dataset, table_path
from .study import Study


def partitions(plan: Plan, files: list[tuple[int, Path]], *, workers: int,
               partition_mb: float) -> list[list[tuple[int, Path]]]:
    """``files`` (index in the plan, path) cut in order into runs of about
    ``partition_mb`` megabytes on disk, smaller when that gives fewer than four runs
    per worker."""
    sizes = [path.stat().st_size for _, path in files]
    target = min(partition_mb * 1e6, sum(sizes) / (4 * workers))
    parts, current, filled = [], [], 0
    for item, size in zip(files, sizes):
        current.append(item)
        filled += size
        if filled >= target:
            parts.append(current)
            current, filled = [], 0
    return parts + [current] if current else parts


def _ingest_part(study: Study, plan: Plan, unit: str, columns: list[str],
                 documents: Path, segments: Path, name: str,
                 files: list[tuple[int, Path]]) -> dict:
    """On a worker: read ``files``, write their documents and segments parts ``name``
    into the folders ``documents`` and ``segments``; return what the planner needs to
    tell duplicates apart (per file read: its index, doc_id, sha256, whether the
    manifest gave the id, and where its rows are in the parts) and the problems and
    notes."""
    nlp = sentence_pipeline(study, unit)
    docs, rows, found = [], [], {"read": [], "problems": [], "notes": []}
    for index, path in files:
        try:
            reading = read_transcript(study, plan, path, unit, nlp)
        except IngestError as exc:
            found["problems"] += [(index, problem) for problem in exc.problems]
            continue
        found["read"].append((index, reading.doc["doc_id"], reading.doc["sha256"],
                              bool(plan.entry(path).doc_id),
                              Rows(name, len(docs), len(rows), len(reading.segments))))
        docs.append(reading.doc)
        rows.extend(reading.segments)
        found["notes"] += [(index, note) for note in reading.notes]
    document_table, segment_table = corpus_tables(study, docs, rows, columns)
    document_table.to_parquet(documents / name, index=False)
    segment_table.to_parquet(segments / name, index=False)
    return found


@dataclass(frozen=True)
class Rows:
    """Where one document is in the parts ``part``: its row of the documents part and
    ``count`` rows of the segments part from ``first``."""

    part: str
    document: int
    first: int
    count: int


def ingest_on_dask(study: Study, client, *, unit: str | None = None,
                   skip_bad: bool = False, progress: bool = False) -> Corpus:
    """:func:`dialogcode.ingest.ingest` on the cluster of ``client``: the same tables,
    written as the datasets out/documents/ and out/segments/, and the corpus read back.

    The workers read every file; the driver then goes through the files read in the
    local engine's order and refuses, as it does, a document whose id or text repeats
    an earlier one's (so when the first of two files sharing an id cannot be read, the
    second keeps the id, as locally), and takes its rows out of the parts.
    """
    unit = unit or study.config.unit
    plan = plan_ingest(study)
    problems = [(-1, problem) for problem in plan.problems]
    files = list(enumerate(plan.files))
    columns = document_columns([
        {"doc_id": "", **{key: "" for key in STANDARD}, **plan.entry(path).attributes}
        for _, path in files])
    parts = partitions(plan, files, workers=worker_count(client),
                       partition_mb=study.config.engine.partition_mb)
    out = study.out
    with replacing_dataset(out, "documents") as documents, \
            replacing_dataset(out, "segments") as segments:
        jobs = [(part_name(i), part) for i, part in enumerate(parts)]
        found = run_tasks(client, _ingest_part, jobs, desc="ingest", progress=progress,
                          shared=(study, plan, unit, columns, documents, segments))
        seen, dropped, left_out = Duplicates(), [], set()
        for index, doc_id, sha, gave_id, rows in sorted(r for f in found
                                                         for r in f["read"]):
            duplicate = seen.check(doc_id, sha, _rel(plan.files[index], study.root),
                                   gave_id)
            if duplicate:
                problems.append((index, duplicate))
                dropped.append(rows)
                left_out.add(index)
        problems += [p for f in found for p in f["problems"]]
        problems = [p for _, p in sorted(problems, key=lambda item: item[0])]
        if problems and not skip_bad:
            raise IngestError(problems)
        _drop_rows(documents, segments, dropped)
    corpus = load_corpus(study)
    notes = sorted((n for f in found for n in f["notes"] if n[0] not in left_out),
                   key=lambda item: item[0])
    return Corpus(corpus.documents, corpus.segments, skipped=problems,
                  warnings=plan.warnings, speaker_notes=[note for _, note in notes],
                  study=study)


def _drop_rows(documents: Path, segments: Path, dropped: list[Rows]) -> None:
    """Rewrite the parts in the folders ``documents`` and ``segments`` without the rows
    of the ``dropped`` documents."""
    for part in sorted({rows.part for rows in dropped}):
        mine = [rows for rows in dropped if rows.part == part]
        for folder, positions in (
                (documents, [rows.document for rows in mine]),
                (segments, [i for rows in mine
                            for i in range(rows.first, rows.first + rows.count)])):
            table = read_part(folder / part, hint="dialogcode ingest")
            table.drop(index=table.index[positions]).to_parquet(folder / part, index=False)


def _code_part(book: Codebook, models: CodeModels | None, model: str, cache: Path,
               codings: Path, segments_part: Path, documents_part: Path) -> int:
    """On a worker: code one segments part with the rules and ``models`` (as
    :func:`dialogcode.learned.with_model` does) and write its codings part."""
    segments = read_part(segments_part, hint="dialogcode ingest")
    documents = read_part(documents_part, hint="dialogcode ingest",
                          columns=["doc_id", "sha256"])
    coded = code_corpus(segments, documents, book, model=model, cache_dir=cache)
    if models is not None:
        learned = codings_from_scores(models, segments, documents, coded, book,
                                      cache_dir=cache)
        if not learned.empty:
            coded = pd.concat([coded, learned], ignore_index=True).sort_values(
                ["doc_id", "start", "code_id"], kind="stable", ignore_index=True)
    coded.to_parquet(codings / segments_part.name, index=False)
    return len(coded)


def code_on_dask(study: Study, client, book: Codebook, *, model: str,
                 progress: bool = False) -> tuple[pd.DataFrame, CodeModels | None]:
    """Code the segments datasets of ``study`` on the cluster of ``client``: one task
    per segments part, writing the dataset out/codings/. Returns the codings table read
    back and the learned model applied: None when there is none, or when it does not
    fit (:func:`~dialogcode.learned.study_model` warns why; only the rules coded).
    Raises DialogcodeError when the segments were not ingested by a Dask engine."""
    out = study.out
    if not all(table_path(out, name).is_dir() for name in ("segments", "documents")):
        read_table(out, "segments", hint="dialogcode ingest")   # missing: says so
        raise DialogcodeError("the segments were ingested by the local engine, as one "
                              "file; run `dialogcode ingest` (or `run --force`) with the "
                              "Dask engine first",
                              file=out / "segments.parquet")
    models = None
    parts = sorted((out / "segments").glob("part-*.parquet"))
    if (model_folder(study) / "model.json").is_file():
        unit = segment_unit(pd.concat([read_part(p, hint="dialogcode ingest",
                                                 columns=["unit"]) for p in parts]
                                      )) if parts else None
        models = study_model(study, book, read_table(out, "documents",
                                                     hint="dialogcode ingest"),
                             model=model, unit=unit)
    with replacing_dataset(out, "codings") as codings:
        run_tasks(client, _code_part, [(part, out / "documents" / part.name)
                                       for part in parts],
                  desc="code", progress=progress,
                  shared=(book, models, model, out / "cache", codings))
    return read_table(out, "codings", hint="dialogcode code"), models
