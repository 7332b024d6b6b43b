"""Review 22: a child's sex and age as paediatric systems write them, and a context test in two
columns.

1. A sex column of children written "Mädchen" / "Junge", "fille" / "garçon", "niña" / "niño",
   "bambina" / "bambino", "meisje" / "jongen" is a sex column: before, the whole column was not
   used, every row was judged against both sexes' limits (a boy's 19 ng/mL indeterminate above
   the boys' limit) and a girl of 15 with amenorrhoea was not asked for a pregnancy test
   (clinical-reference §1.4).
2. An age written in two parts joined by a word ("2 years and 3 months", "2 Jahre und 3
   Monate", "2 ans et 3 mois", "2 años y 3 meses", "2 anni e 3 mesi", "2 jaar en 3 maanden") or as
   a day of life ("12. Lebenstag", "2 Lebenswochen", "10 dagen oud", "día 12 de vida", "12 giorni
   di vita", "J12") is read: before, the row was rejected (unreadable_age), and a neonate's
   physiologically high prolactin is judged only against the neonatal interval (§2.1).
3. A context test in two columns of one unit ("TSH" and "TSH basal", "eGFR (CKD-EPI)" and "eGFR
   (MDRD)"): each row reads the one that holds a number.  Before, the second was not used at all,
   so a TSH of 18.5 given only there read "not given: TSH" and hypothyroidism (§8) was missed.

Synthetic patients only; in process (run_triage), one CSV per case family.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv_warned, triage_lines

from triage.values import parse_age_years

DAYS_PER_YEAR = 365.25


# ------------------------------------------------------------------------------------------------
# 1. Girls and boys
# ------------------------------------------------------------------------------------------------
GIRLS = ["Mädchen", "Maedchen", "fille", "niña", "bambina", "meisje", "girl", "chica", "ragazza"]
BOYS = ["Junge", "Knabe", "garçon", "niño", "bambino", "jongen", "boy", "chico", "ragazzo"]


def test_girl_and_boy_words_are_a_sex_column(tmp_path: Path) -> None:
    lines = [f"G{i},{word},15,40,sekundäre Amenorrhoe" for i, word in enumerate(GIRLS)]
    lines += [f"B{i},{word},15,40," for i, word in enumerate(BOYS)]
    out = triage_lines(tmp_path, "Pat,Geschlecht,Alter,Prolaktin (ng/mL),Diagnose", lines)
    assert (out.loc[[f"G{i}" for i in range(len(GIRLS))], "sex"] == "F").all()
    assert (out.loc[[f"B{i}" for i in range(len(BOYS))], "sex"] == "M").all()
    girls = out.loc[[f"G{i}" for i in range(len(GIRLS))], "suggestions"]
    assert girls.str.contains("pregnancy_test").all(), girls.to_dict()
    boys = out.loc[[f"B{i}" for i in range(len(BOYS))], "suggestions"]
    assert boys.str.contains("testosterone").all(), boys.to_dict()


# ------------------------------------------------------------------------------------------------
# 2. Ages in two parts, and days of life
# ------------------------------------------------------------------------------------------------
TWO_PARTS = [
    "2 years and 3 months",
    "2 Jahre und 3 Monate",
    "2 ans et 3 mois",
    "2 años y 3 meses",
    "2 anni e 3 mesi",
    "2 jaar en 3 maanden",
    "2 y 3 m",
]
DAYS_OF_LIFE = {
    "12. Lebenstag": 12,
    "12 Lebenstage": 12,
    "2 Lebenswochen": 14,
    "10 dagen oud": 10,
    "día 12 de vida": 12,
    "12 giorni di vita": 12,
    "J12": 12,
    "Tag 3": 3,
}


@pytest.mark.parametrize("cell", TWO_PARTS)
def test_an_age_in_two_parts_is_read(cell: str) -> None:
    years = parse_age_years(cell)
    assert years is not None
    assert years == pytest.approx(2.25, abs=0.01)


@pytest.mark.parametrize(("cell", "days"), DAYS_OF_LIFE.items())
def test_a_day_of_life_is_the_age(cell: str, days: int) -> None:
    years = parse_age_years(cell)
    assert years is not None
    assert years * DAYS_PER_YEAR == pytest.approx(days, abs=0.01)


@pytest.mark.parametrize("cell", ["e 5", "en 3", "and 3 months", "2 and"])
def test_a_joiner_alone_makes_no_age(cell: str) -> None:
    assert parse_age_years(cell) is None


def test_such_ages_are_triaged_not_rejected(tmp_path: Path) -> None:
    cells = [*TWO_PARTS, *DAYS_OF_LIFE]
    lines = [f'P{i},M,"{cell}",150' for i, cell in enumerate(cells)]
    out = triage_lines(tmp_path, "patient_id,sex,age,prolactin (ng/mL)", lines)
    assert len(out) == len(cells)
    assert out["age_years"].notna().all(), out["age_years"].to_dict()
    # a newborn's 150 ng/mL lies within the neonatal limits; a child of 2 is high
    day_of_life = out.loc[[f"P{i}" for i in range(len(TWO_PARTS), len(cells))]]
    assert (day_of_life["reference_stratum"].str.contains("neonat|infant", case=False)).all()
    child = out.loc[[f"P{i}" for i in range(len(TWO_PARTS))]]
    assert (child["status"] == "high").all()


# ------------------------------------------------------------------------------------------------
# 3. A context test in two columns of one unit
# ------------------------------------------------------------------------------------------------
def test_a_second_column_of_the_test_fills_the_empty_rows(tmp_path: Path) -> None:
    text = (
        "Pat.-Nr.;Geschlecht;Alter;Prolaktin (µg/l);TSH;TSH basal;eGFR (CKD-EPI);eGFR (MDRD)\n"
        "1;m;45;60;;18,5;;\n"  # TSH only in the second column
        "2;m;45;60;2,1;;;18\n"  # eGFR only in the second column
        "3;w;40;60;1,5;1,5;80;78\n"  # both, the same: the first is read
        "4;w;40;60;1,5;9,0;80;\n"  # both, and they differ: the first is read, the run says so
    )
    out, warnings = triage_csv_warned(tmp_path, text)
    assert "hypothyroidism" in out.loc["1", "factors"]
    assert "18.5" in out.loc["1", "factor_evidence"]
    assert "renal_impairment" in out.loc["2", "factors"]
    assert "hypothyroidism" not in out.loc["3", "factors"]
    assert "hypothyroidism" not in out.loc["4", "factors"]
    assert any("'TSH basal' gives tsh too" in w for w in warnings), warnings
    assert any("'TSH basal' with numbers that differ (first: row 5)" in w for w in warnings)


def test_a_column_of_an_earlier_value_is_not_a_second_column(tmp_path: Path) -> None:
    text = (
        "Patient ID,Sex,Age,Prolactin,Unit,TSH (mU/l),TSH vorher,eGFR,eGFR letzte\n"
        "A,M,45,60,ng/mL,,18.5,,\n"
        "B,M,45,60,ng/mL,,,,20\n"
    )
    out, _ = triage_csv_warned(tmp_path, text)
    assert "hypothyroidism" not in out.loc["A", "factors"]
    assert "renal_impairment" not in out.loc["B", "factors"]
