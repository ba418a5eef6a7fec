"""Training data from what people did: codebook examples, coders' files, review decisions.

Each training *item* is a text with a label per codable code: 1 (the code applies),
0 (it does not) or -1 (unknown, left out of that code's model).

- **Coders' files** (``codings/<coder>.csv``; those named in ``learn: coders`` or every
  one): each substantive segment a coder read (:func:`read_segments`) is an item,
  positive for the codes any of these coders gave it and negative for every other code
  the coder looked for (every code, or those ``coders:`` in dialogcode.yaml gives them:
  :mod:`dialogcode.scopes`; the rest stay unknown), except the codes of a category,
  ``codable: false``, a coder gave it, and the parents of a sub-code given without
  them: unknown.
- **Review decisions** (``decisions.csv``): ``accept`` makes the code positive on that
  segment, ``reject`` negative, whatever a coder file says (the decision came later).
  A decided segment no coder read is an item known for the decided codes only.
- **Codebook examples**: positive for their code and negative for the codes outside its
  own branch (its ancestors and sub-codes stay unknown); counter-examples are negative
  for their code only.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from .agreement.coverage import Layout, locate
from .codebook import Codebook
from .coders import chosen_coders, coder_names, coder_path, read_coder
from .errors import read_all
from .review import check_decisions, in_force, load_decisions, without_rejected
from .scopes import coder_scopes
from .store import read_table
from .study import Study
from .tables import ancestors, descendants, substantive


@dataclass
class TrainingData:
    """Items (rows) and their labels: ``item_ids``, ``doc_ids`` ("" for codebook
    examples), ``texts``, ``origin`` (``segment`` or ``example``) and ``labels``
    (items x ``codes``; 1, 0, -1 unknown)."""

    codes: list[str]
    item_ids: np.ndarray
    doc_ids: np.ndarray
    texts: list[str]
    origin: np.ndarray
    labels: np.ndarray

    def subset(self, rows) -> "TrainingData":
        rows = np.asarray(rows)
        return TrainingData(self.codes, self.item_ids[rows], self.doc_ids[rows],
                            [self.texts[i] for i in rows], self.origin[rows],
                            self.labels[rows])

    @property
    def n_segments(self) -> int:
        return int((self.origin == "segment").sum())

    def digest(self) -> str:
        """A hash of every item's text and labels (the training set's identity)."""
        digest = hashlib.sha256()
        for item, text, row in zip(self.item_ids, self.texts, self.labels):
            digest.update(f"{item}\0{text}\0".encode())
            digest.update(row.tobytes())
        digest.update("\0".join(self.codes).encode())
        return digest.hexdigest()[:16]


def read_segments(human: pd.DataFrame, segments: pd.DataFrame) -> set[str]:
    """The seg_ids a coder's codings (:func:`~dialogcode.coders.read_coder`) say were
    read: every segment of a document they coded, or, in a document where a row has an
    empty ``code_id``, the segments with a row (docs/review.md, which segments each
    coder read). The others are unknown, never "none of the codes"."""
    _, read, _, _ = locate("", human, Layout(segments))
    return set(segments["seg_id"].to_numpy()[read])


def learning_coders(study: Study) -> list[str]:
    """Coders whose files are learned from: ``learn: coders`` or every coder file."""
    return chosen_coders(study, study.config.learn.coders, "learn: coders")


def document_hashes(study: Study, documents: pd.DataFrame | None) -> pd.Series:
    """Each document's sha256 by doc_id, of ``documents`` or, when None, as `dialogcode
    ingest` last wrote them."""
    if documents is None:
        documents = read_table(study.out, "documents", hint="dialogcode ingest")
    return documents.set_index("doc_id")["sha256"]


def checked_decisions(study: Study, segments: pd.DataFrame, codes: set[str],
                      hashes: pd.Series) -> pd.DataFrame:
    """The decisions in force (:func:`~dialogcode.review.in_force`: not those made on a
    document's earlier text, by ``hashes``) of decisions.csv, checked by
    :func:`~dialogcode.review.check_decisions`."""
    return check_decisions(study, in_force(load_decisions(study), hashes.reset_index(), segments),
                           segments, codes)


def people_files(study: Study, segments: pd.DataFrame, book: Codebook, coders: list[str],
                 documents: pd.DataFrame | None) -> tuple[list[pd.DataFrame], pd.DataFrame]:
    """``coders``' files (:func:`read_coder`, checked against ``documents``' text when
    given) and the decisions in force (:func:`checked_decisions`, by ``documents`` or
    else the ingested ones), read together: every file's problems are raised at once."""
    hashes = document_hashes(study, documents)
    *humans, decisions = read_all([
        *(partial(read_coder, coder_path(study, coder), segments, coder, set(book.codes),
                  documents, study) for coder in coders),
        partial(checked_decisions, study, segments, set(book.codes), hashes)])
    return humans, decisions


def people_codings(study: Study, segments: pd.DataFrame, book: Codebook,
                   documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """(seg_id, doc_id, code_id) that people gave: every coder file's codings and the
    accepted review decisions in force. `cluster` and `suggest` count them as coded.
    Coder files are checked against ``documents``' text when given (:func:`read_coder`);
    decisions made on a document's earlier text (by ``documents``, else the ingested
    ones) are left out."""
    humans, decisions = people_files(study, segments, book, coder_names(study), documents)
    parts = [human.dropna(subset=["code_id"])[["seg_id", "doc_id", "code_id"]]
             for human in humans]
    accepted = decisions[decisions["decision"] == "accept"]
    doc_of = segments.set_index("seg_id")["doc_id"]
    parts.append(pd.DataFrame({"seg_id": accepted["seg_id"],
                               "doc_id": accepted["seg_id"].map(doc_of),
                               "code_id": accepted["code_id"]}))
    return pd.concat(parts, ignore_index=True).drop_duplicates(ignore_index=True)


def counted_as_coded(study: Study, codings: pd.DataFrame, segments: pd.DataFrame,
                     book: Codebook, documents: pd.DataFrame) -> pd.DataFrame:
    """What `cluster` counts as coded: ``codings`` (rule and model codings) less those
    rejected in review, plus :func:`people_codings`."""
    return pd.concat([without_rejected(codings, study, documents, segments),
                      people_codings(study, segments, book, documents)], ignore_index=True)


def training_data(study: Study, segments: pd.DataFrame, book: Codebook, *,
                  coders: list[str] | None = None, documents: pd.DataFrame | None = None
                  ) -> TrainingData:
    """Everything people said about codes, as :class:`TrainingData` over the codable codes
    of ``book``. ``coders`` defaults to :func:`learning_coders`; their files are checked
    against ``documents``' text when given, and decisions made on a document's earlier
    text (by ``documents``, else the ingested ones) are left out. Raises CodingsError or
    ReviewError naming the file and line of a bad row."""
    codes = [c.id for _, c in book.tree() if c.codable]
    index = {c: i for i, c in enumerate(codes)}
    coders = learning_coders(study) if coders is None else coders
    usable = segments[substantive(segments)]
    text_of = usable.set_index("seg_id")["text"]
    doc_of = usable.set_index("seg_id")["doc_id"]
    rows: dict[str, np.ndarray] = {}

    def row(seg_id: str) -> np.ndarray:
        if seg_id not in rows:
            rows[seg_id] = np.full(len(codes), -1, dtype=np.int8)
        return rows[seg_id]

    positives: set[tuple[str, str]] = set()
    humans, decisions = people_files(study, segments, book, coders, documents)
    scopes = coder_scopes(study, book)
    for coder, human in zip(coders, humans):
        positives |= set(zip(human["seg_id"], human["code_id"].fillna("")))
        # a coder who looked for some codes only says nothing of the others
        judged = (sorted(index[c] for c in scopes[coder] if c in index) if coder in scopes
                  else slice(None))
        read = read_segments(human, segments)
        for seg_id in usable.loc[usable["seg_id"].isin(read), "seg_id"]:
            row(seg_id)[judged] = 0
    # a category (codable: false) says one of its codes applies, not which: its codes
    # are unknown on that segment unless coded themselves
    for seg_id, code_id in positives:
        if seg_id in text_of.index and code_id in book.codes and code_id not in index:
            row(seg_id)[[index[c] for c in descendants(book, code_id) if c in index]] = -1
    for seg_id, code_id in positives:
        if seg_id in text_of.index and code_id in index:
            row(seg_id)[index[code_id]] = 1
    for seg_id, code_id, decision in zip(decisions["seg_id"], decisions["code_id"],
                                         decisions["decision"]):
        if seg_id in text_of.index and code_id in index:
            row(seg_id)[index[code_id]] = 1 if decision == "accept" else 0
    # a sub-code is given in place of its parent, which the tables and evaluate's
    # per-code figures count rolled up: it says nothing of whether the parent itself
    # would be given, so its ancestors are unknown there (unless coded or rejected); not
    # positive, which would teach the parent's model to code beside every sub-code, as
    # people do not (evaluate counts each coding as applied). A sub-code a coder gave
    # and a reviewer rejected still stood in place of the parent: the rejection says the
    # sub-code is wrong, not that the parent is
    said = {kind: set(zip(decisions.loc[decisions["decision"] == kind, "seg_id"],
                          decisions.loc[decisions["decision"] == kind, "code_id"]))
            for kind in ("accept", "reject")}
    for seg_id, code_id in positives | said["accept"]:
        labels = rows.get(seg_id)
        for parent in ancestors(book, code_id)[1:] if labels is not None else ():
            if parent in index and labels[index[parent]] == 0 and (
                    seg_id, parent) not in said["reject"]:
                labels[index[parent]] = -1
    item_ids = list(rows)
    doc_ids = [doc_of[s] for s in item_ids]
    texts = [text_of[s] for s in item_ids]
    origin = ["segment"] * len(item_ids)
    labels = [rows[s] for s in item_ids]
    for code_id in codes:
        code = book.codes[code_id]
        branch = {index[c] for c in (*ancestors(book, code_id), *descendants(book, code_id))
                  if c in index}
        for n, text in enumerate(code.examples):
            label = np.zeros(len(codes), dtype=np.int8)
            label[list(branch)] = -1
            label[index[code_id]] = 1
            item_ids.append(f"example:{code_id}:{n + 1}")
            labels.append(label)
        for n, text in enumerate(code.counter_examples):
            label = np.full(len(codes), -1, dtype=np.int8)
            label[index[code_id]] = 0
            item_ids.append(f"counter_example:{code_id}:{n + 1}")
            labels.append(label)
        texts += list(code.examples) + list(code.counter_examples)
        doc_ids += [""] * (len(code.examples) + len(code.counter_examples))
        origin += ["example"] * (len(code.examples) + len(code.counter_examples))
    return TrainingData(codes, np.array(item_ids, dtype=object),
                        np.array(doc_ids, dtype=object), texts, np.array(origin, dtype=object),
                        np.vstack(labels) if labels else np.zeros((0, len(codes)), np.int8))
