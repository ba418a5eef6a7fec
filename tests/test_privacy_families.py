"""A family called by a surname the study masks ("the Browns", "the Bakers' house") is
masked too, and so is a colour surname after a title ("Sergeant Black"), while words of
race and colours before people stay words ("I'm Black", "White residents moved out"):
a speaker called Brown or a "Ms. White" made "the Browns moved" show the surname the
rest of the study hides, and "White residents" read "[NAME] residents"."""
import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import make_study
from dialogcode.cli import cli
from dialogcode.privacy.readings import reads_as_word


def run(*args):
    return CliRunner().invoke(cli, [*args])


def shown_in(root, term: str) -> str:
    result = run("kwic", term, str(root), "--width", "200")
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_a_family_called_by_a_masked_surname_is_masked(tmp_path):
    # with a speaker Dana Brown, a speaker Jo Baker and "Ms. White" in the talk, "the
    # Browns", "the Bakers" and "the Whites'" were shown as written
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "Dana Brown: The rezoning hurts.\n"
        "Jo Baker: The rezoning is late.\n"
        "P4: Ms. White spoke on the rezoning.\n"
        "P4: The Browns moved after the rezoning. We met the Bakers at the rezoning.\n"
        "P4: After the rezoning, the Browns' dog and the Whites' house were gone.\n"
        "P4: Our Browns fans hate the rezoning, and the Black residents too.\n"
        "P4: Adam said Eric Adams backs the rezoning, and so does the Adams team.\n")}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root), "-q").exit_code == 0
    found = pd.read_parquet(root / "out" / "privacy.parquet")
    assert sorted(found.loc[found["detector"] == "family", "text"]) == [
        "Bakers", "Browns", "Browns", "Whites"]
    # a name found as itself is no family of another ("Adams" of Eric Adams, not of
    # Adam): the gate masks it by its own detector's rule
    assert set(found.loc[found["text"] == "Adams", "detector"]) == {"study-name"}
    shown = shown_in(root, "rezoning")
    for masked in ("The [NAME] moved after the [rezoning]", "met the [NAME] at the",
                   "the [NAME]' dog and the [NAME]' house"):
        assert masked in shown, masked
    # no "the" before: a plural that is no family (a team), and a colour as before
    assert "Our Browns fans hate the [rezoning], and the Black residents too" in shown
    out = tmp_path / "masked"
    assert run("privacy", "redact", str(root), "--to", str(out), "-q").exit_code == 0
    copy = (out / "hearing.txt").read_text(encoding="utf-8")
    assert "Browns" not in copy.replace("Our Browns fans", "") and "Whites" not in copy
    assert "Bakers" not in copy


def test_a_word_of_race_or_people_is_no_name(tmp_path):
    # "I'm Black" made Black a name, so "Black people" further on read "[NAME] people";
    # "Latina", "Latinx", "Hispanics", "Asians", "Latinos" were masked as names
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "P1: On the rezoning: I'm Black and I grew up here. I am Latina, I'm Mexican.\n"
        "P2: Black people know the rezoning. I'm White, honestly, and I am Asian American.\n"
        "P2: The rezoning hurts Latinx youth, Hispanics and Asians. Latinos too.\n"
        "P3: I'm Rosalba, and Ms. Brown is on the rezoning. I'm Wren.\n"
        "P3: One Latina said the rezoning is late; a Latina told me so.\n")}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root), "-q").exit_code == 0
    found = pd.read_parquet(root / "out" / "privacy.parquet")
    assert sorted(found["text"]) == ["Brown", "Rosalba", "Wren"]
    shown = shown_in(root, "rezoning")
    for words in ("I'm Black and I grew up here. I am Latina, I'm Mexican.",
                  "Black people know the [rezoning]. I'm White, honestly, and I am Asian",
                  "hurts Latinx youth, Hispanics and Asians. Latinos too.",
                  "I'm [NAME], and Ms. [NAME] is on the [rezoning]. I'm [NAME].",
                  "One Latina said the [rezoning] is late; a Latina told me so."):
        assert words in shown, words


