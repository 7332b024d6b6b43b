"""Review 18: the command line as a laboratory's IT person meets it.

1. --help shows what to give (INPUT..., FILE, FOLDER, N, PATH|URL), never Python types;
2. `check --verbose` shows what the usable rows were read as and every rejected row;
3. `history purge` declined at the prompt is no error (output-contract §6 keeps 1 for a bug):
   exit 0, "nothing purged" on stderr;
4. a table with a header and no row of results is an input with nothing to triage (`empty`:
   exit 3 alone, 4 beside a usable input), never a silent run of 0 results;
5. a --history that cannot be a history (a folder, another file, a read-only file) is one line
   naming the path and what is wrong, exit 3, never SQLite's own words;
6. `history export` refuses an --out whose suffix contradicts --format or names another kind
   of file (exit 2).

Synthetic patients only; in-process calls only (CliRunner), to keep the file fast.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from pipeline_helpers import cli, without_settings_from_the_environment, write_table
from typer.testing import CliRunner

from triage.cli import app
from triage.cli.docs import COMMANDS, help_text

# Synthetic patients: a raised result on risperidone, a normal one, a result in mIU/L.
EXPORT_CSV = (
    "Patient ID,Sex,Age,Prolactin,Unit,Medications\n"
    "S1,F,34,61,ng/mL,risperidone 4 mg\n"
    "S2,M,40,9,ng/mL,\n"
    "S3,F,29,480,mIU/L,\n"
)


@pytest.fixture(autouse=True)
def _no_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    without_settings_from_the_environment(monkeypatch)


def export(folder: Path, name: str = "lab.csv") -> Path:
    path = folder / name
    path.write_text(EXPORT_CSV, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite history holding the three results of one run."""
    folder = tmp_path_factory.mktemp("history")
    path = folder / "history.db"
    done = cli("run", export(folder), "--out", folder / "out", "--history", path, "-q")
    assert done.exit_code == 0, done.output
    return path


def stored(history: Path) -> int:
    from triage.history.store import open_history

    with open_history(history, read_only=True) as store:
        return store.counts()["results"]


# ------------------------------------------------------------------------------------------------
# 1. --help
# ------------------------------------------------------------------------------------------------
def test_every_help_names_what_to_give_never_a_python_type() -> None:
    texts = {" ".join(args): help_text(args) for args in COMMANDS}
    for command, text in texts.items():
        assert not re.search(r"<[a-z][\w\[\]|, ]*>", text), (command, text)  # <list[Path]>, <str>
        usage = text.splitlines()[0]
        assert "{" not in usage, (command, usage)  # {inputs}...
    assert "Usage: prolactin-triage run [OPTIONS] INPUT..." in texts["run"]
    assert "Usage: prolactin-triage check [OPTIONS] INPUT..." in texts["check"]
    assert "Usage: prolactin-triage ack [OPTIONS] RESULT" in texts["ack"]
    for placeholder in ("--out FOLDER", "--history PATH|URL", "--jobs N", "--columns FILE"):
        assert placeholder in texts["run"], placeholder
    assert "--display-unit lab|ng/mL|mIU/L" in texts["run"]  # the values as written
    assert "--memory-limit MB" in texts["batch"] and "--inbox FOLDER" in texts["batch"]
    assert "--out FILE" in texts["history export"]
    assert "--format csv|parquet" in texts["history export"]
    # a missing argument is named by its placeholder too
    missing = cli("check")
    assert missing.exit_code == 2 and "Missing argument 'INPUT...'" in missing.output


