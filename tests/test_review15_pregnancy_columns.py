"""Columns that state a pregnancy, a newborn's age or the time after a delivery in a shape of
their own are read, in six languages (clinical-reference §2.1 intervals of pregnancy, of the
neonate and of lactation; §4 physiological causes; §8 "pregnancy / lactation: don't flag, note
expected elevation"):

- a due date ("EDD (due date)", "Geburtstermin", "DPA", "FPP", "DPP", "uitgerekende datum") places a
  pregnancy at the sample's date as a due date written in a note does: the gestation is the
  term less the weeks until it; a due date long before the sample is no pregnancy now, and a
  due date is never read as a delivery;
- a newborn's day of life ("Lebenstag", "day of life", "jour de vie" ...) is an age in days:
  the neonatal interval, never the adult one;
- a trimester column ("Trimester" 3, "Trimenon" T3, "trimestre" 3e) is a pregnancy in that
  trimester;
- months after a delivery ("months postpartum", "Monate postpartum", "mois post-partum" ...) are
  read in months, as weeks are in weeks.

End to end (a CSV run through the pipeline).  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv, triage_lines

from triage.io import ReadOptions, read_file

SAMPLE = "05.11.2026"
DISCHARGE = "09.11.2026"  # four days after the sample


def _codes(row: pd.Series) -> list[str]:
    value = row["suggestions"]
    return value.split(";") if isinstance(value, str) else []


def _pregnant(row: pd.Series) -> bool:
    return "pregnan" in str(row["reference_stratum"])


# --- due dates ---------------------------------------------------------------------------------
DUE_HEADERS = [
    "EDD (due date)", "Due date", "Expected delivery date", "ET", "Geburtstermin",
    "errechneter Termin", "Entbindungstermin", "DPA", "terme prévu",
    "date prévue d'accouchement", "FPP",
    "fecha probable de parto", "DPP", "data presunta del parto", "uitgerekende datum",
    "verwachte bevallingsdatum", "edd_delivery", "fecha_probable_parto",
]  # fmt: skip


@pytest.mark.parametrize("header", DUE_HEADERS)
def test_a_due_date_column_places_a_pregnancy_at_the_sample(tmp_path: Path, header: str) -> None:
    """A due date five weeks after the sample: about 35 weeks pregnant (§2.1: the pregnancy
    interval, 150 ng/mL normal there; no MRI).  A due date two years before the sample is no
    pregnancy now: the adult interval and the usual work-up."""
    out = triage_lines(
        tmp_path,
        f"id,sex,age,prolactin,unit,collected,{csv_quoted(header)}",
        [
            f"A,F,30,150,ng/mL,{SAMPLE},10.12.2026",
            f"B,F,30,150,ng/mL,{SAMPLE},10.12.2024",
            f"C,F,30,150,ng/mL,{SAMPLE},",
        ],
    )
    a, b, c = out.loc["A"], out.loc["B"], out.loc["C"]
    assert _pregnant(a) and a["status"] == "normal", (a["reference_stratum"], a["status"])
    assert "pregnancy" in a["factors"] and "pituitary_mri" not in _codes(a)
    assert not _pregnant(b) and b["status"] == "high" and "pituitary_mri" in _codes(b)
    assert "lactation" not in str(b["factors"])  # a due date is no delivery
    assert not _pregnant(c)


def test_a_due_date_near_term_explains_a_high_result(tmp_path: Path) -> None:
    """260 ng/mL five weeks before the due date (third trimester): above the whole-pregnancy
    limit but a usual term value (§2.1 term values up to ~600): not urgent, the evidence names
    the due date."""
    out = triage_lines(
        tmp_path,
        "id,sex,age,prolactin,unit,collected,Expected delivery date",
        [f"A,F,30,260,ng/mL,{SAMPLE},10.12.2026"],
    )
    row = out.loc["A"]
    assert row["priority"] != "urgent" and "prolactinoma_suspected" not in row["factors"]
    assert "due date" in row["factor_evidence"]


def test_a_bare_edd_column_is_not_read_as_a_due_date(tmp_path: Path) -> None:
    """A bare "EDD" is as often a hospital's estimated date of discharge, days after the
    sample: read as a due date it would make an inpatient pregnant at term and judge her raised
    result against the pregnancy interval.  It is not read; the usual work-up stays."""
    out = triage_lines(
        tmp_path,
        "id,sex,age,prolactin,unit,collected,EDD",
        [f"A,F,30,150,ng/mL,{SAMPLE},{DISCHARGE}"],
    )
    row = out.loc["A"]
    assert not _pregnant(row) and row["status"] == "high"


def test_a_due_date_without_the_sample_date_is_a_pregnancy(tmp_path: Path) -> None:
    """As "EDD 10.12.2026" written in a note: without the sample's date, a pregnancy whose
    gestation is not known."""
    out = triage_lines(
        tmp_path, "id,sex,age,prolactin,unit,Geburtstermin", ["A,F,30,150,ng/mL,10.12.2026"]
    )
    assert _pregnant(out.loc["A"])


@pytest.mark.parametrize("header", ["data presunta del parto", "date prévue d'accouchement"])
def test_a_past_due_date_gives_no_weeks_after_delivery(tmp_path: Path, header: str) -> None:
    """A due date 30 weeks before the sample says nothing of a delivery (no weeks since
    delivery, no lactation factor) and no pregnancy now."""
    path = tmp_path / "due.csv"
    path.write_text(
        f'id,sex,age,collected,"{header}",prolactin,unit\nA,F,30,{SAMPLE},09.04.2026,150,ng/mL\n',
        encoding="utf-8",
    )
    frame = read_file(path, None, ReadOptions()).frame
    assert pd.isna(frame["postpartum_weeks"].iloc[0])
    row = triage_csv(tmp_path, path.read_text(encoding="utf-8")).iloc[0]
    assert "lactation" not in str(row["factors"]) and not _pregnant(row)


@pytest.mark.parametrize("header", ["Follow-up due date", "Report due date", "Ethnicity"])
def test_other_due_dates_are_no_pregnancy(tmp_path: Path, header: str) -> None:
    out = triage_lines(
        tmp_path,
        f"id,sex,age,prolactin,unit,collected,{csv_quoted(header)}",
        [f"A,F,30,150,ng/mL,{SAMPLE},10.12.2026"],
    )
    assert not _pregnant(out.loc["A"])


# --- a newborn's day of life -------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    ["Lebenstag", "Day of life", "DOL", "jour de vie", "día de vida", "giorno di vita",
     "levensdag", "days_of_life"],
)  # fmt: skip
def test_a_day_of_life_is_a_neonate(tmp_path: Path, header: str) -> None:
    """Day 2 of life, 150 ng/mL: within the neonatal interval (§2.1: day 1 mean ~267), never
    judged as an adult (high, MRI)."""
    out = triage_lines(tmp_path, f"id,sex,{csv_quoted(header)},prolactin,unit", ["A,F,2,150,ng/mL"])
    row = out.loc["A"]
    assert "neonat" in row["reference_stratum"] and row["status"] == "normal"
    assert "pituitary_mri" not in _codes(row)


def test_a_week_or_month_of_life_is_read_in_its_unit(tmp_path: Path) -> None:
    week = triage_lines(tmp_path, "id,sex,Lebenswoche,prolactin,unit", ["A,F,2,150,ng/mL"])
    assert week.loc["A"]["age_years"] == pytest.approx(14 / 365.25, abs=0.001)
    month = triage_lines(tmp_path, "id,sex,mois de vie,prolactin,unit", ["A,F,2,15,ng/mL"])
    assert month.loc["A"]["age_years"] == pytest.approx(2 / 12, abs=0.01)


def test_a_year_of_life_stays_years(tmp_path: Path) -> None:
    out = triage_lines(tmp_path, "id,sex,Lebensjahr,prolactin,unit", ["A,F,30,150,ng/mL"])
    assert out.loc["A"]["age_years"] == pytest.approx(30)


# --- trimesters --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    ["Trimester", "Trimenon", "trimestre", "Schwangerschaftsdrittel", "Trimestre de grossesse",
     "trimestre_embarazo"],
)  # fmt: skip
def test_a_trimester_column_is_a_pregnancy(tmp_path: Path, header: str) -> None:
    values = ["3", "T3", "3rd", "third", "III", "drittes", "troisième", "tercero", "2", "1"]
    lines = [f"P{i},F,30,150,ng/mL,{v}" for i, v in enumerate(values)]
    lines += ["N0,F,30,150,ng/mL,", "N1,F,30,150,ng/mL,0"]
    out = triage_lines(tmp_path, f"id,sex,age,prolactin,unit,{csv_quoted(header)}", lines)
    wrong = [v for i, v in enumerate(values) if not _pregnant(out.loc[f"P{i}"])]
    assert wrong == []
    assert not _pregnant(out.loc["N0"]) and not _pregnant(out.loc["N1"])


def test_the_trimester_decides_how_much_pregnancy_explains(tmp_path: Path) -> None:
    """300 ng/mL: a usual term value in the third trimester (not urgent), but far above the
    first trimester's (median ~16 ng/mL, §2.1): urgent there, as the trimester is read."""
    out = triage_lines(
        tmp_path,
        "id,sex,age,prolactin,unit,Pregnant,Trimester",
        ["T3,F,30,300,ng/mL,yes,3", "T1,F,30,300,ng/mL,yes,1"],
    )
    assert out.loc["T3"]["priority"] != "urgent"
    assert out.loc["T1"]["priority"] == "urgent"


