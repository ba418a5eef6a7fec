"""Review decisions: people accept or reject rule codings and suggestions, and the final
codings follow.

A decision is about a code on a segment, ``(seg_id, code_id)``, not about one matched
span, so it survives codebook edits that move or add matches. Decisions live in the
study's ``decisions.csv`` (:data:`DECISION_COLUMNS`), which only `dialogcode review
import` adds to, from a sheet a person filled in.

Final codings = rule and model codings, minus rejected ones, plus accepted suggestions
(and accepted model codings the model no longer makes), plus the human codings of the
coders named in ``final_coders`` (dialogcode.yaml).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from .coders import chosen_coders, coder_path, read_coder
from .errors import DialogcodeError, Problem
from .formats.tables import xlsx_rows
from .workbook import write_workbook
from .store import read_table, safe_for_spreadsheet, write_csv
from .study import Study

DECISIONS = "decisions.csv"
DECISION_COLUMNS = ["seg_id", "code_id", "decision", "source", "reviewer", "note", "sha256"]
SHEET_COLUMNS = ["seg_id", "code_id", "label", "source", "matched", "score", "speaker",
                 "site", "doc_id", "text", "decision", "note"]
CHOICES = ("accept", "reject")
PROPOSALS = ("suggestion", "model", "reviewer")   # accepted ones stay final codings on their own


class ReviewError(DialogcodeError):
    """A review sheet or decisions file is malformed."""


def load_decisions(study: Study) -> pd.DataFrame:
    """The study's decisions (empty when there are none yet)."""
    path = study.root / DECISIONS
    if not path.is_file():
        return pd.DataFrame(columns=DECISION_COLUMNS)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(DECISION_COLUMNS[:3]) - set(table.columns)
    if missing:
        raise ReviewError(f"missing column(s) {', '.join(sorted(missing))}", file=path, line=1)
    return table.reindex(columns=DECISION_COLUMNS).fillna("")


def load_suggestions(study: Study) -> pd.DataFrame | None:
    """``out/suggestions.parquet`` from `dialogcode suggest`, when it exists."""
    path = study.out / "suggestions.parquet"
    return pd.read_parquet(path) if path.is_file() else None


def review_items(rules: pd.DataFrame, suggestions: pd.DataFrame | None,
                 segments: pd.DataFrame, documents: pd.DataFrame, labels: dict[str, str],
                 decisions: pd.DataFrame) -> pd.DataFrame:
    """One row per (segment, code) to review (:data:`SHEET_COLUMNS`): codings (rule ones
    with their matched text, model ones with their score), then suggestions with their
    score; earlier decisions filled in."""
    grouped = rules.groupby(["seg_id", "code_id"], sort=False)
    items = grouped.agg(matched=("quote", " | ".join), source=("source", "first"),
                        score=("score", "max")).reset_index()
    items.loc[items["source"] == "model", "matched"] = ""
    if suggestions is not None and len(suggestions):
        extra = suggestions.rename(columns={"terms": "matched"})[
            ["seg_id", "code_id", "matched", "score"]].assign(source="suggestion")
        items = pd.concat([items, extra], ignore_index=True)
    context = segments[["seg_id", "doc_id", "speaker", "text"]].merge(
        documents[["doc_id", "site"]], on="doc_id", how="left")
    items = items.merge(context, on="seg_id", how="left")
    items["label"] = items["code_id"].map(labels)
    previous = decisions.drop_duplicates(["seg_id", "code_id"], keep="last")
    items = items.merge(previous[["seg_id", "code_id", "decision", "note"]],
                        on=["seg_id", "code_id"], how="left")
    return items.reindex(columns=SHEET_COLUMNS).fillna({"decision": "", "note": ""})


