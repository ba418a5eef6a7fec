"""Applying codebooks to segments: the codings table, with a token cache.

Tokenised segments are cached per document (token attribute arrays in the files of
:mod:`dialogcode.token_file`) keyed by the document's SHA-256, the unit and the
pipeline, so re-coding after a codebook edit only re-runs matching; the folders a new
pipeline's or format's key supersedes are removed once unused
(:mod:`dialogcode.cache_folders`).
"""
from __future__ import annotations

import hashlib
from itertools import islice, repeat
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd
import numpy
from spacy.attrs import DEP, HEAD, LEMMA, LOWER, NORM, ORTH, POS, SENT_START, SPACY, TAG
from spacy.language import Language
from spacy.tokens import Doc

from .cache_folders import open_folder
from .codebook import Codebook
from .errors import DialogcodeWarning, warn
from .nlp import (check_lengths, lemmatizer_only, load_pipeline, matching_components,
                  pipeline_id, text_offsets)
from .memo import SortedMemo
from .patterns import CompiledCodebook
from .progress import progress_bar
from .tables import named_count
from .token_file import TOKENS_VERSION, read_token_file, write_token_file

# the columns of the segments table that coding reads
CODING_INPUT_COLUMNS = ["seg_id", "doc_id", "unit", "start", "end", "text", "codable"]
CODING_COLUMNS = ["seg_id", "doc_id", "code_id", "start", "end", "quote", "source", "rule_id",
                  "score", "codebook_version"]
CACHE_FORMAT = "9"   # bump when segmentation, the cache layout or the lemmas change
# token attributes kept in the cache (those holding a value); string-valued ones have
# their strings saved too
_ATTRS = [ORTH, LEMMA, NORM, SPACY, TAG, POS, DEP, HEAD, SENT_START]
_STRING_ATTRS = (ORTH, LEMMA, NORM, TAG, DEP)


