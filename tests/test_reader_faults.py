"""Input readers under faults: broken csv structure becomes rejected rows, resource bounds are
refused before memory is spent, one bad file never costs the others, and no message quotes a
cell (patient privacy).  See docs/_pending_readers.md."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import Workbook
from pipeline_helpers import deadline
from typer.testing import CliRunner

import triage.io.readers as readers
import triage.io.sources as sources
from triage.cli import app
from triage.io import FileRead, ReadOptions, read_file, read_inputs
from triage.schema import InputFileError
from triage.values import OPEN_END_ATTR

runner = CliRunner()
SAMPLES = Path(__file__).parent / "data" / "samples"
HEADER = "Patient ID,Name,Sex,Age,Prolactin (ng/mL)\n"
PLANTED = ("Anna Muster", "P9123")


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rejected_lines(read: FileRead) -> dict[int, str]:
    return {r.source_row: r.detail for r in read.rejected if r.reason_code == "malformed_line"}


def check_counts(read: FileRead) -> None:
    s = read.summary
    assert s.rows_read == s.rows_triaged + s.rows_rejected


# ------------------------------------------------------------------------------------------------
# 1. A cell over the csv module's field limit (128 KiB): a rejected line, not an internal error
# ------------------------------------------------------------------------------------------------
def test_a_cell_over_the_field_limit_is_a_rejected_line(tmp_path: Path) -> None:
    huge = "x" * 140_000
    path = write(
        tmp_path,
        "huge.csv",
        HEADER + "P1,Anna Muster,F,30,25\n" + f"P2,{huge},F,31,40\n" + "P3,Bea,F,32,50\n",
    )
    read = read_file(path)
    check_counts(read)
    assert list(read.frame["patient_id"]) == ["P1", "P3"]
    bad = rejected_lines(read)
    assert list(bad) == [3]
    assert "line 3" in bad[3] and "32,767" in bad[3] and "x" * 20 not in bad[3]
    result = invoke("run", path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert "internal error" not in result.stderr


# ------------------------------------------------------------------------------------------------
# 2. An unterminated quote: its line is rejected, the next lines are read
# ------------------------------------------------------------------------------------------------
def test_an_unterminated_quote_rejects_its_line_and_reading_goes_on(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "quote.csv",
        HEADER
        + "P1,Anna Muster,F,30,25\n"
        + 'P2,Bea,F,31,"40\n'
        + "P3,Cara,F,32,40\n"
        + "P4,Dora,F,33,50\n",
    )
    read = read_file(path)
    check_counts(read)
    assert list(read.frame["patient_id"]) == ["P1", "P3", "P4"]
    assert read.summary.rows_read == 4
    bad = rejected_lines(read)
    assert list(bad) == [3]
    assert bad[3].startswith("line 3: a quote opened here is never closed")
    assert "reading went on with the next line" in bad[3]


def test_a_broken_quote_in_the_middle_is_found_by_its_field_count(tmp_path: Path) -> None:
    text = (
        HEADER
        + "P1,Anna,F,30,25\n"
        + 'P2,"Bea,F,31,40\n'  # quote opened in the name, closed by the next quote below
        + "P3,Cara,F,32,40\n"
        + 'P4,"Dora",F,33,50\n'
        + "P5,Eva,F,34,60\n"
    )
    read = read_file(write(tmp_path, "mid.csv", text))
    check_counts(read)
    assert "P5" in list(read.frame["patient_id"])
    assert "P1" in list(read.frame["patient_id"])
    assert 3 in rejected_lines(read)


def test_a_quoted_note_over_several_lines_still_reads(tmp_path: Path) -> None:
    text = (
        "Patient ID,Sex,Age,Prolactin (ng/mL),Comment\n"
        "P1,F,30,25,short\n"
        'P2,F,31,40,"headache,\nvisual field loss\nsince May"\n'
        "P3,F,32,50,\n"
    )
    read = read_file(write(tmp_path, "note.csv", text))
    check_counts(read)
    assert not read.rejected
    assert list(read.frame["patient_id"]) == ["P1", "P2", "P3"]
    note = read.frame.loc[read.frame["patient_id"] == "P2", "comments"].iloc[0]
    assert "visual field loss" in note
    # record numbers: the note's record is row 3, the next one row 4
    assert list(read.frame["source_row"]) == [2, 3, 4]


def test_a_quote_spanning_too_many_lines_is_broken(tmp_path: Path) -> None:
    lines = "".join(f"P{i},F,30,{i}\n" for i in range(3, 40))
    text = 'Patient ID,Sex,Age,Prolactin (ng/mL)\nP1,F,30,25\nP2,F,31,"40\n' + lines
    text += 'P40,F,30,"x"\n'
    read = read_file(write(tmp_path, "span.csv", text), options=ReadOptions(max_record_lines=5))
    check_counts(read)
    assert 3 in rejected_lines(read)
    assert "P39" in list(read.frame["patient_id"])


# ------------------------------------------------------------------------------------------------
# 3. Too many or too few fields
# ------------------------------------------------------------------------------------------------
def test_lines_with_too_many_or_too_few_fields_are_rejected(tmp_path: Path) -> None:
    text = (
        "patient_id,sex,age,prolactin\n"
        "P1,F,30,25\n"
        "P9123,F,31,40,99,88\n"
        "P3,F\n"
        "P4,F,33,50,,\n"  # empty fields beyond the header in one line only: a stray delimiter?
        "P5,F,34,60\n"
    )
    read = read_file(write(tmp_path, "fields.csv", text), options=ReadOptions(unit="ng/mL"))
    check_counts(read)
    assert list(read.frame["patient_id"]) == ["P1", "P5"]
    bad = rejected_lines(read)
    assert bad[3].startswith("line 3 has 6 fields where the header has 4 (a stray or missing")
    assert bad[4].startswith("line 4 has 2 fields where the header has 4")
    assert bad[5].startswith("line 5 has 6 fields where the header has 4")
    assert not any(p in d for d in bad.values() for p in ("P9123", "99", "88"))


def test_an_exporter_trimming_empty_fields_is_read_padded(tmp_path: Path) -> None:
    text = "patient_id,prolactin,unit,comment,flag\n" + "".join(
        f"P{i},{20 + i},ng/mL\n" for i in range(8)
    )
    text += "P8,30,ng/mL,seen,H\n"
    read = read_file(write(tmp_path, "trim.csv", text))
    check_counts(read)
    assert len(read.frame) == 9 and not rejected_lines(read)
    assert any("fewer fields than the header" in w for w in read.summary.warnings)


def test_a_bad_line_above_the_header_is_only_a_warning(tmp_path: Path) -> None:
    text = "Prolactin report " + "y" * 40_000 + "\n" + HEADER + "P1,Anna,F,30,25\n"
    read = read_file(write(tmp_path, "title.csv", text))
    check_counts(read)
    assert len(read.frame) == 1 and not read.rejected
    assert any("line(s) 1 above the data" in w for w in read.summary.warnings)


# ------------------------------------------------------------------------------------------------
# 4. The cell size limit
# ------------------------------------------------------------------------------------------------
def test_a_cell_over_max_cell_chars_rejects_its_row(tmp_path: Path) -> None:
    text = HEADER + "P1,Anna,F,30,25\n" + "P2," + "z" * 50 + ",F,31,40\n" + "P3,Cara,F,32,50\n"
    path = write(tmp_path, "cell.csv", text)
    read = read_file(path, options=ReadOptions(max_cell_chars=20))
    check_counts(read)
    assert list(read.frame["patient_id"]) == ["P1", "P3"]
    assert "longer than 20 characters" in rejected_lines(read)[3]
    assert len(read_file(path).frame) == 3  # the default limit (32,767) keeps it


# ------------------------------------------------------------------------------------------------
# 5. Resource bounds, refused before memory is spent
# ------------------------------------------------------------------------------------------------
def test_a_file_over_max_file_bytes_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "big.csv", HEADER + "P1,Anna,F,30,25\n" * 100)
    with pytest.raises(InputFileError, match=r"more than the limit of 1,000 \(max_file_bytes\)"):
        read_file(path, options=ReadOptions(max_file_bytes=1000))


def test_devices_and_fifos_are_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with deadline(10):
        with pytest.raises(InputFileError, match="is a FIFO"):
            read_file(fifo)
        zero = tmp_path / "zero.csv"
        zero.symlink_to("/dev/zero")
        with pytest.raises(InputFileError, match="is a device, not a regular file"):
            read_file(zero)
        result = invoke("run", fifo, "--out", tmp_path / "out")
    assert result.exit_code == 3
    assert "FIFO" in result.stderr


def _xlsx_with_cells(tmp_path: Path, name: str, extra_rows: str) -> Path:
    """A small openpyxl workbook whose sheet XML gets ``extra_rows`` added."""
    base = tmp_path / "base.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["Patient ID", "Prolactin (ng/mL)"])
    sheet.append(["P1", 25])
    book.save(base)
    target = tmp_path / name
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", extra_rows.encode() + b"</sheetData>")
            out.writestr(member.filename, data)
    return target


@pytest.mark.parametrize(
    "cell",
    [
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>',
        '<row r="5"><c r="XFD5" t="inlineStr"><is><t>x</t></is></c></row>',
    ],
)
def test_an_xlsx_with_a_far_away_cell_is_refused(tmp_path: Path, cell: str) -> None:
    path = _xlsx_with_cells(tmp_path, "far.xlsx", cell)
    assert path.stat().st_size < 10_000
    with deadline(30), pytest.raises(InputFileError, match="refused: the sheet"):
        read_file(path)


def _ods_with(tmp_path: Path, name: str, rows: bytes) -> Path:
    """The LibreOffice sample with ``rows`` added at the end of its table."""
    target = tmp_path / name
    source = SAMPLES / "clinic_list.ods"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for member in zin.infolist():
            data = zin.read(member.filename)
            if member.filename == "content.xml":
                data = data.replace(b"</table:table>", rows + b"</table:table>", 1)
            if member.filename == "mimetype":
                out.writestr(member, data)
            else:
                out.writestr(member.filename, data)
    return target


def test_an_ods_with_repeated_content_rows_is_refused(tmp_path: Path) -> None:
    rows = (
        b'<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
        b'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    )
    with deadline(30), pytest.raises(InputFileError, match="refused: the sheet"):
        read_file(_ods_with(tmp_path, "rep.ods", rows))
    cells = (
        b'<table:table-row><table:table-cell office:value-type="string" '
        b'table:number-columns-repeated="16000"><text:p>x</text:p></table:table-cell>'
        b"</table:table-row>"
    )
    with deadline(30), pytest.raises(InputFileError, match="16,000 columns"):
        read_file(_ods_with(tmp_path, "repc.ods", cells))


def test_an_ods_with_libreoffice_trailing_empty_rows_reads(tmp_path: Path) -> None:
    rows = (
        b'<table:table-row table:style-name="ro1" table:number-rows-repeated="1048553">'
        b'<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    with deadline(60):
        read = read_file(_ods_with(tmp_path, "trail.ods", rows))
    check_counts(read)
    assert read.summary.rows_read == read_file(SAMPLES / "clinic_list.ods").summary.rows_read


def test_csv_rows_columns_and_cells_limits(tmp_path: Path) -> None:
    path = write(tmp_path, "rows.csv", HEADER + "P1,Anna,F,30,25\n" * 20)
    with pytest.raises(InputFileError, match=r"more than 10 rows \(the limit, max_rows\)"):
        read_file(path, options=ReadOptions(max_rows=10))
    with pytest.raises(InputFileError, match=r"max_cells"):
        read_file(path, options=ReadOptions(max_cells=50))
    wide = write(tmp_path, "wide.csv", HEADER + "P1,Anna,F,30,25\n" + "," * 3000 + "x\n")
    read = read_file(wide)
    check_counts(read)
    assert "more than the limit of 1,000 columns" in rejected_lines(read)[3]


def test_a_rust_panic_in_calamine_is_an_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class PanicException(BaseException):  # as pyo3 defines it: not an Exception
        pass

    def panic(*_: object) -> None:
        raise PanicException("index out of bounds")

    fake = SimpleNamespace(
        CalamineWorkbook=SimpleNamespace(from_filelike=panic),
        PasswordError=type("PasswordError", (Exception,), {}),
    )
    monkeypatch.setattr(sources, "calamine", fake)
    with pytest.raises(InputFileError, match=r"the reader failed on it"):
        read_file(SAMPLES / "wide_clinic_export.xlsx")


# ------------------------------------------------------------------------------------------------
# 6. One unreadable file never costs the others
# ------------------------------------------------------------------------------------------------
def test_an_internal_error_in_one_file_leaves_the_others_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = write(tmp_path, "a.csv", HEADER + "P1,Bea,F,30,25\n")
    other = write(tmp_path, "b.csv", HEADER + "P2,Cara,F,31,30\n")
    bad = write(tmp_path, "bad.csv", HEADER + "P9123,Anna Muster,F,31,30\n")
    original = readers.read_file

    class PanicException(BaseException):
        pass

    failures: list[BaseException] = [ValueError("cell 'Anna Muster'"), PanicException("boom")]

    def flaky(path: Path, *args: object, **kwargs: object) -> FileRead:
        if path.name == "bad.csv":
            raise failures[0]
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(readers, "read_file", flaky)
    for failure, kind in zip(list(failures), ("ValueError", "PanicException"), strict=True):
        failures[0] = failure
        done = read_inputs([good, bad, other])
        assert sorted(s.file for s in done.inputs) == ["a.csv", "b.csv"]
        assert len(done.frame) == 2
        (error,) = done.errors
        assert error.file == "bad.csv"
        assert f"internal reader error {kind}; report it as a bug" in str(error)
        assert "Anna" not in str(error)
    result = invoke("run", good, bad, other, "--out", tmp_path / "out")
    assert result.exit_code == 4, result.stderr  # some files unusable
    assert (tmp_path / "out" / "results.csv").exists()
    assert "internal reader error" in result.stderr
    assert not any(p in result.stderr for p in PLANTED)


def test_keyboard_interrupt_is_not_swallowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_: object, **__: object) -> FileRead:
        raise KeyboardInterrupt

    monkeypatch.setattr(readers, "read_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        read_inputs([write(tmp_path, "a.csv", HEADER)])


# ------------------------------------------------------------------------------------------------
# 7. Messages never quote cells; file names that are not UTF-8 print safely
# ------------------------------------------------------------------------------------------------
def test_a_file_without_a_header_row_is_named_without_its_cells(tmp_path: Path) -> None:
    path = write(tmp_path, "nohead.csv", "P9123,Anna Muster,F,34,2026-11-01,25\n" * 3)
    with pytest.raises(InputFileError) as raised:
        read_file(path)
    assert not any(p in str(raised.value) for p in PLANTED)
    result = invoke("run", path, "--out", tmp_path / "out")
    assert result.exit_code == 3
    assert "no prolactin column found" in result.stderr
    assert not any(p in result.stderr for p in PLANTED)


def test_a_mapping_naming_a_missing_header_names_columns_not_cells(tmp_path: Path) -> None:
    from triage.io import ColumnMapping

    path = write(tmp_path, "m.csv", "P9123,Anna Muster,Prolactin\nP1,Bea,25\n")
    mapping = ColumnMapping(columns={"prolactin": "PRL"})
    with pytest.raises(InputFileError) as raised:
        read_file(path, mapping)
    message = str(raised.value)
    assert "PRL" in message and "columns A" in message
    assert not any(p in message for p in PLANTED)


def test_a_file_name_that_is_not_utf8_prints_safely(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(folder) + b"/bad\xffname.csv"
    with open(raw, "wb") as handle:
        handle.write(HEADER.encode() + b"P1,Bea,F,30,25\n")
    (path,) = folder.iterdir()
    read = read_file(path)
    assert read.summary.file == "bad\\xffname.csv"
    done = subprocess.run(
        [sys.executable, "-m", "triage", "run", str(folder), "--out", str(tmp_path / "out")],
        capture_output=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        check=False,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    results = (tmp_path / "out" / "results.csv").read_text(encoding="utf-8")
    assert "bad\\xffname.csv" in results


def test_a_fault_in_the_rules_on_one_file_costs_that_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run` with several inputs: should the engine fail on one file's rows (a bug), that file
    is an unusable input named on stderr and the others are triaged (exit 4)."""
    from triage import pipeline

    good = write(tmp_path, "good.csv", "Patient ID,Sex,Age,Prolactin (ng/mL)\nG1,F,30,25\n")
    bad = write(tmp_path, "bad.csv", "Patient ID,Sex,Age,Prolactin (ng/mL)\nB1,F,30,25\n")
    real = pipeline.triage_frame

    def fails_on_bad(frame, knowledge, **kwargs):  # type: ignore[no-untyped-def]
        if (frame["source_file"] == "bad.csv").any():
            raise ZeroDivisionError("a cell 'B1' quoted")
        return real(frame, knowledge, **kwargs)

    monkeypatch.setattr(pipeline, "triage_frame", fails_on_bad)
    outcome = pipeline.run_triage(
        pipeline.TriageRequest(inputs=[good, bad], out_dir=tmp_path / "out", keep_results=True)
    )
    assert outcome.exit_code == 4
    assert outcome.results["patient_id"].tolist() == ["G1"]
    assert [e.file for e in outcome.errors] == ["bad.csv"]
    assert "B1" not in str(outcome.errors[0]) and "ZeroDivisionError" in str(outcome.errors[0])
    assert [s.file for s in outcome.inputs] == ["good.csv"]


