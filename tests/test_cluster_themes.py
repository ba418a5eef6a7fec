"""Theme discovery that sees the conversation: neighbours, runs of talk, procedural talk
left out, labels without fillers or names, and a k that says when to look further."""
import hashlib
import math
import random

import numpy as np
import pytest
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from dialogcode.cluster import cluster_segments
from dialogcode.codebook import Codebook
from dialogcode.context import boundaries, smooth
from dialogcode.errors import DialogcodeError
from dialogcode.features import named_number, segment_terms
from dialogcode.ksearch import _rechoose
from dialogcode.patch import codebook_patch
from dialogcode.roles import speaker_roles
from dialogcode.talk import (hyphenated, name_words, procedural, sound_words, specificity,
                             theme_terms)

TOPICS = {
    "budget": ["budget", "spending", "invoice", "accounts", "salary", "funding", "audit",
               "grant", "payroll", "expenses"],
    "garden": ["garden", "harvest", "tomatoes", "seeds", "compost", "planting", "beds",
               "squash", "watering", "greenhouse"],
    "soccer": ["soccer", "coaches", "league", "players", "field", "practice", "referee",
               "season", "goalie", "tournament"],
}
COMMON = ["people", "week", "plan", "group", "place", "money", "family", "child", "work",
          "school", "city", "story"]
NO_CODINGS = pd.DataFrame(columns=["seg_id", "code_id"])


def corpus(docs: dict[str, list[tuple[str, str]]]):
    """Segments and documents for {doc_id: [(speaker, text), ...]}."""
    segments, documents = [], []
    for doc_id, turns in docs.items():
        offset = 0
        for ordinal, (speaker, text) in enumerate(turns, start=1):
            segments.append({"seg_id": f"{doc_id}:t{ordinal}", "doc_id": doc_id,
                             "unit": "turn", "ordinal": ordinal, "kind": "turn",
                             "codable": True, "speaker": speaker, "start": offset,
                             "end": offset + len(text), "text": text,
                             "n_words": len(text.split()), "backchannel": False})
            offset += len(text) + 2
        documents.append({"doc_id": doc_id, "site": doc_id[:1], "event_type": "meeting",
                          "date": "", "sha256": hashlib.sha256(
                              "\n\n".join(t for _, t in turns).encode()).hexdigest()})
    return pd.DataFrame(segments), pd.DataFrame(documents)


def meetings(n_docs=4, run=8, seed=3, topical=2):
    """Meetings whose topics come in runs of ``run`` turns; each turn holds ``topical``
    words of its topic among common words, so a turn alone says little."""
    rng = random.Random(seed)
    docs, truth = {}, {}
    for d in range(n_docs):
        order = list(TOPICS)
        rng.shuffle(order)
        turns = []
        for topic in order:
            for _ in range(run):
                words = rng.sample(COMMON, 6 - topical) + rng.sample(TOPICS[topic], topical)
                rng.shuffle(words)
                turns.append(("P1", f"The {words[0]} and {words[1]} of {words[2]} with "
                                    f"{words[3]}, {words[4]} and {words[5]}."))
                truth[f"m{d}:t{len(turns)}"] = topic
        docs[f"m{d}"] = turns
    return (*corpus(docs), truth)


def test_smoothing_mixes_neighbours_of_one_document_only():
    x = np.eye(3, dtype=np.float32)[[0, 1, 0, 2]]
    smoothed = smooth(x, np.array(["a", "a", "a", "b"]), 1, share=math.inf)
    assert smoothed[1, 0] > 0.5 and smoothed[0, 1] > 0         # a's rows share their talk
    assert np.allclose(smoothed[3], [0, 0, 1])                   # b is not a's neighbour
    assert np.allclose(smoothed[:, 2][:3], 0)
    assert smooth(x, np.array(["a"] * 4), 0) is x


@pytest.mark.parametrize("window, share", [(2, 1.0), (50, 1.0), (50, 0.25)])
def test_smoothing_is_the_decayed_sum_over_each_documents_window(window, share):
    docs = np.repeat(["a", "b", "c"], [1, 9, 40])
    x = np.random.default_rng(1).random((50, 4)).astype(np.float32)
    rate = {d: min(0.95, max(0.0, 1 - 1 / (share * n))) for d, n in (("a", 1), ("b", 9),
                                                                       ("c", 40))}
    expected = np.array([sum((rate[docs[i]] ** abs(i - j) if i != j else 1) * x[j]
                             for j in range(50)
                             if docs[j] == docs[i] and abs(i - j) <= window)
                         for i in range(50)])
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert np.allclose(smooth(x, docs, window, share=share), expected, atol=1e-6)


def test_boundaries_cut_where_the_talk_changes():
    rng = np.random.default_rng(0)
    x = np.vstack([np.eye(4)[[0] * 12], np.eye(4)[[1] * 12]]) + rng.normal(0, .1, (24, 4))
    runs = boundaries(x.astype(np.float32), np.array(["a"] * 24))
    assert runs.tolist() == [0] * 12 + [1] * 12
    two_docs = boundaries(x.astype(np.float32), np.array(["a"] * 12 + ["b"] * 12))
    assert two_docs.tolist() == [0] * 12 + [1] * 12     # a new document is a new run


