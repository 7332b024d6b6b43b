"""A year (or a month) of birth without the day (research cohorts, privacy-minded exports:
"Year of birth", "Geburtsjahr", "Année de naissance", a birth-date column holding 1985 or
05/2010): the age is estimated
from it and the collection date, so a child is judged against a child's interval, never as an
adult of unknown age.  Synthetic patients only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.io import ReadOptions, read_file
from triage.values import ages_from_birth_periods, birth_period, birth_year


@pytest.mark.parametrize(
    ("cell", "year"),
    [(1985, 1985), (1985.0, 1985), ("1985", 1985), (" 2016 ", 2016), (np.int64(2001), 2001)],
)
def test_a_year_of_birth_is_read(cell: object, year: int) -> None:
    assert birth_year(cell) == year


@pytest.mark.parametrize(
    "cell", [1985.5, "1985-03-02", "03/1985", 1850, date.today().year + 1, True, 32874, "", None]
)
def test_other_cells_are_no_year_of_birth(cell: object) -> None:
    """A serial date of a living person's birth is far above any year (1990-01-01 is 32874)."""
    assert birth_year(cell) is None


def test_the_age_from_a_year_is_the_middle_of_what_the_year_allows() -> None:
    collected = np.array(["2026-07-01", "2026-03-01", "2026-03-01", "NaT"], dtype="datetime64[ns]")
    years = np.array([1986.0, 2016.0, 2027.0, 1986.0])
    ages = ages_from_birth_periods(years, np.zeros(4), collected)
    assert ages[0] == pytest.approx(40.0, abs=0.01)  # born 1986: 39.5 to 40.5 on 1 July 2026
    assert 9.6 < ages[1] < 9.7  # 2016: 9.2 to 10.2 on 1 March 2026
    assert np.isnan(ages[2]) and np.isnan(ages[3])  # after the collection; no collection date


def test_a_baby_born_in_the_year_is_of_unknown_age_under_what_the_year_allows() -> None:
    """Born in the year of collection or the one before: under one year possible, so the age is
    unknown under the oldest the year allows (values.unknown_age: negative), never a guess that
    would choose between neonatal and infant intervals."""
    collected = np.array(["2026-03-01", "2026-03-01"], dtype="datetime64[ns]")
    ages = ages_from_birth_periods(np.array([2026.0, 2025.0]), np.zeros(2), collected)
    assert ages[0] == pytest.approx(-59 / 365.25, abs=0.01)  # under 59 days
    assert ages[1] == pytest.approx(-(365 + 59) / 365.25, abs=0.01)


@pytest.mark.parametrize(
    "header",
    ["Year of birth", "YOB", "Geburtsjahr", "Année de naissance", "Año de nacimiento",
     "Anno di nascita", "Geboortejaar", "DOB"],
)  # fmt: skip
def test_a_girl_of_ten_is_judged_against_a_childs_interval(tmp_path: Path, header: str) -> None:
    """30 ng/mL is within a woman's interval but above a 6-11-year-old girl's: read as an adult
    of unknown age (the year of birth unread) it came out normal."""
    results = triage_csv(
        tmp_path,
        f"ID,Sex,{header},Collected,Prolactin (ng/mL)\n"
        "A1,F,2016,2026-03-01,30\nA2,F,1980,2026-03-01,30\n",
    )
    child, adult = results.iloc[0], results.iloc[1]
    assert 9 < child["age_years"] < 11
    assert child["status"] == "high" and "child" in child["reference_stratum"]
    assert adult["status"] == "normal" and adult["reference_stratum"].endswith("adult_female")
    assert results["birth_date"].isna().all()  # no day of birth is made up


def test_years_in_a_workbook_are_no_serial_dates(tmp_path: Path) -> None:
    """A spreadsheet number 1980 in a birth-date column is a year, not 1905-06-02 (an age of 121:
    the row was rejected as an impossible birth date)."""
    path = tmp_path / "cohort.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Study ID", "Sex", "Birth year", "Sample date", "PRL (ng/mL)"])
    sheet.append(["C-001", "M", 1980, pd.Timestamp("2026-05-04").to_pydatetime(), 19])
    sheet.append(["C-002", "F", 2012, pd.Timestamp("2026-05-04").to_pydatetime(), 19])
    book.save(path)
    read = read_file(path, None, ReadOptions())
    assert not read.rejected
    ages = read.frame["age_years"].tolist()
    assert 45 < ages[0] < 47 and 13 < ages[1] < 15
    assert any("year or the month of birth only" in w for w in read.summary.warnings)


