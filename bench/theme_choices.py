"""How dialogcode names its clusters and chooses k, on the development meetings.

    python bench/theme_choices.py [--part dev|test] [--meetings N]

Same meetings, split and turns as bench/themes.py (its README section). For each
meeting, dialogcode clusters with its defaults and ``k=None`` (k searched in 4..16),
then:

- **k**: the k chosen, against the number of human topics; how often the choice is
  an end of the range; the adjusted Rand index (ARI) of the chosen clustering against
  the human topics on the scored turns dialogcode clustered. The same for the rule
  used before 2026-11-30 (the best score of the k report, not the smallest k within
  :data:`dialogcode.ksearch.TOLERANCE` of it), recomputed from the same k report.
- **labels**: on the clustering with the human k, each cluster's first label term by
  plain c-TF-IDF and by c-TF-IDF weighed by :func:`dialogcode.talk.specificity` (what
  labels use); the share of those first terms that are common English (a word with
  probability above 1e-4 in spacy-lookups-data's ``lexeme_prob``, about the 1,000
  commonest words), and the share of the cluster's segments that hold the first term
  (a first term that is rare in English but also rare in the cluster would be noise).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from themes import load_meetings, split  # noqa: E402

from dialogcode.cluster import MIN_SIZE, cluster_segments  # noqa: E402
from dialogcode.codebook import Codebook  # noqa: E402
from dialogcode.features import diverse_terms, segment_terms  # noqa: E402
from dialogcode.talk import _english_logprob, specificity  # noqa: E402

COMMON = np.log(1e-4)


def cluster(segments, documents, terms, k):
    return cluster_segments(segments, documents, segments.iloc[:0].assign(code_id=""),
                            Codebook({}), scope="all", k=k, seed=0, terms=terms)


def ari(result, segments, topics) -> float:
    ordinal = segments.set_index("seg_id")["ordinal"]
    found = dict(zip(result.assignments["seg_id"].map(ordinal),
                     result.assignments["cluster_id"]))
    kept = [i for i in np.flatnonzero(topics != None)  # noqa: E711
            if segments["ordinal"].iat[i] in found]
    return adjusted_rand_score(topics[kept].astype(str),
                               [found[segments["ordinal"].iat[i]] for i in kept])


def first_terms(result, weigh: bool) -> list[tuple[bool, float]]:
    """(common English?, share of the cluster's segments holding it) per cluster."""
    vocabulary = result.features.vocabulary
    weights = specificity(list(vocabulary)) if weigh else 1.0
    table, index = _english_logprob(), {t: i for i, t in enumerate(vocabulary)}
    out = []
    for c, size in enumerate(result.clusters["size"]):
        top = diverse_terms(result.term_scores[c] * weights, vocabulary, 1)
        if not top:
            continue
        common = all(table.get(w, -99.0) > COMMON for w in top[0].split())
        out.append((common, result.term_segments[c, index[top[0]]] / size))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=["dev", "test"], default="dev")
    parser.add_argument("--meetings", type=int, default=0, help="only the first N")
    args = parser.parse_args()
    meetings = load_meetings()
    parts = split([m[0] for m in meetings])
    meetings = [m for m in meetings if parts[m[0]] == args.part]
    if args.meetings:
        meetings = meetings[:args.meetings]
    ks, labels = [], {False: [], True: []}
    for name, segments, documents, topics in meetings:
        terms = segment_terms(segments, documents)
        human = len(set(topics[topics != None]))  # noqa: E711
        searched = cluster(segments, documents, terms, None)
        chosen = int(searched.k_report.loc[searched.k_report["chosen"], "k"].iloc[0])
        fixed = cluster(segments, documents, terms, human)
        report = searched.k_report
        usable = report[report["smallest"] >= MIN_SIZE]
        usable = report if usable.empty else usable
        before = int(usable.sort_values(["score", "k"], ascending=[False, True])["k"].iloc[0])
        ends = (report["k"].min(), report["k"].max())
        ks.append((human, chosen, chosen == ends[1], chosen == ends[0],
                   ari(searched, segments, topics), before, before == ends[1],
                   before == ends[0], ari(cluster(segments, documents, terms, before),
                                          segments, topics)))
        for weigh in labels:
            labels[weigh] += first_terms(fixed, weigh)
        print(f"{name:8} human k={human:2} chosen k={chosen:2} ARI {ks[-1][4]:.3f}, "
              f"before k={before:2} ARI {ks[-1][8]:.3f}", flush=True)
    rows = np.array(ks, dtype=float)
    human = rows[:, 0]
    print(f"\n{len(ks)} {args.part} meetings, human k median {np.median(human):.0f}:")
    for what, at in (("chosen k", 1), ("before", 5)):
        k, top, bottom, found = rows[:, at], rows[:, at + 1], rows[:, at + 2], rows[:, at + 3]
        print(f"  {what:8}: k median {np.median(k):.0f}, |k - human k| mean "
              f"{np.abs(k - human).mean():.2f}, top of the range {top.mean():.0%}, bottom "
              f"{bottom.mean():.0%}; ARI mean {found.mean():.3f} median {np.median(found):.3f}")
    for weigh, rows in labels.items():
        common, share = map(np.array, zip(*rows))
        print(f"first label term, {'weighed' if weigh else 'plain c-TF-IDF'}: common English "
              f"{common.mean():.0%} of {len(rows)} clusters, held by {share.mean():.0%} "
              "of the cluster's segments (mean)")


if __name__ == "__main__":
    main()
