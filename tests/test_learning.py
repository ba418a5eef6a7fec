"""Learned coding: training data from people, learn, code, evaluate, review --next, and
the report's trust paragraph, on a small generated study where one code (economic
control) has no patterns and only a coder's file and examples to learn from."""
import json
import shutil
import socket
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.coding import CACHE_FORMAT, TOKENISATION
from dialogcode.ingest import load_corpus
from dialogcode.review import final_codings
from dialogcode.tables import substantive
from dialogcode.training import training_data

CONTROL = ["He keeps the money and the truck keys, so she cannot go anywhere.",
           "She has to ask him for every dollar, he checks the receipts.",
           "He took her paycheck and gave her an allowance for groceries.",
           "Without the car and without cash she is stuck at home with him.",
           "He controls the bank card and the phone bill, she has nothing."]
HOUSING = ["The rent went up again and two families were evicted.",
           "People are afraid of being evicted if they call anyone."]
OTHER = ["We met at the library on Tuesday and planned the agenda.",
         "The coaching call starts at ten, please bring the work plan.",
         "Our youth soccer league had a good season this spring.",
         "Thanks everyone, let's take a short break before the next item.",
         "The school counselor will join the next community meeting.",
         "We printed the flyers in three languages for the fair."]

CODEBOOK = """\
codebook: test
title: Learning test codebook
codes:
  - id: risk
    label: Risks
    codable: false
    codes:
      - id: risk.housing
        label: Housing
        definition: Rent and evictions.
        patterns: {terms: [rent, evicted]}
      - id: risk.control
        label: Economic control
        definition: A partner controls money, cars or work so the other cannot leave.
        examples:
          - "He hides the car keys and keeps all the cash."
          - "She never sees her own wages, he takes the whole check."
          - "He won't let her have a bank account of her own."
        counter_examples:
          - "The city controls the parking meters downtown."
"""


def _turns(doc: int) -> str:
    lines = []
    for i in range(10):
        if i % 3 == 0:
            text = CONTROL[(doc + i) % len(CONTROL)]
        elif i % 5 == 1:
            text = HOUSING[(doc + i) % len(HOUSING)]
        else:
            text = OTHER[(doc * 3 + i) % len(OTHER)]
        lines.append(f"P{i % 3 + 1}: {text}")
    return "\n".join(lines) + "\n"


@pytest.fixture
def study(tmp_path) -> Path:
    return learning_study(tmp_path / "study")


def learning_study(root: Path) -> Path:
    """The generated study in ``root``, ingested, with ana's coder file."""
    (root / "transcripts").mkdir(parents=True)
    (root / "codebooks").mkdir()
    (root / "codebooks" / "test.yaml").write_text(CODEBOOK, encoding="utf-8")
    rows = ["file,site,event_type,date"]
    for doc in range(8):
        (root / "transcripts" / f"call{doc}.txt").write_text(_turns(doc), encoding="utf-8")
        rows.append(f"call{doc}.txt,{'North' if doc % 2 else 'South'},coaching_call,"
                    f"2019-0{doc + 1}-10")
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (root / "dialogcode.yaml").write_text(
        "title: Learning test\nlessons: null\nlearn: {min_positives: 4, folds: 3}\n",
        encoding="utf-8")
    assert invoke("ingest", root, "-q").exit_code == 0
    corpus = load_corpus(Study.open(root))
    coded = []
    for doc_id, group in corpus.segments.groupby("doc_id"):
        if doc_id in {"call0", "call1", "call2", "call3", "call4"}:
            for seg_id, text in zip(group["seg_id"], group["text"]):
                if text in CONTROL:
                    coded.append((seg_id, "risk.control"))
                if text in HOUSING:
                    coded.append((seg_id, "risk.housing"))
    (root / "codings").mkdir()
    pd.DataFrame(coded, columns=["seg_id", "code_id"]).to_csv(root / "codings" / "ana.csv",
                                                              index=False)
    return root


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_training_data_comes_from_coders_decisions_and_examples(study):
    opened = Study.open(study)
    corpus = load_corpus(opened)
    book = load_codebooks(opened.codebook_files())
    data = training_data(opened, corpus.segments, book)
    control = data.codes.index("risk.control")
    segments = data.origin == "segment"
    assert set(data.doc_ids[segments]) == {f"call{i}" for i in range(5)}   # ana's documents
    assert (data.labels[segments] >= 0).all()                            # fully known there
    assert data.labels[segments, control].sum() == 20
    example = list(data.item_ids).index("example:risk.control:1")
    assert data.labels[example, control] == 1
    assert data.labels[example, data.codes.index("risk.housing")] == 0
    counter = list(data.item_ids).index("counter_example:risk.control:1")
    assert data.labels[counter].tolist() == [-1, 0]


def test_learn_then_code_adds_model_codings_for_a_human_only_code(study):
    result = invoke("learn", study)
    assert result.exit_code == 0, result.output
    assert "risk.control" in result.output and "codes" in result.output
    # it went on "; the others are coded by their rules only", with no others
    assert ("2 of 2 codes reach precision 0.75 in cross-validation and will be coded by "
            "the model.\n") in result.output
    assert invoke("code", study, "-q").exit_code == 0
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    rules, model = codings[codings["source"] == "rule"], codings[codings["source"] == "model"]
    assert rules["score"].isna().all()
    assert set(rules["code_id"]) == {"risk.housing"}
    assert set(model["code_id"]) == {"risk.control"}
    assert model["score"].between(0, 1).all()
    # documents nobody coded get the learned code on their control turns, and only there
    unseen = model[model["doc_id"].isin({"call5", "call6", "call7"})]
    assert len(unseen) >= 6 and unseen["quote"].isin(CONTROL).all()
    corpus = load_corpus(Study.open(study))
    texts = corpus.documents.set_index("doc_id")["text"]
    assert all(texts[d][a:b] == q for d, a, b, q in
               zip(model["doc_id"], model["start"], model["end"], model["quote"]))


def test_code_does_not_call_a_human_only_code_without_a_model_unmatched(study):
    # "Codes that never matched: support" read to a newcomer as a broken codebook, for
    # a code that has no patterns to match
    result = invoke("code", study)
    assert result.exit_code == 0, result.output
    assert "Codes that never matched" not in result.output
    assert ("Human-only codes not coded here (no patterns: only people and the learned "
            "model code them):\n  no model yet (the status in `dialogcode learn`'s table "
            "says what is missing): code more of them: risk.control\n") in result.output
    # and it says how to code them, so a spreadsheet codebook's newcomer is not stuck
    assert "`dialogcode review serve`" in result.output
    assert "`dialogcode import-codings`" in result.output


def test_a_human_only_code_whose_model_reached_no_cut_is_not_said_to_lack_a_model(study):
    # "not coded at all until a model learns them" and "once they have coded enough",
    # for a code whose model was learned but reached no precision 0.75 cut: a
    # researcher coded more, when lowering min_precision was the other way out
    coder = pd.read_csv(study / "codings" / "ana.csv")
    control = coder[coder["code_id"] == "risk.control"]
    # half the economic-control turns coded: the same words both ways, no cut is precise
    pd.concat([coder.drop(control.index), control.iloc[::2]]).to_csv(
        study / "codings" / "ana.csv", index=False)
    result = invoke("learn", study)
    assert result.exit_code == 0, result.output
    why = ("  a model, but it did not reach precision 0.75 on the coded segments in "
           "cross-validation, so it codes nothing: code more of them, or lower "
           "`learn: min_precision` or set `learn: {threshold: f1}` in dialogcode.yaml: "
           "risk.control\n")
    assert "until a model learns" not in result.output
    assert "(no patterns), not coded at all.\n" + why in result.output
    result = invoke("code", study)
    assert result.exit_code == 0, result.output
    assert "coded enough" not in result.output and "no model yet" not in result.output
    assert ("Human-only codes not coded here (no patterns: only people and the learned "
            "model code them):\n" + why) in result.output


def test_kwic_of_a_human_only_code_says_no_rule_can_match_it(study):
    # "0 matches in 0 segments" alone read as a broken code
    assert invoke("code", study).exit_code == 0
    result = invoke("kwic", "risk.control", study)
    assert result.exit_code == 0, result.output
    assert result.output.endswith("0 matches in 0 segments\nrisk.control is a human-only code "
                                  "(no patterns), so no rule matches it: people code it, "
                                  "and `dialogcode learn` learns it (docs/codebooks.md)\n")


def test_a_code_checked_on_a_handful_of_segments_gets_no_model(study):
    # With a few segments coded, a precision of 0.75 measured on them set a cut that
    # coded most of the study by model.
    coder = pd.read_csv(study / "codings" / "ana.csv")
    few = coder[coder["seg_id"].str.startswith(("call0:", "call1:"))]
    few = pd.concat([few[few["seg_id"].str.startswith("call0:")].head(3),
                     few[few["seg_id"].str.startswith("call1:")].head(3),
                     pd.DataFrame({"seg_id": ["call0:t2", "call1:t3"], "code_id": [None, None]})])
    few.to_csv(study / "codings" / "ana.csv", index=False)
    result = invoke("learn", study)
    assert result.exit_code == 0, result.output
    control = next(line for line in result.output.splitlines() if "risk.control " in line)
    assert control.endswith("7 human-coded segments to check it on (< 20)")
    assert "0 of 2 codes reach precision" in result.output
    # the summary said both were "coded by their rules only": risk.control has none
    assert result.output.split(" in cross-validation and ")[1].startswith(
        "will be coded by the model; of the others, 1 is coded by its rules only and 1, "
        "human-only (no patterns), is not coded at all.")


def test_a_coder_of_one_document_is_told_to_code_another_not_that_nothing_was_coded(study):
    # A newcomer coding 30 turns of one long hearing was told "no human-coded segments
    # to check it on" for every code, with 30 coded segments in the file.
    long = "".join(_turns(doc) for doc in range(3))
    (study / "transcripts" / "hearing.txt").write_text(long, encoding="utf-8")
    with (study / "manifest.csv").open("a", encoding="utf-8") as manifest:
        manifest.write("hearing.txt,North,hearing,2019-09-10\n")
    assert invoke("ingest", study, "-q").exit_code == 0
    segments = load_corpus(Study.open(study)).segments
    hearing = segments[segments["doc_id"] == "hearing"]
    assert len(hearing) == 30
    coded = [(seg, "risk.control" if text in CONTROL else None)
             for seg, text in zip(hearing["seg_id"], hearing["text"])]
    pd.DataFrame(coded, columns=["seg_id", "code_id"]).to_csv(
        study / "codings" / "ana.csv", index=False)
    result = invoke("learn", study)
    assert result.exit_code == 0, result.output
    control = next(line for line in result.output.splitlines() if "risk.control " in line)
    assert control.endswith("its human-coded segments are all in 1 document; cross-validation "
                            "by document needs coded segments in 2 or more: code some in "
                            "another document")


def test_threshold_f1_gives_every_code_one_cut_chosen_by_cross_validation(study):
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("folds: 3}", "folds: 3, threshold: f1}"))
    result = invoke("learn", study)
    assert result.exit_code == 0, result.output
    assert "threshold of best F1" in result.output
    meta = json.loads((study / "out" / "model" / "model.json").read_text())
    stats = pd.DataFrame(meta["stats"]).set_index("code_id")
    assert meta["threshold"] == "f1"
    assert stats.loc["risk.control", "status"] == "codes"
    assert stats["threshold"].dropna().nunique() == 1
    assert 0 < stats.loc["risk.control", "threshold"] < 1
    assert invoke("code", study, "-q").exit_code == 0
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    model = codings[codings["source"] == "model"]
    assert (model["code_id"] == "risk.control").any() and model["quote"].isin(CONTROL).all()


def write_loose_coder(study, documents=None) -> None:
    """codings/bo.csv: bo codes economic control as ana does, and meeting talk too (in
    ``documents``, or every document)."""
    segments = load_corpus(Study.open(study)).segments
    loose = [(seg_id, "risk.control") for seg_id, doc_id, text
             in zip(segments["seg_id"], segments["doc_id"], segments["text"])
             if (documents is None or doc_id in documents)
             and (text in CONTROL or any(w in text for w in ("meeting", "library", "flyers")))]
    pd.DataFrame(loose, columns=["seg_id", "code_id"]).to_csv(
        study / "codings" / "bo.csv", index=False)


