"""Progress bars on stderr (stdout stays pipeable); a do-nothing bar when silent."""
from __future__ import annotations

import sys
from typing import Iterable, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress_bar(items: Iterable[T], *, desc: str, enabled: bool = False,
                 total: int | None = None, unit: str = "it") -> Iterable[T]:
    """Wrap ``items`` in a tqdm bar on stderr when ``enabled``; otherwise return them."""
    if not enabled:
        return items
    return tqdm(items, desc=desc, total=total, unit=unit, file=sys.stderr, leave=False,
                dynamic_ncols=True)