class DocCache:
    """Tokenised segments on disk, one file per (document hash, unit, pipeline): the
    segments' token attribute arrays plus the strings they use (a leaner relative of
    spaCy's DocBin, which walks every token in Python to collect its strings), laid out
    as :func:`~.token_file.write_token_file` says. Columns that are all zero (with the blank
    pipeline: tags, parse) are left out and ``attrs`` names those kept. A file that
    cannot be read (truncated, damaged, foreign, unknown attributes) counts as missing
    and is written again."""

    def __init__(self, folder: Path | None, model: str):
        key = hashlib.sha256(f"{CACHE_FORMAT}|{pipeline_id(model)}".encode()).hexdigest()[:12]
        self.folder = folder / key if folder else None
        self.model, self._opened, self._unwritable = model, False, False
        self.hits = self.misses = 0
        self._vocab = None
        self._added: set[str] = set()       # strings load has added to self._vocab
        # the strings of the hashes put has looked up in self._vocab (None: not in it)
        self._texts = SortedMemo(object)

    def _known(self, vocab) -> set[str]:
        """The strings load has added to ``vocab`` (each is added once, not once per
        document); what this cache knew of another vocabulary is forgotten."""
        if vocab is not self._vocab:
            self._vocab, self._added = vocab, set()
            self._texts.clear()
        return self._added

    def _strings(self, hashes: numpy.ndarray, vocab) -> list[str]:
        """The strings of ``hashes`` (distinct) that ``vocab`` holds, in their order;
        each hash is looked up in the vocabulary once per run, then found with a binary
        search."""
        def look_up(new: numpy.ndarray) -> numpy.ndarray:
            texts = numpy.empty(len(new), dtype=object)
            texts[:] = [vocab.strings[h] if h in vocab.strings else None for h in new.tolist()]
            return texts

        self._known(vocab)
        texts = self._texts.get(hashes, look_up).tolist()
        return [text for text in texts if text is not None] if None in texts else texts

    def _open(self, create: bool) -> None:
        """Open this cache's folder once (:func:`.cache_folders.open_folder`: marked as
        its model's and as in use, the folders its key supersedes removed); with
        ``create``, make it when missing."""
        if not self._opened and (create or self.folder.is_dir()):
            open_folder(self.folder, self.model)
            self._opened = True

    def _path(self, sha256: str, unit: str) -> Path | None:
        return self.folder / f"{sha256}-{unit}.tokens" if self.folder else None

    def load(self, sha256: str, unit: str, vocab
             ) -> tuple[numpy.ndarray, numpy.ndarray, list[int]] | None:
        """The token arrays of a document's segments, one after the other, each
        segment's number of tokens, and the attributes of the arrays' columns (the
        others are zero); their strings are added to ``vocab``."""
        path = self._path(sha256, unit)
        if path is not None:
            self._open(create=False)
        if path is None or not path.is_file():
            self.misses += 1
            return None
        try:
            tokens, lengths, attrs, strings = read_token_file(path)
            attrs = attrs.tolist()
            if not set(attrs) <= set(_ATTRS) or len(set(attrs)) < len(attrs) or \
                    (len(tokens) and ORTH not in attrs):
                raise ValueError(f"{path}: unknown token attributes")
        except (OSError, ValueError):
            self.misses += 1
            return None
        added = self._known(vocab)
        for text in set(strings) - added:
            vocab.strings.add(text)
            added.add(text)
        self.hits += 1
        return tokens, lengths, attrs

    def get(self, sha256: str, unit: str, vocab) -> list[Doc] | None:
        """A document's segments as one spaCy doc each, or None when not cached."""
        loaded = self.load(sha256, unit, vocab)
        if loaded is None:
            return None
        tokens, lengths, attrs = loaded
        ends = numpy.cumsum(lengths).tolist()
        columns, chosen = _doc_columns(tokens, attrs)
        return [_doc(vocab, columns[end - length:end], chosen)
                for end, length in zip(ends, lengths.tolist())]

    def put(self, sha256: str, unit: str, tokens: numpy.ndarray, lengths: numpy.ndarray,
            vocab, attrs: list[int] = _ATTRS) -> None:
        """Write a document's token arrays (columns ``attrs``, in the order of
        :data:`_ATTRS`; the others zero) and segment lengths."""
        path = self._path(sha256, unit)
        if path is None or not len(lengths) or self._unwritable:
            return
        held = numpy.flatnonzero(tokens.any(axis=0)).tolist()
        strings = [c for c in held if attrs[c] in _STRING_ATTRS]
        try:
            self._open(create=True)
            write_token_file(path, tokens[:, held], lengths,
                             numpy.array([attrs[c] for c in held]),
                             self._strings(pd.unique(tokens[:, strings].ravel()), vocab))
        except OSError as error:    # a read-only out/: coding goes on, uncached
            self._unwritable = True
            warn(DialogcodeWarning(
                f"{self.folder}: the token cache could not be written "
                f"({error.strerror or error}); coding goes on without it (slower)."))


# how texts are tokenised and lemmatised now, which a learned model records (learn.py)
TOKENISATION = f"{CACHE_FORMAT}.{TOKENS_VERSION}"


def _doc_columns(tokens: numpy.ndarray, attrs: list[int] = _ATTRS
                 ) -> tuple[numpy.ndarray, list[int]]:
    """Token arrays whose columns are ``attrs`` (any other attribute of :data:`_ATTRS`
    being zero) as the columns :func:`_doc` takes: ORTH, SPACY, then those to set with
    ``from_array``, and the attributes of the latter. A new doc's attributes are zero
    (its first token a sentence start) and spaCy's ``from_array`` costs a Python object
    per token and attribute: only columns holding a value are set, SENT_START always,
    and HEAD and DEP together (spaCy builds the parse tree from both)."""
    columns = dict(zip(attrs, tokens.T))
    held = {attr for attr, values in columns.items() if values.any()} | {SENT_START}
    if held & {HEAD, DEP}:
        held |= {HEAD, DEP}
    chosen = [attr for attr in _ATTRS if attr in held and attr not in (ORTH, SPACY)]
    zeros = numpy.zeros(len(tokens), dtype="uint64")
    return numpy.stack([columns.get(a, zeros) for a in (ORTH, SPACY, *chosen)], axis=1), chosen


def _doc(vocab, columns: numpy.ndarray, chosen: list[int]) -> Doc:
    """A spaCy doc from the columns :func:`_doc_columns` gives (or rows of them: a
    segment's tokens)."""
    doc = Doc(vocab, words=columns[:, 0].tolist(), spaces=columns[:, 1].tolist())
    return doc.from_array(chosen, columns[:, 2:])


