"""No sheet's rows vanish (README "Sheets and headers"; never lose a row).  A second sheet of
results beside the patients' sheet whose header names prolactin and nothing else the reader
knows ("Datum | Prolaktin (ng/ml)": 410 ng/mL among its rows) was passed over without a word:
another sheet was read only when its header named two different fields.  Such a sheet is read
now (its id-less rows triaged as a lone id-less sheet's are), and every sheet holding a
prolactin column that is not read (hidden, reference values, pivot, cover page) is named with
how many of its rows hold a prolactin value.  A data dictionary, a title page and an empty
template hold no results and stay unread and unnamed.  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from triage.io import FileRead, ReadOptions, read_file
from triage.notices import NOT_READ_MARK

Rows = list[list[object]]

PATIENTS: Rows = [
    ["Pat-Nr", "Geschlecht", "Alter", "Prolaktin (ng/ml)"],
    ["K1", "w", 30, 25],
    ["K2", "m", 40, 300],
]


def _book(path: Path, sheets: list[tuple[str, Rows]], hidden: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def _read(path: Path, sheet: str | None = None) -> FileRead:
    read = read_file(path, None, ReadOptions(sheet=sheet))
    summary = read.summary
    assert summary.rows_read == summary.rows_triaged + summary.rows_rejected
    return read


def _rows_of(read: FileRead, sheet: str) -> list[tuple[int, str]]:
    """(row number, result as written) of a sheet's triaged rows, and its rejected rows' numbers."""
    frame = read.frame[read.frame["source_sheet"] == sheet]
    triaged = list(zip(frame["source_row"].tolist(), frame["prolactin_raw"].tolist(), strict=True))
    return triaged + [(r.source_row, "rejected") for r in read.rejected if r.source_sheet == sheet]


def _not_read(read: FileRead) -> list[str]:
    return [w for w in read.summary.warnings if NOT_READ_MARK in w]


def test_the_reported_workbook_reads_the_second_sheet(tmp_path: Path) -> None:
    """two.xlsx: rows_read 2, no warning, the 410 ng/mL of sheet 'Nachtrag' gone."""
    later: Rows = [["Datum", "Prolaktin (ng/ml)"], ["01.12.2026", 410], ["02.12.2026", 12]]
    read = _read(_book(tmp_path / "two.xlsx", [("Daten", PATIENTS), ("Nachtrag", later)]))
    assert read.summary.sheet == "Daten + Nachtrag"
    assert read.summary.rows_read == 4 and not read.rejected
    assert _rows_of(read, "Nachtrag") == [(2, "410"), (3, "12")]
    assert _rows_of(read, "Daten") == [(2, "25"), (3, "300")]
    assert any(
        "'Nachtrag' also holds a prolactin column: read too" in w for w in read.summary.warnings
    )


# (language, the second sheet's header, a date as written): the header names prolactin and
# a date word the header scoring does not count (or counts only weakly)
LATER = [
    ("de", ["Datum", "Prolaktin (ng/ml)"], "01.12.2026"),
    ("en", ["Date", "Prolactin (ng/mL)"], "2026-12-01"),
    ("es", ["Fecha", "Prolactina (ng/mL)"], "01/12/2026"),
    ("it", ["Data", "Prolattina (ng/mL)"], "01/12/2026"),
    ("nl", ["Datum", "Prolactine (ng/mL)"], "01-12-2026"),
]


@pytest.mark.parametrize(("lang", "header", "day"), LATER, ids=[c[0] for c in LATER])
def test_a_sheet_of_dated_results_beside_the_patients_is_read(
    tmp_path: Path, lang: str, header: list[str], day: str
) -> None:
    later: Rows = [header, [day, 410], [day, "<3"]]
    path = _book(tmp_path / f"later_{lang}.xlsx", [("Patients", PATIENTS), ("Later", later)])
    read = _read(path)
    assert _rows_of(read, "Later") == [(2, "410"), (3, "<3")]


def test_its_id_less_rows_are_triaged_as_a_lone_sheet_would_be(tmp_path: Path) -> None:
    later: Rows = [["Datum", "Prolaktin (ng/ml)"], ["01.12.2026", 410], ["02.12.2026", 12]]
    path = _book(tmp_path / "same.xlsx", [("Daten", PATIENTS), ("Nachtrag", later)])
    both = _read(path)
    alone = _read(path, sheet="Nachtrag")
    columns = ["source_row", "patient_id", "sex", "age_years", "collected_at"]
    columns += ["prolactin_value", "prolactin_unit", "qualifier", "comments"]
    beside = both.frame[both.frame["source_sheet"] == "Nachtrag"][columns]
    assert beside.reset_index(drop=True).equals(alone.frame[columns].reset_index(drop=True))
    assert len(beside) == 2


@pytest.mark.parametrize(
    "later",
    [
        [["Prolaktin (ng/ml)", "Xyz"], [410, "a"], [12, "b"]],  # prolactin and an unknown word
        [["Prolaktin (ng/ml)"], [410], [12]],  # a single column of results
    ],
    ids=["unknown-column", "single-column"],
)
def test_a_header_naming_only_prolactin_is_read_beside_the_patients(
    tmp_path: Path, later: Rows
) -> None:
    path = _book(tmp_path / "only.xlsx", [("Daten", PATIENTS), ("Nachtrag", later)])
    read = _read(path)
    assert _rows_of(read, "Nachtrag") == [(2, "410"), (3, "12")]


def test_a_hidden_sheet_of_results_is_named_with_its_rows(tmp_path: Path) -> None:
    later: Rows = [["Datum", "Prolaktin (ng/ml)"], ["01.12.2026", 410], ["02.12.2026", 12]]
    path = _book(tmp_path / "hidden.xlsx", [("Daten", PATIENTS), ("Alt", later)], hidden=("Alt",))
    read = _read(path)
    assert read.summary.sheet == "Daten"
    (said,) = _not_read(read)
    assert "hidden sheet(s) 'Alt' also hold a prolactin column and were not read" in said
    assert "'Alt' 2 row(s) with a prolactin value" in said


def test_a_passed_over_pivot_and_cover_are_named_with_their_rows(tmp_path: Path) -> None:
    """Still passed over (fix74), and the notice says how many rows were left out."""
    pivot: Rows = [
        ["Station", "Geschlecht", "Prolaktin (ng/ml)"],
        ["4B", "w", 25],
        ["7A", "m", 300],
        ["Gesamtergebnis", None, 162.5],
    ]
    cover: Rows = [
        ["Analyte", "Prolactin"],
        ["Method", "Roche Elecsys"],
        ["Upper limit (women)", 496],
    ]
    path = _book(tmp_path / "pivot.xlsx", [("Info", cover), ("Daten", PATIENTS), ("Pivot", pivot)])
    read = _read(path)
    assert read.summary.sheet == "Daten" and read.summary.rows_read == 2
    said = " ".join(_not_read(read))
    assert "'Pivot' hold a summary" in said and "'Pivot' 3 row(s) with a prolactin value" in said
    assert "'Info' hold a cover page" in said and "'Info' 1 row(s) with a prolactin value" in said


def test_a_reference_sheet_naming_only_prolactin_is_named(tmp_path: Path) -> None:
    limits: Rows = [["Gruppe", "Prolaktin (ng/ml)"], ["Erwachsene", 23.3], ["Neugeborene", 500]]
    path = _book(tmp_path / "ref.xlsx", [("Daten", PATIENTS), ("Referenzwerte", limits)])
    read = _read(path)
    assert read.summary.sheet == "Daten" and read.summary.rows_read == 2
    (said,) = _not_read(read)
    assert "'Referenzwerte' are named as reference values" in said
    assert "'Referenzwerte' 2 row(s) with a prolactin value" in said


@pytest.mark.parametrize(
    "other",
    [
        # a data dictionary not named as one: its rows name variables, no results
        [["prl_value", "Serum prolactin", "number"], ["age", "Age in years", "integer"]],
        [["Prolaktin – Monatsbericht 2026"], ["05.12.2026"]],  # a title page
        [["Datum", "Prolaktin (ng/ml)"]],  # an empty template
    ],
    ids=["dictionary", "title", "template"],
)
def test_a_sheet_without_results_stays_unread_and_unnamed(tmp_path: Path, other: Rows) -> None:
    read = _read(_book(tmp_path / "none.xlsx", [("Daten", PATIENTS), ("Andere", other)]))
    assert read.summary.sheet == "Daten" and read.summary.rows_read == 2
    assert not any("'Andere'" in w for w in read.summary.warnings)
