"""The ``dialogcode`` command line: thin Click wrappers over the library.

Exit codes: 0 success, 1 bad data (the message names file and line), 2 bad usage.
"""
from __future__ import annotations

import errno
import warnings

import click

from ..errors import ArgumentError, DialogcodeError, DialogcodeWarning


class DataError(click.ClickException):
    """A library error: every problem on its own line; exit code 2 for bad usage
    (:class:`ArgumentError`), 1 for bad data."""

    def __init__(self, error: DialogcodeError):
        self.exit_code = 2 if isinstance(error, ArgumentError) else 1
        problems = error.problems
        if len(problems) == 1:
            message = str(problems[0])
        else:
            message = f"{len(problems)} problems:\n" + "\n".join(f"  {p}" for p in problems)
        super().__init__(message)


class Group(click.Group):
    """Turns the library's errors into clean messages and exit codes 1 or 2, and a file
    that cannot be read or written (a missing folder, no permission, a full disk) into
    a message naming it (exit 1); prints each distinct :class:`DialogcodeWarning`, the
    library's and the commands' own (:func:`~dialogcode.cli.options.warn`), on stderr as
    ``Warning: ...`` where it is raised, in order with the command's other output (on
    a line of its own, a progress bar cleared first and drawn again below it), and
    once however often it is raised (`run` learns and evaluates from the same files)."""

    def invoke(self, ctx):
        said: set[str] = set()
        shown = warnings.showwarning

        def show(message, category, *args, **kwargs):
            from ..progress import clear_of_bars

            if not issubclass(category, DialogcodeWarning):
                with clear_of_bars():
                    shown(message, category, *args, **kwargs)
            elif str(message) not in said:
                said.add(str(message))
                with clear_of_bars():       # not after a progress bar on its line
                    click.echo(f"Warning: {message}", err=True)

        with warnings.catch_warnings():
            warnings.simplefilter("always", DialogcodeWarning)
            warnings.showwarning = show
            return self._invoke(ctx)

    def _invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DialogcodeError as exc:
            raise DataError(exc) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:    # output piped to `head`: Click handles it
                raise
            reason = exc.strerror or str(exc)
            raise DataError(DialogcodeError(reason, file=exc.filename)) from None


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dialogcode")
def cli():
    """Code dialogue transcripts with codebooks of spaCy rules, keeping the evidence
    (document, offsets, quote, rule) for every code assigned.

    A study is a folder made by `dialogcode init`; `dialogcode run` builds everything
    from its dialogcode.yaml, and each stage is also its own command.
    """


def main():
    cli(prog_name="dialogcode")


from . import (cluster_commands, codebook_commands, coding_commands,  # noqa: E402,F401
               evidence_commands, import_commands, learn_commands, privacy_commands,
               review_commands,
               study_commands)
