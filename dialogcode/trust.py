"""How far to trust the coding, in plain words, from `dialogcode evaluate`'s figures.

Each code gets a level from its cross-validated agreement with the reference coder, of
the method that made the study's codings (rules + model, or the rules alone when no
learned model coded them): ``good`` (Krippendorff's alpha at least 0.667), ``fair`` (at
least 0.4) or ``low``; ``too few to tell`` when the reference coded it fewer than
:data:`MIN_REFERENCE` times, or when a good or fair agreement rests on a precision of
too few codings of the method to say (:func:`~dialogcode.precision.too_few_to_say`);
``not checked`` when the reference did not look for it
(``coders:`` in dialogcode.yaml: :mod:`dialogcode.scopes`).
"""
from __future__ import annotations

import math
from collections.abc import Collection

import pandas as pd

from .codebook import Codebook
from .evaluate import ALL
from .precision import MAX_WIDTH, interval, too_few_to_say
from .tables import ancestors

MIN_REFERENCE = 5
NOT_CHECKED = "not checked"
LEVELS = ("good", "fair", "low", "too few to tell", NOT_CHECKED)
RULES_ALONE = ("These codings were made by the rules alone, without the learned model in "
               "out/model: it was trained after they were made, or did not fit the "
               "codebooks or documents then")
OUT_OF_DATE = ("These codings were made by the rules alone: the learned model in out/model is "
               "out of date (the codebooks, the documents it learned from, the spaCy "
               "pipeline, the segment unit or how dialogcode splits text into words "
               "changed since it was trained), so `dialogcode code` leaves it out until "
               "it is learned again")
# what changes the model `learn` makes (:func:`~dialogcode.learned.model_digest`)
RETRAINED = ("changed coder files or review decisions, with other learn settings or another "
             "spaCy pipeline, or by a dialogcode that splits text into words otherwise")
TRAINED_SINCE = f"which was trained since on {RETRAINED}"
# the verdict of a human-only code (no patterns) against the rules, which never apply it
NO_RULES = "none: no rules (human-only)"


def _tenths(value: float) -> str:
    """A share in tenths, in words ("about 3 of every 10"). One that rounds to 0 or 10
    without being none or all is "fewer than 1" or "more than 9": "about 0 of every 10"
    read as none for a recall of 0.01."""
    if math.isnan(value):
        return "an unknown share"
    tenths = round(value * 10)
    if 0 < value < 1 and tenths in (0, 10):
        return "fewer than 1 of every 10" if tenths == 0 else "more than 9 of every 10"
    return f"{'about ' if 0 < value < 1 else ''}{tenths} of every 10"


def _figure(value: float) -> str:
    """A figure to two places, ``n/a`` when it cannot be computed (0/0: NaN)."""
    return f"{value:.2f}" if math.isfinite(value) else "n/a"


def code_levels(per_code: pd.DataFrame, method: str = "rules+model",
                not_sought: Collection[str] = ()) -> pd.DataFrame:
    """One row per code: code_id, reference_positives, f1, alpha and ``level``
    (:data:`NOT_CHECKED` for the codes ``not_sought`` by the reference)."""
    rows = per_code[(per_code["method"] == method) & (per_code["code_id"] != ALL)].copy()
    alpha = rows["alpha"].fillna(-1)
    rows["level"] = "low"
    rows.loc[alpha >= 0.4, "level"] = "fair"
    rows.loc[alpha >= 0.667, "level"] = "good"
    rows.loc[rows["reference_positives"] < MIN_REFERENCE, "level"] = "too few to tell"
    # good or fair on a precision of too few codings to say is too few to tell; low
    # stays low: the coding missed most of the reference's (5 or more) passages,
    # whatever its few codings were
    rows.loc[rows["level"].isin(["good", "fair"]) & too_few_to_say(rows["both"],
                                                                   rows["coded"]),
             "level"] = "too few to tell"
    rows.loc[rows["code_id"].isin(list(not_sought)), "level"] = NOT_CHECKED
    return rows[["code_id", "reference_positives", "f1", "alpha", "level"]].reset_index(
        drop=True)


def rule_less(book: Codebook, *, rolled_up: bool = False) -> set[str]:
    """The codes the rules never apply: those without patterns (human-only codes, and
    parents that are not codable); when judged ``rolled_up``, those with no code below
    them that has patterns either (the rules apply such a parent through its sub-codes)."""
    def patterned(code_id: str) -> bool:
        return any(child.n_patterns or patterned(child.id) for child in book.children(code_id))
    return {c.id for c in book.codes.values()
            if not c.n_patterns and not (rolled_up and patterned(c.id))}


