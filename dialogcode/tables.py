"""Analysis tables built from the codings: code by site, event type and phase,
co-occurrence, coded segments and the codebook summary.

Every function takes DataFrames (the corpus tables, the codings) and returns one; every
column is documented in docs/tables.md. Parent codes are *rolled up*: a segment counts
for a parent when it carries the parent or any of its descendants.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .codebook import Codebook

PHASES = ["kickoff", "mid-year", "closing"]
COUNT_COLUMNS = ["both", "segments_a", "segments_b", "codings_a", "codings_b"]
GROUPINGS = ("site", "event_type", "phase")
# coded_segments' columns from the segments (the document's attributes and phase come
# between doc_id and ordinal, a column per code after them), and the document columns
# it leaves out
CODED_SEGMENT_COLUMNS = ["seg_id", "doc_id", "ordinal", "speaker", "start", "end", "n_words",
                         "backchannel", "codes", "n_codes", "text"]
UNLISTED_DOCUMENT_COLUMNS = ("text", "sha256", "source_path", "format", "n_words",
                             "n_segments")
# event types naming a kick-off or a closing (words, not letters inside "disclosure";
# "close" alone, not "closed"), a capital after a small letter starting a word
# ("ClosingConvening", "FinalClosing")
KICKOFF_EVENT = r"(?<![a-z])kick[\s_-]?off"
CLOSING_EVENT = r"(?<![a-z])clos(?:ing|ure|e[\s_-]?out|e(?![a-z]))"
WORD_START = r"(?<=[a-z])(?=[A-Z])"


def ancestors(book: Codebook, code_id: str) -> list[str]:
    """``code_id`` and every code above it, nearest first."""
    chain = []
    while code_id in book.codes and code_id not in chain:
        chain.append(code_id)
        code_id = book.codes[code_id].parent
    return chain


def descendants(book: Codebook, code_id: str) -> list[str]:
    """``code_id`` and every code below it."""
    out, stack = [], [code_id]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(c.id for c in book.children(current))
    return out


def rolled_up(codings: pd.DataFrame, book: Codebook) -> pd.DataFrame:
    """Distinct (seg_id, doc_id, code_id) pairs, each coding also counted for its
    ancestors. Codes missing from ``book`` are kept as they are."""
    pairs = codings[["seg_id", "doc_id", "code_id"]].drop_duplicates()
    chains = {code: ancestors(book, code) or [code] for code in pairs["code_id"].unique()}
    expanded = pairs.assign(code_id=pairs["code_id"].map(chains)).explode("code_id")
    return expanded.drop_duplicates(ignore_index=True)


def substantive(segments: pd.DataFrame) -> pd.Series:
    """True for segments worth quoting, clustering or suggesting codes for: codable (not
    a preamble or heading, see docs/tables.md) and not a backchannel."""
    return segments["codable"].astype(bool) & ~segments["backchannel"].astype(bool)


def tree_order(book: Codebook) -> dict[str, int]:
    """Each code's position in the codebook tree, for sorting tables."""
    return {code.id: i for i, (_, code) in enumerate(book.tree())}


def document_phases(documents: pd.DataFrame) -> pd.Series:
    """The phase of each document (kickoff, mid-year or closing), indexed like
    ``documents``.

    Taken from a manifest ``phase`` column when there is one. Otherwise event types
    naming a kick-off or closing set the bounds: a site's documents up to the date of
    its (last) kick-off event are kickoff, from its (first) closing event's date
    closing, and those between mid-year; a site without one of these takes the study's
    first kick-off or last closing. A study without both falls back on the dates: one
    held on two days has a kick-off day and a closing day, one held on three days a day
    each; over more days, the first third of the date range is kickoff, the last third
    closing and the rest mid-year. Event types naming a kick-off or closing then decide
    for their documents and for the others of their site and date (a site visit on the
    day of the site's closing convening is at closing), unless those hold both.
    Undated documents of other event types get no phase, and so do all of them when
    every date is the same day.
    """
    if not phases_inferred(documents):
        return documents["phase"].replace("", np.nan)
    event = documents.get("event_type", pd.Series("", index=documents.index)).fillna("")
    event = event.astype(str).str.replace(WORD_START, " ", regex=True).str.lower()
    days = pd.to_datetime(documents.get("date", pd.Series(None, index=documents.index)),
                          errors="coerce").dt.normalize()
    named = pd.Series(np.nan, index=documents.index, dtype=object)
    named[event.str.contains(KICKOFF_EVENT)] = "kickoff"
    named[event.str.contains(CLOSING_EVENT)] = "closing"
    site = documents.get("site", pd.Series("", index=documents.index)).fillna("").astype(str)
    phase = _between_events(days, named, site)
    if phase.isna().all():
        phase = _by_dates(days)
    # a site's documents of a date share the phase its named events give it (when they
    # agree); another site's kick-off on that date (cohorts starting apart) says nothing
    of_day = named.groupby([site, days]).agg(lambda values: set(values.dropna()))
    of_day = {key: found.pop() for key, found in of_day.items() if len(found) == 1}
    by_day = pd.Series([of_day.get(key) for key in zip(site, days)], index=documents.index,
                       dtype=object)
    phase = phase.mask(by_day.notna(), by_day)
    return phase.mask(named.notna(), named)


