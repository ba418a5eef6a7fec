"""`dialogcode export --to qdpx`: a REFI-QDA project of the evidence fixture plus a
document with accents, emoji and CRLF line ends; the rules, a model, two coders and two
review decisions; valid against Project.xsd, byte-stable, and read back by
`import-codings` user by user."""
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.agreement import agree
from dialogcode.cli import cli
from dialogcode.codebook import load_codebooks
from dialogcode.coders import coder_path, read_coder
from dialogcode.coding import CODING_COLUMNS
from dialogcode.ingest import load_corpus
from dialogcode.interchange.qdc import guid_for
from dialogcode.review import DECISION_COLUMNS
from dialogcode.store import read_table, write_table

FIXTURE = Path(__file__).parent / "data" / "evidence-study"
PROJECT_XSD = Path(__file__).resolve().parents[2] / "shared" / "refi-qda" / "Project.xsd"
NS = {"q": "urn:QDA-XML:project:1.0"}
# CRLF line ends, accents, an emoji (one code point, two UTF-16 units) and a ZWJ family
# (five code points, eight UTF-16 units) before coded words
MARKET = ("Facilitator: Qué pasa en el mercado?\r\n\r\nP1: Los vecinos 😀 dicen que the rent "
          "is late again.\r\n\r\nP2: Café together every Sunday 👩‍👩‍👧, we stand "
          "together.\r\n").encode("utf-8")
USERS = ["rules", "model", "ana", "ben"]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def fails(result, *expected):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, (text, result.output)


def new_study(root: Path) -> Path:
    """The fixture's transcripts, manifest, codebook and lessons plus the market
    document, ingested."""
    shutil.copytree(FIXTURE, root)
    (root / "transcripts" / "south" / "market.txt").write_bytes(MARKET)
    with open(root / "manifest.csv", "a", encoding="utf-8") as manifest:
        manifest.write("south/market.txt,South,site_visit_dialogue,2019-06-01,South market,"
                       "mid-year\n")
    assert invoke("ingest", root, "-q").exit_code == 0
    return root


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    """Coded by the rules; two model codings as `dialogcode code` writes them once a
    model is learned (learning is tested in test_learning.py); ana's spans imported from
    an offsets table and ben's whole-segment codings; ana rejected a rule coding and
    cleo added a code in review. ana's codings join the final codings, ben's do not."""
    root = new_study(tmp_path_factory.mktemp("qdpx") / "study")
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as config:
        # the texts exported as they are (the privacy gate on them: test_privacy.py)
        config.write("final_coders: [ana]\nprivacy:\n  gate: off\n")
    assert invoke("code", root).exit_code == 0
    opened = Study.open(root)
    corpus, book = load_corpus(opened), load_codebooks(opened.codebook_files())
    segments = corpus.segments.set_index("seg_id")
    model = pd.DataFrame([
        {"seg_id": seg, "doc_id": segments.at[seg, "doc_id"], "code_id": code,
         "start": segments.at[seg, "start"], "end": segments.at[seg, "end"],
         "quote": segments.at[seg, "text"], "source": "model", "rule_id": "model",
         "score": score, "codebook_version": book.version_of(code)}
        for seg, code, score in (("north/closing:t3", "risk.money", 0.81),
                                 ("south/market:t1", "connection", 0.6634))])
    rules = read_table(opened.out, "codings", hint="")
    write_table(pd.concat([rules, model], ignore_index=True)[CODING_COLUMNS], opened.out,
                "codings")
    texts = dict(zip(corpus.documents["doc_id"], corpus.documents["text"]))
    spans = [("south/market", "rent is late"), ("south/market", "Café together"),
             ("north/kickoff", "Wages are low"), ("north/closing", "Neighbours")]
    rows = [f"{doc},{texts[doc].index(q)},{texts[doc].index(q) + len(q)},"
            f"{'risk.housing' if 'rent' in q else 'connection'}" for doc, q in spans]
    (root / "ana.csv").write_text("document,start,end,code\n" + "\n".join(rows) + "\n",
                                  encoding="utf-8")
    assert invoke("import-codings", root / "ana.csv", root, "--coder", "ana").exit_code == 0
    (root / "codings" / "ben.csv").write_text(
        "seg_id,code_id\nsouth/visit:t2,risk.money\nsouth/market:t3,connection\n"
        "south/market:t3,risk.money\nnorth/closing:t1,\n", encoding="utf-8")
    hashes = dict(zip(corpus.documents["doc_id"], corpus.documents["sha256"]))
    decisions = pd.DataFrame(
        [["north/kickoff:t3", "risk.housing", "reject", "rule", "ana", "", hashes["north/kickoff"]],
         ["south/closing:t1", "risk.money", "accept", "reviewer", "cleo", "money talk",
          hashes["south/closing"]]], columns=DECISION_COLUMNS[:7])     # no decided_at
    decisions.to_csv(root / "decisions.csv", index=False)
    return root


