"""dialogcode learn and dialogcode evaluate."""
from __future__ import annotations

from typing import TYPE_CHECKING

import click

from . import cli
from .options import (echo_table, model_option, quiet_keeping, quiet_option,
                      scheduler_option, seed_option, shown, study_argument, warn)

if TYPE_CHECKING:
    from ..study import Study


def _bar(desc: str, quiet: bool):
    from ..progress import progress_bar

    return lambda items: progress_bar(items, desc=desc, enabled=not quiet, total=len(items))


def warn_unchecked(study: Study, coders) -> None:
    """Warn of coder files whose rows cannot be checked against edits of the transcripts
    (:func:`~dialogcode.named_codings.unchecked_files`); once in `run`, which learns
    and evaluates (:func:`~dialogcode.cli.options.warn`)."""
    from ..named_codings import unchecked_files

    for warning in unchecked_files(study, coders):
        warn(warning)


def run_learning(study: Study, *, model=None, quiet=False, corpus=None, client=None):
    """Train, store and report the study's models (the `learn` stage of `run`); the
    codes' fits run on the Dask cluster of ``client`` when given."""
    from functools import partial

    from ..codebook import load_codebooks
    from ..engine import run_tasks
    from ..ingest import load_corpus
    from ..learned import learn_study, model_folder
    from ..scopes import undeclared_notes
    from ..training import learning_coders

    book = load_codebooks(study.codebook_files())
    corpus = corpus if corpus is not None else load_corpus(study)
    run = (None if client is None else
           partial(run_tasks, client, desc="learn", progress=not quiet))
    models = learn_study(study, corpus, book, model=model, progress=_bar("learn", quiet),
                         run=run)
    warn_unchecked(study, learning_coders(study))
    for note in undeclared_notes(study, book, learning_coders(study), "`learn` takes each "
                                 "segment {coder} read as an example of none of the rest"):
        warn(note)
    if quiet:
        return models
    from ..learn import too_few_coded
    from ..precision import RULE

    stats = models.stats
    few = too_few_coded(stats)
    said = [_too_few_status(p, n) if flagged else status for status, p, n, flagged in zip(
        stats["status"], stats["cv_precision"], stats["cv_coded"], few)]
    echo_table(stats.assign(status=said)[[
        "code_id", "positives", "negatives", "segments", "threshold", "cv_precision",
        "cv_recall", "cv_coded", "status"]].round(3))
    coding = stats[stats["status"] == "codes"]
    others = stats[stats["status"] != "codes"]["code_id"].tolist()
    settings = study.config.learn
    reached = (f"reach precision {settings.min_precision:.2f}" if settings.threshold ==
               "precision" else "have a threshold of best F1")
    if models.meta.get("reference"):
        reached += (f" on the segments of coder '{models.meta['reference']}' "
                    "(learn: reference)")

    click.echo(f"Learned from {models.meta['segments']} human-coded or reviewed segments and "
               f"{models.meta['items'] - models.meta['segments']} codebook examples "
               f"({settings.semantic} features). {len(coding)} of {len(stats)} codes "
               f"{reached} in cross-validation and will be coded by the model"
               f"{_the_others(others, book)}.")
    for line in uncoded_human_only([c for c in others if book.codes[c].human_only], stats):
        click.echo(line)
    # a human-only code's line above says it already
    _unchecked_against(models.meta.get("reference"),
                       stats[[not book.codes[c].human_only for c in stats["code_id"]]])
    if few.any():       # after the lines of the others, which tell the summary's end
        reference = models.meta.get("reference")
        # the cuts are checked on the reference's segments alone: no other coding helps
        more = (f"have coder '{reference}' (learn: reference) code more of them: their "
                "precision is of that coder's segments alone" if reference else
                "code more of them")
        click.echo(f"For {few.sum()} of the codes the model codes "
                   f"({', '.join(stats.loc[few, 'code_id'])}) the cross-validated precision "
                   f"rests on none or too few held-out codings (cv_coded) to say it: "
                   f"{RULE.removeprefix('with ')}, or no codings at all: read their model "
                   f"codings as leads to check, or {more}.")
    if client is not None:
        click.echo(f"The codes' models were fitted on the Dask cluster, one task per code "
                   f"(its model and its {settings.folds} cross-validation folds); the "
                   "features were made in this process.")
    click.echo(f"Wrote {shown(model_folder(study))}; `dialogcode code` (or `run`) applies it.")
    return models