def read_sheet(path: Path) -> pd.DataFrame:
    """A filled review sheet (.xlsx or .csv) with a ``line`` column for messages."""
    if path.suffix.lower() == ".xlsx":
        rows = xlsx_rows(path, str(path), ReviewError)
        if not rows:
            raise ReviewError("the sheet is empty", file=path)
        table = pd.DataFrame(rows[1:], columns=[str(c) for c in rows[0]], dtype=object)
    else:
        try:
            table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (OSError, ValueError) as exc:
            raise ReviewError(f"cannot read review sheet: {exc}", file=path) from None
    missing = {"seg_id", "code_id", "decision"} - set(table.columns)
    if missing:
        raise ReviewError(f"missing column(s) {', '.join(sorted(missing))}", file=path, line=1)
    table = table.fillna("").astype(str)
    return table.assign(line=range(2, len(table) + 2))


def unimported(sheet: pd.DataFrame, decisions: pd.DataFrame) -> int:
    """How many decided rows of ``sheet`` are not in ``decisions`` as they stand."""
    decided = sheet[sheet["decision"].str.strip() != ""]
    known = set(zip(decisions["seg_id"], decisions["code_id"], decisions["decision"]))
    return sum((s, c, d.strip().lower()) not in known for s, c, d in
               zip(decided["seg_id"], decided["code_id"], decided["decision"]))


def sheet_decisions(sheet: pd.DataFrame, path: Path, segments: pd.DataFrame,
                    documents: pd.DataFrame, reviewer: str, codes: set[str]
                    ) -> pd.DataFrame:
    """The decided rows of a filled sheet as decisions; every bad row (a decision other
    than accept or reject, an unknown segment or code) is reported."""
    sheet = sheet.assign(decision=sheet["decision"].str.strip().str.lower())
    decided = sheet[sheet["decision"] != ""]
    problems = [Problem(f"decision must be accept or reject, not {row.decision!r}",
                        str(path), row.line, row.seg_id)
                for row in decided.itertuples() if row.decision not in CHOICES]
    known = segments.set_index("seg_id")["doc_id"]
    problems += [Problem(f"unknown seg_id {row.seg_id!r}", str(path), row.line)
                 for row in decided.itertuples() if row.seg_id not in known.index]
    problems += [Problem(f"unknown code {row.code_id!r}", str(path), row.line)
                 for row in decided.itertuples() if row.code_id not in codes]
    if problems:
        raise ReviewError(problems)
    hashes = documents.set_index("doc_id")["sha256"]
    return pd.DataFrame({
        "seg_id": decided["seg_id"], "code_id": decided["code_id"],
        "decision": decided["decision"],
        "source": (decided["source"].replace("", "reviewer") if "source" in decided
                   else "rule"),
        "reviewer": reviewer, "note": decided["note"] if "note" in decided else "",
        "sha256": decided["seg_id"].map(known).map(hashes)}).reset_index(drop=True)


