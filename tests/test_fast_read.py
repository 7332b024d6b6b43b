"""The fast reading paths give what the cell-by-cell reading gave.

Spreadsheets are read with python-calamine as Python objects (numbers, texts, dates), never
through a typed frame: a column that is numeric for thousands of rows and then holds "<5",
">200" or "haemolysed" keeps those texts.  The array shortcuts (date texts read column-wise,
the repeated-header check, the string columns of the frame, the sheet measure) are checked
against the plain definitions they replace.
"""

from __future__ import annotations

import io
import math
import random
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from triage.io import ReadOptions, read_file, sources
from triage.io.layout import (
    DUPLICATE_SHARE,
    _blank_mask,
    _duplicate_header_mask,
    _header_keys,
    _loose,
    _repeats_header,
    factorize_column,
)
from triage.io.wide import _fast_text_dates, _parse_distinct_dates, typed_column
from triage.schema import InputFileError
from triage.values import is_blank, parse_date

HEADER = ["Lab No", "MRN", "Sex", "DOB", "Collected", "PRL", "Units"]


def _write_xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Results")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _row(i: int, result: object, unit: str = "ng/mL") -> list[object]:
    return [
        f"L{i:06d}",
        f"M{i % 500:05d}",
        "F" if i % 2 else "M",
        date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
        datetime(2026, 1 + i % 10, 1 + i % 28, 8, i % 60),
        result,
        unit,
    ]


def test_text_results_after_ten_thousand_numbers_are_kept(tmp_path: Path) -> None:
    rows = [_row(i, round(5 + (i % 300) / 10, 1)) for i in range(10_000)]
    tail = ["<5", ">200", "haemolysed", "12,5", 17]
    rows += [_row(10_000 + k, value) for k, value in enumerate(tail)]
    result = read_file(_write_xlsx(tmp_path / "late_text.xlsx", rows), None, ReadOptions())
    summary = result.summary
    assert summary.rows_read == len(rows)
    assert summary.rows_read == summary.rows_triaged + summary.rows_rejected
    frame = result.frame.set_index("source_row")
    first_tail = 2 + 10_000  # header on row 1
    assert frame.loc[first_tail, "qualifier"] == "<"
    assert frame.loc[first_tail, "prolactin_value"] == 5.0
    assert frame.loc[first_tail, "prolactin_raw"] == "<5"
    assert frame.loc[first_tail + 1, "qualifier"] == ">"
    assert frame.loc[first_tail + 1, "prolactin_value"] == 200.0
    assert frame.loc[first_tail + 3, "prolactin_value"] == 12.5  # decimal comma
    assert frame.loc[first_tail + 4, "prolactin_value"] == 17.0
    assert frame.loc[2, "prolactin_value"] == 5.0
    rejected = {r.source_row: r for r in result.rejected}
    assert rejected[first_tail + 2].reason_code == "unparseable_result"
    assert "haemolysed" in rejected[first_tail + 2].detail


def test_numbers_below_text_results_and_decimal_commas(tmp_path: Path) -> None:
    values: list[object] = ["12,5", "<3,0", "haemolysed", 30, 45.5, "1 234,5", ""]
    rows = [_row(i, v) for i, v in enumerate(values)]
    result = read_file(_write_xlsx(tmp_path / "mixed.xlsx", rows), None, ReadOptions())
    frame = result.frame.set_index("source_row")
    assert frame.loc[2, "prolactin_value"] == 12.5
    assert frame.loc[3, "prolactin_value"] == 3.0
    assert frame.loc[3, "qualifier"] == "<"
    assert frame.loc[5, "prolactin_value"] == 30.0
    assert frame.loc[6, "prolactin_value"] == 45.5
    assert frame.loc[7, "prolactin_value"] == 1234.5
    reasons = {r.source_row: r.reason_code for r in result.rejected}
    assert reasons == {4: "unparseable_result", 8: "missing_result"}
    assert result.summary.rows_read == 7


def test_dates_as_serials_and_as_texts(tmp_path: Path) -> None:
    collected: list[object] = [
        46350,  # an Excel serial: 24/11/2026
        46350.5,
        "14/11/2026 12:30",
        "2026-11-14",
        "2026-11-14 07:05:09",
        "14.11.2026",
        datetime(2026, 11, 14, 9, 15),
        "not a date",
    ]
    rows = []
    for i, when in enumerate(collected):
        row = _row(i, 20)
        row[4] = when
        rows.append(row)
    result = read_file(_write_xlsx(tmp_path / "dates.xlsx", rows), None, ReadOptions())
    frame = result.frame.set_index("source_row")
    got = [frame.loc[2 + i, "collected_at"] for i in range(len(collected))]
    assert got[0] == pd.Timestamp("2026-11-24")
    assert got[1] == pd.Timestamp("2026-11-24 12:00")
    assert got[2] == pd.Timestamp("2026-11-14 12:30")
    assert got[3] == pd.Timestamp("2026-11-14")
    assert got[4] == pd.Timestamp("2026-11-14 07:05:09")
    assert got[5] == pd.Timestamp("2026-11-14")
    assert got[6] == pd.Timestamp("2026-11-14 09:15")
    # a date that cannot be read, its age counted from the birth date: the sample was taken
    # since the earliest date of the column (2026), an adult's age either way: triaged without
    # a date (review 23: such a row is rejected only where its possible ages span two strata)
    assert pd.isna(got[7])
    assert not result.rejected
    assert any("could not be read as dates" in w for w in result.summary.warnings)


