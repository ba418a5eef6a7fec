"""A coder's span over several segments codes each segment it covers words of, in every
reader of coder files: read_coder, training positives, agreement (dialogcode.spans).

The evidence fixture's north/kickoff: t2 44-91 "The rent keeps rising and families get
evicted.", t3 97-128 "Wages are low, so rent is late.", t4 134-139 "Mm-hm"."""
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.coders import coder_path, read_coder
from dialogcode.errors import DialogcodeWarning
from dialogcode.evaluate import reference_codings
from dialogcode.ingest import load_corpus
from dialogcode.named_codings import identical_files
from dialogcode.spans import covered_segments, interjections
from dialogcode.training import training_data

FIXTURE = Path(__file__).parent / "data" / "evidence-study"
T2, T3, T4 = (f"north/kickoff:{t}" for t in ("t2", "t3", "t4"))


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    root = tmp_path_factory.mktemp("spans") / "study"
    shutil.copytree(FIXTURE, root)
    result = CliRunner().invoke(cli, ["run", str(root), "-q"])
    assert result.exit_code == 0, result.output
    (root / "codings").mkdir(exist_ok=True)
    # sam marks one span over t2, t3 and t4; ann codes the three turns one by one
    coder_path(Study.open(root), "sam").write_text(
        "seg_id,code_id,start,end\n"
        f"{T2},risk.housing,60,139\n"
        f"{T3},risk.money,112,135\n"          # runs into t4's first letter only
        f"{T3},connection,127,139\n", encoding="utf-8")   # t3's full stop, then t4
    coder_path(Study.open(root), "ann").write_text(
        "seg_id,code_id\n"
        f"{T2},risk.housing\n{T3},risk.housing\n{T4},risk.housing\n"
        f"{T3},risk.money\n{T4},connection\n", encoding="utf-8")
    return root


def test_the_rule_covers_words_not_a_grazed_edge():
    segments = [(0, 10, "a", "One thing."), (11, 21, "b", "Two things"),
                (22, 24, "c", "..")]
    assert covered_segments(4, 16, segments) == ["a", "b"]     # "thing", "Two"
    assert covered_segments(9, 21, segments) == ["b"]          # a's full stop only
    assert covered_segments(0, 12, segments) == ["a"]          # b's "T" only
    assert covered_segments(1, 3, segments) == []              # a piece of "One"
    assert covered_segments(15, 24, segments) == ["b", "c"]    # c wholly, no word


def test_interjections_are_found_beside_segments_without_a_line_or_speaker():
    # segments of a table transcript have no line (pandas' NA in a nullable column) and
    # a section no speaker: comparing them raised "boolean value of NA is ambiguous",
    # and every import into such a study stopped
    segments = pd.DataFrame({
        "doc_id": ["a"] * 4 + ["b"] * 3,
        "seg_id": ["a:t1", "a:t2", "a:t3", "a:s1", "b:t1", "b:t2", "b:t3"],
        "line": pd.array([3, 3, 3, None, None, None, None], dtype="Int64"),
        "speaker": pd.array(["P1", "Coach", "P1", None, "P1", "P2", "P1"], dtype="string")})
    assert interjections(segments) == {"a:t2": ("a:t1", "a:t3")}


def test_a_coder_files_span_reads_as_a_row_per_segment_it_covers(study):
    opened = Study.open(study)
    segments = load_corpus(opened).segments
    rows = read_coder(coder_path(opened, "sam"), segments)
    assert [(r.Index, r.seg_id, r.code_id, int(r.start), int(r.end), pd.isna(r.quote))
            for r in rows.itertuples()] == [
        (2, T2, "risk.housing", 60, 91, True),
        (2, T3, "risk.housing", 97, 128, True),
        (2, T4, "risk.housing", 134, 139, True),
        (3, T3, "risk.money", 112, 135, True),
        (4, T4, "connection", 127, 139, True)]     # one segment: as import-codings