def test_context_recovers_topics_that_come_in_runs_of_talk():
    segments, documents, truth = meetings()
    book = Codebook({})
    scores = {}
    for name, options in (("alone", {"context": 0, "boundaries": False}),
                          ("context", {"context": 3}),     # calls of 24 turns
                          ("runs", {"context": 3, "boundaries": True})):
        result = cluster_segments(segments, documents, NO_CODINGS, book, scope="all", k=3,
                                  **options)
        found = result.assignments
        scores[name] = adjusted_rand_score(found["seg_id"].map(truth), found["cluster_id"])
    assert min(scores["context"], scores["runs"]) >= 0.8 > scores["alone"] + 0.3, scores


def test_a_short_document_with_two_different_halves_is_not_one_cluster():
    # calls of 16 turns, each half about another topic; the default context (50 turns)
    # is wider than a call, but in a short call the weights fall faster, so a call is not
    # blended into one vector
    rng = random.Random(5)
    pairs = [("budget", "garden"), ("garden", "soccer"), ("soccer", "budget")] * 2
    docs, truth = {}, {}
    for d, pair in enumerate(pairs):
        turns = []
        for topic in pair:
            for _ in range(8):
                words = rng.sample(COMMON, 3) + rng.sample(TOPICS[topic], 3)
                rng.shuffle(words)
                turns.append(("P1", f"The {words[0]} and {words[1]} of {words[2]} with "
                                    f"{words[3]}, {words[4]} and {words[5]}."))
                truth[f"c{d}:t{len(turns)}"] = topic
        docs[f"c{d}"] = turns
    segments, documents = corpus(docs)
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k=3)
    found = result.assignments.assign(half=lambda a: a["seg_id"].map(
        lambda s: int(s.split(":t")[1]) > 8))
    for doc_id, calls in found.groupby("doc_id"):
        first, second = (calls.loc[calls["half"] == h, "cluster_id"].mode()[0]
                         for h in (False, True))
        assert first != second, doc_id
    assert adjusted_rand_score(found["seg_id"].map(truth), found["cluster_id"]) >= 0.7
    x = np.eye(2, dtype=np.float32)[[0] * 8 + [1] * 8]
    same = smooth(x, np.array(["c"] * 16), 50, share=math.inf)  # the decay of long talk
    own = smooth(x, np.array(["c"] * 16), 50)
    assert same[0] @ same[-1] > 0.9 > 0.3 > own[0] @ own[-1]    # first and last turns


def test_quotes_say_what_the_cluster_is_about_not_an_aside_in_its_run():
    segments, documents, truth = meetings(topical=3)
    aside = "My knee is healing fine, thanks for asking, and the weather was lovely."
    middle = segments["ordinal"] % 8 == 4                    # the middle of every run
    segments.loc[middle, "text"] = aside
    segments.loc[middle, "n_words"] = len(aside.split())
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k=3)
    clustered = set(result.assignments["seg_id"])
    assert set(segments.loc[middle, "seg_id"]) <= clustered   # the asides are clustered
    assert not result.quotes["quote"].eq(aside).any()          # ... but never quoted
    assert result.quotes.groupby("cluster_id").size().eq(3).all()
    # the similarity column holds the cosine as rounded, not a float32's long tail
    similarity = result.quotes["similarity"]
    assert similarity.dtype == np.float64 and similarity.equals(similarity.round(4))


PROCEDURAL = ["Thank you, Chair.", "Can you hear me? Yes, I can hear you now.",
              "Okay. I think all my other points have been answered, Chair.",
              "Yes, I agree with that, thank you so much everyone."]
THEMATIC = ["The rent keeps rising and families get evicted.",
            "Our garden harvest fed the seniors at the centre."]


def test_procedural_talk_is_recognised_and_left_out_with_its_count():
    turns = [("Chair", t) for t in PROCEDURAL] + [("P2", t) for t in THEMATIC]
    segments, documents = corpus({"d": turns})
    terms = theme_terms(segment_terms(segments, documents))
    assert procedural(segments, terms).tolist() == [True] * 4 + [False] * 2
    segments, documents, _ = meetings(n_docs=2)
    extra = corpus({"z": [("Chair", t) for t in PROCEDURAL]})
    segments = pd.concat([segments, extra[0]], ignore_index=True)
    documents = pd.concat([documents, extra[1]], ignore_index=True)
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all", k=3)
    assert not result.assignments["seg_id"].str.startswith("z:").any()
    left = result.left_out.set_index("seg_id")["reason"]
    assert left["z:t1"] == "short" and left["z:t3"] == "procedural"
    assert not result.quotes["quote"].isin(PROCEDURAL).any()


