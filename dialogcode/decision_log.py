"""Recording review decisions: each one people make (`review import`, the browser) is
merged into the study's decisions.csv (:func:`merge_decisions`: the later decision on a
code and segment holds) and appended to decisions-history.csv, which keeps every
decision with who made it and when; both files change or neither. What the decisions
do to the codings is :mod:`dialogcode.review`'s.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pandas as pd

from .csvrows import csv_text, read_csv
from .review import DECISION_COLUMNS, DECISIONS, ReviewError, load_decisions
from .store import safe_for_spreadsheet, write_csv
from .study import Study

HISTORY = "decisions-history.csv"


def merge_decisions(old: pd.DataFrame, new: pd.DataFrame
                    ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """``old`` with ``new`` added. A new decision on the same (seg_id, code_id) with
    another decision or note replaces the old one; one that repeats it (a sheet showing
    earlier decisions, imported again) leaves the old one as it is, with its reviewer and
    time, and gives it the ``segment`` it was recorded without; a note of None (a sheet
    without a note column) keeps the note decided before, and a row without a span the
    span decided before on the same text and segment. Returns the table, the rows of
    ``new`` that were added or changed, and counts of added, changed and unchanged rows
    and of the unchanged given their segment (``stamped``)."""
    def spans(table):
        return [tuple(_offset(v) for v in pair) for pair in
                zip(table["start"], table["end"])] if "start" in table else \
            [("", "")] * len(table)

    def places(table):      # what each decision was made on: its text, its segment
        return list(zip(table["sha256"].fillna(""),
                        table.get("segment", pd.Series("", table.index)).fillna("")))

    before = {(s, c): (d, n, span, h) for s, c, d, n, span, h in
              zip(old["seg_id"], old["code_id"], old["decision"], old["note"], spans(old),
                  places(old))}
    # a sheet without a note column (None) keeps the notes written before, and a row
    # without a span (a sheet has no span columns) the words a reviewer coded in the
    # browser, unless decided on the document's earlier text or another segment (one
    # recorded without them counts as made on the segment as it is, see in_force)
    new = new.assign(note=[before.get((s, c), ("", "", None, ""))[1] if n is None else n
                           for s, c, n in zip(new["seg_id"], new["code_id"], new["note"])])

    def span_kept(key, span, place):
        if span != ("", "") or key not in before:
            return span
        _, _, old_span, old_place = before[key]
        return old_span if all("" in pair or pair[0] == pair[1]
                               for pair in zip(place, old_place)) else span

    kept = [span_kept((s, c), span, h) for s, c, span, h in
            zip(new["seg_id"], new["code_id"], spans(new), places(new))]
    new = new.assign(start=[a for a, _ in kept], end=[b for _, b in kept])

    def same(key, decision, note, span, place):
        # a row without a span (a review sheet) leaves the span decided before alone;
        # one made on the document's text and segment as they are now confirms a
        # decision made on other text or another segment (see in_force); one recorded
        # without its segment gets it (below), keeping who decided it and when
        d, n, old_span, (old_sha256, old_segment) = before[key]
        return ((d, n) == (decision, note) and (span == ("", "") or span == old_span)
                and place[0] in ("", old_sha256) and old_segment in ("", place[1]))

    status = [("added" if (s, c) not in before else
               "unchanged" if same((s, c), d, n, span, h) else "changed")
              for s, c, d, n, span, h in zip(new["seg_id"], new["code_id"], new["decision"],
                                             new["note"], spans(new), places(new))]
    counts = {name: status.count(name) for name in ("added", "changed", "unchanged")}
    fresh = new.loc[[s != "unchanged" for s in status]]
    merged = pd.concat([old, fresh]).drop_duplicates(["seg_id", "code_id"], keep="last")
    merged = merged.reindex(columns=DECISION_COLUMNS).reset_index(drop=True)
    found = {(s, c): h[1] for s, c, h, st in zip(new["seg_id"], new["code_id"], places(new),
                                                 status) if st == "unchanged" and h[1]}
    fill = pd.Series([found.get(key, "") for key in zip(merged["seg_id"], merged["code_id"])],
                     index=merged.index, dtype=object)
    stamped = (merged["segment"].fillna("") == "") & (fill != "")
    merged.loc[stamped, "segment"] = fill[stamped]
    counts["stamped"] = int(stamped.sum())
    return merged, fresh, counts


def _offset(value) -> str:
    """A span offset as decisions.csv writes it: digits, or empty for none."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value).strip()
    return str(int(float(text))) if text else ""