def _token_arrays(docs: list[Doc]) -> tuple[numpy.ndarray, numpy.ndarray]:
    lengths = numpy.array([len(d) for d in docs], dtype="int64")
    tokens = numpy.concatenate([doc.to_array(_ATTRS) for doc in docs]) if docs else \
        numpy.zeros((0, len(_ATTRS)), dtype="uint64")
    return tokens.reshape(-1, len(_ATTRS)), lengths


# the attributes spaCy's tokenizer sets (SENT_START: on a doc's first token, unless it
# comes from a special case such as "He's"), and those with the lemma, in the cache's order
_TOKENIZER_ATTRS = [ORTH, NORM, SPACY, SENT_START]
_LEMMATISED_ATTRS = [attr for attr in _ATTRS if attr in (*_TOKENIZER_ATTRS, LEMMA)]


def _tokenised(nlp: Language, texts: list[str]
               ) -> tuple[Doc, numpy.ndarray, list[int], numpy.ndarray]:
    """For a :func:`~dialogcode.nlp.lemmatizer_only` pipeline: ``texts`` tokenised one
    by one (as ``nlp.pipe`` would), then lemmatised together and made one doc; the
    doc, its token arrays, their columns' attributes (any other being zero) and each
    text's number of tokens. Skipping ``nlp.pipe``, a lemmatizer call per text and the
    attributes a tokenizer leaves zero is what makes tokenising cheaper."""
    # each text's doc is dropped as soon as its arrays are taken: hundreds of docs held
    # at once outlive Python's young garbage collections and set off full ones
    attrs = [*_TOKENIZER_ATTRS, LOWER]
    turns = [nlp.tokenizer(text).to_array(attrs) for text in texts]
    lengths = numpy.array([len(turn) for turn in turns], dtype="int64")
    columns = numpy.concatenate(turns).reshape(-1, len(attrs))
    tokens = numpy.zeros((len(columns), len(_LEMMATISED_ATTRS)), dtype="uint64")
    tokens[:, [_LEMMATISED_ATTRS.index(a) for a in _TOKENIZER_ATTRS]] = columns[:, :-1]
    skipped = matching_components(nlp)
    for name, lemmatizer in nlp.pipeline:
        if name not in skipped:
            tokens[:, _LEMMATISED_ATTRS.index(LEMMA)] = lemmatizer.lemmas(columns[:, -1])
    return (_doc(nlp.vocab, *_doc_columns(tokens, _LEMMATISED_ATTRS)), tokens,
            _LEMMATISED_ATTRS, lengths)


def _by_document(segments: pd.DataFrame, documents: pd.DataFrame
                 ) -> list[tuple[numpy.ndarray, tuple[str, str]]]:
    """(row positions of its segments, cache key) of each document, in order of first
    appearance."""
    hashes = dict(zip(documents["doc_id"], documents["sha256"]))
    codes, doc_ids = pd.factorize(segments["doc_id"])
    spans = segments[["start", "end"]].to_numpy("int64")
    unit_codes, units = pd.factorize(segments["unit"])
    order = numpy.argsort(codes, kind="stable")
    found = []
    for doc_id, positions in zip(doc_ids, numpy.split(order, numpy.cumsum(
            numpy.bincount(codes, minlength=len(doc_ids)))[:-1])):
        digest = hashlib.sha256(spans[positions].tobytes()).hexdigest()[:8]
        # segments cut at another max_segment_chars differ
        unit = "+".join(sorted(units[numpy.unique(unit_codes[positions])]))
        found.append((positions, (hashes[doc_id], unit + "-" + digest)))
    return found


