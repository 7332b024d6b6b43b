"""Review 24 mends (mendA): an age column's header and a newborn's name never decide alone.

- An unaccented English header naming "J" as the age's unit ("Age (J)", "AGE (J)", "Patient age
  (j)") is years: German, Swiss, Austrian and Dutch LIS exports write English labels with J for
  Jahre / jaar.  Read as days, a 45-year-old man at 90 ng/mL was judged against a neonatal interval
  (normal, none) instead of high with an MRI path (clinical-reference §2.1: the neonatal intervals
  are several times the adult's).  Only a French cell of the column ("ans", "mois", "sem", "de
  vie", "jours") or the accented French header ("Âge (j)") makes it days.
- A newborn is never inferred from the name alone (Ng is a common surname, RN a nurse's title,
  Baby a surname; the ward code "TIN" an ordinary abbreviation): an adult of no given age stays
  judged against the adult interval.  A newborn word in the notes, cord blood or a neonatal ward
  still names an infant; the provisional name only narrows a neonatal ward's infant to a newborn.

Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.values import age_unit_readings

ADULT_UPPER_MAX = 30.0  # the highest adult default upper limit (ng/mL) in these tests
NEONATAL_UPPER_MIN = 100.0  # every neonatal / infant interval's upper limit is above this


def _run(tmp_path: Path, lines: list[str]) -> TriageOutcome:
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert not outcome.rejected, [r.detail for r in outcome.rejected]
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


# ------------------------------------------------------------------------------------------------
# 1. "Age (J)": a header alone never chooses days
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    [
        "Age (J)",
        "AGE (J)",
        "Age (j)",
        "age (j.)",
        "Patient age (J)",
        "Age at collection (J)",
        "AGE [J]",
        "Age patient (J)",
    ],
)
def test_an_english_age_header_naming_j_is_years(header: str) -> None:
    assert age_unit_readings(["45", "62", "38"], header)["j"] == "years"
    assert age_unit_readings(["45 J", "8 J"], header)["j"] == "years"


@pytest.mark.parametrize(
    ("cells", "header"),
    [
        (["15 j", "2 mois"], "Age (J)"),  # a French cell of the column: days
        (["15 j de vie", "8 j"], "AGE (J)"),
        (["3 j", "6 sem"], "Age (j)"),
        (["10 jours", "4 j"], "Age"),
        (["15", "8"], "Âge (j)"),  # the accented French header
        (["15", "8"], "ÂGE (J)"),
        (["15", "8"], "Âge (jours)"),
    ],
)
def test_french_cells_or_the_french_header_still_say_days(cells: list[str], header: str) -> None:
    assert age_unit_readings(cells, header)["j"] == "days"


@pytest.mark.parametrize(
    ("cells", "header"),
    [
        (["45", "6"], "Alter (J)"),  # German
        (["45 J", "6 J"], "Lebensalter (J)"),
        (["45", "62"], "Leeftijd (j)"),  # Dutch
        (["45 j", "6 mnd"], "Age (j)"),  # a Dutch unit word in the column
    ],
)
def test_german_and_dutch_columns_stay_years(cells: list[str], header: str) -> None:
    assert age_unit_readings(cells, header)["j"] == "years"


@pytest.mark.parametrize("header", ["Age (J)", "AGE (J)", "Patient age (j)"])
def test_adults_under_an_english_j_header_are_judged_as_adults(tmp_path: Path, header: str) -> None:
    """The reviewer's export: 45 / 62 / 38 years at 90 / 90 / 40 ng/mL are high, with the
    adult interval and an MRI path for the 90s; never normal against a neonatal interval."""
    res = _results(
        _run(
            tmp_path,
            [
                f"patient_id,sex,{header},collected_at,prolactin,unit",
                "A1,M,45,2026-11-20 10:00,90,ng/mL",
                "A2,F,62,2026-11-20 10:00,90,ng/mL",
                "A3,F,38,2026-11-20 10:00,40,ng/mL",
            ],
        )
    )
    for pid, age in (("A1", 45), ("A2", 62), ("A3", 38)):
        row = res.loc[pid]
        assert float(row["age_years"]) == pytest.approx(age), pid
        assert float(row["reference_high_ng_ml"]) <= ADULT_UPPER_MAX, pid
        assert row["status"] == "high", pid
    for pid in ("A1", "A2"):
        assert res.loc[pid, "priority"] == "soon", pid
        assert "pituitary_mri" in str(res.loc[pid, "suggestions"]), pid


def test_a_french_cell_in_an_english_j_column_still_reads_days(tmp_path: Path) -> None:
    res = _results(
        _run(
            tmp_path,
            [
                "patient_id;sex;Age (J);prolactin;prolactin_unit",
                "R1;M;15 j;150;ng/mL",
                "R2;F;6 sem;90;ng/mL",
            ],
        )
    )
    assert float(res.loc["R1", "age_years"]) < 1
    assert res.loc["R1", "status"] == "normal"


# ------------------------------------------------------------------------------------------------
# 2. A newborn is never inferred from the name alone
# ------------------------------------------------------------------------------------------------
def test_a_name_alone_never_makes_a_newborn(tmp_path: Path) -> None:
    """Surnames and titles that look like a newborn's provisional name (Ng, RN, Baby, BB, Bébé,
    Neonato, Neugeborenes, Newborn), with no age, no birth date and no other sign: an adult's
    90 ng/mL is high against the adult interval, never normal against a neonatal one."""
    header = "patient_id,patient_name,sex,collected_at,prolactin,unit,comments,location"
    names = [
        ("N1", "NG, WEI MING", "M"),
        ("N2", "Ng Mei Ling", "F"),
        ("N3", "RN JONES", "F"),
        ("N4", "BABY BOOMER", "F"),
        ("N5", "Baby, Sarah", "F"),
        ("N6", "BB KING", "M"),
        ("N7", "Bébé Martin", "M"),
        ("N8", "Neonato Rossi", "F"),
        ("N9", "Neugeborenes Müller", "M"),
        ("N10", "Newborn Jones", "F"),
    ]
    lines = [header] + [
        f'{pid},"{name}",{sex},2026-11-20 10:00,90,ng/mL,headache,Ward 7'
        for pid, name, sex in names
    ]
    res = _results(_run(tmp_path, lines))
    for pid, _, _ in names:
        row = res.loc[pid]
        assert float(row["reference_high_ng_ml"]) <= ADULT_UPPER_MAX, pid
        assert row["status"] == "high", pid
        assert row["priority"] == "soon", pid


@pytest.mark.parametrize("ward", ["TIN", "tin", "NG", "RN"])
def test_a_short_code_ward_alone_never_makes_a_newborn(tmp_path: Path, ward: str) -> None:
    res = _results(
        _run(
            tmp_path,
            [
                "patient_id,patient_name,sex,collected_at,prolactin,unit,location",
                f'W1,"Lee Ann",F,2026-11-20 10:00,90,ng/mL,{ward}',
            ],
        )
    )
    assert float(res.loc["W1", "reference_high_ng_ml"]) <= ADULT_UPPER_MAX
    assert res.loc["W1", "status"] == "high"


def test_a_second_sign_still_names_a_newborn(tmp_path: Path) -> None:
    """A newborn word in the notes, cord blood or a neonatal ward written in full: an infant's
    row whatever the name (even "Ng"); a provisional name beside a neonatal ward narrows the
    ward's infant (judged against every interval up to a year) to a newborn."""
    res = _results(
        _run(
            tmp_path,
            [
                "patient_id,patient_name,sex,collected_at,prolactin,unit,comments,location",
                'S1,"NG Wei",M,2026-11-20 10:00,150,ng/mL,"nouveau-né, J2",',
                'S2,"Ng Mei",F,2026-11-20 10:00,150,ng/mL,cord blood,',
                'S3,"DUPONT Lea",F,2026-11-20 10:00,150,ng/mL,,Néonatologie',
                'S4,"BB DUPONT",F,2026-11-20 10:00,150,ng/mL,,Néonatologie',
                'S5,"Neonato Rossi",M,2026-11-20 10:00,150,ng/mL,,Terapia intensiva neonatale',
            ],
        )
    )
    for pid in ("S1", "S2", "S3", "S4", "S5"):
        assert float(res.loc[pid, "reference_high_ng_ml"]) >= NEONATAL_UPPER_MIN, pid
        assert res.loc[pid, "priority"] in {"none", "routine"}, pid
    for pid in ("S4", "S5"):  # a newborn (under newborn_word_max_age_days): 150 is normal
        assert (res.loc[pid, "status"], res.loc[pid, "priority"]) == ("normal", "none"), pid