def test_training_counts_the_span_in_every_segment_it_covers(study):
    opened = Study.open(study)
    opened.config.learn.coders = ["sam"]
    segments = load_corpus(opened).segments
    data = training_data(opened, segments, load_codebooks(opened.codebook_files()))
    labels = pd.DataFrame(data.labels, index=data.item_ids, columns=data.codes)
    # t4, "Mm-hm", is a backchannel, which is not learned from
    assert labels.loc[[T2, T3], "risk.housing"].tolist() == [1, 1]
    assert labels.loc[[T2, T3], "risk.money"].tolist() == [0, 1]
    assert labels.loc[[T2, T3], "connection"].tolist() == [0, 0]   # t3's full stop only


def test_agreement_compares_every_segment_the_span_covers(study):
    result = CliRunner().invoke(cli, ["agree", "sam", "ann", "-s", str(study),
                                      "--draws", "0"])
    assert result.exit_code == 0, result.output
    assert "0 disagreements" in result.output
    table = pd.read_csv(study / "out" / "agreement" / "sam-vs-ann.csv")
    codes = table[table["kind"] == "code"].set_index("code_id")
    assert codes.loc[["connection", "risk.housing", "risk.money"],
                     "percent_agreement"].tolist() == [1.0, 1.0, 1.0]


def test_a_span_the_file_already_codes_segment_by_segment_counts_once(study, tmp_path):
    # an import before spans were cut wrote the span in t2 alone; the coder then added
    # t3 (the whole turn) and t4 (its span), as that import's summary asked to check
    opened = Study.open(study)
    path = tmp_path / "old.csv"
    path.write_text("seg_id,code_id,start,end\n"
                    f"{T2},risk.housing,60,139\n{T3},risk.housing,,\n"
                    f"{T4},risk.housing,134,139\n"
                    f"{T3},risk.money,100,139\n{T2},risk.money,60,139\n",   # two spans
                    encoding="utf-8")
    rows = read_coder(path, load_corpus(opened).segments)
    pairs = list(zip(rows["seg_id"], rows["code_id"]))
    assert sorted(pairs) == sorted([(T2, "risk.housing"), (T3, "risk.housing"),
                                    (T4, "risk.housing"), (T2, "risk.money"),
                                    (T3, "risk.money"), (T4, "risk.money")])


def test_a_span_and_its_parts_per_segment_are_flagged_as_the_same_coding(study):
    # sam's file as an import before spans were cut wrote it, and as one writes it now
    opened = Study.open(study)
    now = study / "codings" / "sam_now.csv"
    now.write_text("seg_id,code_id,start,end\n"
                   f"{T2},risk.housing,60,91\n{T3},risk.housing,97,128\n"
                   f"{T4},risk.housing,134,139\n{T3},risk.money,112,135\n"
                   f"{T4},connection,127,139\n", encoding="utf-8")
    try:
        warnings = identical_files(opened, ["sam", "sam_now"],
                                   load_corpus(opened).segments)
    finally:
        now.unlink()
    assert len(warnings) == 1 and "hold the same codings" in warnings[0]


def test_two_spans_from_one_segment_over_the_next_code_each_segment_once(study, tmp_path):
    # each span's part in t2 gave way to the other span's whole extent, so t2 lost the
    # code (import-codings kept one)
    opened = Study.open(study)
    path = tmp_path / "two.csv"
    path.write_text("seg_id,code_id,start,end\n"
                    f"{T2},risk.money,60,139\n{T2},risk.money,65,120\n", encoding="utf-8")
    rows = read_coder(path, load_corpus(opened).segments)
    assert sorted(zip(rows["seg_id"], rows["code_id"])) == [
        (T2, "risk.money"), (T3, "risk.money"), (T4, "risk.money")]


# quotes without offsets: "families get evicted." ends t2, "Wages are low" opens t3
QUOTES = [("risk.housing", "families get evicted. Wages are low"),
          ("risk.money", "get evicted. P2: Wages are low, so rent is late. P1: Mm-hm"),
          ("connection", "rent keeps rising")]                    # within t2 alone


def _quotes_file(path: Path, quotes=QUOTES) -> Path:
    frame = pd.DataFrame({"seg_id": T2, "code_id": [c for c, _ in quotes],
                          "quote": [q for _, q in quotes]})
    frame.to_csv(path, index=False)
    return path


