"""import-codings of a REFI-QDA project whose source text another tool stored a little
differently from the transcript: decomposed accents (NFD), or a last line break added or
trimmed. The offsets still name the same words, so the codings land on them."""
import shutil
import unicodedata
import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode import Study
from dialogcode.cli import cli
from dialogcode.coders import coder_path
from dialogcode.ingest import ingest, write_corpus

DATA = Path(__file__).parent / "data" / "evidence-study"
NS = "urn:QDA-XML:project:1.0"
TEXT = "P1: The café raised the rent again.\n\nP2: Zoë got evicted in May.\n"
EMOJI = "P1: Great 😀 news about the rent.\n\nP2: 😀😀 We got evicted.\n"
# a transcript breaking lines with a line separator (before a LF: read as none), a
# paragraph separator and a NEL; ingest reads each as a LF (docs/formats.md)
SEPARATED = "P1: The rent went up.\u2028\nAgain.\u2029\u2029P2: We got evicted\x85in May.\n"


def guid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("qdpx-texts") / "study"
    shutil.copytree(DATA, root)
    (root / "transcripts" / "north" / "cafe.txt").write_text(TEXT, encoding="utf-8")
    (root / "transcripts" / "north" / "chat.txt").write_text(EMOJI, encoding="utf-8")
    (root / "transcripts" / "north" / "lines.txt").write_text(SEPARATED, encoding="utf-8")
    with open(root / "manifest.csv", "a", encoding="utf-8") as manifest:
        manifest.write("north/cafe.txt,North,site_visit_dialogue,2019-05-06,Cafe,mid-year\n"
                       "north/chat.txt,North,site_visit_dialogue,2019-05-07,Chat,mid-year\n"
                       "north/lines.txt,North,site_visit_dialogue,2019-05-08,Lines,"
                       "mid-year\n")
    opened = Study.open(root)
    write_corpus(ingest(opened), opened.out)
    return root


def project(path: Path, name: str, text: str, spans: list[tuple[int, int]]) -> None:
    """A project whose one source, named ``name``, holds ``text`` (stored as a file in
    sources/) and a Housing coding of each span (offsets into ``text``)."""
    selections = "".join(
        f'<PlainTextSelection guid="{guid(f"s{start}")}" startPosition="{start}" '
        f'endPosition="{end}"><Coding guid="{guid(f"c{start}")}"><CodeRef targetGUID='
        f'"{guid("housing")}"/></Coding></PlainTextSelection>' for start, end in spans)
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Project xmlns="{NS}" name="p">\n'
           f'<CodeBook><Codes><Code guid="{guid("housing")}" name="Housing" '
           'isCodable="true"/></Codes></CodeBook>\n<Sources>\n'
           f'<TextSource guid="{guid("t")}" name="{name}" '
           f'plainTextPath="internal://{guid("t")}.txt">{selections}</TextSource>\n'
           "</Sources>\n</Project>\n")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        archive.writestr(f"sources/{guid('t')}.txt", text.encode("utf-8"))


def imported(study: Path, path: Path) -> list[tuple[str, int, int, str]]:
    result = CliRunner().invoke(cli, ["import-codings", str(path), str(study), "--coder",
                                      "tool", "--replace"])
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(coder_path(Study.open(study), "tool"), keep_default_na=False)
    return [(r.seg_id, int(r.start), int(r.end), r.quote) for r in rows.itertuples()]


def spans_of(text: str, *words: str) -> list[tuple[int, int]]:
    return [(text.index(w), text.index(w) + len(w)) for w in words]


def test_decomposed_accents_with_crlf_land_on_the_same_words(study, tmp_path):
    # a tool on a Mac may store é as e + a combining accent: one more code point each
    stored = unicodedata.normalize("NFD", TEXT).replace("\n", "\r\n")
    nfd = [unicodedata.normalize("NFD", w) for w in ("café", "rent", "Zoë got evicted")]
    project(tmp_path / "nfd.qdpx", "Cafe interview", stored, spans_of(stored, *nfd))
    assert imported(study, tmp_path / "nfd.qdpx") == [
        ("north/cafe:t1", 8, 12, "café"), ("north/cafe:t1", 24, 28, "rent"),
        ("north/cafe:t2", 41, 56, "Zoë got evicted")]


