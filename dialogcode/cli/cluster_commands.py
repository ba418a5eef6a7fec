"""dialogcode cluster, dialogcode suggest and dialogcode codebook merge."""
from __future__ import annotations

import difflib
from pathlib import Path

import click

from ..choices import BACKENDS, CLUSTER_SEMANTICS
from ..errors import ArgumentError
from . import cli
from .codebook_commands import codebook
from .coding_commands import codebook_option, study_codebook
from .options import (echo_table, model_option, quiet_option, seed_option, shown,
                      study_argument, warn)

PATCH = "suggestions.yaml"


def _k_range(ctx, param, value: str) -> tuple[int, int]:
    try:
        low, high = (int(part) for part in value.split(":"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not LOW:HIGH (e.g. 4:16)") from None
    if not 2 <= low <= high:
        raise click.BadParameter(f"{value!r}: need 2 <= LOW <= HIGH")
    return low, high


def _k(ctx, param, value):
    if value is None or value == "auto":
        return value
    try:
        k = int(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is neither a number nor auto") from None
    if k < 2:
        raise click.BadParameter(f"{value!r}: need at least 2")
    return k


@cli.command()
@study_argument
@click.option("--scope", default="residual", show_default=True,
              help="Segments to cluster: residual (nothing coded: no rule or model coding "
                   "left after review, nothing people coded), all, or a code id (its "
                   "segments, to split it into sub-themes).")
@click.option("--k", callback=_k, help="Number of clusters, or auto: chosen in --k-range, "
                                        "widened while the best k is at one of its ends "
                                        "(default: chosen in --k-range).")
@click.option("--k-range", default="4:16", show_default=True, callback=_k_range,
              help="LOW:HIGH range of k to search.")
@click.option("--min-size", default=5, show_default=True, type=click.IntRange(1),
              help="Fewest segments in a cluster: a k making smaller clusters is not "
                   "chosen, and smaller clusters left are merged into their nearest.")
@click.option("--context", default=50, show_default=True, type=click.IntRange(0),
              help="Segments on each side (same document, weighted by distance, the "
                   "weights falling faster in a short document) that a segment is seen "
                   "with; 0: each alone (answers that are not a conversation).")
@click.option("--boundaries/--no-boundaries", default=False, show_default=True,
              help="First cut documents into runs of talk at topic changes "
                   "(TextTiling-style) and cluster whole runs.")
@seed_option()
@click.option("--backend", type=click.Choice(BACKENDS), default="tfidf", show_default=True,
              help="Features: TF-IDF of lemmas (reduced by SVD), or the word vectors of "
                   "the --model pipeline.")
@click.option("--semantic", type=click.Choice(CLUSTER_SEMANTICS), default="none",
              show_default=True,
              help="Add WordLlama embeddings of the segments to the features (needs "
                   "pip install 'dialogcode[semantic]'; nothing is downloaded).")
@click.option("--force", is_flag=True, help="Overwrite out/suggestions.yaml even when a "
                                            "person has marked entries `keep: true` in it.")
@codebook_option
@model_option
@quiet_option
def cluster(study, scope, k, k_range, min_size, context, boundaries, seed, backend, semantic,
            force, codebooks, model, quiet):
    """Cluster STUDY's segments to find what the codebook misses: pattern gaps (talk
    close to a code that its patterns miss) and candidate new themes. Each segment is
    seen with the talk around it (--context); procedural talk ("thank you, Chair") is
    left out and counted. Segments that people coded (coder files, accepted
    decisions) count as coded; codings rejected in review do not. Writes out/clusters/
    (clusters, assignments, k report, quotes, left_out, map.png) and the codebook patch
    out/suggestions.yaml to review (see `dialogcode codebook merge`)."""
    from ..analysis import check_current
    from ..cluster import SCOPES, cluster_segments
    from ..clustermap import cluster_map
    from ..ingest import load_corpus
    from ..merge import read_patch
    from ..patch import codebook_patch, write_patch
    from ..privacy.gate import gate_clusters, terms_without_findings
    from ..roles import speaker_roles
    from ..store import read_table, replacing, write_table
    from ..study import Study
    from ..training import counted_as_coded

    opened = Study.open(study)
    book = study_codebook(opened, codebooks)
    if scope not in SCOPES and scope not in book.codes:
        close = difflib.get_close_matches(scope, list(book.codes), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise click.BadParameter(f"{scope!r} is neither {', '.join(SCOPES)} nor a code id "
                                 f"of the codebook{hint}", param_hint="'--scope'")
    existing = opened.out / PATCH
    if not force and existing.is_file():
        spec = read_patch(existing)
        kept = [e for e in (*spec.new_codes, *spec.proposed_terms) if e.keep]
        if kept:
            raise ArgumentError(f"{len(kept)} entries are marked `keep: true`: merge them "
                                  "with `dialogcode codebook merge` (or copy the file) "
                                  "first, or pass --force to overwrite", file=existing)
    corpus = load_corpus(opened)
    codings = read_table(opened.out, "codings", hint="dialogcode code")
    check_current(opened, codings, book, corpus)
    codings = counted_as_coded(opened, codings, corpus.segments, book, corpus.documents)
    model = model or opened.config.model
    cache = opened.out / "cache"
    result = cluster_segments(corpus.segments, corpus.documents, codings, book, scope=scope,
                              k=k, k_range=k_range, min_size=min_size, seed=seed,
                              context=context, boundaries=boundaries, backend=backend,
                              semantic=semantic, model=model, cache_dir=cache,
                              roles=speaker_roles(opened.config.speaker_roles, corpus.documents),
                              progress=not quiet)
    result = terms_without_findings(opened, result, corpus.segments, corpus.documents)
    patch = codebook_patch(result, corpus.segments, corpus.documents, codings, book,
                           model=model, cache_dir=cache)
    result, patch = gate_clusters(opened, result, patch, corpus.segments, corpus.documents)
    folder = opened.out / "clusters"
    paths = write_table(result.clusters, folder, "clusters")
    paths += write_table(result.assignments, folder, "assignments")
    paths += write_table(result.k_report, folder, "k_report")
    paths += write_table(result.quotes, folder, "quotes")
    paths += write_table(result.left_out, folder, "left_out")
    with replacing(folder / "map.png") as temporary:
        cluster_map(result).savefig(temporary, dpi=110, metadata={"Software": None})
    patch_path = write_patch(patch, opened.out / PATCH, shown(opened.out / PATCH))
    for note in result.notes:
        warn(note)
    if quiet:
        return
    echo_table(result.k_report)
    click.echo("")
    echo_table(result.clusters[["cluster_id", "size", "kind", "nearest_code", "distance",
                                "label"]])
    gaps = (result.clusters["kind"] == "pattern gap").sum()
    click.echo(f"{len(result.clusters)} clusters of {len(result.assignments)} segments "
               f"(scope {scope}): {gaps} pattern gap(s), {len(result.clusters) - gaps} "
               "candidate new theme(s).")
    reasons = result.left_out["reason"].value_counts()
    if len(reasons):
        click.echo(f"Left out {len(result.left_out)} segment(s) of the scope: "
                   + ", ".join(f"{n} {reason}" for reason, n in reasons.items()) + ".")
    click.echo(f"Wrote {len(paths) // 2} tables and map.png to {shown(folder)}")
    click.echo(f"Wrote {shown(patch_path)}: {len(patch['new_codes'])} new code(s), "
               f"{len(patch['proposed_terms'])} proposed term(s), all `keep: false`; "
               "review it, then `dialogcode codebook merge`.")


@cli.command()
@study_argument
@click.option("--threshold", default=0.5, show_default=True,
              type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="Lowest probability to suggest a code.")
@seed_option()
@codebook_option
@model_option
@quiet_option
def suggest(study, threshold, seed, codebooks, model, quiet):
    """Suggest codes the rules missed: one classifier per code learns from the rule
    codings plus what people coded (coder files, accepted decisions), minus codings
    rejected in review, and proposes codes for segments nobody coded with them. Writes
    out/suggestions.csv and .parquet for `dialogcode review`. (`dialogcode learn`
    instead trains on people's codings alone and codes with a checked precision.)"""
    from ..analysis import check_current
    from ..ingest import load_corpus
    from ..review import in_force, load_decisions
    from ..store import read_table, write_table
    from ..study import Study
    from ..suggest import suggest_codes
    from ..training import people_codings

    opened = Study.open(study)
    book = study_codebook(opened, codebooks)
    corpus = load_corpus(opened)
    codings = read_table(opened.out, "codings", hint="dialogcode code")
    check_current(opened, codings, book, corpus)
    human = people_codings(opened, corpus.segments, book, corpus.documents)
    decisions = in_force(load_decisions(opened), corpus.documents, corpus.segments)
    rejected = decisions.loc[decisions["decision"] == "reject", ["seg_id", "code_id"]]
    result = suggest_codes(corpus.segments, corpus.documents, codings, book, human=human,
                           rejected=rejected, threshold=threshold, seed=seed,
                           model=model or opened.config.model,
                           cache_dir=opened.out / "cache", progress=not quiet)
    paths = write_table(result.table, opened.out, "suggestions")
    if quiet:
        return
    table = result.table
    if len(table):
        summary = table.groupby("code_id", sort=False).agg(
            suggestions=("seg_id", "size"), documents=("doc_id", "nunique"),
            best_score=("score", "max")).reset_index()
        echo_table(summary)
    for reason, skipped in result.skipped.groupby("reason", sort=False):
        click.echo(f"Skipped {len(skipped)} code(s) with {reason}: "
                   f"{', '.join(skipped['code_id'])}")
    click.echo(f"{len(table)} suggestions for {table['seg_id'].nunique()} segments "
               f"(threshold {threshold}).")
    click.echo(f"Wrote {', '.join(p.name for p in paths)} to {shown(opened.out)}")


@codebook.command()
@click.argument("patch", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("into", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--with", "others", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Another codebook file loaded with INTO, to check ids and parents "
                   "(repeatable).")
@click.option("--dry-run", is_flag=True, help="Only print what would be merged.")
def merge(patch, into, others, dry_run):
    """Apply the entries marked `keep: true` in PATCH (written by `dialogcode cluster`)
    to the codebook file INTO, keeping its comments and layout. The merged codebook is
    validated first; if it would be invalid, or a new code's id exists, INTO is left
    as it was (exit 1)."""
    from ..merge import merge_patch

    result = merge_patch(patch, into, others=list(others), dry_run=dry_run)
    verb = "Would apply" if dry_run else "Applied"
    for line in result.applied:
        click.echo(f"{verb}: {line}")
    for line in result.skipped:
        click.echo(f"Skipped: {line}")
    if dry_run and result.applied:
        click.echo(f"Dry run: {len(result.applied)} change(s) would make a valid codebook; "
                   f"{shown(into)} was not changed.")
    elif result.written:
        click.echo(f"Merged {len(result.applied)} change(s) into {shown(into)}.")
    else:
        click.echo(f"Nothing merged; {shown(into)} was not changed.")