def rules_chains(book: Codebook) -> dict[str, tuple[str, ...]]:
    """What each code counts for, rolled up, when judged against the rules: itself and
    the codes above it, nearest first, except that a code the rules cannot reach (no
    patterns, nor any below it: :func:`rule_less` rolled up) counts only for those the
    rules cannot reach either. A parent is judged on what the rules can code: a
    person's human-only sub-code, which no rule can match, does not count as the rules
    missing the parent (the parent itself, given by a person, does)."""
    people = rule_less(book, rolled_up=True)
    return {code: tuple(t for t in ancestors(book, code) if code not in people or t in people)
            for code in book.codes}


def rule_less_groups(book: Codebook) -> set[str]:
    """The parents none of whose children (nor any code below them) the rules can
    apply: a group of such codes is human-only for cu-alpha, as each of them is."""
    reached = rule_less(book, rolled_up=True)
    return {c.id for c in book.codes.values() if book.children(c.id)
            and all(child.id in reached for child in book.children(c.id))}


def without_rules(agreement: pd.DataFrame, human_only: set[str], compared: int = 2,
                  groups: Collection[str] = ()) -> pd.DataFrame:
    """``agreement`` (of the rules against coders: :func:`~dialogcode.agreement.agree`)
    with :data:`NO_RULES` as the verdict of the ``human_only`` codes' rows: the rules
    never apply such a code, so its figures say nothing of theirs to rely on or not (so
    for the cu-alpha rows of the ``groups``: :func:`rule_less_groups`). A
    row judged among fewer coders than the ``compared`` codings, three or more (the
    people alone, the rules left out), keeps the people's verdict before it: ``reliable
    between people; none: ...`` (``reliable between ana and bo (cy did not look for it);
    none: ...`` where :func:`~dialogcode.agreement.agree` named the people judged)."""
    people = (agreement["code_id"].isin(human_only) & agreement["kind"].eq("code")) | (
        agreement["code_id"].isin(list(groups)) & agreement["kind"].eq("group"))
    apart = people & (agreement["coders"] < compared) & (compared >= 3)
    verdict = agreement["verdict"].mask(people, NO_RULES)
    among = agreement["verdict"].str.contains(" between ", regex=False)  # named: agree
    return agreement.assign(verdict=verdict.mask(
        apart, agreement["verdict"] + among.map({True: "", False: " between people"})
        + f"; {NO_RULES}"))


def trust_summary(per_code: pd.DataFrame | None, design: dict | None,
                  codebook_version: str, labels: dict[str, str], *, modelled: bool = True,
                  coded_with: str | None = None, training: str | None = None,
                  current: str | None = None, outdated: bool = False) -> dict:
    """What the report says first: ``paragraph`` (plain words), ``levels`` (level ->
    code labels), ``stale`` and ``commands``: why the figures or the codings are out of
    date and the commands that bring them up to date (else "" and []), and the
    ``reference`` coder of the figures. The model digests compared: ``coded_with``, of
    the model that made the codings (:func:`~dialogcode.learned.coded_by`; None or ""
    for codings written before it was recorded), the evaluation's (``design``),
    ``training``, of the model in out/model (None without one), and ``current``, of the
    model `learn` would train now (:func:`~dialogcode.learned.model_digest`; None when
    not known). ``outdated``: the model in out/model no longer fits the study
    (:func:`~dialogcode.learned.study_model`), so `code` would not apply it before `learn`
    runs again. Without ``modelled`` (no learned model coded the study, not even one that
    coded nothing) the figures are the rules' alone."""
    if per_code is None or design is None:
        stale, commands = _unchecked_stale(modelled, coded_with, training, outdated)
        # "not checked" alone read as contradicted by the rules' agreement with a coder
        # (the lines below it, from `codings/`), which is no cross-validation
        return {"paragraph": "This coding has not been checked against a person's coding "
                             "in cross-validation. Until it is (code some documents by "
                             "hand, then run `dialogcode evaluate --reference CODER`), "
                             "treat every count below as unverified.", "levels": {},
                "stale": stale,
                "commands": commands}
    overall = per_code[per_code["code_id"] == ALL].set_index("method")
    method = "rules+model" if modelled else "rules"
    both, rules = overall.loc[method], overall.loc["rules"]
    compared = (f"The rules alone found {_tenths(rules['recall'])}." if modelled else
                "No learned model coded these segments, so these are the rules' figures "
                f"(with a model, {_tenths(overall.loc['rules+model', 'recall'])} in the same "
                "cross-validation: `dialogcode learn`, then `dialogcode code`).")
    paragraph = (
        f"Checked against coder '{design['reference']}' on {design['segments']} segments in "
        f"{design['documents']} documents ({design['folds']}-fold cross-validation by "
        "document: the models never saw the documents they were scored on), the coding "
        f"found {_tenths(both['recall'])} passages a person coded (recall "
        f"{_figure(both['recall'])}, 95% interval {_figure(both['recall_low'])} to "
        f"{_figure(both['recall_high'])}), and "
        + (f"made {both['coded']:.0f} codings there, {both['both']:.0f} of them ones the "
           "person made too: too few to say its precision (95% Wilson interval "
           f"{interval(both['both'], both['coded'])}, wider than {MAX_WIDTH:.1f})"
           if too_few_to_say(both["both"], both["coded"])
           else f"{_tenths(both['precision'])} of its codings were ones the person made too "
           f"(precision {both['precision']:.2f})" if math.isfinite(both["precision"]) else
           # 0/0: a coding that coded nothing in the held-out documents
           "made no codings there to check against the person's (precision n/a)")
        + f". {compared} "
        "Codes marked low are counted but not reliable, and those marked too few to tell "
        "are not checked yet: read the counts and quotes of both as leads to check, not as "
        f"findings (coder '{design['reference']}' coding more passages of a code too few to "
        "tell can settle it).")
    levels = code_levels(per_code, method, design.get("not_sought", ()))
    grouped = {level: [labels.get(c, c) for c in levels.loc[levels["level"] == level,
                                                             "code_id"]]
               for level in LEVELS}
    unchecked = grouped.pop(NOT_CHECKED)
    grouped[f"{NOT_CHECKED}: {design['reference']} did not look for "
            f"{'it' if len(unchecked) == 1 else 'them'}"] = unchecked
    stale, commands = _stale(design, codebook_version, modelled, coded_with, training,
                             current, outdated)
    return {"paragraph": paragraph, "levels": {k: v for k, v in grouped.items() if v},
            "stale": stale, "commands": commands, "reference": design["reference"]}


