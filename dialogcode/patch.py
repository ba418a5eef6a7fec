"""The codebook patch: what a clustering suggests adding to the codebook, written as a
new YAML file (``out/suggestions.yaml``) that a person reviews. Nothing here touches a
codebook; `dialogcode codebook merge` (:mod:`dialogcode.merge`) applies the entries a
person marked ``keep: true``.

Two kinds of entry:

- ``proposed_terms``: for each *pattern gap* cluster, terms frequent in the cluster
  (by c-TF-IDF, in at least :data:`MIN_TERM_SEGMENTS` of its segments) that are at
  least :data:`MIN_LIFT` times as common in the nearest code's coded segments as in all
  segments (tied to the code, not just to talk in general), not yet among the
  code's terms, and that raise the code's coverage (code at least one segment it
  misses) while at most :data:`MAX_NEW_SHARE` of the segments they match lack the code
  (a word of all talk, such as *chair*, matches mostly segments the code never reaches);
- ``new_codes``: for each *candidate new theme*, a code with an id, a label and terms
  made from the cluster's terms (the first :data:`TERMS_PER_CODE` of the clusters
  table's ``terms``, so its label is the cluster's), and the cluster's representative
  quotes.

Every entry is measured by really matching it (a lemma ``PhraseMatcher`` through
:class:`~dialogcode.patterns.CompiledCodebook`, with the code's exclusion rules) over
all segments: how many segments it would code that the code does not carry yet
(sub-codes count as carrying it), and how many of those already carry other codes.
"""
from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from ruamel.yaml import YAML

from .cluster import Clustering, shorten
from .codebook import Code, Codebook
from .coding import DocCache, segment_docs
from .features import code_terms, diverse_terms
from .nlp import load_pipeline
from .patterns import CompiledCodebook
from .store import replacing
from .tables import rolled_up

MIN_TERM_SEGMENTS = 2     # a term must occur in this many of the cluster's segments
MIN_LIFT = 2.0            # ... and be this many times as common in the code's segments
TERMS_PER_GAP = 5         # proposed terms per pattern-gap cluster
TERMS_PER_CODE = 6        # terms of a candidate new code
EXAMPLES = 2              # example segments per proposed term
MAX_NEW_SHARE = 0.75      # at most this share of a term's segments may lack the code

HEADER = """\
Codebook patch written by `dialogcode cluster` (scope: {scope}, seed {seed},
codebook version {version}). These are machine suggestions: no codebook changes
until you merge them.

How to review:
 1. Read each entry's examples. extra_segments (would_code for a new code) is how
    many segments it would code that do not carry the code yet; of those,
    extra_with_other_codes (would_code_with_other_codes) already carry other codes:
    a high share there means likely false positives.
 2. Set `keep: true` on the entries you want. Edit them first if you like: rename
    an id or a label, delete terms, give a new code a parent (a code id in the same
    file), add a definition.
 3. Preview, then apply to one codebook file (comments and layout are kept):
      dialogcode codebook merge {path} codebooks/FILE.yaml --dry-run
      dialogcode codebook merge {path} codebooks/FILE.yaml
    Entries for codes that FILE does not define are skipped and listed; name the
    study's other codebook files with --with so that ids are checked across them.
Re-running `dialogcode cluster` overwrites this file: copy it before editing."""


