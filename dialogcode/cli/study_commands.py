"""init, ingest and run."""
from __future__ import annotations

import click

from ..ingest import ingest as ingest_corpus
from ..ingest import summarize, write_corpus
from ..study import Study, init_study
from . import cli
from .coding_commands import run_coding
from .options import echo_problems, echo_table, quiet_option, study_argument


@cli.command()
@click.argument("directory", type=click.Path(path_type=str))
@click.option("--title", help="Study title written into dialogcode.yaml.")
def init(directory, title):
    """Create a study folder DIRECTORY: a commented dialogcode.yaml, manifest.csv,
    transcripts/, codebooks/ (the shipped codebooks) and out/.

    Refuses to touch an existing study or a non-empty folder.
    """
    path = init_study(directory, title=title)
    click.echo(f"Created study {path}\n"
               f"Next: put transcripts in {path / 'transcripts'}, describe them in "
               f"{path / 'manifest.csv'}, then run `dialogcode run {path}`.")


def _ingest(study: Study, *, unit, skip_bad, quiet):
    corpus = ingest_corpus(study, unit=unit, skip_bad=skip_bad, progress=not quiet)
    paths = write_corpus(corpus, study.out)
    echo_problems("Warnings", corpus.warnings)
    echo_problems("Skipped bad files", corpus.skipped)
    if not quiet:
        summary = summarize(corpus)
        total = summary[["documents", "turns", "speakers", "words"]].sum()
        echo_table(summary)
        click.echo(f"Total: {total['documents']} documents, {total['turns']} turns, "
                   f"{total['speakers']} speakers, {total['words']} words; "
                   f"{len(corpus.segments)} segments ({corpus.segments['unit'].iloc[0] if len(corpus.segments) else unit}).")
        click.echo(f"Wrote {', '.join(p.name for p in paths)} to {study.out}")
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
@quiet_option
def ingest(study, unit, skip_bad, quiet):
    """Read the transcripts of STUDY (a study folder, default .) into documents and
    segments tables in its output folder, and print a summary per site and event type.
    """
    _ingest(Study.open(study), unit=unit, skip_bad=skip_bad, quiet=quiet)


@cli.command()
@study_argument
@skip_bad_option
@quiet_option
def run(study, skip_bad, quiet):
    """Build everything for STUDY from its dialogcode.yaml: ingest the transcripts,
    then code them with the codebooks."""
    opened = Study.open(study)
    corpus = _ingest(opened, unit=None, skip_bad=skip_bad, quiet=quiet)
    run_coding(opened, quiet=quiet, corpus=corpus)