def export(study: Path, path: Path, *options) -> tuple[ET.Element, dict[str, bytes], Path]:
    """(the project element, the archive's members in order, the archive)."""
    result = invoke("export", study, "--to", "qdpx", "-o", path, *options)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return ET.fromstring(members["project.qde"]), members, path


@pytest.fixture(scope="module")
def final(study, tmp_path_factory):
    return export(study, tmp_path_factory.mktemp("final") / "final.qdpx")


@pytest.fixture(scope="module")
def every(study, tmp_path_factory):
    return export(study, tmp_path_factory.mktemp("every") / "every.qdpx", "--every-source")


def selections(root: ET.Element, members: dict[str, bytes], *_) -> list[dict]:
    """Every coded selection: document, user name, code id, span, text and Description."""
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    codes = {c.get("guid"): c.findtext("q:Description", namespaces=NS).rsplit(": ", 1)[1]
             for c in root.iter("{urn:QDA-XML:project:1.0}Code")}
    out = []
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        path = "sources/" + source.get("plainTextPath").removeprefix("internal://")
        text = members[path].decode("utf-8")
        for selection in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            coding = selection.find("q:Coding", NS)
            out.append({"doc": source.get("name"), "user": users[coding.get("creatingUser")],
                        "code": codes[coding.find("q:CodeRef", NS).get("targetGUID")],
                        "start": start, "end": end, "text": text[start:end],
                        "description": selection.findtext("q:Description", namespaces=NS),
                        "notes": [n.get("targetGUID")
                                  for n in selection.iterfind("q:NoteRef", NS)]})
    return out


@pytest.mark.skipif(not PROJECT_XSD.is_file(),
                    reason="REFI-QDA schemas (../shared/refi-qda) absent")
@pytest.mark.parametrize("which", ["final", "every"])
def test_the_project_is_valid_refi_qda(which, request):
    xmlschema = pytest.importorskip("xmlschema")
    root, members, _ = request.getfixturevalue(which)
    xmlschema.XMLSchema(str(PROJECT_XSD)).validate(members["project.qde"].decode("utf-8"))
    assert list(members)[0] == "project.qde"
    assert all(name.startswith("sources/") for name in list(members)[1:])


