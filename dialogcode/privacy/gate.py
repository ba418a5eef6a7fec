"""The export gate: what the tables, workbook, database, exports and report may show
(docs/privacy.md).

``privacy: gate:`` in dialogcode.yaml chooses: ``mask`` (default) replaces every finding
not decided ``keep`` by ``[REDACTED]`` wherever its text occurs in a quote, context or
speaker column, and each of its characters by a block in the documents' and segments'
text (so offsets into it stay exact); ``strict`` refuses while any finding is undecided, then masks the redacted
ones; ``off`` lets everything through. The transcripts are never modified.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pandas as pd

from ..study import Study
from . import DECISIONS, PrivacyError, scan

MASK = "[REDACTED]"
BLOCK = "\u2588"   # one per masked character in text that offsets point into
# columns holding transcript text and speaker labels; ids and attributes are left alone
TEXT_COLUMNS = ("quote", "context_before", "context_after", "text", "speaker")


@dataclass(frozen=True)
class GateResult:
    """What the gate did: its mode, the findings, how many were undecided, and how many
    cells of quotes (exemplars, lesson quotes, codings) had something masked."""

    mode: str
    findings: int = 0
    undecided: int = 0
    masked_quotes: int = 0


def mask_pattern(texts) -> re.Pattern | None:
    """One pattern matching any of ``texts`` where it stands alone (not inside a word)."""
    texts = sorted({t for t in texts if t}, key=len, reverse=True)
    if not texts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in texts) + r")(?!\w)")


def mask_frame(table: pd.DataFrame, pattern: re.Pattern) -> tuple[pd.DataFrame, int]:
    """A copy of ``table`` with ``pattern`` replaced by ``[REDACTED]`` in its
    :data:`TEXT_COLUMNS`, and the number of cells changed. A ``text`` column (documents,
    segments) is what offsets point into, so there each character of a match becomes
    :data:`BLOCK` instead and every offset stays exact."""
    changed, out = 0, table
    for column in TEXT_COLUMNS:
        if column in table and len(table):
            values = table[column]
            mask = (lambda m: BLOCK * len(m[0])) if column == "text" else MASK
            masked = values.map(lambda v: pattern.sub(mask, v) if isinstance(v, str) else v)
            changed += int((masked != values).sum())
            if out is table:
                out = table.copy()
            out[column] = masked
    return out, changed


def gate(study: Study, evidence):
    """``evidence`` (:class:`~dialogcode.analysis.Evidence`) as it may leave the study,
    with a :class:`GateResult` in its ``privacy`` field. Scans the segments (reusing the
    last scan when nothing changed). Raises PrivacyError under ``gate: strict`` while a
    finding is undecided, naming what to run."""
    mode = study.config.privacy.gate
    if mode == "off":
        return replace(evidence, privacy=GateResult(mode))
    findings = scan(study, evidence.segments, evidence.documents)
    undecided = int((findings["status"] == "undecided").sum())
    if mode == "strict" and undecided:
        kinds = findings[findings["status"] == "undecided"]["kind"].value_counts()
        listed = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
        raise PrivacyError(
            f"{undecided} candidate identifier(s) are undecided ({listed}), and "
            "`privacy: gate: strict` writes nothing until each is decided: copy "
            f"{study.out / 'privacy.csv'} to {study.root / DECISIONS}, write keep or "
            "redact in its `decision` column, and run this command again (see "
            "docs/privacy.md)", file=study.root / DECISIONS)
    pattern = mask_pattern(findings.loc[findings["status"] != "keep", "text"])
    if pattern is None:
        return replace(evidence, privacy=GateResult(mode, len(findings), undecided))
    tables, masked_quotes = {}, 0
    for name, table in evidence.tables.items():
        tables[name], changed = mask_frame(table, pattern)
        if name in ("exemplars", "lesson_quotes"):
            masked_quotes += changed
    codings, changed = mask_frame(evidence.codings, pattern)
    masked_quotes += changed
    return replace(evidence, tables=tables, codings=codings,
                   segments=mask_frame(evidence.segments, pattern)[0],
                   documents=mask_frame(evidence.documents, pattern)[0],
                   privacy=GateResult(mode, len(findings), undecided, masked_quotes))
