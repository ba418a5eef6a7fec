"""init, ingest and run."""
from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import click

from ..errors import printable
from . import cli
from .coding_commands import run_coding
from .learn_commands import run_evaluation, run_learning
from .evidence_commands import echo_lessons, echo_privacy
from .options import (echo_problems, echo_table, once_each, quiet_keeping,
                      quiet_option, scheduler_option, shown, study_argument)

if TYPE_CHECKING:
    from ..study import Study


@cli.command()
@click.argument("directory", type=click.Path(path_type=str))
@click.option("--title", help="Study title written into dialogcode.yaml.")
def init(directory, title):
    """Create a study folder DIRECTORY: a commented dialogcode.yaml, manifest.csv,
    transcripts/, codebooks/ (the shipped codebooks) and out/.

    Refuses to touch an existing study or a non-empty folder.
    """
    from ..study import init_study

    path = init_study(directory, title=title)
    click.echo(f"Created study {path}\n"
               f"Next: put transcripts in {path / 'transcripts'}, describe them in "
               f"{path / 'manifest.csv'}, then run `dialogcode run {path}`.")


def _units(segments, unit: str) -> str:
    """The study's ``unit``, or how many segments are of each unit when they differ
    (field notes are cut into sections in a study coded by turns): ``section: 1, turn: 2``."""
    counts = segments["unit"].value_counts(sort=False)
    if len(counts) < 2:
        return counts.index[0] if len(counts) else unit
    return ", ".join(f"{kind}: {n}" for kind, n in counts.items())


def _ingest(study: Study, *, unit, skip_bad, quiet, client=None):
    """Ingest on the local engine, or on Dask when ``client`` is a Dask client."""
    from ..formats.speakers import AS_HEADING, AS_TEXT
    from ..ingest import ingest as ingest_corpus
    from ..ingest import summarize, write_corpus

    if client is None:
        corpus = ingest_corpus(study, unit=unit, skip_bad=skip_bad, progress=not quiet)
        paths = write_corpus(corpus, study.out)
    else:
        from ..engine_stages import ingest_on_dask

        corpus = ingest_on_dask(study, client, unit=unit, skip_bad=skip_bad,
                                progress=not quiet)
        paths = [study.out / "documents", study.out / "segments"]
    echo_problems("Warnings", corpus.warnings)
    echo_problems("Skipped bad files", corpus.skipped)
    if not quiet:
        summary = summarize(corpus)
        total = summary[["documents", "turns", "speakers", "words"]].sum()
        echo_table(summary)
        click.echo(f"Total: {total['documents']} documents, {total['turns']} turns, "
                   f"{total['speakers']} speakers, {total['words']} words; "
                   f"{len(corpus.segments)} segments "
                   f"({_units(corpus.segments, unit or study.config.unit)}).")
        echo_problems("Notes on how the files were read", once_each(corpus.speaker_notes),
                      err=False)
        if any(AS_TEXT in note.message or AS_HEADING in note.message
               for note in corpus.speaker_notes):
            click.echo("List a label under `speakers:` in dialogcode.yaml, or in the "
                       "manifest's `speakers` column, to make it a speaker.")
        click.echo(f"Wrote {', '.join(p.name for p in paths)} to {shown(study.out)}")
    return corpus


unit_option = click.option("--unit", type=click.Choice(["turn", "sentence", "section"]),
                           help="Segment unit (default: `unit` in dialogcode.yaml).")
skip_bad_option = click.option("--skip-bad", is_flag=True,
                               help="Leave out unreadable files (still listed) instead of "
                                    "failing.")


@cli.command()
@study_argument
@unit_option
@skip_bad_option
@scheduler_option
@quiet_option
def ingest(study, unit, skip_bad, scheduler, quiet):
    """Read the transcripts of STUDY (default: the study holding the working
    directory) into documents and segments tables in its output folder, and print a
    summary per site and event type.
    """
    from ..engine import connection, study_engine
    from ..study import Study

    opened = Study.open(study)
    with connection(study_engine(opened, scheduler)) as client:
        _ingest(opened, unit=unit, skip_bad=skip_bad, quiet=quiet, client=client())


@cli.command()
@study_argument
@skip_bad_option
@click.option("--force", is_flag=True, help="Re-run every stage, even those up to date.")
@scheduler_option
@quiet_keeping("one line per stage (`code: running`, `code: up to date, skipped`), the "
               "evaluation's overall figures when that stage runs, and where the report, "
               "workbook, database and tables are")
def run(study, skip_bad, force, scheduler, quiet):
    """Build everything for STUDY from its dialogcode.yaml, in stages: ingest, learn
    (when the study has coder files or review decisions), code, evaluate (with `learn:
    reference` in dialogcode.yaml) and evidence (tables, lessons, workbook.xlsx,
    study.sqlite, report.html).
    A stage whose inputs and code (after an upgrade) did not change since the last
    run, and whose outputs are as it wrote them, is skipped (out/stamps.json); --force
    re-runs all. With -q, one line per stage says whether it ran. Ingest, learn,
    code and the counting tables of large studies run on the `engine:` of
    dialogcode.yaml, or on Dask with --scheduler (docs/scale.md)."""
    from ..engine import connection, study_engine
    from ..study import Study

    opened = Study.open(study)
    if not quiet:       # the imports below take a few seconds: say something first
        click.echo(f"run: {shown(opened.root)} (loading the toolkit)", err=True)
    engine = study_engine(opened, scheduler)
    with connection(engine) as client:
        _run(opened, engine, client, skip_bad=skip_bad, force=force, quiet=quiet)