def learned_control(study, settings: str):
    """`learn`'s output with ``settings`` added to the learn: settings, and the quotes
    of the model's risk.control codings after `code`."""
    (study / "dialogcode.yaml").write_text("title: Learning test\nlessons: null\n"
                                           f"learn: {{min_positives: 4, folds: 3{settings}}}\n")
    result = invoke("learn", study)
    assert result.exit_code == 0, result.output
    assert invoke("code", study, "-q").exit_code == 0
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    return result.output, codings.loc[(codings["source"] == "model")
                                      & (codings["code_id"] == "risk.control"), "quote"]


def test_a_looser_colleagues_coding_does_not_loosen_the_reference_coders_cut(study):
    # A colleague (bo) coding other documents more loosely than the study's reference
    # (ana) taught the model her style, and each cut, checked on everyone's segments,
    # followed it: the model coded meeting talk as economic control in every document.
    write_loose_coder(study, {"call5", "call6", "call7"})
    _, pooled = learned_control(study, "")
    assert pooled.isin(OTHER).sum() > 0          # bo's style, without a reference
    output, judged = learned_control(study, ", reference: ana")
    assert "reach precision 0.75 on the segments of coder 'ana' (learn: reference)" in output
    assert not judged.isin(OTHER).any() and judged.isin(CONTROL).sum() >= 20
    stats = pd.DataFrame(json.loads((study / "out" / "model" / "model.json").read_text())[
        "stats"]).set_index("code_id")
    assert stats.loc["risk.control", "cv_checked"] == 50       # ana's 5 documents of 8
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("reference: ana", "reference: cy"))
    result = invoke("learn", study)
    assert result.exit_code != 0 and "learn: reference: no codings/cy.csv" in result.output
    assert "dialogcode.yaml" in result.output and "Traceback" not in result.output


def test_the_reference_coders_own_labels_check_the_cut_and_a_left_out_reference_none(study):
    # bo double-codes ana's documents (as for an agreement check) and codes meeting talk
    # as economic control there too: the cut, "checked on ana's segments", was checked
    # on ana's documents with bo's codings of them, and followed bo
    write_loose_coder(study)
    output, quotes = learned_control(study, ", reference: ana")
    assert "on the segments of coder 'ana' (learn: reference)" in output
    assert not quotes.isin(OTHER).any()
    # learn: coders leaves ana out: the models learn from bo alone, whose segments are
    # then what checks the cuts (as without a reference), not ana's, which are not in
    # training: before, every code was left without a model ("0 human-coded segments
    # of the reference coder")
    write_loose_coder(study, {"call5", "call6", "call7"})
    output, quotes = learned_control(study, ", coders: [bo], reference: ana")
    assert "(learn: reference)" not in output and "reference coder" not in output
    assert quotes.isin(CONTROL).sum() >= 20


def trained_on(study) -> str:
    """The training digest out/model/model.json records."""
    return json.loads((study / "out" / "model" / "model.json").read_text())["training"]


FIGURES_BEFORE = "These figures were made before the learned model was trained again"


def test_a_reference_set_aside_by_learn_coders_leaves_the_model_and_its_figures_current(
        study):
    # learn: coders leaves ana out, so `reference: ana` checks no cut and taking it away
    # trains the same model; it still counted in the model's digest, so the report
    # called the figures out of date and asked for evaluate again
    write_loose_coder(study, {"call5", "call6", "call7"})
    learned_control(study, ", coders: [bo], reference: ana")
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    before = trained_on(study)
    learned_control(study, ", coders: [bo]")
    assert trained_on(study) == before
    assert FIGURES_BEFORE not in report_page(study)


def test_a_change_of_the_reference_coders_own_codings_makes_another_model(study):
    # bo double-codes ana's documents; ana takes back a coding bo also gave. The labels
    # the models learn from stay (bo's stands), but ana's, which check the cuts, changed:
    # the model counted as the same one, so the figures made before it were not flagged
    write_loose_coder(study)
    learned_control(study, ", reference: ana")
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    before = trained_on(study)
    ana = pd.read_csv(study / "codings" / "ana.csv")
    ana.drop(index=ana.index[ana["code_id"] == "risk.control"][0]).to_csv(
        study / "codings" / "ana.csv", index=False)
    learned_control(study, ", reference: ana")
    assert trained_on(study) != before
    assert FIGURES_BEFORE in report_page(study)


def test_the_model_is_plain_arrays_and_json_and_refused_when_it_does_not_fit(study):
    assert invoke("learn", study, "-q").exit_code == 0
    folder = study / "out" / "model"
    meta = json.loads((folder / "model.json").read_text())
    assert meta["codes"] == ["risk.housing", "risk.control"]
    with np.load(folder / "model.npz", allow_pickle=False) as arrays:
        assert arrays["coef"].shape[0] == 2
    # a codebook edit: `code` writes the rules only and says why
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("[rent, evicted]", "[rent, evicted, eviction]"))
    result = invoke("code", study, "-q")
    assert result.exit_code == 0
    assert "model was not applied" in result.stderr and "run `dialogcode learn`" in \
        result.stderr
    assert set(pd.read_parquet(study / "out" / "codings.parquet")["source"]) == {"rule"}
    # a model of an older format (a previous dialogcode) is refused, with the fix
    assert invoke("learn", study, "-q").exit_code == 0
    meta = json.loads((folder / "model.json").read_text())
    (folder / "model.json").write_text(json.dumps({**meta, "format": meta["format"] - 1}))
    result = invoke("code", study, "-q")
    assert result.exit_code == 0
    assert f"format {meta['format'] - 1}" in result.stderr and "run `dialogcode learn` " \
        "again" in result.stderr
    assert set(pd.read_parquet(study / "out" / "codings.parquet")["source"]) == {"rule"}
    # a corrupt model is a clear error, not a traceback
    assert invoke("learn", study, "-q").exit_code == 0
    (folder / "model.npz").write_bytes(b"not a zip")
    result = invoke("review", "export", study, "--next", "3")
    assert result.exit_code == 1
    assert "not a readable dialogcode model" in result.output and "Traceback" not in \
        result.output


FOREIGN_MODELS = {
    "model.json": [({"model": None}, "pipeline"), ({"documents": ["call0"]}, "documents"),
                   ({"semantic": "bert"}, "semantic")],
    "model.npz": [({"idf": None}, "no idf array"),     # None: the array left out ({"thresholds": [0.5]}, "thresholds"),
                  ({"intercept": [0.1]}, "intercept"), ({"idf": [1.0, 2.0]}, "idf"),
                  ({"vocabulary": [1, 2, 3]}, "vocabulary"), ({"coef": ["a"]}, "coef"),
                  ({"svd": np.float32(1)}, "svd")],
}


def test_a_moved_study_keeps_its_model_of_a_pipeline_folder_until_the_folder_changes(
        study, tmp_path):
    # `model: pipeline` (a folder in the study) was recorded by its full path: after the
    # study was moved, `code` refused its model as one of another pipeline
    import spacy

    def save(version):
        nlp = spacy.blank("en")
        nlp.meta.update(name="notes", version=version)
        nlp.to_disk(moved / "pipeline" if moved.exists() else study / "pipeline")

    moved = tmp_path / "moved"
    save("1.0.0")
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "model: pipeline\n", encoding="utf-8")
    assert invoke("learn", study, "-q").exit_code == 0
    shutil.move(study, moved)
    result = invoke("code", moved, "-q")
    assert result.exit_code == 0 and "not applied" not in result.stderr, result.stderr
    codings = pd.read_parquet(moved / "out" / "codings.parquet")
    assert set(codings.loc[codings["source"] == "model", "code_id"]) == {"risk.control"}
    save("1.1.0")                       # another pipeline saved over the folder
    result = invoke("code", moved, "-q")
    assert result.exit_code == 0
    assert "model was not applied" in result.stderr and "notes 1.1.0" in result.stderr
    assert set(pd.read_parquet(moved / "out" / "codings.parquet")["source"]) == {"rule"}


def test_a_study_coded_with_a_pipeline_folder_keeps_no_path_of_it(study, tmp_path):
    # evaluation.json, model.json and the token cache's marks held the folder's full
    # path: a shared study carried one machine's home folder, and once the study moved
    # its cache folders were another pipeline's, never removed when superseded
    import os
    import time

    import spacy

    spacy.blank("en").to_disk(study / "pipeline")
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "model: pipeline\n", encoding="utf-8")
    for command in (["learn"], ["code"], ["evaluate", "--reference", "ana", "--folds", "2"]):
        result = invoke(*command, study, "-q")
        assert result.exit_code == 0, result.output
    held = [p.relative_to(study).as_posix() for p in (study / "out").rglob("*")
            if p.is_file() and str(study).encode() in p.read_bytes()]
    assert held == []
    design = json.loads((study / "out" / "evaluation" / "evaluation.json").read_text())
    assert design["model"].startswith("pipeline (folder: ")
    (mark,) = (study / "out" / "cache").glob("*/cache.json")
    assert json.loads(mark.read_text())["model"] == "pipeline"

    moved = tmp_path / "moved"
    shutil.move(study, moved)
    mark = moved / "out" / "cache" / mark.parent.name / "cache.json"
    mark.write_text(json.dumps({"model": str(study / "pipeline"), "key": mark.parent.name}))
    old = moved / "out" / "cache" / "0123456789ab"      # a key the current one superseded
    old.mkdir()
    (old / "cache.json").write_text(json.dumps({"model": "pipeline", "key": old.name}))
    (old / f"{'ab' * 32}-turn.tokens").write_text("x")
    # one an earlier version marked with the folder's path where the study was
    older = moved / "out" / "cache" / "0123456789ac"
    older.mkdir()
    (older / "cache.json").write_text(json.dumps({"model": str(study / "pipeline"),
                                                  "key": older.name}))
    (older / f"{'ab' * 32}-turn.tokens").write_text("x")
    for file in [*old.iterdir(), *older.iterdir()]:
        os.utime(file, (time.time() - 3 * 24 * 3600,) * 2)
    assert invoke("code", moved, "-q").exit_code == 0
    assert json.loads(mark.read_text())["model"] == "pipeline"    # a path is written again
    assert not old.exists() and not older.exists()


def test_a_foreign_model_is_refused_naming_the_file_at_fault(study):
    assert invoke("learn", study, "-q").exit_code == 0
    folder = study / "out" / "model"
    meta, npz = (folder / "model.json").read_text(), (folder / "model.npz").read_bytes()
    with np.load(folder / "model.npz", allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    for name, cases in FOREIGN_MODELS.items():
        for change, why in cases:
            if name == "model.json":
                (folder / name).write_text(json.dumps({**json.loads(meta), **change}))
            else:
                changed = {**arrays, **{k: np.asarray(v) for k, v in change.items()}}
                np.savez(folder / name, **{k: v for k, v in changed.items()
                                           if v.dtype != object})
            result = invoke("code", study, "-q")
            assert result.exit_code == 0 and "Traceback" not in result.output, (change, result)
            assert f"{folder / name}: not a readable dialogcode model" in result.stderr
            assert why in result.stderr, (change, result.stderr)
            assert set(pd.read_parquet(study / "out" / "codings.parquet")["source"]) == {
                "rule"}
            result = invoke("review", "export", study, "--next", "3")
            assert result.exit_code == 1 and f"{folder / name}: not a readable" in \
                result.output
            (folder / "model.json").write_text(meta)
            (folder / "model.npz").write_bytes(npz)
    assert invoke("code", study, "-q").exit_code == 0        # the model, restored, codes
    assert "model" in set(pd.read_parquet(study / "out" / "codings.parquet")["source"])


def test_a_model_of_turns_is_not_applied_to_sentences(study):
    assert invoke("learn", study, "-q").exit_code == 0
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "unit: sentence\n")
    assert invoke("ingest", study, "-q").exit_code == 0     # the same texts, other segments
    result = invoke("code", study, "-q")
    assert result.exit_code == 0
    assert "trained on segments of unit 'turn', the study's segments are now of unit " \
        "'sentence'" in result.stderr
    assert set(pd.read_parquet(study / "out" / "codings.parquet")["source"]) == {"rule"}
    result = invoke("review", "export", study, "--next", "3")
    assert result.exit_code == 1 and "unit 'sentence'" in result.output


