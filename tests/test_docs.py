"""docs/ against the code: every column a command writes has a row in a docs/ table, and
every option of every command is described in the README or docs/ with its default."""
import csv
import re
import shutil
import sqlite3
from pathlib import Path

import click
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from dialogcode.cli import cli
from dialogcode.config import Config, _models_in, load_config
from dialogcode.manifest import KNOWN

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "data" / "evidence-study"


def doc_lines() -> list[str]:
    """The lines of README.md and docs/*.md."""
    return [line for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
            for line in path.read_text(encoding="utf-8").splitlines()]


def documented_columns() -> set[str]:
    """The names in the first cell of every docs/ table row (`a`, `b` or a / b)."""
    names = set()
    for line in doc_lines():
        if line.startswith("|"):
            cell = line.split("|")[1]
            names.update(re.findall(r"`([^`]+)`", cell) or re.split(r"[\s,/]+", cell.strip()))
    return names


def undocumented(columns, names, exempt=()) -> list[str]:
    """Columns with no row; `x_low` and `x_high` are documented with `x`."""
    return [c for c in columns if c not in names and c not in exempt
            and re.sub(r"_(low|high)$", "", c) not in names]


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The evidence study with a coder, after every command that writes a table."""
    root = tmp_path_factory.mktemp("docs") / "study"
    shutil.copytree(FIXTURE, root)
    run("ingest", root, "-q")
    run("code", root, "-q")
    rules = pd.read_csv(root / "out" / "codings.csv")
    (root / "codings").mkdir()
    rules[["seg_id", "code_id"]].iloc[::2].to_csv(root / "codings" / "ann.csv", index=False)
    run("run", root, "-q")
    run("evaluate", root, "--reference", "ann", "--folds", "2", "--curve", "-q")
    run("agree", "rules", "ann", "--reference", "ann", "--study", root)
    run("suggest", root, "-q")
    run("review", "export", root)
    run("review", "export", root, "-o", root / "out" / "review.csv")
    run("export", root, "--to", "csv", "--to", "xlsx", "--to", "sqlite", "-q")
    return root / "out"


def written_columns(out: Path):
    """(where, columns) for every CSV file, workbook sheet and SQLite table under out/."""
    for path in sorted(out.rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            yield str(path.relative_to(out)), next(csv.reader(handle))
    for path in sorted(out.glob("*.xlsx")):
        book = openpyxl.load_workbook(path, read_only=True)
        for sheet in book.worksheets:
            header = next(sheet.iter_rows(max_row=1, values_only=True))
            yield f"{path.name} sheet {sheet.title}", [c for c in header if c is not None]
    with sqlite3.connect(out / "study.sqlite") as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            yield f"study.sqlite table {table}", [
                row[1] for row in db.execute(f"PRAGMA table_info('{table}')")]


def test_every_written_column_has_a_row_in_the_docs(written):
    # code ids (coded_segments, cooccurrence_matrix) and coder names (the disagreements
    # file) are columns named by the study, documented as "a column per code/coder"
    exempt = set(pd.read_csv(written / "codebook.csv")["code_id"]) | {"rules", "ann"}
    names = documented_columns()
    where = dict(written_columns(written))
    assert {"tables/lessons.csv", "evaluation/curve.csv", "review.csv", "privacy.csv",
            "agreement/rules-vs-ann.csv", "suggestions.csv", "workbook.xlsx sheet README",
            "study.sqlite table codings"} <= set(where)
    missing = {w: m for w, columns in where.items() if (m := undocumented(columns, names, exempt))}
    assert missing == {}


def test_every_workbook_sheet_and_database_table_is_a_documented_table(written):
    tables = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^#+ ([a-z_]+)", tables, flags=re.M))
    headings |= {name for line in re.findall(r"^## (.+,.+)$", tables, flags=re.M)
                 for name in re.split(r",\s*", line)}
    sheets = openpyxl.load_workbook(written / "workbook.xlsx", read_only=True).sheetnames
    with sqlite3.connect(written / "study.sqlite") as db:
        names = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert [s for s in sheets if s != "README" and s not in headings] == []
    assert [t for t in names if t not in headings] == []


def commands(group=cli, path=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


def doc_paragraphs() -> list[tuple[str, str]]:
    """(the heading above it, the paragraph) for every paragraph (a table is one) of
    README.md and docs/*.md."""
    paragraphs = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        heading = ""
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            heading = ([""] + re.findall(r"^#+ (.*)$", block, flags=re.M))[-1] or heading
            paragraphs.append((heading, block))
    return paragraphs


# options every command that has them takes in the same sense, each described once
# (README "Working with a study", docs/study.md)
COMMON = {"--allow-outside", "--quiet", "--model"}


def test_every_option_has_help_and_is_documented_with_its_default():
    # an option is described where its command is: in a paragraph naming the command,
    # or under a heading naming it (`evaluate --seed` is not documented by the `--seed`
    # of `cluster`)
    paragraphs = doc_paragraphs()
    problems = []
    for path, command in commands():
        for option in command.params:
            if not isinstance(option, click.Option) or option.hidden:
                continue
            name = f"dialogcode {' '.join(path)} {option.opts[-1]}"
            if not option.help:
                problems.append(f"{name}: no help text")
            named = "|".join(re.escape(o) for o in option.opts)
            of_command = rf"(?<![\w-]){re.escape(' '.join(path))}(?![\w-])"
            said = [line for heading, block in paragraphs
                    if set(option.opts) & COMMON or re.search(of_command, heading + block)
                    for line in block.splitlines()
                    if re.search(rf"(?<![\w-])({named})(?![\w-])", line)]
            if not said:
                problems.append(f"{name}: in no docs/ paragraph on {' '.join(path)}")
                continue
            default = option.default
            if isinstance(default, (int, float, str)) and not isinstance(default, bool) \
                    and default not in ("", 0) and not option.multiple:
                shown = rf"(?<![\w.]){re.escape(str(default))}(?![\w.])"
                if not any(re.search(shown, line) for line in said):
                    problems.append(f"{name}: no docs/ line gives its default {default}")
    assert not problems, "\n".join(problems)


def test_every_option_a_doc_gives_a_command_is_one_it_has():
    known = {" ".join(path): command for path, command in commands()}
    problems = []
    for line in doc_lines():
        spans = re.findall(r"`(dialogcode [^`]+)`", line)
        if line.lstrip("$ ").startswith("dialogcode "):
            spans.append(line.lstrip("$ ").split("#")[0])
        for span in spans:
            words = span.split()[1:]
            name = next((" ".join(words[:n]) for n in (2, 1) if " ".join(words[:n]) in known),
                        None)
            if name is None:
                continue
            options = {"--help", "-h"} | {o for p in known[name].params
                                          for o in p.opts + p.secondary_opts}
            problems += [f"{span}: dialogcode {name} has no {option}"
                         for option in re.findall(r"(?<![\w-])(--?[a-z][a-z0-9-]*)", span)
                         if option not in options]
    assert not problems, "\n".join(problems)


def named_as_a_file(name: str, text: str) -> bool:
    """Whether ``text`` names the file ``name`` as a file: in backticks, alone or ending
    a path, with or without an extension (`review.csv`, `out/evaluation/curve.csv`),
    or in a heading (## code_by_site, code_by_event_type); a word of prose (review,
    curve) is not enough."""
    escaped = re.escape(name)
    return bool(re.search(rf"[`/]{escaped}(\.[a-z]+)*`", text)
                or re.search(rf"^#+ .*(?<![\w-]){escaped}(?![\w-])", text, flags=re.M))


def test_a_file_is_named_as_a_file_not_as_a_word():
    assert named_as_a_file("curve", "columns of `out/evaluation/curve.csv`:")
    assert named_as_a_file("review.xlsx", "writes `review.xlsx` to out/")
    assert named_as_a_file("code_by_site", "## code_by_phase, code_by_site\n")
    assert not named_as_a_file("curve", "a learning curve of the model")
    assert not named_as_a_file("review", "run `dialogcode review export`")
    assert not named_as_a_file("codings", "`codings_by_site.csv`")


def test_every_written_file_is_named_in_the_docs(written):
    text = "\n".join(doc_lines())
    # a table is documented by its name (written as .csv and .parquet), an agreement
    # file as <A>-vs-<B>.csv, any other file by its name
    names = {(path.stem if path.suffix in (".csv", ".parquet") else path.name
              ).replace("rules-vs-ann", "<A>-vs-<B>")
             for path in written.rglob("*")
             if path.is_file() and "cache" not in path.relative_to(written).parts}
    assert {"stamps.json", "model.npz", "privacy.key", "review.xlsx", "curve"} <= names
    assert sorted(name for name in names if not named_as_a_file(name, text)) == []


def test_every_manifest_column_is_in_the_init_template_and_docs():
    template = (ROOT / "dialogcode" / "data" / "dialogcode.yaml").read_text(encoding="utf-8")
    study = (ROOT / "docs" / "study.md").read_text(encoding="utf-8")
    assert [c for c in KNOWN if c not in template] == []
    assert [c for c in KNOWN if f"`{c}`" not in study] == []


def test_every_config_key_is_in_the_init_template():
    # each key where it goes: a top-level key at the start of a line (`model:` or
    # `# learn:`), a key of a section indented inside that section (privacy's `model:`
    # is not shown by the top-level `model:`)
    template = (ROOT / "dialogcode" / "data" / "dialogcode.yaml").read_text(encoding="utf-8")
    sections = re.split(r"^(?=#? ?[a-z_]+:)", template, flags=re.M)
    block = {re.match(r"#? ?([a-z_]+):", part).group(1): part for part in sections
             if re.match(r"#? ?[a-z_]+:", part)}
    missing = [key for key in Config.model_fields if key not in block]
    for name, field in Config.model_fields.items():
        for model in _models_in(field.annotation):
            text, shown = block.get(name, ""), r"^#?\s+{}:"
            if name == "columns":     # its keys are named in the comment above it
                text, shown = template.split("\ncolumns:")[0].rsplit("\n\n", 1)[-1], r"\b{}\b"
            missing += [f"{name}.{sub}" for sub in model.model_fields
                        if not re.search(shown.format(sub), text, flags=re.M)]
    assert missing == []


def test_the_init_template_holds_the_defaults_it_says_it_holds(tmp_path):
    # "Every key is optional; the values below are the defaults."
    path = tmp_path / "dialogcode.yaml"
    shutil.copy(ROOT / "dialogcode" / "data" / "dialogcode.yaml", path)
    assert load_config(path) == Config()


def section_columns() -> dict[str, list[list[str]]]:
    """{table: [the names of each column row]} for every docs/tables.md section whose
    heading names tables (`## documents (...)`, `## code_by_site, code_by_event_type`)."""
    sections, names = {}, None
    for line in (ROOT / "docs" / "tables.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = re.match(r"^##+ ([a-z_]+(?:, [a-z_]+)*)(?: \(|$)", line)
            names = [] if heading else None
            for table in re.split(r",\s*", heading.group(1)) if heading else ():
                sections[table] = names
        elif names is not None and line.startswith("| `"):
            names.append(re.findall(r"`([^`]+)`", line.split("|")[1]))
    return sections


# sections whose columns are another table's, documented where that table is
COLUMNS_ELSEWHERE = {"agreement", "evaluation"}


def test_each_table_section_names_the_columns_that_table_has(written):
    # a column documented only in another table's section, or a row left behind after
    # a column was dropped, passed the check that a column has a row somewhere
    codes = set(pd.read_csv(written / "codebook.csv")["code_id"])
    attributes = set(pd.read_csv(FIXTURE / "manifest.csv").columns) - {"file"}
    checked = []
    for table, rows in section_columns().items():
        files = [p for p in (written / f"{table}.parquet", written / "tables" /
                             f"{table}.parquet") if p.exists()]
        if table in COLUMNS_ELSEWHERE or not rows or not files:
            continue
        real = list(pd.read_parquet(files[0]).columns)
        documented = {name for row in rows for name in row}
        extra = codes | attributes if table in ("documents", "coded_segments") else set()
        assert undocumented(real, documented, extra) == [], table
        # a row of alternatives (`site` / `event_type` / `phase`) needs one of them
        assert [row for row in rows if not set(row) & set(real)] == [], table
        checked.append(table)
    assert {"documents", "segments", "codings", "codebook", "code_by_site",
            "cooccurrence", "exemplars", "coded_segments", "lessons"} <= set(checked)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_between_the_docs_reaches_a_file_and_heading():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
             ROOT / "bench" / "README.md"]
    headings = {page.resolve(): {anchor(h) for h in re.findall(
        r"^#+ (.*)$", re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"),
                             flags=re.S), flags=re.M)} for page in pages}
    broken = []
    for page in pages:
        for target, part in re.findall(r"\]\(([^)#\s:]*)(#[^)\s]+)?\)",
                                       page.read_text(encoding="utf-8")):
            path = (page.parent / target).resolve() if target else page.resolve()
            if not path.exists() or (part and path in headings
                                     and part[1:] not in headings[path]):
                broken.append(f"{page.name}: {target}{part}")
    assert broken == []
