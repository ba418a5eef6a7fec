"""A word of a name the study knows (a speaker label's, or a finding's of several words)
is found and masked alone where the text writes it as a name, even when it is an
English word ("Ben", "Grace", "Mark", "Baker"), and left as the word in lower case, at
a sentence's start with no sign of a person, and inside a longer proper noun."""
import pandas as pd
from click.testing import CliRunner

from conftest import make_study
from dialogcode.cli import cli
from dialogcode.privacy import DECISION_COLUMNS
from dialogcode.privacy.gate import masker
from dialogcode.privacy.known import known_hits, known_pattern, name_words

TALK = (
    "Ben Ortiz: The rezoning list came late.\n"
    "Grace Ortiz: I read the rezoning notes twice.\n"
    "Mark Levine: The rezoning hearing is long.\n"
    "Dana Baker: We should vote on the rezoning.\n"
    "P5: We talked with Jane Jacobs about the rezoning.\n"
    "P5: Ben arrived late to the rezoning vote.\n"
    "P5: Grace's idea for the rezoning was good.\n"
    "P5: Mark wanted the rezoning delayed.\n"
    "P5: Yes, Councilwoman Baker backed the rezoning.\n"
    "P5: Then Commissioner Jacobs asked about the rezoning.\n"
    "P5: Noted. Mark the rezoning date on the calendar.\n"
    "P5: By the grace of the board, the rezoning passed.\n"
    "P5: We walked down Baker Street after the rezoning.\n")


def run(*args):
    return CliRunner().invoke(cli, [*args])


def scanned(tmp_path):
    return scanned_talk(tmp_path, TALK)


def scanned_talk(tmp_path, talk: str):
    root = make_study(tmp_path / "s", {"hearing.txt": talk}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root), "-q").exit_code == 0
    return root, pd.read_parquet(root / "out" / "privacy.parquet")


def test_a_known_name_alone_is_masked_where_written_as_a_name(tmp_path):
    root, found = scanned(tmp_path)
    # after a title, "Councilwoman Baker", "Commissioner Jacobs", the detector `title`
    # finds the word (privacy-26), which the gate masks by the same rule
    alone = found[found["detector"].isin(["study-name", "title"])]
    assert sorted(alone["text"]) == ["Baker", "Ben", "Grace", "Jacobs", "Mark"]
    result = run("kwic", "rezoning", str(root), "--width", "120")
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    for masked in ("[NAME] arrived late to the [rezoning]", "[NAME]'s idea for the [rezoning]",
                   "[NAME] wanted the [rezoning] delayed",
                   "Yes, Councilwoman [NAME] backed the [rezoning]",   # a title off the list
                   "Then Commissioner [NAME] asked about the [rezoning]"):
        assert masked in shown, masked
    # left as the word: a sentence's start with no sign of a person, lower case, a place
    for kept in ("Noted. Mark the [rezoning] date", "By the grace of the board",
                 "walked down Baker Street after the [rezoning]"):
        assert kept in shown, kept


def test_the_words_of_names_that_stand_for_a_person():
    # a speaker label's words; a found name's first name of the lists and its later
    # words that are no everyday words; never a word of address, particle or capitals
    assert name_words([], ["Ben Ortiz", "Grace", "Juan De La Cruz", "Señora Ruiz"]) == {
        "Ben", "Ortiz", "Juan", "Cruz", "Ruiz"}
    assert name_words(["Grace Ortiz", "Morris Park", "Upper West", "Executive Director",
                       "EVA LOPEZ", "Grace"], []) == {"Grace", "Ortiz", "Morris"}


def test_the_rule_reads_each_place():
    pattern = known_pattern({"Grace", "Ben", "Will", "Don"})

    def found(text):
        return [text[s:e] for s, e, _, _ in known_hits(text, pattern)]
    assert found("We thanked Grace today.") == ["Grace"]
    assert found("Grace arrived. Grace is a gift. Ben was there.") == ["Grace", "Ben"]
    assert found("at Grace Church, with Grace Ortiz") == ["Grace"]
    assert found("the grace period, Bens, Ben-Ami, so Don't go") == []
    assert found("So Will we vote? We asked Will.") == ["Will"]


