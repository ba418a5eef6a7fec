"""Coder file rows checked against the text they were coded on (dialogcode.coded_text).

tests/data/evidence-study, north/kickoff (offsets into the normalised text):

    t2  P1  44-91   "The rent keeps rising and families get evicted."  (label "P1: " at 40)
    t3  P2  97-128  "Wages are low, so rent is late."
    t4  P1  134-140 "Mm-hm."
"""
import csv
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.coders import CodingsError, read_coder
from dialogcode.errors import DialogcodeWarning
from dialogcode.ingest import load_corpus

FIXTURE = Path(__file__).parent / "data" / "evidence-study"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("coded-text") / "study"
    shutil.copytree(FIXTURE, root)
    assert CliRunner().invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    return root, load_corpus(Study.open(root))


FITS = {   # rows (seg_id, start, end, quote) of the text as it is: kept
    "other case, spacing and curly quote":
        "north/kickoff:t2,,,\"THE rent  keeps rising’\"",
    "the whole turn with its label": "north/kickoff:t2,,,P1: The rent keeps rising and "
                                     "families get evicted.",
    "words running on into the next turn": "north/kickoff:t3,,,\"so rent is late. P1: "
                                          "Mm-hm\"",
    "the whole turn with its label, running on": "north/kickoff:t2,,,\"P1: The rent keeps "
                                                 "rising and families get evicted. P2: "
                                                 "Wages are low\"",
    "a name masked by the privacy gate": "north/kickoff:t2,,,The [NAME] keeps rising",
    "blocks of a masked copy": "north/kickoff:t2,,,The ████ keeps rising",
    "its label before the turn's first words": "north/kickoff:t2,,,P1: The rent keeps "
                                               "rising",
    "a span from the speaker label": "north/kickoff:t2,40,65,P1: The rent keeps rising",
    "a span running into the next turn": "north/kickoff:t2,70,110,families get evicted. "
                                         "P2: Wages are low",
    "a masked span": "north/kickoff:t2,44,65,The [PLACE OR TERM] keeps rising",
}

REFUSED = {   # rows that name a turn whose words they are not: refused
    # a backchannel's letters inside a longer quote ("mm hm" in "hmm hm ... mm hm")
    "a short turn inside a longer quote": "north/kickoff:t4,,,I said mm-hm to the whole "
                                          "proposal",
    "a quote of two turns": "north/kickoff:t4,,,P2: Wages are low; so rent is late. "
                            "P1: Mm-hm.",
    "a word cut short": "north/kickoff:t3,,,so rent is lat",
    # the quote runs on from t3, as t3's quote would after an edit shifted the turns
    "words running in from the turn before": "north/kickoff:t4,,,\"so rent is late. P1: "
                                             "Mm-hm\"",
    "one word in common with the turn's end": "north/kickoff:t3,,,\"late. P1: Mm-hm\"",
    # another turn's label before words, running on or not (a retyped label before the
    # turn's own words is refused as such: test_a_quote_opening_on_a_retyped_speaker_label)
    "the turn before's label and words": "north/kickoff:t3,,,\"P1: The rent keeps rising "
                                         "and families get evicted. P2: Wages are low\"",
    "the next turn's label and words": "north/kickoff:t2,,,\"P2: Wages are low, so rent is "
                                       "late. P1: Mm-hm\"",
    "its label before words from the middle": "north/kickoff:t2,,,\"P1: families get "
                                              "evicted. P2: Wages are low\"",
    "its label before words from the middle alone": "north/kickoff:t2,,,P1: families get "
                                                    "evicted",
    "another turn's words at the span": "north/kickoff:t2,50,71,The rent keeps rising",
    "other words around a masked name": "north/kickoff:t2,44,65,The [NAME] keeps falling",
}


def _read(root: Path, corpus, rows: str):
    path = root / "codings" / "ana.csv"
    path.parent.mkdir(exist_ok=True)
    path.write_text("seg_id,start,end,quote,code_id\n" + rows, encoding="utf-8")
    return read_coder(path, corpus.segments, "ana", None, corpus.documents)


@pytest.mark.parametrize("row", FITS.values(), ids=FITS)
def test_a_quote_of_the_text_as_it_is_is_kept(corpus, row):
    root, loaded = corpus
    read = _read(root, loaded, row + ",risk.housing\n")
    # kept: a span or quote running into the next turn's words codes both turns
    # (test_spans.py)
    assert list(read["code_id"]) == ["risk.housing"] * (1 + (" P2: Wages" in row
                                                              or " P1: Mm-hm" in row))


