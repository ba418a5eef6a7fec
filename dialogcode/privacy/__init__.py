"""The residual-identifier check (docs/privacy.md): candidates found in every segment,
a person's decision on each (mask, keep, redact-document), and the gate that keeps undecided ones out of
the report, workbook and exports.

Files: ``privacy.yaml`` (study terms, written by a person), ``privacy-decisions.csv``
(decisions: ``mask``, ``keep`` with a reason, or ``redact-document``; written by a
person, never rewritten), ``out/privacy.csv`` and
``out/privacy.parquet`` (the findings with their status, written by the scan).
"""
from __future__ import annotations

import hashlib
import os

import pandas as pd

from ..errors import DialogcodeError, DialogcodeWarning, Problem, warn
from ..study import Study

TERMS, DECISIONS = "privacy.yaml", "privacy-decisions.csv"
FINDINGS = "privacy"
KEY = "privacy.key"     # the key of the segments, privacy.yaml and model last scanned
STATUSES = ("undecided", "mask", "keep", "redact-document")
# what a person may write in the decision column; ``redact`` is the earlier word for mask
DECISION_WORDS = {"mask": "mask", "redact": "mask", "keep": "keep",
                  "redact-document": "redact-document"}
DECISION_COLUMNS = ["doc_id", "start", "end", "text", "decision", "reason"]
REQUIRED = ["doc_id", "start", "end", "text", "decision"]
# columns of out/privacy.csv a person may leave in when copying rows into the decisions
_IGNORED = {"seg_id", "kind", "detector", "status"}

_VERSION = "privacy-36"   # bump when the detectors change, so cached findings are redone


class PrivacyError(DialogcodeError):
    """privacy.yaml or privacy-decisions.csv is malformed, or the gate refuses."""


class UnwrittenWarning(DialogcodeWarning):
    """The scan's files could not be rewritten (a read-only out/), but they hold the
    findings found now (only their key changed, after an upgrade)."""


def load_terms(study: Study) -> tuple[list[str], list[str]]:
    """The ``always:`` and ``never:`` terms of the study's privacy.yaml (empty lists when
    there is none). Raises PrivacyError naming the line of every problem."""
    from ..yamlsrc import line_of, load_yaml

    path = study.root / TERMS
    if not path.is_file():
        return [], []
    data = load_yaml(path, PrivacyError)
    if data is None:
        return [], []
    if not isinstance(data, dict):
        raise PrivacyError("privacy.yaml must be a mapping with `always:` and `never:` "
                           "lists of terms", file=path, line=1)
    problems = [Problem(f"unknown key {key!r}; the keys are always and never", str(path),
                        line_of(data, key)) for key in data if key not in ("always", "never")]
    lists = {}
    for key in ("always", "never"):
        value = data.get(key) or []
        if not isinstance(value, list):
            problems.append(Problem(f"{key}: must be a list of terms", str(path),
                                    line_of(data, key)))
            value = []
        for index, term in enumerate(value):
            if not isinstance(term, str) or not term.strip():
                problems.append(Problem(f"{key}: item {index + 1} must be a non-empty text, "
                                        f"not {term!r}", str(path),
                                        line_of(value, index) or line_of(data, key)))
        lists[key] = [t for t in value if isinstance(t, str) and t.strip()]
    if problems:
        raise PrivacyError(problems)
    return lists["always"], lists["never"]


