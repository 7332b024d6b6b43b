"""Review 15: date columns read as the export means them.

1. Two columns with one date header ("Datum" twice, "Date" twice, "Fecha", "Data"): where the
   dates of one lie years before every date of the other, the earlier is the birth date and the
   later the collection date (a warning names both); where the dates do not tell, both are named
   in a warning and the first is read as the collection date.  A 10-year-old girl at 520 mIU/L
   is judged against the child interval (clinical-reference §2.1: CALIPER to <18 years), a
   76-year-old woman against the postmenopausal one.
2. Excel serial date-times written with a decimal comma (46000,4375) are read as dates, in a
   csv and in a workbook's text cells, beside plain serials of the same column.
3. A workbook in the 1904 date system (Mac Excel) has its General-format serial dates read
   from 1904-01-01, in a wide and a long export.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from pipeline_helpers import write_table

from triage.pipeline import TriageOutcome, TriageRequest, run_triage


def _run(path: Path) -> TriageOutcome:
    return run_triage(TriageRequest(inputs=[path], out_dir=path.parent / "out", keep_results=True))


def _warnings(run: TriageOutcome) -> str:
    return " ".join(w for summary in run.inputs for w in summary.warnings)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(
    ("ident", "sex", "date", "unit"),
    [
        ("Pat-Nr", "Geschlecht", "Datum", "Prolaktin (mIU/l)"),
        ("Patient ID", "Sex", "Date", "Prolactin (mIU/L)"),
        ("N.º paciente", "Sexo", "Fecha", "Prolactina (mUI/L)"),
        ("Paziente", "Sesso", "Data", "Prolattina (mUI/L)"),
    ],
)
@pytest.mark.parametrize("birth_first", [False, True])
def test_a_second_date_column_of_birth_dates_is_the_birth_date(
    tmp_path: Path, suffix: str, ident: str, sex: str, date: str, unit: str, birth_first: bool
) -> None:
    rows = [("P1", "W", "05.11.2026", "12.03.2016"), ("P3", "W", "06.11.2026", "14.02.1950")]
    sex_word = {"Geschlecht": "W", "Sex": "F", "Sexo": "M", "Sesso": "F"}[sex]
    lines: list[list[object]] = [[ident, sex, date, date, unit]]
    for pid, _, taken, born in rows:
        pair = [born, taken] if birth_first else [taken, born]
        lines.append([pid, sex_word if sex_word != "M" else "F", *pair, 520])
    run = _run(write_table(tmp_path / f"export{suffix}", lines))
    results = run.results.set_index("patient_id")
    said = _warnings(run)
    assert "no age or birth date" not in said
    assert f"both headed {date!r}" in said and "read as the birth date" in said
    assert 10 <= float(results.loc["P1", "age_years"]) < 11
    assert pd.Timestamp(results.loc["P1", "collected_at"]).date().isoformat() == "2026-11-05"
    assert results.loc["P1", "status"] == "high"  # 520 mIU/L is above a girl's interval
    assert 76 <= float(results.loc["P3", "age_years"]) < 77
    assert (
        "postmenopaus"
        in str(results.loc["P3", "reference_stratum"]).lower()
        + str(results.loc["P3", "reference_set"]).lower()
    )


def test_two_date_columns_that_do_not_tell_are_both_named(tmp_path: Path) -> None:
    # a collection date and a report date a day later: neither is a birth date
    lines: list[list[object]] = [
        ["Pat-Nr", "Geschlecht", "Alter", "Datum", "Datum", "Prolaktin (mIU/l)"],
        ["P1", "W", 34, "05.11.2026", "06.11.2026", 300],
        ["P2", "W", 41, "04.11.2026", "06.11.2026", 310],
    ]
    run = _run(write_table(tmp_path / "export.csv", lines))
    said = _warnings(run)
    assert "columns D and E are both headed 'Datum'" in said, said
    assert "read as the birth date" not in said
    results = run.results.set_index("patient_id")
    assert pd.Timestamp(results.loc["P1", "collected_at"]).date().isoformat() == "2026-11-05"
    assert pd.isna(results.loc["P1", "birth_date"]) if "birth_date" in results else True


def test_one_date_column_is_still_read_without_warning(tmp_path: Path) -> None:
    lines: list[list[object]] = [
        ["Pat-Nr", "Geschlecht", "Geburtsdatum", "Datum", "Prolaktin (mIU/l)"],
        ["P1", "W", "12.03.2016", "05.11.2026", 520],
    ]
    run = _run(write_table(tmp_path / "export.csv", lines))
    assert "both headed" not in _warnings(run)
    assert 10 <= float(run.results["age_years"].iloc[0]) < 11


# 2. Excel serial date-times written with a decimal comma (a German, French, Spanish, Italian
#    or Dutch locale writes 46000,4375 for 46000.4375) are read as dates, and they no longer
#    stop the plain serials of the same column from being read.
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("stamp", ["46000,4375", "46000.4375", "46000,5", "46000"])
def test_serial_date_times_with_a_decimal_comma_are_read(
    tmp_path: Path, suffix: str, stamp: str
) -> None:
    lines: list[list[object]] = [
        ["Pat-Nr", "Geschlecht", "Geburtsdatum", "Abnahmedatum", "Prolaktin (ng/ml)"],
        ["0001", "W", "39600", stamp, "25"],
        ["0002", "W", "39600", "46000", "25"],
    ]
    run = _run(write_table(tmp_path / f"export{suffix}", lines))
    results = run.results.set_index("patient_id")
    assert "could not be read" not in _warnings(run)
    for pid in ("0001", "0002"):
        collected = pd.Timestamp(results.loc[pid, "collected_at"])
        assert collected.date().isoformat() == "2025-12-09", (pid, collected)
        assert 17 <= float(results.loc[pid, "age_years"]) < 18
        assert results.loc[pid, "status"] == "high"  # a 17-year-old girl: 1.5-19.5 ng/mL
    if stamp == "46000,4375":
        assert pd.Timestamp(results.loc["0001", "collected_at"]).hour == 10


def test_a_decimal_comma_number_in_a_result_column_is_no_date(tmp_path: Path) -> None:
    # a result column of five-digit numbers with a decimal comma stays a result
    lines: list[list[object]] = [
        ["Pat-Nr", "Geschlecht", "Alter", "Abnahmedatum", "Prolaktin (mIU/l)"],
        ["0001", "W", "34", "09.12.2025", "10000,5"],
    ]
    run = _run(write_table(tmp_path / "export.csv", lines))
    assert float(run.results["prolactin_value"].iloc[0]) == pytest.approx(10000.5)


# 3. A workbook in the 1904 date system (Mac Excel, workbookPr date1904): a serial date in a
#    General-format cell counts its days from 1904-01-01 (44869 is 2026-11-05, not 2022-11-04);
#    cells formatted as dates stay as they were read.
def _book_1904(path: Path, rows: list[list[object]], *, date1904: bool = True) -> Path:
    book = openpyxl.Workbook()
    if date1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    assert sheet is not None
    sheet.title = "Results"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("date1904", [True, False])
def test_serials_of_a_1904_workbook_count_from_1904(tmp_path: Path, date1904: bool) -> None:
    taken = 44869 if date1904 else 46331  # 2026-11-05 in either system
    born = 39876 if date1904 else 41338  # 2013-03-06 in either system
    rows: list[list[object]] = [
        ["Pat-Nr", "Geschlecht", "Geburtsdatum", "Abnahmedatum", "Prolaktin (mIU/l)"],
        ["P1", "W", born, taken, 712],
        ["P2", "M", datetime(2009, 1, 14), datetime(2026, 11, 5, 8, 30), 420],
    ]
    run = _run(_book_1904(tmp_path / "mac.xlsx", rows, date1904=date1904))
    results = run.results.set_index("patient_id")
    for pid in ("P1", "P2"):
        assert pd.Timestamp(results.loc[pid, "collected_at"]).date().isoformat() == "2026-11-05"
    assert 13 <= float(results.loc["P1", "age_years"]) < 14
    assert 17 <= float(results.loc["P2", "age_years"]) < 18
    assert not (run.results["source_row"] == 0).any()


def test_a_long_export_of_a_1904_workbook_counts_from_1904(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Patient", "Sex", "Age", "Date", "Test", "Result", "Unit"],
        ["P1", "F", 34, 44869, "Prolactin", 30, "ng/mL"],
    ]
    run = _run(_book_1904(tmp_path / "long.xlsx", rows))
    collected = pd.Timestamp(run.results["collected_at"].iloc[0])
    assert collected.date().isoformat() == "2026-11-05"