@pytest.mark.parametrize("suffix", [".xls", ".xlsx", ".csv", ".ods", ".txt"])
@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "a JPEG image"),
        (b"{\\rtf1\\ansi Prolactin 12 ng/mL\\par}", "an RTF document"),
    ],
)
def test_a_document_or_image_named_as_an_export_is_said_for_what_it_is(
    tmp_path: Path, suffix: str, head: bytes, kind: str
) -> None:
    path = tmp_path / f"export{suffix}"
    path.write_bytes(head + b"Prolactin;Sex\n12;F\n" * 20)
    with pytest.raises(InputFileError, match=rf"the file is {kind}, not a lab export"):
        read_file(path)


# ------------------------------------------------------------------ a file without a header ---
HEADERLESS_ROWS = [
    ["MRN0100999", "SMITH John", "F", "1970-02-03", "PRL", "850", "mIU/L"],
    ["MRN0100999", "SMITH John", "F", "1970-02-03", "TSH", "2.1", "mU/L"],
    ["MRN0100998", "DOE Jane", "F", "1980-01-01", "PRL", "300", "mIU/L"],
]


def test_a_file_without_a_header_row_is_refused_not_half_read(tmp_path: Path) -> None:
    """An export without a header row: its first row is data (an id, a name, a birth date, a
    result), never the header; reading it as one would lose that row and read the others
    against it.  The file is refused (exit 3) with what to do, and no cell of it is quoted."""
    path = tmp_path / "noheader.csv"
    path.write_text("".join(",".join(r) + "\n" for r in HEADERLESS_ROWS), encoding="utf-8")
    with pytest.raises(InputFileError, match="may have no header row") as raised:
        read_file(path, None, ReadOptions())
    message = str(raised.value)
    assert "SMITH" not in message and "MRN0100999" not in message
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 3
    assert "SMITH" not in result.output