def load_privacy_decisions(study: Study) -> pd.DataFrame:
    """The study's privacy-decisions.csv (empty when there is none) with ``start`` and
    ``end`` as integers and a ``line`` column; rows with an empty decision are left out
    (undecided). Raises PrivacyError naming the line of every bad row, so an unreadable
    file stops the build instead of letting quotes through."""
    from ..review import ReviewError, csv_table
    from ..store import unneutralize

    path = study.root / DECISIONS
    empty = pd.DataFrame(columns=[*DECISION_COLUMNS, "line"])
    if not path.is_file():
        return empty
    try:
        table = csv_table(path)
    except ReviewError as exc:
        raise PrivacyError(exc.problems) from None
    columns = [c for c in table.columns if c != "line"]
    if not columns:
        return empty
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [repr(c) for c in columns if c not in DECISION_COLUMNS and c not in _IGNORED]
    if missing or unknown:
        wrong = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s) {', '.join(unknown)}"] if unknown else [])
        raise PrivacyError(f"{'; '.join(wrong)}; the columns are "
                           f"{','.join(DECISION_COLUMNS)} (reason optional)", file=path, line=1)
    table = table.reindex(columns=[*DECISION_COLUMNS, "line"], fill_value="")
    problems = []
    for row in table.itertuples():
        decision = row.decision.strip().lower()
        if decision and decision not in DECISION_WORDS:
            problems.append(Problem(f"decision must be mask, keep or redact-document (or "
                                    f"empty: undecided), not {row.decision!r}", str(path),
                                    row.line))
        if decision == "keep" and not row.reason.strip():
            problems.append(Problem("keep needs a reason in the `reason` column (why it is "
                                    "not identifying, or who cleared it)", str(path), row.line))
        if not row.doc_id.strip():
            problems.append(Problem("empty doc_id", str(path), row.line))
        if not (row.start.strip().isdigit() and row.end.strip().isdigit()):
            problems.append(Problem(f"start and end must be whole numbers, not "
                                    f"{row.start!r} and {row.end!r}", str(path), row.line))
        elif int(row.start) >= int(row.end):
            problems.append(Problem(f"start {row.start} is not before end {row.end}",
                                    str(path), row.line))
    if problems:
        raise PrivacyError(problems)
    table["decision"] = table["decision"].str.strip().str.lower().map(
        lambda d: DECISION_WORDS.get(d, d))
    table["text"] = table["text"].map(unneutralize)    # as out/privacy.csv wrote it
    table = table[table["decision"] != ""]
    return table.astype({"start": int, "end": int}).reset_index(drop=True)