def test_labels_have_no_fillers_or_names_keep_hyphens_and_one_term_per_lemma():
    rng = random.Random(1)
    turns = []
    for i in range(30):
        care = i < 15
        speaker = "Suzy" if i % 2 else "Claire"
        words = (["long-term care", "nursing homes", "seniors", "caregivers"] if care
                 else ["property taxes", "tax", "levy", "assessor"])
        turns.append((speaker, f"Yes, sorry, so {rng.choice(words)} and the {words[1]} "
                               f"again, thanks Claire, we're gonna have a meeting, and "
                               f"{rng.choice(words)}, says Suzy."
                               + (" (laughs) (laughs)" if care and i % 2 else "")))
    segments, documents = corpus({"d": turns})
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k=2, context=0, boundaries=False)
    words = {w for terms in result.clusters["terms"] for t in terms.split("; ")
             for w in t.split()}
    assert not words & {"yes", "sorry", "thanks", "claire", "suzy", "again", "gon", "na",
                        "meeting", "meet", "laughs", "laugh"}
    terms = [t for row in result.clusters["terms"] for t in row.split("; ")]
    assert {"long-term", "long-term care"} & set(terms)
    assert not {"term", "term care"} & set(terms)
    assert sum(t.split()[-1] in ("tax", "taxes") for t in terms) == 1
    assert hyphenated("term care", ["a long-term care home", "long-term care"]) == \
        "long-term care"
    assert hyphenated("care", ["care for seniors", "long-term care"]) == "care"


def eviction_and_zoning():
    """40 turns: eviction talk in common words ("real", "happens", "year") and a zoning
    vote, two themes a k=2 clustering tells apart."""
    rng = random.Random(2)
    turns = []
    for i in range(40):
        if i < 20:
            specific = rng.sample(["eviction", "landlord", "tenants"], 2)
            turns.append(("P1", f"It is real, it happens every year, the {specific[0]} "
                                f"and the {specific[1]}."))
        else:
            turns.append(("P2", f"The {rng.choice(['zoning', 'ordinance'])} vote on "
                                f"the {rng.choice(['setback', 'variance'])} was close."))
    return corpus({"d": turns})


def test_a_common_english_word_leads_a_label_only_when_nothing_specific_scores_near():
    # "real", "happens", "year" in every turn of one theme used to lead its label
    # ("real / happens / year") over the eviction talk in two turns of three
    segments, documents = eviction_and_zoning()
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k=2, context=0)
    first = result.assignments.set_index("seg_id").at["d:t1", "cluster_id"]
    housing = result.clusters.set_index("cluster_id").at[first, "label"]
    assert housing.split(" / ")[0] in ("eviction", "landlord", "tenants"), housing
    terms = result.clusters["terms"].str.split("; ").sum()
    assert {"real", "happen", "happens", "year"} & set(terms)    # weighed, not removed
    assert specificity(["real", "people", "committee", "eviction", "zzqx"]).round(2)\
        .tolist() == [0.44, 0.26, 1.0, 1.0, 1.0]


def test_a_new_code_in_the_patch_has_the_terms_and_label_of_its_cluster():
    # the patch ranked a new code's terms by c-TF-IDF alone, so 11 of the sample study's
    # 12 new codes were named otherwise than their clusters ("funders / grant / women"
    # became theme.women "Women / work / home"; "survivors / heat / real" theme.real)
    segments, documents = eviction_and_zoning()
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k=2, context=0)
    patch = codebook_patch(result, segments, documents,
                           pd.DataFrame(columns=["seg_id", "doc_id", "code_id"]), Codebook({}))
    clusters = result.clusters.set_index("cluster_id")
    assert len(patch["new_codes"]) == 2
    for code in patch["new_codes"]:
        assert code["label"] == clusters.at[code["cluster"], "label"].capitalize()
        assert code["terms"] == clusters.at[code["cluster"], "terms"].split("; ")[:6]
        assert code["id"] == "theme." + code["terms"][0].replace(" ", "_")
    housing = next(c for c in patch["new_codes"] if "eviction" in c["terms"]
                   or "landlord" in c["terms"] or "tenants" in c["terms"])
    assert housing["id"] in ("theme.eviction", "theme.landlord", "theme.tenants")


def test_transcription_marks_in_brackets_never_make_a_label():
    # "(laughs)" was kept out by a word list; "(coughs)", "(applause)", "(sighs)" made
    # the label of the cluster whose talk the transcriber annotated most
    rng = random.Random(1)
    marks = ["(coughs)", "(applause)", "(Sighs)", "(clears throat)", "[inaudible 00:12:03]",
             "(sighs)", "[music]"]
    turns = []
    for i in range(40):
        words = (["nursing homes", "seniors", "caregivers", "pensions"] if i < 20
                 else ["property taxes", "levy", "assessor", "zoning"])
        aside = " (pensions, seniors)" if i == 3 else ""       # a parenthesis of speech
        turns.append(("P1", f"So {rng.choice(words)} and the {words[1]} matter to "
                            f"{rng.choice(words)}{aside} "
                            + (" ".join(rng.sample(marks, 3)) if i < 20 else "")))
    segments, documents = corpus({"d": turns})
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k=2, context=0)
    words = {w for terms in result.clusters["terms"] for t in terms.split("; ")
             for w in t.split()}
    assert not words & {"coughs", "cough", "applause", "sighs", "sigh", "clears", "clear",
                        "throat", "inaudible", "music"}, words
    assert {"seniors", "pensions", "levy"} <= words



