"""A long run of spaces or tabs in any cell of an export (a padded fixed-width field, a cell
filled by a stuck key) is read in linear time: no pattern tries the run at each of its positions
(a unit check took minutes on 140,000 spaces in the last line, values.unit_key and
values._unit_and_note).  Each read must finish well within the fuzz tests' hang limit."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from openpyxl import Workbook
from pipeline_helpers import deadline

from triage.columns import parse_header
from triage.io import ReadOptions, read_file
from triage.schema import InputFileError

LIMIT_SECONDS = 10  # a read of a few rows; the run of spaces must not make it minutes
EXPORT = (
    "Prolactin audit\n"
    "Patient ID,Name,Sex,Age,Collected,Prolactin,Unit,Comment\n"
    "P1,Anna Muster,F,34,2026-11-01 08:10,25,ng/mL,\n"
    "P2,Bea Muster,F,41,2026-11-02 09:00,31.5,ng/mL,headache\n"
    "End of report (2 results)\n"
)
# Where a run goes: the title, a header cell, each cell of a row, the end line.
PLACES = ["audit", "Prolactin,", "P1,", "Anna", ",F,", ",34", "08:10", ",25", "ng/mL,\n", "(2"]


def _read(path: Path) -> float:
    start = time.perf_counter()
    with deadline(LIMIT_SECONDS):
        try:
            read = read_file(path, options=ReadOptions())
        except InputFileError:
            return time.perf_counter() - start
    assert read.summary.rows_read == read.summary.rows_triaged + read.summary.rows_rejected
    return time.perf_counter() - start


@pytest.mark.parametrize("run", [" " * 140_000, "\t" * 140_000, " \t" * 40_000])
def test_a_run_of_blanks_anywhere_in_a_csv_is_read_quickly(tmp_path: Path, run: str) -> None:
    path = tmp_path / "export.csv"
    for place in PLACES:
        at = EXPORT.index(place) + len(place) // 2
        path.write_text(EXPORT[:at] + run + EXPORT[at:], encoding="utf-8")
        _read(path)


def test_a_run_of_blanks_in_xlsx_cells_is_read_quickly(tmp_path: Path) -> None:
    run = " " * 32_000  # Excel keeps at most 32,767 characters in a cell
    rows = [
        ["Prolactin audit" + run],
        ["Patient ID", "Sex", "Age", "Prolactin" + run, "Unit", "Comment"],
        ["P1", "F" + run, 34, "25" + run, run + "ng/mL" + run, run],
        ["P2", "F", 41, 31.5, "ng/mL", "headache"],
        ["End of report" + run + "(2 results)"],
    ]
    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "export.xlsx"
    book.save(path)
    _read(path)


@pytest.mark.parametrize("run", ["y" * 60_000, "Y" * 60_000])
def test_a_header_of_one_long_word_is_parsed_quickly(run: str) -> None:
    """A word of tens of thousands of letters (a mutated header, as the fuzz tests write): the
    shortened-word search (columns._dotted_words) had tried it from every letter, ~20 s."""
    for text in ("Pro" + run, "Prolactin " + run + " (ng/mL)", run + ". Angaben"):
        with deadline(LIMIT_SECONDS):
            parse_header(text)