def test_a_quote_running_on_into_the_next_turns_codes_each_of_them(study, tmp_path):
    rows = read_coder(_quotes_file(tmp_path / "quotes.csv"),
                      load_corpus(Study.open(study)).segments)
    assert [(r.seg_id, r.code_id, r.quote) for r in rows.itertuples()] == [
        (T2, "risk.housing", "families get evicted."), (T3, "risk.housing", "Wages are low"),
        (T2, "risk.money", "get evicted."), (T3, "risk.money", "Wages are low, so rent is late."),
        (T4, "risk.money", "Mm-hm"), (T2, "connection", "rent keeps rising")]
    assert rows["start"].isna().tolist() == [False] * 5 + [True]   # t2's own: the whole turn


def test_a_quote_not_going_on_as_the_turns_do_stays_in_its_segment_and_says_so(
        study, tmp_path):
    # t3 reads "Wages are low, so ...": the quote runs on, but not into t3's words; the
    # row coded t2 alone and nothing said the rest of what the coder meant was dropped
    path = _quotes_file(tmp_path / "off.csv", [("risk.money", "get evicted. Wages are high")])
    with pytest.warns(DialogcodeWarning) as raised:
        rows = read_coder(path, load_corpus(Study.open(study)).segments)
    assert list(zip(rows["seg_id"], rows["code_id"])) == [(T2, "risk.money")]
    assert [str(w.message) for w in raised] == [
        f"{path}:2: the quote runs on past its turn but not as the transcript goes on "
        "(the next turns' words, and their speaker labels if quoted, as the transcript "
        "writes them): coded on its own turn only; quote the words as the transcript has "
        "them, or give start and end"]


def test_run_on_quotes_retyped_or_skipping_a_turn_are_named_in_one_warning(study, tmp_path):
    # line 2 retyped t3 ("too low"), line 4 left t3 out for t4's "Mm-hm"; line 3 runs
    # on word for word and line 5 stays in t2: neither is named
    path = _quotes_file(tmp_path / "off.csv", [
        ("risk.housing", "families get evicted. Wages are too low, so rent is late"),
        ("risk.money", "get evicted. Wages are low"),
        ("connection", "get evicted. Mm-hm"),
        ("risk", "rent keeps rising")])
    with pytest.warns(DialogcodeWarning) as raised:
        rows = read_coder(path, load_corpus(Study.open(study)).segments)
    assert sorted(zip(rows["seg_id"], rows["code_id"])) == [
        (T2, "connection"), (T2, "risk"), (T2, "risk.housing"), (T2, "risk.money"),
        (T3, "risk.money")]
    assert [str(w.message) for w in raised] == [
        f"{path}:2: 2 rows' quotes (lines 2, 4) run on past their turn but not as the "
        "transcript goes on (the next turns' words, and their speaker labels if quoted, "
        "as the transcript writes them): each coded on its own turn only; quote the words "
        "as the transcript has them, or give start and end"]


def test_the_run_on_warning_says_so_of_a_retyped_label_and_a_documents_last_turn(
        study, tmp_path):
    # "Participant 2" for t3's label "P2", t3's words right: the warning said the quote
    # was "not as the next turn's words"; t4, "Mm-hm.", is north/kickoff's last turn,
    # which has no next turn for the warning to speak of
    segments = load_corpus(Study.open(study)).segments
    done = ("coded on its own turn only; quote the words as the transcript has them, "
            "or give start and end")
    labelled = _quotes_file(tmp_path / "label.csv", [
        ("risk.money", "families get evicted. Participant 2: Wages are low")])
    with pytest.warns(DialogcodeWarning) as raised:
        read_coder(labelled, segments)
    assert [str(w.message) for w in raised] == [
        f"{labelled}:2: the quote runs on past its turn but not as the transcript goes on "
        "(the next turns' words, and their speaker labels if quoted, as the transcript "
        f"writes them): {done}"]
    rows = [(T4, "connection", "Mm-hm. Thanks, everyone"), (T4, "risk", "Mm-hm. Bye")]
    last = tmp_path / "last.csv"
    for kept, said in ((1, f"the quote runs on past its turn, the last of its document: "
                        f"{done}"),
                       (2, f"2 rows' quotes (lines 2, 3) run on past their turn, the last "
                        f"of their document: each {done}")):
        pd.DataFrame(rows[:kept], columns=["seg_id", "code_id", "quote"]).to_csv(
            last, index=False)
        with pytest.warns(DialogcodeWarning) as raised:
            coded = read_coder(last, segments)
        assert set(coded["seg_id"]) == {T4}
        assert [str(w.message) for w in raised] == [f"{last}:2: {said}"]
    both = tmp_path / "both.csv"
    pd.DataFrame([(T2, "risk.money", "get evicted. Wages are high"), *rows[:1]],
                 columns=["seg_id", "code_id", "quote"]).to_csv(both, index=False)
    with pytest.warns(DialogcodeWarning) as raised:
        read_coder(both, segments)
    assert [str(w.message) for w in raised] == [
        f"{both}:2: 2 rows' quotes (lines 2, 3) run on past their turn but not as the "
        "transcript goes on (the next turns' words, and their speaker labels if quoted, "
        "as the transcript writes them; after a document's last turn there are none): "
        f"each {done}"]