def _by_dates(days: pd.Series) -> pd.Series:
    """The phase of each dated document by the study's dates alone: on two days a
    kick-off and a closing day, on three a day each, over more the first third of the
    date range kickoff, the last third closing and the rest mid-year."""
    phase = pd.Series(np.nan, index=days.index, dtype=object)
    held = days.dropna().drop_duplicates().sort_values().tolist()
    if len(held) in (2, 3):     # a meeting over a few days: its days, not thirds of them
        names = dict(zip(held, ["kickoff", "closing"] if len(held) == 2 else PHASES))
        phase[days.notna()] = days[days.notna()].map(names)
    elif len(held) > 3:
        low, high = held[0], held[-1]
        third = (high - low) / 3
        phase[days.notna()] = "mid-year"
        phase[days <= low + third] = "kickoff"
        phase[days >= high - third] = "closing"
    return phase


def _between_events(days: pd.Series, named: pd.Series, site: pd.Series) -> pd.Series:
    """The phase of each dated document by the kick-off and closing events (``named``)
    around it: kickoff up to its site's last kick-off date, closing from its site's
    first closing date, mid-year between; the study's first kick-off or last closing
    where the site has none (or its own are in the wrong order); NaN for all when the
    study has not both in that order."""
    kickoff, closing = days.where(named == "kickoff"), days.where(named == "closing")
    first, last = kickoff.min(), closing.max()
    phase = pd.Series(np.nan, index=days.index, dtype=object)
    if not first < last:
        return phase
    start = kickoff.groupby(site).transform("max").fillna(first)
    end = closing.groupby(site).transform("min").fillna(last)
    ordered = start < end
    start, end = start.where(ordered, first), end.where(ordered, last)
    phase[days.notna()] = "mid-year"
    phase[days <= start] = "kickoff"
    phase[days >= end] = "closing"
    return phase


def documents_without_phase(documents: pd.DataFrame) -> pd.Series:
    """The doc_id of each document :func:`document_phases` puts in no phase (an empty
    ``phase``; with phases inferred, no date and an event type naming no kick-off or
    closing): it counts in no phase's rows or shares."""
    return documents.loc[document_phases(documents).isna().to_numpy(), "doc_id"]


def phases_inferred(documents: pd.DataFrame) -> bool:
    """True when :func:`document_phases` guesses phases from event types and dates
    (the manifest has no ``phase`` values)."""
    return not ("phase" in documents
                and documents["phase"].replace("", np.nan).notna().any())


def event_keys(table: pd.DataFrame) -> pd.Series:
    """The event of each row of ``table`` (with doc_id, site and date, maybe event): its
    site and date, so a site visit's dialogue and its field notes, whose event types
    differ (site_visit_dialogue, site_visit_notes), are one event; a row of an undated
    document is an event of its own, not one with every undated document of its site.
    A row naming its ``event`` (the manifest's optional column) is that event of its
    site and date, so two gatherings of one site on one day can be told apart."""
    date = table["date"].fillna("").astype(str).str.strip()
    event = (table["event"].fillna("").astype(str).str.strip() if "event" in table
             else pd.Series("", index=table.index))
    key = table["site"].fillna("").astype(str) + "|" + date
    key = key.where(event == "", key + "|" + event)
    return key.where((date != "") | (event != ""), "document|" + table["doc_id"].astype(str))


