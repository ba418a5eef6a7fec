"""Ingest and coding on a Dask cluster (see :mod:`dialogcode.engine`): partitions of
whole documents, one Parquet part per partition, datasets renamed into place when
every part is written (:func:`dialogcode.store.replacing_dataset`)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .codebook import Codebook
from .coding import code_corpus
from .engine import run_tasks, worker_count
from .errors import DialogcodeError, IngestError
from .ingest import (Corpus, Duplicates, Plan, document_columns, _rel, corpus_tables,
                     load_corpus, plan_ingest, read_transcript, sentence_pipeline)
from .learn import CodeModels, ModelError, check_fits, load_models
from .learned import codings_from_scores, model_folder
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
    check (per file index: doc_id, sha256, gave_id) and the problems and notes."""
    nlp = sentence_pipeline(study, unit)
    docs, rows, found = [], [], {"read": [], "problems": [], "notes": []}
    for index, path in files:
        try:
            reading = read_transcript(study, plan, path, unit, nlp)
        except IngestError as exc:
            found["problems"] += [(index, problem) for problem in exc.problems]
            continue
        docs.append(reading.doc)
        rows.extend(reading.segments)
        found["read"].append((index, reading.doc["doc_id"], reading.doc["sha256"],
                              bool(plan.entry(path).doc_id)))
        found["notes"] += [(index, note) for note in reading.notes]
    document_table, segment_table = corpus_tables(study, docs, rows, columns)
    document_table.to_parquet(documents / name, index=False)
    segment_table.to_parquet(segments / name, index=False)
    return found


def ingest_on_dask(study: Study, client, *, unit: str | None = None,
                   skip_bad: bool = False, progress: bool = False) -> Corpus:
    """:func:`dialogcode.ingest.ingest` on the cluster of ``client``: the same tables,
    written as the datasets out/documents/ and out/segments/, and the corpus read back.

    Files that share a document id are told apart before reading (the later ones are
    duplicates, even when the first cannot be read); files with the same text after
    reading, as the local engine does.
    """
    unit = unit or study.config.unit
    plan = plan_ingest(study)
    problems = [(-1, problem) for problem in plan.problems]
    by_id, files = Duplicates(), []
    for index, path in enumerate(plan.files):
        # a placeholder hash unique to the file: only ids are compared here
        duplicate = by_id.check(plan.doc_id(path), f"file {index}", _rel(path, study.root),
                                False)
        if duplicate:
            problems.append((index, duplicate))
        else:
            files.append((index, path))
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
        read = sorted(r for f in found for r in f["read"])
        by_text, dropped = Duplicates(), {}
        for index, doc_id, sha, gave_id in read:
            duplicate = by_text.check(doc_id, sha, _rel(plan.files[index], study.root),
                                      gave_id)
            if duplicate:
                problems.append((index, duplicate))
                dropped[doc_id] = index
        problems += [p for f in found for p in f["problems"]]
        problems = [p for _, p in sorted(problems, key=lambda item: item[0])]
        if problems and not skip_bad:
            raise IngestError(problems)
        if dropped:
            _drop_documents([documents, segments], set(dropped))
    corpus = load_corpus(study)
    notes = sorted((n for f in found for n in f["notes"]), key=lambda item: item[0])
    return Corpus(corpus.documents, corpus.segments, skipped=problems,
                  warnings=plan.warnings, speaker_notes=[note for _, note in notes])


def _drop_documents(folders: list[Path], doc_ids: set[str]) -> None:
    """Rewrite the parts of ``folders`` without the rows of ``doc_ids``."""
    for folder in folders:
        for part in sorted(folder.glob("part-*.parquet")):
            table = read_part(part, hint="dialogcode ingest")
            if table["doc_id"].isin(doc_ids).any():
                table[~table["doc_id"].isin(doc_ids)].to_parquet(part, index=False)


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
                 progress: bool = False) -> tuple[pd.DataFrame, str | None]:
    """Code the segments datasets of ``study`` on the cluster of ``client``: one task
    per segments part, writing the dataset out/codings/. Returns the codings table read
    back and, when the learned model could not be applied, why (only the rules coded).
    Raises DialogcodeError when the segments were not ingested by a Dask engine."""
    out = study.out
    if not all(table_path(out, name).is_dir() for name in ("segments", "documents")):
        read_table(out, "segments", hint="dialogcode ingest")   # missing: says so
        raise DialogcodeError("the segments were ingested by the local engine, as one "
                              "file; run `dialogcode ingest` (or `run --force`) with the "
                              "Dask engine first",
                              file=out / "segments.parquet")
    models, warning = None, None
    folder = model_folder(study)
    if (folder / "model.json").is_file():
        try:
            models = load_models(folder)
            check_fits(models, book, read_table(out, "documents", hint="dialogcode ingest"),
                       model, folder)
        except ModelError as exc:
            models, warning = None, str(exc)
    parts = sorted((out / "segments").glob("part-*.parquet"))
    with replacing_dataset(out, "codings") as codings:
        run_tasks(client, _code_part, [(part, out / "documents" / part.name)
                                       for part in parts],
                  desc="code", progress=progress,
                  shared=(book, models, model, out / "cache", codings))
    return read_table(out, "codings", hint="dialogcode code"), warning
