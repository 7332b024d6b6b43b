"""Review 24 (fix177), reading a child's age from the cells paediatric and GP exports write.

- A French "j" (jours) in an age is read as days where nothing else can be meant: after a
  larger unit in the same cell ("3 sem. 2 j", "4 m 10 j", "2 m 5 j": the parts of one duration
  go down in size), beside the French "sem" or "de vie", or under the accented French header
  naming "j" as its unit ("Âge (j)"; mendA: an unaccented "Age (J)" alone is years).  Read as
  years, a neonate was judged as a school child (clinical-reference §2.1 CALIPER 4-29 days
  12.6-212.8 ng/mL: a false high and an MRI for a healthy newborn).  A German header ("Alter
  (J)") keeps it years.
- An age written with a half ("1 an 1/2", "2 ½ ans", "1 anno e mezzo", "2 mois et demi", "1½
  Jahre", "zweieinhalb Jahre", "2 and a half years") is read, not rejected (a lost row).

Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.values import age_unit_readings, parse_age_years

DAYS_PER_YEAR = 365.25


def _run(tmp_path: Path, lines: list[str], name: str = "export.csv") -> TriageOutcome:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _rejected(outcome: TriageOutcome) -> dict[str, str]:
    return {str(r.patient_id): r.reason_code for r in outcome.rejected}


# ------------------------------------------------------------------------------------------------
# A French "j" is days where the cell or the column says so
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "days"),
    [
        ("3 sem. 2 j", 23),
        ("1 sem 3 j", 10),
        ("4 m 10 j", 4 * 30.4375 + 10),
        ("2 m 5 j", 2 * 30.4375 + 5),
        ("1 a 2 m 5 j", DAYS_PER_YEAR + 2 * 30.4375 + 5),
        ("3 Wochen 2 J", 23),  # whatever the column says, "j" after weeks is days
    ],
)
def test_j_after_a_larger_unit_is_days(cell: str, days: float) -> None:
    for readings in (None, {"j": "years"}, {"j": "days"}):
        assert parse_age_years(cell, readings) == pytest.approx(days / DAYS_PER_YEAR, rel=1e-3)


@pytest.mark.parametrize(
    ("cells", "header", "meaning"),
    [
        (["15 j", "6 sem"], "age", "days"),  # the French "sem"
        (["15 j", "6 sems"], "Age", "days"),
        (["15 j de vie"], "age", "days"),
        (["15", "8"], "Âge (j)", "days"),  # the accented French header names the unit
        # mendA: an unaccented English header alone is years (German/Dutch LIS, J = Jahre/jaar)
        (["45", "8"], "Age (j)", "years"),
        (["45", "62"], "AGE (J)", "years"),
        (["45 J", "6 sem"], "Alter", "years"),  # a German header keeps it years
        (["45", "6"], "Alter (J)", "years"),
        (["45 J", "6 Mon"], "Age", "years"),  # a German unit word keeps it years
    ],
)
def test_column_reading_of_j(cells: list[str], header: str, meaning: str) -> None:
    assert age_unit_readings(cells, header)["j"] == meaning


def test_day_of_life_with_plus() -> None:
    assert parse_age_years("J+15") == pytest.approx(15 / DAYS_PER_YEAR)


def test_neonates_in_french_days_are_judged_as_neonates(tmp_path: Path) -> None:
    outcome = _run(
        tmp_path,
        [
            "patient_id;sex;age;prolactin;prolactin_unit",
            "R1;M;3 sem. 2 j;150;ng/mL",
            "R2;F;4 m 10 j;90;ng/mL",
            "R3;M;15 j;150;ng/mL",
            "R4;F;6 sem;90;ng/mL",
            "R5;M;J+15;150;ng/mL",
        ],
    )
    res = _results(outcome)
    for pid in ("R1", "R2", "R3", "R4", "R5"):
        assert float(res.loc[pid, "age_years"]) < 1, pid
        assert res.loc[pid, "status"] == "normal", pid
        assert res.loc[pid, "priority"] == "none", pid
        assert "pituitary_mri" not in str(res.loc[pid, "suggestions"]), pid


@pytest.mark.parametrize("header", ["Âge (j)", "ÂGE (J)", "Âge (jours)"])
def test_header_naming_days(tmp_path: Path, header: str) -> None:
    outcome = _run(
        tmp_path,
        [
            f"patient_id;sex;{header};prolactin;prolactin_unit",
            "S1;M;15;150;ng/mL",
            "S2;F;8;150;ng/mL",
        ],
    )
    res = _results(outcome)
    assert float(res.loc["S1", "age_years"]) == pytest.approx(15 / DAYS_PER_YEAR, abs=1e-3)
    assert list(res["status"]) == ["normal", "normal"]


def test_swiss_bilingual_column(tmp_path: Path) -> None:
    """Italian "a" (anni) with a French "j" after months; Italian "gg" stays days."""
    outcome = _run(
        tmp_path,
        [
            "patient_id;sex;age;prolactin;prolactin_unit",
            "C1;M;2 m 5 j;90;ng/mL",
            "C2;F;1 a 2 m;15;ng/mL",
            "C3;M;15 gg;150;ng/mL",
            "C4;F;2 a;15;ng/mL",
        ],
    )
    res = _results(outcome)
    assert float(res.loc["C1", "age_years"]) == pytest.approx((2 * 30.4375 + 5) / DAYS_PER_YEAR)
    assert float(res.loc["C3", "age_years"]) == pytest.approx(15 / DAYS_PER_YEAR)
    assert res.loc["C1", "status"] == "normal"
    assert res.loc["C3", "status"] == "normal"


def test_german_years_stay_years(tmp_path: Path) -> None:
    outcome = _run(
        tmp_path,
        [
            "patient_id;sex;Alter;prolactin;prolactin_unit",
            "G1;w;45 J;18;ng/mL",
            "G2;m;6 Mon;40;ng/mL",
        ],
    )
    assert float(_results(outcome).loc["G1", "age_years"]) == pytest.approx(45)


# ------------------------------------------------------------------------------------------------
# Ages with a half
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "years"),
    [
        ("1 an 1/2", 1.5),
        ("2 ½ ans", 2.5),
        ("1 anno e mezzo", 1.5),
        ("2 mois et demi", 2.5 / 12),
        ("1½ Jahre", 1.5),
        ("3 ans et demi", 3.5),
        ("3 ans et demie", 3.5),
        ("2 anni e mezzo", 2.5),
        ("zweieinhalb Jahre", 2.5),
        ("anderthalb Jahre", 1.5),
        ("eineinhalb Jahre", 1.5),
        ("2 Jahre und ein halb", 2.5),
        ("6½ mois", 6.5 / 12),
        ("1 1/2 years", 1.5),
        ("2 and a half years", 2.5),
        ("2 años y medio", 2.5),
        ("1,5 J.", 1.5),
    ],
)
def test_half_ages(cell: str, years: float) -> None:
    assert parse_age_years(cell) == pytest.approx(years, rel=1e-3)


def test_half_ages_are_triaged(tmp_path: Path) -> None:
    outcome = _run(
        tmp_path,
        [
            "patient_id;sex;age;prolactin;prolactin_unit",
            "B1;F;1 an 1/2;22;ng/mL",
            "B2;M;2 ½ ans;19;ng/mL",
            "B3;F;1 anno e mezzo;22;ng/mL",
            "B4;F;2 mois et demi;90;ng/mL",
            "B5;M;1½ Jahre;22;ng/mL",
        ],
    )
    assert _rejected(outcome) == {}
    res = _results(outcome)
    assert float(res.loc["B1", "age_years"]) == pytest.approx(1.5)
    assert res.loc["B1", "status"] == "high"  # girls 1-2 y: up to 20.2 ng/mL
    assert res.loc["B3", "status"] == "high"
    assert res.loc["B4", "status"] == "normal"


# ------------------------------------------------------------------------------------------------
# Cells that carry their own field's label or an age note
# ------------------------------------------------------------------------------------------------
UK_HEADER = "NHS Number,Sex,DOB,Date,Prolactin (mU/L)"


@pytest.mark.parametrize(
    "cell",
    [
        "DOB 01-Jan-2016",
        "D.O.B. 01/01/2016",
        "DOB: 01-Jan-2016",
        "Born 01-Jan-2016",
        "01-Jan-2016 (10y)",
        "DOB 01-Jan-2016 (10y)",
        "Geb. 01.01.2016",
        "né(e) le 01/01/2016",
        "nato il 01/01/2016",
        "fecha nac.: 01/01/2016",
        "Date of birth: 01/01/2016",
        "01/01/2016 [10 ans]",
    ],
)
def test_labelled_birth_dates_give_the_childs_age(tmp_path: Path, cell: str) -> None:
    outcome = _run(
        tmp_path,
        [
            UK_HEADER,
            f"9434765919,Female,{cell},14-Nov-2026,600",
            "9434765920,Female,DOB 01-Jan-1980,14-Nov-2026,600",
            "9434765921,Male,01-Mar-2014,14-Nov-2026,500",
        ],
    )
    res = _results(outcome)
    assert float(res.loc["9434765919", "age_years"]) == pytest.approx(10.87, abs=0.01)
    # a girl of 10: 600 mU/L (~28 ng/mL) is above her interval, not the adult's 30 ng/mL
    assert res.loc["9434765919", "status"] == "high"
    assert float(res.loc["9434765920", "age_years"]) > 40


def test_labelled_birth_date_that_cannot_be_read_rejects_its_row(tmp_path: Path) -> None:
    outcome = _run(
        tmp_path,
        [
            UK_HEADER,
            "9434765919,Female,DOB 31-Feb-2016,14-Nov-2026,600",
            "9434765920,Female,DOB 01-Jan-1980,14-Nov-2026,600",
            "9434765921,Male,DOB 01-Mar-2014,14-Nov-2026,500",
        ],
    )
    assert _rejected(outcome).get("9434765919") == "unreadable_age"
    assert "9434765919" not in _results(outcome).index


@pytest.mark.parametrize(
    ("sex", "age"),
    [
        ("Sex: Female", "Age: 10y"),
        ("Sex: F", "Age 10"),
        ("Gender: female", "Age: 10 years"),
        ("Geschlecht: weiblich", "Alter: 10 J."),
        ("Sexe : F", "Âge : 10 ans"),
        ("Sesso: F", "Età: 10 anni"),
    ],
)
def test_labelled_sex_and_age(tmp_path: Path, sex: str, age: str) -> None:
    outcome = _run(
        tmp_path,
        [
            "NHS Number,Sex,Age,Date,Prolactin (mU/L)",
            f"1,{sex},{age},14-Nov-2026,600",
            f"2,{sex},{age},14-Nov-2026,600",
        ],
    )
    assert _rejected(outcome) == {}
    res = _results(outcome)
    assert res.loc["1", "sex"] == "F"
    assert float(res.loc["1", "age_years"]) == pytest.approx(10)
    assert res.loc["1", "status"] == "high"


def test_labelled_age_that_cannot_be_read_rejects_its_row(tmp_path: Path) -> None:
    outcome = _run(
        tmp_path,
        [
            "NHS Number,Sex,Age,Date,Prolactin (mU/L)",
            "1,F,Age: ten-ish,14-Nov-2026,600",
            "2,F,45,14-Nov-2026,300",
        ],
    )
    assert _rejected(outcome).get("1") == "unreadable_age"


def test_day_of_life_label_is_no_years_label(tmp_path: Path) -> None:
    """ "Lebenstag 3" in an age column is no "3" (years): the label names days."""
    outcome = _run(
        tmp_path,
        [
            "patient_id;sex;Alter;prolactin;prolactin_unit",
            "N1;m;Lebenstag 3;150;ng/mL",
            "N2;w;34;18;ng/mL",
        ],
    )
    res = _results(outcome)
    assert "N1" not in res.index or float(res.loc["N1", "age_years"]) < 1


# ------------------------------------------------------------------------------------------------
# A birth year or month keeps the youngest age it allows
# ------------------------------------------------------------------------------------------------
BIRTH_HEADER = "patient_id;sex;birth_date;collected_at;prolactin;prolactin_unit"


@pytest.mark.parametrize(
    ("birth", "collected"),
    [
        ("2025", "2026-11-02"),  # 10 to 22 months
        ("01/2026", "02/11/2026"),  # 9 to 10 months
        ("Mai 2026", "02.11.2026"),  # 5 to 6 months
        ("05/2026", "02/11/2026"),
        ("2026-02", "2026-11-02"),
    ],
)
def test_birth_period_past_the_neonatal_period_is_urgent(
    tmp_path: Path, birth: str, collected: str
) -> None:
    """300 ng/mL (~6,400 mIU/L) is above every interval from five months on and above the urgent
    level outside the neonatal period (output-contract §7): high and urgent, not "neonatal
    possible"."""
    outcome = _run(tmp_path, [BIRTH_HEADER, f"Y1;F;{birth};{collected};300;ng/mL"])
    row = _results(outcome).loc["Y1"]
    assert row["status"] == "high"
    assert row["priority"] == "urgent"
    assert "neonatal" not in str(row["factors"])
    assert float(row["age_years"]) > 0.3