def test_a_model_learned_from_text_tokenised_otherwise_is_refused(study):
    # the token cache's tag went to 10 when line breaks and contractions were split
    # otherwise, but a model learned before (its terms and rule hits from other tokens)
    # was still applied: it must be learned again, as after a codebook edit
    assert invoke("learn", study, "-q").exit_code == 0
    meta_path = study / "out" / "model" / "model.json"
    meta = json.loads(meta_path.read_text())
    assert meta["tokenisation"] == TOKENISATION
    before = f"{CACHE_FORMAT}.9"        # a model learned with the token cache's tag 9
    for stored, said in (({**meta, "tokenisation": before}, f"tokenisation {before}, this "
                          f"one {TOKENISATION}"),
                         ({k: v for k, v in meta.items() if k != "tokenisation"},
                          "tokenisation not recorded")):
        meta_path.write_text(json.dumps(stored))
        result = invoke("code", study, "-q")
        assert result.exit_code == 0 and "Traceback" not in result.output
        assert f"the learned model was not applied, only the rules: {meta_path}: the model " \
            "learned from text another dialogcode version split into words otherwise " \
            in result.stderr
        assert said in result.stderr and "run `dialogcode learn` again" in result.stderr
        assert set(pd.read_parquet(study / "out" / "codings.parquet")["source"]) == {"rule"}
        result = invoke("review", "export", study, "--next", "3")
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert f"{meta_path}: the model learned from text another dialogcode" in \
            result.output and said in result.output
    assert invoke("learn", study, "-q").exit_code == 0        # what the message asks for
    result = invoke("code", study, "-q")
    assert result.exit_code == 0 and "not applied" not in result.stderr
    assert "model" in set(pd.read_parquet(study / "out" / "codings.parquet")["source"])


def test_the_notebooks_code_with_the_rules_alone_when_the_model_is_stale_as_code_does(
        study):
    # the notebooks add the model's codings with `with_model`: a model trained before a
    # codebook or a transcript was edited stopped them with the model's "run `dialogcode
    # learn` again", where `dialogcode code` warns and codes with the rules alone
    import warnings

    from dialogcode.coding import code_corpus
    from dialogcode.errors import DialogcodeWarning
    from dialogcode.ingest import ingest
    from dialogcode.learned import with_model

    assert invoke("learn", study, "-q").exit_code == 0
    opened = Study.open(study)

    def notebook_codings():
        """What the notebooks do, and the warnings they show."""
        corpus = ingest(opened)
        book = load_codebooks(opened.codebook_files())
        rules = code_corpus(corpus.segments, corpus.documents, book,
                            cache_dir=opened.out / "cache")
        with warnings.catch_warnings(record=True) as shown:
            warnings.simplefilter("always")
            codings = with_model(opened, corpus, book, rules, model=opened.config.model)
        return codings, [str(w.message) for w in shown if w.category is DialogcodeWarning]

    codings, shown = notebook_codings()
    assert shown == [] and "model" in set(codings["source"])       # the model fits
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("[rent, evicted]", "[rent, evicted, eviction]"))
    call = study / "transcripts" / "call0.txt"
    for stale, why in ((book, "trained with codebook version"),
                       (call, "1 document(s) it learned from changed or are gone (call0)")):
        if stale == call:       # the codebook put back: the transcript alone is stale
            book.write_text(book.read_text().replace(", eviction]", "]"))
            call.write_text(call.read_text() + "P1: We meet again on Friday.\n")
        codings, shown = notebook_codings()
        assert len(shown) == 1 and why in shown[0], shown
        assert shown[0].startswith("the learned model was not applied, only the rules: ")
        assert shown[0].endswith("run `dialogcode learn` again")
        assert set(codings["source"]) == {"rule"} and len(codings)
        # what `dialogcode code` writes and says, the same
        assert invoke("ingest", study, "-q").exit_code == 0
        result = invoke("code", study, "-q")
        assert result.exit_code == 0 and result.stderr == f"Warning: {shown[0]}\n"
        pd.testing.assert_frame_equal(codings, pd.read_parquet(study / "out" /
                                                               "codings.parquet"))


def test_a_notebooks_evidence_with_a_stale_model_says_the_rules_alone_coded_as_code_does(
        study):
    # notebook 03 passes with_model's codings to study_evidence: with the model left
    # out (a transcript changed since `learn`) its trust box took what `code` recorded
    # of the earlier table, and gave the rules+model figures with nothing stale, for
    # codings the rules alone made
    import warnings

    from dialogcode.analysis import study_evidence
    from dialogcode.coding import code_corpus
    from dialogcode.ingest import ingest
    from dialogcode.learned import with_model

    for command in (["learn"], ["code"], ["evaluate", "--reference", "ana"]):
        assert invoke(command[0], study, "-q", *command[1:]).exit_code == 0
    call = study / "transcripts" / "call0.txt"
    call.write_text(call.read_text() + "P1: We meet again on Friday.\n")
    opened = Study.open(study)
    corpus = ingest(opened)
    book = load_codebooks(opened.codebook_files())
    rules = code_corpus(corpus.segments, corpus.documents, book,
                        cache_dir=opened.out / "cache")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")         # with_model's warning: tested above
        codings = with_model(opened, corpus, book, rules, model=opened.config.model)
        assert set(codings["source"]) == {"rule"}
        trust = study_evidence(opened, corpus=corpus, codings=codings).trust
    assert "No learned model coded these segments, so these are the rules' figures" \
        in trust["paragraph"]
    assert trust["stale"].startswith("These codings were made by the rules alone")
    assert "out of date" in trust["stale"]      # `code` alone would leave it out again
    assert trust["commands"] == ["dialogcode learn", "dialogcode code",
                                 "dialogcode evaluate --reference ana"]
    # the report of the same codings written by `dialogcode code` says the same
    assert invoke("ingest", study, "-q").exit_code == 0
    assert invoke("code", study, "-q").stderr.startswith("Warning: the learned model was "
                                                         "not applied")
    assert study_evidence(Study.open(study)).trust == trust


def test_a_notes_document_added_first_leaves_a_model_of_turns_in_use(study):
    # field notes are cut into sections whatever `unit:` says; a notes document that
    # sorts first does not make the study's turns another unit than the model's
    assert invoke("learn", study, "-q").exit_code == 0
    (study / "transcripts" / "a-notes.md").write_text(
        "## Setting\n\nWe met at the library; the rent went up again.\n", encoding="utf-8")
    with (study / "manifest.csv").open("a", encoding="utf-8") as manifest:
        manifest.write("a-notes.md,North,site_visit,2019-09-10\n")
    assert invoke("ingest", study, "-q").exit_code == 0
    result = invoke("code", study, "-q")
    assert result.exit_code == 0 and "unit" not in result.stderr, result.stderr
    assert "model" in set(pd.read_parquet(study / "out" / "codings.parquet")["source"])
    assert invoke("review", "export", study, "--next", "3").exit_code == 0


def test_learn_never_opens_a_socket_even_with_wordllama(study, monkeypatch):
    pytest.importorskip("wordllama")

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("folds: 3}", "folds: 3, semantic: wordllama}"))
    result = invoke("learn", study)
    assert result.exit_code == 0, result.output
    assert "wordllama features" in result.output
    assert json.loads((study / "out" / "model" / "model.json").read_text())[
        "semantic"] == "wordllama"


def test_evaluate_cross_validates_by_document_and_the_report_opens_with_it(study):
    assert invoke("code", study, "-q").exit_code == 0
    result = invoke("evaluate", study, "--reference", "ana", "--curve", "-q")
    assert result.exit_code == 0, result.output
    assert "3-fold cross-validation by document over 5 documents" in result.output
    table = pd.read_csv(study / "out" / "evaluation" / "per_code.csv")
    assert set(table["method"]) == {"rules", "model", "rules+model", "baseline"}
    overall = table[table["code_id"] == "(all codes)"].set_index("method")
    assert overall.loc["rules", "recall"] == pytest.approx(5 / 25)      # housing only
    assert overall.loc["rules+model", "recall"] > overall.loc["rules", "recall"]
    assert (overall["f1_low"] <= overall["f1"]).all() and (overall["f1"] <= overall[
        "f1_high"]).all()
    curve = pd.read_csv(study / "out" / "evaluation" / "curve.csv")
    assert curve["training_segments"].is_monotonic_increasing
    assert invoke("run", study, "-q").exit_code == 0
    page = (study / "out" / "report.html").read_text(encoding="utf-8")
    assert page.index("How far to trust these codes") < page.index("Study overview")
    assert "Checked against coder &#39;ana&#39; on 50 segments in 5 documents" in page


# why the model `learn` makes is not the one the codings or figures are of
RETRAINED = ("changed coder files or review decisions, with other learn settings or another "
             "spaCy pipeline, or by a dialogcode that splits text into words otherwise")


def report_page(study):
    """The study's report as `dialogcode report` writes it now."""
    assert invoke("report", study, "-q").exit_code == 0
    return (study / "out" / "report.html").read_text(encoding="utf-8")


def test_the_report_trusts_the_rules_alone_when_no_model_coded_the_study(study):
    assert invoke("run", study, "-q").exit_code == 0       # learns and codes
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    assert invoke("report", study, "-q").exit_code == 0
    table = pd.read_csv(study / "out" / "evaluation" / "per_code.csv")
    overall = table[table["code_id"] == "(all codes)"].set_index("method")
    rules, both = overall.loc["rules", "recall"], overall.loc["rules+model", "recall"]
    assert f"{rules:.2f}" != f"{both:.2f}"
    page = (study / "out" / "report.html").read_text(encoding="utf-8")
    assert f"(recall {both:.2f}" in page
    # the model taken away: the codings are the rules' alone, and so must the figures be
    shutil.rmtree(study / "out" / "model")
    assert invoke("code", study, "-q").exit_code == 0
    page = report_page(study)
    assert f"(recall {rules:.2f}" in page and f"(recall {both:.2f}" not in page
    assert "No learned model coded these segments" in page
    per_code = table[table["method"] == "rules"].set_index("code_id")
    box = page[page.index("How far to trust"):page.index("Study overview")]
    # economic control has no patterns: the rules never code it, whatever the model did
    assert per_code.loc["risk.control", "reference_positives"] >= 5
    assert "<strong>low</strong>: Economic control" in box


def workbook_note(study, sheet):
    """What the README sheet of the workbook `dialogcode export` writes now says of
    ``sheet``."""
    assert invoke("export", study, "-q").exit_code == 0
    book = openpyxl.load_workbook(study / "out" / "workbook.xlsx", read_only=True)
    return dict(book["README"].iter_rows(min_row=2, values_only=True))[sheet]


def workbook_evaluation_note(study):
    """What the README sheet of the workbook says of the evaluation sheet."""
    return workbook_note(study, "evaluation")


def test_the_report_flags_figures_made_before_the_model_was_trained_again(study):
    assert invoke("run", study, "-q").exit_code == 0
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    assert invoke("report", study, "-q").exit_code == 0
    flag = "These figures were made before the learned model was trained again"
    assert flag not in (study / "out" / "report.html").read_text(encoding="utf-8")
    assert "Out of date" not in workbook_evaluation_note(study)
    # a round of review, then learn and code without evaluate: the figures are of the
    # model before it
    reject_a_model_coding(study)
    assert invoke("learn", study, "-q").exit_code == 0
    assert invoke("code", study, "-q").exit_code == 0
    page = report_page(study)
    assert flag in page
    # the command it asks for is one that runs (evaluate needs its --reference)
    assert "run\n<code>dialogcode evaluate --reference ana</code>." in page
    # the workbook's evaluation sheet holds the same earlier figures, and says so too
    assert workbook_evaluation_note(study).endswith(
        f"Out of date: {flag} on {RETRAINED}; run dialogcode evaluate --reference ana.")
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    assert invoke("report", study, "-q").exit_code == 0
    assert flag not in (study / "out" / "report.html").read_text(encoding="utf-8")
    assert "Out of date" not in workbook_evaluation_note(study)


def test_the_report_compares_the_figures_with_the_model_that_made_the_codings(study):
    # each model coding records the training digest of the model that made it
    assert invoke("run", study, "-q").exit_code == 0
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    first = json.loads((study / "out" / "model" / "model.json").read_text())["training"]
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    assert set(codings.loc[codings["source"] == "model", "rule_id"]) == {f"model:{first}"}
    box = "How far to trust these codes"
    reject_a_model_coding(study)
    # learn without code: the codings are the earlier model's, which the figures are of
    assert invoke("learn", study, "-q").exit_code == 0
    page = report_page(study)
    assert ("These codings were made by an earlier learned model than the one in "
            f"out/model, which was trained since on {RETRAINED}; the figures are of the "
            "earlier one: run\n<code>dialogcode code</code>, then <code>dialogcode evaluate "
            "--reference ana</code>.") in page
    # then evaluate, still without code: the figures are of the new model, the codings
    # still of the earlier one (this showed no flag when the box compared with out/model)
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    page = report_page(study)
    assert ("These codings were made by an earlier learned model than the one these "
            f"figures describe, which was trained since on {RETRAINED}: run\n<code>"
            "dialogcode code</code>.") in page
    assert invoke("code", study, "-q").exit_code == 0
    page = report_page(study)
    assert box in page and 'class="flag">These' not in page


