"""The study report: one self-contained HTML file (styles and charts inline, no network
requests) for the people writing the final report."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd

from .agreement.rows import ALL_CODES, ALL_CODES_LABEL
from .analysis import Evidence
from .charts import code_heatmap, cooccurrence_heatmap, phase_lines, png_data_uri
from .codebook import Codebook
from .lessons import Lesson, LessonsFile, filters_text
from .progress import progress_steps
from .store import replacing
from .tables import documents_without_phase, event_keys, phases_inferred
from .trust import NO_RULES, trust_summary
from .wording import counted, display_name, distinct_labels, points, quoted

REPORT = "report.html"
VERDICTS = ("reliable", "tentative", "do not rely")
COOCCURRENCE_CODES = 12      # codes in the report's co-occurrence chart (readable print)
MIN_SEGMENTS = 20            # a change from fewer segments in a phase is "small numbers"
LEVEL_NAMES = 15             # codes named per trust level in the opening box (page 1)
SECTIONS = ["overview", "codes-by-site", "change", "cooccurrence", "codes", "lessons",
            "agreement", "codebook"]


def _records(table: pd.DataFrame | None) -> list[dict]:
    if table is None:
        return []
    return table.astype(object).where(table.notna(), None).to_dict("records")


def agreement_summary(agreement: pd.DataFrame | None, modelled: set[str] = frozenset()
                      ) -> list[dict]:
    """Per coder of the ``agreement`` table (human-only codes marked
    :func:`~dialogcode.trust.without_rules`): ``codes`` with a verdict and how many of
    them are ``weak`` ("do not rely"), for the report's opening box; ``people`` counts
    the human-only codes (no patterns: the rules never apply them, so they have no
    verdict), ``people_modelled`` those of them among the ``modelled`` codes (the learned
    model codes them)."""
    if agreement is None or agreement.empty:
        return []
    codes = agreement[agreement["code_id"] != ALL_CODES]
    rows = []
    for coder, rows_of in codes.groupby("coder", sort=False):
        people = rows_of["verdict"] == NO_RULES
        ruled = rows_of[rows_of["verdict"].isin(VERDICTS)]
        rows.append({"coder": coder, "codes": len(ruled), "people": int(people.sum()),
                     "people_modelled": int(rows_of["code_id"][people].isin(modelled).sum()),
                     "weak": int((ruled["verdict"] == "do not rely").sum())})
    return rows


def pooled_segments(agreement: list[dict]) -> list[dict]:
    """The rows of the agreement table, the ``(all codes)`` row's ``units`` (the code x
    segment decisions it pools) replaced by the segments compared, those of its coder's
    code rows (every code the coder is judged on is compared on the same segments; one
    they did not look for, ``coders:``, on none)."""
    read: dict = {}
    for row in agreement:
        if row["code_id"] != ALL_CODES and pd.notna(row["units"]):
            read[row["coder"]] = max(read.get(row["coder"], 0), row["units"])
    return [{**row, "units": read.get(row["coder"], row["units"])}
            if row["code_id"] == ALL_CODES else row for row in agreement]


def largest_changes(by_phase: pd.DataFrame, labels: dict[str, str],
                    min_segments: int = MIN_SEGMENTS, top: int = 10
                    ) -> tuple[list[dict], dict[str, bool]]:
    """The ``top`` codable codes whose share changed most from kick-off to closing in a
    code_by(..., "phase") table, each with ``kickoff``/``closing`` shares, the segments
    coded (``*_n``) and the phase's segments (``*_of``); and, per phase, whether it has
    fewer than ``min_segments`` segments (the "small numbers" mark)."""
    totals = by_phase.groupby("phase")["group_segments"].max()
    small = {p: p in totals and int(totals[p]) < min_segments for p in ("kickoff", "closing")}
    codable = by_phase[by_phase["codable"]]
    share = codable.pivot(index="code_id", columns="phase", values="share")
    coded = codable.pivot(index="code_id", columns="phase", values="segments")
    if not {"kickoff", "closing"} <= set(share.columns):
        return [], small
    delta = (share["closing"] - share["kickoff"]).sort_values(key=abs, ascending=False)
    return [{"code_id": c, "label": labels.get(c, c), "change": d,
             **{f"{p}{part}": value for p in ("kickoff", "closing")
                for part, value in (("", share.at[c, p]), ("_n", coded.at[c, p]),
                                    ("_of", totals[p]))}}
            for c, d in delta.head(top).items() if d], small


def filters_for_people(lesson: Lesson, labels: dict[str, str]) -> str:
    """The filters of ``lesson`` (as lessons.yaml has them) as the report words them:
    codes by their labels, event types and phases by display names."""
    def word(field: str, value: str) -> str:
        if field == "codes":
            return labels.get(value, value)
        return display_name(value) if field in ("event_types", "phases") else value
    return filters_text(lesson, word)


def render_report(title: str, documents: pd.DataFrame, segments: pd.DataFrame,
                  codings: pd.DataFrame, book: Codebook, tables: dict[str, pd.DataFrame],
                  trust: dict | None = None, *, min_segments: int = MIN_SEGMENTS,
                  progress: bool = False, privacy=None,
                  lessons: LessonsFile | None = None) -> str:
    """The report's HTML, from the corpus, the codings and :func:`build_tables` output;
    ``trust`` (:func:`~dialogcode.trust.trust_summary`) opens it; ``privacy`` (a
    :class:`~dialogcode.privacy.gate.GateResult`) adds a note on masked identifiers. A
    change from kick-off to closing where either phase has fewer than ``min_segments``
    codable segments is marked "small numbers". ``progress`` shows a bar on stderr while
    the charts are drawn. ``lessons`` (the lessons.yaml the lesson tables were assembled
    from) words each lesson's filters; it is needed when ``tables`` hold lessons."""
    # named by label alone in the charts and tables: a label codes share gets its parent's
    labels = distinct_labels({c.id: c.label for c in book.codes.values()},
                             {c.id: c.parent for c in book.codes.values()})
    summary = tables["codebook_summary"]
    by_site = documents.groupby("site", dropna=False).agg(
        documents=("doc_id", "count"), words=("n_words", "sum")).reset_index()
    codable = segments[segments["codable"]]
    by_site["segments"] = by_site["site"].map(   # the totals of code_by_site's shares
        codable.merge(documents[["doc_id", "site"]], on="doc_id").groupby("site").size())
    dates = pd.to_datetime(documents.get("date"), errors="coerce").dropna()
    overview = {
        "documents": len(documents), "words": int(documents["n_words"].sum()),
        "segments": len(segments), "codable": len(codable), "codings": len(codings),
        "coded_segments": codings.loc[codings["seg_id"].isin(codable["seg_id"]),
                                      "seg_id"].nunique(),
        "sites": documents["site"].replace("", None).nunique(),
        "event_types": documents["event_type"].replace("", None).nunique(),
        "events": event_keys(documents).nunique(),
        "first": dates.min().date() if len(dates) else None,
        "last": dates.max().date() if len(dates) else None,
        "codebooks": [f"{book.titles[k]} ({k}, version {v})" for k, v in book.versions.items()],
    }
    by_phase = tables["code_by_phase"]
    change, small = largest_changes(by_phase, labels, min_segments)
    unphased = documents_without_phase(documents)
    overview["unphased"] = len(unphased)
    overview["unphased_segments"] = int(codable["doc_id"].isin(unphased).sum())
    exemplars = tables["exemplars"]
    parents = set(summary["parent_id"].dropna())
    codes = [{**row, "sub_codes": row["code_id"] in parents,
              "quotes": _records(exemplars[exemplars["code_id"] == row["code_id"]])}
             for row in _records(summary)]
    lesson_table = tables.get("lessons")
    if lesson_table is not None and lessons is None:
        raise ValueError("render_report: the lesson tables need the lessons they came from")
    written = {lesson.id: lesson for lesson in lessons.lessons} if lessons else {}
    lesson_quotes = tables.get("lesson_quotes")
    cooccurrence = tables["cooccurrence"]
    drawings = {"site": lambda: code_heatmap(tables["code_by_site"], "site")}
    if overview["unphased"] < len(documents):    # no phase at all: no chart to draw
        drawings["phase_lines"] = lambda: phase_lines(by_phase)
        drawings["phase"] = lambda: code_heatmap(by_phase, "phase")
    if len(cooccurrence):
        drawings["cooccurrence"] = lambda: cooccurrence_heatmap(
            cooccurrence, COOCCURRENCE_CODES, labels=labels)
    charts = {name: png_data_uri(drawings[name]())
              for name in progress_steps(list(drawings), desc="report", enabled=progress)}
    pairs = cooccurrence[cooccurrence["code_a"] < cooccurrence["code_b"]]
    pairs = pairs.sort_values(["jaccard", "both"], ascending=False, kind="stable").head(15)
    # a lesson's shares count the segments its filters admit: few of them are small
    # numbers, and fewer than all of the phase's are "the segments its filters admit"
    lesson_by_phase = tables.get("lesson_by_phase")
    few = filtered = set()
    counts = {}
    if lesson_by_phase is not None:
        ends = lesson_by_phase[lesson_by_phase["phase"].isin(["kickoff", "closing"])]
        few = set(ends.loc[ends["phase_segments"] < min_segments, "lesson_id"])
        whole = ends["phase"].map(by_phase.groupby("phase")["group_segments"].max())
        filtered = set(ends.loc[ends["phase_segments"] != whole, "lesson_id"])
        counts = {(row.lesson_id, f"{row.phase}_{part}"): int(value)   # beside each share
                  for row in ends.itertuples()
                  for part, value in (("n", row.segments), ("of", row.phase_segments))}
    lesson_rows = None if lesson_table is None else [
        {**row, "small": row["lesson_id"] in few, "filtered": row["lesson_id"] in filtered,
         **{key: counts.get((row["lesson_id"], key)) for key in
            ("kickoff_n", "kickoff_of", "closing_n", "closing_of")},
         "filters": filters_for_people(written[row["lesson_id"]], labels),
         "quotes": _records(lesson_quotes[lesson_quotes["lesson_id"] == row["lesson_id"]])}
        for row in _records(lesson_table)]
    agreement = pooled_segments(_records(tables.get("agreement")))
    by_model = (set(codings.loc[codings["source"] == "model", "code_id"])
                if "source" in codings else set())
    contents = {"overview": True, "codes-by-site": True, "change": True,
                "cooccurrence": bool(len(pairs)), "codes": True,
                "lessons": bool(lesson_rows), "agreement": bool(agreement),
                "codebook": True}
    template = (resources.files("dialogcode") / "data" / "report.html").read_text("utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    environment.filters.update(counted=counted, display=display_name, points=points,
                               quoted=quoted, label=lambda code: ALL_CODES_LABEL if code == ALL_CODES
                               else labels.get(code, code))
    return environment.from_string(template).render(
        title=title, overview=overview, privacy=privacy, trust=trust or trust_summary(None, None, "", {}),
        sites=_records(by_site), charts=charts, change=change, small=small,
        min_segments=min_segments, inferred=phases_inferred(documents),
        pairs=_records(pairs), codes=codes, contents=contents,
        phases=[display_name(p) for p in dict.fromkeys(by_phase["phase"])],
        against=agreement_summary(tables.get("agreement"), by_model),
        modelled=bool(by_model),
        cooccurrence_codes=COOCCURRENCE_CODES, level_names=LEVEL_NAMES,
        # survey answers, field notes: "in 61 documents, 1 site, 0 speakers" read as wrong
        has_speakers=bool(segments["speaker"].notna().any()),
        lessons=lesson_rows, agreement=agreement, codebook=_records(summary))


def render_study_report(evidence: Evidence, title: str, *,
                        min_segments: int = MIN_SEGMENTS, progress: bool = False) -> str:
    """The report of a study's :class:`~dialogcode.analysis.Evidence`."""
    return render_report(title, evidence.documents, evidence.segments, evidence.codings,
                         evidence.book, evidence.tables, evidence.trust,
                         min_segments=min_segments, progress=progress,
                         privacy=evidence.privacy, lessons=evidence.lessons)


def write_report(path: Path, html: str) -> Path:
    with replacing(path) as temporary:
        temporary.write_text(html, encoding="utf-8")
    return path
