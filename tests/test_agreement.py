"""Intercoder agreement: alpha and kappa against known answers and reference packages,
per-code tables on hand-built codings, span mapping, refusals and missing data."""
import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score

from dialogcode.agreement import ALL_CODES, agree, cohen_kappa, krippendorff_alpha
from dialogcode.errors import DialogcodeError

N = np.nan
# Krippendorff's worked example for nominal data: 4 coders x 12 units, alpha = 0.743
WORKED_EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


def make_segments() -> pd.DataFrame:
    """Two documents: d1 with four 20-character turns, d2 with two 30-character turns."""
    rows = [("d1", 1, "P1", 0, 20), ("d1", 2, "P2", 20, 40), ("d1", 3, "P1", 40, 60),
            ("d1", 4, "P2", 60, 80), ("d2", 1, "Coach", 0, 30), ("d2", 2, "P1", 30, 60)]
    return pd.DataFrame([{"seg_id": f"{doc}:t{n}", "doc_id": doc, "unit": "turn", "ordinal": n,
                          "kind": "turn", "speaker": speaker, "section": "", "start": start,
                          "end": end, "text": f"text of {doc} turn {n}"}
                         for doc, n, speaker, start, end in rows])


def by_segment(*pairs: tuple[str, str]) -> pd.DataFrame:
    """A segment-level coding: (seg_id, code_id) pairs, doc_id taken from the seg_id."""
    return pd.DataFrame({"seg_id": [s for s, _ in pairs],
                         "doc_id": [s.split(":")[0] for s, _ in pairs],
                         "code_id": [c for _, c in pairs]})


def by_span(*rows: tuple) -> pd.DataFrame:
    """A span-level coding: (doc_id, code_id, start, end) rows, no seg_id."""
    return pd.DataFrame(rows, columns=["doc_id", "code_id", "start", "end"])


def row_of(result, code_id: str) -> pd.Series:
    return result.per_code.set_index("code_id").loc[code_id]


@pytest.fixture
def segments() -> pd.DataFrame:
    return make_segments()


def test_worked_example_gives_published_alpha():
    assert round(krippendorff_alpha(WORKED_EXAMPLE), 3) == 0.743
    with_none = [[None if v != v else v for v in row] for row in WORKED_EXAMPLE]
    assert krippendorff_alpha(with_none) == pytest.approx(krippendorff_alpha(WORKED_EXAMPLE))
    assert krippendorff_alpha(WORKED_EXAMPLE) == pytest.approx(
        krippendorff.alpha(reliability_data=WORKED_EXAMPLE, level_of_measurement="nominal"),
        abs=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_alpha_matches_krippendorff_package_on_random_data(seed):
    rng = np.random.default_rng(seed)
    coders, units, categories = rng.integers(2, 6), rng.integers(5, 60), rng.integers(2, 6)
    data = rng.integers(1, categories + 1, size=(coders, units)).astype(float)
    data[rng.random(data.shape) < 0.25] = np.nan
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha(data) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_kappa_matches_sklearn_on_random_data(seed):
    rng = np.random.default_rng(seed)
    labels = np.array(["yes", "no", "maybe"])[: rng.integers(2, 4)]
    a, b = rng.choice(labels, size=40), rng.choice(labels, size=40)
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_kappa_drops_pairs_with_a_missing_label():
    a, b = [1, 0, 1, None, 1, 0], [1, 0, 0, 1, np.nan, 0]
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score([1, 0, 1, 0], [1, 0, 0, 0]))


def test_no_variation_is_nan_not_perfect():
    assert np.isnan(krippendorff_alpha([[0, 0, 0], [0, 0, 0]]))
    assert np.isnan(cohen_kappa([1, 1, 1], [1, 1, 1]))
    assert np.isnan(krippendorff_alpha([[1, N], [N, 2]]))   # nothing pairable


