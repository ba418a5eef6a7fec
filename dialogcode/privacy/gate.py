"""The export gate: what the tables, workbook, database, exports, review sheets, kwic
and the report may show (docs/privacy.md).

``privacy: gate:`` in dialogcode.yaml chooses: ``mask`` (default) replaces every finding
not decided ``keep`` by a label of its kind (``[NAME]``, ``[PHONE]``, ...) wherever its
text occurs in a quote, context, matched or speaker column, and each of its characters by
a block in the documents' and segments' ``text`` (so every published offset into it
stays exact); a document decided ``redact-document`` is withheld whole
(``[DOCUMENT WITHHELD]``, its text all blocks). ``strict`` refuses outputs while any
finding is undecided (working views are masked instead); ``off`` lets everything
through. A masked document's ``sha256`` is that of its masked text, never of the
transcript's (which would confirm a guess at the blocks). The transcripts are never
modified.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from ..study import Study
from . import DECISIONS, PrivacyError, load_privacy_decisions, load_terms, scan
from .labels import role_labels
from .masking import WITHHELD, Masker, masker


@dataclass(frozen=True)
class GateResult:
    """What the gate did: its mode, the findings, how many were undecided, how many
    quotes (rows of exemplars and lesson quotes: the report's) had something masked in
    the quote, its context or its speaker, how many segments had something masked in
    their text or speaker (wherever a table, sheet or export shows them), and how many
    documents were withheld whole."""

    mode: str
    findings: int = 0
    undecided: int = 0
    masked_quotes: int = 0
    withheld: int = 0
    masked_segments: int = 0


def study_masker(study: Study, segments: pd.DataFrame | None = None,
                 documents: pd.DataFrame | None = None) -> tuple[Masker, pd.DataFrame]:
    """The study's :class:`Masker` and its findings (scanning, or reusing the last scan
    when nothing changed). Raises PrivacyError for a bad privacy.yaml or decisions file."""
    findings = scan(study, segments, documents)
    roles = frozenset() if segments is None else role_labels(segments)
    return masker(findings, load_privacy_decisions(study), load_terms(study)[1],
                  roles), findings


def saved_masker(study: Study, segments: pd.DataFrame) -> Masker | None:
    """The study's :class:`Masker` from its last privacy scan, when that scan is of
    ``segments`` as they are, without scanning (for excerpts in error messages); one
    that masks nothing under ``gate: off``; None when there is no such scan or its
    decisions cannot be read (then no transcript text is to be shown)."""
    from . import last_findings, with_status

    if study.config.privacy.gate == "off":
        return Masker()
    findings = last_findings(study, segments)
    try:
        decisions, never = load_privacy_decisions(study), load_terms(study)[1]
    except PrivacyError:
        return None
    return None if findings is None else masker(with_status(findings, decisions), decisions,
                                                never, role_labels(segments))


def shown_hashes(study: Study, segments: pd.DataFrame, documents: pd.DataFrame
                 ) -> pd.Series:
    """Each of ``documents``' sha256 (by doc_id) as the exports show it now: the hash of
    its masked text where the gate masks it (:meth:`Masker.frame`), by the last privacy
    scan of ``segments`` (:func:`saved_masker`); empty when there is none, or when
    ``documents`` do not hold their text."""
    mask = saved_masker(study, segments)
    if mask is None or "text" not in documents:
        return pd.Series(dtype=object)
    shown = mask.frame(documents[["doc_id", "text", "sha256"]])[0]
    return shown.set_index("doc_id")["sha256"]


def mask_for_reading(study: Study, table: pd.DataFrame,
                     segments: pd.DataFrame | None = None,
                     documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """``table`` (a working view for the research team: a review sheet, a kwic listing)
    with every finding not decided ``keep`` replaced by its label, and the rows of
    withheld documents by :data:`WITHHELD`; nothing there carries offsets into the text,
    so every text column gets labels. Unchanged under ``gate: off``; ``strict`` masks
    here rather than refusing, so review can go on while findings are decided."""
    if study.config.privacy.gate == "off":
        return table
    mask, _ = study_masker(study, segments, documents)
    seg_docs = None if segments is None else segments.set_index("seg_id")["doc_id"]
    return mask.frame(table, seg_docs, offsets=())[0]


def mask_notes(study: Study, decisions: pd.DataFrame, segments: pd.DataFrame,
               documents: pd.DataFrame) -> pd.DataFrame:
    """Review ``decisions`` as an export may carry them: findings in their notes (a
    reviewer may quote the talk) replaced by labels. Unchanged under ``gate: off``; never
    written back to decisions.csv."""
    if study.config.privacy.gate == "off" or not len(decisions):
        return decisions
    mask, _ = study_masker(study, segments, documents)
    return decisions.assign(note=decisions["note"].map(
        lambda v: mask.for_readers(v) if isinstance(v, str) else v))


def masked_corpus(study: Study, corpus):
    """``corpus`` (:class:`~dialogcode.ingest.Corpus`) for a view that marks spans by
    offsets (the browser review): its segments' and documents' text with each character
    of a finding not decided ``keep`` a block, withheld documents all blocks, so every
    offset still points at the same place. Unchanged under ``gate: off``."""
    if study.config.privacy.gate == "off":
        return corpus
    mask, _ = study_masker(study, corpus.segments, corpus.documents)
    return replace(corpus, segments=mask.frame(corpus.segments)[0],
                   documents=mask.frame(corpus.documents)[0])


def mask_kwic(study: Study, table: pd.DataFrame, segments: pd.DataFrame,
              documents: pd.DataFrame, width: int) -> pd.DataFrame:
    """A :func:`dialogcode.kwic.kwic` table (``width`` characters of context) as it may
    be shown: ``left``, ``match`` and ``right`` cut again from the segment's text with
    every finding that overlaps them (even one cut by the context's edge) shown whole as
    its label, the rows of withheld documents as :data:`WITHHELD`. Unchanged under
    ``gate: off``."""
    from ..kwic import context

    if study.config.privacy.gate == "off" or not len(table):
        return table
    mask, _ = study_masker(study, segments, documents)
    texts = segments.set_index("seg_id")[["start", "text"]]
    rows = []
    for seg_id, start, end in table[["seg_id", "start", "end"]].itertuples(index=False):
        offset, text = texts.at[seg_id, "start"], texts.at[seg_id, "text"]
        a, b = int(start) - int(offset), int(end) - int(offset)
        rows.append([context(mask.excerpt(text, *span))     # line breaks shown as spaces
                     for span in ((max(0, a - width), a), (a, b), (b, b + width))])
    cut = ["left", "match", "right"]
    out = table.copy()
    out[cut] = pd.DataFrame(rows, index=table.index)
    # those three are masked as read in the segment's text: masked again alone, a word
    # masked only where the text writes it as a name ("West" of "Mister West", "Hall" of
    # "Detective Hall") would be masked opening each, as a cell cut from a text anywhere
    shown = mask.frame(out, offsets=())[0]
    read = ~table["doc_id"].isin(mask.withheld)
    shown.loc[read, cut] = out.loc[read, cut]
    return shown


def terms_without_findings(study: Study, result, segments: pd.DataFrame,
                           documents: pd.DataFrame):
    """``result`` (:class:`~dialogcode.cluster.Clustering`) with every term that holds a
    finding the gate masks (in any case: a name the documents write in lower case too)
    left out of the clusters' ``terms``, and each ``label`` made again of the first three
    terms left: a name is no theme, and a codebook patch built from the terms would
    give it as a new code's id, label and pattern. Unchanged under ``gate: off``."""
    if study.config.privacy.gate == "off":
        return result
    mask, _ = study_masker(study, segments, documents)
    clusters = result.clusters.copy()
    words = _words_by_cluster(mask, result, segments)
    terms = [[t for t in value.split("; ")
              if t and mask.in_labels(t, words.get(c, frozenset())) == t]
             if isinstance(value, str) else None
             for c, value in zip(clusters["cluster_id"], clusters["terms"])]
    clusters["terms"] = ["; ".join(t) if t is not None else v
                         for t, v in zip(terms, clusters["terms"])]
    clusters["label"] = [" / ".join(t[:3]) if t is not None else v
                         for t, v in zip(terms, clusters["label"])]
    return replace(result, clusters=clusters)


def _words_by_cluster(mask: Masker, result, segments: pd.DataFrame) -> dict:
    """Per cluster id of ``result``, :meth:`Masker.words_in` its segments: the findings
    that may stand in its terms in lower case as the English words they also are."""
    texts = segments.set_index("seg_id")["text"]
    assigned = result.assignments[result.assignments["seg_id"].isin(texts.index)]
    return {c: mask.words_in(texts[group["seg_id"]].tolist())
            for c, group in assigned.groupby("cluster_id")}


def gate_clusters(study: Study, result, patch: dict, segments: pd.DataFrame,
                  documents: pd.DataFrame):
    """``result`` (:class:`~dialogcode.cluster.Clustering`) and its codebook ``patch``
    as they may be written: the quotes (the quotes table and the clusters' joined
    ``quotes`` column) and the patch's examples masked as :func:`mask_for_reading` does,
    the clusters' labels and terms as :meth:`Masker.in_labels` does, and a proposed term
    for an existing code that holds a finding left out (a term a code would match, not
    to be shown masked). Unchanged under ``gate: off``."""
    if study.config.privacy.gate == "off":
        return result, patch
    mask, _ = study_masker(study, segments, documents)
    seg_docs = segments.set_index("seg_id")["doc_id"]
    quotes = mask.frame(result.quotes, seg_docs, offsets=())[0]
    from ..cluster import quote_lines

    clusters = result.clusters.copy()
    joined = {c: quote_lines(group) for c, group in quotes.groupby("cluster_id")}
    clusters["quotes"] = clusters["cluster_id"].map(joined).fillna("")
    words = _words_by_cluster(mask, result, segments)
    for column in ("label", "terms"):
        clusters[column] = [mask.in_labels(v, words.get(c, frozenset()))
                            if isinstance(v, str) else v
                            for c, v in zip(clusters["cluster_id"], clusters[column])]
    entries = [{**entry, "examples": [
        {**example, "quote": WITHHELD if seg_docs.get(example["seg_id"]) in mask.withheld
         else mask.for_readers(example["quote"])} for example in entry["examples"]]}
        for entry in (*patch["new_codes"], *(e for e in patch["proposed_terms"]
                                              if mask.in_labels(e["term"]) == e["term"]))]
    new = len(patch["new_codes"])
    return replace(result, quotes=quotes, clusters=clusters), {
        **patch, "new_codes": entries[:new], "proposed_terms": entries[new:]}


def gate(study: Study, evidence):
    """``evidence`` (:class:`~dialogcode.analysis.Evidence`) as it may leave the study,
    with a :class:`GateResult` in its ``privacy`` field. Scans the segments (reusing the
    last scan when nothing changed). Raises PrivacyError under ``gate: strict`` while a
    finding is undecided, naming what to run."""
    mode = study.config.privacy.gate
    if mode == "off":
        return replace(evidence, privacy=GateResult(mode))
    mask, findings = study_masker(study, evidence.segments, evidence.documents)
    undecided = int((findings["status"] == "undecided").sum())
    if mode == "strict" and undecided:
        kinds = findings[findings["status"] == "undecided"]["kind"].value_counts()
        listed = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
        raise PrivacyError(
            f"{undecided} candidate identifier(s) are undecided ({listed}), and "
            "`privacy: gate: strict` writes nothing until each is decided: copy "
            f"{study.out / 'privacy.csv'} to {study.root / DECISIONS}, write mask, keep "
            "(with a reason) or redact-document in its `decision` column, and run this "
            "command again (see docs/privacy.md)", file=study.root / DECISIONS)
    withheld = len(mask.withheld & set(evidence.documents["doc_id"]))
    if not mask.labels and not withheld:
        return replace(evidence, privacy=GateResult(mode, len(findings), undecided))
    seg_docs = evidence.segments.set_index("seg_id")["doc_id"]
    tables, masked_quotes = {}, 0
    for name, table in evidence.tables.items():
        tables[name], changed = mask.frame(table, seg_docs)
        if name in ("exemplars", "lesson_quotes"):
            masked_quotes += changed
    # a withheld document's segments count too: their text is all blocks
    segments, masked_segments = mask.frame(evidence.segments)
    return replace(evidence, tables=tables, codings=mask.frame(evidence.codings, seg_docs)[0],
                   segments=segments, documents=mask.frame(evidence.documents)[0],
                   privacy=GateResult(mode, len(findings), undecided, masked_quotes,
                                      withheld, masked_segments))
