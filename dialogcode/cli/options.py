"""Options shared by several commands.

The command modules import only click and these at the top, and the library inside
each command, so that `dialogcode --help` and `dialogcode X --help` start at once.
"""
from __future__ import annotations

from pathlib import Path

import click

study_argument = click.argument("study", default=".", type=click.Path(file_okay=True,
                                                                       path_type=str))
quiet_option = click.option("--quiet", "-q", is_flag=True,
                            help="No progress bars (stderr) and no summary.")


def echo_problems(title: str, problems, *, err: bool = True) -> None:
    if problems:
        click.echo(f"{title} ({len(problems)}):", err=err)
        for problem in problems:
            click.echo(f"  {problem}", err=err)

model_option = click.option("--model", help="spaCy pipeline to use instead of `model` in "
                                            "dialogcode.yaml (e.g. en_core_web_sm).")


def shown(path) -> str:
    """``path`` relative to the working directory when it is below it (shorter to read)."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def echo_table(df) -> None:
    """Print a DataFrame with text columns left-aligned and numbers right-aligned."""
    import pandas as pd

    columns = []
    for name in df.columns:
        cells = [name] + ["" if pd.isna(v) else str(v) for v in df[name]]
        width = max(len(c) for c in cells)
        numeric = pd.api.types.is_numeric_dtype(df[name])
        columns.append([c.rjust(width) if numeric else c.ljust(width) for c in cells])
    for row in zip(*columns):
        click.echo("  ".join(row).rstrip())
