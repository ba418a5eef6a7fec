"""dialogcode codebook validate | show | test."""
from __future__ import annotations

import sys

import click

from ..codebook import load_codebooks
from ..examples import test_examples
from . import cli
from .options import model_option

files_argument = click.argument("files", nargs=-1, required=True,
                                type=click.Path(exists=True, dir_okay=False))


@cli.group()
def codebook():
    """Check, inspect and test codebook files (YAML)."""


@codebook.command()
@files_argument
def validate(files):
    """Validate codebook FILES together; report every problem with file, line and
    code id (exit 1 if there is any)."""
    book = load_codebooks(list(files))
    click.echo(f"OK: {len(book.codes)} codes in {len(book.versions)} codebook(s); "
               + ", ".join(f"{k} version {v}" for k, v in book.versions.items()))


@codebook.command()
@files_argument
def show(files):
    """Print the code tree of FILES with counts of patterns, examples and
    counter-examples per code."""
    book = load_codebooks(list(files))
    for name, title in book.titles.items():
        click.echo(f"{title} ({name}, version {book.versions[name]})")
    click.echo(f"{'code':<52} {'patterns':>8} {'examples':>8} {'counter':>8}")
    for depth, code in book.tree():
        name = "  " * depth + code.id + ("" if code.codable else "  (category)")
        click.echo(f"{name:<52} {code.n_patterns:>8} {len(code.examples):>8} "
                   f"{len(code.counter_examples):>8}  {code.label}")


@codebook.command("test")
@files_argument
@model_option
@click.option("--verbose", "-v", is_flag=True, help="List passing examples too.")
def test_command(files, model, verbose):
    """Run every code's examples (must be coded) and counter-examples (must not be)
    through the matcher, like a test runner; exit 1 if any fails."""
    book = load_codebooks(list(files))
    results = test_examples(book, model=model or "blank")
    for row in results.itertuples():
        if verbose or not row.passed:
            status = "PASS" if row.passed else "FAIL"
            want = "should match" if row.kind == "example" else "should not match"
            click.echo(f"{status} {row.code_id} {row.kind}: {row.text!r}")
            if not row.passed:
                click.echo(f"     {want}; matched: {row.matched or 'nothing'}")
    failed = int((~results["passed"]).sum())
    click.echo(f"{len(results) - failed} passed, {failed} failed")
    if failed:
        sys.exit(1)
