"""Recall of the residual-identifier detectors (docs/privacy.md) on injected identifiers.

Appends one sentence holding one identifier to every fifth codable segment of the
sample study (seeded), from templates with and without trigger phrases and names from
a list the detectors never saw (some of them English words: Rose, Hope, Will), then
runs the detectors and counts, per kind, the injected spans a finding overlaps. Also
prints the findings in the untouched segments per 10,000 words (no ground truth there:
a person reviews them).

    python bench/privacy.py [--model en_core_web_sm]
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dialogcode import Study, ingest  # noqa: E402
from dialogcode.privacy import load_terms  # noqa: E402
from dialogcode.privacy.detect import find_in_segments  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "sample-study"
NAMES = ["Yesenia", "Tomasz", "Nkechi", "Rose", "Guadalupe", "Hamza", "Dolores", "Will",
         "Fatuma", "Ignacio", "Hope", "Beatriz", "Kwame", "Xochitl", "Deshawn", "Ifrah"]
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


def value(kind: str, rng: random.Random) -> str:
    n = lambda k: "".join(str(rng.randrange(10)) for _ in range(k))  # noqa: E731
    return {
        "name": lambda: rng.choice(NAMES),
        "phone": lambda: rng.choice([f"({n(3)}) {n(3)}-{n(4)}", f"{n(3)}-{n(3)}-{n(4)}",
                                     f"{n(3)}.{n(3)}.{n(4)}", f"+1 {n(3)} {n(3)} {n(4)}",
                                     f"{n(3)}-{n(4)}"]),
        "email": lambda: f"{rng.choice(NAMES).lower()}.{n(2)}@example.org",
        "url": lambda: rng.choice([f"https://example.org/{n(4)}", f"www.example{n(2)}.com"]),
        "address": lambda: f"{n(4)} {rng.choice(['Olive', 'Cedar Grove', 'Main'])} "
                           f"{rng.choice(['Street', 'Avenue', 'Rd', 'Blvd', 'Way'])}",
        "zip": lambda: f"9{n(4)}",
        "dob": lambda: rng.choice([f"{rng.randrange(1, 13)}/{rng.randrange(1, 29)}/19{n(2)}",
                                   f"March {rng.randrange(1, 29)}, 19{n(2)}"]),
        "id": lambda: rng.choice([f"{n(3)}-{n(2)}-{n(4)}", f"{n(4)}-B", n(8)]),
    }[kind]()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="blank")
    args = parser.parse_args()
    study = Study.open(SAMPLE)
    segments = ingest(study).segments
    segments = segments[segments["codable"]].reset_index(drop=True)
    always, never = load_terms(study)
    rng = random.Random(16)
    injected, texts = {}, segments["text"].tolist()
    kinds = list(TEMPLATES)
    for i in range(0, len(texts), 5):
        kind = kinds[(i // 5) % len(kinds)]
        template, x = rng.choice(TEMPLATES[kind]), value(kind, rng)
        sentence = template.format(x=x)
        base = len(texts[i]) + 1
        start = base + sentence.index(x)
        texts[i] = f"{texts[i]} {sentence}"
        injected[i] = (kind, start, start + len(x), x, template)
    segments = segments.assign(text=texts, start=0)
    found = find_in_segments(segments, model=args.model, always=always, never=never)
    by_seg = found.groupby("seg_id")
    hits: dict[str, list[int]] = {k: [0, 0] for k in kinds}
    missed = []
    for i, (kind, start, end, x, template) in injected.items():
        seg = segments.at[i, "seg_id"]
        rows = by_seg.get_group(seg) if seg in by_seg.groups else found.iloc[:0]
        ok = ((rows["start"] < end) & (start < rows["end"])).any()
        hits[kind][0] += int(ok)
        hits[kind][1] += 1
        if not ok:
            missed.append(template.format(x=x))
    print(f"model: {args.model}; {len(injected)} identifiers injected into "
          f"{len(segments)} codable segments")
    print("kind      found / injected  recall")
    for kind, (k, n) in hits.items():
        print(f"{kind:9} {k:5} / {n:<8}  {k / n:.2f}")
    untouched = segments.drop(index=list(injected))
    words = untouched["n_words"].sum()
    others = found[found["seg_id"].isin(untouched["seg_id"])]
    print(f"findings in untouched segments: {len(others)} in {words:,} words "
          f"({len(others) / words * 10_000:.1f} per 10,000 words)")
    print("missed (first 12):", *sorted(set(missed))[:12], sep="\n  ")


if __name__ == "__main__":
    main()
