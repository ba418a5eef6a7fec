"""Options shared by several commands.

The command modules import only click and these at the top, and the library inside
each command, so that `dialogcode --help` and `dialogcode X --help` start at once.
"""
from __future__ import annotations

import difflib
from pathlib import Path

import click

from ..errors import printable

ALLOW_OUTSIDE = "dialogcode.allow_outside"
# commands that write nothing in the study (`agree` and `review export` given -o
# elsewhere): they read a study none of whose folders can be written without its lock
READING_COMMANDS = frozenset({"kwic", "agree", "review export"})


def _study_folder(ctx, param, value) -> str:
    """Open the study (when not given: the one holding the working directory, as git
    finds a repository), refuse an output folder that is a file, is in the transcripts
    folder, or is outside the study unless --allow-outside, hold
    the study's lock while the command runs (.dialogcode.lock: two commands never write
    one study at once; one of :data:`READING_COMMANDS` reads a read-only study without
    it), and hand the command the study folder."""
    from ..lock import study_lock
    from ..study import Study

    study = Study.open(value)
    study.check_output_inside(allow_outside=bool(ctx.meta.get(ALLOW_OUTSIDE)))
    command = " ".join(ctx.command_path.split()[1:])
    ctx.with_resource(study_lock(study.root, ctx.command_path,
                                 reading=command in READING_COMMANDS))
    return str(study.root)


def _allow_outside(ctx, param, value) -> None:
    ctx.meta[ALLOW_OUTSIDE] = value


allow_outside_option = click.option(
    "--allow-outside", is_flag=True, is_eager=True, expose_value=False,
    callback=_allow_outside, help="Write to the `output:` folder of dialogcode.yaml even "
                                  "when it is outside the study folder.")


def study_argument(command):
    """The STUDY argument (default: the study holding the working directory) and
    --allow-outside."""
    argument = click.argument("study", required=False, callback=_study_folder,
                              type=click.Path(path_type=str))
    return allow_outside_option(argument(command))


def study_option(command):
    """--study/-s (default: the study holding the working directory) and --allow-outside."""
    option = click.option("--study", "-s", callback=_study_folder,
                          type=click.Path(path_type=str),
                          help="Study folder (default: the one holding the working "
                               "directory).")
    return allow_outside_option(option(command))

def quiet_keeping(kept: str = ""):
    """The --quiet/-q option, its help naming what the command still prints (``kept``)."""
    return click.option("--quiet", "-q", is_flag=True,
                        help="No progress bars (stderr) and no summary"
                             + (f"; still prints {kept}" if kept else "")
                             + ". Warnings and errors are still printed.")


quiet_option = quiet_keeping()


def seed_option(help_text: str = "Random seed."):
    """--seed: a whole number numpy and scikit-learn accept (0 to 2**32 - 1)."""
    return click.option("--seed", default=0, show_default=True,
                        type=click.IntRange(0, 2**32 - 1), help=help_text)


def file_named(*suffixes: str, what: str):
    """An option callback refusing (exit 2) a file path whose extension is not one of
    ``suffixes``, as :func:`check_suffix` does; ``what`` is the kind of file written."""
    def check(ctx, param, value):
        if value is not None:
            check_suffix(value, suffixes, what)
        return value
    return check


def check_suffix(path, suffixes, what: str) -> None:
    """Refuse (exit 2) a file ``path`` given with -o whose extension (any case) is not
    one of ``suffixes``: a file named ``x.txt`` or ``agreement`` would hold another
    format than its name says. The one rule for every -o file: the extension is never
    added or changed, a name that does not end in it is refused. ``what`` is the kind of
    file written (``an HTML report``)."""
    if Path(path).suffix.lower() not in suffixes:
        raise click.BadParameter(f"{path}: the file written is {what}, so its name must "
                                 f"end in {' or '.join(suffixes)}", param_hint="'-o'")


def check_codes(codes, known, option: str = "--code") -> None:
    """Refuse (exit 2) code ids given with ``option`` that are not in ``known``, naming
    the closest known ids."""
    for code in codes:
        if code not in known:
            close = difflib.get_close_matches(code, sorted(known), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise click.BadParameter(f"{code!r} is not a code id of the codebook{hint}",
                                     param_hint=f"'{option}'")


def once_each(problems) -> list:
    """``problems`` with a message given at the same line of several files (a note every
    file of a study gets) listed once, after the first three of those files."""
    places: dict[tuple, list] = {}
    for problem in problems:
        places.setdefault((problem.message, problem.line), []).append(problem)
    listed = []
    for (message, _), where in places.items():
        if len(where) == 1:
            listed.append(where[0])
            continue
        more = f" and {len(where) - 3} more" if len(where) > 3 else ""
        listed.append(printable(", ".join(f"{p.file}:{p.line}" if p.line else str(p.file)
                                         for p in where[:3]) + f"{more}: {message}"))
    return listed


def echo_problems(title: str, problems, *, err: bool = True) -> None:
    if problems:
        click.echo(f"{title} ({len(problems)}):", err=err)
        for problem in problems:
            click.echo(f"  {problem}", err=err)

def _installed_model(ctx, param, value):
    """Refuse (exit 2) a --model that is not an installed spaCy pipeline."""
    if value is not None:
        from ..errors import ConfigError
        from ..nlp import load_pipeline

        try:
            load_pipeline(value)
        except ConfigError:
            raise click.BadParameter(f"spaCy pipeline {value!r} is not installed; install "
                                     "its package, or give --model blank (no download "
                                     "needed)") from None
    return value


model_option = click.option("--model", callback=_installed_model,
                            help="spaCy pipeline to use instead of `model` in "
                                 "dialogcode.yaml (e.g. en_core_web_sm).")


def shown(path) -> str:
    """``path`` relative to the working directory when it is below it (shorter to read)."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def table_text(df) -> str:
    """A DataFrame as lines of text, text columns left-aligned and numbers right-aligned."""
    import pandas as pd

    columns = []
    for name in df.columns:
        cells = [name] + ["" if pd.isna(v) else str(v) for v in df[name]]
        width = max(len(c) for c in cells)
        numeric = pd.api.types.is_numeric_dtype(df[name])
        columns.append([c.rjust(width) if numeric else c.ljust(width) for c in cells])
    return "\n".join("  ".join(row).rstrip() for row in zip(*columns))


def echo_table(df) -> None:
    """Print a DataFrame (:func:`table_text`); nothing for one without columns."""
    text = table_text(df)
    if text:
        click.echo(text)


def warn(message: str) -> None:
    """Warn the user: the command group prints it on stderr at once, as ``Warning:
    message``, and a message given already in this command not again (see
    :class:`~dialogcode.cli.Group`), as it does the library's warnings."""
    from ..errors import DialogcodeWarning, warn as raise_warning

    raise_warning(DialogcodeWarning(message), stacklevel=2)

scheduler_option = click.option(
    "--scheduler", metavar="ADDRESS",
    help="Run on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786) instead "
         "of the `engine:` of dialogcode.yaml; needs `pip install 'dialogcode[dask]'` "
         "(docs/scale.md).")