def test_a_workbook_without_a_header_row_is_refused(tmp_path: Path) -> None:
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for mrn, name, sex, born, test, value, unit in HEADERLESS_ROWS:
        sheet.append([mrn, name, sex, datetime.fromisoformat(born), test, float(value), unit])
    path = tmp_path / "noheader.xlsx"
    book.save(path)
    with pytest.raises(InputFileError, match="may have no header row"):
        read_file(path, None, ReadOptions())


@pytest.mark.parametrize(
    "header",
    [
        "MRN,Sex,Prolactin 2023,Unit",  # a year in a name
        "MRN,Sex,Age,Prolactin (ng/mL),0,6",  # time points as names beside three fields
    ],
)
def test_a_header_with_a_number_in_it_is_still_the_header(tmp_path: Path, header: str) -> None:
    path = tmp_path / "numbers.csv"
    width = header.count(",") + 1
    row = ["A1", "F", "30", "12", "5", "6"][:width]
    if "Unit" in header:
        row = ["A1", "F", "12", "ng/mL"]
    path.write_text(header + "\n" + ",".join(row) + "\n", encoding="utf-8")
    read = read_file(path, None, ReadOptions())
    assert read.summary.header_row == 1
    assert len(read.frame) == 1


@pytest.mark.parametrize("padding", [1, 4096, 100_000])
def test_a_csv_padded_with_nul_bytes_is_read_and_the_padding_said(
    tmp_path: Path, padding: int
) -> None:
    """A copy that stopped (or a file preallocated by the program writing it) ends in NUL
    bytes: the rows before them are read, and the run says the export may be incomplete."""
    rows = "MRN,Sex,Age,Prolactin (ng/mL)\n" + "".join(f"P{i},F,30,{10 + i}\n" for i in range(20))
    path = tmp_path / "padded.csv"
    path.write_bytes(rows.encode() + b"\x00" * padding)
    read = read_file(path, None, ReadOptions())
    assert len(read.frame) == 20 and not read.rejected
    assert any("NUL byte(s)" in w for w in read.summary.warnings)


