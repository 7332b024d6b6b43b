"""Fixes after the review of the unattended mode: `check` quotes no cells unless asked, file
names with control characters, a broken quote in the header line, hidden sheets not read, and
running out of memory while reading."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import triage.io.readers as readers
from triage.cli import app
from triage.io import FileRead, ReadOptions, read_file, read_inputs
from triage.io.readers import display_name
from triage.notices import NOT_READ_MARK
from triage.output.redact import PLACEHOLDER, scrub_quoted
from triage.schema import InputFileError

runner = CliRunner()
HEADER = "Patient ID,Patient Name,Sex,Age,Collected,Prolactin,Unit\n"
PLANTED = ("Anna Zebedee", "Quintilla", "Wolstenholme")


def invoke(*args: str | Path, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], env=env, prog_name="prolactin-triage")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------
# 1. `check` scrubs the quoted cells of rejected rows and warnings unless --show-values
# ------------------------------------------------------------------------------------------------
def _planted_csv(tmp_path: Path) -> Path:
    return write(
        tmp_path / "planted.csv",
        HEADER
        + "P1,Bea,F,34,01/11/2026 08:13,25,ng/mL\n"
        + "P2,Cara,F,35,01/11/2026 08:13,Anna Zebedee,ng/mL\n"  # a name as the result
        + "P3,Dora,F,Quintilla,01/11/2026 08:13,30,ng/mL\n"  # a name in the age column
        + "P4,Edna,F,36,Wolstenholme,30,ng/mL\n",  # a name in the date column
    )


def test_check_hides_planted_names_by_default(tmp_path: Path) -> None:
    result = invoke("check", _planted_csv(tmp_path))
    assert result.exit_code == 0, result.output
    assert "prolactin [redacted] is not a number" in result.output
    for name in PLANTED:
        assert name not in result.output
    # headers and plain numbers are not cells that identify anyone: they stay readable
    assert "column 'Age'" in result.output


def test_check_show_values_quotes_cells_in_full(tmp_path: Path) -> None:
    path = _planted_csv(tmp_path)
    result = invoke("check", path, "--show-values")
    assert result.exit_code == 0, result.output
    assert "prolactin 'Anna Zebedee' is not a number" in result.output
    for name in PLANTED:
        assert name in result.output
    by_env = invoke("check", path, env={"PROLACTIN_TRIAGE_SHOW_VALUES": "1"})
    assert "Anna Zebedee" in by_env.output


def test_scrub_quoted_keeps_numbers_units_and_the_texts_given() -> None:
    text = "prolactin 'Anna' is not a number (result '30', unit 'ng/mL', column 'Age')"
    assert scrub_quoted(text) == (
        f"prolactin {PLACEHOLDER} is not a number (result '30', unit 'ng/mL', column {PLACEHOLDER})"
    )
    assert scrub_quoted(text, keep={"Age"}).endswith("column 'Age')")
    # an apostrophe in prose opens no quote (it would leave the next quote's text bare)
    assert scrub_quoted("give the file's unit; 'Anna Zebedee' x") == (
        f"give the file's unit; {PLACEHOLDER} x"
    )


# ------------------------------------------------------------------------------------------------
# 2. Control characters in a file name are escaped wherever the name is shown
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("new\nline.csv", "new\\nline.csv"),
        ("a\rb\tc.csv", "a\\rb\\tc.csv"),
        ("esc\x1b[31m.csv", "esc\\x1b[31m.csv"),
        ("c1\x85.csv", "c1\\x85.csv"),
        ("ls\u2028ps\u2029.csv", "ls\\u2028ps\\u2029.csv"),
        ("plain é.csv", "plain é.csv"),
    ],
)
def test_display_name_escapes_control_characters(name: str, shown: str) -> None:
    assert display_name(Path(name)) == shown


def test_a_file_named_with_a_newline_is_shown_on_one_line(tmp_path: Path) -> None:
    path = write(tmp_path / "new\nline.csv", HEADER + "P1,Bea,F,34,01/11/2026 08:13,x,ng/mL\n")
    read = read_file(path)
    assert read.summary.file == "new\\nline.csv"
    assert all(r.source_file == "new\\nline.csv" for r in read.rejected)
    assert set(read.frame["source_file"].tolist()) <= {"new\\nline.csv"}
    result = invoke("check", path)
    assert result.exit_code == 0, result.output
    assert "new\\nline.csv: wide shape" in result.output
    assert not any(line.startswith("line.csv") for line in result.output.splitlines())
    broken = write(tmp_path / "bad\nname.csv", "no,header,here\n1,2,3\n")
    (error,) = read_inputs([broken]).errors
    assert "\n" not in str(error) and str(error).startswith("bad\\nname.csv: ")


# ------------------------------------------------------------------------------------------------
# 3. A quote left open in the header line is named as the cause
# ------------------------------------------------------------------------------------------------
def test_an_unterminated_quote_in_the_header_is_named(tmp_path: Path) -> None:
    path = write(
        tmp_path / "uq_header.csv",
        'Patient ID,"Sex,Age,Prolactin (ng/mL)\nP1,F,34,25\nP2,M,50,30\n',
    )
    with pytest.raises(InputFileError) as caught:
        read_file(path)
    message = str(caught.value)
    assert "no header row with a prolactin column found" in message
    assert "line 1 could not be split into fields (a quote opened there is never closed)" in message
    assert "fix that line" in message


def test_a_header_not_found_without_broken_lines_says_nothing_of_them(tmp_path: Path) -> None:
    path = write(tmp_path / "none.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(InputFileError) as caught:
        read_file(path)
    assert "could not be split" not in str(caught.value)


# ------------------------------------------------------------------------------------------------
# 4. Hidden sheets holding a prolactin column are named in the "were not read" warning
# ------------------------------------------------------------------------------------------------
def _sheet(book: openpyxl.Workbook, title: str, state: str = "visible") -> None:
    sheet = book.create_sheet(title)
    sheet.append(["Patient ID", "Patient Name", "Sex", "Age", "Prolactin", "Unit"])
    sheet.append(["P1", "Bea", "F", 34, 25, "ng/mL"])
    sheet.sheet_state = state


def _workbook(tmp_path: Path, sheets: list[tuple[str, str]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, state in sheets:
        _sheet(book, title, state)
    path = tmp_path / "book.xlsx"
    book.save(path)
    return path


def _not_read(read: FileRead) -> list[str]:
    return [w for w in read.summary.warnings if NOT_READ_MARK in w]


def test_a_hidden_sheet_with_prolactin_is_named_as_not_read(tmp_path: Path) -> None:
    read = read_file(_workbook(tmp_path, [("Results", "visible"), ("Old", "hidden")]))
    assert read.summary.sheet == "Results"
    (warning,) = _not_read(read)
    assert "hidden sheet(s) 'Old' also hold a prolactin column and were not read" in warning


def test_visible_sheets_are_read_and_hidden_ones_named(tmp_path: Path) -> None:
    """Another visible sheet of results is read too; a hidden one (an archive) is named as not
    read, as before."""
    path = _workbook(
        tmp_path, [("Ward A", "visible"), ("Ward B", "visible"), ("Archive", "veryHidden")]
    )
    read = read_file(path)
    (warning,) = _not_read(read)
    assert warning.startswith("hidden sheet(s) 'Archive' also hold")
    assert "were not read" in warning
    assert read.summary.sheet == "Ward A + Ward B"
    assert set(read.frame["source_sheet"]) == {"Ward A", "Ward B"}


def test_a_sheet_chosen_by_name_lists_no_other_sheet(tmp_path: Path) -> None:
    path = _workbook(tmp_path, [("Results", "visible"), ("Old", "hidden")])
    read = read_file(path, options=readers.ReadOptions(sheet="Old"))
    assert read.summary.sheet == "Old"
    assert _not_read(read) == []


# ------------------------------------------------------------------------------------------------
# 5. Running out of memory is named as such, not as a bug
# ------------------------------------------------------------------------------------------------
def test_running_out_of_memory_is_not_called_a_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "huge.csv", HEADER + "P1,Bea,F,34,01/11/2026 08:13,25,ng/mL\n")

    def exhausted(*args: object, **kwargs: object) -> FileRead:
        raise MemoryError

    monkeypatch.setattr(readers, "read_file", exhausted)
    (error,) = read_inputs([path]).errors
    message = str(error)
    assert "ran out of memory while reading" in message
    assert "--memory-limit" in message
    assert "bug" not in message


@pytest.mark.parametrize(
    ("header", "void", "kept"),
    [
        ("Status", "cancelled", "final"),
        ("Result status", "entered in error", "corrected"),
        ("Befundstatus", "storniert", "endgültig"),
        ("Statut", "annulé", "validé"),
        ("Estado", "anulado", "definitivo"),
        ("Stato", "annullato", "refertato"),
        ("Uitslagstatus", "geannuleerd", "definitief"),
    ],
)
def test_a_result_its_status_voids_is_rejected(
    tmp_path: Path, header: str, void: str, kept: str
) -> None:
    """A cancelled or entered-in-error result (6000 mIU/L) was triaged as URGENT: like HL7's
    OBX-11 X/D/W, its row is rejected as cancelled_result, the others stay."""
    path = tmp_path / "status.csv"
    path.write_text(
        f"Patient ID,Sex,Age,Prolactin (mIU/L),{header}\n"
        f"P1,F,34,6000,{void}\nP2,F,34,300,{kept}\nP3,F,34,320,{kept}\n",
        encoding="utf-8",
    )
    read = read_file(path, None, ReadOptions())
    assert read.summary.mapping["result_status"] == header
    assert [r.reason_code for r in read.rejected] == ["cancelled_result"]
    assert read.rejected[0].source_row == 2
    assert len(read.frame) == 2


def test_a_status_column_of_something_else_is_not_a_result_status(tmp_path: Path) -> None:
    path = tmp_path / "status.csv"
    path.write_text(
        "Patient ID,Sex,Age,Prolactin (mIU/L),Status\n"
        "P1,F,34,600,inpatient\nP2,F,34,300,outpatient\nP3,F,34,320,day case\n",
        encoding="utf-8",
    )
    read = read_file(path, None, ReadOptions())
    assert "result_status" not in read.summary.mapping
    assert len(read.frame) == 3 and not read.rejected