def test_documents_codebook_cases_and_variables(final, study):
    root, members, _ = final
    corpus = load_corpus(Study.open(study))
    texts = dict(zip(corpus.documents["doc_id"], corpus.documents["text"]))
    sources = root.findall("q:Sources/q:TextSource", NS)
    assert [s.get("name") for s in sources] == sorted(texts)
    for source in sources:       # the normalised text: LF line ends, UTF-8 without BOM
        path = "sources/" + source.get("plainTextPath").removeprefix("internal://")
        assert members[path] == texts[source.get("name")].encode("utf-8")
    assert b"\r" not in members[path]
    risks = root.find("q:CodeBook/q:Codes/q:Code", NS)
    assert (risks.get("name"), risks.get("isCodable"), risks.get("guid")) == \
        ("Risks", "false", guid_for("risk"))
    housing = risks.find("q:Code", NS)
    assert housing.get("isCodable") == "true"
    assert housing.findtext("q:Description", namespaces=NS) == \
        "Definition: Rent and evictions.\n\ndialogcode id: risk.housing"
    guids = {s.get("name"): s.get("guid") for s in sources}
    cases = {c.get("name"): [r.get("targetGUID") for r in c.iterfind("q:SourceRef", NS)]
             for c in root.iterfind("q:Cases/q:Case", NS)}
    assert cases == {"North": [guids["north/closing"], guids["north/kickoff"]],
                     "South": [guids[d] for d in ("south/closing", "south/market", "south/visit")]}
    variables = {v.get("guid"): (v.get("name"), v.get("typeOfVariable"))
                 for v in root.iterfind("q:Variables/q:Variable", NS)}
    assert sorted(variables.values()) == [("date", "Date"), ("event_type", "Text"),
                                          ("phase", "Text"), ("site", "Text")]
    market = next(s for s in sources if s.get("name") == "south/market")
    values = {variables[v.find("q:VariableRef", NS).get("targetGUID")][0]: v[1].text
              for v in market.iterfind("q:VariableValue", NS)}
    assert values == {"site": "South", "event_type": "site_visit_dialogue",
                      "date": "2019-06-01", "phase": "mid-year"}


def test_final_codings_by_user_with_review_applied(final):
    found = selections(*final)
    users = {s["user"] for s in found}
    assert users == {"dialogcode rules", "dialogcode model", "ana", "cleo"}   # not ben
    rejected = [s for s in found if s["doc"] == "north/kickoff" and s["text"] == "rent"
                and s["start"] == 115]
    assert rejected == []
    (added,) = [s for s in found if s["user"] == "cleo"]
    assert (added["doc"], added["code"], added["text"]) == \
        ("south/closing", "risk.money", "We meet together every week.")
    assert added["description"] == "source: reviewer\nreview: accepted by cleo (money talk)"
    model = [s for s in found if s["user"] == "dialogcode model"]
    assert sorted(s["description"] for s in model) == ["source: model\nscore: 0.6634",
                                                       "source: model\nscore: 0.8100"]
    rule = next(s for s in found if s["text"] == "Debt")
    assert rule["description"] == "source: rule\nrule: term:debt"


def test_positions_count_code_points(final):
    market = [s for s in selections(*final) if s["doc"] == "south/market"]
    rent = next(s for s in market if s["user"] == "dialogcode rules" and s["text"] == "rent")
    # 70 code points in; 71 UTF-16 units and 74 UTF-8 bytes
    assert rent["start"] == 70
    last = max((s for s in market if s["text"] == "together"), key=lambda s: s["start"])
    assert last["start"] == 138      # after the family emoji: 5 code points, 8 UTF-16 units
    assert {s["text"] for s in market if s["user"] == "ana"} == {"rent is late", "Café together"}


def test_lessons_are_notes_linked_to_their_evidence(final, study):
    root, members, _ = final
    notes = {n.get("name"): n for n in root.iterfind("q:Notes/q:Note", NS)}
    assert list(notes) == ["Lesson: connection-grew", "Lesson: money-south",
                           "Lesson: leads-on-risk"]
    money = notes["Lesson: money-south"]
    text = members["sources/" + money.get("plainTextPath").removeprefix("internal://")]
    assert text.decode("utf-8").startswith(
        "Lesson learned: Money worries were a southern story.\n\n"
        "Evidence: codes risk.money (sites: South)\n\nIn the final codings: ")
    linked = {(s["doc"], s["text"], s["user"]) for s in selections(*final)
              if money.get("guid") in s["notes"]}
    assert linked == {("south/visit", "Debt", "dialogcode rules"),
                      ("south/visit", "Wages", "dialogcode rules"),
                      ("south/closing", "We meet together every week.", "cleo")}