def reject_a_model_coding(study):
    """A round of review: decisions.csv rejects the model's risk.control on call5:t2,
    which changes the training set (and so the model `learn` makes)."""
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer,note,sha256\n"
        "call5:t2,risk.control,reject,model,bo,,\n", encoding="utf-8")


def unrecorded_model(study):
    """Make the study's model codings look like an earlier dialogcode's, which wrote
    rule_id `model` without naming the model that made them."""
    path = study / "out" / "codings.parquet"
    codings = pd.read_parquet(path)
    codings.loc[codings["source"] == "model", "rule_id"] = "model"
    codings.to_parquet(path, index=False)


def test_without_an_evaluation_the_report_says_the_codings_are_an_earlier_models(study):
    # no reference coder and no `evaluate`: the box has no figures, but it must still
    # say when `learn` ran after `code`, so the codings are not out/model's
    assert invoke("run", study, "-q").exit_code == 0
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    assert (codings["source"] == "model").any()
    assert not (study / "out" / "evaluation").exists()
    page = (study / "out" / "report.html").read_text(encoding="utf-8")
    assert "has not been checked against a person" in page and 'class="flag">These' not in page
    # learning again from the same codings makes the same model: nothing to flag
    assert invoke("learn", study, "-q").exit_code == 0
    page = report_page(study)
    assert 'class="flag">These' not in page
    reject_a_model_coding(study)
    assert invoke("learn", study, "-q").exit_code == 0
    page = report_page(study)
    assert ("These codings were made by an earlier learned model than the one in "
            f"out/model, which was trained since on {RETRAINED}: run\n<code>dialogcode "
            "code</code>.") in page
    # the workbook has no evaluation sheet to say it beside: its codings sheet says it
    assert workbook_note(study, "codings").endswith(
        "Out of date: These codings were made by an earlier learned model than the one in "
        f"out/model, which was trained since on {RETRAINED}; run dialogcode code.")
    # codings of an earlier dialogcode (rule_id `model`) cannot be matched either
    unrecorded_model(study)
    page = report_page(study)
    assert ("These codings were made before dialogcode recorded which learned model made "
            "them, so they may not be those of the model in out/model: run\n<code>"
            "dialogcode code</code>.") in page
    # `run` codes again with the new model, and its report stage has nothing to flag
    assert invoke("run", study, "-q").exit_code == 0
    page = (study / "out" / "report.html").read_text(encoding="utf-8")
    assert "has not been checked against a person" in page and 'class="flag">These' not in page
    assert "Out of date" not in workbook_note(study, "codings")


def test_an_accepted_model_coding_stays_as_the_reviewers_once_the_model_drops_it(study):
    # it stayed source `model` once no model made it: the report then said the learned
    # model coded the study, and the workbook credited the model with a person's call
    assert invoke("run", study, "-q").exit_code == 0
    key = ("call5:t1", "risk.control")

    def final_rows():
        opened = Study.open(study)
        corpus = load_corpus(opened)
        final = final_codings(opened, corpus.segments, corpus.documents)
        return final[(final["seg_id"] == key[0]) & (final["code_id"] == key[1])]

    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer\n"
        f"{key[0]},{key[1]},accept,model,bo\n", encoding="utf-8")
    assert invoke("run", study, "-q").exit_code == 0
    # while the model makes it, it is the model's coding, counted once (as a rule's is)
    assert final_rows()[["source"]].values.tolist() == [["model"]]
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("min_positives: 4", "min_positives: 60"))
    result = invoke("run", study)
    assert result.exit_code == 0, result.output
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    assert not (codings["source"] == "model").any()     # the model codes nothing now
    # not listed as a rule coding no longer made is: the model's codings change at each
    # `learn`, and most accepted model proposals of a --next sheet it never made
    assert "no longer made" not in result.stderr
    kept = final_rows()
    assert kept[["source", "rule_id"]].values.tolist() == [["reviewer", "reviewer"]]
    book = openpyxl.load_workbook(study / "out" / "workbook.xlsx", read_only=True)
    rows = list(book["codings"].iter_rows(values_only=True))
    header = rows[0]
    shown = [r for r in rows[1:] if (r[header.index("seg_id")],
                                     r[header.index("code_id")]) == key]
    assert [r[header.index("source")] for r in shown] == ["reviewer"]
    # the report no longer says the learned model coded the study
    page = (study / "out" / "report.html").read_text(encoding="utf-8")
    assert "include the learned model's codings" not in page
    assert ("the learned model codes it nowhere either: <code>dialogcode learn</code> says "
            "why, and what to do") in page
    data = training_data(Study.open(study), load_corpus(Study.open(study)).segments,
                         load_codebooks(Study.open(study).codebook_files()))
    assert data.labels[list(data.item_ids).index(key[0]),
                       data.codes.index(key[1])] == 1
    # a model that makes it again takes it back, still once
    config.write_text(config.read_text().replace("min_positives: 60", "min_positives: 4"))
    result = invoke("run", study, "-q")
    assert result.exit_code == 0 and "no longer made" not in result.stderr
    assert final_rows()[["source"]].values.tolist() == [["model"]]


def test_evaluate_scores_a_parent_code_rolled_up_as_the_report_counts_it(study):
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("    label: Risks\n    codable: false\n",
                                             "    label: Risks\n    definition: Any risk.\n"))
    assert invoke("code", study, "-q").exit_code == 0
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    table = pd.read_csv(study / "out" / "evaluation" / "per_code.csv")
    rules = table[table["method"] == "rules"].set_index("code_id")
    # nobody coded `risk` itself: the reader's housing and control segments count for it,
    # and so do the rules' housing codings, as in the tables and the report
    assert rules.loc["risk", "reference_positives"] == 25
    assert rules.loc["risk", "both"] == rules.loc["risk.housing", "both"] == 5
    assert rules.loc["risk", "precision"] == 1.0
    # the overall figures count each coding once, as applied
    assert rules.loc["(all codes)", "reference_positives"] == 25
    assert rules.loc["(all codes)", "recall"] == pytest.approx(5 / 25)


def test_a_coder_who_read_part_of_a_document_teaches_and_scores_that_part_only(study):
    # a coding sheet with a row per turn read, blank where nothing applies, that stops
    # halfway through call0: turns 6 to 10 were never read (docs/review.md)
    coder = study / "codings" / "ana.csv"
    ana = pd.read_csv(coder, dtype=str)
    turn = ana["seg_id"].str.extract(r"call0:t(\d+)$")[0].astype(float)
    ana = ana[~(turn > 5)]
    blanks = pd.DataFrame({"seg_id": ["call0:t3", "call0:t5"], "code_id": ["", ""]})
    pd.concat([ana, blanks]).to_csv(coder, index=False)
    opened = Study.open(study)
    corpus = load_corpus(opened)
    assert corpus.segments.set_index("seg_id").at["call0:t7", "text"] in CONTROL
    data = training_data(opened, corpus.segments, load_codebooks(opened.codebook_files()))
    items = list(data.item_ids)
    assert "call0:t7" not in items          # unread: not a negative for economic control
    assert data.labels[items.index("call0:t3")].tolist() == [0, 0]     # read, nothing
    assert data.labels[items.index("call0:t4"), data.codes.index("risk.control")] == 1
    assert invoke("code", study, "-q").exit_code == 0
    result = invoke("evaluate", study, "--reference", "ana", "-q")
    assert result.exit_code == 0, result.output
    assert "over 5 documents (45 segments)" in result.output
    table = pd.read_csv(study / "out" / "evaluation" / "per_code.csv")
    rules = table[(table["method"] == "rules") & (table["code_id"] == "risk.control")]
    assert rules["reference_positives"].item() == 18     # 4 a document, t7 and t10 unread


def test_a_category_a_coder_gave_leaves_its_codes_unknown_not_absent(study):
    # `risk` is a category (codable: false): the coder says a risk is talked of in
    # call5:t1 (economic control, in fact), not that neither of its codes applies
    with (study / "codings" / "ana.csv").open("a", encoding="utf-8") as coder:
        coder.write("call5:t1,risk\n")
    opened = Study.open(study)
    corpus = load_corpus(opened)
    assert corpus.segments.set_index("seg_id").at["call5:t1", "text"] in CONTROL
    data = training_data(opened, corpus.segments, load_codebooks(opened.codebook_files()))
    items = list(data.item_ids)
    assert data.codes == ["risk.housing", "risk.control"]
    assert data.labels[items.index("call5:t1")].tolist() == [-1, -1]
    assert data.labels[items.index("call5:t2")].tolist() == [0, 0]     # read whole


def test_a_sub_code_a_coder_gave_leaves_its_parent_unknown_not_absent(study):
    # `risk` made a code of its own: ana codes economic control as risk.control, in place
    # of `risk`, which the tables and evaluate count rolled up; that is no sign `risk`
    # itself is absent there, so its model must not learn it as a negative
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("    label: Risks\n    codable: false\n",
                                             "    label: Risks\n    definition: Any risk.\n"))
    with (study / "codings" / "ana.csv").open("a", encoding="utf-8") as coder:
        coder.write("call0:t2,risk\ncall0:t3,risk\n")     # call0:t2 has risk.housing
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer,note,sha256\n"
        "call5:t1,risk.control,accept,model,bo,,\n"
        "call1:t1,risk,reject,model,bo,,\n", encoding="utf-8")
    opened = Study.open(study)
    corpus = load_corpus(opened)
    text = corpus.segments.set_index("seg_id")["text"]
    assert text["call0:t1"] in CONTROL and text["call1:t1"] in CONTROL
    data = training_data(opened, corpus.segments, load_codebooks(opened.codebook_files()))
    items = list(data.item_ids)
    assert data.codes == ["risk", "risk.housing", "risk.control"]

    def labels(seg_id):
        return data.labels[items.index(seg_id)].tolist()

    assert labels("call0:t1") == [-1, 0, 1]      # the sub-code alone: parent unknown
    assert labels("call0:t2") == [1, 1, 0]       # parent and sub-code both given
    assert labels("call0:t3") == [1, 0, 0]       # the parent alone: its sub-codes absent
    assert labels("call0:t5") == [0, 0, 0]       # read, nothing given
    assert labels("call5:t1") == [-1, -1, 1]     # an accepted sub-code, nobody read it
    assert labels("call1:t1") == [0, 0, 1]       # `risk` rejected there: a negative


def test_a_sub_code_rejected_in_review_still_leaves_its_parent_unknown(study):
    # ana gave risk.control in place of `risk`; a reviewer rejects risk.control there:
    # that says the sub-code is wrong, not that no risk is spoken of, so `risk` stays
    # unknown (a negative would teach its model that this is not a risk)
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("    label: Risks\n    codable: false\n",
                                             "    label: Risks\n    definition: Any risk.\n"))
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer,note,sha256\n"
        "call0:t1,risk.control,reject,rules,bo,,\n"
        "call1:t1,risk.control,reject,rules,bo,,\n"
        "call1:t1,risk,reject,rules,bo,,\n", encoding="utf-8")
    opened = Study.open(study)
    corpus = load_corpus(opened)
    data = training_data(opened, corpus.segments, load_codebooks(opened.codebook_files()))
    items = list(data.item_ids)
    assert data.codes == ["risk", "risk.housing", "risk.control"]
    assert data.labels[items.index("call0:t1")].tolist() == [-1, 0, 0]
    assert data.labels[items.index("call1:t1")].tolist() == [0, 0, 0]   # both rejected


def test_evaluate_leaves_out_the_codes_of_a_category_the_reference_gave(study):
    # the reader gave call0:t2 only the category `risk` (it is about rent): whether the
    # rules' housing coding there is right, the reference does not say
    coder = study / "codings" / "ana.csv"
    coder.write_text(coder.read_text().replace("call0:t2,risk.housing", "call0:t2,risk"))
    assert invoke("code", study, "-q").exit_code == 0
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    table = pd.read_csv(study / "out" / "evaluation" / "per_code.csv")
    rules = table[table["method"] == "rules"].set_index("code_id")
    assert rules.loc["risk.housing", ["reference_positives", "coded", "both"]].tolist() == \
        [4, 4, 4]
    assert rules.loc["risk.housing", "precision"] == 1.0
    assert rules.loc["(all codes)", "precision"] == 1.0


