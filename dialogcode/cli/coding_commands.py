"""dialogcode code and dialogcode kwic."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

from . import cli
from .learn_commands import uncoded_human_only
from .review_commands import echo_orphaned
from .options import (check_codes, echo_table, model_option, quiet_option,
                      scheduler_option, shown, study_argument)

if TYPE_CHECKING:
    from ..study import Study

codebook_option = click.option("--codebook", "codebooks", multiple=True,
                               type=click.Path(exists=True, dir_okay=False),
                               help="Codebook file (repeatable; default: `codebooks` in "
                                    "dialogcode.yaml).")


def study_codebook(study: Study, codebooks=()):
    from ..codebook import load_codebooks

    return load_codebooks(list(codebooks) or study.codebook_files())


def run_coding(study: Study, *, codebooks=(), model=None, quiet=False, jobs=1, corpus=None,
               client=None):
    """Code ``corpus`` (default: the segments `dialogcode ingest` last wrote, read a part
    at a time so that a big study is never in memory whole), write and report; on Dask
    when ``client`` is a Dask client (the corpus is then read by the workers)."""
    from ..coding import CODING_INPUT_COLUMNS, code_parts, coding_summary
    from ..learned import applied_model
    from ..stamps import Stamps
    from ..store import read_parts, read_table, table_rows, write_table

    book = study_codebook(study, codebooks)
    model = model or study.config.model
    hint = "dialogcode ingest"
    documents = corpus.documents if corpus is not None else read_table(
        study.out, "documents", hint=hint, columns=["doc_id", "sha256", "site"])
    if client is not None:
        from ..engine_stages import code_on_dask

        codings, models = code_on_dask(study, client, book, model=model,
                                       progress=not quiet)
        paths = [study.out / "codings"]
    else:
        parts = [corpus.segments] if corpus is not None else read_parts(
            study.out, "segments", hint=hint, columns=CODING_INPUT_COLUMNS)
        codings = code_parts(parts, documents, book, model=model,
                             cache_dir=study.out / "cache", progress=not quiet,
                             n_process=jobs)
        codings, models = applied_model(study, corpus, book, codings, model=model)
        paths = write_table(codings, study.out, "codings")
    # a model that does not fit was not applied, and the library warned why
    Stamps(study.out).record_model((models.meta.get("training") or "")
                                   if models is not None else "", paths)
    paths += write_table(book.to_frame(), study.out, "codebook")
    if not quiet:
        summary = coding_summary(codings, book, documents)
        echo_table(summary.drop(columns="label"))
        never = summary[summary["codings"] == 0]["code_id"].tolist()
        coded = codings["seg_id"].nunique()
        learned = int((codings["source"] == "model").sum())
        segments = len(corpus.segments) if corpus is not None else \
            table_rows(study.out, "segments", hint=hint)
        click.echo(f"{len(codings)} codings of {codings['code_id'].nunique()} codes in "
                   f"{coded} of {segments} segments "
                   f"(codebook versions {book.versions_text()})"
                   + (f", {learned} of them by the learned model." if learned else "."))
        people = [c for c in never if book.codes[c].human_only]
        matched = [c for c in never if c not in people]
        if matched:
            click.echo(f"Codes that never matched: {', '.join(matched)}")
        if people:   # no rule can match them: "never matched" read as a broken codebook
            click.echo("Human-only codes not coded here (no patterns: only people and "
                       "the learned model code them):")
            for line in uncoded_human_only(people, None if models is None else models.stats):
                click.echo(line)
            click.echo("To code them: add them to segments in `dialogcode review serve`, "
                       "or bring a coder's file in with `dialogcode import-codings`; "
                       "`dialogcode learn` then learns them (docs/review.md).")
        click.echo(f"Wrote {', '.join(p.name for p in paths)} to {shown(study.out)}")
    echo_orphaned(study, documents, set(book.codes))
    return codings


@cli.command()
@study_argument
@codebook_option
@model_option
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes for tokenising uncached documents; pays off with trained "
                   "pipelines, not with the default blank one.")
@scheduler_option
@quiet_option
def code(study, codebooks, model, jobs, scheduler, quiet):
    """Apply the codebooks to the segments of STUDY (run `dialogcode ingest` first) and
    write the codings table; print how often each code matched. When `dialogcode learn`
    has stored a model in out/model/, its codings (source `model`) are added."""
    from ..engine import connection, study_engine
    from ..study import Study

    opened = Study.open(study)
    with connection(study_engine(opened, scheduler)) as client:
        run_coding(opened, codebooks=codebooks, model=model, quiet=quiet, jobs=jobs,
                   client=client())


@cli.command()
@click.argument("term_or_code")
@study_argument
@codebook_option
@model_option
@click.option("--lemma", is_flag=True, help="Match TERM by lemma (evict = evicted, evicts).")
@click.option("--width", default=50, show_default=True, type=click.IntRange(1),
              help="Characters of context.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(0),
              help="Rows to print (0 = all).")
def kwic(term_or_code, study, codebooks, model, lemma, width, limit):
    """Keyword in context: show what TERM_OR_CODE matches in STUDY, with site and
    speaker. A code id (e.g. risk.housing_insecurity) shows that code's matches and its
    sub-codes' in the segments `code` codes; anything else is matched as a phrase in
    every segment, preambles and headings included, except a dotted id under one of
    the codebook's codes that is not a code (a misspelt id: refused, naming the closest
    ids; a word with only a full stop after it, as in "housing.", is a phrase)."""
    from ..ingest import load_corpus
    from ..kwic import kwic as kwic_table
    from ..kwic import term_codebook
    from ..privacy.gate import mask_kwic
    from ..study import Study

    if not term_or_code.strip():
        raise click.BadParameter("give a word, a phrase or a code id, not an empty text",
                                 param_hint="'TERM_OR_CODE'")
    opened = Study.open(study)
    book = study_codebook(opened, codebooks)
    code_ids = None
    if term_or_code in book.codes:
        if lemma:
            raise click.BadParameter(f"{term_or_code!r} is a code id, which matches by its "
                                     "own patterns; --lemma is for a word or phrase",
                                     param_hint="'--lemma'")
        code_ids = [term_or_code]
    elif (prefix := term_or_code.partition("."))[2] and " " not in term_or_code and (
            prefix[0].lower() in {code.split(".")[0] for code in book.codes}):
        # shaped like an id of the codebook (risk.hosing, Risk.housing: ids are lower
        # case): a typo, not a phrase to find; "risk." is a word and a full stop
        check_codes([term_or_code], set(book.codes), "TERM_OR_CODE")
    else:
        book = term_codebook(term_or_code, lemma=lemma)
    corpus = load_corpus(opened)
    table = kwic_table(corpus.segments, corpus.documents, book, code_ids=code_ids,
                       width=width, model=model or opened.config.model,
                       cache_dir=opened.out / "cache", every_segment=code_ids is None)
    table = mask_kwic(opened, table, corpus.segments, corpus.documents, width)
    shown = table if not limit else table.head(limit)
    for row in shown.itertuples():
        speaker = row.speaker if isinstance(row.speaker, str) and row.speaker else "-"
        click.echo(f"{row.site or '-':<12} {speaker:<12} {row.left:>{width}}"
                   f"[{row.match}]{row.right:<{width}}  {row.seg_id}"
                   + (f"  {row.code_id}" if code_ids else ""))
    click.echo(f"{len(table)} matches in {table['seg_id'].nunique()} segments"
               + (f" (showing {len(shown)})" if len(shown) < len(table) else ""))
    if code_ids and table.empty and book.codes[term_or_code].human_only:
        click.echo(f"{term_or_code} is a human-only code (no patterns), so no rule matches "
                   "it: people code it, and `dialogcode learn` learns it "
                   "(docs/codebooks.md)")