def test_a_selection_ending_between_a_letter_and_its_accent_is_refused(study, tmp_path):
    stored = unicodedata.normalize("NFD", TEXT)
    start = stored.index("caf")
    project(tmp_path / "split.qdpx", "north/cafe", stored, [(start, start + 4)])
    result = CliRunner().invoke(cli, ["import-codings", str(tmp_path / "split.qdpx"),
                                      str(study), "--coder", "split"])
    assert result.exit_code == 1
    assert ("split.qdpx!project.qde:5: selection 8-12 of 'north/cafe' starts or ends inside "
            "a character that Unicode NFC composes") in result.output


def test_a_combining_accent_is_inside_its_word_when_telling_how_positions_count(
        study, tmp_path):
    # "Zoë " (with the space a double click takes) in a decomposed, CRLF text, counted
    # as ATLAS.ti counts (a CRLF as one). Read in code points it would run from ": Zo"
    # to between the e and its accent: that end was taken for a word edge, the two ways
    # fitted alike, and the standard's was taken and refused inside a character
    stored = unicodedata.normalize("NFD", TEXT).replace("\n", "\r\n")
    lf = stored.replace("\r\n", "\n")
    zoe = unicodedata.normalize("NFD", "Zoë ")
    project(tmp_path / "zoe.qdpx", "Cafe interview", stored, spans_of(lf, zoe))
    result = CliRunner().invoke(cli, ["import-codings", str(tmp_path / "zoe.qdpx"),
                                      str(study), "--coder", "tool", "--replace"])
    assert result.exit_code == 0, result.output
    assert ("its positions count a CRLF line break as one, not code points as the "
            "standard says: counted so, 1 of its 1 selections") in " ".join(
        result.output.split())
    rows = pd.read_csv(coder_path(Study.open(study), "tool"), keep_default_na=False)
    assert rows[["seg_id", "start", "end", "quote"]].values.tolist() == [
        ["north/cafe:t2", 41, 45, "Zoë "]]


@pytest.mark.parametrize("stored", [TEXT.rstrip("\n"), TEXT + "\n\n"])
@pytest.mark.parametrize("name", ["north/cafe.txt", "Cafe interview"])
def test_a_last_line_break_trimmed_or_added_is_the_same_text(study, tmp_path, stored, name):
    # matched by its name, or by its text when the name is no document's
    project(tmp_path / "trim.qdpx", name, stored, spans_of(stored, "rent", "evicted"))
    assert imported(study, tmp_path / "trim.qdpx") == [
        ("north/cafe:t1", 24, 28, "rent"), ("north/cafe:t2", 49, 56, "evicted")]


def test_positions_that_count_a_crlf_as_one_character_as_atlas_ti_writes_them(study, tmp_path):
    # ATLAS.ti stores its sources with CRLF line ends but counts each line break as one
    # position; read as the standard counts them, every span after the first line break
    # fell that many characters early ("ot evicte" for "evicted")
    stored = TEXT.replace("\n", "\r\n")
    spans = spans_of(TEXT, "rent", "evicted", "May")      # positions as ATLAS.ti counts
    project(tmp_path / "atlas.qdpx", "Cafe interview", stored, spans)
    result = CliRunner().invoke(cli, ["import-codings", str(tmp_path / "atlas.qdpx"),
                                      str(study), "--coder", "tool", "--replace"])
    assert result.exit_code == 0, result.output
    assert ("TextSource 'Cafe interview': its positions count a CRLF line break as one, "
            "not code points as the standard says: counted so, 2 of its 2 selections that "
            "the ways of counting place apart start and end at words, against 0 counted in "
            "code points") in " ".join(result.output.split())
    rows = pd.read_csv(coder_path(Study.open(study), "tool"))
    assert rows[["seg_id", "start", "end", "quote"]].values.tolist() == [
        ["north/cafe:t1", 24, 28, "rent"], ["north/cafe:t2", 49, 56, "evicted"],
        ["north/cafe:t2", 60, 63, "May"]]
    # positions counted as the standard says (each CR one) still land on the same words
    project(tmp_path / "nvivo.qdpx", "Cafe interview", stored,
            spans_of(stored, "rent", "evicted", "May"))
    assert imported(study, tmp_path / "nvivo.qdpx") == [
        ("north/cafe:t1", 24, 28, "rent"), ("north/cafe:t2", 49, 56, "evicted"),
        ("north/cafe:t2", 60, 63, "May")]