def test_curly_brace_marks_of_meeting_transcripts_are_never_read():
    # the AMI and ICSI meetings (../shared/data/meeting-topics) write non-speech in curly
    # braces: {vocalsound}, {disfmarker}, {pause}, {gap}; `dialogcode cluster` on them
    # labelled its clusters "vocalsound / remote / buttons", "pause / vocalsound /
    # overlap", and a turn of marks and fillers counted as talk with content
    rng = random.Random(3)
    marks = ["{vocalsound}", "{disfmarker}", "{pause}", "{gap}", "{comment}"]
    turns = []
    for i in range(40):
        words = (["remote control", "buttons", "battery", "casing"] if i < 20
                 else ["microphone", "recognizer", "transcripts", "digits"])
        turns.append(("A", f"So {rng.choice(words)} {rng.choice(marks)} and the {words[1]} "
                           f"{' '.join(rng.sample(marks, 2)) if i < 20 else ''} for the "
                           f"{rng.choice(words)}."))
    turns.append(("B", "{vocalsound} Okay. {disfmarker} Yeah, {pause} I see {gap} sorry."))
    segments, documents = corpus({"d": turns})
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k=2, context=0)
    words = {w for terms in result.clusters["terms"] for t in terms.split("; ")
             for w in t.split()}
    assert not words & {"vocalsound", "disfmarker", "pause", "gap", "comment"}, words
    assert words & {"remote", "buttons", "battery", "casing"}
    assert words & {"microphone", "recognizer", "transcripts", "digits"}
    left_out = result.left_out.set_index("seg_id")["reason"]
    assert left_out.get("d:t41") in ("procedural", "no content words")


def test_an_unclosed_bracket_or_a_quote_in_curly_braces_is_read():
    # every word after a "{" or "[" that was never closed, and every word of a sentence
    # written in curly braces, was dropped from the segment's terms without a word
    segments, documents = corpus({"d": [
        ("A", "{vocalsound} The landlord raised the rent {disfmarker} again."),
        ("B", "We pay {the rent late and the landlord sends eviction notices."),
        ("C", "She wrote {tenants organise the building} on the board."),
        ("D", "The budget [inaudible 00:01:02 and the levy went up."),
        ("E", "Dear {Name}, the [NAME] levy is {pause} due."),
    ]})
    terms = segment_terms(segments, documents).terms
    assert not {"vocalsound", "disfmarker"} & set(terms["d:t1"]) and "landlord" in terms["d:t1"]
    assert {"landlord", "eviction"} <= set(terms["d:t2"])
    assert {"tenant", "organise"} <= set(terms["d:t3"])
    assert {"budget", "levy"} <= set(terms["d:t4"])
    assert terms["d:t5"] == ["dear", "levy"]


def test_a_first_name_written_in_lower_case_is_a_name_but_a_word_that_is_one_is_not():
    # meeting transcripts write "eva" in lower case (ICSI); "grace" and "mark" are words
    turns = [("P1", "we asked eva about the grace period and the budget mark"),
             ("P2", "eva said the budget holds")]
    segments, documents = corpus({"d": turns})
    names = name_words(segments, segment_terms(segments, documents))
    assert "eva" in names and not {"grace", "mark", "budget"} & names


def test_k_report_warns_at_the_edge_and_auto_widens_the_range():
    segments, documents, _ = meetings(n_docs=6, run=8)      # three topics
    book = Codebook({})
    calls = {"context": 3}                                   # calls of 24 turns
    edge = cluster_segments(segments, documents, NO_CODINGS, book, scope="all",
                            k_range=(2, 3), **calls)
    assert edge.k_report.loc[edge.k_report["chosen"], "k"].tolist() == [3]
    assert edge.notes == ["the best k (3) is the top of the range searched: try --k auto "
                          "or a wider --k-range"]
    auto = cluster_segments(segments, documents, NO_CODINGS, book, scope="all", k="auto",
                            k_range=(2, 3), **calls)
    assert auto.k_report["k"].max() > 3 and auto.notes == []
    assert auto.k_report.loc[auto.k_report["chosen"], "k"].iloc[0] < auto.k_report["k"].max()
    single = cluster_segments(segments, documents, NO_CODINGS, book, scope="all",
                              k_range=(3, 3), **calls)
    assert single.notes == []                       # one k: nothing to compare


def test_k_search_takes_the_smallest_k_scoring_near_the_best_not_the_top_edge():
    # the sample study's residual (353 segments): the score creeps up with k, and the
    # best (k=16) was the top of the range; k=11 scores within 20% of it
    report = pd.DataFrame({
        "k": range(4, 17),
        "smallest": [54, 46, 28, 25, 18, 18, 22, 19, 20, 11, 12, 11, 9],
        "score": [0.0238, 0.0359, 0.0309, 0.0395, 0.049, 0.0499, 0.0396, 0.0514, 0.0521,
                  0.0491, 0.0539, 0.0472, 0.0634]})
    chosen_report, chosen = _rechoose(report, min_size=5)
    assert chosen == 11 and chosen_report["chosen"].sum() == 1
    assert chosen_report.loc[chosen_report["chosen"], "k"].item() == 11
    # a k whose smallest cluster is under min_size is not chosen, however near it scores
    assert _rechoose(report.assign(smallest=[54] * 7 + [3] + [20] * 5), 5)[1] == 12
    # a clear best is kept
    assert _rechoose(report.assign(score=[0.1] * 12 + [0.5]), 5)[1] == 16