def test_utf16_text_is_not_taken_for_nul_padding(tmp_path: Path) -> None:
    rows = "MRN,Sex,Age,Prolactin (ng/mL)\n" + "".join(f"P{i},F,30,{10 + i}\n" for i in range(5))
    path = tmp_path / "utf16.csv"
    path.write_bytes(rows.encode("utf-16-le"))
    read = read_file(path, None, ReadOptions())
    assert read.frame["prolactin_value"].tolist() == [10.0, 11.0, 12.0, 13.0, 14.0]
    assert not any("NUL" in w for w in read.summary.warnings)


@pytest.mark.parametrize(("end", "warned"), [("", True), ("\n", False), ("\r\n", False)])
def test_a_last_line_without_its_line_end_is_said(tmp_path: Path, end: str, warned: bool) -> None:
    """A copy cut short in its last row ("6000" -> "6") reads as a smaller value: the file
    whose last line has no line end is flagged (like one padded with NUL bytes); that line, its
    last field the result, is triaged, its comment cautioning that digits may be missing (review
    26, mendF: most such files were only written without a final line end)."""
    path = tmp_path / "cut.csv"
    path.write_bytes(f"ID,Sex,Age,Prolactin (mIU/L)\nP1,F,34,300\nP2,F,34,6{end}".encode())
    read = read_file(path, None, ReadOptions())
    said = any("the last line has no line end" in w for w in read.summary.warnings)
    assert said is warned
    assert len(read.frame) == 2
    assert read.rejected == []
    assert bool(read.frame.attrs.get(OPEN_END_ATTR)) is warned