def test_a_colour_surname_after_a_title_is_a_name(tmp_path):
    # "Sergeant Black said" and "Officer White agreed" were no finding in a study that
    # names no Black or White elsewhere: both names were shown
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "P1: Sergeant Black said the rezoning is late. Officer White agreed.\n"
        "P1: Then Council Member Brown spoke on the rezoning.\n"
        "P2: The rezoning hurts the Black residents, and the White residents.\n"
        "P2: Major Green spaces went in the rezoning.\n")}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root), "-q").exit_code == 0
    found = pd.read_parquet(root / "out" / "privacy.parquet")
    assert sorted(found["text"]) == ["Black", "Brown", "White"]
    shown = shown_in(root, "rezoning")
    for words in ("Sergeant [NAME] said the [rezoning] is late. Officer [NAME] agreed.",
                  "Then Council Member [NAME] spoke",
                  "hurts the Black residents, and the White residents.",
                  "Major Green spaces went"):
        assert words in shown, words


# the readings docs/privacy.md gives the cases of the colour-or-surname notes (these read
# so before this change too; kept as the record of each decision): the colour (True)
# where race is meant, the name (False) where a person or a firm of people may be
@pytest.mark.parametrize("text, word, colour", [
    ("It hurts the White residents most.", "White", True),
    ("It hurts Black and Brown families.", "Brown", True),
    ("It hurts White and Latino residents.", "White", True),
    ("I work at Brown and White Associates.", "Brown", False),   # a firm named for people
    ("I work at Brown and White Associates.", "White", False),
    ("Mr. Brown and White residents met.", "White", False),      # Mr. White too, maybe
    ("Brown's family left.", "Brown", False),
    ("Then Ms. White came.", "White", False),
    ("Then Sergeant Black said so.", "Black", False),
])
def test_a_colour_or_surname_reads_as_documented(text, word, colour):
    start = text.index(word)
    assert reads_as_word(text, start, start + len(word)) is colour


def test_a_family_plural_is_found_only_after_the():
    from dialogcode.privacy.known import family_hits, family_names

    text = "We met the Jacobses, the O'Briens' kids and the Browns, not Browns fans."
    found = [text[s:e] for s, e, _, _ in family_hits(
        text, family_names({"Jacobs", "O'Brien", "Brown", "NYCHA"}))]
    assert found == ["Jacobses", "O'Briens", "Browns"]


def test_a_colour_alone_before_people_reads_as_the_colour(tmp_path):
    # with a Ms. White, a Mr. Black and a Ms. Brown in the talk, every "White residents",
    # "Black families", "For Black residents", "Black people" read "[NAME] residents" ...
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "P1: Ms. White and Mr. Black came to the rezoning. Ms. Brown too.\n"
        "P2: The rezoning: White residents moved out. Black families stayed. I met with"
        " Black residents.\n"
        "P2: For Black residents the rezoning is hard, and Brown kids get stopped.\n"
        "P2: I told White residents about the rezoning; Black people know.\n"
        "P2: The rezoning: Brown-owned shops closed, and the Brown kids left.\n")}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    shown = shown_in(root, "rezoning")
    for words in ("White residents moved out. Black families stayed. I met with Black "
                  "residents.", "For Black residents the [rezoning] is hard, and Brown kids",
                  "; Black people know",
                  # a person may be meant: after a trigger, before -owned, a family
                  "I told [NAME] residents", "[NAME]-owned shops closed, and the [NAME] kids"):
        assert words in shown, words
    out = tmp_path / "masked"
    assert run("privacy", "redact", str(root), "--to", str(out), "-q").exit_code == 0
    copy = (out / "hearing.txt").read_text(encoding="utf-8")
    assert "P2: For Black residents the rezoning is hard, and Brown kids get" in copy