def segment_frame(segments: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Segments with their document's site, event type, date and phase."""
    return with_documents(segments, document_frame(documents))


def named_count(sites: pd.Series) -> int:
    """Distinct sites in ``sites``, the empty site of a study without sites left out (the
    report's overview counts them so): such a study's codes are in 0 sites, not 1."""
    return sites[sites.fillna("") != ""].nunique()


def document_frame(documents: pd.DataFrame) -> pd.DataFrame:
    """Each document's doc_id, site, event type, date and phase."""
    return documents[["doc_id"]].assign(
        site=documents.get("site", ""), event_type=documents.get("event_type", ""),
        date=documents.get("date", ""), phase=document_phases(documents))


def with_documents(segments: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """:func:`segment_frame` from the :func:`document_frame` ``docs``."""
    frame = segments.merge(docs, on="doc_id", how="left")
    frame["speaker_key"] = np.where(frame["speaker"].notna(),
                                    frame["doc_id"] + "\x00" + frame["speaker"].fillna(""),
                                    None)
    return frame


def _ordered(values: pd.Series, by: str) -> list:
    """The groups of ``by`` in table order. A document in no phase is in no phase's
    group; one without a site or event type (a manifest with no such column) is in the
    group "" (the report's "(none)"), so its codings are counted, not dropped."""
    if by == "phase":
        present = [v for v in values.dropna().unique() if v != ""]
        return [p for p in PHASES if p in present] + sorted(p for p in present
                                                            if p not in PHASES)
    return sorted(values.fillna("").unique())


def code_by(codings: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
            book: Codebook, by: str = "site") -> pd.DataFrame:
    """For every code (parents rolled up) and every value of ``by`` (site, event_type or
    phase): segments, documents and distinct speakers coded, and the share of that
    group's codable segments. Zero rows are kept so the table pivots into a full grid."""
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {', '.join(GROUPINGS)}")
    frame = segment_frame(segments, documents)
    coded = rolled_up(codings, book).merge(frame.drop(columns="doc_id"), on="seg_id")
    grouped = coded.groupby(["code_id", by])
    counts = pd.DataFrame({"segments": grouped["seg_id"].nunique(),
                           "documents": grouped["doc_id"].nunique(),
                           "speakers": grouped["speaker_key"].nunique()})
    totals = frame[frame["codable"]].groupby(by)["seg_id"].count()
    return code_by_table(counts, totals, frame[by], book, by)


def code_by_table(counts: pd.DataFrame, totals: pd.Series, values: pd.Series,
                  book: Codebook, by: str) -> pd.DataFrame:
    """:func:`code_by` from its counts: ``counts`` (segments, documents, speakers) by
    code_id and ``by``, ``totals`` (codable segments) by ``by``, and the ``values`` of
    ``by`` that occur."""
    groups = _ordered(values, by)
    codes = [c for _, c in book.tree()]
    index = pd.MultiIndex.from_product([[c.id for c in codes], groups],
                                       names=["code_id", by])
    table = counts.reindex(index, fill_value=0).reset_index()
    meta = pd.DataFrame({"code_id": [c.id for c in codes], "label": [c.label for c in codes],
                         "parent_id": [c.parent for c in codes],
                         "codable": [c.codable for c in codes]})
    table = meta.merge(table, on="code_id")
    table["group_segments"] = table[by].map(totals).fillna(0).astype(int)
    table["share"] = (table["segments"] / table["group_segments"].where(
        table["group_segments"] > 0)).fillna(0.0).round(4)
    return table


def cooccurrence(codings: pd.DataFrame, book: Codebook | None = None) -> pd.DataFrame:
    """Every pair of codes applied in the same segment (codes as applied, no roll-up):
    segments carrying both, each code's segments and codings, Jaccard over segments and
    ATLAS.ti's c-coefficient over quotations. One row per ordered pair (a, b), a != b,
    so the table filters by either code."""
    pairs = codings[["seg_id", "code_id"]].drop_duplicates()
    segments = pairs.groupby("code_id")["seg_id"].nunique()
    quotes = codings.groupby("code_id").size()
    joined = pairs.merge(pairs, on="seg_id", suffixes=("_a", "_b"))
    joined = joined[joined["code_id_a"] != joined["code_id_b"]]
    if joined.empty:
        return pd.DataFrame({"code_a": pd.Series(dtype=object),
                             "code_b": pd.Series(dtype=object),
                             **{c: pd.Series(dtype="int64") for c in COUNT_COLUMNS},
                             "jaccard": pd.Series(dtype=float),
                             "c_coefficient": pd.Series(dtype=float)})
    table = (joined.groupby(["code_id_a", "code_id_b"]).size().rename("both").reset_index()
             .rename(columns={"code_id_a": "code_a", "code_id_b": "code_b"}))
    table["segments_a"] = table["code_a"].map(segments)
    table["segments_b"] = table["code_b"].map(segments)
    table["codings_a"] = table["code_a"].map(quotes)
    table["codings_b"] = table["code_b"].map(quotes)
    table["jaccard"] = (table["both"] / (table["segments_a"] + table["segments_b"]
                                         - table["both"])).round(4)
    table["c_coefficient"] = (table["both"] / (table["codings_a"] + table["codings_b"]
                                               - table["both"])).round(4)
    if book is not None:
        order = tree_order(book)
        table = table.assign(_a=table["code_a"].map(order), _b=table["code_b"].map(order))
        table = table.sort_values(["_a", "_b"], ignore_index=True).drop(columns=["_a", "_b"])
    return table.reset_index(drop=True)


def cooccurrence_matrix(codings: pd.DataFrame, book: Codebook) -> pd.DataFrame:
    """Code x code counts of segments carrying both (the diagonal: segments of the code),
    for the codes that occur, in codebook order."""
    pairs = codings[["seg_id", "code_id"]].drop_duplicates()
    codes = [c.id for _, c in book.tree() if c.id in set(pairs["code_id"])]
    if not codes:
        return pd.DataFrame({"code_id": pd.Series(dtype=object)})
    indicator = pd.crosstab(pairs["seg_id"], pairs["code_id"]).reindex(columns=codes)
    matrix = indicator.T @ indicator
    matrix.index.name, matrix.columns.name = "code_id", None
    return matrix.reset_index()


def coded_segments(codings: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
                   book: Codebook) -> pd.DataFrame:
    """One row per codable segment with its document's attributes, its codes as a list
    (codes as applied) and a 0/1 column per code (parents rolled up), for pivot tables."""
    attributes = [c for c in documents.columns if c not in UNLISTED_DOCUMENT_COLUMNS]
    docs = documents[attributes].assign(phase=document_phases(documents))
    keep = ["seg_id", "doc_id", "ordinal", "speaker", "start", "end", "n_words",
            "backchannel", "text"]
    frame = segments.loc[segments["codable"], keep].merge(docs, on="doc_id", how="left")
    applied = codings.drop_duplicates(["seg_id", "code_id"]).groupby("seg_id")["code_id"]
    frame["codes"] = frame["seg_id"].map(applied.agg("; ".join)).astype(object).fillna("")
    frame["n_codes"] = frame["seg_id"].map(applied.size()).fillna(0).astype(int)
    presence = rolled_up(codings, book)
    codes = [c.id for _, c in book.tree()]
    flags = pd.crosstab(presence["seg_id"], presence["code_id"]).clip(upper=1)
    flags = flags.reindex(index=frame["seg_id"], columns=codes, fill_value=0).fillna(0)
    flags = flags.astype(int).reset_index(drop=True)
    columns = ["seg_id", "doc_id", *[a for a in docs.columns if a != "doc_id"],
               *CODED_SEGMENT_COLUMNS[2:]]
    return pd.concat([frame[columns], flags], axis=1)


def codebook_summary(codings: pd.DataFrame, segments: pd.DataFrame,
                     documents: pd.DataFrame, book: Codebook) -> pd.DataFrame:
    """The codebook in tree order with its definitions and how much each code was used
    (codings as applied; segments, documents, sites and speakers rolled up)."""
    frame = segment_frame(segments, documents)
    coded = rolled_up(codings, book).merge(frame.drop(columns="doc_id"), on="seg_id")
    grouped = coded.groupby("code_id")
    usage = pd.DataFrame({"codings": codings.groupby("code_id").size(),
                          "segments": grouped["seg_id"].nunique(),
                          "documents": grouped["doc_id"].nunique(),
                          "sites": grouped["site"].agg(named_count),
                          "speakers": grouped["speaker_key"].nunique()})
    return codebook_summary_table(usage, book)


def codebook_summary_table(usage: pd.DataFrame, book: Codebook) -> pd.DataFrame:
    """:func:`codebook_summary` from its counts ``usage``, by code_id: codings,
    segments, documents, sites and speakers."""
    rows = []
    for depth, code in book.tree():
        rows.append({"code_id": code.id, "parent_id": code.parent, "depth": depth,
                     "label": code.label, "codebook": code.codebook, "group": code.group,
                     "codable": code.codable, "definition": code.definition,
                     "when_to_use": code.when_to_use, "when_not_to_use": code.when_not_to_use,
                     "n_patterns": code.n_patterns})
    table = pd.DataFrame(rows)
    counts = ["codings", "segments", "documents", "sites", "speakers"]
    for column in counts:
        table[column] = table["code_id"].map(usage[column])
    table[counts] = table[counts].fillna(0).astype(int)
    return table


def counting_tables(codings: pd.DataFrame, segments: pd.DataFrame,
                    documents: pd.DataFrame, book: Codebook) -> dict[str, pd.DataFrame]:
    """The tables that count codings: the codebook summary and code by site, event type
    and phase, with pandas (:mod:`dialogcode.dask_tables` computes the same on Dask)."""
    return {"codebook_summary": codebook_summary(codings, segments, documents, book),
            **{f"code_by_{by}": code_by(codings, segments, documents, book, by)
               for by in GROUPINGS}}
