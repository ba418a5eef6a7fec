"""The pattern the gate matches the findings' texts with (:mod:`.masking`): each
standing alone, composed or decomposed, some in any case or in capitals too."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .letters import MARK
from .words import CONTRACTED


@lru_cache(maxsize=4096)
def findings_pattern(texts: tuple[str, ...], flags: int = 0,
                     any_case: frozenset[str] = frozenset(), kept: frozenset[str] = frozenset(),
                     capitals: frozenset[str] = frozenset()) -> re.Pattern | None:
    """Any of ``texts`` standing alone (see :attr:`~.masking.Masker.pattern`), composed or
    decomposed (NFC or NFD: "José" with its accent a letter of its own or a mark after
    the "e"), those of ``any_case`` in any case and those of ``capitals`` in capitals
    too, but as one of ``kept``."""
    if not texts:
        return None

    def forms(t):
        return sorted({unicodedata.normalize(f, t) for f in ("NFC", "NFD")})

    def spelled(t):
        return "|".join(r"\s+".join(re.escape(w) for w in form.split()) for form in forms(t))

    def word(t):
        escaped = spelled(t)
        if t not in any_case and t not in capitals:
            return f"(?:{escaped})"
        same = (lambda k: k.lower() == t.lower()) if t in any_case else (
            lambda k: k.upper() == t.upper())
        spared = "|".join(re.escape(form) for k in sorted(kept) if same(k)
                          for form in forms(k))
        spared = rf"(?!(?:{spared})(?!\w))" if spared else ""
        if t in any_case:
            return spared + f"(?i:{escaped})"
        return f"(?:{escaped}|{spared}(?:{spelled(t.upper())}))"

    words = [word(t) for t in texts]
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + rf")(?!\w|{MARK}|{CONTRACTED})", flags)
