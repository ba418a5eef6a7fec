"""Other tools' exports of real human coding, imported back: do the codings land where
the coder put them?

The human coding is ../shared/data/human-coded-answers/bopp_test_coded_texts.csv: 90
answers with 325 spans marked inline (31 codes). Each answer becomes a transcript of a
study (``P1: <answer>``), each code a code of its codebook (label = the coder's name),
and dialogcode's own inline-markup reader gives the truth: document, code, start, end.
The same codings are then written as other tools export them and imported:

- **maxqda**: a MAXQDA coded-segments sheet, one row per span and code, the span's text
  as the transcript holds it;
- **maxqda retyped**: the same, its text as it comes back from a tool that changed it:
  straight quotes and apostrophes made curly, ``...`` an ellipsis character, one space
  a line break and another two spaces (seeded);
- **atlasti**: an ATLAS.ti quotations sheet, one row per span, its codes one a line.

For each: of the human codings, how many come back on the same span (start and end), on
the same words (less outer spaces and punctuation, as a tolerant match gives them), or
overlapping it; how many rows are listed as not located (ambiguous or unfound: never
written); and how many codings land where the coder put none of that code (wrong: the
figure that must be 0). The baseline in the same run is
the plain way to do it: the first place the text occurs (``str.find``).

    python bench/import_tools.py
"""
from __future__ import annotations

import csv
import random
import re
import sys
import tempfile
from pathlib import Path

import openpyxl
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dialogcode import Study  # noqa: E402
from dialogcode.codebook import load_codebooks  # noqa: E402
from dialogcode.importers import import_codings  # noqa: E402
from dialogcode.importers.base import Documents  # noqa: E402
from dialogcode.importers.markup import read_markup  # noqa: E402
from dialogcode.ingest import ingest, load_corpus, write_corpus  # noqa: E402

SOURCE = ROOT.parent / "shared" / "data" / "human-coded-answers" / "bopp_test_coded_texts.csv"
MARKED = re.compile(r"<sup>(.*?)</sup>")
SPAN = re.compile(r"\*\*([^*]+)\*\*<sup>[^<]*</sup>")


def build(root: Path) -> tuple[dict[str, str], list[str]]:
    """The study (transcripts, codebook, markup copies); (code name -> id, documents)."""
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        answers = list(csv.DictReader(handle))
    names = sorted({n.strip() for a in answers for cell in MARKED.findall(a["coded_text"])
                    for n in cell.split(";") if n.strip()})
    ids = {name: f"c{i:02d}" for i, name in enumerate(names, start=1)}
    (root / "transcripts").mkdir(parents=True)
    (root / "marked").mkdir()
    documents = []
    for number, answer in enumerate(answers, start=1):
        doc = f"a{number:03d}"
        documents.append(doc)
        plain = SPAN.sub(r"\1", answer["coded_text"])   # the words the coder marked up
        (root / "transcripts" / f"{doc}.txt").write_text(f"P1: {plain}\n",
                                                         encoding="utf-8")
        (root / "marked" / f"{doc}.md").write_text(f"P1: {answer['coded_text']}\n",
                                                   encoding="utf-8")
    book = {"codebook": "bopp", "title": "Answers", "codes": [
        {"id": code, "label": name, "definition": name} for name, code in ids.items()]}
    (root / "codebook.yaml").write_text(yaml.safe_dump(book), encoding="utf-8")
    (root / "dialogcode.yaml").write_text(
        "title: Answers\ncodebooks: [codebook.yaml]\nmanifest: null\n", encoding="utf-8")
    return ids, documents


def retyped(text: str, rng: random.Random) -> str:
    """``text`` as a tool may give it back: curly quotes, an ellipsis character, one
    space a line break and another two."""
    text = re.sub(r"'", "\u2019", text).replace("...", "\u2026")
    text = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text)
    spaces = [m.start() for m in re.finditer(" ", text)]
    for at, gap in zip(sorted(rng.sample(spaces, min(2, len(spaces))), reverse=True),
                       ("\n", "  ")):
        text = text[:at] + gap + text[at + 1:]
    return text