@pytest.mark.parametrize("suffix", [".xlsx", ".xls", ".ods"])
def test_an_html_page_with_a_spreadsheet_name_is_read_as_its_table(
    tmp_path: Path, suffix: str
) -> None:
    """A LIS "Excel export" that is a web page: its table is read as a sheet whatever the
    extension (review 24 D6: it was refused, and a cron run dropped the ward's results)."""
    path = tmp_path / f"export{suffix}"
    path.write_text(
        "<html><body><table><tr><td>ID</td><td>Sex</td><td>Prolactin (ng/mL)</td></tr>"
        "<tr><td>P1</td><td>F</td><td>27.5</td></tr></table></body></html>"
    )
    read = read_file(path, None, ReadOptions())
    assert list(read.frame["patient_id"]) == ["P1"]


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm", ".ods", ".xls"])
@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("ID;Geschlecht;Alter;Prolaktin (ng/ml)\r\nP1;W;34;27,5\r\nP2;M;50;9,0\r\n", "cp1252"),
        ("\ufeffID,Sex,Age,Prolactin (ng/mL)\nP1,F,34,27.5\nP2,M,50,9.0\n", "utf-8"),
        ("ID\tSex\tAge\tProlactin (ng/mL)\nP1\tF\t34\t27.5\nP2\tM\t50\t9.0\n", "utf-16"),
    ],
)
def test_delimited_text_with_a_spreadsheet_name_is_read_as_text(
    tmp_path: Path, suffix: str, text: str, encoding: str
) -> None:
    """A LIS "Excel export" that is a CSV named .xlsx was refused ("plain text or unknown
    data"); like a .xls one it is read as delimited text, with a warning saying so."""
    path = tmp_path / f"export{suffix}"
    path.write_bytes(text.encode(encoding))
    read = read_file(path, None, ReadOptions())
    assert read.frame["prolactin_value"].tolist() == [27.5, 9.0]
    assert any(f"the {suffix} file is delimited text" in w for w in read.summary.warnings)