def test_every_source_keeps_rejected_codings_and_every_coder(every):
    found = selections(*every)
    assert {s["user"] for s in found} == {"dialogcode rules", "dialogcode model", "ana",
                                          "ben", "cleo"}
    (rejected,) = [s for s in found if s["doc"] == "north/kickoff" and s["start"] == 115]
    assert rejected["description"] == "source: rule\nrule: term:rent\nreview: rejected by ana"
    assert not rejected["notes"]     # not in the final codings, so no lesson's evidence


def test_two_exports_are_identical_and_codings_keep_their_guids(final, every, study,
                                                               tmp_path):
    _, _, again = export(study, tmp_path / "again.qdpx")
    assert again.read_bytes() == final[2].read_bytes()
    tag = "{urn:QDA-XML:project:1.0}PlainTextSelection"
    guids = {s.get("guid") for s in final[0].iter(tag)}
    assert guids < {s.get("guid") for s in every[0].iter(tag)}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A new study built from the same transcripts, with no codings."""
    return new_study(tmp_path_factory.mktemp("fresh") / "study")


@pytest.mark.parametrize("user", USERS)
def test_round_trip_gives_each_user_back_exactly(user, study, every, fresh):
    result = invoke("import-codings", every[2], fresh, "--coder", f"{user}_back", "--user", user)
    assert result.exit_code == 0, result.output
    opened = Study.open(study)
    corpus = load_corpus(opened)
    if user in ("rules", "model"):
        codings = read_table(opened.out, "codings", hint="")
        original = codings[codings["source"] == user.rstrip("s")]
    else:
        original = read_coder(coder_path(opened, user), corpus.segments, user).dropna(
            subset=["code_id"])
    segments = corpus.segments.set_index("seg_id")
    texts = dict(zip(corpus.documents["doc_id"], corpus.documents["text"]))
    start = original["start"].fillna(original["seg_id"].map(segments["start"])).astype(int)
    end = original["end"].fillna(original["seg_id"].map(segments["end"])).astype(int)
    expected = {(s, d, c, a, b, texts[d][a:b]) for s, d, c, a, b in zip(
        original["seg_id"], original["doc_id"], original["code_id"], start, end)}
    back = pd.read_csv(coder_path(Study.open(fresh), f"{user}_back"), keep_default_na=False)
    assert {tuple(r) for r in back[["seg_id", "doc_id", "code_id", "start", "end",
                                    "quote"]].itertuples(index=False)} == expected
    for row in original.dropna(subset=["quote"]).itertuples():   # spans, not segments
        assert row.quote == texts[row.doc_id][int(row.start):int(row.end)]
    fresh_corpus = load_corpus(Study.open(fresh))
    result = agree({user: original, "back": back}, fresh_corpus.segments,
                   documents=fresh_corpus.documents)
    assert (result.per_code["percent_agreement"] == 1.0).all()


def test_import_names_the_users_when_one_is_unknown(every, fresh):
    fails(invoke("import-codings", every[2], fresh, "--coder", "x", "--user", "zoe"),
          "no User named 'zoe' in the project (users: ana, ben, cleo, dialogcode model, "
          "dialogcode rules)")


def test_changed_documents_export_nothing(study, tmp_path):
    root = tmp_path / "changed"
    shutil.copytree(study, root)
    kickoff = root / "transcripts" / "north" / "kickoff.txt"
    kickoff.write_text("Facilitator: Before we start.\n\n" + kickoff.read_text(), encoding="utf-8")
    assert invoke("ingest", root, "-q").exit_code == 0
    result = invoke("export", root, "--to", "qdpx")
    fails(result, "codings.parquet: 4 codings of document 'north/kickoff' no longer match "
                  "its text; run `dialogcode code`",
          "codings/ana.csv: rows of document 'north/kickoff' were coded on other text "
          "(its sha256 differs from the document's)",
          "decisions.csv: decisions on document 'north/kickoff' were made on other text "
          "(its sha256 differs from the document's)", "nothing exported")
    assert not (root / "out" / "study.qdpx").exists()


def test_output_inside_transcripts_is_refused(study):
    fails(invoke("export", study, "--to", "qdpx", "-o", study / "transcripts" / "p.qdpx"),
          "p.qdpx: refused: inside the transcripts folder")
    assert not (study / "transcripts" / "p.qdpx").exists()


def test_bad_usage(study, tmp_path):
    result = invoke("export", study, "--to", "xlsx", "--to", "qdpx", "-o", tmp_path / "p.qdpx")
    assert result.exit_code == 2 and "-o is a folder (a file is for --to qdpx alone)" in \
        result.output
    result = invoke("export", study, "--to", "xlsx", "--every-source")
    assert result.exit_code == 2 and "--every-source is an option of --to qdpx" in result.output


def test_with_other_formats_the_project_goes_into_the_folder(study, tmp_path):
    result = invoke("export", study, "--to", "csv", "--to", "qdpx", "-o", tmp_path / "both")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "both" / "csv" / "codings.csv").is_file()
    assert zipfile.is_zipfile(tmp_path / "both" / "study.qdpx")


def test_a_coders_span_over_several_turns_is_one_selection_and_comes_back(tmp_path):
    # north/kickoff: t2 44-91 "The rent ... evicted.", t3 97-128 "Wages are low, so rent
    # is late.", t4 134-140 "Mm-hm."; sam's housing span runs from t2 into t4 and is
    # written as three rows; the two money spans do not abut (t3's ends before its end)
    root = new_study(tmp_path / "study")
    with open(root / "dialogcode.yaml", "a", encoding="utf-8") as config:
        config.write("privacy:\n  gate: off\n")
    assert invoke("code", root).exit_code == 0
    (tmp_path / "sam.csv").write_text(
        "document,start,end,code\nnorth/kickoff,60,139,risk.housing\n"
        "north/kickoff,100,120,risk.money\nnorth/kickoff,134,139,risk.money\n",
        encoding="utf-8")
    assert invoke("import-codings", tmp_path / "sam.csv", root, "--coder", "sam"
                  ).exit_code == 0
    project = export(root, tmp_path / "sam.qdpx")
    found = selections(*project)
    sam = sorted((s["code"], s["start"], s["end"]) for s in found if s["user"] == "sam")
    assert sam == [("risk.housing", 60, 139), ("risk.money", 100, 120),
                   ("risk.money", 134, 139)]
    rules = read_table(Study.open(root).out, "codings", hint="")
    assert sum(s["user"] == "dialogcode rules" for s in found) == len(
        rules.drop_duplicates(["doc_id", "start", "end", "code_id"]))   # one per coding
    fresh = new_study(tmp_path / "fresh")
    result = invoke("import-codings", project[2], fresh, "--coder", "sam", "--user", "sam")
    assert result.exit_code == 0, result.output
    columns = ["seg_id", "code_id", "start", "end", "quote"]
    before = pd.read_csv(root / "codings" / "sam.csv")[columns]
    back = pd.read_csv(fresh / "codings" / "sam.csv")[columns]
    assert len(before) == 5 and before.equals(back)


def test_whole_turns_coded_one_by_one_meet_in_one_selection_and_come_back(tmp_path):
    # the tables cannot tell two whole-turn codings of t2 and t3 from one span over both
    root = new_study(tmp_path / "study")
    (root / "codings").mkdir()
    (root / "codings" / "ann.csv").write_text(
        "seg_id,code_id\nnorth/kickoff:t2,connection\nnorth/kickoff:t3,connection\n",
        encoding="utf-8")
    assert invoke("code", root).exit_code == 0
    project = export(root, tmp_path / "ann.qdpx")
    ann = [(s["start"], s["end"]) for s in selections(*project) if s["user"] == "ann"]
    assert ann == [(44, 128)]
    fresh = new_study(tmp_path / "fresh")
    result = invoke("import-codings", project[2], fresh, "--coder", "ann", "--user", "ann")
    assert result.exit_code == 0, result.output
    back = pd.read_csv(fresh / "codings" / "ann.csv")
    assert list(zip(back["seg_id"], back["start"], back["end"])) == [
        ("north/kickoff:t2", 44, 91), ("north/kickoff:t3", 97, 128)]   # each whole turn
