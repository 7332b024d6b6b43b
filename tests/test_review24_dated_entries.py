"""Review 24 (UK general practice problem lists; ED and ICU notes): an entry's own date, and a
seizure's time, compared with the sample's.

* A pregnancy or breastfeeding entry that carries its own past date ("Pregnancy 12-Jan-2023"),
  a due date long past ("Pregnancy (EDD 01/03/2025)", "Schwangerschaft (ET 01.03.2025)") or a
  delivery dated before the sample ("Pregnant, delivered 03/04/2024"), or a stop year after a
  dash ("Breast fed baby - stopped 2024"), was read as the current state: a raised result became
  a false normal (contract §5: never a false normal; clinical-reference §8: "Pregnancy: don't
  flag" only for a current pregnancy).  A UK due date written "EDD 01-Mar-2027" was not read.
* A seizure or a chest-wall lesion dated on a day before the sample ("Seizure 01-Mar-2024",
  "Herpes zoster (T4) 01-Mar-2019") was still listed as a factor (clinical-reference §4: a
  seizure raises prolactin for about an hour; §7.11: a current chest-wall lesion).
* A seizure clock time later than the sample's ("crisi convulsiva alle 23:50", sampled at 00:10)
  gave "-1420 min": it is the evening before, 20 min.  A duration with a half ("1 hora y media",
  "un'ora e mezza", "anderhalf uur") was read as one hour; "alle ore 9.40" and "om 9u40" were not
  read as clock times.

Synthetic patients only; through the public pipeline, one CSV per test, one row a phrasing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned

from triage.pipeline import TriageRequest, run_triage

PREGNANT = "default:pregnant"


def _table(
    notes: list[str], *, prolactin: str, sex: str = "F", age: str = "31", sample: str
) -> str:
    """A wide CSV: one row per note (the GP export's Problems column), all sampled at `sample`."""
    lines = ["patient_id,sex,age,prolactin (ng/mL),collected,Problems"]
    for i, note in enumerate(notes):
        lines.append(f"P{i},{sex},{age},{prolactin},{sample},{csv_quoted(note)}")
    return "\n".join(lines) + "\n"


def _run(tmp_path: Path, text: str) -> list[pd.Series]:
    out, _ = triage_csv_warned(tmp_path, text)
    return [out.loc[f"P{i}"] for i in range(len(out))]


def _codes(row: pd.Series) -> list[str]:
    return [item["code"] for item in row["factor_details"]]


def _evidence(row: pd.Series, code: str) -> str:
    return " ".join(f["evidence"] for f in row["factor_details"] if f["code"] == code)


# --- pregnancy and breastfeeding dated before the sample --------------------------------------

PAST_PREGNANCIES = [
    "Pregnancy (EDD 01/03/2025)",
    "Pregnancy (EDD 01 Mar 2025)",
    "Pregnancy (EDD 01-Mar-2025)",
    "Pregnancy - EDD 01/03/2025",
    "Pregnancy 12-Jan-2023",
    "Pregnancy 12/01/2023",
    # the entry's own day 44 weeks before the sample: longer than any pregnancy
    "Pregnancy 12/01/2026",
    "Pregnant, delivered 03/04/2024",
    # a due date past in the sample's own year: 37 weeks past it
    "Pregnancy (EDD 01/03/2026)",
    "Schwangerschaft (ET 01.03.2025)",
    "Schwangerschaft 12.01.2023",
    "grossesse, accouchée le 03/04/2024",
    "grossesse (DPA 01/03/2025)",
    "embarazo (FPP 01/03/2025)",
    "gravidanza (DPP 01/03/2025)",
    "zwanger, bevallen 03-04-2024",
    "zwangerschap (AD 01-03-2025)",
]


@pytest.mark.parametrize("note", PAST_PREGNANCIES)
def test_a_pregnancy_dated_long_before_the_sample_is_no_current_pregnancy(
    tmp_path: Path, note: str
) -> None:
    # 118 ng/mL in a woman of 31: 3.9x the non-pregnant limit, within the pregnancy interval
    (row,) = _run(tmp_path, _table([note], prolactin="118", sample="2026-11-14"))
    assert row["reference_stratum"] != PREGNANT, (note, row["reference_stratum"])
    assert "pregnancy" not in _codes(row), (note, _codes(row))
    assert row["status"] == "high", (note, row["status"])
    assert row["priority"] in ("soon", "urgent"), (note, row["priority"])


PAST_BREASTFEEDING = [
    "Breast fed baby - stopped 2024",
    "Breastfeeding - stopped 2024",
    "Lactating (62P2.) 2022",
    "Stillen - abgestillt 2024",
    "allattamento sospeso nel 2024",
    "Postnatal check 6 weeks - 02-Feb-2023",
    "Postnatal check 6 weeks 02-Feb-2023",
]


@pytest.mark.parametrize("note", PAST_BREASTFEEDING)
def test_breastfeeding_or_postpartum_ended_years_before_is_not_current(
    tmp_path: Path, note: str
) -> None:
    (row,) = _run(tmp_path, _table([note], prolactin="118", sample="2026-11-14"))
    assert "lactation" not in _codes(row), (note, _codes(row))
    assert "postpartum" not in " ".join(_codes(row)), (note, _codes(row))
    assert row["status"] == "high", (note, row["status"])
    assert row["priority"] in ("soon", "urgent"), (note, row["priority"])


@pytest.mark.parametrize(
    "note", ["EDD 01-Mar-2027", "Pregnancy (EDD 01-Mar-2027)", "EDD 1-Mar-2027", "ET 01-Mär-2027"]
)
def test_a_uk_due_date_with_dashes_places_the_current_pregnancy(tmp_path: Path, note: str) -> None:
    (row,) = _run(tmp_path, _table([note], prolactin="118", sample="2026-11-14"))
    assert "pregnancy" in _codes(row), (note, _codes(row))
    assert row["reference_stratum"].startswith(PREGNANT), (note, row["reference_stratum"])
    assert row["status"] == "normal", (note, row["status"])


@pytest.mark.parametrize(
    "note",
    [
        "Pregnancy (EDD 01/03/2027)",
        "Pregnancy 01/10/2026",
        "Schwangerschaft (ET 01.03.2027)",
    ],
)
def test_a_current_pregnancy_beside_its_date_stays_pregnant(tmp_path: Path, note: str) -> None:
    """Controls: a due date ahead, an entry weeks old."""
    (row,) = _run(tmp_path, _table([note], prolactin="118", sample="2026-11-14"))
    assert "pregnancy" in _codes(row), (note, _codes(row))
    assert row["status"] == "normal", (note, row["status"])


@pytest.mark.parametrize(
    "note", ["Pregnancy 15/12/2025", "pregnant (LMP 01/12/2025)", "Schwangerschaft 15.12.2025"]
)
def test_an_entry_dated_weeks_before_in_the_previous_year_is_the_pregnancy_now(
    tmp_path: Path, note: str
) -> None:
    """Control: an entry 11 weeks before the sample, across the new year, is no past year."""
    (row,) = _run(tmp_path, _table([note], prolactin="118", sample="2026-03-01"))
    assert "pregnancy" in _codes(row), (note, _codes(row))


def test_a_gestation_now_beside_an_old_delivery_keeps_the_pregnancy(tmp_path: Path) -> None:
    """Control: the old delivery does not date away a pregnancy with its weeks written."""
    note = "pregnant 20 weeks, delivered 03/04/2024"
    (row,) = _run(tmp_path, _table([note], prolactin="118", sample="2026-11-14"))
    assert "pregnancy" in _codes(row), (note, _codes(row))


# --- a seizure or a chest-wall lesion dated before the sample ----------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "Seizure 01-Mar-2024",
        "Seizure 13/11/2026",
        "Seizure 13 Nov 2026",
        "Krampfanfall 03.2024",
        "Krampfanfall 12.03.2024",
        "crise convulsive le 01/03/2024",
        "convulsión 01/03/2024",
        "crisi convulsiva 01/03/2024",
        "epileptische aanval 13-11-2026",
    ],
)
def test_a_seizure_dated_on_an_earlier_day_is_no_factor(tmp_path: Path, note: str) -> None:
    # 33 ng/mL in a man of 45
    (row,) = _run(tmp_path, _table([note], prolactin="33", sex="M", age="45", sample="2026-11-14"))
    assert "seizure" not in _codes(row), (note, row["factor_details"])