def test_min_size_merges_small_clusters():
    segments, documents, _ = meetings(n_docs=2, run=8)
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k=10, context=0, boundaries=False, min_size=6)
    assert result.clusters["size"].min() >= 6
    assert any("merged into their nearest cluster" in n for n in result.notes)


def test_wordllama_meaning_is_added_to_the_features_on_request():
    segments, documents, truth = meetings()
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all", k=3,
                              context=3, semantic="wordllama")
    assert result.features.vectors.shape[1] > 256          # TF-IDF SVD + 256 WordLlama
    found = result.assignments
    assert adjusted_rand_score(found["seg_id"].map(truth), found["cluster_id"]) >= 0.8
    with pytest.raises(DialogcodeError, match="semantic must be one of none, wordllama"):
        cluster_segments(segments, documents, NO_CODINGS, Codebook({}), semantic="bert")


def test_boundaries_on_one_run_of_talk_cluster_the_segments_one_by_one():
    turns = [("P1", "The rent keeps rising and families get evicted from the flats."),
             ("P2", "Landlords raise the rent every spring and tenants cannot pay."),
             ("P1", "Our garden harvest fed the seniors at the community centre."),
             ("P2", "The seniors shared vegetables from the garden with neighbours."),
             ("P1", "Evictions follow when the rent doubles and wages stay flat."),
             ("P2", "Volunteers planted the garden beds beside the seniors centre.")]
    segments, documents = corpus({"d": turns})
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k_range=(2, 3), context=0, boundaries=True)
    assert len(result.assignments) == 6 and result.assignments["cluster_id"].nunique() >= 2
    assert "only 1 run(s) of talk: segments were clustered one by one instead" in \
        result.notes


def test_cluster_quotes_put_the_studys_staff_last():
    # "Maria" is a facilitator only by the study's speaker_roles: her words, the most
    # central of the first cluster, go after the participants' once the roles are given
    rent = ["The rent keeps rising and families get evicted from the flats.",
            "Landlords raise the rent every spring and tenants get evicted.",
            "Evictions follow when the rent doubles and families cannot pay.",
            "Tenants fear eviction because the rent rises faster than pay."]
    garden = ["Our garden harvest fed the seniors at the community centre.",
              "The seniors shared vegetables from the garden with neighbours.",
              "Volunteers planted the garden beds beside the seniors centre.",
              "The garden gave the seniors fresh vegetables all summer long."]
    speakers = ["Maria", "P2", "Maria", "P3"]
    segments, documents = corpus({"d": list(zip(speakers * 2, rent + garden))})

    def first_speakers(**roles):
        result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                                  k=2, context=0, boundaries=False, min_size=1, **roles)
        quotes = result.quotes
        return quotes.loc[quotes["rank"] == 1, "speaker"].tolist(), quotes

    first, _ = first_speakers()
    assert "Maria" in first
    first, quotes = first_speakers(roles=speaker_roles({"Maria": "facilitator"}))
    assert "Maria" not in first
    assert (quotes.loc[quotes["speaker"] == "Maria", "rank"] == 3).all()


def test_clustering_gives_back_the_blas_threads_even_when_it_fails():
    # cluster_segments runs on one BLAS thread; a notebook must get its threads back,
    # also after an error
    from threadpoolctl import threadpool_info, threadpool_limits

    segments, documents, _ = meetings()
    with threadpool_limits(limits=2):
        before = [pool["num_threads"] for pool in threadpool_info()]
        with pytest.raises(DialogcodeError, match="k must be between"):
            cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                             k=500)
        assert [pool["num_threads"] for pool in threadpool_info()] == before
        cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all", k=3)
        assert [pool["num_threads"] for pool in threadpool_info()] == before


def test_fillers_sounds_fragments_and_numbers_of_real_talk_never_make_a_label():
    # on the ICSI and AMI meetings "th" (a cut-off word: "th the reason") was a label
    # term of 20 clusters in 265, "cuz" of 3, "nnn" and "kay" of others; the NYC hearing
    # labelled a cluster "resident resident" (a name people signed in with); acronyms
    # written in capitals (XML, TV) are terms a researcher wants
    rng = random.Random(4)
    turns = []
    for i in range(40):
        if i < 20:
            words = ["XML", "parser", "schema", "TV"]
            junk = rng.sample(["th the", "cuz", "nnn", "Mmm", "sooo", "'kay", "seven",
                               "resident resident", "oops", "blah blah"], 4)
        else:
            words = ["rent", "landlord", "eviction", "housing"]
            junk = []
        turns.append(("P1", f"So {junk[0] if junk else 'the'} {rng.choice(words)} and "
                            f"{junk[1] if junk else 'the'} {words[1]} {' '.join(junk[2:])} "
                            f"with the {rng.choice(words)}."))
    segments, documents = corpus({"d": turns})
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k=2, context=0)
    terms = {t for row in result.clusters["terms"] for t in row.split("; ")}
    words = {w for t in terms for w in t.split()}
    assert not words & {"th", "cuz", "nnn", "mmm", "sooo", "kay", "seven", "oops",
                        "blah"}, terms
    assert "resident resident" not in terms
    assert {"xml", "schema", "tv"} <= words and {"landlord", "eviction"} <= words