def codebook_patch(result: Clustering, segments: pd.DataFrame, documents: pd.DataFrame,
                   codings: pd.DataFrame, book: Codebook, *, model: str = "blank",
                   cache_dir=None) -> dict:
    """The patch of ``result`` as a dict (``new_codes`` and ``proposed_terms`` lists,
    every entry with ``keep: False``), ready for :func:`write_patch`."""
    nlp = load_pipeline(model)
    vocabulary, display = result.features.vocabulary, result.terms.display
    carrying = rolled_up(codings, book).groupby("code_id")["seg_id"].agg(set)
    spread = _share(result.features.counts)
    gaps, themes = [], []
    for row in result.clusters.itertuples():
        index = row.cluster_id - 1
        scores = np.where(result.term_segments[index] >= MIN_TERM_SEGMENTS,
                          result.term_scores[index], 0.0)
        if row.kind == "pattern gap":
            code = book.codes[row.nearest_code]
            known = code_terms(code, nlp)
            scores = np.where([t in known or display(t) in known for t in vocabulary], 0.0,
                              scores)
            lift = _lift(result, carrying.get(code.id, set()), spread)
            scores = np.where(lift >= MIN_LIFT, scores, 0.0)
            gaps.extend((row, code, display(t))
                        for t in diverse_terms(scores, vocabulary, 2 * TERMS_PER_GAP))
        else:       # named as the clusters table names it
            terms = [t for t in row.terms.split("; ") if t][:TERMS_PER_CODE]
            if terms:
                themes.append((row, terms))
    pairs = [(code.id, term) for _, code, term in gaps]
    probes = [_term_probe(book.codes[c], t, f"term{i}") for i, (c, t) in enumerate(pairs)]
    probes += [_new_code(f"theme{i}", terms) for i, (_, terms) in enumerate(themes)]
    matched = _matches(probes, segments, documents, nlp, model, cache_dir)
    reach = _reach(pairs, matched, segments, codings, book)
    coded = set(codings["seg_id"])
    texts = segments.set_index("seg_id")["text"]
    members = result.assignments.groupby("cluster_id")["seg_id"].agg(set)
    proposed, per_cluster, seen = [], {}, set()
    for (row, code, term), found in zip(gaps, reach.itertuples()):
        if (not found.extra_segments or (code.id, term) in seen
                or found.extra_segments > MAX_NEW_SHARE * found.matched
                or per_cluster.get(row.cluster_id, 0) >= TERMS_PER_GAP):
            continue
        seen.add((code.id, term))
        per_cluster[row.cluster_id] = per_cluster.get(row.cluster_id, 0) + 1
        proposed.append({"keep": False, "code": code.id, "term": term, "match": "lemma",
                         "cluster": int(row.cluster_id),
                         "extra_segments": found.extra_segments,
                         "extra_with_other_codes": found.extra_with_other_codes,
                         "examples": [{"seg_id": s, "quote": shorten(texts[s])}
                                      for s in _cluster_first(found.extra,
                                                              members[row.cluster_id])]})
    new_codes, used = [], set(book.codes)
    parent = result.scope if result.scope in book.codes else None
    for i, (row, terms) in enumerate(themes):
        code_id = _unique_id(terms[0], parent, used)
        hits = matched.get(f"theme{i}", set())
        quotes = result.quotes[result.quotes["cluster_id"] == row.cluster_id]
        new_codes.append({"keep": False, "id": code_id,
                          "label": " / ".join(terms[:3]).capitalize(), "parent": parent,
                          "cluster": int(row.cluster_id), "segments": int(row.size),
                          "terms": terms, "match": "lemma", "would_code": len(hits),
                          "would_code_with_other_codes": len(hits & coded),
                          "examples": [{"seg_id": q.seg_id, "quote": shorten(q.quote)}
                                       for q in quotes.itertuples()]})
    return {"scope": result.scope, "seed": result.seed, "codebook_version": book.version,
            "new_codes": new_codes, "proposed_terms": proposed}


def term_reach(pairs: list[tuple[str, str]], segments: pd.DataFrame,
               documents: pd.DataFrame, codings: pd.DataFrame, book: Codebook, *,
               model: str = "blank", cache_dir=None) -> pd.DataFrame:
    """What adding each (code_id, term) pair's term (matched by lemma, under the code's
    exclusion rules) would do, over all ``segments``: ``matched`` segments,
    ``extra_segments`` it would code
    that do not carry the code or a sub-code in ``codings``, ``extra_with_other_codes``
    of those that carry other codes, and ``extra`` (their seg_ids in corpus order)."""
    probes = [_term_probe(book.codes[c], t, f"term{i}") for i, (c, t) in enumerate(pairs)]
    matched = _matches(probes, segments, documents, load_pipeline(model), model, cache_dir)
    return _reach(pairs, matched, segments, codings, book)