def rewritten(path: Path, old: str, new: str) -> None:
    """The project file in the archive at ``path`` with ``old`` replaced by ``new``."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["project.qde"] = members["project.qde"].replace(old.encode(), new.encode())
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_crlf_selections_inside_words_are_read_as_the_standard_counts(study, tmp_path):
    # a coded syllable fits words neither way: nothing tells the standard's way wrong,
    # so it is read as the standard says (as before the ways were compared), and said
    stored = TEXT.replace("\n", "\r\n")
    project(tmp_path / "syllable.qdpx", "north/cafe", stored, spans_of(stored, "vic"))
    result = CliRunner().invoke(cli, ["import-codings", str(tmp_path / "syllable.qdpx"),
                                      str(study), "--coder", "tool", "--replace"])
    assert result.exit_code == 0, result.output
    assert ("TextSource 'north/cafe': its selections do not tell how its positions were "
            "counted: of the 1 that the ways of counting place apart, as many (0) start "
            "and end at words counted in a CRLF line break as one as in code points, so "
            "they are read in code points") in " ".join(result.output.split())
    rows = pd.read_csv(coder_path(Study.open(study), "tool"))
    assert rows[["seg_id", "quote"]].values.tolist() == [["north/cafe:t2", "vic"]]


def test_crlf_positions_that_fit_words_too_rarely_to_tell_are_refused(study, tmp_path):
    # three syllables: counted with a CRLF as one, the last happens to be ".\n", at word
    # edges; one of three tells nothing, and taking it moved all three
    stored = TEXT.replace("\n", "\r\n")
    project(tmp_path / "unsure.qdpx", "north/cafe", stored,
            spans_of(stored, "vic", "ict", "ay"))
    result = CliRunner().invoke(cli, ["import-codings", str(tmp_path / "unsure.qdpx"),
                                      str(study), "--coder", "unsure"])
    assert result.exit_code == 1
    assert ("unsure.qdpx!project.qde:5: TextSource 'north/cafe': where its selections fall "
            "cannot be told: of the 3 that the ways of counting its positions place apart, "
            "0 counted in code points; 1 counted in a CRLF line break as one start and end "
            "at words") in " ".join(result.output.split())


def test_dialogcode_own_project_is_read_in_code_points_without_a_guess(study, tmp_path):
    # a coder's partial word after an emoji ("ews " of "news") would fit words better
    # counted in UTF-16 units ("news"); dialogcode's own export counts in code points
    path = tmp_path / "ours.qdpx"
    project(path, "north/chat", EMOJI, spans_of(EMOJI, "ews "))
    rewritten(path, 'name="p">', 'name="p" origin="dialogcode">')
    result = CliRunner().invoke(cli, ["import-codings", str(path), str(study), "--coder",
                                      "tool", "--replace"])
    assert result.exit_code == 0, result.output
    assert "please check" not in result.output
    rows = pd.read_csv(coder_path(Study.open(study), "tool"), keep_default_na=False)
    assert rows[["seg_id", "quote"]].values.tolist() == [["north/chat:t1", "ews "]]


def test_a_code_under_another_parent_is_not_taken_for_the_code_with_its_label(study, tmp_path):
    # "Housing" under "Resilience" in the project; the study's Housing is risk.housing,
    # under "Risks": the labels match, the codes need not
    path = tmp_path / "moved.qdpx"
    project(path, "north/cafe", TEXT, spans_of(TEXT, "rent"))
    rewritten(path, f'<Code guid="{guid("housing")}" name="Housing" isCodable="true"/>',
              f'<Code guid="{guid("res")}" name="Resilience" isCodable="false"><Code guid='
              f'"{guid("housing")}" name="Housing" isCodable="true"/></Code>')
    result = CliRunner().invoke(cli, ["import-codings", str(path), str(study), "--coder",
                                      "moved"])
    assert result.exit_code == 1
    assert ("moved.qdpx!project.qde:5: code 'Housing' is under 'Resilience' in the file, "
            "but risk.housing, the code with that label, is Risks > Housing in the "
            "codebook; if it is that code, map it with --map (a CSV with the lines "
            "`name,code_id` and `Housing,risk.housing`), or if 'Resilience' is risk under "
            "another name, map that (`Resilience,risk`)") in " ".join(result.output.split())
    mapping = tmp_path / "map.csv"
    mapping.write_text("name,code_id\nHousing,risk.housing\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-codings", str(path), str(study), "--coder",
                                      "moved", "--map", str(mapping)])
    assert result.exit_code == 0, result.output
    # mapping the parent instead says the project's Resilience is the study's Risks
    mapping.write_text("name,code_id\nResilience,risk\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-codings", str(path), str(study), "--coder",
                                      "moved", "--map", str(mapping), "--replace"])
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(coder_path(Study.open(study), "moved"))
    assert rows[["code_id", "quote"]].values.tolist() == [["risk.housing", "rent"]]


NESTED = """codebook: nested
title: Risks three levels deep
codes:
  - id: risk
    label: Risks
    codable: false
    codes:
      - id: risk.shelter
        label: Shelter
        codable: false
        codes:
          - id: risk.housing
            label: Housing
            patterns: {terms: [rent]}
