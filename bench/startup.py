"""Start-up time of the command line (issue targets in bench/README.md).

Times, each in a fresh process and in the same run:
  the baseline `python -c "import click"`,
  `dialogcode --help`, `dialogcode --version`, `dialogcode X --help` for every command
  and sub-command, `dialogcode init` and `dialogcode codebook validate` (the shipped
  codebooks),
and prints the best of --repeats wall times of each with its ratio to the baseline's
(absolute times drift on shared machines; the ratio is what the target is about).
Commands are timed in turns, round after round, so that a busy spell of the machine
falls on all of them alike.

    python bench/startup.py [--repeats 5] [--target 3]
"""
from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogcode.cli import cli  # noqa: E402

CODEBOOKS = sorted(str(p) for p in (ROOT / "dialogcode" / "data" / "codebooks").glob(
    "*.yaml"))


def help_commands(group=cli, prefix=()):
    """The argument lists of `--help` for every command and sub-command."""
    for name, command in sorted(group.commands.items()):
        yield [*prefix, name, "--help"]
        if hasattr(command, "commands"):
            yield from help_commands(command, (*prefix, name))


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--target", type=float, default=3.0,
                        help="Largest ratio to the baseline that meets the target.")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    dialogcode = [sys.executable, "-m", "dialogcode"]
    with tempfile.TemporaryDirectory() as scratch:
        runs = itertools.count()
        cases = {"baseline: python -c 'import click'": lambda: [sys.executable, "-c",
                                                                 "import click"],
                 "dialogcode --help": lambda: [*dialogcode, "--help"],
                 "dialogcode --version": lambda: [*dialogcode, "--version"]}
        for argv in help_commands():
            cases["dialogcode " + " ".join(argv)] = lambda argv=argv: [*dialogcode, *argv]
        cases["dialogcode init DIR"] = lambda: [*dialogcode, "init",
                                                f"{scratch}/study{next(runs)}"]
        cases["dialogcode codebook validate (shipped)"] = lambda: [
            *dialogcode, "codebook", "validate", *CODEBOOKS]
        best = {name: float("inf") for name in cases}
        for _ in range(args.repeats):
            for name, argv in cases.items():
                best[name] = min(best[name], timed(argv(), env))
    baseline = best.pop(next(iter(cases)))
    width = max(map(len, best))
    print(f"{'command':<{width}}  seconds  x baseline")
    print(f"{'baseline: python -c import click':<{width}}  {baseline:7.3f}       1.00")
    for name, seconds in best.items():
        print(f"{name:<{width}}  {seconds:7.3f}  {seconds / baseline:9.2f}")
    worst = max(best, key=best.get)
    helps = {n: s for n, s in best.items() if "--help" in n or "--version" in n}
    slowest_help = max(helps, key=helps.get)
    print(f"\nBest of {args.repeats} runs each. Slowest --help/--version: {slowest_help} "
          f"{helps[slowest_help] / baseline:.2f}x (target {args.target:g}x: "
          f"{'met' if helps[slowest_help] / baseline <= args.target else 'NOT met'}); "
          f"slowest command: {worst} {best[worst] / baseline:.2f}x.")


if __name__ == "__main__":
    main()