def test_quotes_read_as_the_transcript_has_them_raise_no_warning(study, tmp_path):
    # within t2, running on word for word, the whole turn with its label
    path = _quotes_file(tmp_path / "fine.csv", [
        *QUOTES, ("risk", "P1: The rent keeps rising and families get evicted.")])
    with warnings.catch_warnings():
        warnings.simplefilter("error", DialogcodeWarning)
        read_coder(path, load_corpus(Study.open(study)).segments)


def test_each_command_prints_the_run_on_warning_once(study):
    # tables reads the coder file more than once (the human codings, rules vs coder)
    opened = Study.open(study)
    path = _quotes_file(study / "codings" / "offtrack.csv",
                        [("risk.money", "get evicted. Wages are high")])
    try:
        for args in (["tables", str(study)], ["agree", "offtrack", "ann", "-s", str(study),
                                              "--draws", "0"]):
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, result.output
            assert result.output.count(f"{path}:2: the quote runs on past its turn") == 1
    finally:
        coder_path(opened, "offtrack").unlink()


def test_import_codings_and_a_coder_file_place_a_run_on_quote_alike(study, tmp_path):
    # the run-on quotes as a quotes table for import-codings: the same rows, and agree
    # flags the coder file and the import as holding the same codings; the whole turn
    # with its label, running on, was refused as coded on other text
    opened = Study.open(study)
    quotes = [*QUOTES[:2], ("connection", "P1: The rent keeps rising and families get "
                                          "evicted. P2: Wages are low")]
    _quotes_file(study / "codings" / "quoted.csv", quotes)
    table = tmp_path / "by-document.csv"
    pd.DataFrame({"document": "north/kickoff", "quote": [q for _, q in quotes],
                  "code": [c for c, _ in quotes]}).to_csv(table, index=False)
    try:
        result = CliRunner().invoke(cli, ["import-codings", str(table), str(study),
                                          "--coder", "imported"])
        assert result.exit_code == 0, result.output
        segments = load_corpus(opened).segments
        mine = read_coder(coder_path(opened, "quoted"), segments)
        theirs = read_coder(coder_path(opened, "imported"), segments)
        def spans(rows):
            return [(r.seg_id, r.code_id, int(r.start), int(r.end)) for r in rows.itertuples()]

        assert spans(mine) == spans(theirs)
        assert len(spans(mine)) == 7
        assert spans(mine)[-2:] == [(T2, "connection", 44, 91), (T3, "connection", 97, 110)]
        agreed = CliRunner().invoke(cli, ["agree", "quoted", "imported", "-s", str(study),
                                          "--draws", "0"])
        assert agreed.exit_code == 0, agreed.output
        assert "0 disagreements" in agreed.output
        assert "hold the same codings" in agreed.output
    finally:
        for name in ("quoted", "imported"):
            coder_path(opened, name).unlink(missing_ok=True)


