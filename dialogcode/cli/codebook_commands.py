"""dialogcode codebook validate | show | test | import | export."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import cli
from .options import file_named, model_option

files_argument = click.argument("files", nargs=-1, required=True,
                                type=click.Path(exists=True, path_type=Path),
                                callback=lambda ctx, param, value: codebook_paths(value))


def codebook_paths(given: tuple[Path, ...]) -> list[Path]:
    """Codebook files from FILES: a file as given; a study folder (with dialogcode.yaml)
    its study's codebooks; any other folder its .yaml/.yml files."""
    from ..study import CONFIG_NAME, Study

    files: list[Path] = []
    for path in given:
        if path.is_file():
            found = [path]
        elif (path / CONFIG_NAME).is_file():
            found = Study.open(path).codebook_files()
        else:
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".yaml", ".yml"))
            if not found:
                raise click.BadParameter(f"{path} holds no .yaml codebook and no "
                                         f"{CONFIG_NAME}", param_hint="FILES")
        files.extend(f for f in found if f not in files)
    return files


@cli.group()
def codebook():
    """Check, inspect and test codebook files (YAML), merge a cluster patch into one,
    import a codebook from another tool or a spreadsheet, export one for REFI-QDA tools.
    FILES may be codebook files, folders of them, or a study folder (the codebooks its
    dialogcode.yaml names)."""


@codebook.command()
@files_argument
def validate(files):
    """Validate codebook FILES together; report every problem with file, line and
    code id (exit 1 if there is any)."""
    from ..codebook import load_codebooks

    book = load_codebooks(files)
    click.echo(f"OK: {len(book.codes)} codes in {len(book.versions)} codebook(s); "
               + ", ".join(f"{k} version {v}" for k, v in book.versions.items()))
    human = [c.id for c in book.codes.values() if c.human_only]
    if human:
        click.echo(f"Human-only codes (no patterns: people code them, `dialogcode learn` "
                   f"may learn them): {', '.join(human)}")


@codebook.command()
@files_argument
def show(files):
    """Print the code tree of FILES with counts of patterns, examples and
    counter-examples per code."""
    from ..codebook import load_codebooks

    book = load_codebooks(files)
    for name, title in book.titles.items():
        click.echo(f"{title} ({name}, version {book.versions[name]})")
    click.echo(f"{'code':<52} {'patterns':>8} {'examples':>8} {'counter':>8}")
    for depth, code in book.tree():
        name = "  " * depth + code.id + ("" if code.codable else "  (category)") + (
            "  (human-only)" if code.human_only else "")
        click.echo(f"{name:<52} {code.n_patterns:>8} {len(code.examples):>8} "
                   f"{len(code.counter_examples):>8}  {code.label}")


@codebook.command("test")
@files_argument
@model_option
@click.option("--verbose", "-v", is_flag=True, help="List passing examples too.")
def test_command(files, model, verbose):
    """Run every code's examples (must be coded) and counter-examples (must not be)
    through the matcher, like a test runner; exit 1 if any fails."""
    from ..codebook import load_codebooks
    from ..examples import test_examples

    book = load_codebooks(files)
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


IMPORTERS = {".qdc": "qdc", ".yml": "quanteda", ".yaml": "quanteda", ".dic": "liwc",
             ".csv": "spreadsheet", ".xlsx": "spreadsheet"}


@codebook.command("export")
@files_argument
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              callback=file_named(".qdc", what="a REFI-QDA codebook"),
              help="The .qdc file to write.")
def export_command(files, output):
    """Write codebook FILES as one REFI-QDA codebook (.qdc) for NVivo, ATLAS.ti, MAXQDA
    or QualCoder. Definitions, criteria and examples go into each code's Description."""
    from ..codebook import load_codebooks
    from ..interchange.qdc import export_qdc
    from ..store import replacing

    book = load_codebooks(files)
    with replacing(Path(output)) as temporary:
        temporary.write_bytes(export_qdc(book))
    click.echo(f"Wrote {len(book.codes)} codes to {output}")


@codebook.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              callback=file_named(".yaml", ".yml", what="a codebook"),
              help="The codebook YAML file to write (.yaml or .yml).")
@click.option("--format", "fmt",
              type=click.Choice(["qdc", "quanteda", "liwc", "spreadsheet"]),
              help="Input format (default: from the extension: .qdc, .yml/.yaml, .dic, "
                   ".csv/.xlsx).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def import_command(file, output, fmt, force):
    """Turn a REFI-QDA codebook (.qdc), a quanteda YAML dictionary, a LIWC .dic or a
    spreadsheet codebook (.csv/.xlsx: a row per code with columns such as code, label,
    definition, parent) into a new dialogcode codebook YAML file. Wildcards such as
    `abus*` become token patterns; spreadsheet codes have none (human-only codes).
    The result is checked with `codebook validate`; review and edit it before use."""
    from ..codebook import load_codebooks
    from ..interchange import write_codebook_yaml
    from ..interchange.dictionaries import import_liwc, import_quanteda
    from ..interchange.qdc import import_qdc
    from ..interchange.spreadsheet import import_spreadsheet

    fmt = fmt or IMPORTERS.get(Path(file).suffix.lower())
    if fmt is None:
        raise click.UsageError(f"cannot tell the format of {file}; give --format")
    if Path(output).exists() and not force:
        raise click.UsageError(f"{output} exists; codebooks are never overwritten without "
                               "--force")
    reader = {"qdc": import_qdc, "quanteda": import_quanteda, "liwc": import_liwc,
              "spreadsheet": import_spreadsheet}[fmt]
    write_codebook_yaml(reader(Path(file)), Path(output))
    book = load_codebooks(Path(output))
    click.echo(f"Wrote {len(book.codes)} codes to {output} (valid codebook)")
    made = [c.label for c in book.codes.values() if not c.codable]
    if fmt == "spreadsheet" and made:    # a misspelt parent would make one of these
        click.echo(f"{len(made)} categor{'y' if len(made) == 1 else 'ies'} named only in "
                   f"the parent column (no row of their own): {', '.join(made)}; check "
                   "that each is spelt as its code or label")
