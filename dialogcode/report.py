"""The study report: one self-contained HTML file (styles and charts inline, no network
requests) for the people writing the final report."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd

from .analysis import Evidence
from .charts import code_heatmap, cooccurrence_heatmap, phase_lines, png_data_uri
from .codebook import Codebook
from .progress import progress_steps
from .store import replacing
from .tables import PHASES
from .trust import trust_summary

REPORT = "report.html"
SECTIONS = ["overview", "codes-by-site", "change", "cooccurrence", "codes", "lessons",
            "agreement", "codebook"]


def _records(table: pd.DataFrame | None) -> list[dict]:
    if table is None:
        return []
    return table.astype(object).where(table.notna(), None).to_dict("records")


def render_report(title: str, documents: pd.DataFrame, segments: pd.DataFrame,
                  codings: pd.DataFrame, book: Codebook, tables: dict[str, pd.DataFrame],
                  trust: dict | None = None, *, progress: bool = False,
                  privacy=None) -> str:
    """The report's HTML, from the corpus, the codings and :func:`build_tables` output;
    ``trust`` (:func:`~dialogcode.trust.trust_summary`) opens it; ``privacy`` (a
    :class:`~dialogcode.privacy.gate.GateResult`) adds a note on masked identifiers.
    ``progress`` shows a bar on stderr while the charts are drawn."""
    summary = tables["codebook_summary"]
    by_site = documents.groupby("site", dropna=False).agg(
        documents=("doc_id", "count"), words=("n_words", "sum")).reset_index()
    by_site["segments"] = by_site["site"].map(
        segments.merge(documents[["doc_id", "site"]], on="doc_id").groupby("site").size())
    dates = pd.to_datetime(documents.get("date"), errors="coerce").dropna()
    overview = {
        "documents": len(documents), "words": int(documents["n_words"].sum()),
        "segments": len(segments), "codings": len(codings),
        "coded_segments": codings["seg_id"].nunique(),
        "sites": documents["site"].replace("", None).nunique(),
        "event_types": documents["event_type"].replace("", None).nunique(),
        "events": documents[["site", "event_type", "date"]].drop_duplicates().shape[0],
        "first": dates.min().date() if len(dates) else None,
        "last": dates.max().date() if len(dates) else None,
        "codebooks": [f"{book.titles[k]} ({k}, version {v})" for k, v in book.versions.items()],
    }
    by_phase = tables["code_by_phase"]
    codable = by_phase[by_phase["codable"]]
    pivot = codable.pivot(index="code_id", columns="phase", values="share")
    change = []
    if {"kickoff", "closing"} <= set(pivot.columns):
        delta = (pivot["closing"] - pivot["kickoff"]).sort_values(key=abs, ascending=False)
        labels = codable.drop_duplicates("code_id").set_index("code_id")["label"]
        change = [{"code_id": c, "label": labels[c], "kickoff": pivot.at[c, "kickoff"],
                   "closing": pivot.at[c, "closing"], "change": d}
                  for c, d in delta.head(10).items() if d]
    exemplars = tables["exemplars"]
    codes = [{**row, "quotes": _records(exemplars[exemplars["code_id"] == row["code_id"]])}
             for row in _records(summary)]
    lessons = tables.get("lessons")
    lesson_quotes = tables.get("lesson_quotes")
    cooccurrence = tables["cooccurrence"]
    drawings = {
        "site": lambda: code_heatmap(tables["code_by_site"], "site"),
        "phase_lines": lambda: phase_lines(by_phase),
        "phase": lambda: code_heatmap(by_phase, "phase"),
    }
    if len(cooccurrence):
        drawings["cooccurrence"] = lambda: cooccurrence_heatmap(cooccurrence)
    charts = {name: png_data_uri(drawings[name]())
              for name in progress_steps(list(drawings), desc="report", enabled=progress)}
    pairs = cooccurrence[cooccurrence["code_a"] < cooccurrence["code_b"]]
    pairs = pairs.sort_values(["jaccard", "both"], ascending=False, kind="stable").head(15)
    template = (resources.files("dialogcode") / "data" / "report.html").read_text("utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(template).render(
        title=title, overview=overview, privacy=privacy, trust=trust or trust_summary(None, None, "", {}), sites=_records(by_site), charts=charts,
        change=change, pairs=_records(pairs), codes=codes, phases=PHASES,
        lessons=[{**row, "quotes": _records(lesson_quotes[lesson_quotes["lesson_id"]
                                                          == row["lesson_id"]])}
                 for row in _records(lessons)] if lessons is not None else None,
        agreement=_records(tables.get("agreement")), codebook=_records(summary))


def render_study_report(evidence: Evidence, title: str, *, progress: bool = False) -> str:
    """The report of a study's :class:`~dialogcode.analysis.Evidence`."""
    return render_report(title, evidence.documents, evidence.segments, evidence.codings,
                         evidence.book, evidence.tables, evidence.trust, progress=progress,
                         privacy=evidence.privacy)


def write_report(path: Path, html: str) -> Path:
    with replacing(path) as temporary:
        temporary.write_text(html, encoding="utf-8")
    return path