def test_black_owned_reads_as_race_where_brown_owned_may_be_a_person():
    from dialogcode.privacy.readings import reads_as_word

    for text, colour in (("So Black-owned businesses closed.", True),
                         ("So Black-led tenants spoke.", True),
                         ("So Brown-owned businesses closed.", False),    # Brown's shops
                         ("I told Black-owned businesses.", False),
                         ("So the Black-owned businesses closed.", True)):
        start = text.index("Black" if "Black" in text else "Brown")
        assert reads_as_word(text, start, start + 5) is colour, text


def test_a_colour_surname_before_a_verb_that_looks_plural_is_a_name(tmp_path):
    # "signs", "lights", "fields", "boxes", "pages", "houses" are verbs too: with a
    # speaker Dana White and a Ms. Green, "Then White signs the lease" and "So Green
    # lights the project" were read as the colour and showed the surname
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "Dana White: The rezoning starts. Ms. Green and Mr. Brown came.\n"
        "P2: Then White signs the lease for the rezoning. So Green lights the project.\n"
        "P2: On the rezoning, Brown fields questions and White pages me daily.\n"
        "P2: The rezoning: and Brown houses the families, as White kids me about it.\n"
        "P2: The rezoning: Black kids get stopped, and we need Green spaces.\n"
        "P2: The rezoning: so Brown kids around here, Brown kids you know, Brown kids her"
        " age.\n")}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    shown = shown_in(root, "rezoning")
    for words in ("Then [NAME] signs the lease", "So [NAME] lights the project",
                  "[NAME] fields questions and [NAME] pages me",
                  "and [NAME] houses the families, as [NAME] kids me",
                  # nouns still read as the colour
                  "Black kids get stopped, and we need Green spaces",
                  "so Brown kids around here, Brown kids you know, Brown kids her age"):
        assert words in shown, words


def test_a_participant_called_latina_is_masked(tmp_path):
    # privacy-24 took Latina for no name anywhere: a speaker "Latina Ortiz:" was shown
    # whole, and "Thanks, Latina", "I told Latina", "Latina said", "I'm Latina Ortiz"
    # showed her first name
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "Latina Ortiz: The rezoning starts. I'm Latina Ortiz.\n"
        "P2: Thanks, Latina. I told Latina about the rezoning. Latina said no.\n")}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    shown = shown_in(root, "rezoning")
    assert "Latina" not in shown and "Ortiz" not in shown, shown
    out = tmp_path / "masked"
    assert run("privacy", "redact", str(root), "--to", str(out), "-q").exit_code == 0
    copy = (out / "hearing.txt").read_text(encoding="utf-8")
    assert "Latina" not in copy and "Ortiz" not in copy, copy


@pytest.mark.parametrize("text, found", [
    # first names on no list that end as a word of a people does: privacy-24 took
    # them for what one is, so the speaker introducing herself was shown by name
    ("Hi, I'm Malachi.", ["Malachi"]), ("I'm Rani, thanks.", ["Rani"]),
    ("I'm Nan.", ["Nan"]), ("I'm Mari.", ["Mari"]), ("I am Sultan.", ["Sultan"]),
    ("I'm Parvati.", ["Parvati"]), ("I'm Kali.", ["Kali"]),
    # on no list, ending in -ian, a noun of WordNet only (an emperor), no adjective of
    # a people: privacy-27 took it for one and showed the speaker's name
    ("I'm Hadrian, I live here.", ["Hadrian"]),
    # ending in -ian, an everyday word (a plant), no adjective: privacy-32 took it for
    # a people
    ("Hi, I'm Valerian.", ["Valerian"]),
    # words of a people stay no name
    ("I'm Cuban.", []), ("I'm Pakistani.", []), ("I'm Irish.", []),
    ("I'm Guatemalan.", []), ("I'm Thai.", []), ("I'm Dominican.", []),
    ("I'm Vietnamese.", []), ("I'm Korean.", []), ("I'm Salvadoran.", []),
    ("I am Mexican American.", []), ("I'm Haitian.", []), ("I'm Caribbean.", []),
    ("I'm Trinidadian.", []),
])
def test_a_first_name_that_ends_as_a_people_is_still_a_name(text, found):
    from dialogcode.privacy.detect import pattern_hits

    assert [text[s:e] for s, e, kind, _ in pattern_hits(text) if kind == "name"] == found


