"""The counting tables (the codebook summary; code by site, event type and phase, see
:func:`dialogcode.tables.counting_tables`) as Dask DataFrame group-bys, for a study
ingested by a Dask engine whose segments number at least ``engine: dask_tables_from``
(docs/scale.md); pandas for the others.

The segments are read from the dataset out/segments/, one part per partition and only
the columns counted (no texts). The final codings (after review decisions, which the
driver holds already) are split into as many partitions and rolled up to their parent
codes there; they are joined to the segments on seg_id and counted by group on the
workers, and only the counts come back. The tables are assembled from the counts as the
pandas path assembles them (:func:`~dialogcode.tables.code_by_table`,
:func:`~dialogcode.tables.codebook_summary_table`), so the two are the same, cell for
cell.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pandas as pd

from .codebook import Codebook
from .store import table_path
from .tables import (GROUPINGS, code_by_table, codebook_summary_table, counting_tables,
                     document_frame, rolled_up, with_documents)

if TYPE_CHECKING:
    from distributed import Client

    from .study import Study

SEGMENT_COLUMNS = ["seg_id", "doc_id", "speaker", "codable"]
CODING_COLUMNS = ["seg_id", "doc_id", "code_id"]


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

    with dask.config.set({"dataframe.convert-string": False}):   # object, as pandas
        parts = dd.read_parquet(folder, columns=SEGMENT_COLUMNS)
        docs = document_frame(documents)
        frame = parts.map_partitions(with_documents, docs,
                                     meta=with_documents(segments[SEGMENT_COLUMNS].iloc[:0],
                                                         docs.iloc[:0]))
        applied = dd.from_pandas(codings[CODING_COLUMNS], npartitions=parts.npartitions,
                                 sort=False)
        coded = applied.map_partitions(rolled_up, book, meta=codings[CODING_COLUMNS].iloc[:0]
                                       ).merge(frame.drop(columns="doc_id"), on="seg_id")
        by_code = coded.groupby("code_id")
        usage = {"codings": applied.groupby("code_id").size(),
                 "segments": by_code["seg_id"].nunique(),
                 "documents": by_code["doc_id"].nunique(),
                 "sites": by_code["site"].nunique(),
                 "speakers": by_code["speaker_key"].nunique()}
        codable = frame[frame["codable"]]
        grouped = {by: coded.groupby(["code_id", by]) for by in GROUPINGS}
        counts = {by: {"segments": grouped[by]["seg_id"].nunique(),
                       "documents": grouped[by]["doc_id"].nunique(),
                       "speakers": grouped[by]["speaker_key"].nunique(),
                       "totals": codable.groupby(by)["seg_id"].count(),
                       "values": frame[by].drop_duplicates()}
                  for by in GROUPINGS}
        usage, counts = dask.compute(usage, counts, scheduler=client)
    tables = {"codebook_summary": codebook_summary_table(pd.DataFrame(usage), book)}
    for by in GROUPINGS:
        found = counts[by]
        tables[f"code_by_{by}"] = code_by_table(
            pd.DataFrame({key: found[key] for key in ("segments", "documents",
                                                      "speakers")}),
            found["totals"], found["values"], book, by)
    return tables