"""


@pytest.mark.parametrize("parent, imports", [("Risks", True), ("Resilience", False)])
def test_a_code_whose_file_leaves_out_a_level_of_the_codebook(study, tmp_path, parent,
                                                              imports):
    # the codebook has Risks > Shelter > Housing; a project with Housing right under
    # Risks names the same code one level short (refused as moved before), while
    # Housing under Resilience is still no proof of risk.housing
    nested = tmp_path / "study"
    shutil.copytree(study, nested)
    (nested / "codebook.yaml").write_text(NESTED, encoding="utf-8")
    path = tmp_path / "short.qdpx"
    project(path, "north/cafe", TEXT, spans_of(TEXT, "rent"))
    rewritten(path, f'<Code guid="{guid("housing")}" name="Housing" isCodable="true"/>',
              f'<Code guid="{guid("top")}" name="{parent}" isCodable="false"><Code guid='
              f'"{guid("housing")}" name="Housing" isCodable="true"/></Code>')
    result = CliRunner().invoke(cli, ["import-codings", str(path), str(nested), "--coder",
                                      "short"])
    output = " ".join(result.output.split())
    if imports:
        assert result.exit_code == 0, result.output
        assert "Read so, please check" in output
        assert ("short.qdpx!project.qde:5: code 'Housing' under 'Risks' in the file read "
                "as risk.housing (Risks > Shelter > Housing in the codebook): the file "
                "leaves out 'Shelter'") in output
        rows = pd.read_csv(coder_path(Study.open(nested), "short"))
        assert rows[["code_id", "quote"]].values.tolist() == [["risk.housing", "rent"]]
    else:
        assert result.exit_code == 1
        assert ("code 'Housing' is under 'Resilience' in the file, but risk.housing, the "
                "code with that label, is Risks > Shelter > Housing in the codebook; if it "
                "is that code, map it with --map (a CSV with the lines `name,code_id` and "
                "`Housing,risk.housing`), or if 'Resilience' is risk.shelter under another "
                "name, map that (`Resilience,risk.shelter`)") in output


TWO_RISKS = NESTED + """  - id: youth
    label: Youth
    codable: false
    codes:
      - id: youth.risk
        label: Risks
        patterns: {terms: [curfew]}
