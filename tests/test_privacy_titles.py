"""Names after a title that are also calendar or compass words, names in capitals after
a title, place names holding a surname found after a title: a probe of the NYC hearing
showed "Thank you, Mister West." unmasked, while making "West" a name of the whole study
masked "the Upper West Side"."""
import pytest
from click.testing import CliRunner

from conftest import make_study
from dialogcode.cli import cli
from dialogcode.privacy.detect import pattern_hits


def names_in(text: str) -> set[str]:
    return {text[s:e] for s, e, kind, _ in pattern_hits(text, frozenset({"we", "i"}))
            if kind == "name"}


def redacted(tmp_path, talk: str, never: str = "") -> str:
    """The masked copy of a study of one transcript ``talk`` (``never``: privacy.yaml's
    ``never:`` terms), ingested and scanned."""
    root = make_study(tmp_path / "s", {"talk.txt": talk}, None)
    if never:
        (root / "privacy.yaml").write_text(f"never: [{never}]\n", encoding="utf-8")
    runner = CliRunner()
    for args in (["ingest", str(root), "-q"], ["privacy", "scan", str(root), "-q"],
                 ["privacy", "redact", str(root), "--to", str(tmp_path / "r"), "-q"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    return (tmp_path / "r" / "talk.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("text, name", [
    ("Thank you, Mister West.", "West"),
    ("Then Mr. West said no.", "West"),
    ("We asked Ms. North about it.", "North"),
    ("Officer Friday came by.", "Friday"),
    ("We spoke with Dr. March yesterday.", "March"),
    ("and the officer Friday wrote it down", "Friday"),
    ("So Judge May ruled.", "May"),
    ("Then Kanye West was there.", "Kanye West"),
])
def test_a_calendar_or_compass_word_after_a_title_is_a_name_there(text, name):
    assert name in names_in(text)


@pytest.mark.parametrize("text", [
    "We live on the Upper West Side.",
    "We moved out west in May.",
    "I miss March already.",
    "We drove down Captain North Street.",
    "March on, I said.",
])
def test_a_calendar_or_compass_word_with_no_title_before_it_is_no_name(text):
    found = names_in(text)
    assert not found & {"West", "March", "May"}, found


def test_a_name_after_a_title_is_masked_there_and_the_word_elsewhere_is_shown(tmp_path):
    copy = redacted(tmp_path, (
        "Chair: Ah, Mister West. Thank you, Mister West.\n"
        "P1: We live on the Upper West Side, near the West Village. Then Mr. West said no.\n"
        "P2: Ms. North agreed. We met in the North End in March. March on, I said.\n"
        "P3: Officer Friday came on Friday. Kanye West was there, out west.\n"))
    assert "West." not in copy and "Mr. West" not in copy and "North agreed" not in copy
    assert "Thank you, Mister [NAME]." in copy
    assert "Then Mr. [NAME] said no." in copy and "Ms. [NAME] agreed." in copy
    assert "Officer [NAME] came on Friday." in copy
    assert "[NAME] was there, out west." in copy
    # the same words with no title before them stay as written
    assert "We live on the Upper West Side, near the West Village." in copy
    assert "We met in the North End in March. March on, I said." in copy


@pytest.mark.parametrize("text, names", [
    ("OFFICER BAKER said go.", {"BAKER"}),
    ("MR. JONES told us.", {"JONES"}),
    ("THANK YOU MR. JONES.", {"JONES"}),
    ("OFFICER MARIA BAKER WAS THERE.", {"MARIA", "BAKER"}),
    ("THE CHAIR RECOGNIZES COMMISSIONER GARODNICK.", {"GARODNICK"}),
    ("SGT. HALL CAME.", {"HALL"}),
    ("MR. WEST LEFT.", {"WEST"}),
])
def test_a_name_in_capitals_after_a_title_in_capitals_is_found(text, names):
    assert names <= names_in(text)


@pytest.mark.parametrize("text", [
    "WE WANT HOUSING NOW.", "THANK YOU MADAM CHAIR.", "THE MAYOR SAID NO.",
    "MEMBER STATES AGREE.", "I TOLD THE OFFICER NO.", "OFFICER DOWN.",
    "CHIEF EXECUTIVE OFFICER.", "MR. SPEAKER, THANK YOU.",
    # a contraction is no name ("I'LL", read whole since O'BRIEN is, was masked in
    # every "I'LL" of the study)
    "THANK YOU OFFICER I'LL BE BRIEF.", "YES OFFICER I'VE SEEN IT.",
    "OFFICER Y'ALL ARE LATE.", "OFFICER DON'T GO.", "OFFICER WE'LL SEE.",
    "YES MR. I\u2019LL DO IT.",
])
def test_shouted_words_with_no_name_after_a_title_are_no_names(text):
    assert names_in(text) == set()


def test_a_name_in_capitals_after_a_title_is_masked_as_written_and_capitalised(tmp_path):
    copy = redacted(tmp_path, (
        "P1: OFFICER BAKER said go. MR. JONES told us. THANK YOU MR. JONES.\n"
        "P2: Later Jones said it again. We went to the bakery. WE WANT HOUSING NOW.\n"))
    assert "BAKER" not in copy and "JONES" not in copy and "Jones" not in copy, copy
    assert "OFFICER [NAME] said go. MR. [NAME] told us." in copy
    assert "Later [NAME] said it again. We went to the bakery. WE WANT HOUSING NOW." in copy


def test_a_surname_found_after_a_title_is_not_masked_in_the_name_of_a_place(tmp_path):
    # "Detective Hall" made every "Hall" written as a name a finding: "the Hall of
    # Justice" showed "the [NAME] of Justice"
    talk = ("P1: Detective Hall came. The Hall of Justice was closed. We met at the Hall\n"
            "of Fame. I went to the Hall of the People. Later Hall said no.\n"
            "P2: Then we saw Hall of Brooklyn. City Hall too.\n")
    copy = redacted(tmp_path, talk)
    assert "Detective [NAME] came. The Hall of Justice was closed." in copy
    assert "the Hall\nof Fame. I went to the Hall of the People. Later [NAME] said no." in copy
    # a person's name before "of" with no "the" before it stays masked
    assert "Then we saw [NAME] of" in copy
    # a place the rule does not read as one is kept by a never: term
    assert "City [NAME] too." in copy
    kept = redacted(tmp_path / "never", talk, never="City Hall")
    assert "City Hall too." in kept and "Later [NAME] said no." in kept


def test_a_colour_found_after_a_title_is_masked_where_written_as_the_name(tmp_path):
    # "Mister White" said once made White a name of the whole study, masked in "White
    # or black?" and "White Plains"
    copy = redacted(tmp_path, (
        "P1: Mister White said so. White or black? I said black or White.\n"
        "P2: We drove to White Plains. The White House called. White spoke first.\n"
        "P3: Then White agreed. White residents moved out. Mister White or black.\n"
        "P4: COUNCIL MEMBER BROWN spoke. Black and Brown families stayed. Brown said no.\n"))
    assert "Mister [NAME] said so. White or black? I said black or White." in copy
    assert "We drove to White Plains. The White House called. [NAME] spoke first." in copy
    assert "Then [NAME] agreed. White residents moved out. Mister [NAME] or black." in copy
    assert "COUNCIL MEMBER [NAME] spoke. Black and Brown families stayed. [NAME] said no." \
        in copy


def test_kwic_masks_a_match_only_where_the_text_writes_it_as_a_name(tmp_path):
    # the match cell, masked again alone, read "West" and "Hall" as opening a text cut
    # anywhere: every match showed [[NAME]], "the Upper West Side" and "the Hall of
    # Justice" too
    redacted(tmp_path, ("P1: Thank you, Mister West. We live on the Upper West Side.\n"
                        "P2: Detective Hall came. The Hall of Justice was closed.\n"))
    runner = CliRunner()
    for term, as_name, as_word in (("West", "Mister [[NAME]].", "Upper [West] Side"),
                                   ("Hall", "Detective [[NAME]] came", "The [Hall] of")):
        result = runner.invoke(cli, ["kwic", term, str(tmp_path / "s"), "--width", "80"])
        assert result.exit_code == 0, result.output
        listing = " ".join(result.output.split())
        assert as_name in listing and as_word in listing, listing


def test_a_surname_found_after_a_title_is_masked_before_a_capitalised_verb(tmp_path):
    # a verb of speaking or of coming and going capitalised after the name ("Brown
    # Said", as a transcriber may write it) was read as a longer proper noun ("Baker
    # Street"): the name was shown, for a colour since privacy-28 ("Officer Brown")
    copy = redacted(tmp_path, (
        "P1: Officer Brown came. Later Brown Said no. Brown Told us. Then Brown Left.\n"
        "P2: Officer Baker came. Baker Told me so. We walked down Baker Street.\n"))
    assert "Later [NAME] Said no. [NAME] Told us. Then [NAME] Left." in copy, copy
    assert "[NAME] Told me so. We walked down Baker Street." in copy, copy


def test_a_calendar_or_compass_word_found_after_a_title_is_masked_where_it_speaks(tmp_path):
    # "Mister West" masked "West" only after a title: the same person named again
    # before a verb of speaking ("Later West said no") was shown
    copy = redacted(tmp_path, (
        "P1: Thank you, Mister West. Later West said no. West told us so.\n"
        "P2: We live on the Upper West Side, out west. West, she said, is fair.\n"
        "P3: Officer Friday came on Friday. Friday asked me why.\n"))
    assert "Later [NAME] said no. [NAME] told us so." in copy, copy
    assert "We live on the Upper West Side, out west. [NAME], she said, is fair." in copy
    assert "Officer [NAME] came on Friday. [NAME] asked me why." in copy, copy


@pytest.mark.parametrize("text, names", [
    # "Mister" and "Missus" written out are "Mr." and "Mrs.": any capitalised word after
    # them is a name there, as after "Mr." (an everyday word on no surname list was
    # shown: "Thank you Mister Gold", "MR. GOLD")
    ("Thank you Mister Gold.", {"Gold"}), ("Missus Strange said no.", {"Strange"}),
    ("THANK YOU MISTER GOLD.", {"GOLD"}), ("DR. STRANGE CAME.", {"STRANGE"}),
    ("MRS. GOOD SAID NO.", {"GOOD"}),
    # a title after them stays none, nor a place's name
    ("Thank you, Mister Chairman.", set()), ("THANK YOU MR. CHAIRMAN.", set()),
    ("Mister Speaker, thank you.", set()), ("I MISS SCHOOL.", set()),
])
def test_any_word_after_mister_is_a_name_there(text, names):
    assert names_in(text) == names


def test_a_colour_found_after_a_title_is_masked_after_a_capitalised_word(tmp_path):
    # a capitalised everyday word before a name the study knows is read as a place's
    # ("Central Park", "City Hall"): since privacy-28 a colour found after a title was
    # so read, and "Public Advocate Brown", "Doc Brown" showed the name that "Mister
    # Brown" had masked everywhere before; no place's name ends in a colour so
    copy = redacted(tmp_path, (
        "P1: Mister Brown was here. We thank Public Advocate Brown today.\n"
        "P2: We thank Doc Brown today. We heard District Leader Brown too.\n"
        "P3: Black and Brown families stayed. We walked to Central Park.\n"))
    assert "We thank Public Advocate [NAME] today." in copy, copy
    assert "We thank Doc [NAME] today. We heard District Leader [NAME] too." in copy, copy
    assert "Black and Brown families stayed." in copy, copy


def test_a_calendar_or_compass_surname_in_capitals_after_a_name_is_masked(tmp_path):
    # "WEST" of "OFFICER MARIA WEST" was an after-title finding, which the gate masks
    # only right after a title: listed in privacy.csv, the surname was shown
    copy = redacted(tmp_path, "P1: OFFICER MARIA WEST SPOKE. WE LIVE ON THE UPPER WEST SIDE.\n")
    assert "OFFICER [NAME] SPOKE. WE LIVE ON THE UPPER WEST SIDE." in copy, copy


def test_a_compass_word_after_don_is_masked_as_found(tmp_path):
    # "Don" is a word of address to the detector ("Don West": West an after-title
    # finding) but was no title to the gate, which showed "[NAME] West"
    copy = redacted(tmp_path, "P1: We thank Don West for coming. We live out West.\n")
    assert "We thank [NAME] [NAME] for coming. We live out West." in copy, copy


def test_the_first_name_after_a_plural_title_is_masked(tmp_path):
    # found after "Officers" (privacy-27), the first surname was read by the gate as
    # ending a place's name ("Central Park"), the plural being no title to it: shown
    copy = redacted(tmp_path, "P1: Officers Baker and Hall came. Then Councilmen Long and Park spoke.\n")
    assert "Officers [NAME] and [NAME] came. Then Councilmen [NAME] and [NAME] spoke." \
        in copy, copy


def test_a_name_found_capitalised_is_masked_where_written_in_capitals(tmp_path):
    # the gate matched a found name as written: "Officer Baker" masked, "LATER BAKER
    # SAID GO" shown; "Maria Lopez" found whole, "MARIA LOPEZ" shown but for its words
    copy = redacted(tmp_path, (
        "P1: Officer Baker came. LATER BAKER SAID GO. SO BAKER WORKS HERE.\n"
        "P3: WE WENT TO THE BAKERY.\n"
        "P2: Ms. Hall spoke. THEN HALL SAID NO. I am Maria Lopez. THEN MARIA LOPEZ SPOKE.\n"))
    assert "HALL" not in copy and "MARIA" not in copy and "LOPEZ" not in copy, copy
    assert "LATER [NAME] SAID GO. SO [NAME] WORKS HERE.\n" in copy, copy
    assert "WE WENT TO THE BAKERY." in copy, copy
    assert "THEN [NAME] SAID NO." in copy and "THEN [NAME] SPOKE." in copy, copy


def test_a_surname_in_capitals_is_masked_in_a_place_as_in_talk(tmp_path):
    # "City Hall" inside a sentence is the place, kept in title case; in capitals no
    # word tells it from talk ("I TOLD HALL"), so it is masked there
    copy = redacted(tmp_path, (
        "P1: Detective Hall came. We met at City Hall. WE MET AT CITY HALL.\n"
        "P2: We left. City Hall too. CITY HALL TOO. AND LATER HALL SAID NO.\n"))
    assert "We met at City Hall. WE MET AT CITY [NAME]." in copy, copy
    assert "City [NAME] too. CITY [NAME] TOO. AND LATER [NAME] SAID NO." in copy, copy


def test_a_compass_word_after_a_plural_title_and_a_name_is_masked(tmp_path):
    # _PLURAL took no calendar or compass word: "Officers Baker and West" showed "West"
    assert {"Baker", "West"} <= names_in("Then Officers Baker and West came.")
    copy = redacted(tmp_path, (
        "P1: Officers Baker and West came. The detectives Wood, North and Park spoke.\n"
        "P2: We live on the Upper West Side, out west. Later West said no.\n"))
    assert "Officers [NAME] and [NAME] came." in copy, copy
    assert "detectives [NAME], [NAME] and [NAME] spoke." in copy, copy
    assert "We live on the Upper West Side, out west. Later [NAME] said no." in copy, copy


def test_a_name_in_capitals_after_a_verb_or_before_a_possessive_is_masked(tmp_path):
    # the words in capitals before it were read capitalised ("I Told Baker", a longer
    # proper noun), and "'S" after it was no possessive: these showed "BAKER"
    copy = redacted(tmp_path, (
        "P1: Officer Baker came. I TOLD BAKER. I SAW BAKER TODAY. BAKER'S CAR IS RED.\n"
        "P2: We left. BAKER\u2019S DOG BARKED.\n"))
    assert "BAKER" not in copy, copy
    assert "I TOLD [NAME]. I SAW [NAME] TODAY. [NAME]'S CAR IS RED." in copy, copy


def test_a_surname_found_after_a_title_is_masked_opening_a_sentence(tmp_path):
    # "Officer Baker" made "Baker" a name, masked in "Later Baker said" and, for a
    # colour, in "White spoke first", but "Baker works here." showed the name
    copy = redacted(tmp_path, (
        "P1: Officer Baker came. Baker works here. BAKER WORKS HERE.\n"
        "P2: We walked down Baker Street. Ask the baker. Park Avenue is far.\n"
        "P3: Commissioner Park spoke. Park told us so.\n"))
    assert "Officer [NAME] came. [NAME] works here. [NAME] WORKS HERE." in copy, copy
    assert "We walked down Baker Street. Ask the baker. Park Avenue is far." in copy, copy
    assert "[NAME] told us so." in copy, copy
    runner = CliRunner()
    result = runner.invoke(cli, ["kwic", "works", str(tmp_path / "s"), "--width", "80"])
    assert result.exit_code == 0, result.output
    listing = " ".join(result.output.split())
    assert "Baker" not in listing and "[NAME] [works] here" in listing, listing


def test_a_name_after_a_turns_first_word_is_masked_as_the_scan_finds_it(tmp_path):
    # the scan reads "Later Baker said no." alone, where "Later" opens it, and found
    # "Baker"; the masked copy read "Later" after "P2: " as no sentence's start, took
    # "Later Baker" for a place ("Central Park") and showed the name
    copy = redacted(tmp_path, (
        "Interviewer: Did you talk to Officer Baker?\n"
        "P2: Later Baker said no.\n"
        "Interviewer: Then Baker left?\n"))
    assert "P2: Later [NAME] said no." in copy, copy
    assert "Interviewer: Then [NAME] left?" in copy, copy


def test_names_after_a_plural_title_in_capitals_are_masked(tmp_path):
    # "OFFICERS" was no title in capitals: "BAKER" was masked only for a title before it
    # elsewhere, and "WEST", a compass word, was shown
    assert {"BAKER", "WEST"} <= names_in("THEN OFFICERS BAKER AND WEST CAME.")
    copy = redacted(tmp_path, (
        "P1: THEN OFFICERS BAKER AND WEST CAME. DETECTIVES HALL, NORTH, AND PARK SPOKE.\n"
        "P2: WE LIVE OUT WEST. THE OFFICERS AND DETECTIVES LEFT.\n"))
    assert ("THEN OFFICERS [NAME] AND [NAME] CAME. DETECTIVES [NAME], [NAME], AND [NAME] "
            "SPOKE.") in copy, copy
    assert "WE LIVE OUT WEST. THE OFFICERS AND DETECTIVES LEFT." in copy, copy


def test_a_name_after_the_first_word_of_a_turn_with_a_bold_label_is_masked(tmp_path):
    # the gate read a turn's start only after a plain label ("P2: "): after "**P2:** "
    # it took "Later Baker" for a place's name ("Central Park") and showed the name
    copy = redacted(tmp_path, (
        "Interviewer: Did you talk to Officer Baker?\n"
        "**P2:** Later Baker said no.\n"
        "**P3**: Then Baker left.\n"
        "[P4] Later Baker came back.\n"))
    assert "**P2:** Later [NAME] said no.\n**P3**: Then [NAME] left.\n" in copy, copy
    assert "[P4] Later [NAME] came back." in copy, copy


def test_a_name_after_a_transcribers_mark_in_brackets_is_masked(tmp_path):
    # privacy-33 took "[crosstalk]" for a speaker's label, so "Park" after it opened a
    # turn ("Park stayed", as "Mark the date") and was shown in the scan and the tables;
    # a mark or placeholder is no label
    root = make_study(tmp_path / "s", {"talk.txt": (
        "Ben Park: Hello everyone.\n"
        "P1: [crosstalk] Park stayed late.\n"
        "P2: [cross talk] Park stayed too. [NAME] Park left.\n")}, None)
    runner = CliRunner()
    for args in (["ingest", str(root), "-q"], ["privacy", "scan", str(root), "-q"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    from dialogcode.privacy.gate import study_masker
    from dialogcode.study import Study
    mask, findings = study_masker(Study.open(root))
    assert (findings["text"] == "Park").sum() == 3, findings
    for cell in ("[crosstalk] Park stayed late.", "[cross talk] Park stayed too.",
                 "[NAME] Park left."):
        assert "Park" not in mask.for_readers(cell), cell
    # a label in brackets still opens a turn: its first word is no place's ("Later Park")
    assert mask.for_readers("[P5] Later Park stayed.") == "[P5] Later [NAME] stayed."


def test_a_name_after_a_transcribers_mark_and_an_opening_word_is_masked(tmp_path):
    # privacy-34 read "[crosstalk] Later Baker" as inside a sentence, so "Later Baker"
    # was a place's name ("Central Park") and "Baker" was shown, while "P2: Later Baker"
    # was masked: after a mark the talk may open afresh, as after a label
    root = make_study(tmp_path / "s", {"talk.txt": (
        "P1: Officer Baker was there.\n"
        "P2: [crosstalk] Later Baker said no.\n"
        "P3: [inaudible] Then Baker left. We went to Central Park.\n"
        # a long mark: privacy-35 looked 40 characters back for it and showed "Baker"
        "P4: [inaudible 00:12:34, several people talking] Later Baker said no.\n")}, None)
    runner = CliRunner()
    for args in (["ingest", str(root), "-q"], ["privacy", "scan", str(root), "-q"],
                 ["privacy", "redact", str(root), "--to", str(tmp_path / "r"), "-q"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    copy = (tmp_path / "r" / "talk.txt").read_text(encoding="utf-8")
    assert ("P2: [crosstalk] Later [NAME] said no.\n"
            "P3: [inaudible] Then [NAME] left. We went to Central Park.\n"
            "P4: [inaudible 00:12:34, several people talking] Later [NAME] said no.\n"
            ) in copy, copy
    from dialogcode.privacy.gate import study_masker
    from dialogcode.study import Study
    mask, _ = study_masker(Study.open(root))
    assert (mask.for_readers("[crosstalk] Later Baker said no.")
            == "[crosstalk] Later [NAME] said no.")


def test_a_surname_found_after_a_title_is_masked_opening_a_pair_of_names(tmp_path):
    # "Mister White" made "White" a name, masked in "White works here", but "White Ford
    # called" was read as a longer proper noun ("Grace Church") and showed both names
    copy = redacted(tmp_path, (
        "P1: Mister White came. White Ford called. Then White Ford said no.\n"
        "P2: Officer Baker came. Baker Ford called. The White House said no.\n"
        "P3: We walked down Baker Street. White Plains is far.\n"))
    assert "White Ford" not in copy and "Baker Ford" not in copy, copy
    assert "Mister [NAME] came. [NAME] called. Then [NAME] said no." in copy, copy
    assert "[NAME] called. The White House said no." in copy, copy
    assert "We walked down Baker Street. White Plains is far." in copy, copy
