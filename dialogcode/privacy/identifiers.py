"""Patterned identifiers in segment text (docs/privacy.md): emails, URLs, handles,
phones, addresses, IDs, ZIP codes and dates of birth, each a :data:`Hit`; detect.py
runs them beside its name detectors."""
from __future__ import annotations

import re

# a detector's find: ``(start, end, kind, detector)``, offsets into the text it was given
Hit = tuple[int, int, str, str]
_PATTERNS: dict[str, re.Pattern] = {
    "email": re.compile(r"\b[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b"),
    "url": re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]"),
    "handle": re.compile(r"(?<![\w@.])@[A-Za-z0-9_]{2,30}\b"),
    "phone": re.compile(r"(?<![\w-])(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}"
                        r"(?![\w-])|(?<![\w-])\d{3}-\d{4}(?![\w-])"),
    "address": re.compile(r"\b\d{1,5} (?:[A-Z][a-z]+ ){1,3}(?:Street|St|Avenue|Ave|Road|"
                          r"Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|"
                          r"Highway|Hwy)\b\.?"),
    # a social security number, or a run of six or more digits
    "id": re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])|"
                     r"(?<![\w$.,:-])\d{6,}(?![\w,]|[.:]\d)"),
    "zip": re.compile(r"(?<![\w$.,-])\d{5}(?:-\d{4})?(?![\w,]|\.\d)"),
}
# an ID after a word that announces one: "case number 4471-B", "member #A1234"
_ANNOUNCED_ID = re.compile(r"(?i:\b(?:case|id|account|member|file|license|licence|record|"
                           r"badge|policy)\s*(?:number|no\.?|num|#)\s*(?:is\s+|:\s*)?#?\s*)"
                           r"([A-Za-z]?\d[\w-]{2,})")
# a code of capitals and digits, its parts joined by hyphens ("AB12345", "DV-2019-0042");
# an ID when a capital goes before a run of four digits or more and it holds five digits
# or more, four of them outside a year ("2019-CV-00123"; not "COVID-19", "H1B", "RTX4090",
# "FY2024-25", "Q3-2024"), or, after a cue ("case", "ID", "number", "#"), when a
# capital goes before a run of four digits ("ID A1234", "case DV-2019"); not a handle ("@AB12345")
_CODE = re.compile(r"(?<![\w$./:@-])[A-Z0-9]+(?:-[A-Z0-9]+)*(?![\w-]|[./:]\d)")
_CUED = re.compile(r"(?:\b(?i:case|number|no\.)|\bID|#)\s*:?\s*#?\s*\Z")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
          r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|{_MONTH}\.? \d{{1,2}}(?:st|nd|rd|th)?"
         rf"(?:,? \d{{4}})?|\d{{1,2}} {_MONTH} \d{{4}})")
_DOB = re.compile(rf"(?i:\b(?:born(?: on)?|birthday(?: is)?|date of birth(?: is)?|d\.?o\.?b"
                  rf"\.?:?)\s*)({_DATE})")
# what every pattern of :func:`identifier_hits` needs somewhere in the text
IDENTIFIER_SIGNS = re.compile(r"[@\d]|www\.|https?://")


def identifier_hits(text: str) -> list[Hit]:
    """Emails, URLs, handles, phones, addresses, IDs, ZIPs and dates of birth in
    ``text``: each needs a digit, an @ or a web address (:data:`IDENTIFIER_SIGNS`)."""
    hits: list[Hit] = []
    for kind, pattern in _PATTERNS.items():
        hits += [(m.start(), m.end(), kind, "pattern") for m in pattern.finditer(text)]
    hits += [(m.start(1), m.end(1), "id", "pattern") for m in _ANNOUNCED_ID.finditer(text)]
    hits += [(m.start(1), m.end(1), "dob", "pattern") for m in _DOB.finditer(text)]
    hits += [(m.start(), m.end(), "id", "pattern") for m in _CODE.finditer(text)
             if _looks_like_an_id(text, m.start(), m[0])]
    emails = [(s, e) for s, e, k, _ in hits if k == "email"]
    urls = [(s, e) for s, e, k, _ in hits if k == "url"]
    # a handle or ID inside an email, a ZIP, phone or ID inside a URL is the same thing
    return [h for h in hits
            if not (h[2] in ("handle", "url", "id") and _inside(h, emails))
            and not (h[2] in ("zip", "phone", "id", "handle") and _inside(h, urls))]


def _looks_like_an_id(text: str, start: int, code: str) -> bool:
    """Whether ``code``, a :data:`_CODE` at ``start`` of ``text``, reads as an ID."""
    if not re.search(r"[A-Z][A-Z-]*\d{4}", code):
        return False
    digits = sum(c.isdigit() for c in code)
    return (digits >= 5 and digits - 4 * len(_YEAR.findall(code)) >= 4) \
        or _CUED.search(text, max(0, start - 12), start) is not None


def _inside(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    return any(s <= hit[0] and hit[1] <= e and (s, e) != hit[:2] for s, e in spans)
