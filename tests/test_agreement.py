"""Intercoder agreement, library side: every coefficient against the `krippendorff`
package, scikit-learn and published worked examples; intervals; agree() on hand-built
codings (codes, variables, groups, roll-up, coverage, units, refusals).

Not checked against statsmodels' fleiss_kappa (not installed in the environment); Fleiss'
kappa is checked against Fleiss (1971) and, through its identity with alpha on complete
data, against the krippendorff package."""
from itertools import combinations
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score, confusion_matrix

from dialogcode.agreement import (ALL_CODES, SelectionError, agree, brennan_prediger,
                                  cohen_kappa, fleiss_kappa, krippendorff_alpha, light_kappa,
                                  percent_agreement, select_units)
from dialogcode.agreement.groups import group_coincidences
from dialogcode.agreement.scheme import scheme_of
from dialogcode.agreement.statistics import (alpha_from, alpha_interval, coincidences,
                                             differences, tally, unit_intervals)
from dialogcode.codebook import load_codebooks
from dialogcode.errors import DialogcodeError

N = np.nan
STUDY = Path(__file__).parent / "data" / "agreement-study"
# Krippendorff (2011), Computing Krippendorff's alpha-reliability: 4 observers x 12 units
WORKED_EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
# Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each, raters per diagnosis
# (depression, personality disorder, schizophrenia, neurosis, other); kappa = .430
FLEISS_1971 = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
]
# The worked example of Wikipedia's "Fleiss' kappa": 10 subjects, 14 raters; kappa = 0.210
FLEISS_WIKIPEDIA = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def from_counts(table) -> np.ndarray:
    """Raters x subjects data from a subjects x categories table of rater counts."""
    return np.array([[c for c, n in enumerate(row) for _ in range(n)] for row in table]).T


def random_data(seed: int, missing: float = 0.25):
    rng = np.random.default_rng(seed)
    coders, units, values = rng.integers(2, 6), rng.integers(8, 60), rng.integers(2, 6)
    data = rng.integers(1, values + 1, size=(coders, units)).astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    return data


# -- coefficients ----------------------------------------------------------------------

@pytest.mark.parametrize("level, published", [("nominal", 0.743), ("ordinal", 0.815),
                                              ("interval", 0.849)])
def test_worked_example_gives_the_published_alphas(level, published):
    assert round(krippendorff_alpha(WORKED_EXAMPLE, level), 3) == published
    assert krippendorff_alpha(WORKED_EXAMPLE, level) == pytest.approx(
        krippendorff.alpha(reliability_data=WORKED_EXAMPLE, level_of_measurement=level),
        abs=1e-12)
    with_none = [[None if np.isnan(v) else v for v in row] for row in WORKED_EXAMPLE]
    assert krippendorff_alpha(with_none, level) == pytest.approx(
        krippendorff_alpha(WORKED_EXAMPLE, level))


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_alpha_matches_the_krippendorff_package_on_random_data(seed, level):
    data = random_data(seed)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_kappa_matches_sklearn_on_random_data(seed):
    rng = np.random.default_rng(seed)
    labels = np.array(["yes", "no", "maybe"])[: rng.integers(2, 4)]
    a, b = rng.choice(labels, size=40), rng.choice(labels, size=40)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_kappa_drops_pairs_with_a_missing_label():
    a, b = [1, 0, 1, None, 1, 0], [1, 0, 0, 1, np.nan, 0]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score([1, 0, 1, 0], [1, 0, 0, 0]))


def test_fleiss_kappa_reproduces_fleiss_1971_and_the_wikipedia_example():
    assert round(fleiss_kappa(from_counts(FLEISS_1971)), 3) == 0.430
    assert round(fleiss_kappa(from_counts(FLEISS_WIKIPEDIA)), 3) == 0.210