@pytest.mark.parametrize(
    "content", [b"this is a text file with the wrong extension\n", b"\x01\x02"]
)
def test_text_that_is_no_table_with_a_spreadsheet_name_is_refused(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "export.xlsx"
    path.write_bytes(content * 50)
    with pytest.raises(InputFileError, match="not a valid xlsx workbook"):
        read_file(path, None, ReadOptions())


def test_a_formula_without_a_stored_result_is_named(tmp_path: Path) -> None:
    """openpyxl (and other writers that compute nothing) store formulas without their result:
    python-calamine gives such a cell as empty, which read as "the prolactin cell is empty"."""
    import openpyxl

    path = tmp_path / "formulas.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Patient ID", "Sex", "Age", "Prolactin (mIU/L)", "Raw"])
    sheet.append(["P1", "F", 34, "=E2*1", 900])
    sheet.append(["P2", "F", 34, 300, 300])
    book.save(path)
    read = read_file(path, None, ReadOptions())
    (rejected,) = read.rejected
    assert rejected.source_row == 2 and rejected.reason_code == "unparseable_result"
    assert "formula without a stored result" in rejected.detail
    assert len(read.frame) == 1


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        # the same specimen's result exported twice: both kept, the repeat named
        (
            [
                "P1,S1,2026-03-01 08:30,300",
                "P2,S2,2026-03-01 08:30,12",
                "P1,S1,2026-03-01 08:30,300",
            ],
            "row(s) 4 (as row 2)",
        ),
        # a corrected value, another collection, or no specimen number: no repeat
        (["P1,S1,2026-03-01 08:30,300", "P1,S1,2026-03-01 08:30,310"], None),
        (["P1,S1,2026-03-01 08:30,300", "P1,S1,2026-03-02 08:30,300"], None),
        (["P1,,2026-03-01 08:30,300", "P1,,2026-03-01 08:30,300"], None),
    ],
)
def test_a_result_exported_twice_is_kept_and_named(
    tmp_path: Path, rows: list[str], said: str | None
) -> None:
    """Every row is triaged (none is lost), but the urgent list and the counts name a result
    exported twice twice: the reading says which rows repeat which."""
    path = tmp_path / "twice.csv"
    header = "MRN,Specimen,Collected,Prolactin (ng/mL)\n"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    read = read_file(path, None, ReadOptions())
    assert len(read.frame) == len(rows)
    repeats = [w for w in read.summary.warnings if "repeat an earlier row's result" in w]
    if said is None:
        assert repeats == []
    else:
        assert len(repeats) == 1 and said in repeats[0]