def segment_docs(segments: pd.DataFrame, documents: pd.DataFrame, nlp: Language,
                 cache: DocCache, *, n_process: int = 1
                 ) -> Iterator[tuple[pd.DataFrame, list[Doc]]]:
    """Yield (segments of one document, their spaCy docs) for every document: cached
    ones first, then the rest tokenised in one stream (``n_process`` worker processes)
    and written to the cache."""
    check_lengths(segments, nlp)
    pending = []
    for positions, key in _by_document(segments, documents):
        group = segments.iloc[positions]
        docs = cache.get(*key, nlp.vocab)
        if docs is not None and len(docs) == len(group):
            yield group, docs
        else:
            pending.append((key, group))
    if not pending:
        return
    stream = nlp.pipe((text for _, group in pending for text in group["text"]),
                      batch_size=256, n_process=n_process, disable=matching_components(nlp))
    for key, group in pending:
        docs = list(islice(stream, len(group)))
        cache.put(*key, *_token_arrays(docs), nlp.vocab)
        yield group, docs


def document_docs(segments: pd.DataFrame, documents: pd.DataFrame, nlp: Language,
                  cache: DocCache, *, n_process: int = 1
                  ) -> Iterator[tuple[numpy.ndarray, Doc, numpy.ndarray]]:
    """Like :func:`segment_docs`, but one spaCy doc per document holding its segments'
    tokens one after the other (as the cache stores them): (row positions of the
    segments in ``segments``, doc, token offsets where each segment starts and the
    last one ends). One doc per document instead of one per segment is what makes
    short turns fast."""
    check_lengths(segments, nlp)
    texts = segments["text"]
    pending = []
    for positions, key in _by_document(segments, documents):
        loaded = cache.load(*key, nlp.vocab)
        if loaded is not None and len(loaded[1]) == len(positions):
            tokens, lengths, attrs = loaded
            yield positions, _doc(nlp.vocab, *_doc_columns(tokens, attrs)), _bounds(lengths)
        else:
            pending.append((key, positions))
    if pending and n_process == 1 and lemmatizer_only(nlp):
        for key, positions in pending:
            doc, tokens, attrs, lengths = _tokenised(nlp, texts.iloc[positions].tolist())
            cache.put(*key, tokens, lengths, nlp.vocab, attrs)
            yield positions, doc, _bounds(lengths)
        return
    if not pending:
        return
    stream = nlp.pipe((text for _, positions in pending for text in texts.iloc[positions]),
                      batch_size=256, n_process=n_process, disable=matching_components(nlp))
    for key, positions in pending:
        tokens, lengths = _token_arrays(list(islice(stream, len(positions))))
        cache.put(*key, tokens, lengths, nlp.vocab)
        yield positions, _doc(nlp.vocab, *_doc_columns(tokens)), _bounds(lengths)


def _bounds(lengths: numpy.ndarray) -> numpy.ndarray:
    return numpy.concatenate([[0], numpy.cumsum(lengths)]).astype("int64")


def code_corpus(segments: pd.DataFrame, documents: pd.DataFrame, book: Codebook, *,
                model: str = "blank", cache_dir: Path | None = None,
                progress: bool = False, n_process: int = 1) -> pd.DataFrame:
    """Code every codable segment (preambles and headings are tokenised for the cache but
    never coded) with ``book``; return the codings table (:data:`CODING_COLUMNS`).

    ``segments`` needs the columns :data:`CODING_INPUT_COLUMNS`, ``documents``
    ``doc_id`` and ``sha256``. Every row's ``quote`` equals
    ``document_text[start:end]``. ``n_process`` > 1 tokenises uncached documents in
    worker processes (bench/README.md says when that pays).
    """
    return code_parts([segments], documents, book, model=model, cache_dir=cache_dir,
                      progress=progress, n_process=n_process)


def code_parts(parts: Iterable[pd.DataFrame], documents: pd.DataFrame, book: Codebook, *,
               model: str = "blank", cache_dir: Path | None = None,
               progress: bool = False, n_process: int = 1) -> pd.DataFrame:
    """:func:`code_corpus` of a segments table given in parts (each holding all the
    segments of its documents), one part in memory at a time (as
    :func:`dialogcode.store.read_parts` reads them): the same codings as coding the
    parts put together."""
    nlp = load_pipeline(model)
    compiled = CompiledCodebook(book, nlp)
    cache = DocCache(cache_dir, model)
    versions = {code_id: book.version_of(code_id) for code_id in book.codes}
    columns = [[] for _ in range(7)]     # seg_id, doc_id, code_id, start, end, quote, rule_id
    part, found = None, []      # a part and the hits of its documents coded so far
    for segments, hits in progress_bar(
            _document_hits(parts, documents, nlp, compiled, cache, n_process),
            desc="code", enabled=progress, unit="doc", total=len(documents)):
        if segments is not part:
            _add_codings(columns, part, found)
            part, found = segments, []
        found += hits
    _add_codings(columns, part, found)
    seg_ids, doc_ids, code_ids, starts, ends, quotes, rule_ids = columns
    codings = pd.DataFrame(zip(
        seg_ids, doc_ids, code_ids, starts, ends, quotes, repeat("rule"), rule_ids,
        repeat(None), [versions[c] for c in code_ids]),
        columns=CODING_COLUMNS).astype({"score": "float64"})
    return codings.sort_values(["doc_id", "start", "code_id"], kind="stable",
                               ignore_index=True)


