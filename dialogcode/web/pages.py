"""What the review pages show, read from the study: documents with their review progress,
a document's turns with its codes, the queue of `review export --next`, and the
decisions the browser records.

Everything is looked up by id (document, segment, code) in the study's tables; nothing
the browser sends is ever used as a file path. The tables are read again when a file
under ``out/``, the learned model or a codebook changes (after `dialogcode run`);
decisions.csv is read on every page.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import zlib
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from ..codebook import Codebook, load_codebooks
from ..decision_log import record_decisions, remove_decisions
from ..errors import ArgumentError
from ..ingest import Corpus, load_corpus
from ..privacy import DECISIONS as PRIVACY_DECISIONS
from ..privacy import TERMS as PRIVACY_TERMS
from ..privacy.gate import masked_corpus
from ..learned import model_folder
from ..lock import study_lock
from ..review import (CHOICES, DECISION_COLUMNS, doc_ids_of, held_source, in_force,
                      load_decisions)
from ..review_sheet import decision_source, load_suggestions, next_review_items, review_items
from ..store import read_table, table_path
from ..study import Study

# Colours for codes whose codebook gives none (Okabe-Ito and Tableau, light enough to
# read dark text on).
PALETTE = ["#e69f00", "#56b4e9", "#009e73", "#f0e442", "#0072b2", "#d55e00", "#cc79a7",
           "#8cd17d", "#b6992d", "#f1ce63", "#86bcb6", "#ff9d9a", "#d4a6c8", "#a0cbe8"]


def code_colour(code) -> str:
    return code.color or PALETTE[zlib.crc32(code.id.encode()) % len(PALETTE)]


@dataclass
class Tables:
    """The study's tables as of ``stamp`` (the modification times they were read at):
    ``corpus`` as the pages show it (privacy findings as blocks, a masked document's
    ``sha256`` that of its masked text), ``raw`` as ingested, for scoring (the models
    and the token cache must see the real text) and for the hash a decision carries."""

    stamp: tuple
    corpus: Corpus
    raw: Corpus
    codings: pd.DataFrame
    suggestions: pd.DataFrame | None
    book: Codebook
    queue: pd.DataFrame | None = None
    by_doc: dict = field(default_factory=dict)
    text_stamps: dict = field(default_factory=dict)     # doc_id -> Pages.text_stamp

    @property
    def segments(self) -> pd.DataFrame:
        return self.corpus.segments

    @property
    def documents(self) -> pd.DataFrame:
        return self.corpus.documents


class ReviewData:
    """The study as the review pages see it, for one reviewer."""

    def __init__(self, study: Study, reviewer: str = "", queue_size: int = 50):
        self.study, self.reviewer, self.queue_size = study, reviewer, queue_size
        self._lock = threading.Lock()
        self._tables: Tables | None = None
        self._key = secrets.token_bytes(32)     # this server's, for text_stamp

    def _stamp(self) -> tuple:
        # a table is a file or (Dask engine) a dataset folder, which a re-run replaces
        # by another folder: its path, inode and modification time tell them apart
        paths = [table_path(self.study.out, name)
                 for name in ("segments", "documents", "codings", "suggestions")]
        paths += [*self.study.codebook_files(), model_folder(self.study) / "model.npz",
                  self.study.root / PRIVACY_TERMS, self.study.root / PRIVACY_DECISIONS]
        return tuple((str(p), p.stat().st_ino, p.stat().st_mtime_ns) if p.exists()
                     else None for p in paths)

    def text_stamp(self, tables: Tables, doc_id: str) -> str:
        """What a page carries for the text of document ``doc_id`` (``data-sha``) and
        sends back with a click: a digest of the transcript's own hash and of where its
        segments start and end, under this server's key. It changes when the transcript
        does, or the segments it is cut into (a newer dialogcode, another setting), but
        not when a privacy decision changes what the page masks (as the masked text's
        hash would), and it never shows the transcript's hash, which the masked page
        hides."""
        if doc_id not in tables.text_stamps:
            raw = tables.raw.documents.set_index("doc_id")["sha256"].get(doc_id, "")
            segments = tables.by_doc.get(doc_id, pd.DataFrame(columns=["start", "end"]))
            cut = ",".join(f"{int(a)}-{int(b)}" for a, b in zip(segments["start"],
                                                               segments["end"]))
            tables.text_stamps[doc_id] = hmac.new(self._key, f"{raw} {cut}".encode(),
                                                  hashlib.sha256).hexdigest()
        return tables.text_stamps[doc_id]

    def tables(self) -> Tables:
        """The tables, read again when one of their files changed."""
        with self._lock:
            stamp = self._stamp()
            if self._tables is None or self._tables.stamp != stamp:
                # findings not decided keep are blocks, as in every other view
                raw = load_corpus(self.study)
                corpus = masked_corpus(self.study, raw)
                self._tables = Tables(
                    stamp, corpus, raw,
                    read_table(self.study.out, "codings", hint="dialogcode code"),
                    load_suggestions(self.study), load_codebooks(self.study.codebook_files()))
                self._tables.by_doc = {
                    doc: group for doc, group in corpus.segments.groupby("doc_id", sort=False)}
            return self._tables

    def items(self, tables: Tables) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Every code proposed on a segment (review_items) with its decision, and the
        decisions in force (not those made on a document's earlier text)."""
        # a decision carries the transcript's hash, not that of the masked text shown
        decisions = in_force(load_decisions(self.study), tables.raw.documents,
                             tables.raw.segments)
        labels = {c.id: c.label for c in tables.book.codes.values()}
        items = review_items(tables.codings, tables.suggestions, tables.segments,
                             tables.documents, labels, decisions)
        return items, decisions

    def codes(self) -> list[dict]:
        """The codable codes, for the code picker."""
        return [{"id": c.id, "label": c.label, "colour": code_colour(c),
                 "definition": c.definition or ""}
                for c in self.tables().book.codes.values() if c.codable]

    def document_list(self) -> list[dict]:
        """Sites, each with its event types and documents, with review progress."""
        tables = self.tables()
        items, decisions = self.items(tables)
        proposed = items.groupby("doc_id").size()
        decided = items[items["decision"] != ""].groupby("doc_id").size()
        # a code rejected again, or a --next sheet's other code rejected, added nothing
        added = self._unproposed(items, decisions)
        added = added[added["decision"] == "accept"]
        added_per_doc = added["seg_id"].map(tables.segments.set_index("seg_id")["doc_id"]
                                            ).value_counts()
        documents = tables.documents.sort_values(["site", "event_type", "date", "doc_id"],
                                                 na_position="last")
        sites = []
        for site, of_site in documents.groupby("site", sort=False, dropna=False):
            events = []
            for event, of_event in of_site.groupby("event_type", sort=False, dropna=False):
                events.append({"name": _text(event),
                               "documents": [{
                                   "doc_id": d.doc_id, "title": _text(d.title) or d.doc_id,
                                   "date": _text(d.date), "turns": int(d.n_segments),
                                   "proposed": int(proposed.get(d.doc_id, 0)),
                                   "decided": int(decided.get(d.doc_id, 0)),
                                   "added": int(added_per_doc.get(d.doc_id, 0))}
                                   for d in of_event.itertuples()]})
            sites.append({"name": _text(site), "events": events})
        return sites

    @staticmethod
    def _unproposed(items: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
        """Decisions on codes nobody proposed: a code a reviewer added (rejected again or
        not), or a ``--next`` sheet's other code."""
        proposed = set(zip(items["seg_id"], items["code_id"]))
        return decisions.loc[[(s, c) not in proposed for s, c in
                              zip(decisions["seg_id"], decisions["code_id"])]]

    def document(self, doc_id: str) -> dict | None:
        """A document's header and turns (:meth:`_turn`); None for an unknown id."""
        tables = self.tables()
        if doc_id not in tables.by_doc:
            return None
        items, decisions = self.items(tables)
        items = items[items["doc_id"] == doc_id]
        meta = tables.documents.set_index("doc_id").loc[doc_id]
        segments = tables.by_doc[doc_id].sort_values("start")
        turns = [self._turn(tables, seg, items, decisions) for seg in segments.itertuples()]
        return {"doc_id": doc_id, "title": _text(meta["title"]) or doc_id,
                "site": _text(meta["site"]), "event_type": _text(meta["event_type"]),
                "date": _text(meta["date"]), "turns": turns}

    def queue(self) -> list[dict]:
        """The segments `review export --next` would choose, each with the turns before
        and after it for context. Needs `dialogcode learn` (DialogcodeError)."""
        tables = self.tables()
        items, decisions = self.items(tables)
        with self._lock:
            if tables.queue is None:
                labels = {c.id: c.label for c in tables.book.codes.values()}
                tables.queue = next_review_items(self.study, tables.raw, tables.book,
                                                 tables.codings, decisions, labels,
                                                 self.queue_size)[0]
        latest = decisions.drop_duplicates(["seg_id", "code_id"], keep="last")
        chosen = tables.queue.drop(columns=["decision", "note"]).merge(
            latest[["seg_id", "code_id", "decision", "note"]], on=["seg_id", "code_id"],
            how="left").fillna({"decision": "", "note": ""})
        entries = []
        for seg_id in dict.fromkeys(chosen["seg_id"]):
            row = tables.segments.loc[tables.segments["seg_id"] == seg_id].iloc[0]
            around = tables.by_doc[row["doc_id"]].sort_values("start")
            where = around.index.get_loc(row.name)
            context = [self._turn(tables, seg, items, decisions, chips=False)
                       for seg in around.iloc[max(where - 2, 0):where + 3].itertuples()]
            for turn in context:
                turn["context"] = turn["seg_id"] != seg_id
                if not turn["context"]:
                    turn.update(self._turn(tables, row, chosen, decisions,
                                           position=len(entries) + 1))
            entries.append({"seg_id": seg_id, "doc_id": row["doc_id"], "turns": context})
        return entries

    def _turn(self, tables: Tables, seg, items: pd.DataFrame, decisions: pd.DataFrame, *,
              chips: bool = True, position: int | None = None) -> dict:
        """A turn: speaker, its text cut into pieces at the edges of coded spans (each
        piece with the codes covering it), and a chip per code on it (proposed ones
        first, then the decisions on codes nobody proposed: those a reviewer added,
        rejected again or not)."""
        seg = seg._asdict() if hasattr(seg, "_asdict") else seg.to_dict()
        seg_id, text, offset = seg["seg_id"], seg["text"], int(seg["start"])
        book = tables.book.codes
        latest = decisions.drop_duplicates(["seg_id", "code_id"], keep="last")
        own = items[items["seg_id"] == seg_id]
        added = self._unproposed(items, latest)
        added = added[added["seg_id"] == seg_id]
        entries = []
        for item in own.itertuples():
            entries.append(self._chip(book.get(item.code_id), item.code_id, item.source,
                                      item.score, item.decision, item.note))
        for row, source in zip(added.itertuples(), held_source(added["source"].fillna(""))):
            entries.append(self._chip(book.get(row.code_id), row.code_id, source, None,
                                      row.decision, row.note))
        spans = []
        codings = tables.codings
        coded = codings[codings["seg_id"] == seg_id]
        ruled = coded[coded["source"] == "rule"]
        spans += [(a - offset, b - offset, c) for a, b, c in
                  zip(ruled["start"], ruled["end"], ruled["code_id"])]
        # the words a reviewer coded: a decision's span on a code no rule or model codes
        # here, as the final codings take it (a queue's `listed` code, chipped with the
        # queue's rows, too)
        marked = latest[(latest["seg_id"] == seg_id)
                        & ~latest["code_id"].isin(coded["code_id"])]
        spans += [(int(a) - offset, int(b) - offset, c) for a, b, c in
                  zip(marked["start"], marked["end"], marked["code_id"]) if a and b]
        rejected = {e["code_id"] for e in entries if e["decision"] == "reject"}
        return {"seg_id": seg_id, "ordinal": seg["ordinal"], "speaker": _text(seg["speaker"]),
                "sha256": self.text_stamp(tables, seg["doc_id"]),
                "kind": seg["kind"], "codable": bool(seg["codable"]),
                "pieces": _pieces(text, spans, book, rejected),
                "chips": entries if chips else [], "position": position, "context": False}

    @staticmethod
    def _chip(code, code_id: str, source: str, score, decision: str, note: str) -> dict:
        label = code.label if code else code_id
        definition = (code.definition or "") if code else (
            "not in the codebook: the tables and learn refuse its decision until it is "
            "deleted (reject it here) or given the code's new id in decisions.csv")
        return {"code_id": code_id, "label": label, "source": source, "gone": code is None,
                "colour": code_colour(code) if code else "#999999",
                "score": "" if score is None or pd.isna(score) else f"{float(score):.2f}",
                "decision": decision or "", "note": note or "",
                "title": f"{label} ({code_id})\n{definition}".strip()}

    def decide(self, seg_id: str, code_id: str, decision: str | None, *, sha256: str,
               note: str | None = None, start: int | None = None,
               end: int | None = None) -> dict:
        """Record a decision from the browser in decisions.csv (and its history), as
        `review import` does, under the study's lock. ``sha256`` is the page's
        :meth:`text_stamp` of the segment's document. ``decision`` None changes only the
        note and keeps the decision as it now stands (another tab may have changed it
        since this page was drawn). ``start``/``end`` (offsets in the segment's text)
        mark a span for a code nobody proposed. Raises ArgumentError for a page drawn
        before its document's text changed, an unknown segment or code, a decision
        other than accept or reject, a note on an undecided code, or a span outside the
        segment; LockedError when another command holds the study. A reject of a
        decided code the codebook no longer has deletes that decision (:meth:`_remove`);
        accepting one is refused."""
        tables = self.tables()
        doc_id = doc_ids_of(pd.Series([seg_id])).iloc[0]
        if (doc_id in set(tables.raw.documents["doc_id"])
                and not hmac.compare_digest(self.text_stamp(tables, doc_id), sha256)):
            # seg_ids follow the turns' positions: after an edit and a new run, the
            # page's seg_id may name another turn than the one it shows
            raise ArgumentError(f"this page shows an earlier text of {doc_id}: the "
                                "transcript was changed, or cut into turns otherwise, and "
                                "ingested again since the page was drawn, so its turns may "
                                "have moved; reload the page (nothing was saved)")
        segments = tables.segments.set_index("seg_id")
        if seg_id not in segments.index:
            raise ArgumentError(f"unknown segment {seg_id!r}")
        code = tables.book.codes.get(code_id)
        if code is not None and not code.codable:
            raise ArgumentError(f"{code_id!r} is not a codable code of the codebook")
        if decision is not None and decision not in CHOICES:
            raise ArgumentError(f"decision must be accept or reject, not {decision!r}")
        segment = segments.loc[seg_id]
        if not segment["codable"]:
            raise ArgumentError(f"{seg_id} is a {segment['kind']}, which is never coded")
        with study_lock(self.study.root, "dialogcode review serve"):
            items, decisions = self.items(tables)
            def shown_source(table):    # the code's source where ``table`` shows it here
                if table is None:
                    return None
                here = (table["seg_id"] == seg_id) & (table["code_id"] == code_id)
                return next(iter(table.loc[here, "source"]), None)

            source = decision_source(shown_source(items), shown_source(tables.queue) or "")
            earlier = decisions[(decisions["seg_id"] == seg_id)
                                & (decisions["code_id"] == code_id)].tail(1)
            if code is None:        # a decision on a code taken out of the codebook
                if not len(earlier):
                    raise ArgumentError(f"{code_id!r} is not a codable code of the codebook")
                if decision != "reject":
                    raise ArgumentError(f"code {code_id!r} is not in the codebook: reject "
                                        "it to delete its decision, or give it the code's "
                                        "new id in decisions.csv if it was renamed")
                return self._remove(earlier.iloc[0], note)
            if note is None:
                note = earlier["note"].iloc[0] if len(earlier) else ""
            if decision is None:
                if not len(earlier):
                    raise ArgumentError("accept or reject the code first, then add a note")
                decision = earlier["decision"].iloc[0]
            span = ("", "")
            if start is not None and end is not None and source == "reviewer":
                if not 0 <= start < end <= len(segment["text"]):
                    raise ArgumentError(f"span {start}-{end} is outside the segment")
                base = int(segment["start"])
                span = (str(base + start), str(base + end))
            elif len(earlier) and source == "reviewer":
                span = (earlier["start"].iloc[0], earlier["end"].iloc[0])
            sha = tables.raw.documents.set_index("doc_id")["sha256"].get(segment["doc_id"], "")
            row = pd.DataFrame([{
                "seg_id": seg_id, "code_id": code_id, "decision": decision, "source": source,
                "reviewer": self.reviewer, "note": note, "sha256": sha,
                "decided_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                "start": span[0], "end": span[1],
                "segment": f"{int(segment['start'])}-{int(segment['end'])}"}],
                columns=DECISION_COLUMNS)
            merged, counts = record_decisions(self.study, row)
        saved = merged[(merged["seg_id"] == seg_id) & (merged["code_id"] == code_id)].iloc[0]
        return {"seg_id": seg_id, "code_id": code_id, "decision": saved["decision"],
                "note": saved["note"], "source": saved["source"],
                "reviewer": saved["reviewer"], "decided_at": saved["decided_at"],
                "changed": bool(counts["added"] or counts["changed"])}

    def _remove(self, earlier: pd.Series, note: str | None) -> dict:
        """Delete the decision ``earlier`` on a code the codebook no longer has from
        decisions.csv (:func:`remove_decisions`), its removal kept in the history as a
        reject by this reviewer. The caller holds the study's lock."""
        row = {**earlier.reindex(DECISION_COLUMNS).fillna("").to_dict(),
               "decision": "reject", "reviewer": self.reviewer,
               "note": earlier["note"] if note is None else note,
               "decided_at": datetime.now().astimezone().isoformat(timespec="seconds")}
        remove_decisions(self.study, pd.DataFrame([row], columns=DECISION_COLUMNS))
        return {"seg_id": row["seg_id"], "code_id": row["code_id"], "decision": "",
                "note": "", "source": row["source"], "reviewer": self.reviewer,
                "decided_at": row["decided_at"], "changed": True, "removed": True}


def _text(value) -> str:
    """A table cell as text: empty for a missing value."""
    return value if isinstance(value, str) else ""


def _pieces(text: str, spans, book, rejected: set[str]) -> list[dict]:
    """``text`` cut at every span edge; each piece with the codes covering it, the colour
    of the first one not rejected and a tooltip with each one's label, id and
    definition."""
    spans = [(max(a, 0), min(b, len(text)), c) for a, b, c in spans if b > a]
    edges = sorted({0, len(text), *(a for a, _, _ in spans), *(b for _, b, _ in spans)})
    pieces = []
    for a, b in zip(edges, edges[1:]):
        covering = list(dict.fromkeys(c for s, e, c in spans if s <= a and b <= e))
        live = [c for c in covering if c not in rejected]
        colour = code_colour(book[live[0]]) if live and live[0] in book else None
        titles = [f"{book[c].label} ({c}): {book[c].definition or ''}".rstrip(": ")
                  if c in book else c for c in covering]
        pieces.append({"text": text[a:b], "codes": " ".join(covering), "colour": colour,
                       "title": "\n".join(titles), "rejected": bool(covering) and not live})
    return pieces