@pytest.mark.parametrize("row", REFUSED.values(), ids=REFUSED)
def test_a_quote_that_is_not_its_turns_words_is_refused(corpus, row):
    root, loaded = corpus
    with pytest.raises(CodingsError, match=r"ana.csv:2: the row of document "
                       r"'north/kickoff' was coded on other text \(the row's quote is not"):
        _read(root, loaded, row + ",risk.housing\n")


def test_every_problem_of_a_coder_file_is_listed_at_once(corpus):
    # a stale quote is listed beside an unknown seg_id, not only once that is fixed
    root, loaded = corpus
    with pytest.raises(CodingsError) as error:
        _read(root, loaded, "north/kickoff:t9,,,,risk.housing\n"
                            "north/kickoff:t4,,,Wages are low,risk.housing\n")
    message = str(error.value)
    assert "ana.csv:2: unknown seg_id 'north/kickoff:t9'" in message
    assert ("ana.csv:3: the row of document 'north/kickoff' was coded on other text"
            in message)


def test_a_file_coded_on_turns_read_after_ingest_by_sentence_says_so(tmp_path):
    """Every row of it names an unknown seg_id: the message says the document is cut
    into sentences now, so the person knows the unit changed, not the coding."""
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    (root / "codings").mkdir()
    (root / "codings" / "ana.csv").write_text("seg_id,code_id\nnorth/kickoff:t2,risk.housing\n",
                                              encoding="utf-8")
    runner = CliRunner()
    for command in (["ingest", "--unit", "sentence"], ["code"]):
        assert runner.invoke(cli, [*command, str(root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["tables", str(root), "-q"])
    assert result.exit_code == 1
    assert ("ana.csv:2: unknown seg_id 'north/kickoff:t2': it names a turn, and "
            "north/kickoff is cut into sentences now (north/kickoff:s1, ...)") in result.output
    # a turn the document does not have, in a study of turns, is only unknown
    for command in (["ingest"], ["code"]):
        assert runner.invoke(cli, [*command, str(root), "-q"]).exit_code == 0
    (root / "codings" / "ana.csv").write_text("seg_id,code_id\nnorth/kickoff:t99,risk.housing\n",
                                              encoding="utf-8")
    result = runner.invoke(cli, ["tables", str(root), "-q"])
    assert result.exit_code == 1
    assert "unknown seg_id 'north/kickoff:t99'\n" in result.output


def test_review_decisions_made_on_turns_read_after_ingest_by_sentence_say_so(tmp_path):
    """decisions.csv made on turns named "the transcripts changed since this decision, or
    it was typed by hand" once the study was ingested by sentences: neither was so."""
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    runner = CliRunner()
    assert runner.invoke(cli, ["run", str(root), "-q"]).exit_code == 0
    sha = pd.read_parquet(root / "out" / "documents.parquet").set_index("doc_id").loc[
        "north/kickoff", "sha256"]
    (root / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer,note,sha256,decided_at,start,end\n"
        f"north/kickoff:t2,risk.housing,reject,rule,ana,,{sha},2026-01-01,,\n"
        f"north/kickoff:t3,risk.money,accept,rule,ana,,{sha},2026-01-01,,\n",
        encoding="utf-8")
    assert runner.invoke(cli, ["ingest", "--unit", "sentence", str(root), "-q"]).exit_code == 0
    # `code` listed the reject as "coding no longer produced" and the accept as staying
    # in the final codings, which the tables then refused
    result = runner.invoke(cli, ["code", str(root), "-q"])
    assert result.exit_code == 0, result.output
    listed = {line.split()[0]: line for line in result.stderr.splitlines()
              if line.startswith("north/")}
    assert set(listed) == {"north/kickoff:t2", "north/kickoff:t3"}
    assert all("unknown seg_id: it names a turn, and north/kickoff is cut into sentences "
               "now (north/kickoff:s1, ...)" in line for line in listed.values())
    assert "no longer produced" not in result.stderr
    assert "stays in the final codings" not in result.stderr
    result = runner.invoke(cli, ["tables", str(root), "-q"])
    assert result.exit_code == 1
    assert ("decisions.csv:2: unknown seg_id 'north/kickoff:t2': it names a turn, and "
            "north/kickoff is cut into sentences now (north/kickoff:s1, ...)") in result.output
    assert "the transcripts changed" not in result.output


def test_a_review_sheet_exported_on_turns_imported_after_ingest_by_sentence_says_so(tmp_path):
    # each of its rows was refused as a bare "unknown seg_id"
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    runner = CliRunner()
    sheet = tmp_path / "review.csv"
    for command in (["run", str(root), "-q"], ["review", "export", str(root), "-o", str(sheet)]):
        assert runner.invoke(cli, command).exit_code == 0
    rows = list(csv.DictReader(sheet.open(encoding="utf-8")))
    rows[0]["decision"] = "reject"
    with sheet.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    seg_id, doc_id = rows[0]["seg_id"], rows[0]["doc_id"]
    assert seg_id.startswith(f"{doc_id}:t")
    for command in (["ingest", "--unit", "sentence"], ["code"]):
        assert runner.invoke(cli, [*command, str(root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["review", "import", str(sheet), str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert (f"review.csv:2: unknown seg_id {seg_id!r}: it names a turn, and {doc_id} is cut "
            f"into sentences now ({doc_id}:s1, ...)") in result.output
    assert not (root / "decisions.csv").exists()


def _stale_coder(tmp_path: Path) -> tuple[Path, CliRunner]:
    """The evidence study with a coder who is no final coder (as the sample study's
    reader), whose file was made before north/kickoff was edited and ingested again."""
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    config = root / "dialogcode.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "final_coders: []\n",
                      encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    sha = pd.read_parquet(root / "out" / "documents.parquet").set_index("doc_id").at[
        "north/kickoff", "sha256"]
    (root / "codings").mkdir()
    for coder, code in (("ana", "risk.housing"), ("ben", "risk.money")):
        (root / "codings" / f"{coder}.csv").write_text(
            f"seg_id,code_id,sha256\nnorth/kickoff:t2,{code},{sha}\n", encoding="utf-8")
    kickoff = root / "transcripts" / "north" / "kickoff.txt"
    kickoff.write_text("Facilitator: Welcome.\n\n" + kickoff.read_text(encoding="utf-8"),
                       encoding="utf-8")
    for command in ("ingest", "code"):
        assert runner.invoke(cli, [command, str(root), "-q"]).exit_code == 0
    return root, runner


@pytest.mark.parametrize("command", [["tables"], ["agree", "ana", "ben"],
                                     ["agree", "ana", "rules"]])
def test_a_stale_coder_file_that_joins_no_final_codings_is_refused_at_its_line(tmp_path, command):
    # tables (the rules' agreement with each coder) and agree read coders who are no
    # final coders: they are refused as a final coder's file is, naming its file and line
    # (the agreement's own check named neither)
    root, runner = _stale_coder(tmp_path)
    where = [str(root), "-q"] if command == ["tables"] else ["--study", str(root)]
    result = runner.invoke(cli, [*command, *where])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert ("ana.csv:2: the row of document 'north/kickoff' was coded on other text (its "
            "sha256 differs from the document's)" in result.output)


def test_a_coder_file_of_seg_ids_alone_is_named_as_unchecked_by_agree_learn_and_evaluate(
        tmp_path):
    # a file of seg_id,code_id carries nothing to check an edit of the transcript
    # against, and was read without a word; one with a sha256 is checked for an edit
    # only; one with quotes (or spans) is checked
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    runner = CliRunner()
    for command in ("ingest", "code"):
        assert runner.invoke(cli, [command, str(root), "-q"]).exit_code == 0
    sha = pd.read_parquet(root / "out" / "documents.parquet").set_index("doc_id").at[
        "north/kickoff", "sha256"]
    (root / "codings").mkdir()
    (root / "codings" / "ana.csv").write_text(
        "seg_id,code_id,quote\nnorth/kickoff:t2,risk.housing,\n"
        "north/kickoff:t3,risk.money,Wages are low\nsouth/visit:t2,risk.money,\n",
        encoding="utf-8")
    (root / "codings" / "ben.csv").write_text(
        f"seg_id,code_id,sha256\nnorth/kickoff:t2,risk.housing,{sha}\n", encoding="utf-8")
    warning = (f"Warning: {root / 'codings' / 'ana.csv'}: 2 of 3 rows carry neither a quote "
               "nor a sha256, so an edit of a transcript since the coding cannot be caught")
    for command in (["agree", "ana", "ben", "--study", str(root)], ["learn", str(root)],
                    ["evaluate", str(root), "--reference", "ana", "--folds", "2"]):
        result = runner.invoke(cli, command)
        assert result.exit_code == 0, result.output
        assert warning in result.stderr, command
        # ben's sha256 shows an edit, not the same text cut into other turns since
        assert (f"Warning: {root / 'codings' / 'ben.csv'}: every row carries a sha256 but "
                "no quote: an edit of a transcript is caught, but not the same text cut into "
                "other turns since") in result.stderr, command
        # copying today's segment text is only safe if the turns were not cut since:
        # else it would stamp each code on whatever turn the seg_id names now
        assert ("If the turns are cut as when they were coded (no newer dialogcode, no "
                "change of `speakers:` since), add a quote column") in result.stderr, command


def seg_id_coder(tmp_path: Path) -> Path:
    """A copy of the fixture study with codings/ana.csv: two rows of seg_id,code_id."""
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    (root / "codings").mkdir()
    (root / "codings" / "ana.csv").write_text(
        "seg_id,code_id\nnorth/kickoff:t2,risk.housing\nsouth/visit:t2,risk.money\n",
        encoding="utf-8")
    return root


def test_run_gives_the_unchecked_coder_file_warning_once(tmp_path):
    # learn and evaluate each printed it, so `run` said it twice
    root = seg_id_coder(tmp_path)
    config = root / "dialogcode.yaml"
    config.write_text(config.read_text() + "learn:\n  reference: ana\n  folds: 2\n",
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(root), "-q"])
    assert result.exit_code == 0, result.output
    assert "learn: running" in result.output and "evaluate: running" in result.output
    warning = (f"Warning: {root / 'codings' / 'ana.csv'}: every row carries neither a quote "
               "nor a sha256")
    assert result.stderr.count(warning) == 1, result.stderr


def test_a_spreadsheet_lock_file_among_the_coder_files_is_no_coder(tmp_path):
    # Excel, with codings/ana.csv open, keeps ~$ana.csv beside it: it was read as the
    # codings of a coder named "~$ana"
    root = seg_id_coder(tmp_path)
    (root / "codings" / "~$ana.csv").write_bytes(b"\x05Ana Lee" + b"\x00" * 40 + b"\xff\xfe")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(root), "-q"]).exit_code == 0
    result = runner.invoke(cli, ["learn", str(root), "-q"])
    assert result.exit_code == 0, result.output
    assert "~$ana" not in result.output
    result = runner.invoke(cli, ["agree", "rules", "nobody", "--study", str(root)])
    assert "(known: rules, ana)" in result.output


LABELS = {"colon": "{s}: {t}\n\n", "brackets": "[{s}] {t}\n",
          "time before": "[00:00:0{n}] {s}: {t}\n\n", "otter": "{s}  0:0{n}\n{t}\n\n",
          "time after": "{s} (0:0{n}): {t}\n\n", "time after, AM": "{s} (10:0{n} AM): {t}\n\n",
          "time before, p.m.": "[2:0{n} p.m.] {s}: {t}\n\n", "full-width colon": "{s}：{t}\n"}


@pytest.mark.parametrize("form", LABELS.values(), ids=LABELS)
def test_a_whole_turn_quoted_with_its_label_codes_each_turn_it_runs_on_to(form, tmp_path):
    # "P1: The rent ... P2: Wages are low", as the transcript has it, was refused as
    # "coded on other text (...the transcript changed)"; with a time beside the label,
    # so was the whole turn alone, and so were its first words after its label, and a
    # time with AM or PM beside the label
    from dialogcode.formats import parse_text

    said = [("P1", "The rent went up and families get evicted."), ("P2", "Wages are low."),
            ("P1", "Mm-hm.")]
    text = "".join(form.format(s=s, t=t, n=n) for n, (s, t) in enumerate(said, 5))
    turns = parse_text(text, "d.txt", "txt").blocks
    segments = pd.DataFrame({"seg_id": ["d:t1", "d:t2", "d:t3"], "doc_id": "d",
                             "start": [b.start for b in turns], "end": [b.end for b in turns],
                             "speaker": [b.speaker for b in turns],
                             "text": [text[b.start:b.end] for b in turns]})
    copied = " ".join(text[:text.index("Wages are low") + 13].split())   # times and all
    path = tmp_path / "ana.csv"
    pd.DataFrame({"seg_id": "d:t1", "code_id": ["rent", "pay", "turn", "part"],
                  "quote": [copied, f"P1: {said[0][1]} P2: Wages are low",
                            copied[:copied.index("evicted.") + 8],
                            copied[:copied.index(" and families")]]}).to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DialogcodeWarning)
        rows = read_coder(path, segments)
    assert list(zip(rows["seg_id"], rows["code_id"])) == [
        ("d:t1", "rent"), ("d:t2", "rent"), ("d:t1", "pay"), ("d:t2", "pay"), ("d:t1", "turn"),
        ("d:t1", "part")]
    # from the turn's first word (not its label) to the last word quoted; the turn whole
    assert [text[int(a):int(b)] for a, b in zip(rows["start"][:4], rows["end"][:4])] == [
        said[0][1], "Wages are low"] * 2
    assert rows.iloc[4:][["start", "end"]].isna().all(axis=None)
    # a retyped label codes no more turns (test_a_quote_opening_on_a_retyped_speaker_
    # label_says_so); a quote from another turn's label is refused
    retyped = [f"Participant 1: {said[0][1]} P2: Wages are low"]
    if ": " in form or "：" in form:   # a time beside it is no part of the label named
        retyped.append(copied.replace("P1", "Participant 1", 1))
    for quote in retyped:
        pd.DataFrame({"seg_id": ["d:t1"], "code_id": ["rent"], "quote": [quote]}).to_csv(
            path, index=False)
        with pytest.raises(CodingsError, match="after the speaker label 'Participant 1',"):
            read_coder(path, segments)
    for seg_id, quote in (("d:t2", copied), ("d:t1", "P2: Wages are low. P1: Mm-hm")):
        pd.DataFrame({"seg_id": [seg_id], "code_id": ["rent"], "quote": [quote]}).to_csv(
            path, index=False)
        with pytest.raises(CodingsError, match=r"ana.csv:2: the row of document 'd' was "
                           r"coded on other text \(the row's quote is not the text"):
            read_coder(path, segments)


def test_a_quote_opening_on_a_retyped_speaker_label_says_so(tmp_path):
    """"Participant 1: <the turn's words>" where the transcript has "P1:" was refused as
    coded on other text ("the transcript changed since"): it did not; the label differs."""
    root = tmp_path / "study"
    shutil.copytree(FIXTURE, root)
    runner = CliRunner()
    for command in ("ingest", "code"):
        assert runner.invoke(cli, [command, str(root), "-q"]).exit_code == 0
    (root / "codings").mkdir()
    coder = root / "codings" / "ana.csv"
    label = ("the row of document 'north/kickoff' quotes its turn's words after the speaker "
             "label {!r}, where the transcript has 'P1': write the label as the transcript "
             "does, or leave it out")
    for quote, said in (("Participant 1: The rent keeps rising", "Participant 1"),
                        ("[00:00:05] participant one: The rent keeps rising and families "
                         "get evicted. P2: Wages are low", "participant one")):
        coder.write_text(f'seg_id,code_id,quote\nnorth/kickoff:t2,risk.housing,"{quote}"\n',
                         encoding="utf-8")
        result = runner.invoke(cli, ["tables", str(root), "-q"])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert f"ana.csv:2: {label.format(said)}" in result.output
        assert "other text" not in result.output
    # rows of a document so quoted are named at once, their first label shown
    coder.write_text('seg_id,code_id,quote\nnorth/kickoff:t2,risk.housing,"Participant 1: The '
                     'rent keeps rising"\nnorth/kickoff:t3,risk.money,"Participant 2: Wages '
                     'are low"\n', encoding="utf-8")
    result = runner.invoke(cli, ["tables", str(root), "-q"])
    assert ("ana.csv:2: 2 rows of document 'north/kickoff' (lines 2, 3) quote their turn's "
            "words after another speaker label than the transcript's (first: the speaker "
            "label 'Participant 1', where the transcript has 'P1')") in result.output
    # words that are not the turn's after the label: other text, as before
    coder.write_text('seg_id,code_id,quote\nnorth/kickoff:t2,risk.housing,"Participant 1: '
                     'Wages are low"\n', encoding="utf-8")
    result = runner.invoke(cli, ["tables", str(root), "-q"])
    assert result.exit_code == 1
    assert "ana.csv:2: the row of document 'north/kickoff' was coded on other text" \
        in result.output and "speaker label" not in result.output
