"""The ``stamp`` column of a review sheet: where each row's segment was when the sheet
was written, so that `review import` refuses a decision whose seg_id names another turn
now, even when the row's text and speaker cells were deleted."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

import pandas as pd

from .errors import Problem
from .review import doc_ids_of, segment_places
from .store import replacing
from .study import Study

STAMP = "stamp"     # the last column of an exported sheet: see segment_stamps
KEY = "review.key"  # beside decisions.csv: the study's own key for its stamps


def stamp_key(study: Study, create: bool = False) -> bytes | None:
    """The study's key for :func:`segment_stamps` (:data:`KEY`), made when ``create``
    and missing; None when missing otherwise, or when the study folder cannot hold it
    (read-only: a sheet is exported from it all the same, without stamps)."""
    path = study.root / KEY
    if not path.is_file() and create:
        try:
            with replacing(path) as temporary:
                temporary.write_text(secrets.token_hex(32) + "\n", encoding="ascii")
        except PermissionError:
            return None
    return path.read_bytes().strip() if path.is_file() else None


def segment_stamps(seg_ids: pd.Series, segments: pd.DataFrame, documents: pd.DataFrame,
                   key: bytes) -> pd.Series:
    """What a sheet's :data:`STAMP` column holds for each of ``seg_ids``: ``s`` and a
    short digest, under the study's ``key`` (:func:`stamp_key`), of its document's text
    (its sha256) and of the segment's start and end in it as they are now, or empty for
    a seg_id ``segments`` does not have. An edit of the transcript, or a cut into
    segments otherwise (a newer dialogcode, `speakers:`), changes it; a privacy decision
    does not. Keyed, it confirms no guess at the words a masked sheet hides (as the
    transcript's hash would, beside the blocks). The letter keeps a spreadsheet from
    reading it as a number."""
    places = segment_places(seg_ids, segments)
    hashes = doc_ids_of(seg_ids).map(documents.set_index("doc_id")["sha256"])
    return pd.Series([f"s{hmac.new(key, f'{h} {p}'.encode(), hashlib.sha256).hexdigest()[:11]}"
                      if p else "" for h, p in zip(hashes, places)], index=seg_ids.index,
                     dtype=object)


def stale_rows(decided: pd.DataFrame, path: Path, segments: pd.DataFrame,
               documents: pd.DataFrame, key: bytes | None) -> list[Problem]:
    """A problem for each decided row of a sheet whose :data:`STAMP` is not that of its
    seg_id now under ``key`` (the transcript was edited, or cut into segments otherwise,
    since the sheet was exported; or the study's :data:`KEY` is gone), and for each
    exported row (with a ``source``) whose stamp, ``text`` and ``speaker`` are all empty
    or deleted: nothing shows that its seg_id still names the segment decided. A row a
    person added (no source) names the segment as it is now."""
    def cells(column):
        return decided.get(column, pd.Series("", decided.index)).str.strip()

    stamps = cells(STAMP).str.lower()
    if key is None and (stamps != "").any():
        return [Problem(f"the {STAMP} column cannot be checked: {KEY}, the study's key "
                        "for it, is gone from the study folder; export the sheet again and "
                        "decide its rows there", str(path),
                        int(decided.loc[stamps != "", "line"].iloc[0]))]
    now = segment_stamps(decided["seg_id"], segments, documents, key or b"")
    blind = (stamps == "") & (cells("text") == "") & (cells("speaker") == "") & (
        cells("source") != "")
    moved = (stamps != "") & (stamps != now) & (now != "")
    problems = [Problem(f"this row was exported before {doc} was changed or cut into "
                        "segments otherwise (a newer dialogcode, `speakers:`) and ingested "
                        f"again, so {seg} may name another turn now than the one decided "
                        f"(its {STAMP} is not the segment's now): export the sheet again "
                        "and decide the row there", str(path), line)
                for seg, doc, line in zip(decided.loc[moved, "seg_id"],
                                          doc_ids_of(decided.loc[moved, "seg_id"]),
                                          decided.loc[moved, "line"])]
    problems += [Problem(f"nothing shows that {seg} is still the segment this row was "
                         f"decided on: its {STAMP}, text and speaker cells are empty (or "
                         "their columns deleted), and a seg_id names a turn by its place, "
                         "which an edit of the transcript or a cut into turns otherwise "
                         "moves; copy those cells back from the sheet as exported, or "
                         "export the sheet again", str(path), line)
                 for seg, line in zip(decided.loc[blind & (now != ""), "seg_id"],
                                      decided.loc[blind & (now != ""), "line"])]
    return problems