def test_a_role_in_the_speaker_labels_stays_a_term_but_a_speakers_name_does_not():
    # the AMI meetings' speakers are roles: "User Interface", "Marketing", "Project
    # Manager"; every word of a speaker label was taken for a name, so a meeting about
    # the user interface and the marketing report could never be labelled so (nor a
    # study's talk about community once a speaker was a "Community Member")
    rng = random.Random(5)
    speakers = ["User Interface", "Marketing", "Project Manager", "Community Member",
                "Claire", "Grace"]
    turns = []
    for i in range(40):
        words = (["user interface", "buttons", "menu", "screen layout"] if i < 20
                 else ["marketing report", "community survey", "customers", "trends"])
        turns.append((speakers[i % 6], f"So the {rng.choice(words)} and the {words[1]} "
                                       f"with Claire and Grace, then the {rng.choice(words)}."))
    segments, documents = corpus({"d": turns})
    names = name_words(segments, segment_terms(segments, documents))
    assert {"claire", "grace"} <= names
    assert not {"user", "interface", "marketing", "project", "manager", "community"} & names
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k=2, context=0)
    terms = {t for row in result.clusters["terms"] for t in row.split("; ")}
    assert {"user interface", "marketing report"} <= terms, terms
    assert not {w for t in terms for w in t.split()} & {"claire", "grace"}


def test_a_surname_with_a_capital_inside_is_a_name_when_written_mid_sentence():
    # the NYC hearing labelled a cluster "tax incentive / historic / proposal" with
    # "mccarthy" among its terms: "Carol McCarthy" was never read as capitalised
    # mid-sentence, the pattern wanting small letters only after the first capital
    turns = [("1", "My name is Carol McCarthy and I rent in Queens."),
             ("2", "Next is Harold McCarthy, then the DeBlasio plan for XML feeds."),
             ("3", "we asked about the McCarthy tax incentive and what DeBlasio did")]
    segments, documents = corpus({"d": turns})
    names = name_words(segments, segment_terms(segments, documents))
    assert {"mccarthy", "deblasio"} <= names and not {"xml", "rent", "tax"} & names


def test_a_speakers_surname_stays_a_name_even_when_an_english_dictionary_knows_it():
    # roles were told from names by privacy's `ordinary`, which holds WordNet's index:
    # there "johnson", "rivera", "chen", "washington" and "mccarthy" are words, so a
    # speaker "Council Member Johnson" no longer kept "johnson" out of every label
    speakers = ["Council Member Johnson", "Council Member Rivera", "Dr. Chen",
                "Carol McCarthy", "Washington", "Community Member", "Project Manager"]
    turns = [(s, f"the {s.split()[-1].lower()} plan for the rent") for s in speakers]
    segments, documents = corpus({"d": turns})
    names = name_words(segments, segment_terms(segments, documents))
    assert {"johnson", "rivera", "chen", "mccarthy", "washington", "carol"} <= names
    assert not {"council", "member", "community", "project", "manager"} & names


def test_a_number_word_that_counts_is_no_term_but_zero_names_a_thing():
    # every term holding a number word (spaCy's like_num) was dropped, so "zero
    # tolerance" (or "net zero") could never be a term; a number word alone ("seven")
    # or one that counts ("seven months", "million dollars") says how many, not what
    # about. (Ordinals are read as digits by the blank pipeline's lookup lemmatizer,
    # "fifth" -> 5, and such digits stay out of terms: only digits written as digits
    # can name a thing, test_a_number_that_names_a_thing_is_a_term_but_...)
    turns = [("P1", "Zero tolerance for the zero tolerance rule, zero."),
             ("P2", "For seven months and a million dollars, seven of them.")]
    segments, documents = corpus({"d": turns})
    terms = theme_terms(segment_terms(segments, documents))
    kept = {t for found in terms.terms.values() for t in found}
    assert {"zero tolerance", "tolerance", "month", "dollar"} <= kept, kept
    assert not kept & {"zero", "seven", "million", "seven month", "million dollar"}, kept


def test_a_doubled_letter_written_in_capitals_is_an_acronym_not_a_sound():
    # "aa" (one letter repeated) was dropped whatever the case, so a study's talk of
    # AA meetings (Alcoholics Anonymous) lost its main term; a letter drawn out in
    # capitals ("BEEEEEEP" spelled out in an ICSI meeting) is still a sound
    rng = random.Random(7)
    turns = []
    for i in range(40):
        if i < 20:
            words = ["AA meetings", "sponsor", "sobriety", "relapse"]
            turns.append(("P1", f"So the {rng.choice(words)} and the {words[0]} with the "
                                f"{rng.choice(words)}, AA."))
        else:
            words = ["rent", "landlord", "eviction", "housing"]
            turns.append(("P2", f"So the {rng.choice(words)} and the {words[1]} with the "
                                f"{rng.choice(words)}, BEEEEEEP."))
    segments, documents = corpus({"d": turns})
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k=2, context=0)
    terms = {t for row in result.clusters["terms"] for t in row.split("; ")}
    words = {w for t in terms for w in t.split()}
    assert "aa" in words and "beeeeeep" not in words, terms    # a sound drawn out is none


