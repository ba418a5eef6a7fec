"""All analysis tables of a study in one call, in the order they are exported."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .agreement import ALL_CODES, agree
from .codebook import Codebook, load_codebooks
from .coders import coder_names, coder_path, read_coder
from .config import CONFIG_NAME
from .dask_tables import counting_for
from .errors import (CodebookError, ConfigError, DialogcodeError, DialogcodeWarning,
                     ManifestError, Problem, warn)
from .evaluate import load_evaluation
from .ingest import Corpus, load_corpus
from .learned import (coded_by, model_digest, reference_training, segment_unit, study_model,
                      trained_on)
from .lessons import LessonsFile, assemble, load_lessons
from .manifest import STANDARD, column_line
from .named_codings import covering_all
from .precision import RULE
from .progress import progress_steps
from .quotes import exemplar_quotes
from .review import final_codings
from .roles import SpeakerRoles, speaker_roles
from .scopes import coder_scopes
from .stamps import Stamps
from .store import read_table, table_path, write_table
from .study import Study
from .tables import (CODED_SEGMENT_COLUMNS, UNLISTED_DOCUMENT_COLUMNS, coded_segments,
                     cooccurrence, cooccurrence_matrix, counting_tables)
from .training import training_data
from .trust import rule_less, rules_chains, trust_summary, without_rules

# name -> what the table holds (shown in the workbook's README sheet; columns are
# documented in docs/tables.md)
TABLES = {
    "codebook_summary": "Codes in tree order with definitions and how often each was used.",
    "code_by_site": "Per code and site: segments, documents and speakers coded, share of "
                    "the site's segments (parent codes include their sub-codes).",
    "code_by_event_type": "The same per event type.",
    "code_by_phase": "The same per phase of the year (kickoff, mid-year, closing).",
    "cooccurrence": "Pairs of codes applied in the same segment, with Jaccard and "
                    "c-coefficient (long form, for filtering).",
    "cooccurrence_matrix": "Code x code: segments carrying both (diagonal: the code's "
                           "segments).",
    "exemplars": "The best quotes for each code, with context, site and speaker.",
    "lessons": "Each lesson learned with the size and spread of its evidence.",
    "lesson_quotes": "The best quotes for each lesson.",
    "lesson_by_phase": "Segments supporting each lesson per phase.",
    "coded_segments": "One row per segment: document attributes, codes as a list and a "
                      "0/1 column per code, for pivot tables.",
    "agreement": "Agreement of the rule codings with each human coder, per code (a code "
                 "with sub-codes rolled up).",
    "evaluation": "Cross-validated precision, recall, F1 and alpha of rules, model, rules + "
                  "model and a baseline against the reference coder (dialogcode evaluate); "
                  "a precision of too few codings (column coded) to say, "
                  f"{RULE}, is flagged (column too_few_to_say).",
}


def build_tables(documents: pd.DataFrame, segments: pd.DataFrame, codings: pd.DataFrame,
                 book: Codebook, lessons: LessonsFile | None = None, *, quotes: int = 3,
                 roles: SpeakerRoles = SpeakerRoles(), progress: bool = False,
                 counting=counting_tables, withheld: frozenset[str] = frozenset()
                 ) -> dict[str, pd.DataFrame]:
    """Every table of :data:`TABLES` (the lesson tables only when ``lessons`` is given);
    quotes by staff (facilitators, coaches and evaluators, by ``roles``) come after
    participants'. ``counting`` makes the counting tables (pandas, or Dask:
    :func:`dialogcode.dask_tables.counting_for`). ``progress`` shows a bar on stderr.
    Only codings on codable segments count (a coder's code on a preamble or heading
    stays in the codings but not here), as only those are in the tables' totals.
    Quotes never come from the ``withheld`` documents (decided ``redact-document``:
    the privacy gate would show each as ``[DOCUMENT WITHHELD]``); they still count."""
    codings = codings[codings["seg_id"].isin(segments.loc[segments["codable"], "seg_id"])]
    quotable = codings[~codings["doc_id"].isin(withheld)]

    def lesson_tables(assembled) -> dict[str, pd.DataFrame]:
        picked = assembled.quotes
        if withheld and len(picked) and picked["doc_id"].isin(withheld).any():  # pick again
            picked = assemble(lessons, quotable, segments, documents, book, quotes,
                              roles=roles).quotes
        return {"lessons": assembled.summary, "lesson_quotes": picked,
                "lesson_by_phase": assembled.by_phase}

    steps = {
        "codebook summary, codes by site, event type, phase": lambda: counting(
            codings, segments, documents, book),
        "co-occurrence": lambda: {
            "cooccurrence": cooccurrence(codings, book),
            "cooccurrence_matrix": cooccurrence_matrix(codings, book)},
        "exemplar quotes": lambda: {
            "exemplars": exemplar_quotes(quotable, segments, documents, book, quotes,
                                         roles=roles)},
    }
    if lessons is not None:
        steps["lessons"] = lambda: lesson_tables(
            assemble(lessons, codings, segments, documents, book, quotes, roles=roles))
    steps["coded segments"] = lambda: {
        "coded_segments": coded_segments(codings, segments, documents, book)}
    tables: dict[str, pd.DataFrame] = {}
    for step in progress_steps(list(steps), desc="tables", enabled=progress):
        tables.update(steps[step]())
    return tables


@dataclass
class Evidence:
    """Everything the tables, exports and report are made from, for one study."""

    documents: pd.DataFrame
    segments: pd.DataFrame
    codings: pd.DataFrame
    book: Codebook
    lessons: LessonsFile | None
    tables: dict[str, pd.DataFrame]
    trust: dict | None = None
    privacy: object | None = None   # GateResult of dialogcode.privacy.gate
    roles: pd.Series | None = None  # seg_id -> its speaker's role (dialogcode.roles)


def rules_vs_coders(study: Study, rules: pd.DataFrame, segments: pd.DataFrame,
                    documents: pd.DataFrame, book: Codebook) -> pd.DataFrame | None:
    """Agreement of the rule codings (model codings left out: a model may have learned
    from these coders; `dialogcode evaluate` measures it honestly) with each human coder
    in codings/ (the coder as reference), per code; None when there are no coder files.
    A codable code with sub-codes is judged rolled up, as the tables and `evaluate` count
    it, on the codes below it the rules can apply (:func:`~dialogcode.trust.rules_chains`);
    the pooled row counts every coding once, as applied, of the codes with rules
    (human-only codes get :data:`~dialogcode.trust.NO_RULES` as their verdict); a coder
    is not judged on codes they did not look for (``coders:``: :mod:`dialogcode.scopes`)."""
    tables = []
    rules = rules[rules["source"] == "rule"]
    parents = [c.id for c in book.codes.values() if c.codable and book.children(c.id)]
    # a pooled row of codings as applied; a verdict of a parent rolled up
    unpooled, people = rule_less(book), rule_less(book, rolled_up=True)
    declared = coder_scopes(study, book)
    chains = rules_chains(book)
    for coder in coder_names(study):
        scopes = {coder: declared[coder]} if coder in declared else None
        path = coder_path(study, coder)
        human = read_coder(path, segments, coder, documents=documents, study=study)
        if human.empty:         # a coder who has not started: nothing to compare yet
            warn(DialogcodeWarning(
                f"{path}: holds no codings yet, so the rules are not compared with {coder}"))
            continue
        pair = {"rules": covering_all(rules, segments), coder: human}
        applied = agree(pair, segments, reference=coder, documents=documents,
                        unpooled=unpooled, scopes=scopes).per_code
        rolled = agree(pair, segments, reference=coder, roll_up=True, chains=chains,
                       scopes=scopes).per_code
        rolled = rolled[rolled["code_id"].isin(parents)]
        # as applied, a code without patterns is one no rule applies; rolled up, one
        # with none below it either
        table = pd.concat([
            without_rules(applied[~applied["code_id"].isin(rolled["code_id"])], unpooled),
            without_rules(rolled, people)])
        pooled = table["code_id"].eq(ALL_CODES)
        table = pd.concat([table[~pooled].sort_values("code_id"), table[pooled]])
        tables.append(table.assign(coder=coder))
    if not tables:
        return None
    table = pd.concat(tables, ignore_index=True)
    return table[["coder", *[c for c in table.columns if c != "coder"]]]


def moved_codings(codings: pd.DataFrame, segments: pd.DataFrame) -> dict[str, int]:
    """Per document, the codings whose segment is gone or no longer holds their quote at
    their offsets (the document was ingested again after an edit)."""
    where = segments[["seg_id", "doc_id", "start", "end", "text"]]
    joined = codings[["seg_id", "doc_id", "start", "end", "quote"]].merge(
        where, on="seg_id", how="left", suffixes=("", "_segment"))
    fits = [isinstance(text, str) and doc == doc_seg and pd.notna(start) and pd.notna(end)
            and first <= start <= end <= last
            and text[int(start - first):int(end - first)] == quote
            for doc, doc_seg, start, end, first, last, text, quote in zip(
                joined["doc_id"], joined["doc_id_segment"], joined["start"], joined["end"],
                joined["start_segment"], joined["end_segment"], joined["text"],
                joined["quote"])]
    return joined.loc[[not f for f in fits], "doc_id"].value_counts(sort=False).to_dict()


def check_current(study: Study, codings: pd.DataFrame, book: Codebook, corpus: Corpus
                  ) -> None:
    """Raise DialogcodeError, naming the codings table, when ``codings`` were made with
    other codebooks than ``book`` (another version of one, or one added or taken out:
    the codebook table `dialogcode code` wrote with them, when there is one, says which
    it coded with; ``book`` only some of those, as `--codebook` can give, is named as
    such) or no longer fit the documents of ``corpus`` (a transcript changed or
    was taken out since `dialogcode code`)."""
    stale = bool(set(codings["codebook_version"].dropna()) - set(book.versions.values()))
    if table_path(study.out, "codebook").exists():  # its codes, those coding nothing too
        coded_with = read_table(study.out, "codebook", hint="dialogcode code")
        made = set(zip(coded_with.get("code_id", ()), coded_with.get("codebook_version", ())))
        given = {(code_id, book.version_of(code_id)) for code_id in book.codes}
        stale = stale or made != given
        if given < made:    # `--codebook` some of the codebooks `code` coded with
            ids = sorted(set(coded_with.get("codebook", ())))
            raise DialogcodeError(
                f"the codings were made with other codebooks ({', '.join(ids)}) than the "
                f"ones given ({', '.join(sorted(book.versions))}, by --codebook or the "
                "study's `codebooks:`): give the ones they were made with, or run "
                "`dialogcode code` (or `dialogcode run`) with these first",
                file=table_path(study.out, "codings"))
    if stale:
        raise DialogcodeError("the codings were made with another version of the codebooks, "
                              "or before one was added or taken out; run `dialogcode code` "
                              "(or `dialogcode run`) first",
                              file=table_path(study.out, "codings"))
    moved = moved_codings(codings, corpus.segments)
    if moved:
        present = set(corpus.documents["doc_id"])
        raise DialogcodeError([Problem(
            f"{n} coding{'s' * (n != 1)} in {doc} "
            + ("no longer match its text (the transcript changed since they were made)"
               if doc in present else "are of a document no longer in the corpus (taken "
               "out of the manifest or transcripts)")
            + "; run `dialogcode code` (or `dialogcode run`) first",
            str(table_path(study.out, "codings"))) for doc, n in moved.items()])


def _coded_with(study: Study, codings: pd.DataFrame, book: Codebook, corpus: Corpus
                ) -> tuple[bool, str | None, str | None, bool]:
    """Whether a learned model coded ``codings`` (of ``book`` and ``corpus`` as they are
    now: :func:`check_current`), the training digest of the one that did (None when not
    known), that of the model in out/model (None without one), and whether that model
    no longer fits the study (so `code` would not apply it). A model that coded
    nothing is known by what `code` recorded when it applied it
    (:meth:`~dialogcode.stamps.Stamps.coded_with`); codings whose record is missing,
    beside a model in out/model, may be anyone's. A stored model that does not fit the
    study now coded none of them, whatever `code` recorded before: the codings of a
    notebook's :func:`~dialogcode.learned.with_model` that left it out (with a warning)."""
    stored = trained_on(study)
    if (codings["source"] == "model").any():
        return True, coded_by(codings), stored, False
    if stored is not None and study_model(study, book, corpus.documents,
                                          model=study.config.model,
                                          unit=segment_unit(corpus.segments)) is None:
        return False, None, stored, True
    applied = Stamps(study.out).coded_with()
    if applied is None:
        return stored is not None, None, stored, False
    return bool(applied), applied or None, stored, False