def test_a_first_name_before_a_known_surname_is_found_with_it(tmp_path):
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "P1: We talked with Jane Sheridan about the rezoning.\n"
        "P2: Nina Sheridan is not in the Zoom for the rezoning.\n")}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    result = run("kwic", "rezoning", str(root), "--width", "120")
    shown = " ".join(result.output.split())
    assert "[NAME] is not in the Zoom" in shown and "Nina" not in shown, shown


def test_a_whole_name_found_so_hides_its_surname_before_a_place_word(tmp_path):
    # "Livingston" known from a speaker, found with the unlisted "Skimmerhorn" after it:
    # the whole name is masked wherever it stands, never leaving "Skimmerhorn" shown
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "Max Livingston: Thanks for the rezoning.\n"
        "P2: Certain areas along Livingston Skimmerhorn Street were in the rezoning.\n")},
        None)
    assert run("ingest", str(root), "-q").exit_code == 0
    result = run("kwic", "rezoning", str(root), "--width", "120")
    shown = " ".join(result.output.split())
    assert "along [NAME] Street were in the [rezoning]" in shown, shown


def test_a_cell_cut_before_a_known_name_shows_it_masked():
    # a quote, context or match may start anywhere in a sentence: its first word is
    # read as a name there, while a sentence opening inside it reads as in the text
    findings = pd.DataFrame({"text": ["Baker"], "kind": ["name"], "detector": ["study-name"],
                             "status": ["undecided"]})
    mask = masker(findings, pd.DataFrame(columns=DECISION_COLUMNS))
    assert mask.for_readers("Baker backed the plan.") == "[NAME] backed the plan."
    assert mask.for_readers("so Baker backed it") == "so [NAME] backed it"
    for text in ("We met. Baker is a trade.", "down Baker Street", "ask the baker"):
        assert mask.for_readers(text) == text


def test_a_name_decided_keep_stays_whole_though_its_words_are_known(tmp_path):
    # a public official's name kept, as decided before the study learned its words:
    # "Jacobs" is now found alone elsewhere (undecided, masked there), and is never
    # masked inside the kept name, where no finding of it is
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "P1: We talked with Jane Jacobs about the rezoning.\n"
        "P2: Then Commissioner Jacobs asked about the rezoning.\n")}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root), "-q").exit_code == 0
    found = pd.read_csv(root / "out" / "privacy.csv", keep_default_na=False)
    assert sorted(found["text"]) == ["Jacobs", "Jane", "Jane Jacobs"]
    assert found.set_index("text").at["Jacobs", "detector"] == "title"
    kept = found["text"] != "Jacobs"
    found.loc[kept, "decision"], found.loc[kept, "reason"] = "keep", "public official"
    found.to_csv(root / "privacy-decisions.csv", index=False)
    result = run("kwic", "rezoning", str(root), "--width", "120")
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    assert "talked with Jane Jacobs about the [rezoning]" in shown, shown
    assert "Then Commissioner [NAME] asked" in shown, shown


def test_a_known_everyday_word_ending_a_place_stays(tmp_path):
    # speakers Dana Park and Mark Hall: "Central Park" and "City Hall" are places all
    # over a city's hearing, while a title or a first name before the word is a person,
    # and a word opening the sentence before it is no sign of a place ("Thanks Park")
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "Dana Park: We walked in Central Park after the rezoning.\n"
        "Mark Hall: The rezoning came to City Hall and the Town Hall.\n"
        "P5: Then Park said the rezoning was late, and Commissioner Park agreed.\n"
        "P5: Mister Hall asked about the rezoning. Thanks Park for the rezoning.\n"
        "P5: We asked Grace Hall about the rezoning, R Park too.\n")}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    result = run("kwic", "rezoning", str(root), "--width", "120")
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    for text in ("walked in Central Park after", "came to City Hall and the Town Hall",
                 "[NAME] said the [rezoning]", "Commissioner [NAME] agreed",
                 "Mister [NAME] asked", "Thanks [NAME] for the", "asked [NAME] about",
                 "R [NAME] too"):   # a stutter ("R Rose" in a meeting)
        assert text in shown, (text, shown)