def test_a_seizure_dated_on_the_sample_day_stays_possible(tmp_path: Path) -> None:
    text = _table(["Seizure 14/11/2026"], prolactin="33", sex="M", age="45", sample="2026-11-14")
    (row,) = _run(tmp_path, text)
    assert "seizure" in _codes(row), row["factor_details"]


@pytest.mark.parametrize(
    "note",
    [
        "Herpes zoster (T4) 01-Mar-2019",
        "Herpes zoster (T4) 01/03/2019",
        "Herpes zoster thoracic 03/2019",
        "Thoracotomy 12-Jan-2019",
        "Gürtelrose thorakal 12.01.2019",
    ],
)
def test_a_chest_wall_lesion_dated_years_before_is_healed(tmp_path: Path, note: str) -> None:
    (row,) = _run(tmp_path, _table([note], prolactin="33", sex="M", age="45", sample="2026-11-14"))
    assert "chest_wall_stimulation" not in _codes(row), (note, row["factor_details"])


def test_a_chest_wall_lesion_dated_this_year_still_counts(tmp_path: Path) -> None:
    text = _table(
        ["Herpes zoster (T4) 01-Nov-2026"], prolactin="33", sex="M", age="45", sample="2026-11-14"
    )
    (row,) = _run(tmp_path, text)
    assert "chest_wall_stimulation" in _codes(row), row["factor_details"]


