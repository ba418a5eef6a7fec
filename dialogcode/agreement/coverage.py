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

from ..coded_text import changed_hashes, other_text
from ..errors import Problem
from ..spans import codes

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
    changed = changed_hashes(coding["sha256"], coding["doc_id"], documents)
    return [Problem(other_text(f"document {doc_id!r} was coded",
                               "re-code it, or leave it out"), key=name)
            for doc_id in coding.loc[changed, "doc_id"].unique()]


class Layout:
    """A segments table as positions: each segment's document code, bounds and place in
    its document (1 = first), for lookups by number rather than by string."""

    def __init__(self, segments: pd.DataFrame):
        self.seg_ids = pd.Index(segments["seg_id"])
        doc, docs = pd.factorize(segments["doc_id"])
        self.doc, self.docs = doc, pd.Index(docs)
        self.sizes = np.bincount(doc, minlength=len(docs))
        self.place = pd.Series(doc).groupby(doc).cumcount().to_numpy() + 1
        self.bounds = pd.DataFrame({"pos": np.arange(len(doc)), "doc": doc,
                                    "seg_start": segments["start"].to_numpy(dtype=float),
                                    "seg_end": segments["end"].to_numpy(dtype=float)})
        self.texts = segments["text"].to_numpy() if "text" in segments else None

    def positions(self, seg_ids) -> np.ndarray:
        """Segment positions of ``seg_ids`` (-1 where unknown)."""
        return _lookup(self.seg_ids, seg_ids)

    def documents(self, doc_ids) -> np.ndarray:
        """Document codes of ``doc_ids`` (-1 where unknown or missing)."""
        return _lookup(self.docs, doc_ids)


def _lookup(index: pd.Index, values) -> np.ndarray:
    """``index.get_indexer(values)``, looking each distinct value up once (fast for
    millions of repeated strings)."""
    codes, uniques = pd.factorize(pd.Series(values).reset_index(drop=True))
    found = np.append(index.get_indexer(uniques), -1)
    return found[codes]


def _frame(coding: pd.DataFrame, layout: Layout) -> pd.DataFrame:
    frame = pd.DataFrame({"code_id": coding["code_id"], "row": coding.index,
                          "given_doc": coding["doc_id"]}).reset_index(drop=True)
    for column, empty in (("seg_id", None), ("start", np.nan), ("end", np.nan)):
        frame[column] = coding[column].reset_index(drop=True) if column in coding else empty
    frame["doc"] = layout.documents(frame["given_doc"])
    frame["pos"] = layout.positions(frame["seg_id"])
    return frame


def locate(name: str, coding: pd.DataFrame, layout: Layout
           ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, list[Problem]]:
    """(applied codes as pos (segment position), code_id, start, end, row; which
    segments the coder read, a boolean per segment; which documents the coder marked
    read, by a document marker or rows with an empty code, a boolean per document;
    problems). Rows with a seg_id keep it (without offsets they cover the whole
    segment); rows without one are placed in every segment their offsets code
    (:func:`_coded`)."""
    frame = _frame(coding, layout)
    has_seg = frame["seg_id"].notna()
    has_span = frame["start"].notna() & frame["end"].notna()
    coded = frame["code_id"].notna()
    known = frame["pos"] >= 0
    by_seg = frame[has_seg & known]
    by_span = _coded(frame[~has_seg & has_span & (frame["doc"] >= 0)], layout)
    elsewhere = by_seg[layout.doc[by_seg["pos"]] != by_seg["doc"].to_numpy()]
    checks = [
        ("unknown doc_id(s)",
         sorted(set(frame.loc[frame["doc"] < 0, "given_doc"].dropna()))),
        ("unknown seg_id(s)", frame.loc[has_seg & ~known, "seg_id"].unique()),
        ("seg_id(s) under another doc_id", elsewhere["seg_id"].unique()),
        ("row(s) with neither seg_id nor start/end", frame.index[coded & ~has_seg & ~has_span]),
    ]
    problems = [Problem(f"{len(ids)} {what}: {listed(list(ids))}", key=name)
                for what, ids in checks if len(ids)]
    placed = pd.concat([by_seg[["pos", "code_id", "start", "end", "row"]],
                        by_span[["pos", "code_id", "start", "end", "row"]]], ignore_index=True)
    applied = placed[placed["code_id"].notna()].reset_index(drop=True)
    applied["pos"] = applied["pos"].astype(np.int32)
    seg_start = layout.bounds["seg_start"].to_numpy()[applied["pos"]]
    seg_end = layout.bounds["seg_end"].to_numpy()[applied["pos"]]
    applied["start"] = np.fmax(applied["start"].to_numpy(dtype=float), seg_start)
    applied["end"] = np.fmin(applied["end"].to_numpy(dtype=float), seg_end)
    whole = frame.loc[~coded & ~has_seg & ~has_span & (frame["doc"] >= 0), "doc"].to_numpy()
    return applied, *_read(layout, placed, whole), problems