def _too_few_status(precision: float, coded: float) -> str:
    """The status of a code the model codes with a cut whose cross-validated
    ``precision``, of ``coded`` held-out codings, is too few to say
    (:func:`~dialogcode.learn.too_few_coded`)."""
    from ..precision import interval

    if coded == 0:
        return "codes; 0 held-out codings: too few to say"
    right = round(precision * coded)
    return (f"codes; {right} of {coded:.0f} held-out coding{'' if coded == 1 else 's'} "
            f"right (95% Wilson interval {interval(right, coded)}): too few to say")


def _unchecked_against(reference: str | None, stats) -> None:
    """Name the codes without a model because the ``reference`` coder did not look for
    them (``coders:``), and the two ways out."""
    from ..learn import NOT_SOUGHT

    codes = [] if not reference else stats.loc[
        stats["status"].str.contains(NOT_SOUGHT, regex=False), "code_id"].tolist()
    if codes:
        it = "it" if len(codes) == 1 else "them"
        click.echo(f"Not checked against {reference}: {', '.join(codes)} ({reference} did "
                   f"not look for {it}, coders: in dialogcode.yaml), so the model does not "
                   f"code {it}: name another coder in `learn: reference`, or list {it} in "
                   f"{reference}'s codes under `coders:` if {reference} looked for {it}.")


def _the_others(others, book) -> str:
    """How the codes of ``others`` (without a model) are coded, for `learn`'s summary:
    by their rules, or not at all (a human-only code, without patterns)."""
    human = sum(book.codes[code].human_only for code in others)
    ruled = len(others) - human
    if not human:
        return "; the others are coded by their rules only" if ruled else ""
    if not ruled:
        return "; the others are human-only codes (no patterns), not coded at all"
    return (f"; of the others, {ruled} {'is' if ruled == 1 else 'are'} coded by "
            f"{'its' if ruled == 1 else 'their'} rules only and {human}, human-only (no "
            f"patterns), {'is' if human == 1 else 'are'} not coded at all")


def uncoded_human_only(codes: list[str], stats) -> list[str]:
    """Lines saying, for the human-only ``codes`` the learned model codes nowhere, why
    (no model yet; a model that reached no cut; a cut no segment reaches) and what to
    do, each reason with its codes; ``stats`` is the learned models' table (None: no
    model stored)."""
    from ..learn import NOT_SOUGHT

    status = {} if stats is None else dict(zip(stats["code_id"], stats["status"]))
    reasons: dict[str, list[str]] = {}
    for code in codes:
        why = status.get(code, "")
        if NOT_SOUGHT in why:       # the reference coder did not look for it
            reason = (f"no model: {why} (name another coder in `learn: reference`, or "
                      "list the code under `coders:` for that coder if they looked for it)")
        elif why == "codes":
            reason = "a model, but no segment here scores its cut"
        elif why.endswith(" not reached"):      # "precision 0.75 not reached"
            reason = (f"a model, but it did not reach {why.removesuffix(' not reached')} "
                      "on the coded segments in cross-validation, so it codes nothing: "
                      "code more of them, or lower `learn: min_precision` or set "
                      "`learn: {threshold: f1}` in dialogcode.yaml")
        else:
            reason = ("no model yet (the status in `dialogcode learn`'s table says what is "
                      "missing): code more of them")
        reasons.setdefault(reason, []).append(code)
    return [f"  {reason}: {', '.join(named)}" for reason, named in reasons.items()]


