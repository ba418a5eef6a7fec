"""privacy scan: residual identifiers in the transcripts (docs/privacy.md)."""
from __future__ import annotations

import click

from . import cli
from .options import echo_table, quiet_option, shown, study_argument


@cli.group()
def privacy():
    """Find names, phone numbers, emails, addresses and other identifiers that
    de-identification left in the transcripts, so a person decides on each (keep or
    redact, in privacy-decisions.csv) before quotes leave the study."""


@privacy.command("scan")
@study_argument
@click.option("--fresh", is_flag=True,
              help="Run every detector again even when the segments, privacy.yaml and "
                   "the model did not change since the last scan.")
@quiet_option
def privacy_scan(study, fresh, quiet):
    """Scan every segment of STUDY (run `dialogcode ingest` first) for candidate
    identifiers: person names (spaCy NER when the pipeline has `ner`, and names after
    "my name is", "I'm", "told", "Mr./Ms./Dr.", "my cousin" ...), phone numbers, emails,
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
                       "in) and write keep or redact in its `decision` column.")
    if len(stale):
        click.echo(f"{len(stale)} row(s) of {DECISIONS} match no finding (the document "
                   "or privacy.yaml changed): lines "
                   + ", ".join(str(n) for n in stale["line"].head(10)), err=True)