def test_calendar_quarters_are_no_trimesters(tmp_path: Path) -> None:
    """ "Trimestre" is also a quarter of the year in French, Spanish and Italian exports: a
    column holding years or a fourth quarter ("T1 2026", "T4") makes no woman pregnant."""
    out = triage_lines(
        tmp_path,
        "id,sex,age,prolactin,unit,Trimestre",
        ["A,F,30,150,ng/mL,T1 2026", "B,F,30,150,ng/mL,T2", "C,F,30,150,ng/mL,T4"],
    )
    assert not any(_pregnant(out.loc[k]) for k in "ABC")


# --- months after a delivery -------------------------------------------------------------------
MONTH_HEADERS = [
    "months postpartum", "Monate postpartum", "meses posparto", "mesi dopo il parto",
    "maanden postpartum", "mois post-partum", "postpartum (months)",
]  # fmt: skip


@pytest.mark.parametrize("header", MONTH_HEADERS)
def test_months_after_delivery_are_months(tmp_path: Path, header: str) -> None:
    """18 months after a delivery is 78 weeks: read as "Weeks postpartum" 78 is (lactation only
    possible that late, the full work-up); never 18 weeks, nor a note."""
    (tmp_path / "m").mkdir()
    (tmp_path / "w").mkdir()
    months = triage_lines(
        tmp_path / "m", f"id,sex,age,prolactin,unit,{csv_quoted(header)}", ["M,F,30,150,ng/mL,18"]
    ).loc["M"]
    weeks = triage_lines(
        tmp_path / "w", "id,sex,age,prolactin,unit,Weeks postpartum", ["W,F,30,150,ng/mL,78"]
    ).loc["W"]
    assert (months["priority"], _codes(months)) == (weeks["priority"], _codes(weeks))
    assert "pituitary_mri" in _codes(months)


