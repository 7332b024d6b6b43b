"""`check` starts parsing a workbook's sheet in a thread before pandas and the readers are
imported (triage.io.sources.parse_ahead).  The parse is only a head start: the read that takes
it must give exactly what a read without it gives, it is taken only for the same bytes and the
same limits, and a file the guards refuse is never parsed ahead."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

import triage.io.sources as sources
from triage.cli import app
from triage.io import ReadOptions, read_file
from triage.io.delimited import InputLimits
from triage.schema import InputFileError

SAMPLES = Path(__file__).parent / "data" / "samples"


def _export(path: Path, *, first: str = "Cover", hidden_first: bool = False) -> Path:
    """A workbook whose results are not on its first sheet: a cover sheet, then the data."""
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = first
    cover.append(["Prolactin audit, synthetic patients"])
    if hidden_first:
        cover.sheet_state = "hidden"
    data = book.create_sheet("Results")
    data.append(["MRN", "Sex", "Age", "Prolactin", "Units", "Medication"])
    data.append(["P1", "F", 34, 41.5, "ng/mL", "risperidone 2 mg"])
    data.append(["P2", "M", 50, "haemolysed", "ng/mL", ""])
    data.append(["P3", "F", 29, 1200, "mIU/L", "Dostinex"])
    data.append(["P4", "F", 41, "<5", "ng/mL", "none"])
    book.save(path)
    return path


def _same_read(left: Path, right: Path, options: ReadOptions) -> None:
    a, b = read_file(left, options=options), read_file(right, options=options)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.rejected == b.rejected
    assert a.summary == b.summary


@pytest.mark.parametrize(
    "sheet",
    [None, "Results", 1, 0, "no such sheet", 7],  # the one read, another, or none at all
)
def test_a_read_that_takes_the_parse_ahead_equals_one_without(
    tmp_path: Path, sheet: str | int | None
) -> None:
    path = _export(tmp_path / "export.xlsx")
    options = ReadOptions(sheet=sheet)
    try:
        plain = read_file(path, options=options)
    except InputFileError as exc:
        sources.parse_ahead(path, sheet=sheet, limits=options.limits)
        with pytest.raises(InputFileError) as again:
            read_file(path, options=options)
        assert str(again.value) == str(exc)
        return
    sources.parse_ahead(path, sheet=sheet, limits=options.limits)
    ahead = sources._ahead
    assert ahead is not None and ahead.sheet in ("Cover", "Results")
    taken = read_file(path, options=options)
    assert sources._ahead is None  # taken, never used twice
    pd.testing.assert_frame_equal(taken.frame, plain.frame)
    assert taken.rejected == plain.rejected
    assert taken.summary == plain.summary


def test_the_bundled_workbook_reads_the_same_with_a_head_start(tmp_path: Path) -> None:
    sample = SAMPLES / "wide_clinic_export.xlsx"
    copy = tmp_path / sample.name
    copy.write_bytes(sample.read_bytes())
    options = ReadOptions()
    sources.parse_ahead(copy, sheet=None, limits=options.limits)
    assert sources._ahead is not None
    _same_read(copy, sample, options)


def test_the_parse_is_taken_only_for_the_same_bytes_and_limits(tmp_path: Path) -> None:
    first = _export(tmp_path / "a.xlsx")
    second = _export(tmp_path / "b.xlsx", first="Notes")
    options = ReadOptions()
    sources.parse_ahead(first, sheet=None, limits=options.limits)
    ahead = sources._ahead
    assert ahead is not None
    assert sources._take_ahead(second.read_bytes(), options.limits) is None  # other bytes
    sources.parse_ahead(first, sheet=None, limits=options.limits)
    other = InputLimits(max_rows=3)
    assert sources._take_ahead(first.read_bytes(), other) is None  # other limits
    with pytest.raises(InputFileError, match="refused: the sheet spans"):
        read_file(first, options=ReadOptions(max_rows=3))


def test_the_first_visible_sheet_is_parsed_ahead_not_a_hidden_one(tmp_path: Path) -> None:
    path = _export(tmp_path / "export.xlsx", hidden_first=True)
    sources.parse_ahead(path, sheet=None, limits=InputLimits())
    ahead = sources._ahead
    assert ahead is not None and ahead.sheet == "Results"
    sources._take_ahead(path.read_bytes(), InputLimits())


def _far_cell(path: Path) -> Path:
    base = _export(path.with_name("base.xlsx"))
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in src.infolist():
            data = src.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":  # the sheet parsed ahead
                data = data.replace(b"</sheetData>", far.encode() + b"</sheetData>")
            out.writestr(member.filename, data)
    return path


@pytest.mark.parametrize(
    "make",
    [
        _far_cell,  # a spreadsheet bomb: refused before any parse
        lambda p: (p.write_bytes(b"PK\x03\x04 not a zip at all"), p)[1],  # damaged
        lambda p: (p.write_text("MRN,Prolactin\nP1,20\n"), p)[1],  # text named .xlsx
    ],
)
def test_nothing_is_parsed_ahead_of_a_file_the_read_refuses_or_that_is_no_xlsx(
    tmp_path: Path, make: object
) -> None:
    path = make(tmp_path / "in.xlsx")  # type: ignore[operator]
    sources.parse_ahead(path, sheet=None, limits=InputLimits())
    assert sources._ahead is None
    try:
        read_file(path)
    except InputFileError as exc:
        assert "in.xlsx" in str(exc)


def test_check_says_the_same_with_and_without_a_head_start(tmp_path: Path) -> None:
    """`check` parses ahead; the in-process read (no head start) must print the same."""
    path = _export(tmp_path / "export.xlsx")
    with_ahead = CliRunner().invoke(app, ["check", str(path)])
    sources._ahead = None
    original = sources.parse_ahead
    try:
        sources.parse_ahead = lambda *a, **k: None  # type: ignore[assignment]
        without = CliRunner().invoke(app, ["check", str(path)])
    finally:
        sources.parse_ahead = original  # type: ignore[assignment]
    assert with_ahead.exit_code == without.exit_code == 0
    assert with_ahead.stdout == without.stdout
    assert "rows: 4 read = 3 usable + 1 rejected" in with_ahead.stdout