def merge_decisions(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """``old`` with ``new`` added; a new decision on the same (seg_id, code_id) replaces
    the old one. Returns the table and counts of added, changed and unchanged rows."""
    key = ["seg_id", "code_id"]
    before = old.set_index(key)["decision"].to_dict()
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    for row in new.itertuples():
        previous = before.get((row.seg_id, row.code_id))
        counts["added" if previous is None else
               "unchanged" if previous == row.decision else "changed"] += 1
    merged = pd.concat([old, new]).drop_duplicates(key, keep="last")
    return merged.reindex(columns=DECISION_COLUMNS).reset_index(drop=True), counts


def write_sheet(path: Path, items: pd.DataFrame) -> Path:
    """The review sheet: .xlsx with an accept/reject drop-down, or .csv."""
    if path.suffix.lower() == ".xlsx":
        return write_workbook(path, {"review": items}, choices={"review": {"decision": CHOICES}})
    return write_csv(safe_for_spreadsheet(items), path)


def write_decisions(study: Study, decisions: pd.DataFrame) -> Path:
    return write_csv(decisions, study.root / DECISIONS)


def orphaned(decisions: pd.DataFrame, rules: pd.DataFrame, documents: pd.DataFrame
             ) -> pd.DataFrame:
    """Decisions that no longer apply, with the reason: the rule coding they judge is no
    longer produced (after a codebook edit), or their document's text changed. Accepted
    suggestions stay final codings on their own. They all stay in decisions.csv."""
    present = set(zip(rules["seg_id"], rules["code_id"]))
    hashes = documents.set_index("doc_id")["sha256"]
    doc_of = decisions["seg_id"].str.rsplit(":", n=1).str[0]
    changed = decisions["sha256"].ne("") & decisions["sha256"].ne(doc_of.map(hashes))
    gone = [(s, c) not in present and source not in PROPOSALS for s, c, source in
            zip(decisions["seg_id"], decisions["code_id"], decisions["source"])]
    reason = pd.Series("", index=decisions.index)
    reason[gone] = "coding no longer produced"
    reason[changed] = "document text changed"
    return decisions.assign(reason=reason)[reason != ""].reset_index(drop=True)


def final_codings(study: Study, segments: pd.DataFrame, documents: pd.DataFrame,
                  rules: pd.DataFrame | None = None, codes: set[str] | None = None
                  ) -> pd.DataFrame:
    """Rule and model codings minus rejected, plus accepted suggestions and model
    codings the model no longer makes (whole-segment codings,
    taken from decisions.csv itself so they survive a deleted ``out/``) and the codings
    of ``final_coders`` (whose code ids must be in ``codes``)."""
    if rules is None:
        rules = read_table(study.out, "codings", hint="dialogcode code")
    decisions = load_decisions(study)
    rejected = set(zip(*decisions[decisions["decision"] == "reject"][["seg_id",
                                                                     "code_id"]].values.T))
    keep = pd.Series([(s, c) not in rejected for s, c in zip(rules["seg_id"],
                                                               rules["code_id"])],
                     index=rules.index, dtype=bool)
    parts = [rules[keep]]
    bounds = segments.set_index("seg_id")
    present = set(zip(parts[0]["seg_id"], parts[0]["code_id"]))
    accepted = decisions[(decisions["decision"] == "accept")
                         & decisions["source"].isin(PROPOSALS)
                         & decisions["seg_id"].isin(bounds.index)]
    accepted = accepted[[(s, c) not in present for s, c in
                         zip(accepted["seg_id"], accepted["code_id"])]]
    if len(accepted):
        parts.append(pd.DataFrame({
            "seg_id": accepted["seg_id"], "code_id": accepted["code_id"],
            "source": accepted["source"], "rule_id": accepted["source"]}))
    for coder in final_coders(study):
        human = read_coder(coder_path(study, coder), segments, coder, codes)
        parts.append(human.dropna(subset=["code_id"]).assign(rule_id=f"human:{coder}"))
    final = pd.concat([parts[0], *(p for p in parts[1:] if len(p))], ignore_index=True)
    final = final.reindex(columns=rules.columns)
    final["doc_id"] = final["seg_id"].map(bounds["doc_id"])
    final["start"] = final["start"].fillna(final["seg_id"].map(bounds["start"]))
    final["end"] = final["end"].fillna(final["seg_id"].map(bounds["end"]))
    final[["start", "end"]] = final[["start", "end"]].astype("int64")
    texts = documents.set_index("doc_id")["text"]
    missing = final["quote"].isna()
    final.loc[missing, "quote"] = [texts[d][a:b] for d, a, b in zip(
        final.loc[missing, "doc_id"], final.loc[missing, "start"], final.loc[missing, "end"])]
    return final.sort_values(["doc_id", "start", "code_id"], kind="stable", ignore_index=True)


def final_coders(study: Study) -> list[str]:
    """Coders whose files join the final codings: ``final_coders`` in dialogcode.yaml,
    or every coder in codings/ when it is not set."""
    return chosen_coders(study, study.config.final_coders, "final_coders")