@pytest.mark.parametrize(
    ("header", "value", "weeks"),
    [("Wochen nach Entbindung", "6", 6.0), ("Wochenbett (Wochen)", "6", 6.0),
     ("Wochenbett (Tage)", "14", 2.0), ("kraamtijd (dagen)", "14", 2.0),
     ("Monate nach Entbindung", "3", 13.04)],
)  # fmt: skip
def test_time_after_delivery_in_its_unit(
    tmp_path: Path, header: str, value: str, weeks: float
) -> None:
    path = tmp_path / "pp.csv"
    path.write_text(f'id,sex,age,"{header}",prolactin,unit\nA,F,30,{value},150,ng/mL\n', "utf-8")
    frame = read_file(path, None, ReadOptions()).frame
    assert frame["postpartum_weeks"].iloc[0] == pytest.approx(weeks, abs=0.05)


# --- pregnancy words ---------------------------------------------------------------------------
@pytest.mark.parametrize("header", ["Gravidität", "Graviditeit", "Gestante", "grávida"])
def test_pregnancy_column_words(tmp_path: Path, header: str) -> None:
    """A pregnancy column under another word of it: its "yes" and "no" are the pregnancy's."""
    path = tmp_path / "p.csv"
    path.write_text(f"id,sex,age,{header},prolactin,unit\nA,F,30,ja,150,ng/mL\n", "utf-8")
    read = read_file(path, None, ReadOptions())
    assert read.frame["pregnant"].iloc[0] is True or bool(read.frame["pregnant"].iloc[0])