def test_full_dates_and_years_in_one_column(tmp_path: Path) -> None:
    results = triage_csv(
        tmp_path,
        "ID;Geschlecht;Geburtsdatum;Datum;Prolaktin (ng/ml)\n"
        "A1;w;12.05.1990;01.03.2026;20\nA2;w;2017;01.03.2026;20\n",
    )
    assert results.iloc[0]["age_years"] == pytest.approx(35.8, abs=0.1)
    assert results.iloc[0]["birth_date"] == "1990-05-12"
    assert 8 < results.iloc[1]["age_years"] < 10


@pytest.mark.parametrize(
    ("cell", "period"),
    [("05/2010", (2010, 5)), ("5.2010", (2010, 5)), ("2010-05", (2010, 5)), ("Mai 2010", (2010, 5)),
     ("mayo 2010", (2010, 5)), ("maggio 2010", (2010, 5)), ("mei 2010", (2010, 5)),
     ("May 2010", (2010, 5)), ("1985", (1985, 0)), ("13/2010", None), ("12.05.2010", None)],
)  # fmt: skip
def test_a_month_and_year_of_birth_is_read(cell: str, period: tuple[int, int] | None) -> None:
    assert birth_period(cell) == period


def test_the_age_from_a_month_is_the_middle_of_the_month() -> None:
    collected = np.array(["2026-03-01", "2026-03-01"], dtype="datetime64[ns]")
    ages = ages_from_birth_periods(np.array([2010.0, 2026.0]), np.array([5.0, 2.0]), collected)
    assert ages[0] == pytest.approx(15.79, abs=0.02)  # born in May 2010
    assert ages[1] == pytest.approx(-28 / 365.25, abs=0.01)  # February 2026: under 28 days


def test_a_teenager_born_in_a_month_of_a_year_is_judged_as_one(tmp_path: Path) -> None:
    """A 15-year-old whose birth date is written as month and year was judged against the adult
    interval (the cell was dropped): 20 ng/mL came out normal."""
    results = triage_csv(
        tmp_path,
        "ID;Sex;DOB;Collected;Prolactin (ng/mL)\nA1;F;05/2010;2026-03-01;20\n"
        "A2;F;Mai 2010;2026-03-01;20\n",
    )
    assert (results["reference_stratum"] == "default:child_11_18y_female").all()
    assert results["birth_date"].isna().all()


def test_a_two_digit_birth_year_of_a_child_or_a_centenarian_is_rejected(tmp_path: Path) -> None:
    """'01.06.25' with a sample in 2026 is an infant of 0.8 years or a woman of 100: the
    infant's interval (upper limit ~114 ng/mL) makes 80 ng/mL normal, the adult's high.  With no
    age cell the row is rejected with the reason (never judged on a guess), and an urgent-sized
    result is still listed with the urgent results; '01.06.85' (no child then) and a row with an
    age are read as before."""
    path = tmp_path / "yy.csv"
    path.write_text(
        "Patient ID;Geschlecht;Geburtsdatum;Entnahme;Prolaktin;Einheit\n"
        "Y1;w;01.06.25;04.03.2026;80,0;ng/ml\n"
        "Y2;w;01.06.85;04.03.2026;80,0;ng/ml\n"
        "Y3;w;01.06.1925;04.03.2026;80,0;ng/ml\n"
        "Y4;w;01.06.12;04.03.2026;6400;mU/l\n",
        encoding="utf-8",
    )
    result = read_file(path, None, ReadOptions())
    rejected = {r.patient_id: r for r in result.rejected}
    assert set(rejected) == {"Y1", "Y4"}
    assert rejected["Y1"].reason_code == "unreadable_age"
    assert "1925 or 2025" in rejected["Y1"].detail
    assert rejected["Y4"].possibly_urgent and not rejected["Y1"].possibly_urgent
    ages = dict(zip(result.frame["patient_id"], result.frame["age_years"], strict=True))
    assert round(ages["Y2"]) == 41 and round(ages["Y3"]) == 101
    assert any("two-digit year" in w for w in result.summary.warnings)
    with_age = tmp_path / "yy_age.csv"
    with_age.write_text(
        "Patient ID;Geschlecht;Alter;Geburtsdatum;Entnahme;Prolaktin;Einheit\n"
        "Y1;w;1;01.06.25;04.03.2026;80,0;ng/ml\n",
        encoding="utf-8",
    )
    assert read_file(with_age, None, ReadOptions()).frame["age_years"].tolist() == [1.0]