@pytest.mark.parametrize("cut", [0.9, 0.99])
def test_a_truncated_xls_gives_one_error_line_and_no_rust_panic(tmp_path: Path, cut: float) -> None:
    """The spreadsheet reader (Rust) panics on a legacy workbook cut short; its panic and
    backtrace (RUST_BACKTRACE=1 in the environment) used to fill stderr before the tool's own
    error line.  On a stderr that is no terminal (cron, a log) only that line is left."""
    data = (Path(__file__).parent / "data" / "samples" / "legacy_export.xls").read_bytes()
    path = tmp_path / "cut.xls"
    path.write_bytes(data[: int(len(data) * cut)])
    env = dict(os.environ, RUST_BACKTRACE="1")
    done = subprocess.run(
        [sys.executable, "-m", "triage", "check", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 3
    assert done.stderr.splitlines() == [
        "prolactin-triage: error: cut.xls: the workbook cannot be read (the reader failed on it)"
    ]


def test_a_column_of_formulas_without_stored_results_says_so(tmp_path: Path) -> None:
    """A workbook written by a program that does not compute formulas (openpyxl, a script):
    every result cell a formula without its value.  The error says so and how to fix it, not
    that the column's values are not results."""
    from triage.io import ReadOptions, read_file
    from triage.schema import InputFileError

    book = Workbook()
    sheet = book.active
    sheet.append(["MRN", "Raw", "Prolactin"])
    for row in range(2, 6):
        sheet.append([f"A{row}", 10 + row, f"=B{row}*2"])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    with pytest.raises(InputFileError, match="formulas without a stored result"):
        read_file(path, None, ReadOptions())


def test_an_ods_cell_merged_down_gives_its_patient_to_each_row(tmp_path: Path) -> None:
    """LibreOffice writes a cell merged over two rows as one cell spanning them and a covered
    cell below: the row below is the same patient's (python-calamine gives ods no merged
    ranges; the urgent result below had no patient), as in xlsx and xls."""

    def cell(text: str, spanned: bool = False) -> bytes:
        span = b' table:number-rows-spanned="2"' if spanned else b""
        return (
            b'<table:table-cell office:value-type="string"'
            + span
            + b"><text:p>"
            + text.encode()
            + b"</text:p></table:table-cell>"
        )

    covered = b"<table:covered-table-cell/>"
    first = cell("26L9900001") + cell("MRN9900001", True) + cell("DOE, Ann", True)
    first += cell("F", True) + cell("") + cell("") + cell("50.5") + cell("ng/mL")
    second = cell("26L9900002") + covered * 3 + cell("") + cell("") + cell("300") + cell("ng/mL")
    rows = (
        b"<table:table-row>" + first + b"</table:table-row>"
        b"<table:table-row>" + second + b"</table:table-row>"
    )
    frame = read_file(_ods_with(tmp_path, "merged.ods", rows)).frame
    tail = frame.tail(2)
    assert tail["patient_id"].tolist() == ["MRN9900001", "MRN9900001"]
    assert tail["sex"].tolist() == ["F", "F"]