def test_an_acronym_in_the_plural_is_an_acronym_not_a_sound():
    # "TVs" and "PCs" were read as written in small letters (the capitals wanted no
    # letter after them), so a word without a vowel said mostly in the plural was
    # taken for a sound and dropped; "mmm" and "th" still are sounds
    turns = [("P1", "The TVs and the PCs in the lab, two TVs, the old PCs, a TV."),
             ("P2", "mmm th the TVs, mmm, and PCs with th the lab."),
             ("P3", "The gym, the rhythm of the hymn, a myth, a lynch mob, shy and dry.")]
    segments, documents = corpus({"d": turns})
    terms = segment_terms(segments, documents)
    sounds = sound_words(segments, terms)
    assert not sounds & {"tv", "tvs", "pc", "pcs"}, sounds
    assert {"mmm", "th"} <= sounds
    # y is a vowel here: words like these are words, not sounds
    assert not sounds & {"gym", "rhythm", "hymn", "myth", "lynch", "shy", "dry"}, sounds


def test_an_acronym_in_lower_case_captions_is_an_acronym_not_a_sound():
    # captions written all in small letters (YouTube's automatic ones) give no capitals
    # to tell an acronym from a sound, so every word without a vowel was dropped:
    # "ptsd", "hpd" and "tv" as well as "th" and "mmm"
    turns = [("1", "mmm the ptsd clinic and th the hpd office, the tv ads about ptsd"),
             ("2", "th the hpd inspectors, mmm, ptsd and the tv news about hpd")]
    segments, documents = corpus({"d": turns})
    sounds = sound_words(segments, segment_terms(segments, documents))
    assert not sounds & {"ptsd", "hpd", "tv"}, sounds
    assert {"mmm", "th"} <= sounds


def test_a_cut_off_word_the_speaker_restarts_is_no_term_but_a_real_short_word_is():
    # the ICSI meetings write false starts with a vowel: "tha - that" (77 times, a
    # restart in 33), "wha - what", "becau - because"; they had no vowel rule to catch
    # them and could become terms; a real word said again longer ("the plan planning")
    # or a short word never restarted ("tax", "gym") is a word
    turns = [("A", "tha - that's the budget and the tax, tha {disfmarker} that grant"),
             ("B", "wha what about the audit, becau because the plan planning team"),
             ("C", "the gym and the tax, the plan for the tha that audit"),
             ("D", "wha - what gym, becau - because the car cars and the plan")]
    segments, documents = corpus({"d": turns})
    sounds = sound_words(segments, segment_terms(segments, documents))
    assert {"tha", "wha", "becau"} <= sounds, sounds
    assert not sounds & {"plan", "tax", "gym", "car", "budget", "audit", "grant"}, sounds


def test_a_surname_that_is_an_everyday_word_on_no_list_is_a_name_in_a_name_like_label():
    # "Chin" of "Margaret Chin" and "Press" of "Robert Press" (an NYC hearing speaker)
    # are on no surname list and are dictionary words, so they passed as role words: in
    # captions in small letters ("thanks council member chin") nothing else caught them
    # and they could label a cluster. The words of a label the privacy gate reads as a
    # name are names; a role ("Project Manager", "Faith Leader") stays a role
    rng = random.Random(6)
    speakers = ["Margaret Chin", "Council Member Robert Press", "Project Manager",
                "Faith Leader"]
    turns = []
    for i in range(40):
        words = (["rent", "landlord", "eviction", "housing"] if i < 20
                 else ["garden", "harvest", "compost", "seeds"])
        turns.append((speakers[i % 4], f"so thanks chin and press, the {rng.choice(words)} "
                                       f"and the {words[1]} with the {rng.choice(words)}, "
                                       "the project manager and the faith leader"))
    segments, documents = corpus({"d": turns})
    names = name_words(segments, segment_terms(segments, documents))
    assert {"margaret", "chin", "robert", "press"} <= names, names
    # ("faith", a first name of the lists, is a name as "grace" is; "leader" is not)
    assert not {"council", "member", "project", "manager", "leader"} & names, names
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k=2, context=0)
    words = {w for row in result.clusters["terms"] for t in row.split("; ") for w in t.split()}
    assert not words & {"chin", "press"}, words
    assert {"landlord", "harvest"} <= words, words