def test_evaluate_refuses_rule_codings_of_an_earlier_codebook(study):
    assert invoke("code", study, "-q").exit_code == 0
    # a pattern added after `code`: the codings table still holds the old rules' codings,
    # which evaluate would score and stamp with the new codebook version
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("[rent, evicted]", "[rent, evicted, families]"))
    result = invoke("evaluate", study, "--reference", "ana", "-q")
    assert result.exit_code == 1
    assert "codings were made with another version of the codebooks" in result.output
    assert "run `dialogcode code`" in result.output and "Traceback" not in result.output
    assert not (study / "out" / "evaluation").exists()
    assert invoke("code", study, "-q").exit_code == 0
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0


def test_evaluate_against_a_coder_of_one_document_names_the_file(study):
    coder = study / "codings" / "ana.csv"
    rows = coder.read_text().splitlines()
    coder.write_text("\n".join([rows[0], *(r for r in rows[1:] if r.startswith("call0:"))])
                     + "\n")
    assert invoke("code", study, "-q").exit_code == 0
    result = invoke("evaluate", study, "--reference", "ana", "-q")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{coder}: the reference coder coded 1 document(s)" in result.output


@pytest.mark.parametrize("command", [["evaluate", "--reference", "ana"], ["cluster"],
                                     ["suggest"], ["agree", "rules", "ana"]])
def test_a_seed_numpy_cannot_take_is_a_usage_error(study, command):
    for seed in ("-1", str(2**32)):
        result = invoke(*command, "--seed", seed, *(["-s", study] if command[0] == "agree"
                                                   else [study]))
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        assert "Invalid value for '--seed'" in result.output


def test_review_next_picks_uncoded_segments_and_its_decisions_retrain(study):
    assert invoke("run", study, "-q").exit_code == 0
    sheet = study / "out" / "next.xlsx"
    result = invoke("review", "export", study, "--next", "4", "-o", sheet)
    assert result.exit_code == 0, result.output
    assert "for 4 segments" in result.output
    rows = pd.read_excel(sheet)
    assert rows["seg_id"].nunique() == 4
    assert rows["doc_id"].isin({"call5", "call6", "call7"}).all()     # nobody coded these
    assert rows["doc_id"].nunique() >= 2                               # spread out
    # a rule row shows what the rule matched, as the review sheet's docs say
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    matched = codings[codings["source"] == "rule"].groupby(["seg_id", "code_id"])[
        "quote"].agg(" | ".join)
    ruled = rows[rows["source"] == "rule"]
    assert len(ruled) and ruled["matched"].tolist() == [
        matched[key] for key in zip(ruled["seg_id"], ruled["code_id"])]
    assert rows.loc[rows["source"] == "model", "matched"].isna().all()
    book = openpyxl.load_workbook(sheet)
    ws = book["review"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        row[header.index("decision")].value = "reject"
    book.save(sheet)
    before = json.loads((study / "out" / "model" / "model.json").read_text())["training"]
    assert invoke("review", "import", sheet, study, "--reviewer", "bo").exit_code == 0
    result = invoke("run", study, "-q")
    assert result.exit_code == 0
    after = json.loads((study / "out" / "model" / "model.json").read_text())
    assert after["training"] != before and after["segments"] == 54


def test_a_next_sheet_lists_the_codes_the_model_did_not_propose_as_listed(study):
    # a --next sheet wrote the best-scoring others, which the model scored below their
    # thresholds and never coded, with source `model`: accepting one read as confirming
    # the model, and decisions.csv recorded it as the model's
    assert invoke("run", study, "-q").exit_code == 0
    sheet = study / "out" / "next.csv"
    assert invoke("review", "export", study, "--next", "30", "-o", sheet).exit_code == 0
    rows = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    made = set(zip(codings["seg_id"], codings["code_id"], codings["source"]))
    shown = set(zip(rows["seg_id"], rows["code_id"], rows["source"]))
    listed = rows[rows["source"] == "listed"]
    assert len(listed) and set(rows["source"]) == {"rule", "model", "listed"}
    assert {r for r in shown if r[2] != "listed"} <= made     # the codings, as coded
    assert not {(s, c) for s, c, _ in made} & set(zip(listed["seg_id"], listed["code_id"]))
    assert listed["score"].astype(float).gt(0).all()          # each with its model's score
    rows["decision"] = "accept"
    rows.to_csv(sheet, index=False)
    result = invoke("review", "import", sheet, study, "--reviewer", "bo")
    assert result.exit_code == 0, result.output
    recorded = pd.read_csv(study / "decisions.csv", dtype=str, keep_default_na=False)
    assert len(recorded) == len(rows)
    expected = {(s, c): ("reviewer" if source == "listed" else source)
                for s, c, source in shown}
    assert dict(zip(zip(recorded["seg_id"], recorded["code_id"]), recorded["source"])) \
        == expected
    # an accepted listed code is the reviewer's coding: nothing else makes it
    opened = Study.open(study)
    corpus = load_corpus(opened)
    final = final_codings(opened, corpus.segments, corpus.documents)
    sources = final.groupby(["seg_id", "code_id"])["source"].agg(set)
    assert {(s, c): sources[(s, c)] for s, c, _ in shown} == {
        (s, c): {source} for (s, c), source in expected.items()}


def test_review_next_refuses_rule_codings_of_an_earlier_codebook(study):
    assert invoke("run", study, "-q").exit_code == 0
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("[rent, evicted]", "[rent, evicted, families]"))
    assert invoke("learn", study, "-q").exit_code == 0     # the model fits the codebook now
    result = invoke("review", "export", study, "--next", "3")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "codings were made with another version of the codebooks" in result.output
    assert invoke("code", study, "-q").exit_code == 0
    assert invoke("review", "export", study, "--next", "3").exit_code == 0


def test_review_next_shows_no_score_for_a_code_too_rare_for_a_model(study):
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("min_positives: 4", "min_positives: 30"))
    assert invoke("run", study, "-q").exit_code == 0
    stats = json.loads((study / "out" / "model" / "model.json").read_text())["stats"]
    assert {row["status"] for row in stats} == {"too few positives (< 30)"}
    sheet = study / "out" / "next.csv"
    assert invoke("review", "export", study, "--next", "3", "-o", sheet).exit_code == 0
    rows = pd.read_csv(sheet)
    # chosen where the rules code housing, which no model scores: a score of 0 would
    # say a model found it unlikely
    assert set(rows["code_id"]) == {"risk.housing"} and set(rows["source"]) == {"rule"}
    assert rows["score"].isna().all()


def test_review_next_finding_fewer_segments_than_asked_says_how_many_and_why(study):
    # `--next 100` finding a few segments said "Wrote 6 rows to review for 3 segments",
    # not that fewer than asked were found, nor why: the round looked complete
    assert invoke("run", study, "-q").exit_code == 0
    sheet = study / "out" / "next.csv"
    corpus = load_corpus(Study.open(study))
    left = corpus.segments[corpus.segments["doc_id"].isin({"call5", "call6", "call7"})
                           & substantive(corpus.segments)]
    result = invoke("review", "export", study, "--next", "100", "-o", sheet)
    assert result.exit_code == 0, result.output
    assert pd.read_csv(sheet)["seg_id"].nunique() == len(left) < 100
    assert result.output.splitlines()[-1] == (
        f"100 segments asked for, {len(left)} found: only {len(left)} segment(s) nobody "
        "has coded or decided are left (backchannels, preambles and headings aside)")
    # no code has a model: only the segments a rule codes are proposed
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("min_positives: 4", "min_positives: 30"))
    assert invoke("run", study, "-q").exit_code == 0
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    ruled = set(left["seg_id"]) & set(codings["seg_id"])
    assert 0 < len(ruled) < len(left)
    result = invoke("review", "export", study, "--next", str(len(left)), "-o", sheet)
    assert result.exit_code == 0, result.output
    assert set(pd.read_csv(sheet)["seg_id"]) == ruled
    assert result.output.splitlines()[-1] == (
        f"{len(left)} segments asked for, {len(ruled)} found: no code has a model (each "
        "needs learn: min_positives, now 30, positive examples; `dialogcode learn` lists "
        f"each code's), so only the {len(ruled)} segment(s) a rule codes are proposed, of "
        f"{len(left)} nobody has coded or decided")
    # as many as asked: nothing more is said
    result = invoke("review", "export", study, "--next", str(len(ruled)), "-o", sheet)
    assert result.exit_code == 0 and "asked for" not in result.output, result.output


def test_review_next_with_nothing_to_propose_says_what_to_do_not_an_empty_sheet(study):
    # no code has a model and no rule matches: --next wrote "Wrote 0 rows" and the
    # browser's queue stayed empty, with nothing saying why
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("min_positives: 4", "min_positives: 30"))
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("        patterns: {terms: [rent, evicted]}\n",
                                             ""))
    assert invoke("run", study, "-q").exit_code == 0
    sheet = study / "out" / "next.csv"
    result = invoke("review", "export", study, "--next", "3", "-o", sheet)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "nothing to propose on the segments nobody has coded yet" in result.output
    assert "min_positives, now 30" in result.output and not sheet.exists()


def test_review_next_with_every_segment_coded_says_so_not_that_no_code_has_a_model(study):
    # once people have coded every document, --next has nothing left to pick; it said
    # no code had a model and sent them to code whole documents, which they had done
    corpus = load_corpus(Study.open(study))
    firsts = corpus.segments.groupby("doc_id")["seg_id"].first()
    pd.DataFrame({"seg_id": firsts[["call5", "call6", "call7"]].tolist(),
                  "code_id": "risk.housing"}).to_csv(study / "codings" / "bo.csv",
                                                     index=False)
    assert invoke("run", study, "-q").exit_code == 0
    result = invoke("review", "export", study, "--next", "3", "-o", study / "out" / "n.csv")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "every segment has been coded or decided" in result.output
    assert "no code has a model" not in result.output


def test_a_decision_on_a_transcript_edited_since_waits_for_a_new_decision(study):
    opened = Study.open(study)
    corpus = load_corpus(opened)
    sha = corpus.documents.set_index("doc_id").at["call5", "sha256"]
    assert corpus.segments.set_index("seg_id").at["call5:t1", "text"] in CONTROL
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer,note,sha256\n"
        f"call5:t1,risk.housing,accept,reviewer,bo,,{sha}\n", encoding="utf-8")
    assert invoke("run", study, "-q").exit_code == 0

    def final():
        corpus = load_corpus(opened)
        return set(zip(*final_codings(opened, corpus.segments, corpus.documents)[
            ["seg_id", "code_id", "source"]].values.T))

    def trained():
        data = training_data(opened, load_corpus(opened).segments,
                             load_codebooks(opened.codebook_files()))
        return data.labels[list(data.item_ids).index("call5:t1"), data.codes.index(
            "risk.housing")] if "call5:t1" in data.item_ids else None

    assert ("call5:t1", "risk.housing", "reviewer") in final() and trained() == 1
    # a turn put in before it: call5:t1 is now another speaker's turn, which the
    # decision never judged; it is listed, kept, and neither coded nor learned from
    transcript = study / "transcripts" / "call5.txt"
    transcript.write_text("P3: Welcome, everyone, we start at ten.\n" + transcript.read_text())
    result = invoke("run", study, "-q")
    assert result.exit_code == 0, result.output
    assert "no longer apply" in result.output and "document text changed" in result.output
    assert ("call5:t1", "risk.housing", "reviewer") not in final() and trained() is None
    assert "call5:t1,risk.housing,accept" in (study / "decisions.csv").read_text()
    # decided again on the turn as it is now, it counts again
    sheet = study / "again.csv"
    sheet.write_text("seg_id,code_id,decision,text\n"
                     "call5:t1,risk.housing,accept,\"Welcome, everyone, we start at ten.\"\n",
                     encoding="utf-8")
    result = invoke("review", "import", sheet, study, "--reviewer", "bo")
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output
    assert ("call5:t1", "risk.housing", "reviewer") in final() and trained() == 1