def test_csv_dates_read_column_wise_match_the_cell_reader(tmp_path: Path) -> None:
    rng = random.Random(4)
    lines = [",".join(HEADER)]
    expected = {}
    for i in range(400):
        when = datetime(2026, 1, 1) + pd.Timedelta(minutes=rng.randrange(0, 300_000))
        form = i % 4
        text = (
            when.strftime("%Y-%m-%d %H:%M:%S")
            if form == 0
            else when.strftime("%d/%m/%Y %H:%M")
            if form == 1
            else when.strftime("%d.%m.%Y")
            if form == 2
            else when.strftime("%-d/%-m/%Y")
        )
        expected[i + 2] = parse_date(text, True)
        lines.append(f"L{i},M{i},F,1970-01-01,{text},{10 + i % 40},ng/mL")
    path = tmp_path / "dates.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = read_file(path, None, ReadOptions()).frame.set_index("source_row")
    for row, want in expected.items():
        assert frame.loc[row, "collected_at"] == pd.Timestamp(want), row


def _date_texts(rng: random.Random, count: int) -> list[str]:
    out = set()
    while len(out) < count:
        year = rng.choice([1600, 1677, 1678, 1999, 2026, 2261, 2262, 0, rng.randint(1000, 3000)])
        month, day = rng.randint(0, 14), rng.randint(0, 32)
        hour, minute, second = rng.randint(0, 25), rng.randint(0, 61), rng.randint(0, 61)
        if rng.random() < 0.4:
            text = f"{year:04d}-{month:02d}-{day:02d}"
            sep = rng.choice([" ", "T"])
        else:
            first, second_sep = rng.choice("./-"), rng.choice("./-")
            text = f"{day:02d}{first}{month:02d}{second_sep}{year:04d}"
            sep = rng.choice([" ", " ", "T"])
        if rng.random() < 0.5:
            text += f"{sep}{hour:02d}:{minute:02d}"
            if rng.random() < 0.5:
                text += f":{second:02d}"
        if rng.random() < 0.05:
            text = rng.choice([" ", "\x00", "\n"]) + text
        if rng.random() < 0.05:
            text += rng.choice([" ", "\x00", "\n", "Z"])
        out.add(text)
    return sorted(out)


@pytest.mark.parametrize("dayfirst", [True, False])
def test_column_wise_date_texts_equal_parse_date(dayfirst: bool) -> None:
    texts = _date_texts(random.Random(11), 6000)
    texts += [
        "２０２６-01-01",
        "2024-02-29",
        "2026-02-29",
        "03/04/2026",
        "03.04.2026",
        "13/13/2026",
    ]
    values, done = _fast_text_dates(texts, dayfirst)
    assert done.sum() > len(texts) // 2
    for text, value, read in zip(texts, values, done, strict=True):
        if not read:
            continue
        want = parse_date(text, dayfirst, serials=False)
        if want is None:
            assert np.isnat(value), text
        else:
            assert value == np.datetime64(want, "ns"), text
    # the whole column: the shortcut and the cell-by-cell reading agree everywhere
    cells: list[object] = [*texts, None, 46350.0, date(2026, 1, 2), datetime(1500, 1, 1)]
    column = _parse_distinct_dates(cells, dayfirst, serials=True)
    for cell, value in zip(cells, column, strict=True):
        want = parse_date(cell, dayfirst, serials=True)
        assert (np.isnat(value) and want is None) or value == np.datetime64(want, "ns"), cell