def test_learning_and_evaluation_count_a_run_on_quote_in_each_turn(study):
    opened = Study.open(study)
    _quotes_file(study / "codings" / "quoted.csv")
    try:
        opened.config.learn.coders = ["quoted"]
        segments = load_corpus(opened).segments
        book = load_codebooks(opened.codebook_files())
        data = training_data(opened, segments, book)
        labels = pd.DataFrame(data.labels, index=data.item_ids, columns=data.codes)
        assert labels.loc[[T2, T3], "risk.housing"].tolist() == [1, 1]
        assert labels.loc[[T2, T3], "risk.money"].tolist() == [1, 1]
        reference = reference_codings(opened, segments, "quoted", set(book.codes))
        assert set(reference.loc[reference["code_id"] == "risk.money", "seg_id"]) == {
            T2, T3, T4}
    finally:
        coder_path(opened, "quoted").unlink()


def test_a_short_quote_leaving_out_the_next_turns_label_is_found_and_read_alike(
        study, tmp_path):
    # "get evicted. Wages" is 3 edits from "get evicted. P2: Wages": too many for a
    # fuzzy match, so import-codings found it nowhere
    opened = Study.open(study)
    table = tmp_path / "short.csv"
    table.write_text("document,quote,code\nnorth/kickoff,get evicted. Wages,risk.money\n",
                     encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-codings", str(table), str(study),
                                      "--coder", "short"])
    try:
        assert result.exit_code == 0, result.output
        assert "0 exact, 1 tolerant, 0 fuzzy" in result.output
        segments = load_corpus(opened).segments
        imported = read_coder(coder_path(opened, "short"), segments)
    finally:
        coder_path(opened, "short").unlink(missing_ok=True)
    own = read_coder(_quotes_file(tmp_path / "own.csv", [("risk.money", "get evicted. Wages")]),
                     segments)
    for rows in (imported, own):
        assert [(r.seg_id, int(r.start), int(r.end), r.quote) for r in rows.itertuples()] == [
            (T2, 79, 91, "get evicted."), (T3, 97, 102, "Wages")]


def test_reading_run_on_quotes_folds_each_segment_once(study, tmp_path):
    # each row's own segment was folded three times more and the next ones once per row
    # running into them: a 2,000-row file read 2.5 times as slowly as without placement
    from dialogcode.importers.locate import fold_segment

    rows = [("risk.housing", "families get evicted. Wages are low"),
            ("risk.money", "get evicted. P2: Wages are low, so rent is late. P1: Mm-hm"),
            ("connection", "rent keeps rising and families get evicted. Wages")]
    path = _quotes_file(tmp_path / "folds.csv", rows)
    segments = load_corpus(Study.open(study)).segments
    fold_segment.cache_clear()
    read = read_coder(path, segments)
    assert len(read) == 7
    # the texts of t2, t3 and t4 and the labels P2 and P1, each once for all the rows
    assert fold_segment.cache_info().misses == 5


def test_a_quote_ending_on_the_next_turns_label_stays_a_coding_of_its_turn(study, tmp_path):
    # "...evicted. P2:" covers no word of t3: it was read as the span 44-97, over the
    # next speaker's label, where the row had coded t2 whole
    path = _quotes_file(tmp_path / "label.csv", [
        ("risk.money", "The rent keeps rising and families get evicted. P2:")])
    with warnings.catch_warnings():     # the coder meant t2 whole: nothing to tell
        warnings.simplefilter("error", DialogcodeWarning)
        rows = read_coder(path, load_corpus(Study.open(study)).segments)
    assert list(zip(rows["seg_id"], rows["code_id"])) == [(T2, "risk.money")]
    assert rows["start"].isna().all() and rows["end"].isna().all()     # the whole turn


def test_a_quote_over_the_next_turn_ending_on_a_later_label_codes_the_turns_it_covers(
        study, tmp_path):
    # all of t3, then t4's label "P1:": the walk ended on that label, so the row coded
    # t2 alone, silently, where import-codings places the same quote over t2 and t3
    path = _quotes_file(tmp_path / "later.csv", [
        ("risk.money", "families get evicted. Wages are low, so rent is late. P1:")])
    with warnings.catch_warnings():
        warnings.simplefilter("error", DialogcodeWarning)
        rows = read_coder(path, load_corpus(Study.open(study)).segments)
    assert [(r.seg_id, int(r.start), int(r.end)) for r in rows.itertuples()] == [
        (T2, 70, 91), (T3, 97, 127)]