def _coded(spans: pd.DataFrame, layout: Layout) -> pd.DataFrame:
    """``spans`` (rows of a coding placed by offsets alone) as a row per segment each
    codes (:mod:`dialogcode.spans`: each it covers words of, else the first it
    overlaps); each it overlaps when ``layout`` has no segment texts."""
    placed = spans.drop(columns="pos").rename_axis("item").reset_index().merge(
        layout.bounds, on="doc")
    placed = placed[(placed["start"] < placed["seg_end"])
                    & (placed["end"] > placed["seg_start"])]
    if layout.texts is None or placed.empty:
        return placed
    words = np.array([codes(a, b, s, e, layout.texts[pos]) for a, b, s, e, pos in zip(
        placed["start"], placed["end"], placed["seg_start"], placed["seg_end"],
        placed["pos"])], dtype=bool)
    first = placed.sort_values("seg_start").groupby("item").head(1).index
    return placed[words | (placed.index.isin(first)
                           & ~placed["item"].isin(placed.loc[words, "item"]))]


def _read(layout: Layout, placed: pd.DataFrame, whole: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray]:
    """Which segments were read, by the rules in the module doc, and which documents
    the coder marked read (a document marker, or rows with an empty code)."""
    pos = placed["pos"].to_numpy()
    marked = np.zeros(len(layout.docs), dtype=bool)
    marked[layout.doc[pos[placed["code_id"].isna().to_numpy()]]] = True
    marked[whole] = False
    touched = np.zeros(len(layout.docs), dtype=bool)
    touched[layout.doc[pos]] = True
    touched[whole] = True
    read = (touched & ~marked)[layout.doc]
    read[pos[marked[layout.doc[pos]]]] = True
    explicit = marked.copy()
    explicit[whole] = True
    return read, explicit


def covered(spans: list[tuple[float, float]]) -> float:
    """Characters covered by the union of the [start, end) spans."""
    total, reach = 0.0, -np.inf
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def span_presence(located: pd.DataFrame, min_overlap: float) -> pd.DataFrame:
    """(coder_k, pos, code) where the coder's spans of the code cover at least
    ``min_overlap`` of the union of all coders' spans of it within the segment."""
    spans = located[located["end"] > located["start"]].sort_values(["pos", "code"])
    rows = []
    keyed = zip(spans["pos"], spans["code"], spans["coder_k"], spans["start"], spans["end"])
    for (pos, code), group in groupby(keyed, key=itemgetter(0, 1)):
        by_coder: dict[int, list] = {}
        for *_, coder, start, end in group:
            by_coder.setdefault(coder, []).append((start, end))
        union = covered([span for mine in by_coder.values() for span in mine])
        rows += [(coder, pos, code) for coder, mine in by_coder.items()
                 if covered(mine) / union >= min_overlap]
    return pd.DataFrame(rows, columns=["coder_k", "pos", "code"], dtype=np.int64)


def coverage_notes(read: dict[str, np.ndarray], marked: dict[str, np.ndarray],
                   presence: pd.DataFrame, layout: Layout, chosen: np.ndarray,
                   sought: dict[str, np.ndarray] | None = None) -> list[str]:
    """What a reader of the figures should know about coverage, in the documents of the
    units (``chosen``: a bool per segment, the codable segments passing the filters):
    coders who read part of a document's units (the rest is missing for them), and
    coders whose codings stop well before the end of a document where others go on
    coding (perhaps they stopped reading), unless they marked that document read
    (``marked``, a boolean per document by coder: :func:`locate`). A coder who looked
    for some codes only (``sought``: a bool per code of the presence) is compared with
    the others' codings of those codes alone."""
    sizes, notes = layout.sizes, []
    units = np.bincount(layout.doc[chosen], minlength=len(sizes))
    pos, coder = presence["pos"].to_numpy(), presence["coder_k"].to_numpy()
    code = presence["code"].to_numpy()
    for k, (name, mask) in enumerate(read.items()):
        counts = np.bincount(layout.doc[mask & chosen], minlength=len(sizes))
        partial = np.flatnonzero((counts > 0) & (counts < units))
        if len(partial):
            notes.append(f"{name} read part of {len(partial)} document(s); the rest is "
                         "missing for them: " + listed(
                             [f"{layout.docs[d]} ({counts[d]} of {units[d]} units)"
                              for d in partial]))
        last = np.zeros(len(sizes), dtype=np.int64)
        np.maximum.at(last, layout.doc[pos[coder == k]], layout.place[pos[coder == k]])
        considered = (counts == units) & (units > 0) & (last > 0) & ~marked[name]
        theirs = coder != k
        if name in (sought or {}):
            theirs &= sought[name][code]
        others = np.unique(pos[theirs])
        after = others[considered[layout.doc[others]]
                       & (layout.place[others] > last[layout.doc[others]])]
        later = np.bincount(layout.doc[after], minlength=len(sizes))
        tail = sizes - last
        early = np.flatnonzero(considered & (tail >= 10) & (tail >= 0.25 * sizes)
                               & (later >= 3))
        if len(early):
            notes.append(f"{name}'s codings stop early in {len(early)} document(s): " + listed(
                [f"{layout.docs[d]} (last at segment {last[d]} of {sizes[d]}, others coded "
                 f"{later[d]} segments after it)" for d in early], 3)
                + f". If {name} stopped reading there, mark the segments read (rows with "
                "an empty code_id, or `import-codings --coded-segments`); as it is, the "
                "rest counts as read with nothing applying")
    return notes