def test_suggest_leaves_out_rejections_made_on_a_documents_earlier_text(study):
    assert invoke("code", study, "-q").exit_code == 0
    assert invoke("suggest", study, "-q").exit_code == 0
    before = pd.read_parquet(study / "out" / "suggestions.parquet")
    rules = pd.read_parquet(study / "out" / "codings.parquet")
    housing = rules[rules["code_id"] == "risk.housing"]
    # rejected when these documents read otherwise: the rule codings on their turns now
    # were never judged, and stay in the final codings, so suggest learns from them too
    earlier = "0" * 64
    rows = [f"{s},risk.housing,reject,rule,bo,,{earlier}"
            for s in housing["seg_id"].unique()[:12]]     # a row per code on a segment
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer,note,sha256\n" + "\n".join(rows) + "\n",
        encoding="utf-8")
    result = invoke("suggest", study)
    assert result.exit_code == 0, result.output
    assert not [line for line in result.output.splitlines()
                if line.startswith("Skipped") and "risk.housing" in line]
    pd.testing.assert_frame_equal(pd.read_parquet(study / "out" / "suggestions.parquet"),
                                  before)


def test_a_decision_naming_an_unknown_code_is_refused_with_its_line(study):
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer,note,sha256\n"
        "call5:t1,risk.control,accept,model,bo,,\n"
        "call5:t2,risk.contrl,reject,model,bo,,\n", encoding="utf-8")
    result = invoke("learn", study)
    assert result.exit_code == 1
    assert "decisions.csv:3: code 'risk.contrl' is not in the codebook" in result.output


def test_the_tables_refuse_a_decision_naming_an_unknown_code_or_segment(study):
    assert invoke("code", study, "-q").exit_code == 0
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer,note,sha256\n"
        "call5:t1,risk.control,accept,reviewer,bo,,\n"
        "call5:t2,risk.contrl,accept,reviewer,bo,,\n"
        "call55:t1,risk.control,accept,reviewer,bo,,\n", encoding="utf-8")
    # learn refused them already; the tables (and report) put 'risk.contrl' in the
    # coded segments and left the unknown segment out without a word
    result = invoke("tables", study, "-q")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "decisions.csv:3: code 'risk.contrl' is not in the codebook" in result.output
    assert "decisions.csv:4: unknown seg_id 'call55:t1'" in result.output


def test_a_study_whose_human_codings_are_gone_codes_by_rules_only_again(study):
    assert invoke("run", study, "-q").exit_code == 0
    assert "model" in set(pd.read_parquet(study / "out" / "codings.parquet")["source"])
    for path in (study / "codings").iterdir():
        path.unlink()
    result = invoke("run", study)
    assert result.exit_code == 0, result.output
    assert "out/model" in result.output and "removed" in result.output
    assert not (study / "out" / "model").exists()
    assert set(pd.read_parquet(study / "out" / "codings.parquet")["source"]) == {"rule"}


def test_a_decision_on_a_document_taken_out_of_the_study_is_refused_not_dropped(study):
    assert invoke("code", study, "-q").exit_code == 0
    sha = load_corpus(Study.open(study)).documents.set_index("doc_id").at["call5", "sha256"]
    # imported while call55 was in the study (every imported row has its sha256)
    (study / "decisions.csv").write_text(
        "seg_id,code_id,decision,source,reviewer,note,sha256\n"
        f"call5:t1,risk.control,accept,reviewer,bo,,{sha}\n"
        f"call55:t1,risk.control,accept,reviewer,bo,,{sha}\n", encoding="utf-8")
    for command in ("tables", "learn"):
        result = invoke(command, study, "-q")
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "decisions.csv:3: unknown seg_id 'call55:t1'" in result.output
    assert "document text changed" not in invoke("code", study, "-q").output


def test_a_study_without_human_codings_codes_by_rules_only(study):
    for path in (study / "codings").iterdir():
        path.unlink()
    result = invoke("run", study)
    assert result.exit_code == 0, result.output
    assert "learn:" not in result.output
    assert set(pd.read_parquet(study / "out" / "codings.parquet")["source"]) == {"rule"}
    assert "has not been checked against a person" in (study / "out" / "report.html"
                                                       ).read_text(encoding="utf-8")


def test_human_only_codes_validate_and_codebook_test_skips_them(study):
    book = study / "codebooks" / "test.yaml"
    result = invoke("codebook", "validate", book)
    assert result.exit_code == 0
    assert "Human-only codes" in result.output and "risk.control" in result.output
    result = invoke("codebook", "test", book)
    assert result.exit_code == 0, result.output
    assert "risk.control" not in result.output


def test_a_spreadsheet_codebook_imports_as_human_only_codes(tmp_path):
    sheet = tmp_path / "codes.csv"
    sheet.write_text("Code,Name,Definition,Parent\n"
                     "Economic control,Economic control,Money as control,Money\n"
                     "Money,Money and work,Talk about money,\n"
                     "Norms,,Beliefs about men and women,\n", encoding="utf-8")
    out = tmp_path / "codes.yaml"
    result = invoke("codebook", "import", sheet, "-o", out)
    assert result.exit_code == 0, result.output
    book = load_codebooks(out)
    assert book.codes["money.economic_control"].parent == "money"
    assert book.codes["money"].label == "Money and work"
    assert all(code.human_only for code in book.codes.values())
    assert "categor" not in result.output
    # a parent spelt unlike any code becomes a category of its own: say so
    sheet.write_text(sheet.read_text().replace(",Money\n", ",Mony\n"), encoding="utf-8")
    result = invoke("codebook", "import", sheet, "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert "1 category named only in the parent column (no row of their own): Mony" in \
        result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("code,parent\nMoney,\n,Money\nMoney,\n", encoding="utf-8")
    result = invoke("codebook", "import", bad, "-o", tmp_path / "bad.yaml")
    assert result.exit_code == 1
    assert "bad.csv:3: this row has no code" in result.output
    assert "bad.csv:4: code 'Money' appears twice" in result.output
    # a definition over two lines: the problem is named at the line its row starts on
    bad.write_text('code,definition\nMoney,"Talk about\nmoney"\n,orphan\n', encoding="utf-8")
    result = invoke("codebook", "import", bad, "-o", tmp_path / "bad.yaml")
    assert result.exit_code == 1 and "bad.csv:4: this row has no code" in result.output
    bad.write_text('code,definition\nMoney,"Talk" about money\n', encoding="utf-8")
    result = invoke("codebook", "import", bad, "-o", tmp_path / "bad.yaml")
    assert result.exit_code == 1 and "bad.csv:2: text after a closing quote" in result.output


def test_a_spreadsheet_codebook_with_merged_cells_or_unsaved_formulas_is_refused(tmp_path):
    # a definition made by a formula that no spreadsheet program has calculated (one a
    # script wrote) reads as empty, and a code merged over two rows as one code and a
    # row without one: neither may be imported as if it said so
    for name, fill in (("formula", lambda ws: ws.append(["housing", "Housing",
                                                         '=A2&" and rent"'])),
                       ("merged", lambda ws: (ws.append(["money", "Money again", "x"]),
                                              ws.merge_cells("A2:A3")))):
        book = openpyxl.Workbook()
        ws = book.active
        ws.append(["code", "label", "definition"])
        ws.append(["money", "Money and work", "Talk about money"])
        fill(ws)
        path = tmp_path / f"{name}.xlsx"
        book.save(path)
        result = invoke("codebook", "import", path, "-o", tmp_path / f"{name}.yaml")
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        assert {"formula": "formula cells without a saved value (C3)",
                "merged": "merged cells A2:A3"}[name] in result.output
        assert not (tmp_path / f"{name}.yaml").exists()


def test_the_report_flags_figures_of_a_model_learned_with_other_settings(study):
    # the same human codings learned with another threshold make another model: its
    # codings are not the ones the figures describe
    assert invoke("run", study, "-q").exit_code == 0
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("folds: 3}", "folds: 3, threshold: f1}"))
    assert invoke("learn", study, "-q").exit_code == 0
    assert invoke("code", study, "-q").exit_code == 0
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    assert (codings["source"] == "model").any()
    page = report_page(study)
    assert ("These figures were made before the learned model was trained again on "
            f"{RETRAINED}: run\n<code>dialogcode evaluate --reference ana</code>.") in page
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    assert invoke("report", study, "-q").exit_code == 0
    assert 'class="flag">These' not in (study / "out" / "report.html").read_text("utf-8")


def test_the_report_flags_figures_of_a_model_of_text_tokenised_otherwise(study, monkeypatch):
    # an earlier dialogcode, which split text into words otherwise, learned, coded and
    # evaluated; this one learns from the same codings and settings: its model is not
    # the one the codings and figures are of, and the box must say why, not send the
    # user looking for changed coder files or learn settings
    with monkeypatch.context() as earlier:
        for module in ("model_file", "learned"):
            earlier.setattr(f"dialogcode.{module}.TOKENISATION", f"{CACHE_FORMAT}.9")
        assert invoke("run", study, "-q").exit_code == 0
        assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    assert_flags_a_model_trained_again(study)


def test_the_report_flags_figures_of_a_model_of_another_pipeline(study):
    # the same codings and settings learned with another spaCy pipeline (one saved over
    # the folder `model:` names) make another model, for that reason alone
    import spacy

    def save(version):
        nlp = spacy.blank("en")
        nlp.meta.update(name="notes", version=version)
        nlp.to_disk(study / "pipeline")

    save("1.0.0")
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text() + "model: pipeline\n", encoding="utf-8")
    assert invoke("run", study, "-q").exit_code == 0
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    save("1.1.0")
    assert_flags_a_model_trained_again(study)


def assert_flags_a_model_trained_again(study):
    """After `run` and `evaluate` made codings and figures of a model `learn` now trains
    otherwise with the same codings and settings: the report's box names the reasons,
    first for the codings (after `learn`), then for the figures (after `code`), and has
    nothing to flag once `evaluate` ran again."""
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    assert (codings["source"] == "model").any()
    assert invoke("learn", study, "-q").exit_code == 0
    assert ("These codings were made by an earlier learned model than the one in out/model, "
            f"which was trained since on {RETRAINED}; the figures are of the earlier one: "
            "run\n<code>dialogcode code</code>, then <code>dialogcode evaluate --reference "
            "ana</code>.") in report_page(study)
    assert invoke("code", study, "-q").exit_code == 0
    assert ("These figures were made before the learned model was trained again on "
            f"{RETRAINED}: run\n<code>dialogcode evaluate --reference ana</code>."
            ) in report_page(study)
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    assert 'class="flag">These' not in report_page(study)


@pytest.mark.parametrize("reference", ["", ", reference: ana"])
def test_figures_newer_than_the_model_ask_for_learn_and_code_not_evaluate(study, reference):
    # coder files changed, then evaluate without learn: the figures are of a model of
    # the coder files as they are now, the codings of the earlier one; evaluating again
    # cannot change that, learning and coding does. With learn: reference the report
    # tells so only when it digests the model learn would make as learn and evaluate do
    (study / "dialogcode.yaml").write_text("title: Learning test\nlessons: null\n"
                                           f"learn: {{min_positives: 4, folds: 3{reference}}}\n")
    assert invoke("run", study, "-q").exit_code == 0
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    coder = study / "codings" / "ana.csv"
    coder.write_text("".join(coder.read_text().splitlines(keepends=True)[:-3]))
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    page = report_page(study)
    assert ("These figures are of a model trained on the coder files, review decisions and "
            "learn settings as they are now, and the codings were made by an earlier one: "
            "run\n<code>dialogcode learn</code>, then <code>dialogcode code</code>.") in page
    assert invoke("learn", study, "-q").exit_code == 0
    assert invoke("code", study, "-q").exit_code == 0
    assert invoke("report", study, "-q").exit_code == 0
    assert 'class="flag">These' not in (study / "out" / "report.html").read_text("utf-8")


def test_codings_from_before_the_model_was_recorded_ask_for_code(study):
    # an older dialogcode wrote rule_id `model`: which model made those codings is not
    # known, so the box cannot say the figures are theirs; `code` records it
    assert invoke("run", study, "-q").exit_code == 0
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    unrecorded_model(study)
    page = report_page(study)
    assert ("These codings were made before dialogcode recorded which learned model made "
            "them, so these figures cannot be matched to them: run\n<code>dialogcode "
            "code</code>.") in page
    assert invoke("code", study, "-q").exit_code == 0
    assert invoke("report", study, "-q").exit_code == 0
    assert 'class="flag">These' not in (study / "out" / "report.html").read_text("utf-8")


