"""The counting tables (the codebook summary; code by site, event type and phase, see
:func:`dialogcode.tables.counting_tables`) as Dask DataFrame group-bys, for a study
ingested by a Dask engine whose segments number at least ``engine: dask_tables_from``
(docs/scale.md); pandas for the others.

The segments are read from the dataset out/segments/, one part per partition and only
the columns counted (no texts). The final codings (after review decisions, which the
driver holds already) go with the part holding their segment, are rolled up to their
parent codes and joined to its segments there (no shuffle), and are counted by group on
the workers; only the counts come back. The tables are assembled from the counts as the
pandas path assembles them (:func:`~dialogcode.tables.code_by_table`,
:func:`~dialogcode.tables.codebook_summary_table`), so the two are the same, cell for
cell.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np
import pandas as pd

from .codebook import Codebook
from .store import read_part, table_path
from .tables import (GROUPINGS, code_by_table, codebook_summary_table, counting_tables,
                     document_frame, named_count, rolled_up, with_documents)

if TYPE_CHECKING:
    from distributed import Client

    from .study import Study

SEGMENT_COLUMNS = ["seg_id", "doc_id", "speaker", "codable"]
CODING_COLUMNS = ["seg_id", "doc_id", "code_id"]
MISSING = "\x00missing"        # a group key for no site, event type or phase


def counting_for(study: Study, segments: pd.DataFrame,
                 dask: Callable[[], Client | None] | None) -> Callable:
    """How to make the counting tables of ``study``: on the cluster ``dask()`` gives
    when there is one, the segments are a dataset and at least ``dask_tables_from``
    rows; with pandas otherwise (the cluster is not started then)."""
    folder = table_path(study.out, "segments")
    if (dask is None or len(segments) < study.config.engine.dask_tables_from
            or not folder.is_dir()):
        return counting_tables
    client = dask()
    return counting_tables if client is None else partial(counting_on_dask, client, folder)


def counting_on_dask(client: Client, folder: Path, codings: pd.DataFrame,
                     segments: pd.DataFrame, documents: pd.DataFrame, book: Codebook
                     ) -> dict[str, pd.DataFrame]:
    """:func:`dialogcode.tables.counting_tables` on the cluster of ``client``, reading
    ``segments`` from their dataset ``folder`` rather than from memory."""
    import dask
    import dask.dataframe as dd
    import pyarrow.parquet as pq

    parts = sorted(folder.glob("part-*.parquet"))
    # each coding goes with the part holding its segment: joined there, no shuffle
    where = pd.concat([pd.Series(i, index=pq.read_table(part, columns=["seg_id"])
                                 .column("seg_id").to_pandas(), dtype="int64")
                       for i, part in enumerate(parts)])
    applied = codings[CODING_COLUMNS]
    chunks = dict(list(applied.groupby(applied["seg_id"].map(where))))
    docs = document_frame(documents)
    with dask.config.set({"dataframe.convert-string": False}):   # object, as pandas
        frame = dd.from_map(_segments_part, parts, meta=segments[SEGMENT_COLUMNS].iloc[:0]
                            ).map_partitions(_grouped_by, docs, meta=_grouped_by(
                                segments[SEGMENT_COLUMNS].iloc[:0], docs.iloc[:0]))
        joined = applied.iloc[:0].merge(segments[SEGMENT_COLUMNS].iloc[:0].drop(
            columns="doc_id"), on="seg_id")
        coded = dd.from_map(
            _coded_part, parts, [chunks.get(i, applied.iloc[:0]) for i in range(len(parts))],
            book=client.scatter(book, broadcast=True), meta=joined
        ).map_partitions(_grouped_by, docs, meta=_grouped_by(joined, docs.iloc[:0]))
        # one group-by each of the codings and the segments, by code and all three
        # groupings: a document, so each of its segments and speakers, is in exactly one
        # (site, event type, phase), so the counts per grouping are sums of these
        fine = coded.groupby(["code_id", *GROUPINGS])
        lazy = {"counts": {column: fine[key].nunique(split_out=1) for column, key in
                           (("segments", "seg_id"), ("documents", "doc_id"),
                            ("speakers", "speaker_key"))},
                "groups": frame.groupby(list(GROUPINGS))["codable"].agg(
                    ["count", "sum"], split_out=1)}
        (found,) = dask.compute(lazy, scheduler=client)
    counts, groups = (_missing_back(table, docs) for table in (
        pd.DataFrame(found["counts"]), found["groups"]))
    usage = counts.groupby(level="code_id").sum()
    usage["sites"] = counts.reset_index().groupby("code_id")["site"].agg(named_count)
    usage["codings"] = applied.groupby("code_id").size()     # as applied: the driver's rows
    tables = {"codebook_summary": codebook_summary_table(usage, book)}
    for by in GROUPINGS:
        tables[f"code_by_{by}"] = code_by_table(
            counts.groupby(level=["code_id", by]).sum(),
            groups.groupby(level=by)["sum"].sum(),
            groups.index.get_level_values(by).to_series(), book, by)
    return tables


def _grouped_by(table: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """``table`` with its documents' attributes (:func:`with_documents`), a missing
    site, event type or phase as :data:`MISSING` (a group key of its own)."""
    table = with_documents(table, docs)
    table[list(GROUPINGS)] = table[list(GROUPINGS)].astype(object).fillna(MISSING)
    return table


def _missing_back(table: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """``table`` grouped by :func:`_grouped_by` with its missing keys missing again and
    its keys of the types of ``docs``' columns, as pandas groups them."""
    keys = list(table.index.names)
    flat = table.reset_index()
    for by in GROUPINGS:
        flat[by] = flat[by].astype(object).replace(MISSING, np.nan).astype(docs[by].dtype)
    return flat.set_index(keys)


def _segments_part(part: Path) -> pd.DataFrame:
    return read_part(part, hint="dialogcode ingest", columns=SEGMENT_COLUMNS)


def _coded_part(part: Path, codings: pd.DataFrame, *, book: Codebook) -> pd.DataFrame:
    """On a worker: the ``codings`` of the segments of ``part``, rolled up to their
    parent codes, with their segment's speaker and codable flag."""
    return rolled_up(codings, book).merge(_segments_part(part).drop(columns="doc_id"),
                                          on="seg_id")