# ------------------------------------------------------------------------------------------------
# 2. check --verbose
# ------------------------------------------------------------------------------------------------
def test_check_verbose_shows_how_the_rows_were_read_and_every_rejected_row(
    tmp_path: Path,
) -> None:
    rows = [
        ["Patient", "Name", "Geschlecht", "Geburtsdatum", "Entnahme", "Prolaktin", "Einheit"],
        ["D1", "Anna Muster", "w", "01.02.1990", "03.04.2026", "450", "mU/L"],
        ["D2", "Bernd Beispiel", "m", "05.06.1970", "04.04.2026", "12,5", "ng/ml"],
        ["D3", "Carla Test", "", "", "", "30", "µg/l"],
    ]
    rows += [[f"X{i}", "Dora Probe", "w", "", "", "hämolysiert?", "mU/L"] for i in range(25)]
    path = write_table(tmp_path / "befund.csv", rows)
    plain = cli("check", path)
    verbose = cli("check", path, "--verbose")
    assert plain.exit_code == verbose.exit_code == 0, verbose.output
    assert verbose.stdout.startswith(plain.stdout.split("  problems:")[0])  # the same mapping
    assert "read as" not in plain.stdout and "... and 5 more" in plain.stdout
    assert "... and" not in verbose.stdout
    assert verbose.stdout.count("      row ") == 25  # every rejected row
    block = verbose.stdout.split("  read as (3 result(s)):")[1]
    assert "'mU/L' -> mIU/L 1" in block and "'ng/ml' -> ng/mL 1" in block
    assert "'µg/l' -> ng/mL 1" in block
    assert "unit column 'Einheit'" in block
    assert "sex: 1 F, 1 M, 1 not stated" in block
    assert "age known: 2 of 3 row(s)" in block
    assert "collected: 2026-04-03 to 2026-04-04 (1 row(s) without a date)" in block
    for private in ("Anna", "Muster", "Bernd", "D1", "D2"):  # no name or id in the details
        assert private not in block
    # -v, and a long export (each line's own unit)
    long = tmp_path / "lis.csv"
    long.write_text(
        "patient_id,sex,age,test,result,unit\nL1,F,30,Prolactin,25,ng/mL\n"
        "L1,F,30,TSH,2.1,mIU/L\nL2,M,50,PRL,300,mIU/L\n",
        encoding="utf-8",
    )
    shown = cli("check", long, "-v")
    assert shown.exit_code == 0, shown.output
    assert "read as (2 result(s))" in shown.stdout
    assert "ng/mL 1" in shown.stdout and "mIU/L 1" in shown.stdout
    assert "unit from: the unit column 'unit' of each prolactin line" in shown.stdout