def _unchecked_stale(modelled: bool, made: str | None, stored: str | None, outdated: bool
                     ) -> tuple[str, list[str]]:
    """Without an evaluation: why the model codings (their model's training digest
    ``made``) are not those of the model in out/model (digest ``stored``, None without
    one; ``outdated`` when it no longer fits the study), when they are not, and the
    commands that fix it."""
    if stored is None:
        return "", []
    if not modelled:
        return ((OUT_OF_DATE, ["dialogcode learn", "dialogcode code"]) if outdated else
                (RULES_ALONE, ["dialogcode code"]))
    if not made:            # an earlier dialogcode's codings (rule_id `model`)
        return ("These codings were made before dialogcode recorded which learned model "
                "made them, so they may not be those of the model in out/model"), \
            ["dialogcode code"]
    if made != stored:      # a model learned since `code`
        return ("These codings were made by an earlier learned model than the one in "
                f"out/model, {TRAINED_SINCE}"), ["dialogcode code"]
    return "", []


def _stale(design: dict, codebook_version: str, modelled: bool, made: str | None,
           stored: str | None, current: str | None, outdated: bool
           ) -> tuple[str, list[str]]:
    """Why the figures (of ``design``) or the codings (their model's training digest
    ``made``) are out of date, when they are, and the commands that fix it; ``stored``
    is the digest of the model in out/model (None without one; ``outdated`` when it no
    longer fits the study), ``current`` that of the model `learn` would train now."""
    evaluate = f"dialogcode evaluate --reference {design['reference']}"
    figures = design.get("training")
    if outdated:            # `code` would leave the model out again before `learn`
        old = design.get("codebook_version") != codebook_version or figures != current
        return OUT_OF_DATE, ["dialogcode learn", "dialogcode code"] + ([evaluate] if old
                                                                       else [])
    if design.get("codebook_version") != codebook_version:
        return "These figures were made with an earlier version of the codebooks", [evaluate]
    if not modelled and stored is not None:
        return RULES_ALONE, ["dialogcode code"] + ([evaluate] if figures != stored else [])
    if not modelled or figures is None:
        return "", []
    if not made:            # an earlier dialogcode's codings (rule_id `model`)
        remake = ["dialogcode code"] if stored else ["dialogcode learn", "dialogcode code"]
        return ("These codings were made before dialogcode recorded which learned model "
                "made them, so these figures cannot be matched to them"), \
            remake + ([evaluate] if figures != stored else [])
    if stored is not None and made != stored:       # a model learned since `code`
        why = ("These codings were made by an earlier learned model than the one these "
               f"figures describe, {TRAINED_SINCE}" if figures == stored else
               "These codings were made by an earlier learned model than the one in "
               f"out/model, {TRAINED_SINCE}; the figures are "
               + ("of the earlier one" if figures == made else "of neither"))
        return why, ["dialogcode code"] + ([evaluate] if figures != stored else [])
    if figures != made and figures == current:      # evaluate after the codings changed
        return ("These figures are of a model trained on the coder files, review "
                "decisions and learn settings as they are now, and the codings were made "
                "by an earlier one"), ["dialogcode learn", "dialogcode code"]
    if figures != made:
        return ("These figures were made before the learned model was trained again on "
                f"{RETRAINED}"), [evaluate]
    return "", []