def test_a_quote_over_short_turns_leaving_their_labels_out_codes_each_of_them():
    # the words gathered after the turn counted the labels' words, so a quote over
    # one-word turns with two-word labels stopped short and coded its own turn alone
    from dialogcode.run_on import run_on_spans

    turns = [("Dr A", "So we agree."), ("Dr B", "Yes."), ("Dr C", "No."), ("Dr D", "Maybe.")]
    text, starts, ends = "", [], []
    for speaker, said in turns:
        text += f"{speaker}: "
        starts.append(len(text))
        text += said
        ends.append(len(text))
        text += "\n"
    segments = pd.DataFrame({"seg_id": [f"d:t{i}" for i in range(1, 5)], "doc_id": "d",
                             "start": starts, "end": ends,
                             "speaker": [s for s, _ in turns], "text": [t for _, t in turns]})
    table = pd.DataFrame({"seg_id": ["d:t1"], "code_id": ["consent"], "start": [None],
                          "end": [None], "quote": ["we agree. Yes. No. Maybe"]})
    placed = run_on_spans(table, segments)
    assert text[int(placed.at[0, "start"]):int(placed.at[0, "end"])] == (
        "we agree.\nDr B: Yes.\nDr C: No.\nDr D: Maybe")


def test_a_quote_on_a_turn_without_words_is_read_without_a_crash():
    # "P2: ..." has no word for a quote to start in: reading "... Yes we do" on it
    # raised IndexError (every command reading the file ended in a traceback)
    from dialogcode.coded_text import _quote_fits
    from dialogcode.run_on import run_on_spans

    segments = pd.DataFrame({"seg_id": ["d:t1", "d:t2", "d:t3"], "doc_id": "d",
                             "start": [4, 26, 35], "end": [21, 29, 45],
                             "speaker": ["P1", "P2", "P1"],
                             "text": ["We agree on rent.", "...", "Yes we do."]})
    table = pd.DataFrame({"seg_id": ["d:t2"], "code_id": ["consent"], "start": [None],
                          "end": [None], "quote": ["... Yes we do"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", DialogcodeWarning)
        placed = run_on_spans(table, segments, "codings/ana.csv")
    assert placed["start"].isna().all()     # its own turn
    # and the check of the row's quote refuses it, naming its line, as other text
    assert not _quote_fits("... Yes we do", None, "...", "P2")


@pytest.mark.parametrize("gap", ["\n\n[00:00:09] P2: ", "\n\nP2  0:09\n", "\n\nP2 (0:09): "])
def test_a_quote_copied_with_the_time_beside_the_next_label_codes_both_turns(gap):
    # "[00:00:09] P2:" as such a transcript writes it between the turns: the time was
    # no word of the label or the turn, so the quote coded its own turn alone, with a
    # warning to quote the words as the transcript has them, which it did
    from dialogcode.run_on import run_on_spans

    first, second = "The rent keeps rising and families get evicted.", "Wages are low."
    text = f"P1: {first}{gap}{second}"
    starts = [4, text.index(second)]
    segments = pd.DataFrame({"seg_id": ["d:t1", "d:t2"], "doc_id": "d", "start": starts,
                             "end": [s + len(t) for s, t in zip(starts, (first, second))],
                             "speaker": ["P1", "P2"], "text": [first, second]})
    quoted = " ".join(f"families get evicted.{gap}Wages are low".split())
    table = pd.DataFrame({"seg_id": ["d:t1", "d:t1"], "code_id": ["rent", "pay"],
                          "start": [None, None], "end": [None, None],
                          "quote": [quoted, "families get evicted. Wages are 9 low"]},
                         index=[2, 3])
    with pytest.warns(DialogcodeWarning) as raised:
        placed = run_on_spans(table, segments, "codings/ana.csv")
    assert text[int(placed.at[2, "start"]):int(placed.at[2, "end"])] == (
        f"families get evicted.{gap}Wages are low")
    # a number within a turn's words is still no word of the transcript's
    assert placed.loc[3, ["start", "end"]].isna().all()
    assert [str(w.message)[:28] for w in raised] == ["codings/ana.csv:3: the quote"]