def _learnable(study: Study, corpus: Corpus, book: Codebook) -> str | None:
    """The digest of the model `learn` would train now (None when it could not)."""
    try:
        data = training_data(study, corpus.segments, book, documents=corpus.documents)
        judged = reference_training(study, corpus, book)
    except DialogcodeError:     # learn names the problem; the trust box is told nothing
        return None
    return model_digest(data, study.config.learn, study.config.model, judged=judged)


def study_evidence(study: Study, *, corpus: Corpus | None = None,
                   codings: pd.DataFrame | None = None, progress: bool = False,
                   privacy: bool = True, dask=None) -> Evidence:
    """Load the study's corpus, rule codings (unless given), review decisions, human
    codings, codebooks and lessons.yaml, and build every table from the final codings
    (see :func:`dialogcode.review.final_codings`); ``progress`` shows a bar on stderr.
    With ``privacy`` the result has passed the privacy gate
    (:func:`dialogcode.privacy.gate.gate`: residual identifiers masked, or a
    PrivacyError under ``gate: strict``). ``dask`` gives the Dask engine's client
    (:func:`dialogcode.engine.connection`), for counting on Dask when the study is
    large (:func:`dialogcode.dask_tables.counting_for`)."""
    corpus = corpus if corpus is not None else load_corpus(study)
    if codings is None:
        codings = read_table(study.out, "codings", hint="dialogcode code")
    book = load_codebooks(study.codebook_files())
    check_current(study, codings, book, corpus)
    lessons = (load_lessons(study.lessons, book, corpus.documents)
               if study.lessons is not None else None)
    if not book.codes:
        raise ConfigError("`codebooks:` lists no codebook, so there are no codes to build "
                          "the tables, lessons and report from; list your codebook files "
                          "there (for example codebooks/*.yaml)",
                          file=study.root / CONFIG_NAME)
    # coded_segments has a column per code beside the segments' and documents' columns
    fixed = {*CODED_SEGMENT_COLUMNS, "phase", "speaker_notes", *STANDARD}
    named = [book.codes[c] for c in sorted(fixed & set(book.codes))]
    if named:
        raise CodebookError([Problem(
            f"code id {code.id!r} is also a column of the coded_segments table, which has "
            f"a column per code; rename the code (for example {code.id}_code)",
            book.sources[code.codebook], code.line, code.id) for code in named])
    clashes = [c for c in corpus.documents.columns
               if c in book.codes and c not in UNLISTED_DOCUMENT_COLUMNS]
    if clashes:
        raise ManifestError([Problem(
            f"column {c!r} is also a code id, and the coded_segments table has a column "
            f"per code; rename it (for example manifest_{c})",
            study.manifest and str(study.manifest),
            study.manifest and column_line(study.manifest, c), c) for c in clashes])
    final = final_codings(study, corpus.segments, corpus.documents, codings, set(book.codes))
    roles = speaker_roles(study.config.speaker_roles, corpus.documents)
    withheld = frozenset()
    if privacy and study.config.privacy.gate != "off":
        from .privacy import load_privacy_decisions, withheld_documents

        withheld = frozenset(withheld_documents(load_privacy_decisions(study)))
    tables = build_tables(corpus.documents, corpus.segments, final, book, lessons,
                          roles=roles, progress=progress,
                          counting=counting_for(study, corpus.segments, dask),
                          withheld=withheld)
    agreement = rules_vs_coders(study, codings, corpus.segments, corpus.documents,
                                book)
    if agreement is not None:
        tables["agreement"] = agreement
    evaluation = load_evaluation(study.out / "evaluation")
    if evaluation is not None:
        tables["evaluation"] = evaluation[0]
    modelled, coded_with, stored, outdated = _coded_with(study, codings, book, corpus)
    trust = trust_summary(*(evaluation or (None, None)), book.version,
                          {c.id: c.label for c in book.codes.values()}, modelled=modelled,
                          coded_with=coded_with, training=stored,
                          current=_learnable(study, corpus, book)
                          if (modelled or outdated) and evaluation else None,
                          outdated=outdated)
    evidence = Evidence(corpus.documents, corpus.segments, final, book, lessons, tables,
                        trust, roles=pd.Series(roles.of(corpus.segments).to_numpy(),
                                               index=corpus.segments["seg_id"]))
    if privacy:
        from .privacy.gate import gate

        evidence = gate(study, evidence)
    return evidence


def write_tables(evidence: Evidence, out: Path) -> list[Path]:
    """Every analysis table as Parquet and CSV in ``out/tables`` (replacing what was
    there, so a table that is no longer built does not linger)."""
    for old in (out / "tables").glob("*.*"):
        if old.suffix in (".csv", ".parquet"):
            old.unlink()
    paths = []
    for name, table in evidence.tables.items():
        paths += write_table(table, out / "tables", name)
    return paths
