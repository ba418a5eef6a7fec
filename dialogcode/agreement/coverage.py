"""Where each coder's codings fall, and which segments each coder read.

A coder **read** a segment when:
- their table has a row for its document with no ``seg_id``, no offsets and no code (a
  *document marker*, as the rule codings carry for documents where nothing matched):
  the whole document was read; or
- in a document where their table has a row with a ``seg_id`` and an empty ``code_id``
  ("read, nothing applies"), the segment has a row, coded or not: the coder marked
  which segments they read, so the others are missing for them; or
- otherwise, their table has any row in the segment's document: they read it all.

Segments a coder did not read are *missing* for that coder, never "absent".
"""
from __future__ import annotations

from itertools import groupby
from operator import itemgetter

import numpy as np
import pandas as pd

from ..errors import Problem

NOTED = 5     # documents listed by name in a coverage note


def listed(ids, limit: int = NOTED) -> str:
    ids = list(ids)
    return ", ".join(map(str, ids[:limit])) + (f", ... ({len(ids)} in all)"
                                               if len(ids) > limit else "")


def hash_problems(name: str, coding: pd.DataFrame, documents: pd.DataFrame | None
                  ) -> list[Problem]:
    """One problem per document this coder coded against text other than ``documents``'."""
    if documents is None or "sha256" not in coding:
        return []
    seen = coding[["doc_id", "sha256"]].dropna().merge(
        documents[["doc_id", "sha256"]], on="doc_id", suffixes=("", "_now"))
    stale = seen.loc[seen["sha256"] != seen["sha256_now"], "doc_id"].unique()
    return [Problem(f"document {doc_id!r} was coded against different text (its sha256 "
                    "differs from the documents table); recode it or leave it out", key=name)
            for doc_id in stale]


def _frame(coding: pd.DataFrame) -> pd.DataFrame:
    frame = pd.DataFrame({"given_doc": coding["doc_id"], "code_id": coding["code_id"],
                          "row": coding.index})
    for column, empty in (("seg_id", None), ("start", np.nan), ("end", np.nan)):
        frame[column] = coding[column].to_numpy() if column in coding else empty
    return frame


def locate(name: str, coding: pd.DataFrame, bounds: pd.DataFrame
           ) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """(applied codes as seg_id, doc_id, code_id, start, end, row; segments read as
    seg_id, doc_id; problems). Rows with a seg_id keep it (without offsets they cover the
    whole segment); rows without one are placed in every segment their offsets overlap."""
    frame = _frame(coding)
    has_seg = frame["seg_id"].notna()
    has_span = frame["start"].notna() & frame["end"].notna()
    coded = frame["code_id"].notna()
    unplaced = coded & ~has_seg & ~has_span
    by_seg = frame[has_seg].merge(bounds, on="seg_id", how="left", indicator=True)
    by_span = frame[~has_seg & has_span].drop(columns="seg_id").merge(
        bounds, left_on="given_doc", right_on="doc_id")
    by_span = by_span[(by_span["start"] < by_span["seg_end"])
                      & (by_span["end"] > by_span["seg_start"])]
    checks = [
        ("unknown doc_id(s)", sorted(set(frame["given_doc"].dropna()) - set(bounds["doc_id"]))),
        ("unknown seg_id(s)", by_seg.loc[by_seg["_merge"] == "left_only", "seg_id"].unique()),
        ("seg_id(s) under another doc_id", by_seg.loc[
            (by_seg["_merge"] == "both") & (by_seg["doc_id"] != by_seg["given_doc"]),
            "seg_id"].unique()),
        ("row(s) with neither seg_id nor start/end", frame.index[unplaced]),
    ]
    problems = [Problem(f"{len(ids)} {what}: {listed(list(ids))}", key=name)
                for what, ids in checks if len(ids)]
    placed = pd.concat([by_seg[by_seg["_merge"] == "both"], by_span], ignore_index=True)
    applied = placed[placed["code_id"].notna()].copy()
    applied["start"] = applied[["start", "seg_start"]].max(axis=1)
    applied["end"] = applied[["end", "seg_end"]].min(axis=1)
    applied = applied[["seg_id", "doc_id", "code_id", "start", "end", "row"]]
    read = _read(frame, placed, bounds, coded, has_seg, has_span)
    return applied.reset_index(drop=True), read, problems