def test_birth_year_judged_against_the_intervals_it_allows(tmp_path: Path) -> None:
    """Born in 2025, collected in November 2026: 10 to 22 months, so the infant interval (up to
    113.7 ng/mL) and the 1-2 year one, never the first days' 500 ng/mL."""
    outcome = _run(
        tmp_path,
        [
            "patient_id;sex;Geburtsjahr;collected_at;prolactin;prolactin_unit",
            "M4;F;2025;2026-11-02;60;ng/mL",
            "M5;F;2025;2026-11-02;150;ng/mL",
        ],
    )
    res = _results(outcome)
    assert res.loc["M4", "status"] == "indeterminate"
    assert "neonatal" not in str(res.loc["M4", "factors"])
    assert float(res.loc["M4", "reference_high_ng_ml"]) < 200
    assert res.loc["M5", "status"] == "high"


def test_birth_month_within_the_first_weeks_stays_neonatal(tmp_path: Path) -> None:
    """Born in October 2026, collected on 2 November: possibly a few days old, so the first
    days' interval still counts (indeterminate, never urgent for a neonate)."""
    outcome = _run(tmp_path, [BIRTH_HEADER, "M1;M;2026-10;2026-11-02;180;ng/mL"])
    row = _results(outcome).loc["M1"]
    assert row["status"] == "indeterminate"
