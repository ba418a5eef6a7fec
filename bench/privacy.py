"""Recall and precision of the residual-identifier detectors (docs/privacy.md).

Recall: appends one sentence holding one identifier to every second codable segment of
the sample study (seeded), from templates with and without trigger phrases, then runs
the detectors and counts, per kind, the injected spans a finding overlaps. The injected
names come from this file's own list with every name the detector's name list holds
taken out (so the list cannot find them: recall is what the other detectors do for a
name nobody listed); the names left out are printed.

Precision: the findings on the untouched sample (every segment, speaker labels too)
against bench/privacy_truth.csv, where each finding the detectors have made on it was
labelled once by hand as identifying or not (the rule is in bench/README.md); a finding
not in that file counts as a false positive and is printed, to be labelled.

Real talk (``--real``, when ../shared/data is there): the gate's masks on the 60 AMI and
ICSI meetings and the NYC housing hearing, studies built from them with ``model:
blank`` and nothing decided: how many masks there are, how many stand before 't (a
cut contraction, "[NAME]'t" of "Don't", or a name before a stray apostrophe) or are in
lower case (each with its most frequent words, to judge), the ``id`` findings (to
judge: a case number, or a zoning code or count?), the scan's CPU time and that
of its ``study-name`` step alone (names the study knows), how many segments show a mask
in their speaker and which labels are masked whole, partly or not at all, and, on the
hearing, how many words of its speakers' names (speakers.json) the masked text still
shows; ``hearing-named`` is the hearing with its labels ("0", "1", ...) replaced by the
speakers' names of speakers.json, ``hearing-caps`` the same names in capitals
("ROSALBA MENDEZ"), as transcribers often write labels.

    python bench/privacy.py [--model en_core_web_sm] [--real]
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dialogcode import Study, ingest  # noqa: E402
from dialogcode.privacy import load_terms  # noqa: E402
from dialogcode.privacy.detect import find_in_segments  # noqa: E402
from dialogcode.privacy.known import DETECTOR, known_hits, known_pattern, name_words  # noqa: E402
from dialogcode.privacy.words import first_names  # noqa: E402
from dialogcode.privacy.gate import study_masker  # noqa: E402
from dialogcode.privacy.masking import LABELS  # noqa: E402

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "corpora" / "sample-study"
TRUTH = HERE / "privacy_truth.csv"
SHARED = HERE.parents[1] / "shared" / "data"
# first names of many origins, some of them English words; those in the detector's
# name list are taken out before injecting
POOL = ["Yesenia", "Tomasz", "Nkechi", "Rose", "Guadalupe", "Hamza", "Dolores", "Will",
        "Fatuma", "Ignacio", "Hope", "Beatriz", "Kwame", "Xochitl", "Deshawn", "Ifrah",
        "Hodan", "Ubah", "Nimco", "Qadan", "Tsehay", "Mekdes", "Thúy", "Chanthou",
        "Rithy", "Tláloc", "Cuauhtémoc", "Zuleika", "Marigold", "Wren", "Itzel",
        "Yaretzi", "Anahí", "Nayeli", "Odalys", "Abdirahman", "Soraya", "Keanu", "Leilani",
        "Makoa", "Pua", "Siosaia", "Mele", "Tavita", "Ximena", "Yohannes", "Saba",
        "Selam", "Haile", "Nuri", "Ayaan", "Warsame", "Farhiya", "Lul", "Shukri"]
TEMPLATES = {
    "name": ["I told {x} about the circle.", "My cousin {x} drives us.",
             "We talked with {x} after church.", "{x}, she said it better than me.",
             "The advocate, {x}, came by.", "Mrs. {x} runs the pantry.",
             "My name is {x}.", "{x} came to every meeting.", "That was {x}'s idea."],
    "phone": ["Call me at {x}.", "Her number is {x}."],
    "email": ["Write to {x} for the flyer."],
    "url": ["The form is at {x} now."],
    "address": ["We moved to {x} in March."],
    "zip": ["It's the {x} area, mostly."],
    "dob": ["She was born on {x}."],
    "id": ["His case number is {x}."],
}
TARGETS = {"name": 0.90, "phone": 0.99, "email": 0.99, "url": 0.99, "address": 0.99,
           "zip": 0.99}


def value(kind: str, rng: random.Random, names: list[str]) -> str:
    n = lambda k: "".join(str(rng.randrange(10)) for _ in range(k))  # noqa: E731
    return {
        "name": lambda: rng.choice(names),
        "phone": lambda: rng.choice([f"({n(3)}) {n(3)}-{n(4)}", f"{n(3)}-{n(3)}-{n(4)}",
                                     f"{n(3)}.{n(3)}.{n(4)}", f"+1 {n(3)} {n(3)} {n(4)}",
                                     f"{n(3)}-{n(4)}"]),
        "email": lambda: f"{rng.choice(names).lower()}.{n(2)}@example.org",
        "url": lambda: rng.choice([f"https://example.org/{n(4)}", f"www.example{n(2)}.com"]),
        "address": lambda: f"{n(4)} {rng.choice(['Olive', 'Cedar Grove', 'Main'])} "
                           f"{rng.choice(['Street', 'Avenue', 'Rd', 'Blvd', 'Way'])}",
        "zip": lambda: f"9{n(4)}",
        "dob": lambda: rng.choice([f"{rng.randrange(1, 13)}/{rng.randrange(1, 29)}/19{n(2)}",
                                   f"March {rng.randrange(1, 29)}, 19{n(2)}"]),
        "id": lambda: rng.choice([f"{n(3)}-{n(2)}-{n(4)}", f"{n(4)}-B", n(8)]),
    }[kind]()


def recall(segments, always, never, model) -> dict[str, tuple[int, int]]:
    listed = first_names()
    names = [x for x in POOL if x.lower() not in listed]
    print(f"names injected: {len(names)} of the {len(POOL)} in the bench's list; left out "
          f"as the detector's list holds them: {', '.join(x for x in POOL if x not in names)}")
    segments = segments[segments["codable"]].reset_index(drop=True)
    rng = random.Random(16)
    injected, texts, kinds = {}, segments["text"].tolist(), list(TEMPLATES)
    for i in range(0, len(texts), 2):
        kind = kinds[(i // 2) % len(kinds)]
        template, x = rng.choice(TEMPLATES[kind]), value(kind, rng, names)
        sentence = template.format(x=x)
        start = len(texts[i]) + 1 + sentence.index(x)
        texts[i] = f"{texts[i]} {sentence}"
        injected[i] = (kind, start, start + len(x), x, template)
    segments = segments.assign(text=texts, start=0)
    found = find_in_segments(segments, model=model, always=always, never=never)
    by_seg = found.groupby("seg_id")
    hits: dict[str, list[int]] = {k: [0, 0] for k in kinds}
    missed = []
    for i, (kind, start, end, x, template) in injected.items():
        seg = segments.at[i, "seg_id"]
        rows = by_seg.get_group(seg) if seg in by_seg.groups else found.iloc[:0]
        ok = bool(((rows["start"] < end) & (start < rows["end"])).any())
        hits[kind][0] += ok
        hits[kind][1] += 1
        if not ok:
            missed.append(template.format(x=x))
    print(f"{len(injected)} identifiers injected into {len(segments)} codable segments")
    print("missed:", *sorted(set(missed)) or ["none"], sep="\n  ")
    return {k: (a, b) for k, (a, b) in hits.items()}


def precision(segments, documents, always, never, model) -> tuple[int, int, int, int]:
    """(true findings, all findings, identifiers labelled in the truth file that were
    found, identifiers labelled there)."""
    with TRUTH.open(encoding="utf-8", newline="") as handle:
        truth = {(r["doc_id"], int(r["start"]), int(r["end"]), r["text"]):
                 r["identifying"] == "yes" for r in csv.DictReader(handle)}
    found = find_in_segments(segments, model=model, always=always, never=never,
                             documents=documents)
    keys = set(zip(found["doc_id"], found["start"], found["end"], found["text"]))
    unlabelled = sorted(k for k in keys if k not in truth)
    if unlabelled:
        print(f"{len(unlabelled)} finding(s) not in {TRUTH.name}, counted false:",
              *unlabelled, sep="\n  ")
    true = sum(truth.get(k, False) for k in keys)
    known = {k for k, yes in truth.items() if yes}
    return true, len(keys), len(known & keys), len(known)


def real_masks(name: str, files: list[Path], folder: Path, people: Path | None = None
               ) -> None:
    """The gate's masks on a study of ``files`` (see the module doc)."""
    root = folder / name
    (root / "transcripts").mkdir(parents=True)
    for path in files:
        shutil.copy(path, root / "transcripts" / path.name)
    (root / "dialogcode.yaml").write_text("manifest: null\ncodebooks: []\nmodel: blank\n")
    study = Study.open(root)
    corpus = ingest(study)
    mask, findings = study_masker(study, corpus.segments, corpus.documents)
    # any 't after a mask, not only after the gate's own contraction words: a count
    # by the gate's rule would be 0 by construction
    cut = re.compile(r"['\u2019]t\b")
    masks, before_t, lower = 0, Counter(), Counter()
    for text in corpus.segments["text"]:
        for m in mask.matches(text):
            masks += 1
            if cut.match(text, m.end()):
                before_t[m[0]] += 1
            if m[0][:1].islower():
                lower[m[0]] += 1
    print(f"{name}: {len(findings)} findings, {masks} masks in segment text; before 't: "
          f"{sum(before_t.values())} {dict(before_t.most_common(10))}; in lower case: "
          f"{sum(lower.values())} {dict(lower.most_common(10))}")
    ids = findings.loc[findings["kind"] == "id", "text"]
    print(f"  id findings: {len(ids)} {sorted(ids)[:12]}")
    scan, step = study_name_cost(corpus, findings)
    print(f"  scan {scan:.2f} s of CPU, of which the study-name step {step:.2f} s: "
          f"{scan / (scan - step):.2f} times the scan without it (medians of three)")
    speakers = corpus.segments["speaker"].dropna()
    shown = {label: mask.for_readers(label) for label in speakers.unique()}
    whole = [label for label, seen in shown.items() if seen == LABELS["name"]]
    partly = [seen for label, seen in shown.items() if seen not in (label, LABELS["name"])]
    kept = [label for label, seen in shown.items() if seen == label]
    print(f"  speaker labels: {sum(shown[s] != s for s in speakers)} segments show a mask "
          f"in the speaker; of {len(shown)} labels {len(whole)} masked whole, "
          f"{len(partly)} partly {partly[:8]}, {len(kept)} as written {kept[:8]}")
    if people is not None:
        words = {w for p in json.loads(people.read_text()) for w in
                 re.findall(r"[A-Z][a-z]+", p.get("name") or "") if len(w) > 2}
        named = re.compile(r"(?<!\w)(?:" + "|".join(sorted(words)) + r")(?!\w)")
        texts = corpus.segments["text"]
        total = sum(len(named.findall(t)) for t in texts)
        shown = sum(len(named.findall(mask.for_readers(t))) for t in texts)
        print(f"  words of the speakers' names in speakers.json: {total} in the text, "
              f"{shown} left unmasked")