@pytest.mark.parametrize("seed", range(6))
def test_fleiss_kappa_is_alpha_on_complete_data(seed):
    # complete data, N values: alpha = 1 - (N - 1) / N * (1 - kappa_Fleiss)
    data = random_data(seed, missing=0)
    size = data.size
    expected = 1 - size / (size - 1) * (
        1 - krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    assert fleiss_kappa(data) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_light_kappa_is_the_mean_of_sklearn_pairwise_kappas_on_complete_units(seed):
    data = random_data(seed + 10, missing=0.1)
    data = np.vstack([data, data[:1]]) if len(data) == 2 else data
    complete = data[:, ~np.isnan(data).any(axis=0)]
    pairs = [cohen_kappa_score(complete[i], complete[j])
             for i, j in combinations(range(len(data)), 2)]
    assert light_kappa(data) == pytest.approx(np.mean(pairs), abs=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_percent_agreement_and_brennan_prediger_on_random_data(seed):
    data = random_data(seed)
    units = [col[~np.isnan(col)] for col in data.T if (~np.isnan(col)).sum() >= 2]
    assert percent_agreement(data) == pytest.approx(
        np.mean([len(set(u)) == 1 for u in units]))
    # Gwet's multi-rater P_a: share of agreeing ordered pairs of values in each unit
    pairwise = np.mean([sum(a == b for i, a in enumerate(u) for j, b in enumerate(u) if i != j)
                        / (len(u) * (len(u) - 1)) for u in units])
    assert brennan_prediger(data, values=7) == pytest.approx((pairwise - 1 / 7) / (6 / 7))
    # two coders: (p_o - 1/q) / (1 - 1/q), p_o from scikit-learn's confusion matrix
    a, b = np.random.default_rng(seed).integers(0, 3, size=(2, 50))
    matrix = confusion_matrix(a, b)
    observed = np.trace(matrix) / matrix.sum()
    assert brennan_prediger([a, b], values=3) == pytest.approx((observed - 1 / 3) / (2 / 3))


def test_no_variation_is_nan_not_perfect():
    assert np.isnan(krippendorff_alpha([[0, 0, 0], [0, 0, 0]]))
    assert np.isnan(cohen_kappa([1, 1, 1], [1, 1, 1]))
    assert np.isnan(fleiss_kappa([[1, 1], [1, 1], [1, 1]]))
    assert np.isnan(krippendorff_alpha([[1, N], [N, 2]]))   # nothing pairable


def test_ordinal_differences_follow_krippendorff():
    # totals 2, 3, 1 for ranks 1..3: d(1,2) = (2 + 3 - 2.5)^2, d(1,3) = (6 - 1.5)^2
    delta = differences(np.array([2, 3, 1]), "ordinal", np.array([1, 2, 3]))
    assert delta[0, 1] == pytest.approx(2.5 ** 2) and delta[0, 2] == pytest.approx(4.5 ** 2)
    assert delta[1, 2] == pytest.approx((4 - 2) ** 2) and np.allclose(np.diag(delta), 0)


# -- intervals -------------------------------------------------------------------------

def coded_pairs(units: int, agree_share: float, seed: int = 0) -> np.ndarray:
    """Two coders' 0/1 codes of ``units`` units, the second copying the first in about
    ``agree_share`` of them."""
    rng = np.random.default_rng(seed)
    first = (rng.random(units) < 0.3).astype(int)
    second = np.where(rng.random(units) < agree_share, first, 1 - first)
    return np.column_stack([first, second])


def test_hayes_krippendorff_interval_centres_on_alpha_and_narrows_with_units():
    widths = []
    for units in (100, 1600):
        data = tally(coded_pairs(units, 0.9), 2)
        matrix = coincidences(data)
        delta = differences(matrix.sum(axis=0), "nominal")
        alpha = alpha_from(matrix, delta)
        low, high = alpha_interval(matrix, delta, units, 2000, np.random.default_rng(1))
        assert low < alpha < high
        assert (low + high) / 2 == pytest.approx(alpha, abs=0.03)
        widths.append(high - low)
    assert widths[1] == pytest.approx(widths[0] / 4, rel=0.25)     # 16x units: width / 4


@pytest.mark.parametrize("level", ["nominal", "interval"])
def test_hayes_krippendorff_draws_match_drawing_cell_by_cell(level):
    # Krippendorff's algorithm draws pairs cell by cell from the coincidence matrix; ours
    # draws pairs of different values by their difference: the distributions agree
    counted = tally(np.nan_to_num(np.array(WORKED_EXAMPLE).T, nan=0).astype(int) - 1, 5)
    matrix = coincidences(counted)
    numbers = np.arange(1, 6)
    delta = differences(matrix.sum(axis=0), level, numbers)
    totals, n = matrix.sum(axis=0), matrix.sum()
    pairs = round(n * 3 / 2)
    ours = alpha_interval(matrix, delta, pairs, 20000, np.random.default_rng(3))
    expected = totals @ delta @ totals / (n * (n - 1))
    low, high = np.tril_indices(5)
    probability = np.where(low == high, 1, 2) * matrix[low, high] / n
    counts = np.random.default_rng(4).multinomial(pairs, probability / probability.sum(),
                                                  size=20000)
    alphas = np.maximum(1 - counts @ delta[low, high] / (pairs * expected), -1)
    assert ours == pytest.approx(tuple(np.percentile(alphas, [2.5, 97.5])), abs=0.015)


def test_alpha_intervals_count_the_pairs_of_values_coded_not_the_coders(book):
    # four coders who each read two of four documents, two coders to a document: alpha's
    # interval was drawn for n(4 - 1)/2 pairs of values, three times the pairs coded, so
    # it came out about 0.58 the width of the same judgements named as two coders (0.12
    # wide where theirs is 0.21): a code looked more reliably measured than it is.
    # Krippendorff's n(m - 1)/2 is the pairs coded only when no value is missing; the
    # pairs coded, sum over units of m_u(m_u - 1)/2, hold either way
    rng = np.random.default_rng(11)
    segments = pd.DataFrame({"seg_id": [f"d{d}:t{i}" for d in range(4) for i in range(60)],
                             "doc_id": [f"d{d}" for d in range(4) for _ in range(60)],
                             "start": 0, "end": 10, "speaker": "P1", "text": "x"})
    truth = rng.choice(["topic.rent", "topic.wages", None], p=[0.3, 0.3, 0.4], size=240)
    pairs = {"d0": ("a", "b"), "d1": ("c", "d"), "d2": ("a", "c"), "d3": ("b", "d")}
    four = {name: [] for name in "abcd"}
    two = {"x": [], "y": []}
    for seg_id, doc, true in zip(segments["seg_id"], segments["doc_id"], truth):
        for name, named in zip(pairs[doc], ("x", "y")):
            code = true if rng.random() < 0.75 else rng.choice(["topic.rent", "topic.wages",
                                                                 None])
            four[name].append((seg_id, code))
            two[named].append((seg_id, code))
    options = {"book": book, "draws": 4000}
    wide = agree({n: by_segment(*rows) for n, rows in four.items()}, segments, **options)
    narrow = agree({n: by_segment(*rows) for n, rows in two.items()}, segments, **options)
    for code_id, kind in (("topic.rent", "code"), (ALL_CODES, "pooled"), ("topic", "group")):
        mine, theirs = row_of(wide, code_id, kind), row_of(narrow, code_id, kind)
        assert mine["krippendorff_alpha"] == pytest.approx(theirs["krippendorff_alpha"])
        width = mine["krippendorff_alpha_high"] - mine["krippendorff_alpha_low"]
        assert width == pytest.approx(theirs["krippendorff_alpha_high"]
                                      - theirs["krippendorff_alpha_low"], rel=0.1), code_id


def test_unit_bootstrap_of_percent_agreement_matches_the_binomial_interval():
    data = tally(coded_pairs(400, 0.9, seed=3), 2)
    share = percent_agreement(coded_pairs(400, 0.9, seed=3).T)
    low, high = unit_intervals(data, 4000, np.random.default_rng(2))["percent_agreement"]
    half = 1.96 * np.sqrt(share * (1 - share) / 400)
    assert low == pytest.approx(share - half, abs=0.006)
    assert high == pytest.approx(share + half, abs=0.006)


# -- agree() on hand-built codings ----------------------------------------------------

def make_segments() -> pd.DataFrame:
    """Two documents: d1 with four 20-character turns, d2 with two 30-character turns."""
    rows = [("d1", 1, "P1", 0, 20), ("d1", 2, "P2", 20, 40), ("d1", 3, "P1", 40, 60),
            ("d1", 4, "P2", 60, 80), ("d2", 1, "Coach", 0, 30), ("d2", 2, "P1", 30, 60)]
    return pd.DataFrame([{"seg_id": f"{doc}:t{n}", "doc_id": doc, "unit": "turn", "ordinal": n,
                          "kind": "turn", "speaker": speaker, "section": "", "start": start,
                          "end": end, "text": f"text of {doc} turn {n}"}
                         for doc, n, speaker, start, end in rows])


def by_segment(*pairs: tuple[str, str | None]) -> pd.DataFrame:
    """A segment-level coding: (seg_id, code_id) pairs, doc_id taken from the seg_id."""
    return pd.DataFrame({"seg_id": [s for s, _ in pairs],
                         "doc_id": [s.split(":")[0] for s, _ in pairs],
                         "code_id": [c for _, c in pairs]})


def by_span(*rows: tuple) -> pd.DataFrame:
    """A span-level coding: (doc_id, code_id, start, end) rows, no seg_id."""
    return pd.DataFrame(rows, columns=["doc_id", "code_id", "start", "end"])


def row_of(result, code_id: str, kind: str | None = None) -> pd.Series:
    table = result.per_code
    if kind is not None:
        table = table[table["kind"] == kind]
    return table.set_index("code_id").loc[code_id]


@pytest.fixture
def segments() -> pd.DataFrame:
    return make_segments()


@pytest.fixture(scope="module")
def book():
    return load_codebooks(STUDY / "codebook.yaml")


def test_identical_codings_agree_perfectly(segments):
    coding = by_segment(("d1:t1", "housing"), ("d1:t3", "isolation"), ("d2:t2", "housing"))
    result = agree({"a": coding, "b": coding.copy()}, segments, codes=["housing", "isolation",
                                                                      "trust"], min_units=1)
    table = result.per_code.set_index("code_id")
    for code in ["housing", "isolation", ALL_CODES]:
        assert table.loc[code, "krippendorff_alpha"] == pytest.approx(1.0)
        assert table.loc[code, "cohen_kappa"] == pytest.approx(1.0)
        assert table.loc[code, "percent_agreement"] == 1.0
        assert table.loc[code, "verdict"] == "reliable"
    # nobody used "trust": every figure is 0/0 or says only "everyone left it out"
    for column in ("percent_agreement", "brennan_prediger", "krippendorff_alpha",
                   "cohen_kappa"):
        assert np.isnan(table.loc["trust", column])
    assert table.loc["trust", "verdict"] == "n/a: no one applied it"
    assert result.disagreements.empty
    assert result.coders == ["a", "b"] and result.unit == "segment"
    # the default asks for ten units with the code before a verdict
    again = agree({"a": coding, "b": coding.copy()}, segments)
    assert row_of(again, "housing")["verdict"] == "too few units"


def test_a_code_nobody_applied_is_not_assessable_nor_pooled(segments):
    # percent agreement and Brennan-Prediger read 1.0, "perfect", for a code no one
    # applied on any unit, and its units (every one "no, no") were pooled into (all codes)
    a = by_segment(("d1:t1", "housing"), ("d1:t3", "housing"), ("d2:t2", "isolation"))
    b = by_segment(("d1:t1", "housing"), ("d2:t1", "housing"), ("d2:t2", "isolation"))
    alone = agree({"a": a, "b": b}, segments, codes=["housing", "isolation"], draws=50)
    result = agree({"a": a, "b": b}, segments, codes=["housing", "isolation", "trust"],
                   draws=50)
    trust = row_of(result, "trust")
    for column in ("percent_agreement", "brennan_prediger"):
        for end in ("", "_low", "_high"):
            assert np.isnan(trust[column + end]), column + end
    assert trust["verdict"] == "n/a: no one applied it" and trust["units"] == 6
    pd.testing.assert_series_equal(row_of(result, ALL_CODES), row_of(alone, ALL_CODES))
    assert ("n/a for trust: no one applied it on a segment two coders read, so there is "
            "no agreement to assess (percent agreement would read 1.0, everyone leaving it "
            "out); left out of (all codes)") in result.notes
    assert not any(note.startswith("n/a for trust: the coders never varied")
                   for note in result.notes)


def test_a_code_no_one_applied_between_those_who_looked_is_noted_as_such(segments):
    # c did not look for trust; between a and b no one applied it, yet its verdict, "n/a:
    # no one applied it" followed by who judged it, was taken for a code the coders
    # never varied on, and noted so, with no word that no one applied it
    a = by_segment(("d1:t1", "housing"), ("d2:t1", "trust"))
    b = by_segment(("d1:t1", "housing"), ("d1:t2", None))
    c = by_segment(("d1:t1", "housing"), ("d2:t1", None))
    result = agree({"a": a, "b": b, "c": c}, segments, scopes={"c": ["housing"]}, draws=0)
    assert row_of(result, "trust")["verdict"] == ("n/a: no one applied it between a and b "
                                                  "(c did not look for it)")
    assert any(note.startswith("n/a for trust: no one applied it") for note in result.notes)
    assert not any(note.startswith("n/a for trust: the coders never varied")
                   for note in result.notes)


def test_two_coders_with_a_reference(segments):
    ana = by_segment(("d1:t1", "housing"), ("d1:t2", "housing"), ("d2:t1", "housing"),
                     ("d1:t3", "isolation"))
    # the rule coder's table has offsets too, and two hits in d1:t1 that count once
    rules = by_segment(("d1:t1", "housing"), ("d1:t1", "housing"), ("d1:t3", "housing"),
                       ("d2:t1", "housing"), ("d1:t3", "isolation"))
    rules["start"], rules["end"] = [1, 5, 41, 2, 45], [4, 9, 44, 8, 50]
    result = agree({"ana": ana, "rules": rules}, segments, reference="ana")
    table = result.per_code
    assert list(table["code_id"]) == ["housing", "isolation", ALL_CODES]
    assert list(table["kind"]) == ["code", "code", "pooled"]
    statistics = [f"{s}{end}" for s in ("percent_agreement", "cohen_kappa", "fleiss_kappa",
                                        "brennan_prediger", "krippendorff_alpha")
                  for end in ("", "_low", "_high")]
    assert list(table.columns) == [
        "code_id", "kind", "values", "coders", "units", "pairable_values", "complete_units",
        "informative_units", *statistics, "verdict", "both", "only_first", "only_second",
        "neither", "precision", "recall", "f1"]

    # housing over d1:t1..t4, d2:t1..t2:  ana 1 1 0 0 1 0,  rules 1 0 1 0 1 0
    housing = row_of(result, "housing")
    assert (housing["units"], housing["coders"], housing["pairable_values"]) == (6, 2, 12)
    assert (housing["both"], housing["only_first"], housing["only_second"],
            housing["neither"]) == (2, 1, 1, 2)
    assert housing["percent_agreement"] == pytest.approx(4 / 6)
    # kappa: po = 4/6, pe = .5*.5 + .5*.5 = .5 -> (2/3 - 1/2) / (1/2) = 1/3
    assert housing["cohen_kappa"] == pytest.approx(1 / 3)
    assert housing["brennan_prediger"] == pytest.approx(1 / 3)
    # alpha: n = 12, n_0 = n_1 = 6, o_01 + o_10 = 4 -> 1 - 11 * 4 / (144 - 36 - 36) = 28/72
    assert housing["krippendorff_alpha"] == pytest.approx(28 / 72)
    assert housing["informative_units"] == 4 and housing["verdict"] == "too few units"
    # against ana: tp = 2, fp = 1 (only rules), fn = 1 (only ana)
    assert (housing["precision"], housing["recall"], housing["f1"]) == pytest.approx(
        (2 / 3, 2 / 3, 2 / 3))

    pooled = row_of(result, ALL_CODES)               # 2 codes x 6 units = 12 decisions
    assert (pooled["units"], pooled["both"], pooled["only_first"], pooled["only_second"],
            pooled["neither"]) == (12, 3, 1, 1, 7)
    # kappa: po = 10/12, pe = (1/3)^2 + (2/3)^2 = 5/9 -> (5/6 - 5/9) / (4/9) = 5/8
    assert pooled["cohen_kappa"] == pytest.approx(5 / 8)
    assert pooled["krippendorff_alpha"] == pytest.approx(1 - 92 / 256)
    assert (pooled["precision"], pooled["recall"]) == pytest.approx((3 / 4, 3 / 4))

    disagreements = result.disagreements
    assert list(disagreements.columns) == ["seg_id", "doc_id", "speaker", "code_id", "kind",
                                           "ana", "rules", "values", "text"]
    assert disagreements[["seg_id", "code_id", "ana", "rules", "values"]].values.tolist() == [
        ["d1:t2", "housing", "yes", "no", "ana: yes; rules: no"],
        ["d1:t3", "housing", "no", "yes", "ana: no; rules: yes"]]
    assert disagreements["text"].tolist() == ["text of d1 turn 2", "text of d1 turn 3"]


def test_intervals_are_seeded_and_hold_the_estimate():
    segments = pd.DataFrame({"seg_id": [f"d:t{i}" for i in range(200)], "doc_id": "d",
                             "start": range(0, 2000, 10), "end": range(10, 2010, 10),
                             "speaker": "P1", "text": "x"})
    pairs = coded_pairs(200, 0.85, seed=4)
    a, b = (by_segment(*[(f"d:t{i}", "housing") for i in np.flatnonzero(column)])
            for column in pairs.T)
    first = agree({"a": a, "b": b}, segments, seed=7).per_code
    assert first.equals(agree({"a": a, "b": b}, segments, seed=7).per_code)
    other = agree({"a": a, "b": b}, segments, seed=8).per_code
    assert first.loc[0, "krippendorff_alpha_low"] != other.loc[0, "krippendorff_alpha_low"]
    housing = first.set_index("code_id").loc["housing"]
    for name in ("percent_agreement", "cohen_kappa", "fleiss_kappa", "brennan_prediger",
                 "krippendorff_alpha"):
        assert housing[f"{name}_low"] < housing[name] < housing[f"{name}_high"]
    assert housing["verdict"] != "too few units"
    none = agree({"a": a, "b": b}, segments, draws=0).per_code
    assert none["krippendorff_alpha_low"].isna().all()


def test_reference_reverses_precision_and_recall(segments):
    ana = by_segment(("d1:t1", "housing"), ("d1:t2", "housing"), ("d1:t3", "housing"))
    rules = by_segment(("d1:t1", "housing"))
    against_ana = row_of(agree({"ana": ana, "rules": rules}, segments, reference="ana"),
                         "housing")
    against_rules = row_of(agree({"ana": ana, "rules": rules}, segments, reference="rules"),
                           "housing")
    assert (against_ana["precision"], against_ana["recall"]) == pytest.approx((1, 1 / 3))
    assert (against_rules["precision"], against_rules["recall"]) == pytest.approx((1 / 3, 1))


def test_spans_are_mapped_to_the_segments_they_overlap(segments):
    a, b = by_span(("d1", "housing", 5, 25)), by_span(("d1", "housing", 10, 15))
    result = agree({"a": a, "b": b}, segments)
    housing = row_of(result, "housing")
    assert (housing["units"], housing["both"], housing["only_first"], housing["only_second"],
            housing["neither"]) == (4, 1, 1, 0, 2)
    assert result.disagreements["seg_id"].tolist() == ["d1:t2"]


def test_offsets_code_the_segments_they_cover_words_of(segments):
    # d1's turns "text of d1 turn N" start at 0, 20, 40 and 60 (dialogcode.spans)
    a = by_span(("d1", "housing", 11, 41),       # t1's "turn 1", t2, t3's first letter
                ("d1", "isolation", 41, 43))     # a piece of t3's first word
    b = by_span(("d1", "housing", 0, 40), ("d1", "isolation", 40, 60))
    result = agree({"a": a, "b": b}, segments)
    for code in ("housing", "isolation"):
        assert tuple(row_of(result, code)[["units", "only_first", "only_second"]]
                     ) == (4, 0, 0)
    assert tuple(row_of(result, "housing")[["both", "neither"]]) == (2, 2)


def test_span_unit_overlap_rule(segments):
    a = by_span(("d1", "housing", 5, 25), ("d1", "isolation", 60, 70))
    b = by_span(("d1", "housing", 10, 15))
    b["seg_id"] = None
    b = pd.concat([b, pd.DataFrame({"seg_id": ["d1:t4"], "doc_id": ["d1"],
                                    "code_id": ["isolation"]})], ignore_index=True)
    half = agree({"a": a, "b": b}, segments, unit="span")
    assert tuple(row_of(half, "housing")[["both", "only_first", "only_second", "neither"]]
                 ) == (0, 2, 0, 2)
    assert tuple(row_of(half, "isolation")[["both", "only_first", "only_second", "neither"]]
                 ) == (1, 0, 0, 3)
    third = agree({"a": a, "b": b}, segments, unit="span", min_overlap=0.3)
    assert tuple(row_of(third, "housing")[["both", "only_first"]]) == (1, 1)


def test_span_unit_says_who_coded_whole_segments(segments):
    # --unit span on whole-segment codings gave segment figures, and beside a coder of
    # spans measured that coder's spans against whole segments, without a word
    spans = by_span(("d1", "housing", 5, 12))
    whole = by_segment(("d1:t1", "housing"))
    result = agree({"a": spans, "b": whole}, segments, unit="span")
    assert tuple(row_of(result, "housing")[["both", "only_first", "only_second"]]
                 ) == (0, 0, 1)
    assert ("--unit span: b coded whole segments (no start and end), so where they "
            "applied a code, the others' spans of it must cover --min-overlap of the whole "
            "segment") in result.notes
    both = agree({"a": whole, "b": whole.copy()}, segments, unit="span")
    assert ("--unit span: a, b coded whole segments (no start and end), so every figure "
            "is as --unit segment gives it") in both.notes
    assert not any(note.startswith("--unit span") for note in
                   agree({"a": spans, "b": spans.copy()}, segments, unit="span").notes)
    assert not any(note.startswith("--unit span") for note in
                   agree({"a": whole, "b": whole.copy()}, segments).notes)
    # a coding of nothing (rules that matched nowhere, reading every document) has no
    # whole segments: the note named it beside b
    nothing = pd.DataFrame({"doc_id": ["d1"], "code_id": [None], "start": [np.nan],
                            "end": [np.nan]})
    assert [note for note in agree({"rules": nothing, "b": whole}, segments,
                                   unit="span").notes if note.startswith("--unit span")] == [
        "--unit span: b coded whole segments (no start and end), so where they applied a "
        "code, the others' spans of it must cover --min-overlap of the whole segment"]


def test_codings_of_other_text_are_refused(segments):
    documents = pd.DataFrame({"doc_id": ["d1", "d2"], "sha256": ["aaa", "bbb"]})
    ana = by_segment(("d1:t1", "housing"), ("d2:t1", "housing"))
    ana["sha256"] = ["aaa", "zzz"]
    rules = by_segment(("d1:t1", "housing"), ("d1:t2", "housing"))
    rules["sha256"] = ["old", "old"]
    with pytest.raises(DialogcodeError) as caught:
        agree({"ana": ana, "rules": rules}, segments, documents=documents)
    problems = sorted((p.key, p.message) for p in caught.value.problems)
    assert [key for key, _ in problems] == ["ana", "rules"]
    assert problems[0][1] == (
        "document 'd2' was coded on other text (its sha256 differs from the document's): "
        "the transcript changed since, so a seg_id may now name another turn; re-code it, "
        "or leave it out")
    assert "'d1' was coded on other text" in problems[1][1]
    ana["sha256"] = ["aaa", ""]         # no hash recorded: nothing to compare
    rules["sha256"] = None
    assert agree({"ana": ana, "rules": rules}, segments, documents=documents).coders == [
        "ana", "rules"]


def test_unknown_seg_ids_are_refused(segments):
    good = by_segment(("d1:t1", "housing"))
    bad = by_segment(("d1:t1", "housing"), ("d1:t9", "housing"), ("d1:t10", None))
    with pytest.raises(DialogcodeError) as caught:
        agree({"good": good, "bad": bad}, segments)
    [problem] = caught.value.problems
    assert problem.key == "bad" and "2 unknown seg_id(s)" in problem.message


@pytest.mark.parametrize("kwargs", [{"unit": "word"}, {"reference": "nobody"},
                                    {"min_overlap": 0}, {"level": "ratio"}, {"draws": -1}])
def test_bad_arguments_are_refused(segments, kwargs):
    coding = by_segment(("d1:t1", "housing"))
    with pytest.raises(DialogcodeError):
        agree({"a": coding, "b": coding}, segments, **kwargs)


def test_coders_with_no_document_in_common_are_refused_with_their_documents(segments):
    ana, bo = by_segment(("d1:t1", "housing")), by_segment(("d2:t1", "housing"))
    with pytest.raises(DialogcodeError) as caught:
        agree({"ana": ana, "bo": bo}, segments)
    messages = [p.message for p in caught.value.problems]
    assert "no document in common" in messages[0]
    assert messages[1:] == ["ana coded 1 document(s): d1", "bo coded 1 document(s): d2"]


# -- which segments a coder read ------------------------------------------------------

def test_a_document_one_coder_never_saw_is_missing_not_absent(segments):
    ana = by_segment(("d1:t1", "housing"), ("d1:t2", "housing"))      # d1 only
    rules = by_segment(("d1:t1", "housing"), ("d1:t2", "housing"), ("d2:t1", "housing"))
    housing = row_of(agree({"ana": ana, "rules": rules}, segments), "housing")
    assert housing["units"] == 4 and housing["krippendorff_alpha"] == pytest.approx(1.0)
    three = agree({"ana": ana, "rules": rules, "cy": rules.copy()}, segments)
    housing = row_of(three, "housing")
    assert (housing["units"], housing["coders"], housing["complete_units"]) == (6, 3, 4)
    assert "cohen_kappa" not in three.per_code and "both" not in three.per_code
    assert {"fleiss_kappa", "light_kappa"} <= set(three.per_code)
    # a document marker (no segment, no code) says ana read d2 and found nothing
    seen = pd.concat([ana, pd.DataFrame({"seg_id": [None], "doc_id": ["d2"],
                                         "code_id": [None]})], ignore_index=True)
    result = agree({"ana": seen, "rules": rules}, segments)
    housing = row_of(result, "housing")
    assert housing["units"] == 6
    assert housing["krippendorff_alpha"] == pytest.approx(1 - 11 * 2 / (144 - 25 - 49))
    assert result.disagreements[["seg_id", "values"]].values.tolist() == [
        ["d2:t1", "ana: no; rules: yes"]]


def test_rows_with_an_empty_code_mark_the_segments_read(segments):
    # bo read only t1 and t2 of d1 (t2: nothing applies); t3 and t4 are missing for bo
    ana = by_segment(("d1:t1", "housing"), ("d1:t3", "housing"))
    bo = by_segment(("d1:t1", "housing"), ("d1:t2", None))
    result = agree({"ana": ana, "bo": bo}, segments)
    housing = row_of(result, "housing")
    assert (housing["units"], housing["both"], housing["neither"]) == (2, 1, 1)
    assert result.notes == [("bo read part of 1 document(s); the rest is missing for them: "
                             "d1 (2 of 4 units)")]


def test_a_preamble_is_not_counted_in_what_a_coder_read(segments):
    # d1:t1 is a preamble: bo, who marked every unit of d1 read, read all of it
    segments["codable"] = [False, True, True, True, True, True]
    ana = by_segment(("d1:t2", "housing"), ("d1:t4", "housing"))
    bo = by_segment(("d1:t2", "housing"), ("d1:t3", None), ("d1:t4", None))
    assert agree({"ana": ana, "bo": bo}, segments).notes == []
    bo = by_segment(("d1:t2", "housing"), ("d1:t3", None))
    assert agree({"ana": ana, "bo": bo}, segments).notes == [
        "bo read part of 1 document(s); the rest is missing for them: d1 (2 of 3 units)"]


def test_codings_that_stop_early_are_noted():
    segments = pd.DataFrame({"seg_id": [f"d:t{i}" for i in range(1, 41)], "doc_id": "d",
                             "start": range(0, 400, 10), "end": range(10, 410, 10),
                             "speaker": "P1", "text": "x"})
    ana = by_segment(*[(f"d:t{i}", "housing") for i in range(1, 8)])
    bo = by_segment(*[(f"d:t{i}", "housing") for i in (1, 2, 3, 20, 30, 35)])
    notes = agree({"ana": ana, "bo": bo}, segments).notes
    assert len(notes) == 1 and notes[0].startswith(
        "ana's codings stop early in 1 document(s): d (last at segment 7 of 40, others "
        "coded 3 segments after it)")


def test_coverage_notes_speak_of_the_units_chosen_only():
    # `agree --document e` said ana's codings stop early in d, a document left out, and
    # that bo read part of d, and counted d's preamble codings as left out
    segments = pd.DataFrame({"seg_id": [f"{d}:t{i}" for d in "de" for i in range(1, 41)],
                             "doc_id": [d for d in "de" for _ in range(40)],
                             "start": list(range(0, 400, 10)) * 2,
                             "end": list(range(10, 410, 10)) * 2, "speaker": "P1",
                             "text": "x", "codable": [i > 1 for _ in "de" for i in range(1, 41)]})
    ana = by_segment(*[(f"d:t{i}", "housing") for i in range(1, 8)],
                     ("e:t2", "housing"), ("e:t30", "housing"))
    bo = by_segment(*[(f"d:t{i}", "housing") for i in (1, 2, 3, 20, 30, 35)],
                    ("d:t36", None), ("e:t2", "housing"), ("e:t30", "housing"))
    everything = agree({"ana": ana, "bo": bo}, segments).notes
    assert [note[:24] for note in everything] == [
        "ana's codings stop early", "bo read part of 1 docume", "2 coding(s) on preambles"]
    e_only = agree({"ana": ana, "bo": bo}, segments,
                   selection=select_units(segments, document=["e"])).notes
    assert e_only == []
    d_only = agree({"ana": ana, "bo": bo}, segments,
                   selection=select_units(segments, document=["d"])).notes
    assert [note[:24] for note in d_only] == [note[:24] for note in everything]


def test_a_coder_who_looked_for_some_codes_only_is_not_said_to_stop_early_for_others():
    # ana looked for housing alone; bo's codings of isolation after ana's last housing
    # made "ana's codings stop early ... mark the segments read", a false alarm
    segments = pd.DataFrame({"seg_id": [f"d:t{i}" for i in range(1, 41)], "doc_id": "d",
                             "start": range(0, 400, 10), "end": range(10, 410, 10),
                             "speaker": "P1", "text": "x"})
    ana = by_segment(*[(f"d:t{i}", "housing") for i in range(1, 8)])
    bo = by_segment(*[(f"d:t{i}", "housing") for i in (1, 2, 3)],
                    *[(f"d:t{i}", "isolation") for i in (20, 30, 35)])
    notes = agree({"ana": ana, "bo": bo}, segments, scopes={"ana": ["housing"]}).notes
    assert not any("stop early" in note for note in notes), notes
    # bo's housing after it still counts
    bo = pd.concat([bo, by_segment(*[(f"d:t{i}", "housing") for i in (21, 31, 36)])])
    notes = agree({"ana": ana, "bo": bo}, segments, scopes={"ana": ["housing"]}).notes
    assert any(note.startswith("ana's codings stop early in 1 document(s): d (last at "
                               "segment 7 of 40, others coded 3 segments after it)")
               for note in notes), notes


def test_codings_that_stop_early_are_not_noted_where_the_coder_marked_what_they_read():
    segments = pd.DataFrame({"seg_id": [f"d:t{i}" for i in range(1, 41)], "doc_id": "d",
                             "start": range(0, 400, 10), "end": range(10, 410, 10),
                             "speaker": "P1", "text": "x"})
    bo = by_segment(*[(f"d:t{i}", "housing") for i in (1, 2, 3, 20, 30, 35)])
    coded = [(f"d:t{i}", "housing") for i in range(1, 8)]
    # ana read every segment and said so: rows with an empty code for the rest ...
    marked = by_segment(*coded, *[(f"d:t{i}", None) for i in range(8, 41)])
    # ... or a row for the document with no segment and no code (read whole)
    whole = pd.concat([by_segment(*coded), pd.DataFrame(
        {"seg_id": [None], "doc_id": ["d"], "code_id": [None]})], ignore_index=True)
    for ana in (marked, whole):
        result = agree({"ana": ana, "bo": bo}, segments)
        assert result.notes == []
        assert row_of(result, "housing")["units"] == 40


# -- variables, groups, roll-up -------------------------------------------------------

def test_a_variable_is_one_nominal_alpha_with_disagreements_and_confusion(segments, book):
    ana = by_segment(("d1:t1", "value.v1"), ("d1:t2", "value.v2"), ("d1:t3", "value.v2"),
                     ("d1:t4", "value.v3"), ("d2:t1", "topic.rent"))
    bo = by_segment(("d1:t1", "value.v1"), ("d1:t2", "value.v3"), ("d1:t3", "value.v2"),
                    ("d2:t1", "topic.rent"))
    result = agree({"ana": ana, "bo": bo}, segments, book=book)
    variable = row_of(result, "value", "variable")
    labels = [[1, 2, 2, 3], [1, 3, 2, N]]
    assert variable["krippendorff_alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=labels, level_of_measurement="nominal"))
    assert variable["alpha_interval"] == pytest.approx(
        krippendorff.alpha(reliability_data=labels, level_of_measurement="interval"))
    assert (variable["values"], variable["units"], variable["pairable_values"]) == (5, 3, 6)
    assert variable["cohen_kappa"] == pytest.approx(cohen_kappa_score([1, 2, 2], [1, 3, 2]))
    assert "value.v1" not in set(result.per_code["code_id"])     # values get no code rows
    assert row_of(result, "topic.rent", "code")["both"] == 1
    assert result.disagreements[["seg_id", "code_id", "values"]].values.tolist() == [
        ["d1:t2", "value", "ana: v2; bo: v3"]]
    matrix = result.confusion["value"]
    assert list(matrix.index) == ["v1", "v2", "v3", "v4", "v5"]
    assert np.array_equal(matrix.to_numpy()[:3, :3],
                          confusion_matrix([1, 2, 2], [1, 3, 2], labels=[1, 2, 3]))
    assert result.notes[0] == ("value: 1 time(s) a coder gave no value to a segment they "
                               "read and another coder valued; that is missing, not a "
                               "disagreement (if the coder judged that no value applies, "
                               "give the variable a value for it)")
    # the group topic: one unit, rent from both, nothing varied: cu-alpha is 0/0 (a
    # group's row has no percent agreement for the note to speak of)
    assert result.notes[1:] == [
        "n/a for topic: the coders never varied there (every unit got the same value from "
        "everyone), so alpha and kappa are 0/0, undefined; their perfect agreement says "
        "nothing about whether they can tell where a code applies"]
    assert pd.isna(row_of(result, "topic", "group")["percent_agreement"])


def test_an_ordinal_level_without_a_numeric_variable_is_said_to_change_nothing(segments,
                                                                                 book):
    # `agree --level ordinal` on codes alone printed nominal verdicts without a word
    a = by_segment(("d1:t1", "topic.rent"), ("d1:t2", "value.v1"))
    b = by_segment(("d1:t1", "topic.wages"), ("d1:t2", "value.v2"))
    said = ("ordinal alpha is for numeric variables (an exclusive parent whose children "
            "are numbers, a rating scale), and no row is one: every verdict is on nominal "
            "alpha")
    codes = agree({"a": a, "b": b}, segments, book=book, draws=0, level="ordinal",
                  codes=["topic.rent", "topic.wages"])
    assert said in codes.notes
    rated = agree({"a": a, "b": b}, segments, book=book, draws=0, level="ordinal")
    assert "alpha_ordinal" in rated.per_code and said not in rated.notes
    assert not any("numeric variables" in note for note in agree(
        {"a": a, "b": b}, segments, book=book, draws=0, codes=["topic.rent"]).notes)


def test_two_values_of_a_variable_on_one_segment_name_the_line(tmp_path, segments, book):
    from dialogcode.coders import read_coder
    path = tmp_path / "ana.csv"
    path.write_text("seg_id,code_id\nd1:t1,value.v1\nd1:t2,value.v2\nd1:t1,value.v3\n")
    ana = read_coder(path, segments)
    with pytest.raises(DialogcodeError) as caught:
        agree({"ana": ana, "bo": by_segment(("d1:t1", "value.v1"))}, segments, book=book)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == (str(path), 4)
    assert "d1:t1 gets two values of value: value.v1 and value.v3" in problem.message


def test_codes_outside_the_codebook_are_refused(segments, book):
    with pytest.raises(DialogcodeError) as caught:
        agree({"a": by_segment(("d1:t1", "topic.rnt")), "b": by_segment(("d1:t1", None))},
              segments, book=book, codes=["topic.rent", "nope"])
    messages = sorted(p.message for p in caught.value.problems)
    assert messages == ["code 'topic.rnt' is not in the codebook",
                        "unknown code 'nope': not in the codebook"]


def test_cu_alpha_reproduces_the_worked_example(segments, book):
    # docs: s1 A {x} B {x}; s2 A {x, y} B {y}; s3 A {z} B {y} -> cu-alpha = 1/3
    a = by_segment(("d1:t1", "topic.rent"), ("d1:t2", "topic.rent"), ("d1:t2", "topic.wages"),
                   ("d1:t3", "topic.care"))
    b = by_segment(("d1:t1", "topic.rent"), ("d1:t2", "topic.wages"), ("d1:t3", "topic.wages"))
    result = agree({"a": a, "b": b}, segments, book=book)
    group = row_of(result, "topic", "group")
    assert group["krippendorff_alpha"] == pytest.approx(1 / 3)
    assert (group["units"], group["pairable_values"]) == (3, 6)


@pytest.mark.parametrize("seed", range(4))
def test_cu_alpha_of_one_child_per_coder_is_nominal_alpha(seed, book):
    rng = np.random.default_rng(seed)
    group = scheme_of(book).groups["topic"]
    data = rng.integers(0, 3, size=(3, 30)).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    unit, coder, child = np.array([(u, k, int(v)) for k, row in enumerate(data)
                                   for u, v in enumerate(row) if not np.isnan(v)]).T
    matrix, _ = group_coincidences(unit, coder, child, 3, len(group.values))
    assert alpha_from(matrix, 1 - np.eye(3)) == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def test_roll_up_counts_a_sub_code_for_its_parent(segments, book):
    a = by_segment(("d1:t1", "topic.rent"), ("d1:t2", "topic.wages"))
    b = by_segment(("d1:t1", "topic.wages"), ("d1:t3", "topic.care"))
    plain = agree({"a": a, "b": b}, segments, book=book)
    assert "topic" not in set(plain.per_code.loc[plain.per_code["kind"] == "code", "code_id"])
    rolled = row_of(agree({"a": a, "b": b}, segments, book=book, roll_up=True), "topic", "code")
    assert (rolled["both"], rolled["only_first"], rolled["only_second"],
            rolled["neither"]) == (1, 1, 1, 1)



def test_a_parent_nobody_applied_points_to_roll_up_when_its_sub_codes_were(segments, book):
    # `agree --code topic` on a category said only "no one applied it", though the
    # coders applied the codes below it: --roll-up, which judges it on them, went unsaid
    a = by_segment(("d1:t1", "topic.rent"), ("d1:t2", "topic.wages"))
    b = by_segment(("d1:t1", "topic.wages"), ("d1:t3", "topic.care"))
    plain = agree({"a": a, "b": b}, segments, book=book, draws=0, codes=["topic"])
    assert row_of(plain, "topic", "code")["verdict"] == "n/a: no one applied it"
    hint = ("topic: codes below it were applied; with --roll-up they count for it, and it "
            "is judged on them")
    assert hint in plain.notes
    rolled = agree({"a": a, "b": b}, segments, book=book, draws=0, codes=["topic"],
                   roll_up=True)
    assert not any(note.startswith("topic:") for note in rolled.notes)
    # nothing below it applied either: no hint
    other = by_segment(("d1:t1", "value.v1"))
    nothing = agree({"a": other, "b": other.copy()}, segments, book=book, draws=0,
                    codes=["topic"])
    assert not any(note.startswith("topic:") for note in nothing.notes)
    # against the rules, a human-only code counts for no parent the rules can apply
    # (chains): the hint said --roll-up would judge topic on it, and it did not
    chains = {c: (c,) for c in ("topic.rent", "topic.wages", "topic.care")}
    for roll_up in (False, True):
        alone = agree({"a": a, "b": b}, segments, book=book, draws=0, codes=["topic"],
                      chains=chains, roll_up=roll_up)
        assert not any(note.startswith("topic:") for note in alone.notes)
    assert row_of(alone, "topic", "code")["verdict"] == "n/a: no one applied it"


def test_a_rolled_up_pooled_row_counts_each_coding_once(segments, book):
    # (all codes) with --roll-up pooled the parent's row beside its sub-codes' rows,
    # counting each sub-code decision twice (units, informative units, a verdict lifted)
    a = by_segment(("d1:t1", "topic.rent"), ("d1:t2", "topic.wages"))
    b = by_segment(("d1:t1", "topic.wages"), ("d1:t3", "topic.care"))
    rolled = agree({"a": a, "b": b}, segments, book=book, roll_up=True, draws=0)
    plain = agree({"a": a, "b": b}, segments, book=book, draws=0)
    assert "topic" in set(rolled.per_code["code_id"])
    for column in ("units", "informative_units", "both", "krippendorff_alpha", "verdict"):
        assert row_of(rolled, ALL_CODES)[column] == row_of(plain, ALL_CODES)[column], column
    assert ("(all codes) pools the codes as applied, each coding counted once, as agree "
            "without --roll-up does: rolled up, a sub-code's codings would count again in "
            "the rows of the codes above it") in rolled.notes
    assert not any(note.startswith(ALL_CODES) for note in plain.notes)


def test_a_parent_asked_for_rolled_up_pools_its_sub_codes_as_applied(segments, book):
    # `agree --code topic --roll-up` had no (all codes) row when nobody applied topic
    # itself, only its children: the pool took the codes asked for as applied alone
    a = by_segment(("d1:t1", "topic.rent"), ("d1:t2", "topic.wages"), ("d1:t4", "value.v1"))
    b = by_segment(("d1:t1", "topic.wages"), ("d1:t3", "topic.care"), ("d1:t4", "value.v2"))
    rolled = agree({"a": a, "b": b}, segments, book=book, roll_up=True, draws=0,
                   codes=["topic"])
    plain = agree({"a": a, "b": b}, segments, book=book, draws=0,
                  codes=["topic.rent", "topic.wages", "topic.care"])
    assert list(rolled.per_code["code_id"]) == ["topic", ALL_CODES, "topic"]
    for column in ("units", "informative_units", "both", "only_first", "only_second",
                   "krippendorff_alpha", "verdict"):
        assert row_of(rolled, ALL_CODES)[column] == row_of(plain, ALL_CODES)[column], column
    assert row_of(rolled, ALL_CODES)["units"] == 3 * 4      # three codes x d1's four turns

# -- units ------------------------------------------------------------------------------

def test_units_are_chosen_by_speaker_document_and_any_column(segments):
    documents = pd.DataFrame({"doc_id": ["d1", "d2"], "site": ["North", "South"],
                              "event_type": ["coaching_call", "site_visit"]})
    chosen = select_units(segments, documents, speaker=["p*"])
    assert list(chosen.seg_ids) == ["d1:t1", "d1:t2", "d1:t3", "d1:t4", "d2:t2"]
    assert chosen.description == "speaker p*"
    both = select_units(segments, documents, speaker=["P1"], site=["south"])
    assert list(both.seg_ids) == ["d2:t2"] and both.description == "speaker P1; site south"
    assert list(select_units(segments, documents, where=["event_type=coaching*",
                                                         "ordinal=4"]).seg_ids) == ["d1:t4"]
    assert select_units(segments).description == "all segments"
    with pytest.raises(SelectionError, match="no column 'colour'"):
        select_units(segments, documents, where=["colour=red"])
    with pytest.raises(SelectionError, match="COLUMN=VALUE"):
        select_units(segments, documents, where=["speaker"])
    with pytest.raises(DialogcodeError, match="no segment matches speaker Nobody"):
        select_units(segments, documents, speaker=["Nobody"])


def test_a_selection_matching_nothing_says_what_each_filter_could_match(segments):
    # "no segment matches site East" left the researcher guessing at the site names;
    # speaker labels, which may be people's names, are counted, not listed
    documents = pd.DataFrame({"doc_id": ["d1", "d2"], "site": ["North", "South"]})
    with pytest.raises(DialogcodeError) as caught:
        select_units(segments, documents, site=["East"])
    assert str(caught.value) == "no segment matches site East (site values: North, South)"
    with pytest.raises(DialogcodeError) as caught:
        select_units(segments, documents, speaker=["Coach"], document=["d1"])
    assert str(caught.value) == (
        "no segment matches speaker Coach; doc_id d1 (with doc_id d1, 2 speaker value(s), "
        "none matching: see the segments table; with speaker Coach, doc_id values: d2)")
    assert "P1" not in str(caught.value)
    with pytest.raises(DialogcodeError) as caught:
        select_units(segments, documents, where=["text=zz*"])
    assert str(caught.value) == ("no segment matches text zz* (6 text value(s), none "
                                 "matching: see the segments table)")
    # a document's title and a manifest's own column may name people too
    documents = documents.assign(title=["Interview with Rosalba Ortiz", "Visit"],
                                 interviewer=["Dana Park", "Lee Chen"])
    for where, column in (("title=zz*", "title"), ("interviewer=zz*", "interviewer")):
        with pytest.raises(DialogcodeError) as caught:
            select_units(segments, documents, where=[where])
        assert str(caught.value) == (f"no segment matches {column} zz* (2 {column} "
                                     "value(s), none matching: see the documents table)")


def test_agreement_over_chosen_units_only(segments):
    ana = by_segment(("d1:t1", "housing"), ("d1:t2", "housing"), ("d2:t1", "housing"))
    bo = by_segment(("d1:t1", "housing"), ("d2:t2", "housing"))
    result = agree({"ana": ana, "bo": bo}, segments,
                   selection=select_units(segments, speaker=["P1"]))
    # P1 speaks d1:t1, d1:t3 and d2:t2: ana 1 0 0, bo 1 0 1
    housing = row_of(result, "housing")
    assert (housing["units"], housing["both"], housing["only_second"]) == (3, 1, 1)
    assert (result.selection, result.units, result.documents) == ("speaker P1", 3, 2)
    assert (result.shared, result.shared_documents) == (3, 2)


def test_an_exclusive_parent_needs_two_values(tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text("codebook: b\ntitle: B\ncodes:\n  - id: talk\n    label: Talk\n"
                    "    codable: false\n    exclusive: true\n    codes:\n"
                    "      - {id: talk.change, label: Change}\n")
    with pytest.raises(DialogcodeError, match="`exclusive: true` code needs two or more"):
        load_codebooks(path)


def test_segments_that_are_not_codable_are_not_units(segments):
    segments["codable"] = [False, True, True, True, True, True]      # d1:t1 a preamble
    ana, bo = by_segment(("d1:t1", "housing"), ("d1:t2", "housing")), by_segment(("d1:t2",
                                                                                  "housing"))
    result = agree({"ana": ana, "bo": bo}, segments)
    housing = row_of(result, "housing")
    assert (housing["units"], housing["both"], housing["only_first"]) == (3, 1, 0)
    assert result.notes[0].startswith("1 coding(s) on preambles or headings are left out")
