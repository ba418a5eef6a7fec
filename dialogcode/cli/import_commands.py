"""dialogcode import-codings."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..choices import CODING_FORMATS
from . import cli
from .options import echo_problems, echo_table, shown, study_argument

if TYPE_CHECKING:
    from ..importers import ImportResult


def echo_summary(result: ImportResult, source: Path) -> None:
    """Codings per code, how quotes were located, and anything left out."""
    from ..importers import MIN_SIMILARITY

    codings = result.codings
    per_code = codings.groupby("code_id").size().rename("codings").reset_index()
    click.echo(f"Imported {codings['code_id'].notna().sum()} codings ({result.format}) from "
               f"{shown(source)}:")
    echo_table(per_code)
    if result.located:
        counts = ", ".join(f"{n} {level}" for level, n in result.located.items())
        click.echo(f"Quotes located: {counts}.")
    if result.read:
        click.echo(f"Marked {result.read} segments read with nothing coded.")
    if result.duplicates:
        click.echo(f"Dropped {result.duplicates} duplicate codings.")
    if result.blind:
        click.echo(f"Note: {result.blind} row(s) name a segment without its text, so nothing "
                   "shows which turn the coder read: they are stamped with each document's "
                   "sha256 and each segment's text as they are now, so a later edit of a "
                   "transcript, or a cut of it into other turns, is caught, but not one "
                   "made since the coding. If a transcript was edited since, or cut into "
                   "turns otherwise (a newer dialogcode, `speakers:`), add a text column "
                   "with each segment's text (or import the coder's quotes instead).")
    echo_problems(f"Fuzzy matches (similarity >= {MIN_SIMILARITY}), please check",
                  result.fuzzy)
    echo_problems("Spans over several segments, coded in each one they cover words of; "
                  "please check", result.crossing)
    echo_problems("Skipped, quote not located", result.unlocated)
    echo_problems("Skipped, code name not mapped", result.unmapped)
    echo_problems("Ignored", result.ignored)
    echo_problems("Read so, please check", result.notes)


@cli.command("import-codings")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@study_argument
@click.option("--coder", required=True, help="Coder name: writes codings/<NAME>.csv.")
@click.option("--map", "mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV (name,code_id) or YAML (name: code_id) mapping the coder's code "
                   "names to code ids.")
@click.option("--format", "fmt", type=click.Choice(CODING_FORMATS),
              help="Format of SOURCE (default: from its extension and columns); maxqda, "
                   "atlasti, taguette and dedoose are those tools' exports of coded "
                   "segments.")
@click.option("--document", help="Document an inline-markup SOURCE copies (default: from "
                                 "its file name).")
@click.option("--user", multiple=True,
              help="REFI-QDA project: import only the codings of this user (its name or "
                   "id in the project's Users); a tool's export: only the rows its "
                   "creator column (Excerpt Creator, Created by, Author or Coder) gives "
                   "this name. Repeat it to import several users' codings together as "
                   "one coder. Required when the codings were made by more than one user.")
@click.option("--replace", is_flag=True, help="Overwrite an existing codings/<NAME>.csv.")
@click.option("--skip-unlocated", is_flag=True,
              help="Import the rest when quotes are ambiguous or not found (they are listed).")
@click.option("--skip-unmapped", is_flag=True,
              help="Import the rest when code names do not map (they are listed).")
@click.option("--coded-segments", multiple=True, metavar="RANGE",
              help="The segments the coder read: a document, or FIRST..LAST seg_ids of "
                   "one document (repeatable). Codings must lie in them; the others of "
                   "them are marked read with nothing coded.")
def import_codings_command(source, study, coder, mapping, fmt, document, user, replace,
                           skip_unlocated, skip_unmapped, coded_segments):
    """Import a human coder's work on STUDY (run `dialogcode ingest` first) from SOURCE:
    a table of offsets (document,start,end,code), quotes (document,quote,code) or
    segments (seg_id,code or document,turn,code) as CSV or XLSX; another QDA tool's export
    of coded segments (MAXQDA, ATLAS.ti, Taguette, Dedoose: read from its columns, its
    text located as quotes are); a transcript copy marked up with
    **span**<sup>code</sup>; or a REFI-QDA project (.qdpx). In a table, a row
    with no code marks its segment read with nothing applying. Writes codings/NAME.csv.
    Every problem is listed; nothing is guessed."""
    from ..codebook import load_codebooks
    from ..coders import write_coder
    from ..importers import import_codings
    from ..ingest import load_corpus
    from ..privacy.gate import saved_masker
    from ..study import Study

    opened = Study.open(study)
    corpus = load_corpus(opened)
    book = load_codebooks(opened.codebook_files())
    result = import_codings(source, corpus, book, coder=coder, mapping=mapping, fmt=fmt,
                            document=document, skip_unlocated=skip_unlocated,
                            skip_unmapped=skip_unmapped, user=user or None,
                            coded_segments=coded_segments,
                            limits=opened.config.limits,
                            mask=saved_masker(opened, corpus.segments))
    path = write_coder(opened, coder, result.codings, replace=replace)
    echo_summary(result, source)
    click.echo(f"Wrote {shown(path)}")