"""


def test_a_left_out_level_is_refused_when_the_files_parent_names_two_codes(study, tmp_path):
    # the codebook has Risks > Shelter > Housing and Youth > Risks: the file's Housing
    # under "Risks" may be under the youth one, which has no Housing; it was imported
    # as risk.housing with only a note
    nested = tmp_path / "study"
    shutil.copytree(study, nested)
    (nested / "codebook.yaml").write_text(TWO_RISKS, encoding="utf-8")
    path = tmp_path / "short.qdpx"
    project(path, "north/cafe", TEXT, spans_of(TEXT, "rent"))
    rewritten(path, f'<Code guid="{guid("housing")}" name="Housing" isCodable="true"/>',
              f'<Code guid="{guid("top")}" name="Risks" isCodable="false"><Code guid='
              f'"{guid("housing")}" name="Housing" isCodable="true"/></Code>')
    result = CliRunner().invoke(cli, ["import-codings", str(path), str(nested), "--coder",
                                      "short"])
    assert result.exit_code == 1
    assert ("short.qdpx!project.qde:5: code 'Housing' is under 'Risks' in the file, the "
            "label of 2 codes (risk, youth.risk), and risk.housing, the code with that "
            "label, is Risks > Shelter > Housing in the codebook; if it is that code, map "
            "it with --map (a CSV with the lines `name,code_id` and "
            "`Housing,risk.housing`)") in " ".join(result.output.split())
    mapping = tmp_path / "map.csv"
    mapping.write_text("name,code_id\nHousing,risk.housing\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-codings", str(path), str(nested), "--coder",
                                      "short", "--map", str(mapping)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("counted", ["with the CRs", "a line break as one"])
def test_inline_text_in_a_project_file_with_crlf_line_ends(study, tmp_path, counted):
    # XML parsing turns the file's CRLF into LF, inside PlainTextContent too: positions
    # that counted the CRs fell one character early per line break before them
    stored = TEXT.replace("\n", "\r\n")
    spans = spans_of(stored if counted == "with the CRs" else TEXT, "rent", "evicted")
    selections = "".join(
        f'<PlainTextSelection guid="{guid(f"s{a}")}" startPosition="{a}" endPosition="{b}">'
        f'<Coding guid="{guid(f"c{a}")}"><CodeRef targetGUID="{guid("housing")}"/></Coding>'
        "</PlainTextSelection>" for a, b in spans)
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\r\n<Project xmlns="{NS}" name="p">\r\n'
           f'<CodeBook><Codes><Code guid="{guid("housing")}" name="Housing" '
           'isCodable="true"/></Codes></CodeBook>\r\n<Sources>\r\n'
           f'<TextSource guid="{guid("t")}" name="Cafe"><PlainTextContent>{stored}'
           f"</PlainTextContent>{selections}</TextSource>\r\n</Sources>\r\n</Project>\r\n")
    path = tmp_path / "inline.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml.encode("utf-8"))
    assert imported(study, path) == [("north/cafe:t1", 24, 28, "rent"),
                                     ("north/cafe:t2", 49, 56, "evicted")]


def test_inline_text_with_lf_in_a_project_file_with_one_crlf(study, tmp_path):
    # only the XML declaration's line ends in CRLF: the text holds no CRs to put back,
    # and a coded syllable, which fits words no way, stays where its positions say
    start = TEXT.index("vic")
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\r\n<Project xmlns="{NS}" name="p">\n'
           f'<CodeBook><Codes><Code guid="{guid("housing")}" name="Housing" '
           'isCodable="true"/></Codes></CodeBook>\n<Sources>\n'
           f'<TextSource guid="{guid("t")}" name="Cafe"><PlainTextContent>{TEXT}'
           f'</PlainTextContent><PlainTextSelection guid="{guid("s")}" startPosition='
           f'"{start}" endPosition="{start + 3}"><Coding guid="{guid("c")}"><CodeRef '
           f'targetGUID="{guid("housing")}"/></Coding></PlainTextSelection></TextSource>\n'
           "</Sources>\n</Project>\n")
    path = tmp_path / "mixed.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml.encode("utf-8"))
    assert imported(study, path) == [("north/cafe:t2", start, start + 3, "vic")]


@pytest.mark.parametrize("line_ends", ["\n", "\r\n"])
def test_positions_counted_in_utf16_units_land_on_the_same_words(study, tmp_path, line_ends):
    # a tool built on UTF-16 strings counts an emoji as two positions: read as code
    # points, every span after one fell a character late per emoji before it
    stored = EMOJI.replace("\n", line_ends)
    units = stored.encode("utf-16-le")

    def utf16(word: str) -> tuple[int, int]:
        at = units.index(word.encode("utf-16-le")) // 2
        return at, at + len(word)

    project(tmp_path / "utf16.qdpx", "north/chat", stored,
            [utf16("rent"), utf16("We got evicted")])
    result = CliRunner().invoke(cli, ["import-codings", str(tmp_path / "utf16.qdpx"),
                                      str(study), "--coder", "tool", "--replace"])
    assert result.exit_code == 0, result.output
    assert "its positions count UTF-16 units (an emoji as two)" in " ".join(
        result.output.split())
    rows = pd.read_csv(coder_path(Study.open(study), "tool"))
    assert rows[["seg_id", "start", "end", "quote"]].values.tolist() == [
        ["north/chat:t1", 27, 31, "rent"], ["north/chat:t2", 41, 55, "We got evicted"]]


@pytest.mark.parametrize("name", ["north/lines", "Lines interview"])
def test_line_separators_the_transcript_was_read_with_as_lf_land_on_the_same_words(
        study, tmp_path, name):
    # the tool stored the transcript's file as written, each line separator, paragraph
    # separator and NEL kept where the ingested text has a LF (or, beside one, nothing):
    # it was refused as differing text; its positions are mapped to the text as read
    stored = SEPARATED.replace("\n", "\r\n")
    project(tmp_path / "separated.qdpx", name, stored,
            spans_of(stored, "rent", "Again", "evicted\x85in May"))
    result = CliRunner().invoke(cli, ["import-codings", str(tmp_path / "separated.qdpx"),
                                      str(study), "--coder", "tool", "--replace"])
    assert result.exit_code == 0, result.output
    assert (f"TextSource {name!r}: its text breaks lines with U+0085, U+2028 and U+2029 "
            "where the transcript as read has a line break") in " ".join(
        result.output.split())
    rows = pd.read_csv(coder_path(Study.open(study), "tool"), keep_default_na=False)
    assert [(r.seg_id, r.start, r.end, r.quote) for r in rows.itertuples()] == [
        ("north/lines:t1", 8, 12, "rent"), ("north/lines:t1", 22, 27, "Again"),
        ("north/lines:t2", 41, 55, "evicted\nin May")]


def test_a_source_differing_beyond_its_line_separators_names_the_line_as_stored(study,
                                                                                tmp_path):
    # compared with the transcript as read, the difference is found at "were", which is
    # on line 2 of the source as stored (its separators are no line ends there), not on
    # line 4 of the text as read, nor at the first separator
    stored = SEPARATED.replace("We got", "We were")
    project(tmp_path / "other.qdpx", "north/lines", stored, spans_of(stored, "rent"))
    result = CliRunner().invoke(cli, ["import-codings", str(tmp_path / "other.qdpx"),
                                      str(study), "--coder", "other"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert ("TextSource 'north/lines': refused: named like document north/lines but its "
            "text differs, so its offsets would point at other characters (the text "
            "differs from document north/lines at line 2, column 16") in " ".join(
        result.output.split())