def with_status(findings: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """``findings`` with ``status`` (the decision on the same document, offsets and text,
    a later row winning, else ``undecided``), ``decision`` and ``reason`` (as read,
    empty when undecided: out/privacy.csv can be copied to privacy-decisions.csv and
    filled in, earlier decisions carried over). Every finding of a document that one row
    decided ``redact-document`` has that status, whatever its own row says."""
    keys = ["doc_id", "start", "end", "text"]
    latest = decisions.drop_duplicates(keys, keep="last")[[*keys, "decision", "reason"]]
    merged = findings.merge(latest, on=keys, how="left")
    merged[["decision", "reason"]] = merged[["decision", "reason"]].fillna("")
    status = merged["decision"].where(merged["decision"] != "", "undecided")
    status = status.where(~merged["doc_id"].isin(withheld_documents(decisions)),
                          "redact-document")
    return merged.assign(status=status)[[*findings.columns, "status", "decision", "reason"]]


def withheld_documents(decisions: pd.DataFrame) -> set[str]:
    """The documents a row of ``decisions`` decided ``redact-document``: keyed by the
    document alone, so they stay withheld even when their text (and so the finding)
    changed since."""
    return set(decisions.loc[decisions["decision"] == "redact-document", "doc_id"])


def unmatched(decisions: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """Decisions that match no finding (the document changed, or privacy.yaml did);
    ``redact-document`` rows still apply, so they are not among them."""
    keys = ["doc_id", "start", "end", "text"]
    decisions = decisions[decisions["decision"] != "redact-document"]
    merged = decisions.merge(findings[keys].drop_duplicates(), on=keys, how="left",
                             indicator=True)
    return merged[merged["_merge"] == "left_only"].drop(columns="_merge")


def _scan_key(study: Study, segments: pd.DataFrame, model: str) -> str:
    from ..stamps import pipeline_stamp

    digest = hashlib.sha256(_VERSION.encode())
    digest.update(pipeline_stamp(model).encode())
    terms = study.root / TERMS
    digest.update(terms.read_bytes() if terms.is_file() else b"")
    digest.update(pd.util.hash_pandas_object(
        segments[["seg_id", "start", "text", "speaker"]], index=False).values.tobytes())
    return digest.hexdigest()


def privacy_model(study: Study) -> str:
    """The pipeline whose ``ner`` finds names: ``privacy: model:``, else ``model:``."""
    return study.config.privacy.model or study.config.model


def scan(study: Study, segments: pd.DataFrame | None = None,
         documents: pd.DataFrame | None = None, *, reuse: bool = True) -> pd.DataFrame:
    """Every candidate identifier in the study's segments with its status (columns in
    docs/privacy.md), written to out/privacy.parquet and out/privacy.csv. With
    ``reuse``, the findings of the last scan are reused when the segments, privacy.yaml
    and the model are the same (decisions are always read afresh)."""
    from ..ingest import load_corpus
    from ..store import replacing, write_table
    from .detect import find_in_segments

    if segments is None or documents is None:
        corpus = load_corpus(study)
        segments, documents = corpus.segments, corpus.documents
    model = privacy_model(study)
    always, never = load_terms(study)
    decisions = load_privacy_decisions(study)
    findings = last_findings(study, segments) if reuse else None
    if findings is None:
        findings = find_in_segments(segments, model=model, always=always, never=never,
                                    documents=documents)
    table = with_status(findings, decisions)
    # the key of what was scanned, then of the findings with their status: the files
    # are written only when these changed (a read-only out/ serves kwic, agree ...)
    stamp = (f"{_scan_key(study, segments, model)}\n"
             f"{hashlib.sha256(table.to_csv(index=False).encode()).hexdigest()}\n")
    written = [study.out / KEY, *(study.out / f"{FINDINGS}.{s}" for s in ("parquet", "csv"))]
    saved = written[0].read_text() if all(p.is_file() for p in written) else None
    if saved == stamp:
        return table
    try:
        write_table(table, study.out, FINDINGS)
        # atomic: `review serve` may scan beside `run`
        with replacing(study.out / KEY) as temporary:
            temporary.write_text(stamp)
    except OSError as exc:
        # only what was scanned changed its key (an upgrade's detectors found the
        # same): the files hold these findings, so a read-only out/ does not stop a
        # command that reads; findings that changed must reach privacy.csv
        if saved is None or saved.split("\n")[1:2] != stamp.split("\n")[1:2]:
            raise
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        warn(UnwrittenWarning(
            f"{exc.filename}: could not be updated ({reason}); it holds the same findings "
            "as this version finds, so the command went on with them"), stacklevel=2)
    return table


def last_findings(study: Study, segments: pd.DataFrame) -> pd.DataFrame | None:
    """The findings (without their status) of the study's last scan when it was of
    ``segments`` as they are, with the same privacy.yaml and model; None otherwise."""
    try:
        scanned = (study.out / KEY).read_text().split("\n")[0]
        if scanned != _scan_key(study, segments, privacy_model(study)):
            return None
        return pd.read_parquet(study.out / f"{FINDINGS}.parquet").drop(
            columns=["status", "decision", "reason"])
    except (OSError, ValueError, KeyError):
        return None


def summary(findings: pd.DataFrame) -> pd.DataFrame:
    """Per kind: findings, and how many are undecided, masked, kept and withheld with
    their document."""
    from .detect import KINDS

    counts = pd.crosstab(findings["kind"], findings["status"]).reindex(
        columns=list(STATUSES), fill_value=0)
    counts = counts.reindex([k for k in KINDS if k in counts.index])
    counts.insert(0, "findings", counts.sum(axis=1))
    return counts.reset_index()