# --- a seizure's time: across midnight, with a half, in other clock forms -----------------------


def _seizure_rows(tmp_path: Path, rows: list[tuple[str, str]]) -> list[pd.Series]:
    """Men of 30, 48 ng/mL, each row (collected at, comments)."""
    lines = ["patient_id,sex,age,collected_at,prolactin,unit,comments"]
    for i, (when, note) in enumerate(rows):
        lines.append(f"P{i},M,30,{when},48,ng/mL,{csv_quoted(note)}")
    return _run(tmp_path, "\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "note",
    [
        "crisi convulsiva alle 23:50",
        "Krampfanfall um 23:50",
        "crise convulsive à 23h50",
        "Crisis convulsiva a las 23:50 en urgencias",
        "seizure at 23:50",
        "insult om 23u50",
        "crisi comiziale alle ore 23.50",
        "Krampfanfall am 20.11.2026 um 23:50",
    ],
)
def test_a_seizure_before_midnight_and_a_sample_after_it_are_twenty_minutes_apart(
    tmp_path: Path, note: str
) -> None:
    (row,) = _seizure_rows(tmp_path, [("2026-11-21 00:10", note)])
    found = [f for f in row["factor_details"] if f["code"] == "seizure"]
    assert found and found[0]["strength"] == "likely", (note, row["factor_details"])
    assert "20 min" in found[0]["evidence"], (note, found[0]["evidence"])
    assert row["priority"] == "routine", (note, row["priority"])


def test_a_seizure_written_after_the_sample_time_is_not_the_evening_before(
    tmp_path: Path,
) -> None:
    """Control: a seizure 20 min after the sample on the same day is not a day back."""
    (row,) = _seizure_rows(tmp_path, [("2026-11-20 14:30", "crisi convulsiva alle 14:50")])
    evidence = _evidence(row, "seizure") + _evidence(row, "unexplained")
    assert "-20 min" in evidence, row["factor_details"]


@pytest.mark.parametrize(
    "note",
    ["crisi comiziale alle ore 9.40", "insult om 9u40", "crisi convulsiva verso le ore 9.40"],
)
def test_italian_and_dutch_clock_times_of_a_seizure_are_read(tmp_path: Path, note: str) -> None:
    (row,) = _seizure_rows(tmp_path, [("2026-11-20 10:00", note)])
    found = [f for f in row["factor_details"] if f["code"] == "seizure"]
    assert found and found[0]["strength"] == "likely", (note, row["factor_details"])
    assert "20 min" in found[0]["evidence"], (note, found[0]["evidence"])


@pytest.mark.parametrize(
    "note",
    [
        "convulsión hace 1 hora y media",
        "convulsión hace una hora y media",
        "crisi convulsiva un'ora e mezza fa",
        "crisi convulsiva 1 ora e mezza fa",
        "insult anderhalf uur geleden",
        "Krampfanfall vor anderthalb Stunden",
        "Krampfanfall vor eineinhalb Stunden",
        "crise convulsive il y a une heure et demie",
        "seizure an hour and a half ago",
        "seizure 1 hour and a half ago",
    ],
)
def test_an_hour_and_a_half_is_ninety_minutes(tmp_path: Path, note: str) -> None:
    (row,) = _seizure_rows(tmp_path, [("2026-11-20 10:00", note)])
    evidence = _evidence(row, "seizure") + _evidence(row, "unexplained")
    assert "90 min" in evidence, (note, row["factor_details"])
    assert "outside" in evidence, (note, evidence)


def test_a_midnight_seizure_in_an_hl7_message(tmp_path: Path) -> None:
    """The ED case as HL7 v2: OBR-7 00:10, NTE 'Crisis convulsiva a las 23:50'."""
    segments = [
        "MSH|^~\\&|LIS|HOSP|TRIAGE|LAB|202611210030||ORU^R01|MSG0001|P|2.5",
        "PID|1||H001^^^HOSP^MR||Test^Pat||19900101|M",
        "OBR|1|ORD1|SPC1|PRL^Prolactin|||202611210010",
        "NTE|1||Crisis convulsiva a las 23:50 en urgencias",
        "OBX|1|NM|2842-3^Prolactin^LN||48|ng/mL|4.0-15.2|H|||F",
    ]
    path = tmp_path / "ed.hl7"
    path.write_text("\r".join(segments) + "\r", encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    (row,) = [r for _, r in outcome.results.iterrows()]
    found = [f for f in row["factor_details"] if f["code"] == "seizure"]
    assert found and "20 min" in found[0]["evidence"], row["factor_details"]