def test_a_family_after_the_at_a_line_break_is_masked(tmp_path):
    # a transcript wrapped by hand: "the" ends one line, "Browns" opens the next; the
    # detector and the gate looked for "the" on the same line only, so these showed the
    # surname masked in "the Browns moved"
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "Dana Brown: The rezoning hurts.\n"
        "Jo Baker: The rezoning is late.\n"
        "P4: The Browns moved after the rezoning. We met the\n"
        "Browns at the rezoning, and the\n"
        "   Browns left, as the        Browns did.\n"
        "P5: Yes.\n")}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root), "-q").exit_code == 0
    found = pd.read_parquet(root / "out" / "privacy.parquet")
    assert list(found.loc[found["detector"] == "family", "text"]) == ["Browns"] * 4
    out = tmp_path / "masked"
    assert run("privacy", "redact", str(root), "--to", str(out), "-q").exit_code == 0
    copy = (out / "hearing.txt").read_text(encoding="utf-8")
    assert "Browns" not in copy, copy
    assert "Browns" not in shown_in(root, "rezoning")


@pytest.mark.parametrize("text, colour", [
    # a colour after "and" and a capitalised word that is no word of race or a people:
    # two people may be meant, as in "Ms. Brown and White residents" (privacy-24 read
    # these as the colour and showed Ms. White by name)
    ("Ms. Jones and White residents met.", False),
    ("I met Jones and White residents there.", False),
    ("Maria and Brown kids came.", False),
    ("So Hispanics and White residents left.", True),
    ("So Chinese and White residents left.", True),
    ("And Latinos or Black families stayed.", True),
    ("I met Latinos and Black families.", True),
])
def test_a_colour_after_a_name_and_may_be_a_person(text, colour):
    word = next(w for w in ("White", "Black", "Brown") if w in text)
    start = text.index(word)
    assert reads_as_word(text, start, start + len(word)) is colour


def test_a_label_of_race_and_role_is_no_name(tmp_path):
    # "Latina Mother:" is a role, as "Black Father:" is: it was taken for a name, its
    # label made "Speaker 1" and every "Latina women" of the study masked
    talk = ("Latina Mother: The rezoning hurts Latina women.\n"
            "Black Father: Yes, the rezoning.\n"
            "P3: Sure, the rezoning.\n")
    root = make_study(tmp_path / "s", {"hearing.txt": talk}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    out = tmp_path / "masked"
    assert run("privacy", "redact", str(root), "--to", str(out), "-q").exit_code == 0
    assert (out / "hearing.txt").read_text(encoding="utf-8") == talk


@pytest.mark.parametrize("text, found", [
    # a people of two words no list of English words holds: each word was found as a
    # name ("Puerto", "Rican") and the speaker's ethnicity masked
    ("I'm Puerto Rican.", []), ("I'm Dominican and Puerto Rican.", []),
    ("Puerto Rican families stayed.", []), ("We cook Puerto Rican food.", []),
    ("I'm Sri Lankan.", []), ("I am Costa Rican.", []), ("I'm Sierra Leonean.", []),
    ("Two Puerto Ricans spoke.", []), ("I'm New Zealander.", []),
    # a name beside one stays found
    ("I'm Puerto Rican, my name is Marisol.", ["Marisol"]),
    ("I'm Rosalba, Puerto Rican.", ["Rosalba"]),
])
def test_a_people_of_two_words_is_no_name(text, found):
    from dialogcode.privacy.detect import pattern_hits

    assert {text[s:e] for s, e, kind, _ in pattern_hits(text) if kind == "name"} == set(found)