def study_name_cost(corpus, findings) -> tuple[float, float]:
    """CPU seconds of the scan (``find_in_segments``) and of its ``study-name`` step
    alone (the words of the names found, their pattern and its places in every
    segment), each the median of three runs in this process."""
    found = findings[(findings["kind"] == "name") & (findings["detector"] != DETECTOR)]
    speaker = found["detector"].str.contains("speaker")
    texts = corpus.segments["text"].tolist()

    def step():
        pattern = known_pattern(name_words(found.loc[~speaker, "text"].tolist(),
                                           found.loc[speaker, "text"].tolist()))
        return pattern and [known_hits(text, pattern) for text in texts]

    def cpu(run) -> float:
        times = []
        for _ in range(3):
            start = time.process_time()
            run()
            times.append(time.process_time() - start)
        return statistics.median(times)

    return (cpu(lambda: find_in_segments(corpus.segments, documents=corpus.documents)),
            cpu(step))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="blank",
                        help="spaCy pipeline whose ner also finds names (default: none)")
    parser.add_argument("--real", action="store_true",
                        help="also count the gate's masks on the real meetings and hearing "
                             "in ../shared/data")
    args = parser.parse_args()
    if args.real:
        with tempfile.TemporaryDirectory() as folder:
            meetings = SHARED / "meeting-topics" / "transcripts"
            real_masks("meetings", sorted(meetings.glob("*.json")), Path(folder))
            hearing = SHARED / "nyc-housing-hearing"
            real_masks("hearing", [hearing / "transcript.json"], Path(folder),
                       hearing / "speakers.json")
            names = {p["label"]: p["name"] for p in
                     json.loads((hearing / "speakers.json").read_text())}
            for tag, written in (("named", str), ("caps", str.upper)):
                named = Path(folder) / tag / "transcript.json"
                named.parent.mkdir()
                named.write_text(json.dumps([
                    {**row, "speaker": written(names.get(row["speaker"]) or row["speaker"])}
                    for row in json.loads((hearing / "transcript.json").read_text())]))
                real_masks(f"hearing-{tag}", [named], Path(folder), hearing / "speakers.json")
    study = Study.open(SAMPLE)
    corpus = ingest(study)
    always, never = load_terms(study)
    print(f"model: {args.model}")
    hits = recall(corpus.segments, always, never, args.model)
    true, total, found, known = precision(corpus.segments, corpus.documents, always, never,
                                          args.model)
    print("\nkind      found / injected  recall  target")
    for kind, (k, n) in hits.items():
        target = TARGETS.get(kind)
        verdict = "" if target is None else f">= {target}  {'met' if k / n >= target else 'NOT MET'}"
        print(f"{kind:9} {k:5} / {n:<8}  {k / n:.2f}    {verdict}")
    share = true / total if total else float("nan")
    print(f"\nprecision on the untouched sample: {true} of {total} findings identifying = "
          f"{share:.2f} (target >= 0.5: {'met' if share >= 0.5 else 'NOT MET'})")
    print(f"identifiers labelled in {TRUTH.name} found: {found} of {known}")


if __name__ == "__main__":
    main()
