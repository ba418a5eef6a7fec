"""Progress bars on stderr (stdout stays pipeable); a do-nothing bar when silent."""
from __future__ import annotations

import sys
from typing import Iterable, Iterator, Sequence, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress_bar(items: Iterable[T], *, desc: str, enabled: bool = False,
                 total: int | None = None, unit: str = "it") -> Iterable[T]:
    """Wrap ``items`` in a tqdm bar on stderr when ``enabled``; otherwise return them."""
    if not enabled:
        return items
    return tqdm(items, desc=desc, total=total, unit=unit, file=sys.stderr, leave=False,
                dynamic_ncols=True)


def clear_of_bars():
    """A context for writing to stderr while a progress bar may be on it: the bars are
    cleared first and drawn again below, so the text has lines of its own."""
    return tqdm.external_write_mode(file=sys.stderr)


def progress_steps(names: Sequence[str], *, desc: str, enabled: bool = False
                   ) -> Iterator[str]:
    """Yield ``names`` in turn, for a task made of a few slow steps; when ``enabled``, a
    bar on stderr shows how many are done and the name of the one under way."""
    bar = progress_bar(names, desc=desc, enabled=enabled, total=len(names), unit="step")
    for name in bar:
        if enabled:
            bar.set_postfix_str(name)
        yield name
