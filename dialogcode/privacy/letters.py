"""The letters of names in regular expressions: a capital and the letters that go on a
word after it, in every script with capitals, accents composed or decomposed, and a
capitalised name (docs/privacy.md)."""
from __future__ import annotations

import sys
import unicodedata

from .words import CAMEL_PREFIXES, CONTRACTED


def _letters(categories: tuple[str, ...]) -> str:
    """A character class of the letters (and marks) of Unicode ``categories`` in the
    blocks of scripts with capitals: Latin, Greek, Cyrillic, Armenian, Georgian,
    Cherokee and the like below U+3000, their extensions, full-width Latin, Deseret and
    Adlam (a scan of them all would cost half a second at import)."""
    blocks = ((0, 0x3000), (0xA640, 0xAC00), (0xFF00, 0xFFF0), (0x10400, 0x10500),
              (0x1E900, 0x1E960))
    points = [cp for lo, hi in blocks for cp in range(lo, min(hi, sys.maxunicode + 1))
              if unicodedata.category(chr(cp)) in categories]
    runs, first = [], points[0]
    for prev, cp in zip(points, points[1:] + [-1]):
        if cp != prev + 1:
            runs.append(f"\\U{first:08x}-\\U{prev:08x}")
            first = cp
    return "[" + "".join(runs) + "]"


# a capital of any of those scripts ("J", "Ł", "Ö"); a letter that goes on a word after
# it: a small or caseless letter, or a combining mark (the accent of a decomposed, NFD,
# "é"); :data:`MARK` an accent of the combining diacritical blocks, those that NFD
# splits off letters with capitals (a short class: the gate compiles it for each cell)
UPPER = _letters(("Lu", "Lt"))
LOWER = _letters(("Ll", "Lm", "Lo", "Mn", "Mc", "Me"))
MARK = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
# a capitalised word (a part after a hyphen or an apostrophe too: "Jean-Étienne",
# "Dell'Acqua"), with a surname's prefix before its capital ("O'Brien", "D’Angelo",
# "McCoy", "MacDonald") or a given name's or surname's before a capitalised rest of
# three letters or more (:data:`~.words.CAMEL_PREFIXES`: "DeShawn", "LaKeisha",
# "DeLeon"), never from inside a word ("Brien" of "O'Brien"), nor the first part of a
# contraction ("Don" of "Don't")
_CAMEL = "|".join(CAMEL_PREFIXES)
NAME = (rf"(?<!\w['\u2019])(?:{UPPER}['\u2019]|Ma?c(?={UPPER})|"
        rf"(?:{_CAMEL})(?={UPPER}{LOWER}{{2}}))?{UPPER}{LOWER}+"
        rf"(?:-{UPPER}{LOWER}+|'{UPPER}{LOWER}+)?(?!{LOWER}|{CONTRACTED})")


def spellings(words) -> str:
    """An alternation of ``words``, each capitalised or not, composed or decomposed."""
    return "|".join(sorted({unicodedata.normalize(form, spelling) for word in words
                            for spelling in (word, word[0].lower() + word[1:])
                            for form in ("NFC", "NFD")}, key=len, reverse=True))