def _run(opened: Study, engine, client, *, skip_bad, force, quiet):
    """The stages of `run` on ``engine``; ``client()`` gives the Dask client, or None
    (local)."""
    from ..analysis import study_evidence, write_tables
    from ..coders import chosen_coders, coder_names, coder_path
    from ..config import CONFIG_NAME
    from ..export import DATABASE, WORKBOOK, export
    from ..ingest import find_files
    from ..learned import has_training, model_folder
    from ..report import REPORT, render_study_report, write_report
    from ..privacy import DECISIONS as PRIVACY_DECISIONS
    from ..privacy import TERMS as PRIVACY_TERMS
    from ..review import DECISIONS
    from ..stamps import Stamps, fingerprint, toolkit
    from ..store import table_path

    if opened.config.learn.reference:
        chosen_coders(opened, [opened.config.learn.reference], "learn: reference")
    out, stamps = opened.out, Stamps(opened.out)
    config = opened.root / CONFIG_NAME
    codebooks, lessons = opened.codebook_files(), opened.lessons
    code = toolkit(opened.config.model)

    def stage(name, key):
        if not force and stamps.current(name, key, code):
            click.echo(f"{name}: up to date, skipped")
            return False
        damaged = [] if force else stamps.damaged(name)
        if not force and stamps.recoded(name, code):
            click.echo(f"{name}: the toolkit's code changed since it last ran (an upgrade, "
                       "an edit, or another spaCy pipeline); running it again")
        elif damaged:
            more = f" and {len(damaged) - 3} more" if len(damaged) > 3 else ""
            click.echo(f"{name}: {', '.join(shown(p) for p in damaged[:3])}{more} missing "
                       "or changed since it was written; running it again")
        else:       # with -q, the one line that says this stage ran
            click.echo(f"{name}: running" if quiet else f"{name}:")
        return True

    def tables(*names):
        return [table_path(out, name) if table_path(out, name).is_dir() else
                out / f"{name}.{kind}" for name in names for kind in ("parquet", "csv")]

    documents, segments = table_path(out, "documents"), table_path(out, "segments")

    files, _, refused = (find_files(opened.transcripts) if opened.transcripts.is_dir()
                         else ([], [], []))
    # a Dask engine writes the tables as datasets, which its code stage needs
    key = fingerprint(config, opened.manifest, f"skip_bad={skip_bad}",
                      f"distributed={engine.distributed}",
                      *(str(p.relative_to(opened.root)) for p in files), *files,
                      *(printable(str(p)) for p, _ in refused))
    corpus = None
    if stage("ingest", key):
        corpus = _ingest(opened, unit=None, skip_bad=skip_bad, quiet=quiet, client=client())
        stamps.record("ingest", key, code, tables("documents", "segments"))
        documents, segments = table_path(out, "documents"), table_path(out, "segments")
    people = [opened.root / DECISIONS, *(coder_path(opened, c) for c in coder_names(opened))]
    if has_training(opened):
        key = fingerprint(documents, segments, config, *codebooks, *people)
        if stage("learn", key):
            run_learning(opened, quiet=quiet, corpus=corpus, client=client())
            stamps.record("learn", key, code, [model_folder(opened)])
    elif model_folder(opened).is_dir():
        # learned from coder files and decisions that are gone: the study is coded by
        # its rules alone, as one that never had any
        shutil.rmtree(model_folder(opened))
        click.echo(f"learn: no coder files or decisions any more; removed "
                   f"{shown(model_folder(opened))}, learned from earlier ones")
    # model.json too: a retrain that keeps the weights still records another training
    # set, which `code` stamps on the codings and the trust box checks
    key = fingerprint(documents, segments, config, *codebooks,
                      model_folder(opened) / "model.npz", model_folder(opened) / "model.json")
    codings = None
    if stage("code", key):
        codings = run_coding(opened, quiet=quiet, corpus=corpus, client=client())
        stamps.record("code", key, code, tables("codings", "codebook"))
    coded = table_path(out, "codings")
    reference = opened.config.learn.reference
    if reference:
        key = fingerprint(segments, coded, config, *codebooks, *people)
        if stage("evaluate", key):
            run_evaluation(opened, reference, quiet=quiet, corpus=corpus)
            stamps.record("evaluate", key, code, [out / "evaluation"])
    key = fingerprint(documents, segments, coded, config, *codebooks, lessons,
                      opened.root / PRIVACY_TERMS, opened.root / PRIVACY_DECISIONS,
                      out / "evaluation" / "per_code.parquet", *people)
    if stage("evidence", key):
        evidence = study_evidence(opened, corpus=corpus, codings=codings,
                                  progress=not quiet, dask=client)
        write_tables(evidence, out)
        if not quiet:
            echo_lessons(evidence)
            echo_privacy(evidence)
        export(evidence, out, ("xlsx", "sqlite"), title=opened.config.title,
               progress=not quiet)
        write_report(out / REPORT, render_study_report(
            evidence, opened.config.title, min_segments=opened.config.min_segments,
            progress=not quiet))
        stamps.record("evidence", key, code, [out / "tables", out / WORKBOOK,
                                              out / DATABASE, out / REPORT])
    click.echo(f"Report:   {shown(out / REPORT)}\nWorkbook: {shown(out / WORKBOOK)}\n"
               f"Database: {shown(out / DATABASE)}\nTables:   {shown(out / 'tables')}")
