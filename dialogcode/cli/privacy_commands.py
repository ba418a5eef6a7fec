"""privacy scan and privacy redact: residual identifiers in the transcripts
(docs/privacy.md)."""
from __future__ import annotations

from pathlib import Path

import click

from . import cli
from .options import echo_table, quiet_option, shown, study_argument, warn


@cli.group()
def privacy():
    """Find names, phone numbers, emails, addresses and other identifiers that
    de-identification left in the transcripts, so a person decides on each (mask, keep
    with a reason, or redact-document, in privacy-decisions.csv) before quotes leave the
    study; write masked copies of the transcripts."""


@privacy.command("scan")
@study_argument
@click.option("--fresh", is_flag=True,
              help="Run every detector again even when the segments, privacy.yaml and "
                   "the model did not change since the last scan.")
@quiet_option
def privacy_scan(study, fresh, quiet):
    """Scan every segment of STUDY (run `dialogcode ingest` first) for candidate
    identifiers: person names (spaCy NER when the pipeline has `ner`, first names from
    Faker's lists, capitalised words that are not English words, and names after "my
    name is", "I'm", "told", "Mr./Ms./Dr.", "my cousin" ...), phone numbers, emails,
    URLs and handles, street addresses and ZIP codes, dates of birth, ID-like numbers,
    and privacy.yaml's `always:` terms (its `never:` terms are never flagged). Writes
    out/privacy.csv and out/privacy.parquet and prints the findings per kind."""
    from ..privacy import DECISIONS, load_privacy_decisions, scan, summary, unmatched
    from ..study import Study

    opened = Study.open(study)
    findings = scan(opened, reuse=not fresh)
    stale = unmatched(load_privacy_decisions(opened), findings)
    if not quiet:
        if len(findings):
            echo_table(summary(findings))
        undecided = int((findings["status"] == "undecided").sum())
        click.echo(f"{len(findings)} candidate identifiers, {undecided} undecided; wrote "
                   f"{shown(opened.out / 'privacy.csv')}")
        if undecided:
            click.echo(f"Decide each: copy {shown(opened.out / 'privacy.csv')} to "
                       f"{shown(opened.root / DECISIONS)} (earlier decisions are filled "
                       "in) and write mask, keep (with a reason) or redact-document in its "
                       "`decision` column.")
    if len(stale):
        warn(f"{len(stale)} row(s) of {DECISIONS} match no finding (the document or "
             "privacy.yaml changed): lines " + ", ".join(str(n) for n in stale["line"].head(10)))


@privacy.command("redact")
@study_argument
@click.option("--to", "folder", required=True, type=click.Path(path_type=Path),
              help="New folder for the masked copies (refused inside the transcripts "
                   "folder, or when it exists with files in it, unless --force).")
@click.option("--force", is_flag=True,
              help="Write into an existing folder that has files in it (files of the "
                   "same name are replaced).")
@quiet_option
def privacy_redact(study, folder, force, quiet):
    """Write masked copies of STUDY's transcripts (run `dialogcode ingest` first) to a
    new folder: every finding of the last scan not decided keep replaced by its kind
    ([NAME], [PHONE], ...), a speaker label holding one by Speaker 1, Speaker 2, ...
    (one number per label; a staff label keeps its role: Coach Speaker 3), documents
    decided redact-document left out. Plain text, Markdown, VTT, SRT, CSV, JSON and
    JSON Lines keep their format (Rev's JSON is written as a list of turns); Word and
    Excel files are written as .txt of their text. The transcripts are never modified."""
    from ..privacy.redact import redact
    from ..study import Study

    done = redact(Study.open(study), folder, force=force)
    if quiet:
        return
    click.echo(f"Wrote {len(done.copies)} masked copies to {shown(done.folder)} "
               f"({done.masked} findings masked; UTF-8 text)")
    if done.pseudonyms:
        click.echo(f"{len(done.pseudonyms)} speaker label(s) holding a finding written as "
                   f"Speaker 1, Speaker 2, ... (one number per label), so each "
                   "speaker's turns stay apart when the copies are read")
    if done.as_text:
        click.echo(f"Written as .txt (Word/Excel text, masked): {', '.join(done.as_text)}; "
                   "a manifest for the copies needs these names in its file column")
    if done.as_turns:
        click.echo("Written as a list of {speaker, text, start, end} turns (Rev's JSON, "
                   "each turn's words one string so that a name or number over several "
                   f"words is masked whole; word times and the speakers list left out): "
                   f"{', '.join(done.as_turns)}")
    if done.withheld:
        click.echo(f"Withheld (redact-document), not copied: {', '.join(done.withheld)}")