def _read(frame, placed, bounds, coded, has_seg, has_span) -> pd.DataFrame:
    """Segments read (seg_id, doc_id), by the rules in the module doc."""
    whole = set(frame.loc[~coded & ~has_seg & ~has_span, "given_doc"].dropna())
    marked = set(placed.loc[placed["code_id"].isna() & placed["seg_id"].notna()
                            & placed["given_doc"].notna(), "doc_id"])
    touched = set(placed["doc_id"]) | whole
    by_segment = marked - whole
    whole_docs = bounds[bounds["doc_id"].isin(touched - by_segment)]
    marked_rows = placed[placed["doc_id"].isin(by_segment)]
    return pd.concat([whole_docs[["seg_id", "doc_id"]], marked_rows[["seg_id", "doc_id"]]],
                     ignore_index=True).drop_duplicates("seg_id")


def covered(spans: list[tuple[float, float]]) -> float:
    """Characters covered by the union of the [start, end) spans."""
    total, reach = 0.0, -np.inf
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def span_presence(located: pd.DataFrame, min_overlap: float) -> pd.DataFrame:
    """(coder, seg_id, code_id) where the coder's spans of the code cover at least
    ``min_overlap`` of the union of all coders' spans of it within the segment."""
    spans = located[located["end"] > located["start"]].sort_values(["seg_id", "code_id"])
    rows = []
    keyed = zip(spans["seg_id"], spans["code_id"], spans["coder"], spans["start"], spans["end"])
    for (seg_id, code_id), group in groupby(keyed, key=itemgetter(0, 1)):
        by_coder: dict[str, list] = {}
        for *_, coder, start, end in group:
            by_coder.setdefault(coder, []).append((start, end))
        union = covered([span for mine in by_coder.values() for span in mine])
        rows += [(coder, seg_id, code_id) for coder, mine in by_coder.items()
                 if covered(mine) / union >= min_overlap]
    return pd.DataFrame(rows, columns=["coder", "seg_id", "code_id"])


def coverage_notes(read: dict[str, pd.DataFrame], presence: pd.DataFrame,
                   segments: pd.DataFrame) -> list[str]:
    """What a reader of the figures should know about coverage: coders who read part of
    a document (the rest is missing for them), and coders whose codings stop well before
    the end of a document where others go on coding (perhaps they stopped reading)."""
    sizes = segments.groupby("doc_id").size()
    place = pd.Series(segments.groupby("doc_id").cumcount().to_numpy() + 1,
                      index=segments["seg_id"].to_numpy())
    coded = presence.assign(at=presence["seg_id"].map(place).to_numpy(),
                            doc_id=presence["seg_id"].map(
                                segments.set_index("seg_id")["doc_id"]).to_numpy())
    notes = []
    for name, segs in read.items():
        counts = segs.groupby("doc_id").size()
        partial = counts[counts < sizes.reindex(counts.index)]
        if len(partial):
            notes.append(f"{name} read part of {len(partial)} document(s); the rest is "
                         "missing for them: " + listed(
                             [f"{doc} ({n} of {sizes[doc]} segments)"
                              for doc, n in partial.items()]))
        mine = coded[(coded["coder"] == name) & coded["doc_id"].isin(
            set(counts.index) - set(partial.index))]
        last = mine.groupby("doc_id")["at"].max().rename("last")
        later = coded[coded["coder"] != name].join(last, on="doc_id", how="inner")
        later = later[later["at"] > later["last"]].groupby("doc_id")["seg_id"].nunique()
        tail = sizes.reindex(last.index) - last
        early = last[(tail >= 10) & (tail >= 0.25 * sizes.reindex(last.index))
                     & (later.reindex(last.index, fill_value=0) >= 3)]
        if len(early):
            notes.append(f"{name}'s codings stop early in {len(early)} document(s): " + listed(
                [f"{doc} (last at segment {at} of {sizes[doc]}, others coded "
                 f"{later[doc]} segments after it)" for doc, at in early.items()], 3)
                + f". If {name} stopped reading there, mark the segments read (rows with "
                "an empty code_id, or `import-codings --coded-segments`); as it is, the "
                "rest counts as read with nothing applying")
    return notes