def test_the_report_tells_a_model_that_coded_nothing_from_codings_made_before_it(study):
    # no code has enough positives for a model: `learn` stores one that codes nothing,
    # so the codings alone could not say whether `code` ran after `learn`
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("min_positives: 4", "min_positives: 100"))
    assert invoke("code", study, "-q").exit_code == 0          # the rules, before learn
    assert invoke("learn", study, "-q").exit_code == 0
    assert (study / "out" / "model" / "model.json").is_file()
    flag = ("These codings were made by the rules alone, without the learned model in "
            "out/model: it was trained after they were made, or did not fit the codebooks "
            "or documents then: run\n<code>dialogcode code</code>.")
    assert flag in report_page(study)
    assert invoke("code", study, "-q").exit_code == 0          # applies it: nothing coded
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    assert len(codings) and not (codings["source"] == "model").any()
    page = report_page(study)
    assert "has not been checked against a person" in page and 'class="flag">These' not in page
    # with figures: of the rules + model, which is what coded the study
    assert invoke("evaluate", study, "--reference", "ana", "-q").exit_code == 0
    page = report_page(study)
    assert "No learned model coded these segments" not in page
    assert 'class="flag">These' not in page
    # learn again on changed decisions: an earlier model's codings, though it coded none
    reject_a_model_coding(study)
    assert invoke("learn", study, "-q").exit_code == 0
    assert "These codings were made by an earlier learned model than the one in " \
        "out/model" in report_page(study)
    # the model taken away and the study coded again: the rules' figures, unflagged
    shutil.rmtree(study / "out" / "model")
    assert invoke("code", study, "-q").exit_code == 0
    page = report_page(study)
    assert "No learned model coded these segments" in page and 'class="flag">These' not in page


OUT_OF_DATE_FLAG = ("These codings were made by the rules alone: the learned model in "
                    "out/model is out of date (the codebooks, the documents it learned from, "
                    "the spaCy pipeline, the segment unit or how dialogcode splits text "
                    "into words changed since it was trained), "
                    "so `dialogcode code` leaves it out until it is learned again: run\n"
                    "<code>dialogcode learn</code>, then <code>dialogcode code</code>")


@pytest.mark.parametrize("edit", ["codebook", "transcript"])
def test_a_stale_model_asks_for_learn_then_code_a_model_learned_since_for_code(study, edit):
    # the box told users of a model that no longer fits to run `dialogcode code`, which
    # leaves that model out again: only `learn` makes one that `code` applies
    assert invoke("code", study, "-q").exit_code == 0          # the rules, before learn
    assert invoke("learn", study, "-q").exit_code == 0
    page = report_page(study)     # the model fits, it was learned after the codings
    assert ("did not fit the codebooks or documents then: run\n<code>dialogcode "
            "code</code>.") in page and OUT_OF_DATE_FLAG not in page
    assert invoke("code", study, "-q").exit_code == 0
    assert 'class="flag">These' not in report_page(study)
    if edit == "codebook":
        book = study / "codebooks" / "test.yaml"
        book.write_text(book.read_text().replace("[rent, evicted]", "[rent, evicted, eviction]"))
    else:
        call = study / "transcripts" / "call0.txt"
        call.write_text(call.read_text() + "P1: We meet again on Friday.\n")
        assert invoke("ingest", study, "-q").exit_code == 0
    result = invoke("code", study, "-q")
    assert "the learned model was not applied" in result.stderr
    assert set(pd.read_parquet(study / "out" / "codings.parquet")["source"]) == {"rule"}
    page = report_page(study)
    assert f'class="flag">{OUT_OF_DATE_FLAG}.</p>' in page
    assert invoke("learn", study, "-q").exit_code == 0        # what the box asked for
    assert invoke("code", study, "-q").exit_code == 0
    assert "model" in set(pd.read_parquet(study / "out" / "codings.parquet")["source"])
    assert 'class="flag">' not in report_page(study)


def test_a_stale_model_beside_figures_asks_for_learn_code_and_evaluate(study):
    for command in (["learn"], ["code"], ["evaluate", "--reference", "ana"]):
        assert invoke(command[0], study, "-q", *command[1:]).exit_code == 0
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("[rent, evicted]", "[rent, evicted, eviction]"))
    assert invoke("code", study, "-q").exit_code == 0          # warns: the rules alone
    page = report_page(study)
    assert "No learned model coded these segments" in page
    assert (f'class="flag">{OUT_OF_DATE_FLAG}, then <code>dialogcode evaluate --reference '
            'ana</code>.</p>') in page
    for command in (["learn"], ["code"], ["evaluate", "--reference", "ana"]):
        assert invoke(command[0], study, "-q", *command[1:]).exit_code == 0
    page = report_page(study)
    assert 'class="flag">' not in page and "No learned model coded" not in page


def test_a_next_sheets_other_code_left_empty_on_a_decided_segment_is_named(study):
    # empty means "decide later", but a segment with a decision never comes back in
    # --next, and a code it listed that is not a coding shows in no other sheet: the
    # models never learnt whether it applies, without a word
    assert invoke("run", study, "-q").exit_code == 0
    sheet = study / "out" / "next.csv"
    assert invoke("review", "export", study, "--next", "4", "-o", sheet).exit_code == 0
    rows = pd.read_csv(sheet, dtype=str, keep_default_na=False)
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    coded = set(zip(codings["seg_id"], codings["code_id"]))
    other = pd.Series([(s, c) not in coded for s, c in zip(rows["seg_id"], rows["code_id"])],
                      index=rows.index)
    left = rows[other].iloc[0]                  # an other code, on a segment to decide
    decided = rows[(rows["seg_id"] == left["seg_id"]) & (rows["code_id"] != left["code_id"])]
    untouched = rows[other & (rows["seg_id"] != left["seg_id"])]
    assert len(decided) and len(untouched)      # a segment nobody decided stays open
    rows.loc[decided.index, "decision"] = "accept"
    rows.to_csv(sheet, index=False)
    result = invoke("review", "import", sheet, study, "--reviewer", "bo")
    assert result.exit_code == 0, result.output
    assert ("Codes left empty on segments with a decision, which no later sheet lists "
            "(--next passes over decided segments): the models learn nothing of them "
            "there; reject those that do not apply (1):\n"
            f"  {sheet}:{left.name + 2}: {left['seg_id']}: {left['code_id']}\n"
            ) in result.output
    opened = Study.open(study)
    corpus = load_corpus(opened)
    book = load_codebooks(opened.codebook_files())
    data = training_data(opened, corpus.segments, book)
    item, code = list(data.item_ids).index(left["seg_id"]), data.codes.index(left["code_id"])
    assert data.labels[item, code] == -1         # unknown, not taken for absent
    rows.loc[left.name, "decision"] = "reject"
    rows.to_csv(sheet, index=False)
    result = invoke("review", "import", sheet, study, "--reviewer", "bo")
    assert result.exit_code == 0 and "Codes left empty" not in result.output, result.output
    assert training_data(opened, corpus.segments, book).labels[item, code] == 0


def test_the_trust_box_does_not_blame_the_rules_for_a_human_only_code(study):
    # "Against ana's coding, 2 of 2 codes with a verdict are 'do not rely'" counted
    # economic control, a code with no patterns that the rules never apply
    assert invoke("code", study, "-q").exit_code == 0
    assert invoke("report", study, "-q").exit_code == 0
    assert invoke("tables", study, "-q").exit_code == 0
    page = (study / "out" / "report.html").read_text(encoding="utf-8")
    box = " ".join(page[page.index("How far to trust"):page.index("Study overview")].split())
    box = box.replace("&#39;", "'").replace("&#34;", '"')
    assert "do not rely\" (Krippendorff" not in box     # housing has too few units
    assert ("Against coder 'ana', no code with rules has a verdict. 1 human-only code "
            "is left out: with no patterns, the rules never apply it, so there is nothing of "
            "theirs to rely on or not (the learned model codes it nowhere either: "
            "<code>dialogcode learn</code> says why, and what to do).") in box
    agreement = pd.read_csv(study / "out" / "tables" / "agreement.csv")
    control = agreement[agreement["code_id"] == "risk.control"]
    assert control["verdict"].tolist() == ["none: no rules (human-only)"]   # as the box


def test_the_report_says_what_is_true_of_human_only_codes_the_rules_never_apply(study):
    # The "Rules against ana" table gave "do not rely" to human-only codes, and the box
    # said "the figures above include the learned model's codings of them" of a code
    # the model did not code (it coded another)
    book = study / "codebooks" / "test.yaml"
    book.write_text(book.read_text().replace("        patterns: {terms: [rent, evicted]}\n",
                                             ""), encoding="utf-8")
    coder = pd.read_csv(study / "codings" / "ana.csv")
    control = coder[coder["code_id"] == "risk.control"]
    # half the economic-control turns coded: its model reaches no cut, housing's does
    pd.concat([coder.drop(control.index), control.iloc[::2]]).to_csv(
        study / "codings" / "ana.csv", index=False)
    for command in ("learn", "code", "tables", "report"):
        assert invoke(command, study, "-q").exit_code == 0
    codings = pd.read_parquet(study / "out" / "codings.parquet")
    assert set(codings["code_id"]) == {"risk.housing"}     # by the model alone
    page = " ".join((study / "out" / "report.html").read_text(encoding="utf-8").split())
    page = page.replace("&#39;", "'").replace("&#34;", '"')
    assert ("For the rules alone (the learned model's codings left out), against coder "
            "'ana', no code with rules has a verdict. 2 human-only codes are "
            "left out: with no patterns, the rules never apply them, so there is nothing of "
            "theirs to rely on or not (the counts in this report include the learned "
            "model's codings of 1 of them; it codes the other nowhere: "
            "<code>dialogcode learn</code> says why, and what to do).") in page
    table = page[page.index("<h3>Rules against coder 'ana'</h3>"):]
    table = table[:table.index("</table>")]
    assert "do not rely" not in table
    for label in ("Economic control", "Housing"):
        row = table[table.index(f"<td>{label}</td>"):]
        assert row[:row.index("</tr>")].count("<td>none: no rules (human-only)</td>") == 1
    assert "(all codes)" not in table     # no code with rules to pool


def test_the_report_names_a_coder_called_you_so_it_reads_right(study):
    # a coder file you.csv made the report say "Checked against you's coding" and
    # "Against you's coding": any name must read as a name
    (study / "codings" / "ana.csv").rename(study / "codings" / "you.csv")
    for command in (["learn"], ["code"], ["evaluate", "--reference", "you"], ["tables"],
                    ["report"]):
        assert invoke(*command, study, "-q").exit_code == 0
    page = " ".join((study / "out" / "report.html").read_text(encoding="utf-8").split())
    page = page.replace("&#39;", "'")
    assert "you's" not in page
    assert "Checked against coder 'you' on 50 segments in 5 documents (3-fold" in page
    assert "together, against coder 'you' in the same cross-validation" in page
    assert "left out), against coder 'you', " in page
    assert "<h3>Rules against coder 'you'</h3>" in page


def test_quiet_prints_what_its_help_says(study):
    # `-q` said "no summary" on every command, while `evaluate -q` printed its figures
    # and `run -q` a line per stage; `export --to qdpx -q` printed its summary line
    help_text = " ".join(invoke("evaluate", "--help").output.split())
    assert "still prints the overall figures of each method" in help_text
    assert "one line per stage" in " ".join(invoke("run", "--help").output.split())
    assert "no summary. Warnings" in " ".join(invoke("tables", "--help").output.split())
    config = study / "dialogcode.yaml"
    config.write_text(config.read_text().replace("folds: 3}", "folds: 3, reference: ana}"))
    result = invoke("run", study, "-q")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()      # warnings go to stderr
    stages = [line for line in lines if line.endswith(": running")]
    assert [line.split(":")[0] for line in stages] == ["ingest", "learn", "code", "evaluate",
                                                       "evidence"]
    figures = lines[lines.index("evaluate: running") + 1:lines.index("evidence: running")]
    assert figures[0].split()[:2] == ["method", "precision"] and "code_id" not in lines[0]
    assert figures[-1].startswith("Wrote ") and "cross-validation by document" in figures[-2]
    assert lines[-4:][0].startswith("Report:") and lines[-1].startswith("Tables:")
    assert len(lines) == len(stages) + len(figures) + 4
    evaluated = invoke("evaluate", study, "--reference", "ana", "-q").stdout.splitlines()
    assert evaluated[0].split()[:2] == ["method", "precision"]     # no per-code table
    for command in (["tables"], ["report"], ["export", "--to", "qdpx"]):   # no lessons.yaml
        result = invoke(*command, study, "-q")
        assert result.exit_code == 0 and result.stdout == "", (command, result.output)