def test_a_number_that_names_a_thing_is_a_term_but_a_count_date_or_time_is_not():
    # digits were never terms, so the NYC hearing's "485x" and "421a" (tax programs),
    # "R6" (a zoning district), "32BJ" (a union) or a study's "COVID-19" and "Section
    # 8" vouchers could not label a theme; a count ("2 kids", "100 units"), a year, a
    # decade, an ordinal, a time or a multiple says how many or when, not what about
    turns = [("P1", "The Section 8 vouchers and COVID-19 rent relief, 2 kids, 100 units."),
             ("P2", "In 2019 the R6 district and the 485x program, at 9:30 or 10pm."),
             ("P3", "Section 8 landlords since the 1960s, the 2nd floor, 3x the rent."),
             ("P4", "COVID-19 hit the R6 zones and the 485x deals of 32BJ, 10 minutes."),
             ("P5", "The vouchers ended on Friday 12, in August 2019, by March 3."),
             ("P6", "Hello P1 and P2, the vouchers and the R6 rent."),
             # a case number or a plate is an identifier the privacy scan does not find
             ("P7", "My case AB12345 and the plate 7ABC123, Room 1234."),
             ("P8", "Case AB12345 again, the plate 7ABC123 and Room 1234.")]
    segments, documents = corpus({"d": turns})
    terms = segment_terms(segments, documents)
    banned = sound_words(segments, terms) | name_words(segments, terms)
    kept = {t for found in theme_terms(terms, banned).terms.values() for t in found}
    assert {"section 8", "covid-19", "r6", "485x", "32bj", "voucher"} <= kept, kept
    assert not kept & {"8", "2", "100", "2019", "1960s", "2nd", "9:30", "10", "3x",
                       "10pm", "10 minute", "100 unit", "2 kid", "august 2019",
                       "friday 12", "march 3", "p1", "p2", "ab12345", "7abc123",
                       "room 1234"}, kept     # P1: a speaker
    named = {"covid-19", "r6", "485x", "32bj"}
    assert all(t == "section 8" or named & set(t.split())
               for t in kept if any(c.isdigit() for c in t)), kept


def test_one_persons_flat_username_case_number_or_postcode_never_labels_a_theme():
    # a word of letters and digits became a term in i-themes2, so what one participant
    # says again and again about herself ("flat 4B", "maria88", "AB123", "E1 6AN": no
    # pattern of the privacy scan finds them) led her cluster's label and became a new
    # code of the codebook patch; nor does one conversation's number, however many of its
    # speakers say it (Dee, her interviewer and her son); a number people share
    # ("covid-19", said by three speakers in two documents) still names a theme
    rng = random.Random(4)
    turns = {"a": [], "b": []}
    for i in range(24):
        if i % 2:
            words = ["garden", "harvest", "compost", "seeds"]
            speaker, doc = ["Ana", "Ben", "Cy"][i % 3], "ab"[i % 4 // 2]
            text = f"the covid-19 {rng.choice(words)} and the {words[1]} {rng.choice(words)}"
        else:
            words = ["rent", "landlord", "eviction", "repairs"]
            speaker, doc = ["Dee", "Interviewer", "Son"][i % 3], "a"
            text = (f"my flat 4B and maria88 online, case AB123 at E1 6AN, the "
                    f"{rng.choice(words)} and the {words[1]} {rng.choice(words)}")
        turns[doc].append((speaker, text))
    segments, documents = corpus(turns)
    result = cluster_segments(segments, documents, NO_CODINGS, Codebook({}), scope="all",
                              k=2, context=0)
    patch = codebook_patch(result, segments, documents,
                           pd.DataFrame(columns=["seg_id", "doc_id", "code_id"]), Codebook({}))
    shown = {w for column in ("label", "terms") for value in result.clusters[column]
             for w in value.replace(";", " ").replace("/", " ").split()}
    shown |= {w for code in patch["new_codes"] for t in [code["id"], *code["terms"]]
              for w in t.replace(".", " ").replace("_", " ").split()}
    assert not shown & {"4b", "maria88", "ab123", "e1", "6an"}, shown
    assert {"covid-19", "landlord"} <= shown, shown


def test_a_number_that_counts_an_age_a_time_or_a_measure_is_no_named_number():
    # "18yo", "10mins", "9.30am" or "3pm-5pm" passed as names of things, being no
    # ordinal, decade, time or multiple of the first list: they say how old, how long,
    # when, how much
    counts = ["18yo", "3yo", "25yrs", "2hr", "3hrs", "10mins", "20min", "6mo", "2wks",
              "5lbs", "10km", "30mph", "12noon", "9.30am", "1.5x", "2.5k", "3pm-5pm",
              "10am-2pm", "mid-90s", "2nd", "1960s", "10pm", "3x", "100k", "ab12345"]
    assert not [w for w in counts if named_number(w)]
    assert all(named_number(w) for w in ["covid-19", "485x", "421a", "r6", "32bj", "k-12",
                                         "h1n1", "mp3", "cb9"])


def test_a_day_written_short_before_its_date_makes_no_term():
    # "Sat 12" became the term "sit 12" (the lemma of "Sat" is "sit"), "Thurs 14" and
    # "Fri 9" terms too: only the days and months written in full, or as Jan, Feb ...,
    # were dates; "Section 8" still names a thing
    turns = [(s, "we met on Sat 12, Thurs 14, Tues 3, Wed 5 and Fri 9 about Section 8 rent")
             for s in ("A", "B", "C")]
    segments, documents = corpus({"d": turns})
    terms = segment_terms(segments, documents)
    numbered = {t for found in terms.terms.values() for t in found
                if any(c.isdigit() for c in t)}
    assert numbered == {"section 8"}, numbered