def test_identical_codings_agree_perfectly(segments):
    coding = by_segment(("d1:t1", "housing"), ("d1:t3", "isolation"), ("d2:t2", "housing"))
    result = agree({"a": coding, "b": coding.copy()}, segments, codes=["housing", "isolation",
                                                                      "trust"])
    table = result.per_code.set_index("code_id")
    for code in ["housing", "isolation", ALL_CODES]:
        assert table.loc[code, "krippendorff_alpha"] == pytest.approx(1.0)
        assert table.loc[code, "cohen_kappa"] == pytest.approx(1.0)
        assert table.loc[code, "percent_agreement"] == 1.0
        assert table.loc[code, "verdict"] == "reliable"
    # nobody used "trust": agreement 1.0, but alpha and kappa are 0/0 and not claimed
    assert table.loc["trust", "percent_agreement"] == 1.0
    assert np.isnan(table.loc["trust", "krippendorff_alpha"])
    assert np.isnan(table.loc["trust", "cohen_kappa"])
    assert table.loc["trust", "verdict"] == "n/a"
    assert result.disagreements.empty
    assert result.coders == ["a", "b"] and result.unit == "segment"


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
    assert list(table.columns) == [
        "code_id", "units", "coders", "percent_agreement", "cohen_kappa", "krippendorff_alpha",
        "verdict", "both", "only_first", "only_second", "neither", "precision", "recall", "f1"]

    # housing over d1:t1..t4, d2:t1..t2:  ana 1 1 0 0 1 0,  rules 1 0 1 0 1 0
    housing = row_of(result, "housing")
    assert (housing["units"], housing["coders"]) == (6, 2)
    assert (housing["both"], housing["only_first"], housing["only_second"],
            housing["neither"]) == (2, 1, 1, 2)
    assert housing["percent_agreement"] == pytest.approx(4 / 6)
    # kappa: po = 4/6, pe = .5*.5 + .5*.5 = .5 -> (2/3 - 1/2) / (1/2) = 1/3
    assert housing["cohen_kappa"] == pytest.approx(1 / 3)
    # alpha: n = 12, n_0 = n_1 = 6, o_01 + o_10 = 4 -> 1 - 11 * 4 / (144 - 36 - 36) = 28/72
    assert housing["krippendorff_alpha"] == pytest.approx(28 / 72)
    assert housing["verdict"] == "do not rely"
    # against ana: tp = 2, fp = 1 (only rules), fn = 1 (only ana)
    assert (housing["precision"], housing["recall"], housing["f1"]) == pytest.approx(
        (2 / 3, 2 / 3, 2 / 3))

    isolation = row_of(result, "isolation")          # both coded d1:t3 only
    assert (isolation["both"], isolation["neither"], isolation["krippendorff_alpha"],
            isolation["f1"]) == (1, 5, pytest.approx(1.0), pytest.approx(1.0))

    pooled = row_of(result, ALL_CODES)               # 2 codes x 6 units = 12 decisions
    assert (pooled["units"], pooled["both"], pooled["only_first"], pooled["only_second"],
            pooled["neither"]) == (12, 3, 1, 1, 7)
    assert pooled["percent_agreement"] == pytest.approx(10 / 12)
    # kappa: po = 10/12, pe = (1/3)^2 + (2/3)^2 = 5/9 -> (5/6 - 5/9) / (4/9) = 5/8
    assert pooled["cohen_kappa"] == pytest.approx(5 / 8)
    # alpha: n = 24, n_1 = 8, n_0 = 16, disagreeing pairs 4 -> 1 - 23*4 / (576-64-256)
    assert pooled["krippendorff_alpha"] == pytest.approx(1 - 92 / 256)
    assert (pooled["precision"], pooled["recall"]) == pytest.approx((3 / 4, 3 / 4))

    disagreements = result.disagreements
    assert list(disagreements.columns) == ["seg_id", "doc_id", "code_id", "speaker", "text",
                                           "ana", "rules", "coded_by"]
    assert disagreements[["seg_id", "code_id", "speaker", "ana", "rules", "coded_by"]
                         ].values.tolist() == [["d1:t2", "housing", "P2", True, False, "ana"],
                                               ["d1:t3", "housing", "P1", False, True, "rules"]]
    assert disagreements["text"].tolist() == ["text of d1 turn 2", "text of d1 turn 3"]


