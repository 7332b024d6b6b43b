"""Review 27 (hunter AD, obstetric clinic) §1, §2, §3, §6: obstetric notations.

- A failed or absent lactation, or a low milk supply, is no breastfeeding: the lactation
  interval (3-200 ng/mL) applies only while breastfeeding continues (clinical-reference §2.1,
  §8), so 150 ng/mL in a non-pregnant woman stays `high` (contract §5: never a false normal).
- A gestation or a due date in the notations of an obstetric note places the pregnancy in its
  trimester: 28 weeks is the third trimester (trimester3_start_weeks), judged against
  pregnant_t3 (term range about 100-600 ng/mL, §2.1; §4: do not label pregnant patients as
  hyperprolactinaemic).
- One week after delivery, its end included, is judged against postpartum_week1, feeding or not
  (docs/output-contract-extensions.md, review 16; §2.1 Riordan / Tyson).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "Patient ID,Sex,DOB,Collected,Prolactin (ng/mL),Postpartum weeks,Comments"


def _rows(tmp_path: Path, rows: list[tuple[float, str, str]]) -> pd.DataFrame:
    """Results by patient id of women born 1990 sampled on 20 Nov 2026: (prolactin, postpartum
    weeks cell, comment) each."""
    lines = [
        f"P{i:02d},F,1990-03-02,2026-11-20,{value},{csv_quoted(weeks)},{csv_quoted(note)}"
        for i, (value, weeks, note) in enumerate(rows)
    ]
    return triage_lines(tmp_path, HEADER, lines)


FAILED_LACTATION = [
    ("es", "fallo de la lactancia"),
    ("es", "G2P2, fallo de lactancia materna tras cesárea"),
    ("es", "la lactancia no se estableció"),
    ("es", "hipogalactia severa"),
    ("en", "lactation failure"),
    ("en", "postpartum 5 weeks; low milk supply"),
    ("de", "Laktation kam nicht in Gang"),
    ("de", "Hypogalaktie"),
    ("de", "Milchmangel, Stillversuch"),
    ("fr", "hypogalactie"),
    ("fr", "la lactation ne s'est pas mise en place"),
    ("it", "ipogalattia"),
    ("it", "mancata lattazione"),
    ("nl", "lactatie kwam niet op gang"),
    ("nl", "borstvoeding kwam niet op gang"),
]


@pytest.mark.parametrize(("language", "note"), FAILED_LACTATION)
def test_a_failed_or_absent_lactation_is_no_breastfeeding(
    tmp_path: Path, language: str, note: str
) -> None:
    row = _rows(tmp_path, [(150, "", note)]).iloc[0]
    assert row["reference_source"] == "set", (language, note)
    assert row["status"] == "high" and row["priority"] != "none", (language, note)
    assert "lactation" not in str(row["reference_stratum"]), (language, note)


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("de", "stillt voll; Hypogalaktie"),
        ("en", "breastfeeding; low milk supply"),
        ("es", "lactancia materna exclusiva, hipogalactia"),
        ("fr", "allaitement exclusif, hypogalactie"),
        ("it", "allattamento al seno, ipogalattia"),
        ("nl", "geeft borstvoeding, te weinig melk"),
    ],
)
def test_breastfeeding_stated_beside_a_low_supply_stays_breastfeeding(
    tmp_path: Path, language: str, note: str
) -> None:
    """Guard: a low supply beside a stated breastfeeding is a breastfeeding woman."""
    row = _rows(tmp_path, [(150, "", note)]).iloc[0]
    assert row["reference_source"] == "physiological", (language, note)
    assert row["status"] == "normal", (language, note)


GESTATION_28_WEEKS = [
    ("es", 260, "28 sem. de gestación"),
    ("es", 260, "G2P1, 28 sem de embarazo"),
    ("fr", 260, "28 sem. de grossesse"),
    ("it", 260, "28a settimana"),
    ("es", 260, "28a semana"),
    ("fr", 165, "à terme le 15/01/2027"),
    ("it", 165, "termine previsto 15/01/2027"),
    ("it", 165, "a termine il 15/01/2027"),
    ("es", 165, "a término el 15/01/2027"),
    ("es", 165, "término previsto 15/01/2027"),
]


@pytest.mark.parametrize(("language", "value", "note"), GESTATION_28_WEEKS)
def test_a_third_trimester_notation_is_judged_against_the_third_trimester(
    tmp_path: Path, language: str, value: float, note: str
) -> None:
    row = _rows(tmp_path, [(value, "", note)]).iloc[0]
    assert str(row["reference_stratum"]).endswith("pregnant_t3"), (language, note)
    assert row["status"] == "normal" and row["priority"] == "none", (language, note)
    assert "pregnancy_test" not in str(row["suggestions"]), (language, note)
    assert "pituitary_mri" not in str(row["suggestions"]), (language, note)


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("fr", "accouchée à terme le 10/11/2026"),
        ("es", "parto a término el 10/11/2026"),
        ("it", "partorito a termine il 10/11/2026"),
    ],
)
def test_a_delivery_at_term_on_a_day_is_no_due_date(
    tmp_path: Path, language: str, note: str
) -> None:
    """Guard: a delivery at term ten days before the sample is no current pregnancy."""
    row = _rows(tmp_path, [(165, "", note)]).iloc[0]
    assert "pregnan" not in str(row["reference_stratum"]), (language, note)


@pytest.mark.parametrize(
    ("weeks", "note"),
    [
        ("1", ""),
        ("1 week", ""),
        ("", "1 Woche post partum"),
        ("", "1 week postpartum"),
        ("", "1 semaine post-partum"),
        ("", "1 semana posparto"),
        ("", "1 settimana dopo il parto"),
        ("", "1 week na de bevalling"),
    ],
)
def test_one_week_postpartum_is_the_first_week_stratum(
    tmp_path: Path, weeks: str, note: str
) -> None:
    row = _rows(tmp_path, [(85, weeks, note)]).iloc[0]
    assert str(row["reference_stratum"]).endswith("postpartum_week1"), (weeks, note)
    assert row["reference_source"] == "physiological", (weeks, note)
    assert row["status"] == "normal" and row["priority"] == "none", (weeks, note)


@pytest.mark.parametrize(("weeks", "note"), [("2", ""), ("", "2 Wochen post partum")])
def test_two_weeks_postpartum_without_breastfeeding_is_past_the_first_week(
    tmp_path: Path, weeks: str, note: str
) -> None:
    """Guard: the first week ends at postpartum_first_week_weeks."""
    row = _rows(tmp_path, [(85, weeks, note)]).iloc[0]
    assert not str(row["reference_stratum"]).endswith("postpartum_week1"), (weeks, note)