def write_decisions(study: Study, decisions: pd.DataFrame) -> Path:
    """``decisions`` as the study's decisions.csv, cells a spreadsheet would run as a
    formula (a note ``=obviously``) neutralised, as in every CSV dialogcode writes."""
    return write_csv(safe_for_spreadsheet(decisions), study.root / DECISIONS)


def record_decisions(study: Study, new: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Add ``new`` decisions to the study (:func:`merge_decisions`): the added or changed
    rows are appended to decisions-history.csv and decisions.csv is replaced in one
    step, so that when two people decide the same code on the same segment, the later
    decision holds and both are kept. Either both files change or neither: an OSError
    (a full disk, no permission, a folder in a file's place) names the file that failed
    and leaves both as they were. The caller holds the study's lock. Returns the merged
    decisions and the counts."""
    merged, fresh, counts = merge_decisions(load_decisions(study), new)
    if len(fresh) or counts["stamped"]:
        _replace_decisions(study, merged, fresh)
    return merged, counts


def remove_decisions(study: Study, removal: pd.DataFrame) -> pd.DataFrame:
    """Delete from decisions.csv the decisions on each (seg_id, code_id) of ``removal``
    (a reject of a code the codebook no longer has, from the browser: deleting the row
    is the fix the tables and `learn` ask for), appending ``removal``'s rows to
    decisions-history.csv to keep who removed them and when; both files or neither, as
    :func:`record_decisions`. The caller holds the study's lock. Returns the decisions
    left."""
    old = load_decisions(study)
    gone = set(zip(removal["seg_id"], removal["code_id"]))
    kept = old[[(s, c) not in gone for s, c in zip(old["seg_id"], old["code_id"])]]
    kept = kept.reindex(columns=DECISION_COLUMNS).reset_index(drop=True)
    _replace_decisions(study, kept, removal)
    return kept


def _replace_decisions(study: Study, decisions: pd.DataFrame, fresh: pd.DataFrame) -> None:
    """Append ``fresh`` to decisions-history.csv and write ``decisions`` as decisions.csv:
    both or neither (see :func:`record_decisions`)."""
    path = study.root / HISTORY
    existed = path.exists()
    header = not path.is_file() or path.stat().st_size == 0
    columns, opening = DECISION_COLUMNS, ""
    if not header:
        # a history begun before a column was added keeps its own, in its order, as
        # read through a byte-order mark and Excel's line ends, and a last line left
        # open is ended first, not run on into the first row added
        text = csv_text(path, ReviewError)
        columns = [name.strip() for name in read_csv(text, str(path))[0] or columns]
        opening = "" if text.endswith(("\n", "\r")) else "\n"
    text = opening + safe_for_spreadsheet(fresh.reindex(columns=columns)).to_csv(
        index=False, header=header, lineterminator="\n")
    size = _append_whole(path, text.encode("utf-8"))
    written = False
    try:
        write_decisions(study, decisions)
        written = True
    except OSError as exc:
        raise OSError(exc.errno, f"{exc.strerror or exc}; no decision was recorded "
                      f"({HISTORY} is as it was)", exc.filename) from exc
    finally:        # an interrupt too: no history row for a decision not recorded
        if not written:
            with contextlib.suppress(OSError):
                if existed:
                    os.truncate(path, size)
                else:
                    path.unlink()


def _append_whole(path: Path, data: bytes) -> int:
    """Append ``data`` to ``path`` (made when missing) and return its size before, or
    raise the first OSError, naming ``path`` and leaving it as it was (a full disk: no
    half row for the next one to run on from), and not there at all when it was made."""
    existed = path.exists()
    try:
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError as exc:
        raise _cannot_write(exc, path) from exc
    try:
        size = os.fstat(handle).st_size
        try:
            rest = memoryview(data)
            while rest:
                rest = rest[os.write(handle, rest):]
            os.fsync(handle)
        except OSError as exc:
            with contextlib.suppress(OSError):      # the first failure is the one to tell
                if existed:
                    os.ftruncate(handle, size)
                else:
                    path.unlink()
            raise _cannot_write(exc, path) from exc
    finally:
        os.close(handle)
    return size


def _cannot_write(exc: OSError, path: Path) -> OSError:
    reason = os.strerror(exc.errno) if exc.errno else str(exc)
    return OSError(exc.errno, f"cannot write: {reason}; no decision was recorded "
                   f"({DECISIONS} is as it was)", str(path))