def test_reference_reverses_precision_and_recall(segments):
    # ana finds housing in t1, t2, t3; rules only in t1
    ana = by_segment(("d1:t1", "housing"), ("d1:t2", "housing"), ("d1:t3", "housing"))
    rules = by_segment(("d1:t1", "housing"))
    against_ana = row_of(agree({"ana": ana, "rules": rules}, segments, reference="ana"),
                         "housing")
    against_rules = row_of(agree({"ana": ana, "rules": rules}, segments, reference="rules"),
                           "housing")
    # tp = 1; rules vs ana: fp 0, fn 2; ana vs rules: fp 2, fn 0
    assert (against_ana["precision"], against_ana["recall"]) == pytest.approx((1, 1 / 3))
    assert (against_rules["precision"], against_rules["recall"]) == pytest.approx((1 / 3, 1))
    assert against_ana["f1"] == pytest.approx(2 * 1 / (2 * 1 + 0 + 2))
    unused = row_of(agree({"ana": ana, "rules": rules}, segments, reference="ana",
                          codes=["housing", "trust"]), "trust")
    assert np.isnan(unused["precision"]) and np.isnan(unused["recall"])
    assert np.isnan(unused["f1"])


def test_spans_are_mapped_to_the_segments_they_overlap(segments):
    # a: housing over d1 characters 5..25, across t1 [0, 20) and t2 [20, 40); b: 10..15 in t1
    a, b = by_span(("d1", "housing", 5, 25)), by_span(("d1", "housing", 10, 15))
    result = agree({"a": a, "b": b}, segments)
    housing = row_of(result, "housing")
    # only d1 was coded: 4 units; a 1 1 0 0, b 1 0 0 0
    assert (housing["units"], housing["both"], housing["only_first"], housing["only_second"],
            housing["neither"]) == (4, 1, 1, 0, 2)
    assert result.disagreements["seg_id"].tolist() == ["d1:t2"]


def test_span_unit_overlap_rule(segments):
    a = by_span(("d1", "housing", 5, 25), ("d1", "isolation", 60, 70))
    b = by_span(("d1", "housing", 10, 15))
    b["seg_id"] = None
    # a row with a seg_id but no offsets covers its whole segment, d1:t4 = [60, 80)
    b = pd.concat([b, pd.DataFrame({"seg_id": ["d1:t4"], "doc_id": ["d1"],
                                    "code_id": ["isolation"]})], ignore_index=True)
    half = agree({"a": a, "b": b}, segments, unit="span")
    assert half.unit == "span"
    # t1: union 5..20 = 15 chars, a covers 15/15, b 5/15 < .5 -> only a; t2: a alone (5/5)
    assert tuple(row_of(half, "housing")[["both", "only_first", "only_second", "neither"]]
                 ) == (0, 2, 0, 2)
    # t4: union 60..80 = 20 chars, a covers 10/20 = .5 (enough), b 20/20 -> both
    assert tuple(row_of(half, "isolation")[["both", "only_first", "only_second", "neither"]]
                 ) == (1, 0, 0, 3)
    third = agree({"a": a, "b": b}, segments, unit="span", min_overlap=0.3)
    # b's 5/15 = .33 >= .3 now counts in t1
    assert tuple(row_of(third, "housing")[["both", "only_first"]]) == (1, 1)
    strict = agree({"a": a, "b": b}, segments, unit="span", min_overlap=0.6)
    assert tuple(row_of(strict, "isolation")[["both", "only_first", "only_second"]]
                 ) == (0, 0, 1)