def test_a_speaker_label_opening_with_a_modal_or_month_name_is_found_whole(tmp_path):
    # "Will Park:" and "May Chen:" were no finding (their quotes credited to them by
    # name), "Will Smith:" shown "Will [NAME]"; alone "Will" stays a modal in the text
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "Will Park: The rezoning list came late.\n"
        "May Chen: The rezoning notes came too.\n"
        "Will Smith: I read the rezoning twice.\n"
        "P4: Will we vote on the rezoning? Park said yes.\n")}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root), "-q").exit_code == 0
    found = pd.read_parquet(root / "out" / "privacy.parquet")
    assert found.loc[found["detector"] == "speaker", "text"].tolist() == [
        "Will Park", "May Chen", "Will Smith"]
    result = run("kwic", "rezoning", str(root), "--width", "120")
    shown = " ".join(result.output.split())
    assert "Will" not in shown.replace("Will we vote", ""), shown
    assert "Will we vote on the [rezoning]? [NAME] said yes" in shown, shown


def test_a_speaker_label_of_a_title_and_a_surname_that_is_a_word_is_found(tmp_path):
    # "Council Member Baker:" and "Commissioner Hall:" were no finding (a surname that is
    # an English word alone), so the speaker column showed them; a role stays a role
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "Council Member Baker: The rezoning list came late.\n"
        "Commissioner Hall: The rezoning notes came too.\n"
        "Chair Garodnick: Thank you on the rezoning.\n"
        "Community Member: I read the rezoning twice.\n"
        "Member Services: The rezoning desk is open.\n"
        "Chief Judge: The rezoning stands.\n")}, None)
    assert run("ingest", str(root), "-q").exit_code == 0
    assert run("privacy", "scan", str(root), "-q").exit_code == 0
    found = pd.read_parquet(root / "out" / "privacy.parquet")
    assert found.loc[found["detector"] == "speaker", "text"].tolist() == [
        "Baker", "Hall", "Garodnick"]
    result = run("kwic", "rezoning", str(root), "--width", "120")
    shown = " ".join(result.output.split())
    for label in ("Council Member [NAME]", "Commissioner [NAME]", "Chair [NAME]",
                  "Community Member", "Member Services", "Chief Judge"):
        assert label in shown, (label, shown)


def test_a_known_word_inside_a_never_term_stays(tmp_path):
    # privacy.yaml keeps "Mayor Adams" (a public official): the detector finds no word
    # inside it, and the gate masked "Mayor [NAME]" once "Adams" was learned from "Jane
    # Adams"; "Adams" alone elsewhere stays masked
    root = make_study(tmp_path / "s", {"hearing.txt": (
        "P1: The rezoning came from mayor Adams last year.\n"
        "P2: We talked with Jane Adams about the rezoning.\n"
        "P3: Then Adams said the rezoning was late.\n")}, None)
    (root / "privacy.yaml").write_text("never:\n  - Mayor Adams\n", encoding="utf-8")
    assert run("ingest", str(root), "-q").exit_code == 0
    result = run("kwic", "rezoning", str(root), "--width", "120")
    assert result.exit_code == 0, result.output
    shown = " ".join(result.output.split())
    assert "came from mayor Adams last year" in shown, shown
    assert "Then [NAME] said the [rezoning]" in shown, shown


def test_a_label_in_capitals_finds_the_name_as_the_text_writes_it(tmp_path):
    # "MCKAY:" was read "Mckay", so "McKay" in the talk stayed in every output; so did
    # "DeLeon" of "CARLOS DELEON:"
    root, found = scanned_talk(tmp_path, (
        "MCKAY: The rezoning raised my rent.\n"
        "CARLOS DELEON: The rezoning scares me.\n"
        "JOHN MACKENZIE: The rezoning is coming.\n"
        "MARIA O'BRIEN: The rezoning again.\n"
        "BROWN: The rezoning passed.\n"
        "P5: McKay asked about the rezoning, then DeLeon agreed on the rezoning.\n"
        "P5: Yes, MacKenzie and O'Brien backed the rezoning.\n"
        "P5: We walked past the brown buildings after the rezoning.\n"))
    assert {"McKay", "DeLeon", "MacKenzie", "O'Brien"} <= set(found["text"])
    shown = " ".join(run("kwic", "rezoning", str(root), "--width", "120").output.split())
    for name in ("McKay", "DeLeon", "MacKenzie", "O'Brien"):
        assert name not in shown, name
    assert "[NAME] asked about the [rezoning]" in shown
    assert "past the brown buildings" in shown       # an everyday word stays as written