@cli.command()
@study_argument
@model_option
@scheduler_option
@quiet_option
def learn(study, model, scheduler, quiet):
    """Train a model per code of STUDY on what people coded: the codebook's examples and
    counter-examples, the coder files in codings/ and review decisions. Each code's
    threshold is chosen by cross-validation by document to reach `learn: min_precision`
    (dialogcode.yaml), or for the best F1 with `learn: {threshold: f1}`; codes with fewer than `min_positives` positives get no model.
    Prints per code the training size, threshold, cross-validated precision and recall
    and the held-out codings that precision is of (too few to say it when its 95% Wilson
    interval is wider than 0.4);
    writes out/model/. On a Dask `engine:` (or --scheduler) each code's fit
    and cross-validation runs as a task on the cluster; the model is the same."""
    from ..engine import connection, study_engine
    from ..study import Study

    opened = Study.open(study)
    with connection(study_engine(opened, scheduler)) as client:
        run_learning(opened, model=model, quiet=quiet, client=client())


@cli.command()
@study_argument
@click.option("--reference", required=True,
              help="The coder (codings/NAME.csv) taken as right.")
@click.option("--folds", type=click.IntRange(2, 20),
              help="Folds by document (default: `learn: folds`, 5).")
@click.option("--curve", is_flag=True, help="Also a learning curve: F1 against the number "
                                            "of human-coded training segments.")
@seed_option()
@model_option
@quiet_keeping("the overall figures of each method, the folds line, the learning curve "
               "(--curve) and the files written: only the per-code table is left out")
def evaluate(study, reference, folds, curve, seed, model, quiet):
    """How far to trust the coding of STUDY: k-fold cross-validation by document against
    the REFERENCE coder (models never see the documents they are scored on). Per code and
    overall: precision, recall, F1 and Krippendorff's alpha of rules alone, the model
    alone, rules + model and a plain scikit-learn baseline, with bootstrap 95% intervals.
    Writes out/evaluation/; the report opens with it."""
    from ..study import Study

    run_evaluation(Study.open(study), reference, folds=folds, curve=curve, seed=seed,
                   model=model, quiet=quiet)


def run_evaluation(opened: Study, reference: str, *, folds=None, curve=False, seed=0,
                   model=None, quiet=False, corpus=None):
    """Cross-validate against ``reference``, write out/evaluation/ and print it."""
    from ..analysis import check_current
    from ..codebook import load_codebooks
    from ..evaluate import (ALL, not_scored, reference_path, study_evaluation,
                            write_evaluation)
    from ..ingest import load_corpus
    from ..precision import RULE
    from ..store import read_table
    from ..training import learning_coders

    book = load_codebooks(opened.codebook_files())
    corpus = corpus if corpus is not None else load_corpus(opened)
    rules = read_table(opened.out, "codings", hint="dialogcode code")
    check_current(opened, rules, book, corpus)     # the rules' figures are of these codebooks
    reference_path(opened, reference)       # a reference with no file said as such first
    warn_unchecked(opened, dict.fromkeys([reference, *learning_coders(opened)]))
    result, design = study_evaluation(opened, reference, rules[rules["source"] == "rule"],
                                      corpus=corpus, book=book, folds=folds, curve=curve,
                                      seed=seed, model=model,
                                      progress=_bar("folds", quiet))
    unsought = design["not_sought"]
    paths = write_evaluation(result, opened.out / "evaluation", design)
    table = result.per_code
    overall = table[table["code_id"] == ALL]
    if not quiet:
        wide = table[table["method"] == "rules+model"]
        echo_table(wide[["code_id", "reference_positives", "coded", "precision", "recall",
                         "f1", "alpha"]].round(2))
        few = wide.loc[(wide["code_id"] != ALL) & wide["too_few_to_say"], "code_id"]
        if len(few):
            click.echo(f"Precision of too few codings (coded) to say, {RULE}: "
                       f"{', '.join(few)}.")
        click.echo("")
    echo_table(overall[["method", "precision", "precision_low", "precision_high", "recall",
                        "recall_low", "recall_high", "f1", "f1_low", "f1_high",
                        "alpha"]].round(3))
    click.echo(f"{result.folds}-fold cross-validation by document over {result.documents} "
               f"documents ({result.segments} segments) coded by {reference}; intervals "
               "are bootstrap 95% over documents.")
    if unsought:
        click.echo(not_scored(unsought, reference))
    if result.curve is not None:
        click.echo("")
        echo_table(result.curve.pivot(index=["fraction", "training_segments"],
                                      columns="method", values="f1").round(3).reset_index())
    click.echo(f"Wrote {', '.join(shown(p) for p in paths)}")