# ------------------------------------------------------------------------------------------------
# 3. history purge declined
# ------------------------------------------------------------------------------------------------
def test_purge_declined_at_the_prompt_is_exit_0_and_purges_nothing(
    history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from triage.cli import history as history_cli

    monkeypatch.setattr(history_cli, "interactive", lambda: True)
    total = stored(history)
    args = ["history", "purge", "--before", "2999-01-01", "--history", str(history)]
    runner = CliRunner()
    for answer in ("n\n", "\n", "no\n"):  # no, the default (no), a word
        declined = runner.invoke(app, args, input=answer, prog_name="prolactin-triage")
        assert declined.exit_code == 0, declined.output
        assert "nothing purged" in declined.stderr
        assert "Aborted" not in declined.output
        assert stored(history) == total
    quiet = runner.invoke(app, [*args, "-q"], input="n\n", prog_name="prolactin-triage")
    assert quiet.exit_code == 0 and "nothing purged" not in quiet.stderr
    gone = runner.invoke(app, args, input="", prog_name="prolactin-triage")  # Ctrl-D: no answer
    assert gone.exit_code == 130 and "nothing purged" in gone.stderr
    assert stored(history) == total


# ------------------------------------------------------------------------------------------------
# 4. a header and no row
# ------------------------------------------------------------------------------------------------
HEADER_ONLY = {
    "english.csv": [["Patient ID", "Sex", "Age", "Prolactin (ng/mL)"]],
    "deutsch.csv": [
        ["Laborbefund Prolaktin"],
        [],
        ["Patient", "Geschlecht", "Alter", "Prolaktin (mIU/L)"],
        ["", "", "", ""],
    ],
    "francais.xlsx": [["N° patient", "Sexe", "Âge", "Prolactine (ng/mL)"]],
    "nederlands.csv": [["Patiëntnummer", "Geslacht", "Leeftijd", "Prolactine", "Eenheid"]],
    "footer_only.csv": [["ID", "Sexo", "Edad", "Prolactina", "Unidad"], ["Fin del informe"]],
    "long.csv": [["patient_id", "test", "result", "unit"]],
}


@pytest.mark.parametrize("name", sorted(HEADER_ONLY))
def test_a_header_without_rows_is_an_input_with_nothing_to_triage(
    tmp_path: Path, name: str
) -> None:
    path = write_table(tmp_path / name, HEADER_ONLY[name])
    checked = cli("check", path)
    assert checked.exit_code == 3, checked.output  # contract §6: no usable input
    assert f"{name}" in checked.stderr and "no result rows" in checked.stderr
    assert len(checked.stderr.strip().splitlines()) == 1


def test_a_header_only_file_beside_a_usable_one_is_listed_unusable(tmp_path: Path) -> None:
    empty = write_table(tmp_path / "ward_b.csv", HEADER_ONLY["english.csv"])
    out = tmp_path / "out"
    done = cli("run", export(tmp_path), empty, "--out", out, "-q")
    assert done.exit_code == 4, done.output
    assert "ward_b.csv: no result rows" in done.stderr
    inputs = json.loads((out / "results.json").read_text(encoding="utf-8"))["inputs"]
    listed = {entry["file"]: entry for entry in inputs}
    assert listed["ward_b.csv"]["failure_code"] == "empty"
    assert listed["lab.csv"]["rows_triaged"] == 3
    # rows that are all rejected are rows read, listed: the file stays usable (exit 0)
    rejected = write_table(
        tmp_path / "rejected.csv", [["Patient ID", "Prolactin (ng/mL)"], ["R1", "n.v."]]
    )
    only = cli("check", rejected)
    assert only.exit_code == 0 and "missing_result (1)" in only.stdout


# ------------------------------------------------------------------------------------------------
# 5. a --history that cannot be one
# ------------------------------------------------------------------------------------------------
SQLITE_WORDS = ("unable to open", "disk I/O", "file is not a database", "readonly", "sqlite:")


def one_error_line(result) -> str:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, result.stderr
    for words in SQLITE_WORDS:
        assert words not in errors[0], errors[0]
    return errors[0]


@pytest.mark.parametrize("kind", ["folder", "csv export", "read-only file"])
def test_a_history_that_cannot_be_one_is_one_line_naming_it(
    tmp_path: Path, kind: str, history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if kind == "folder":
        target, said = tmp_path / "histories", "is a folder"
        target.mkdir()
    elif kind == "csv export":
        target, said = export(tmp_path, "history.db"), "not an SQLite database"
    else:
        target, said = tmp_path / "copy.db", "cannot be written"
        target.write_bytes(history.read_bytes())
        real = os.access

        def access(path: object, mode: int, *args: object, **kwargs: object) -> bool:
            if Path(str(path)) == target and mode & os.W_OK:
                return False  # as for a user without write permission (the tests run as root)
            return real(path, mode, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "access", access)
    run = cli("run", export(tmp_path, "lab.csv"), "--out", tmp_path / "out", "--history", target)
    assert run.exit_code == 3, run.output
    line = one_error_line(run)
    assert str(target) in line and said in line
    acked = cli("ack", "R-1", "--by", "J. Smith", "--history", target)
    assert acked.exit_code == 3 and said in one_error_line(acked)
    if kind != "read-only file":  # reading a read-only history is fine
        shown = cli("history", "show", "S1", "--history", target)
        assert shown.exit_code == 3 and said in one_error_line(shown)
    else:
        shown = cli("history", "show", "S1", "--history", target)
        assert shown.exit_code == 0, shown.output


# ------------------------------------------------------------------------------------------------
# 6. history export: the name and the format
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "given", "said"),
    [
        ("results.parquet", "csv", "names a Parquet file, but --format is csv"),
        ("results.csv", "parquet", "names a CSV file, but --format is parquet"),
        ("results.JSON", None, "the name says JSON"),
        ("results.xlsx", "csv", "the name says an Excel workbook"),
        ("history.db", None, "the name says an SQLite database"),
    ],
)
def test_export_to_a_name_of_another_format_is_a_usage_error(
    tmp_path: Path, history: Path, name: str, given: str | None, said: str
) -> None:
    target = tmp_path / name
    args = ["history", "export", "--out", target, "--history", history]
    refused = cli(*args, *(["--format", given] if given else []))
    assert refused.exit_code == 2, refused.output
    assert said in refused.output and name in refused.output
    assert not target.exists()


def test_export_format_from_the_suffix_or_csv(tmp_path: Path, history: Path) -> None:
    for name in ("results.CSV", "results.txt", "results"):
        target = tmp_path / name
        done = cli("history", "export", "--out", target, "--history", history)
        assert done.exit_code == 0, done.output
        assert target.read_text(encoding="utf-8").startswith("result_id,")
    same = cli(
        "history", "export", "--out", tmp_path / "r.csv", "--format", "csv", "--history", history
    )
    assert same.exit_code == 0, same.output