@pytest.mark.parametrize("recall, precision, found, right", [
    # a recall of 0.011 on ten real documents read "found about 0 of every 10"
    (0.011, 0.125, "found fewer than 1 of every 10 passages", "about 1 of every 10 of its"),
    (0.0, 0.0, "found 0 of every 10 passages", "0 of every 10 of its"),
    (0.3, 0.97, "found about 3 of every 10 passages", "more than 9 of every 10 of its"),
    (0.05, 1.0, "found fewer than 1 of every 10 passages", "10 of every 10 of its"),
])
def test_the_trust_paragraph_says_none_or_all_only_of_none_or_all(recall, precision, found,
                                                                   right):
    from dialogcode.trust import trust_summary
    overall = [{"code_id": "(all codes)", "method": method, "reference_positives": 90,
                "coded": 40, "both": round(precision * 40), "recall": recall,
                "recall_low": 0.0, "recall_high": 0.5, "precision": precision, "f1": 0.1,
                "alpha": 0.0}
               for method in ("rules", "rules+model")]
    design = {"reference": "ana", "segments": 49, "documents": 10, "folds": 5,
              "codebook_version": "v1", "training": "t1"}
    paragraph = trust_summary(pd.DataFrame(overall), design, "v1", {}, coded_with="t1",
                              training="t1", current="t1")["paragraph"]
    assert found in paragraph and f", and {right} codings were ones" in paragraph


def test_the_trust_paragraph_says_n_a_for_a_figure_that_cannot_be_computed():
    # rules and a model that coded nothing in cross-validation: "(precision nan)"
    from dialogcode.trust import trust_summary
    overall = [{"code_id": "(all codes)", "method": method, "reference_positives": 90,
                "coded": 0, "both": 0, "recall": 0.0, "recall_low": 0.0, "recall_high": 0.0,
                "precision": float("nan"), "f1": 0.0, "alpha": float("nan")}
               for method in ("rules", "rules+model")]
    design = {"reference": "ana", "segments": 49, "documents": 10, "folds": 5,
              "codebook_version": "v1", "training": "t1"}
    paragraph = trust_summary(pd.DataFrame(overall), design, "v1", {}, coded_with="t1",
                              training="t1", current="t1")["paragraph"]
    assert "nan" not in paragraph.lower()
    assert ("found 0 of every 10 passages a person coded (recall 0.00, 95% interval 0.00 "
            "to 0.00), and made no codings there to check against the person's (precision "
            "n/a).") in paragraph


def test_a_precision_is_too_few_to_say_while_its_wilson_interval_is_wider_than_0_4():
    # 9 of 12 held-out codings right passed "5 codings or more", its interval 0.47 to 0.91
    from scipy.stats import binomtest

    from dialogcode.precision import too_few_to_say, wilson
    pairs = [(3, 4), (5, 5), (9, 12), (6, 6), (26, 34), (0, 5), (40, 100)]
    for right, coded in pairs:
        expected = binomtest(right, coded).proportion_ci(method="wilson")
        assert wilson(right, coded) == pytest.approx((expected.low, expected.high))
    flagged = too_few_to_say(np.array([r for r, _ in pairs]), np.array([c for _, c in pairs]))
    assert flagged.tolist() == [True, True, True, False, False, True, False]
    assert not too_few_to_say(0, 0)      # no codings: no precision to say anything of


@pytest.mark.parametrize("coded, right, said", [
    # a coding that made 3 codings in the held-out documents, all the person's too, read
    # "10 of every 10 of its codings were ones the person made too (precision 1.00)"
    (3, 3, ("made 3 codings there, 3 of them ones the person made too: too few to say its "
            "precision (95% Wilson interval 0.44 to 1.00, wider than 0.4).")),
    # 9 of 12 passed a rule of 5 codings or more, its interval 0.47 to 0.91 nonetheless
    (12, 9, ("made 12 codings there, 9 of them ones the person made too: too few to say "
             "its precision (95% Wilson interval 0.47 to 0.91, wider than 0.4).")),
    (34, 26, ("about 8 of every 10 of its codings were ones the person made too (precision "
              "0.76).")),
])
def test_the_trust_paragraph_says_a_precision_of_too_few_codings_is_too_few_to_say(
        coded, right, said):
    from dialogcode.trust import trust_summary
    overall = [{"code_id": "(all codes)", "method": method, "reference_positives": 40,
                "coded": coded, "both": right, "recall": right / 40, "recall_low": 0.0,
                "recall_high": 0.9, "precision": right / coded, "f1": 0.4, "alpha": 0.4}
               for method in ("rules", "rules+model")]
    design = {"reference": "ana", "segments": 49, "documents": 3, "folds": 3,
              "codebook_version": "v1", "training": "t1"}
    paragraph = trust_summary(pd.DataFrame(overall), design, "v1", {}, coded_with="t1",
                              training="t1", current="t1")["paragraph"]
    assert said in paragraph
    # what to make of the codes listed as too few to tell, and what settles them
    assert ("Codes marked low are counted but not reliable, and those marked too few to "
            "tell are not checked yet: read the counts and quotes of both as leads to "
            "check, not as findings (coder 'ana' coding more passages of a code too few "
            "to tell can settle it).") in paragraph
    if right == coded:
        assert "precision 1.00" not in paragraph and "10 of every 10 of its" not in paragraph


def test_a_code_whose_coding_made_too_few_codings_is_not_called_good():
    # on the sample study the report listed as good a code the coding coded 4 times in
    # cross-validation (4 of the reader's 7) and one it coded 3 times (of the reader's 5)
    from dialogcode.trust import code_levels
    rows = [("media", 7, 4, 4, 0.72), ("healthy_media", 5, 3, 3, 0.75),
            ("sector", 7, 3, 2, 0.6), ("survivor", 44, 37, 28, 0.7),
            # 12 codings, 9 of them the reference's: the precision's interval is 0.47 to
            # 0.91, too wide to call the code good
            ("shared", 14, 12, 9, 0.7), ("masculinity", 8, 1, 0, -0.01)]
    per_code = pd.DataFrame([
        {"code_id": code, "method": "rules+model", "reference_positives": positives,
         "coded": coded, "both": both, "f1": 0.5, "alpha": alpha}
        for code, positives, coded, both, alpha in rows])
    levels = code_levels(per_code).set_index("code_id")["level"]
    assert levels.to_dict() == {"media": "too few to tell", "healthy_media": "too few to tell",
                                "sector": "too few to tell", "survivor": "good",
                                "shared": "too few to tell",
                                # 1 coding where the reader made 8: it misses the code
                                "masculinity": "low"}


def learn_table_row(study, code_id: str) -> dict:
    """``code_id``'s row of the table `learn` prints, by column name."""
    result = invoke("learn", study)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(line.split() for line in lines if line.startswith("code_id"))
    return dict(zip(header, next(line.split() for line in lines
                                 if line.startswith(f"{code_id} "))))


def test_learn_prints_each_codes_training_size_not_only_its_positives(study):
    # On ten real documents `learn` printed "emotional_response 24 24": its positives and
    # its positive segments, read as a model trained on 24 segments when 49 taught it
    row = learn_table_row(study, "risk.control")
    # ana read 50 turns of 5 documents and gave 20 of them economic control; the codebook
    # has 3 examples of it and 1 counter-example
    assert (row["positives"], row["negatives"], row["segments"]) == ("23", "31", "20")


def test_learn_says_how_many_codings_a_cross_validated_precision_rests_on(study):
    # On ten real documents `learn` printed precision 0.75 for a cut that coded 4 held-out
    # segments; the model then coded a quarter of the study, 44% of it right
    row = learn_table_row(study, "risk.control")
    coded = int(row["cv_coded"])
    # the right codings, counted two ways: of those the cut made, of the coder's 20
    assert coded >= 2 and round(float(row["cv_precision"]) * coded) == round(
        float(row["cv_recall"]) * int(row["segments"]))


@pytest.mark.parametrize("reference, more", [
    (None, "or code more of them."),
    # the cuts are checked on ana's segments alone: a review or another coder's coding
    # of the code would leave its precision as few codings as before
    ("ana", "or have coder 'ana' (learn: reference) code more of them: their precision "
            "is of that coder's segments alone."),
])
def test_learn_says_which_codes_cut_rests_on_too_few_codings_to_say_its_precision(
        study, reference, more):
    # On the sample study 8 of the 27 codes the model codes had a cut whose precision
    # (0.75 to 1.0) was of 2 to 4 held-out codings, and `learn` listed them as `codes`,
    # reaching precision 0.75 like the code whose precision was of 34
    ana = pd.read_csv(study / "codings" / "ana.csv")
    ana[~ana["seg_id"].str.startswith("call4")].to_csv(study / "codings" / "ana.csv",
                                                         index=False)
    if reference:
        config = study / "dialogcode.yaml"
        config.write_text(config.read_text().replace("folds: 3}",
                                                     f"folds: 3, reference: {reference}}}"))
    result = invoke("learn", study)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    housing = next(line for line in lines if line.startswith("risk.housing "))
    control = next(line for line in lines if line.startswith("risk.control "))
    # ana's 4 housing turns, all scored above the cut: 4 of 4 right
    assert housing.split()[7] == "4"
    assert housing.rstrip().endswith("codes; 4 of 4 held-out codings right (95% Wilson "
                                     "interval 0.51 to 1.00): too few to say")
    assert control.rstrip().endswith(" codes")          # 21 held-out codings
    assert ("For 1 of the codes the model codes (risk.housing) the cross-validated "
            "precision rests on none or too few "
            "held-out codings (cv_coded) to say it: a 95% Wilson interval wider than "
            "0.4, or no codings at all: read their model codings as leads to check, "
            f"{more}") in " ".join(lines)


def test_a_cut_that_coded_no_held_out_segment_is_too_few_to_say():
    # `threshold: f1`'s one cut for all codes coded none of the reader's held-out
    # segments of a code of the sample study, whose status read a plain `codes`
    from dialogcode.cli.learn_commands import _too_few_status
    from dialogcode.learn import too_few_coded
    stats = pd.DataFrame({
        "code_id": ["none_held_out", "four_of_four", "many", "no_cut"],
        "cv_precision": [np.nan, 1.0, 0.8, np.nan], "cv_coded": [0, 4, 40, 0],
        "status": ["codes", "codes", "codes", "precision 0.75 not reached"]})
    assert too_few_coded(stats).tolist() == [True, True, False, False]
    assert _too_few_status(np.nan, 0) == "codes; 0 held-out codings: too few to say"


def test_evaluate_says_which_codes_precision_is_of_too_few_codings_to_say(study):
    # `evaluate` printed precision 1.0 for a code the coding coded 2 held-out segments
    # of, beside codes whose precision was of 40
    ana = pd.read_csv(study / "codings" / "ana.csv")
    ana[~ana["seg_id"].str.startswith("call4")].to_csv(study / "codings" / "ana.csv",
                                                         index=False)
    assert invoke("run", study, "-q").exit_code == 0
    result = invoke("evaluate", study, "--reference", "ana")
    assert result.exit_code == 0, result.output
    coded = pd.read_csv(study / "out" / "evaluation" / "per_code.csv").query(
        "method == 'rules+model'").set_index("code_id")["coded"]
    assert coded["risk.housing"] == 4 and coded["risk.control"] == 16
    assert ("Precision of too few codings (coded) to say, with a 95% Wilson interval wider "
            "than 0.4: risk.housing.\n" in result.output)
    # per_code.csv (and the workbook's evaluation sheet, the same table) flags each row
    # whose precision is of too few codings to say, not only a line of the command's output
    table = pd.read_csv(study / "out" / "evaluation" / "per_code.csv").set_index(
        ["code_id", "method"])["too_few_to_say"]
    assert table[("risk.housing", "rules+model")] and not table[("risk.control", "rules+model")]
    assert not table[("(all codes)", "rules+model")]
    # the workbook's evaluation sheet has the same figures; its README line says it
    assert ("a precision of too few codings (column coded) to say, with a 95% Wilson "
            "interval wider than 0.4, is flagged (column too_few_to_say)") in (
        workbook_evaluation_note(study))