def test_codings_of_other_text_are_refused(segments):
    documents = pd.DataFrame({"doc_id": ["d1", "d2"], "sha256": ["aaa", "bbb"]})
    ana = by_segment(("d1:t1", "housing"), ("d2:t1", "housing"))
    ana["sha256"] = ["aaa", "zzz"]
    rules = by_segment(("d1:t1", "housing"), ("d1:t2", "housing"))
    rules["sha256"] = ["old", "old"]
    with pytest.raises(DialogcodeError) as caught:
        agree({"ana": ana, "rules": rules}, segments, documents=documents)
    problems = sorted((p.key, p.message) for p in caught.value.problems)
    assert len(problems) == 2
    assert problems[0][0] == "ana" and "'d2'" in problems[0][1]
    assert problems[1][0] == "rules" and "'d1'" in problems[1][1]
    ana["sha256"] = ["aaa", "bbb"]
    rules["sha256"] = "aaa"
    assert agree({"ana": ana, "rules": rules}, segments, documents=documents).per_code is not None


def test_unknown_seg_ids_are_refused(segments):
    good = by_segment(("d1:t1", "housing"))
    bad = by_segment(("d1:t1", "housing"), ("d1:t9", "housing"), ("d1:t10", "isolation"))
    with pytest.raises(DialogcodeError) as caught:
        agree({"good": good, "bad": bad}, segments)
    [problem] = caught.value.problems
    assert problem.key == "bad"
    assert "2 unknown seg_id(s)" in problem.message
    assert "d1:t9" in problem.message and "d1:t10" in problem.message


@pytest.mark.parametrize("kwargs", [{"unit": "word"}, {"reference": "nobody"},
                                    {"min_overlap": 0}])
def test_bad_arguments_are_refused(segments, kwargs):
    coding = by_segment(("d1:t1", "housing"))
    with pytest.raises(DialogcodeError):
        agree({"a": coding, "b": coding}, segments, **kwargs)


def test_a_document_one_coder_never_saw_is_missing_not_absent(segments):
    ana = by_segment(("d1:t1", "housing"), ("d1:t2", "housing"))      # d1 only
    rules = by_segment(("d1:t1", "housing"), ("d1:t2", "housing"), ("d2:t1", "housing"))
    result = agree({"ana": ana, "rules": rules}, segments)
    housing = row_of(result, "housing")
    # d2's two units have one value each, so only d1's 4 units are compared, all agreeing
    assert housing["units"] == 4
    assert housing["krippendorff_alpha"] == pytest.approx(1.0)
    assert result.disagreements.empty

    # with a third coder who saw both documents, d2's units are pairable again
    three = agree({"ana": ana, "rules": rules, "cy": rules.copy()}, segments)
    housing = row_of(three, "housing")
    assert (housing["units"], housing["coders"]) == (6, 3)
    assert housing["krippendorff_alpha"] == pytest.approx(1.0)
    assert np.isnan(housing["cohen_kappa"]) and "both" not in three.per_code

    # a row with no code marks d2 as coded by ana with nothing: now ana is absent there
    seen = pd.concat([ana, pd.DataFrame({"seg_id": [None], "doc_id": ["d2"],
                                         "code_id": [None]})], ignore_index=True)
    result = agree({"ana": seen, "rules": rules}, segments)
    housing = row_of(result, "housing")
    # ana 1 1 0 0 0 0, rules 1 1 0 0 1 0: n = 12, n_1 = 5, n_0 = 7, one disagreeing unit
    assert housing["units"] == 6
    assert housing["krippendorff_alpha"] == pytest.approx(1 - 11 * 2 / (144 - 25 - 49))
    assert result.disagreements[["seg_id", "ana", "rules", "coded_by"]].values.tolist() == [
        ["d2:t1", False, True, "rules"]]