def _term_probe(code: Code, term: str, key: str) -> Code:
    """``code`` reduced to one lemma term (its exclusion rules kept), named ``key``."""
    return replace(code, id=key, parent=None, terms=[(term, "lemma")], tokens=[], near=[],
                   dependencies=[])


def _reach(pairs, matched, segments, codings, book) -> pd.DataFrame:
    carrying = rolled_up(codings, book).groupby("code_id")["seg_id"].agg(set)
    coded = set(codings["seg_id"])
    order = dict(zip(segments["seg_id"], range(len(segments))))
    rows = []
    for i, (code_id, term) in enumerate(pairs):
        extra = sorted(matched.get(f"term{i}", set()) - carrying.get(code_id, set()),
                       key=order.get)
        rows.append((code_id, term, len(matched.get(f"term{i}", ())), len(extra),
                     len(set(extra) & coded), extra))
    return pd.DataFrame(rows, columns=["code_id", "term", "matched", "extra_segments",
                                       "extra_with_other_codes", "extra"])


def _cluster_first(extra: list[str], cluster: set[str]) -> list[str]:
    """Up to :data:`EXAMPLES` of a term's ``extra`` segments (in corpus order): those of
    the ``cluster`` that proposes it first, then the others."""
    return sorted(extra, key=lambda seg_id: seg_id not in cluster)[:EXAMPLES]


def _share(counts) -> np.ndarray:
    """Share of the rows (segments) of ``counts`` holding each term."""
    return np.asarray((counts > 0).mean(axis=0)).ravel()


def _lift(result: Clustering, seg_ids: set[str], spread: np.ndarray) -> np.ndarray:
    """How much more often each term occurs in the code's segments than in all the
    segments clustered or coded (0 when the code has none among them)."""
    rows = [i for i, s in enumerate(result.features.seg_ids) if s in seg_ids]
    if not rows:
        return np.zeros(len(spread))
    return _share(result.features.counts[rows]) / np.maximum(spread, 1e-12)


def _new_code(code_id: str, terms: list[str]) -> Code:
    return Code(id=code_id, label=code_id, codebook="patch", parent=None, codable=True,
                group=None, color=None, definition=None, when_to_use=None,
                when_not_to_use=None, examples=[], counter_examples=[],
                terms=[(t, "lemma") for t in terms], tokens=[], near=[], exclude=[],
                match="lemma")


def _matches(probes: list[Code], segments, documents, nlp, model, cache_dir
             ) -> dict[str, set[str]]:
    """Segments each probe code matches, over every segment of the corpus."""
    if not probes:
        return {}
    compiled = CompiledCodebook(Codebook(codes={c.id: c for c in probes}), nlp)
    found: dict[str, set[str]] = {}
    for group, docs in segment_docs(segments, documents, nlp, DocCache(cache_dir, model)):
        for seg_id, doc in zip(group["seg_id"], docs):
            for hit in compiled.match(doc):
                found.setdefault(hit.code_id, set()).add(seg_id)
    return found


def _unique_id(term: str, parent: str | None, used: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", term.lower()).strip("_") or "theme"
    base = f"{parent}.{slug}" if parent else f"theme.{slug}"
    code_id, number = base, 2
    while code_id in used:
        code_id, number = f"{base}_{number}", number + 1
    used.add(code_id)
    return code_id


def patch_yaml(patch: dict, path: str = "out/suggestions.yaml") -> str:
    """The patch as YAML text with the review instructions as a header comment
    (``path`` is the file name shown in the instructions)."""
    header = HEADER.format(scope=patch["scope"], seed=patch["seed"],
                           version=patch["codebook_version"], path=path)
    yaml = YAML()
    yaml.representer.add_representer(
        type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", "null"))
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    buffer = io.StringIO()
    yaml.dump(patch, buffer)
    comment = "\n".join(f"# {line}".rstrip() for line in header.splitlines())
    return f"{comment}\n{buffer.getvalue()}"


def write_patch(patch: dict, path: Path, shown: str | None = None) -> Path:
    """Write the patch to ``path`` (replacing an earlier patch)."""
    with replacing(path) as temporary:
        temporary.write_text(patch_yaml(patch, shown or str(path)), encoding="utf-8")
    return path
