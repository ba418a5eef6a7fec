"""tables, lessons, export and report: evidence built from the codings."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..choices import EXPORT_FORMATS
from ..errors import DialogcodeError
from ..wording import counted, points
from . import cli
from .options import (check_suffix, echo_table, file_named, quiet_option, shown,
                      study_argument)

if TYPE_CHECKING:
    from ..analysis import Evidence


def echo_lessons(evidence: Evidence) -> None:
    lessons = evidence.tables.get("lessons")
    if lessons is None:
        click.echo("No lessons.yaml: no lessons assembled.")
        return
    table = lessons[["lesson_id", "sites", "events", "segments", "speakers", "change",
                     "flag"]]
    echo_table(table.assign(change=table["change"].map(points)))
    thin = lessons[lessons["flag"] != ""]
    if len(thin):
        click.echo(f"{len(thin)} lesson(s) with thin evidence: "
                   f"{', '.join(thin['lesson_id'])}")
    unphased = lessons[lessons["no_phase_segments"] > 0]
    if len(unphased) and lessons["change"].notna().any():
        click.echo(f"{len(unphased)} lesson(s) with evidence in documents with no phase, "
                   "in no change: " + ", ".join(
                       f"{row.lesson_id} ({row.no_phase_segments:,} of {row.segments:,} "
                       "segments)" for row in unphased.itertuples()))


def echo_privacy(evidence: Evidence) -> None:
    """One line when the privacy gate masked something in the outputs: without it a
    newcomer finds `[NAME]` in place of words of their tables with no word why. It
    counts segments (a masked turn shows in its quotes, its coded_segments row, the
    workbook and the exports alike), and says nothing when no finding is masked."""
    gate = evidence.privacy
    if gate is None or not (gate.masked_segments or gate.withheld):
        return
    withheld = f"; {counted(gate.withheld, 'document')} withheld whole" if gate.withheld else ""
    click.echo(f"Privacy gate: candidate identifiers masked in "
               f"{counted(gate.masked_segments, 'segment')} ([NAME], [PHONE], ... in quotes "
               f"and speakers, blocks in text columns){withheld} ({gate.undecided:,} "
               f"of {counted(gate.findings, 'finding')} undecided). To keep a word that is "
               "not an identifier, decide it keep in privacy-decisions.csv (`dialogcode "
               "privacy scan`, docs/privacy.md).")


@cli.command()
@study_argument
@quiet_option
def tables(study, quiet):
    """Build the analysis tables of STUDY from its codings (run `dialogcode code` first):
    code by site, event type and phase, co-occurrence, exemplar quotes, coded segments,
    the codebook summary and, with a lessons.yaml, the lessons. Writes Parquet and CSV
    to out/tables; columns are documented in docs/tables.md."""
    from ..analysis import study_evidence, write_tables
    from ..study import Study

    opened = Study.open(study)
    evidence = study_evidence(opened, progress=not quiet)
    paths = write_tables(evidence, opened.out)
    if not quiet:
        summary = evidence.tables["codebook_summary"]
        echo_table(summary[summary["codable"]][["code_id", "segments", "documents", "sites",
                                                "speakers"]])
        click.echo(f"Wrote {len(paths) // 2} tables to {shown(opened.out / 'tables')}")
        echo_privacy(evidence)


@cli.command()
@study_argument
@quiet_option
def lessons(study, quiet):
    """Assemble the evidence for each lesson in STUDY's lessons.yaml: sites, events,
    segments and speakers supporting it, the change from kick-off to closing, a flag
    when the evidence is thin, and its best quotes (out/tables/lessons.csv,
    lesson_quotes.csv and lesson_by_phase.csv)."""
    from ..analysis import study_evidence
    from ..store import write_table
    from ..study import Study

    opened = Study.open(study)
    if opened.lessons is None:
        raise DialogcodeError(f"no lessons file: write {opened.config.lessons or 'lessons.yaml'}"
                              " (see docs/lessons.md) or set `lessons:` in dialogcode.yaml",
                              file=opened.root / (opened.config.lessons or "lessons.yaml"))
    evidence = study_evidence(opened, progress=not quiet)
    paths = []
    for name in ("lessons", "lesson_quotes", "lesson_by_phase"):
        paths += write_table(evidence.tables[name], opened.out / "tables", name)
    if not quiet:
        echo_lessons(evidence)
        click.echo(f"Wrote {', '.join(p.name for p in paths if p.suffix == '.csv')} to "
                   f"{shown(opened.out / 'tables')}")
        echo_privacy(evidence)


@cli.command("export")
@study_argument
@click.option("--to", "formats", multiple=True, type=click.Choice([*EXPORT_FORMATS, "qdpx"]),
              help="Format to write (repeatable; default: xlsx and sqlite). qdpx: a "
                   "REFI-QDA project for NVivo, ATLAS.ti, MAXQDA, QualCoder.")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="Folder to write into (default: the study's out folder); with --to "
                   "qdpx alone, the .qdpx file to write, or an existing folder (default: "
                   "out/study.qdpx).")
@click.option("--every-source", is_flag=True,
              help="qdpx: export rule and model codings as made (rejected ones marked), "
                   "every coder and the reviewers' codes, each as its own user, instead "
                   "of the final codings.")
@quiet_option
def export_command(study, formats, output, every_source, quiet):
    """Export STUDY's tables: csv/ and parquet/ (a file per table), workbook.xlsx (a
    sheet per table with a README sheet, styled headers and filters) and study.sqlite
    (documents, segments, codings and codebook with foreign keys, plus every table);
    or, with --to qdpx, a REFI-QDA project (study.qdpx: codebook, documents, codings by
    user, sites as cases, attributes as variables, lessons as notes)."""
    formats = formats or ("xlsx", "sqlite")
    tables = tuple(f for f in formats if f != "qdpx")
    files = {f".{name}" for name in (*EXPORT_FORMATS, "qdpx")}
    if tables and output is not None and (
            output.is_file() or (output.suffix.lower() in files and not output.is_dir())):
        raise click.UsageError(f"-o {output}: with table formats, -o is a folder (a "
                               "file is for --to qdpx alone)")
    if not tables and output is not None and not output.is_dir():
        check_suffix(output, (".qdpx",), "a REFI-QDA project")
    if every_source and "qdpx" not in formats:
        raise click.UsageError("--every-source is an option of --to qdpx")
    from ..study import Study

    opened = Study.open(study)
    if output is not None:
        opened.check_outside_transcripts(output)
    folder = output if tables and output is not None else opened.out
    if tables:
        from ..analysis import study_evidence
        from ..export import export

        evidence = study_evidence(opened, progress=not quiet)
        paths = export(evidence, folder, tables, title=opened.config.title,
                       progress=not quiet)
        if not quiet:
            # csv/ and parquet/ are folders of their own inside it: name where each went
            places = Counter(path.parent for path in paths)
            click.echo("Wrote " + ", ".join(
                f"{counted(n, 'file')} to {shown(place)}" for place, n in places.items()))
            echo_privacy(evidence)
    if "qdpx" in formats:
        from ..interchange.qdpx import DEFAULT_NAME, write_qdpx
        alone = not tables and output is not None and not output.is_dir()
        done = write_qdpx(opened, output if alone else (output or folder) / DEFAULT_NAME,
                          every_source=every_source)
        users = ", ".join(f"{name} {n}" for name, n in sorted(done.codings.items()))
        if not quiet:
            click.echo(f"Wrote {shown(done.path)}: {done.documents} documents, "
                       f"{sum(done.codings.values())} codings ({users or 'none'}), "
                       f"{done.notes} lesson notes")


@cli.command()
@study_argument
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              callback=file_named(".html", ".htm", what="an HTML report"),
              help="HTML file to write, ending in .html or .htm (default: "
                   "out/report.html).")
@quiet_option
def report(study, output, quiet):
    """Write STUDY's report: one self-contained HTML file (charts inline, no network
    requests) with the overview, code x site heatmap, change over the year,
    co-occurrence, every code with its exemplar quotes, the lessons and the codebook."""
    from ..analysis import study_evidence
    from ..report import REPORT, render_study_report, write_report
    from ..study import Study

    opened = Study.open(study)
    if output is not None:
        opened.check_outside_transcripts(output)
    evidence = study_evidence(opened, progress=not quiet)
    html = render_study_report(evidence, opened.config.title,
                               min_segments=opened.config.min_segments, progress=not quiet)
    path = write_report(output or opened.out / REPORT, html)
    if not quiet:
        click.echo(f"Wrote {shown(path)}")
        echo_privacy(evidence)