def test_repeated_header_check_matches_its_definition() -> None:
    rng = random.Random(1)
    pool: list[object] = ["Lab No", "lab  no", " LAB NO ", "MRN", "x", "", "  ", None]
    pool += [math.nan, 1.5, 3, "Sex", "F", "PRL", True]
    titles = ["Lab No", "MRN", "Sex", "PRL", "", None, "Units"]
    for _ in range(1500):
        width, count = rng.randint(1, 7), rng.randint(1, 30)
        header = [rng.choice(titles) for _ in range(rng.randint(0, width + 1))]
        grid = np.empty((count, width), dtype=object)
        for i in range(count):
            copy = rng.random() < 0.3
            for j in range(width):
                keep = copy and j < len(header) and rng.random() < 0.8
                grid[i, j] = header[j] if keep else rng.choice(pool)
        found = [factorize_column(grid[:, j]) for j in range(width)]
        blank = np.column_stack([_blank_mask(f) for f in found])
        assert (blank == np.vectorize(is_blank, otypes=[bool])(grid)).all()
        filled = (~blank).sum(axis=1)
        # A repeated header may stand in another order (a second export pasted below with its
        # columns reordered or shifted): a filled cell counts when it is ANY of the header's
        # titles, in whichever column (it used to be compared with the title above it only).
        wanted = {_loose(title) for title in header} - {""}
        equal = np.array(
            [sum(_loose(c) in wanted for c in row if not is_blank(c)) for row in grid],
            dtype=np.int64,
        )
        want = equal >= np.maximum(2, np.ceil(DUPLICATE_SHARE * filled))
        assert (_duplicate_header_mask(found, header, filled, blank) == want).all()
        keys = _header_keys(header)
        assert [_repeats_header(list(row), keys) for row in grid] == want.tolist()


@pytest.mark.parametrize(
    "values",
    [
        ["a", None, "b"],
        [None, None],
        [],
        ["a", math.nan],
        ["a", 1.5],
        [pd.NA, "x"],
        ["x", pd.NaT],
        [True, None, False],
        [True, math.nan],
        [np.bool_(True), None],
        [1, 0, None],
    ],
)
@pytest.mark.parametrize("dtype", ["string", "boolean"])
def test_frame_columns_built_in_c_equal_the_element_wise_conversion(
    values: list[object], dtype: str
) -> None:
    cells = np.array(values, dtype=object)
    convert = str if dtype == "string" else bool
    want = pd.array([None if v is None or v is pd.NA else convert(v) for v in cells], dtype=dtype)
    got = typed_column(cells, dtype)
    assert isinstance(got, type(want))
    assert got.dtype == want.dtype
    assert got.equals(want)


def _zip_sheet(xml: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    return buffer.getvalue()


def _column(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@pytest.mark.parametrize("chunk", [64, 1000, 4 * 1024 * 1024])
def test_sheet_measure_finds_far_rows_and_columns_in_any_piece(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "_SCAN_CHUNK", chunk)
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, 300))
    cases = [
        (rows, (299, 1)),
        (rows + '<row r="5000000"><c r="B7"><v>1</v></c></row>', (5_000_000, 2)),
        ('<row r="9000"><c r="A900"><v>1</v></c></row>' + rows, (9000, 1)),  # out of order
        (rows + '<row r="300"><c r="AB300"><v>1</v></c></row>', (300, 28)),
        (rows + '<row r="300"><c r="XFD300"><v>1</v></c></row>', (300, 16384)),
        (rows + '<row r="300"><c r="XFD300"/></row>', (300, 1)),  # an empty cell: no value
        (rows + '<row r="300"><c r="T300"><v>1</v></c></row>', (300, 20)),
    ]
    if chunk >= 1000:  # cells without a reference are counted in a row held by one piece
        cases.append((rows + "<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>", (300, 3)))
    for body, want in cases:
        xml = f"<worksheet><sheetData>{body}</sheetData><rowBreaks/></worksheet>"
        with zipfile.ZipFile(io.BytesIO(_zip_sheet(xml))) as archive:
            assert sources._xlsx_extent(archive, "xl/worksheets/sheet1.xml")[:2] == want


def test_a_stray_far_cell_is_refused_before_the_grid_is_built(tmp_path: Path) -> None:
    path = tmp_path / "stray.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["MRN", "Prolactin", "Units"])
    sheet.append(["A1", 12, "ng/mL"])
    sheet.cell(row=1_000_000, column=16_000, value="x")
    book.save(path)
    with pytest.raises(InputFileError) as caught:
        read_file(path, None, ReadOptions())
    assert "refused" in str(caught.value)
    assert caught.value.file == "stray.xlsx"


def test_every_row_of_a_large_messy_export_is_accounted_for(tmp_path: Path) -> None:
    rows: list[list[object]] = []
    for i in range(3000):
        row = _row(i, [12.5, "<3", "haemolysed", "", 999999][i % 5], ["ng/mL", "mU/L", "?"][i % 3])
        rows.append(row)
        if i % 700 == 0:
            rows.append(list(HEADER))  # a repeated header row
        if i % 900 == 0:
            rows.append([None] * len(HEADER))  # a blank row: not counted
    result = read_file(_write_xlsx(tmp_path / "messy.xlsx", rows), None, ReadOptions())
    s = result.summary
    assert s.rows_read == s.rows_triaged + s.rows_rejected
    assert s.rows_read == 3000 + len(range(0, 3000, 700))
    seen = sorted([*result.frame["source_row"].tolist(), *(r.source_row for r in result.rejected)])
    assert len(seen) == len(set(seen)) == s.rows_read
    duplicates = [r for r in result.rejected if r.reason_code == "duplicate_header"]
    assert len(duplicates) == len(range(0, 3000, 700))
