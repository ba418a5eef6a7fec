"""The privacy scan and masking take shortcuts for speed (segments scanned in batches
joined by a separator; a cell masked only with the findings whose first word it
holds); they must find and mask exactly what the plain way does: every text scanned
alone with every pattern, every cell searched with one pattern of all findings."""
import re

from dialogcode.privacy.detect import _BATCH, hits_by_text, pattern_hits
from dialogcode.privacy.masking import BLOCK, Masker

# turns that probe the edges of a text: names opening it or closing it, a trigger
# cut off by its end, identifiers at both ends, capitals outside ASCII, no capitals
TEXTS = [
    "Rosa, she said we should call the clinic.",
    "Maria told us about it. Lupe said so too.",
    "call me at 555-867-5309",
    "555-1234 is the number, or write to ana.lopez@example.org",
    "my name is",
    "Kenji",
    "We met with Ngozi and her cousin Adaeze yesterday.",
    "born on 3/14/1990, case number 4471-B, zip 94110",
    "Óscar and Łukasz came; Óscar spoke first.",
    "I told Jose\u0301 and my cousin Zoe\u0308, then Nguye\u0302\u0303n said so.",
    "see https://example.org/a?b=1 or www.example.com @handle_1",
    "no capitals here, no digits either",
    "",
    "It was Mr. Thompson who asked Priya.\nHonestly, Tomasz said nothing.",
    "a stray \x00 byte, then Rosa said hello",
    "ends with a name: Deshawn",
    "12 Main Street and 450 Elm Ave.",
    "I am Jorge Ramirez, and with Beatriz we run it.",
]


def test_batched_scan_finds_what_scanning_each_text_alone_finds():
    texts = TEXTS * (_BATCH // len(TEXTS) + 2)      # more than one batch
    lower = {"we", "call", "no"}
    expected = [pattern_hits(text, lower) for text in texts]
    assert hits_by_text(texts, lower) == expected
    found = {text[s:e] for text, hits in zip(texts, expected) for s, e, *_ in hits}
    # a name opening a text ("Kenji": the start of a text inside a batch), identifiers
    # ending one, triggers, names outside ASCII
    assert {"Rosa", "Kenji", "555-867-5309", "ana.lopez@example.org", "Óscar", "Łukasz",
            "Thompson", "4471-B", "12 Main Street"} <= found


def _plain(masker: Masker, value: str, label: bool) -> str:
    """What masking was before the shortcut: one pattern of every finding."""
    pattern = masker.pattern
    if label:
        return pattern.sub(lambda m: masker.labels[" ".join(m[0].split())], value)
    return pattern.sub(lambda m: BLOCK * len(m[0]), value)


def test_masking_a_cell_with_the_findings_it_can_hold_masks_the_same():
    masker = Masker({"Dave Gelbart": "[NAME]", "Dave": "[NAME]", "O'Brien": "[NAME]",
                     "555-1234": "[PHONE]", "@handle_1": "[HANDLE]",
                     "ana.lopez@example.org": "[EMAIL]", "Óscar": "[NAME]",
                     "Gelbart": "[NAME]"})
    values = ["Dave Gelbart came", "Dave\nGelbart, wrapped over two lines", "Davewood",
              "ask O'Brien or Brien", "call 555-1234 or 555-12345", "x@handle_1 @handle_1!",
              "mail ana.lopez@example.org.", "Óscar, Óscarito", "nothing to mask", "",
              "Gelbart and Dave and DaveGelbart"]
    for value in values:
        assert masker.for_readers(value) == _plain(masker, value, True), value
        assert masker.in_place(value) == _plain(masker, value, False), value
        assert masker.excerpt(value, 0, len(value)) == _plain(masker, value, True), value
    assert masker.for_readers("Dave Gelbart came") == "[NAME] came"
    assert masker.in_place("Davewood") == "Davewood"
    assert masker.excerpt("call 555-1234 or", 6, 9) == "[PHONE]"    # cut by the window
    assert Masker().pattern_in("Dave") is None
    assert re.search(BLOCK, masker.in_place("ask O'Brien"))
