"""The ``stamp`` column of a review sheet: where each row's segment was when the sheet
was written, so that `review import` refuses a decision whose seg_id names another turn
now, even when the row's text and speaker cells were deleted."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from pathlib import Path

import pandas as pd

from .errors import Problem
from .importers.tabular import HIDDEN, same_text
from .review import doc_ids_of, segment_places
from .safexml import xml_text
from .store import replacing
from .study import Study

STAMP = "stamp"     # the last column of an exported sheet: see sheet_stamps
KEY = "review.key"  # beside decisions.csv: the study's own key for its stamps
# (not out/privacy.key: that is no secret but the fingerprint of the last privacy scan,
# replaced by a privacy decision or a change of the segments, and gone with out/, while a
# stamp must stay the same from export to import)
OWN, PART = 12, 5   # a stamp's segment part (segment_stamps), then each of its document's
                    # and the study's parts (sheet_stamps)


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
    """The first :data:`OWN` characters of a sheet's :data:`STAMP` for each of
    ``seg_ids`` (:func:`sheet_stamps`; all of it in a sheet exported before): ``s`` and a
    short digest, under the study's ``key`` (:func:`stamp_key`), of its document's text
    (its sha256) and of the segment's start and end in it as they are now, or empty for
    a seg_id ``segments`` does not have. An edit of the transcript, or a cut into
    segments otherwise (a newer dialogcode, `speakers:`), changes it; a privacy decision
    does not. Keyed, it confirms no guess at the words a masked sheet hides (as the
    transcript's hash would, beside the blocks). The letter keeps a spreadsheet from
    reading it as a number."""
    places = segment_places(seg_ids, segments)
    hashes = doc_ids_of(seg_ids).map(documents.set_index("doc_id")["sha256"])
    return pd.Series([f"s{_digest(key, f'{h} {p}')[:OWN - 1]}" if p else ""
                      for h, p in zip(hashes, places)], index=seg_ids.index, dtype=object)


def sheet_stamps(seg_ids: pd.Series, segments: pd.DataFrame, documents: pd.DataFrame,
                 key: bytes) -> pd.Series:
    """What `review export` writes in :data:`STAMP` for each of ``seg_ids``: its
    :func:`segment_stamps`, then :data:`PART` characters of its document's state and of
    the study's (:func:`document_states`, :func:`study_state`), or empty for a seg_id
    ``segments`` does not have. The last two show, on any row, that a transcript was
    edited, added or cut into segments otherwise since the export, for a row a person
    adds without them (:func:`added_blind`); a sheet exported before has the first part
    alone."""
    states = document_states(segments, documents, key)
    study = study_state(states, key)
    return pd.Series([f"{own}{states.get(doc, '')}{study}" if own else "" for own, doc in
                      zip(segment_stamps(seg_ids, segments, documents, key),
                          doc_ids_of(seg_ids))], index=seg_ids.index, dtype=object)


def document_states(segments: pd.DataFrame, documents: pd.DataFrame, key: bytes
                    ) -> dict[str, str]:
    """doc_id -> :data:`PART` characters of a digest, under ``key``, of the document's
    text (its sha256) and of where each of its segments starts and ends: an edit of the
    transcript or a cut into segments otherwise changes it, wherever in the document."""
    ordered = segments.sort_values(["doc_id", "start", "end"])
    cuts = segment_places(ordered["seg_id"], ordered).groupby(
        ordered["doc_id"].to_numpy(), sort=False).agg(" ".join)
    return {doc: _digest(key, f"{sha} {cuts.get(doc, '')}")[:PART]
            for doc, sha in zip(documents["doc_id"], documents["sha256"])}


def study_state(states: dict[str, str], key: bytes) -> str:
    """:data:`PART` characters of a digest, under ``key``, of every document's state
    (:func:`document_states`): a transcript edited, added or removed, or cut into
    segments otherwise, changes it."""
    return _digest(key, "\n".join(f"{d} {s}" for d, s in sorted(states.items())))[:PART]


def _digest(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def stale_rows(sheet: pd.DataFrame, path: Path, segments: pd.DataFrame,
               documents: pd.DataFrame, key: bytes | None
               ) -> tuple[list[Problem], set[int]]:
    """(a problem for each decided row of ``sheet`` (every row read, its decision in
    lower case) whose :data:`STAMP` is not that of its seg_id now under ``key`` (the
    transcript was edited, or cut into segments otherwise, since the sheet was exported;
    the row was copied or moved from another segment's row, :func:`_copied`; or the
    study's :data:`KEY` is gone), and for each exported row (with a ``source``) whose
    stamp, ``text`` and ``speaker`` are all empty or deleted: nothing shows that its
    seg_id still names the segment decided. A row a person added (no source) names the
    segment as it is now; a sheet whose rows show none of these (:func:`_unchecked`) is
    refused whole. And the lines of the rows copied from another segment's row, whose
    text and speaker cells are that segment's too: their stamp says what happened)."""
    def cells(table, column):
        return table.get(column, pd.Series("", table.index)).str.strip()

    decided = sheet[sheet["decision"].str.strip() != ""]
    if decided.empty:
        return [], set()
    unchecked = _unchecked(sheet, path)
    if unchecked:
        return [unchecked], set()
    stamps = cells(decided, STAMP).str.lower().str[:OWN]
    if key is None and (stamps != "").any():
        return [Problem(f"the {STAMP} column cannot be checked: {KEY}, the study's key "
                        "for it, is gone from the study folder; export the sheet again and "
                        "decide its rows there", str(path),
                        int(decided.loc[stamps != "", "line"].iloc[0]))], set()
    now = segment_stamps(decided["seg_id"], segments, documents, key or b"")
    blind = (stamps == "") & (cells(decided, "text") == "") & (
        cells(decided, "speaker") == "") & (cells(decided, "source") != "")
    moved = (stamps != "") & (stamps != now) & (now != "")
    problems, copies = [], set()
    if moved.any():
        owners = dict(zip(segment_stamps(segments["seg_id"], segments, documents, key),
                          segments["seg_id"]))
        rows = sheet.assign(stamp=cells(sheet, STAMP).str.lower().str[:OWN])[
            ["seg_id", STAMP, "line"]]
        for row, stamp in zip(decided[moved].itertuples(), stamps[moved]):
            copied, certain = _copied(row, stamp, rows, owners.get(stamp), sheet.columns)
            if certain:
                copies.add(row.line)
            problems.append(Problem(copied or (
                f"this row was exported before {doc_ids_of(pd.Series([row.seg_id]))[0]} was "
                "changed or cut into segments otherwise (a newer dialogcode, `speakers:`) "
                f"and ingested again, so {row.seg_id} may name another turn now than the one "
                f"decided (its {STAMP} is not the segment's now): export the sheet again and "
                "decide the row there"), str(path), row.line))
    problems += [Problem(f"nothing shows that {seg} is still the segment this row was "
                         f"decided on: its {STAMP}, text and speaker cells are empty (or "
                         "their columns deleted), and a seg_id names a turn by its place, "
                         "which an edit of the transcript or a cut into turns otherwise "
                         "moves; copy those cells back from the sheet as exported, or "
                         "export the sheet again", str(path), line)
                 for seg, line in zip(decided.loc[blind & (now != ""), "seg_id"],
                                      decided.loc[blind & (now != ""), "line"])]
    return problems, copies


def added_blind(sheet: pd.DataFrame, path: Path, segments: pd.DataFrame,
                documents: pd.DataFrame, key: bytes | None, other: pd.Series,
                copied: pd.Series) -> list[Problem]:
    """A problem for each decided row of ``sheet`` a person added, or emptied to add a
    code (no source, :data:`STAMP` or text, or a text, and speaker when filled in, that
    other turns of its document say too, :func:`_shared`, "Yes.", which tells none of
    them: it names the segment as it is now), or exported without a stamp (its column
    deleted, a read-only study's sheet) with such a text, on a
    document another row shows was changed or cut into segments otherwise since the
    sheet was exported: a stamp (under ``key``: its segment's or its document's part)
    or, where ``other``, a text or speaker that is not its segment's now, on a row not
    ``copied`` from another segment's row (whose stamp, text and speaker are that
    segment's); or, when a stamp's study part (:func:`sheet_stamps`) shows the study's
    transcripts changed since, on a document no row's document part shows unchanged.
    Its seg_id may name another turn now than the one the person meant, read in the
    sheet as exported."""
    def cells(column):
        return sheet.get(column, pd.Series("", sheet.index)).str.strip()

    full = cells(STAMP).str.lower()
    stamps, docs = full.str[:OWN], doc_ids_of(sheet["seg_id"])
    known = sheet["seg_id"].isin(segments["seg_id"])
    changed, unchanged = pd.Series(False, sheet.index), set()
    if key is not None:
        states = document_states(segments, documents, key)
        parts = full.str[OWN:OWN + PART], full.str[OWN + PART:OWN + 2 * PART]
        now = docs.map(states).fillna("")
        other = other | ((stamps != "") & (stamps != segment_stamps(
            sheet["seg_id"], segments, documents, key))) | (
            (parts[0] != "") & (parts[0] != now))
        changed = (parts[1] != "") & (parts[1] != study_state(states, key))
        unchanged = set(docs[(parts[0] != "") & (parts[0] == now) & ~copied])
    shown = known & other & ~copied
    shows = dict(zip(docs[shown][::-1], sheet.loc[shown, "line"][::-1]))
    unstamped = known & (sheet["decision"] != "") & (stamps == "")
    exported = unstamped & (cells("source") != "")
    # a text (and speaker) other turns of the document say too ("Yes.") tells no turn,
    # on a row added or exported (its stamp deleted, or a read-only study's sheet)
    shared = _shared(sheet, unstamped & (cells("text") != "") & ~other & ~copied, segments)
    added = unstamped & ((cells("text") == "") & ~exported | sheet.index.isin(list(shared)))
    # `review export` does not write over a sheet holding decisions not yet imported
    again = "delete this row and import the sheet, then add the row to a sheet exported again"

    def said(index) -> str:
        """What the row shows, then why its seg_id may name another turn now."""
        return (f"this row's {STAMP} is empty (or its column deleted)" if exported[index]
                else f"this row names {sheet.at[index, 'seg_id']} as it is now")

    def todo(index) -> str:
        """What to do, after why the row's text tells no turn when it does not."""
        if index not in shared:
            return f": {again}" + (", or write the turn's text in the row's text cell (as "
                                   "out/segments.csv has it), which the import checks"
                                   if "text" in sheet else "")
        speaker = cells("speaker")[index]
        return (f", and its text{' and speaker are' if speaker else ' is'} that of "
                f"{_listed(shared[index])} too, which it does not tell apart: " + (
                    f"copy its {STAMP} cell back from the sheet as exported, or export the "
                    "sheet again and decide the row there" if exported[index] else again + (
                        "" if speaker or "speaker" not in sheet else ", or write the turn's "
                        "speaker in the row's speaker cell too (as out/segments.csv has it)")))

    seen = added & docs.isin(shows)
    problems = [Problem(f"{said(i)}, but {docs[i]} was changed or cut into segments "
                        "otherwise since the sheet was exported (line "
                        f"{shows[docs[i]]} shows it), so {row.seg_id} may name another turn "
                        f"now than the one you meant{todo(i)}", str(path), row.line)
                for i, row in sheet[seen].iterrows()]
    if not changed.any():
        return problems
    blind = added & ~docs.isin(shows) & ~docs.isin(unchanged)
    return problems + [
        Problem(f"{said(i)}, but the study's transcripts were changed, added or cut into "
                "segments otherwise since the sheet was exported (the "
                f"{STAMP} on line {sheet.loc[changed, 'line'].iloc[0]} shows it), and no row "
                f"of the sheet shows whether {docs[i]} was, so {row.seg_id} may name another "
                f"turn now than the one you meant{todo(i)}", str(path), row.line)
        for i, row in sheet[blind].iterrows()]


def _shared(sheet: pd.DataFrame, rows: pd.Series, segments: pd.DataFrame
            ) -> dict[int, list[str]]:
    """Index of each of ``rows`` of ``sheet`` whose text cell (and speaker cell, when
    filled) another segment of its document shows too (:func:`_owners`) -> those
    segments' seg_ids: the cell does not show which of them the row means."""
    found = {}
    for index, row in sheet[rows].iterrows():
        doc = doc_ids_of(pd.Series([row["seg_id"]]))[0]
        near = segments[segments["doc_id"] == doc]
        owners = _owners(row["text"].strip(), str(row.get("speaker", "")).strip(),
                         row["seg_id"], near, near["text"].map(_words))
        if owners:
            found[index] = owners
    return found


CHECKS = ("source", STAMP, "text", "speaker")   # what tells an exported row's segment
EXPORTED = ("label", "matched", "score", "site")    # what only an export fills in


def _unchecked(sheet: pd.DataFrame, path: Path) -> Problem | None:
    """The problem of an exported ``sheet`` (one with a :data:`EXPORTED` cell filled)
    none of whose rows has a :data:`CHECKS` cell filled (their columns deleted or
    emptied): its rows would all read as codes a person added on the segments their
    seg_ids name now, those exported before an edit of the transcript included."""
    def filled(columns):
        return any(sheet[c].str.strip().ne("").any() for c in columns if c in sheet)

    if filled(CHECKS) or not filled(EXPORTED):
        return None
    gone = [c for c in CHECKS if c not in sheet]
    empty = [c for c in CHECKS if c in sheet]
    said = " and its ".join(part for part in (
        f"{_listed(gone)} columns are deleted" if gone else "",
        f"{_listed(empty)} columns are empty in every row" if empty else "") if part)
    return Problem(f"this sheet's {said}, so nothing shows which rows were exported and "
                   "which were added, nor that a seg_id still names the turn its row was "
                   "exported for (a seg_id names a turn by its place, which an edit of the "
                   "transcript or a cut into turns otherwise moves): its decisions could land "
                   f"on other turns than those decided. Copy the {STAMP} column (or the "
                   "source, text and speaker columns) back from the sheet as exported, or "
                   "export the sheet again and decide its rows there (a sheet of codes you "
                   "add needs only seg_id, code_id and decision)", str(path), 1)


def _copied(row, stamp: str, rows: pd.DataFrame, owner: str | None, columns
            ) -> tuple[str | None, bool]:
    """(why ``row`` (a decided row of a sheet whose :data:`STAMP`, ``stamp``, is not its
    seg_id's now) was most likely copied or moved from another segment's row and its
    seg_id changed, or None when nothing shows it: the same stamp on a row of another
    seg_id in the sheet (``rows``: its seg_id, stamp and line), another stamp on
    another row of its seg_id, or the stamp of ``owner`` (the segment it is now) of
    another document; whether that is certain). When ``owner`` is of its document and
    nothing else shows a copy, the document may as well have been cut into segments
    otherwise since the export."""
    seg = row.seg_id
    same = rows[(rows[STAMP] == stamp) & (rows["seg_id"] != seg)]
    other = rows[(rows["seg_id"] == seg) & (rows[STAMP] != stamp) & (rows[STAMP] != "")]
    made_for = same["seg_id"].iloc[0] if len(same) else owner
    todo = _todo(seg, columns)
    if made_for is None:
        return None if other.empty else (
            f"this row's {STAMP} is not that of {seg}'s row on line "
            f"{other['line'].iloc[0]}: was the row copied or moved from another segment's "
            f"row and its seg_id changed? Restore it as exported, or {todo}"), not other.empty
    doc = doc_ids_of(pd.Series([seg, made_for]))
    if len(same) or len(other) or doc[0] != doc[1]:
        where = f" (as on line {same['line'].iloc[0]})" if len(same) else ""
        return (f"this row's {STAMP} is {made_for}'s{where}, not {seg}'s: was the row "
                f"copied or moved from a row of {made_for} and its seg_id changed? To "
                f"decide {row.code_id} on {made_for}, restore the row's seg_id; {todo}"), True
    return (f"this row's {STAMP} is not {seg}'s but {made_for}'s now: was {doc[0]} cut "
            "into segments otherwise since the sheet was exported (a newer dialogcode, "
            f"`speakers:`), so that the turn this row shows is {made_for} now, or was the "
            f"row copied or moved from a row of {made_for} and its seg_id changed? After a "
            "new cut, export the sheet again and decide the row there; after a copy, "
            f"restore the seg_id to decide {row.code_id} on {made_for}, or {todo}"), False


def copied_texts(sheet: pd.DataFrame, path: Path, other: pd.Series,
                 segments: pd.DataFrame) -> tuple[list[Problem], set[int]]:
    """(a problem for each decided row of ``sheet`` without a :data:`STAMP` (a sheet
    exported from a read-only study has none) whose text is not its segment's now
    (``other``) but that of a row of another seg_id in the sheet whose text is its
    segment's (and whose speaker cell is the row's, when it has one), or, when no row shows it and no other row of its document shows that
    document changed, the text (and speaker, when shown) of other ``segments`` now
    (:func:`_owners`): most likely copied or moved from that row and its seg_id
    changed, as :func:`_copied` finds by the stamp (after a transcript edit, the rows
    of two turns of the same words are both another's now); and their lines)."""
    def cells(column):
        return sheet.get(column, pd.Series("", sheet.index)).str.strip()

    texts, speakers, docs = cells("text"), cells("speaker"), doc_ids_of(sheet["seg_id"])
    problems, lines, keys = [], set(), None
    for row in sheet[(sheet["decision"] != "") & other & (cells(STAMP) == "") &
                     (texts != "")].itertuples():
        # a copy shows the other row's speaker too, when the row shows one
        like = sheet[(texts == texts[row.Index]) & (sheet["seg_id"] != row.seg_id) & ~other
                     & ((speakers == speakers[row.Index]) | (speakers[row.Index] == ""))]
        todo = _todo(row.seg_id, sheet.columns)
        if len(like):
            made_for = like["seg_id"].iloc[0]
            said = (f"the text in this row is not that of {row.seg_id} but that of line "
                    f"{like['line'].iloc[0]}, a row of {made_for}: was the row copied or "
                    f"moved from there and its seg_id changed? To decide {row.code_id} on "
                    f"{made_for}, restore the row's seg_id; {todo}")
        else:
            doc = docs[row.Index]
            if (other & (docs == doc) & (sheet.index != row.Index)).any():
                continue    # the document changed: its rows say so
            if keys is None:    # each segment's words, once
                keys = segments["text"].map(_words)
            owners = _owners(texts[row.Index], speakers[row.Index], row.seg_id,
                             segments, keys)
            if not owners:
                continue
            named = " or ".join(owners[:3]) + (" (or another)" if len(owners) > 3 else "")
            it = owners[0] if len(owners) == 1 else "the one it came from"
            # a row of its seg_id, or (its words said in other documents only) of its
            # document, that shows its text as it is now: the document did not change there
            kept = (docs == doc) & ~other & (texts != "")
            at_home = [o for o in owners if o.rsplit(":", 1)[0] == doc]
            if (kept & (sheet["seg_id"] == row.seg_id)).any() or (
                    not at_home and kept.any()):
                said = (f"the text in this row is not that of {row.seg_id} but that of "
                        f"{named} now: was the row copied or moved from a row of {named} "
                        f"and its seg_id changed? To decide {row.code_id} on {it}, restore "
                        f"the row's seg_id; {todo}")
            else:
                so = (f", so that the turn this row shows is {' or '.join(at_home[:3])} now"
                      if at_home else "")
                said = (f"the text in this row is not that of {row.seg_id} but that of "
                        f"{named} now: was {doc} cut into segments otherwise or changed "
                        f"since the sheet was exported (a newer dialogcode, `speakers:`){so}, "
                        f"or was the row copied or moved from a row of {named} and its "
                        "seg_id changed? After a new cut or an edit, export the sheet again "
                        "and decide the row there; after a move, restore the seg_id to "
                        f"decide {row.code_id} on {it}, or {todo}")
        problems.append(Problem(said, str(path), row.line))
        lines.add(row.line)
    return problems, lines


def _owners(text: str, speaker: str, seg: str, segments: pd.DataFrame, keys: pd.Series
            ) -> list[str]:
    """The seg_ids of ``segments`` but ``seg`` whose text a sheet's ``text`` cell shows
    (:func:`shown_text`), and, when ``speaker`` is filled in, whose speaker it shows;
    ``keys``, each segment's :func:`_words`, pass over those without the cell's
    longest piece between privacy labels."""
    words = _words(max(HIDDEN.split(text.removesuffix(" [truncated]")), key=len))
    near = segments[keys.str.contains(words, regex=False)] if words else segments.iloc[:0]
    return [s for s, t, who in zip(near["seg_id"], near["text"], near["speaker"])
            if s != seg and shown_text(text, t) and
            (not speaker or shown_text(speaker, who if isinstance(who, str) else ""))]


def _words(text: str) -> str:
    """``text``'s words, in lower case, a space between each."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def shown_text(cell: str, text: str) -> bool:
    """Whether a sheet's ``text`` cell shows a segment's ``text`` as an export wrote it,
    privacy-masked (:func:`~dialogcode.importers.tabular.same_text`) and, in a workbook,
    with the characters XML cannot hold made visible."""
    return same_text(cell, text) or same_text(cell, xml_text(text))


def _todo(seg: str, columns) -> str:
    """What to do to add a copied row's code to ``seg``, its seg_id now (the sheet's
    ``columns`` of :data:`CHECKS` cleared)."""
    clear = _listed([c for c in CHECKS if c in columns])
    return (f"to add it to {seg}, clear the row's {clear} cells (a row you add names the "
            "segment as it is now)")


def _listed(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