def _add_codings(columns: list[list], segments: pd.DataFrame | None, found: list[tuple]
                 ) -> None:
    """Add to ``columns`` the seg_id, doc_id, code_id, start, end, quote and rule_id of
    each hit of ``found`` in ``segments`` (see :func:`_document_hits`)."""
    if not found:
        return
    rows, code_ids, starts, ends, rule_ids = (list(c) for c in zip(*found))
    # each coded segment's columns taken once: a long segment's text taken once per hit
    # held a copy of it per hit (11 GB for a 13M-character notes file)
    coded, at = numpy.unique(numpy.array(rows), return_inverse=True)
    seg_ids, doc_ids, offsets, texts = (
        [values[i] for i in at.tolist()] for values in (
            segments[c].iloc[coded].tolist() for c in ("seg_id", "doc_id", "start", "text")))
    for column, values in zip(columns, (
            seg_ids, doc_ids, code_ids, [o + s for o, s in zip(offsets, starts)],
            [o + e for o, e in zip(offsets, ends)],
            [t[s:e] for t, s, e in zip(texts, starts, ends)], rule_ids)):
        column += values


def _document_hits(parts: Iterable[pd.DataFrame], documents: pd.DataFrame, nlp: Language,
                   compiled: CompiledCodebook, cache: DocCache, n_process: int
                   ) -> Iterator[tuple[pd.DataFrame, list[tuple]]]:
    """For each document of ``parts``: its part and the hits of its codable segments,
    each (row in the part, code_id, start and end in the segment's text, rule_id)."""
    for segments in parts:
        codable, texts = segments["codable"].to_numpy(), segments["text"]
        for positions, doc, bounds in document_docs(segments, documents, nlp, cache,
                                                    n_process=n_process):
            found = []
            for segment, hits in compiled.match_segments(doc, bounds).items():
                row = int(positions[segment])
                if not codable[row]:
                    continue
                first, end = doc[int(bounds[segment])].idx, doc[int(bounds[segment + 1]) - 1]
                offsets = [o - first for hit in hits for o in (
                    doc[hit.start].idx, doc[hit.end - 1].idx + len(doc[hit.end - 1]))]
                text = texts.iat[row]
                if end.idx + len(end.text_with_ws) - first != len(text):   # spaces joined
                    offsets = text_offsets(text, offsets)
                found.extend((row, hit.code_id, offsets[2 * i], offsets[2 * i + 1], hit.rule_id)
                             for i, hit in enumerate(hits))
            yield segments, found


def coding_summary(codings: pd.DataFrame, book: Codebook,
                   documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per codable code: codings, segments, documents (and sites) coded; zeros included."""
    codes = [c for c in book.codes.values() if c.codable]
    frame = codings
    if documents is not None and "site" in documents:
        frame = codings.merge(documents[["doc_id", "site"]], on="doc_id", how="left")
    grouped = frame.groupby("code_id")
    summary = pd.DataFrame({
        "code_id": [c.id for c in codes],
        "label": [c.label for c in codes],
    }).set_index("code_id")
    summary["codings"] = grouped.size()
    summary["segments"] = grouped["seg_id"].nunique()
    summary["documents"] = grouped["doc_id"].nunique()
    if "site" in frame:
        summary["sites"] = grouped["site"].agg(named_count)
    return summary.fillna(0).astype({c: int for c in summary.columns if c != "label"}
                                    ).reset_index()