def sheet(path: Path, header: list[str], rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def score(found: set, truth: set, text: dict[str, str]) -> dict[str, int]:
    """How the human codings (doc, code, start, end) ``truth`` come back in ``found``:
    on the same span; on the same words (the span less outer spaces and punctuation,
    as a tolerant match gives it); overlapping it; and the codings found that overlap
    no human coding of their code (wrong)."""
    def words(doc: str, start: int, end: int) -> tuple[int, int]:
        piece = text[doc][start:end]
        lead = len(piece) - len(re.sub(r"^[\W_]+", "", piece))
        return start + lead, start + len(re.sub(r"[\W_]+$", "", piece))

    def overlaps(a, b) -> bool:
        return a[:2] == b[:2] and a[2] < b[3] and b[2] < a[3]

    trimmed = {(d, c, *words(d, s, e)) for d, c, s, e in found}
    return {"same span": len(truth & found),
            "same words": sum((d, c, *words(d, s, e)) in trimmed for d, c, s, e in truth),
            "overlapping": sum(any(overlaps(t, f) for f in found) for t in truth),
            "wrong": sum(not any(overlaps(f, t) for t in truth) for f in found)}


def main() -> None:
    if not SOURCE.is_file():
        sys.exit(f"no {SOURCE}")
    root = Path(tempfile.mkdtemp()) / "study"
    ids, documents = build(root)
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    corpus, book = load_corpus(opened), load_codebooks(opened.codebook_files())
    docs = Documents(corpus)
    truth, spans = set(), {}
    uncoded = []
    for doc in documents:
        marked = root / "marked" / f"{doc}.md"
        if not SPAN.search(marked.read_text(encoding="utf-8")):
            uncoded.append(doc)
            continue
        for item in read_markup(marked, docs, doc).found:
            truth.add((doc, ids[item.code], item.start, item.end))
            spans.setdefault((doc, item.start, item.end), []).append(item.code)
    rng = random.Random(0)
    exports = {
        "maxqda": [["north", doc, code, 1, 1, docs.text[doc][s:e]]
                   for (doc, s, e), codes in spans.items() for code in codes],
        "maxqda retyped": [["north", doc, code, 1, 1, retyped(docs.text[doc][s:e], rng)]
                           for (doc, s, e), codes in spans.items() for code in codes],
        "atlasti": [[doc, docs.text[doc][s:e], "\n".join(codes)]
                    for (doc, s, e), codes in spans.items()]}
    headers = {"maxqda": ["Document group", "Document name", "Code", "Beginning", "End",
                          "Segment"],
               "atlasti": ["Document", "Quotation Content", "Codes"]}
    print(f"{len(truth)} human codings ({len(spans)} spans, {len(ids)} codes) in "
          f"{len(documents) - len(uncoded)} answers ({len(uncoded)} others code nothing)")
    print(f"{'export':<16}{'method':<12}{'same span':>10}{'same words':>11}"
          f"{'overlapping':>12}{'not located':>12}{'wrong':>7}")
    for name, rows in exports.items():
        header = headers[name.split()[0]]
        path = sheet(root / f"{name.replace(' ', '_')}.xlsx", header, rows)
        result = import_codings(path, corpus, book, coder="bench", skip_unlocated=True,
                                skip_unmapped=False)
        found = {(r.doc_id, r.code_id, int(r.start), int(r.end))
                 for r in result.codings.itertuples()}
        ours = score(found, truth, docs.text)
        ours["not located"] = len(result.unlocated)
        naive = set()
        for row in rows:
            doc, text, codes = (row[1], row[5], [row[2]]) if header[0] != "Document" \
                else (row[0], row[1], row[2].split("\n"))
            at = docs.text[doc].find(text)
            naive |= {(doc, ids[c], at, at + len(text)) for c in codes if at >= 0}
        base = score(naive, truth, docs.text)
        base["not located"] = len(rows) - sum(docs.text[r[1] if header[0] != "Document"
                                                       else r[0]].find(
            r[5] if header[0] != "Document" else r[1]) >= 0 for r in rows)
        for method, counts in (("dialogcode", ours), ("str.find", base)):
            print(f"{name:<16}{method:<12}{counts['same span']:>10}"
                  f"{counts['same words']:>11}{counts['overlapping']:>12}"
                  f"{counts['not located']:>12}{counts['wrong']:>7}")
        print(f"{'':<16}located: {result.located}")


if __name__ == "__main__":
    main()
