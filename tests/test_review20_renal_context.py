"""Review 20: kidney context lost or invented by how it was written.  End to end.

Clinical-reference §4 (CKD row: hyperprolactinaemia in 23% of men at stage 4, 49% at stage 5)
and §8 ("eGFR <30 or dialysis" is a renal contributor): a CKD stage 4-5, or an eGFR or
creatinine clearance below 30, is a likely cause (priority routine, no MRI first).

- a CKD stage written before the disease ("stage 5 CKD", "Stadium 4 CNI", "estadio 4 de ERC"),
  with a preposition ("CNI im Stadium 4", "IRC au stade IV") or a hyphen ("CKD-4") was read as
  CKD of no stage: "possible", MRI and visual fields;
- the equation named beside an eGFR ("eGFR (CKD-EPI) 18", "GFR nach CKD-EPI 18", "eGFR (MDRD):
  18") was lost: its "CKD" read as kidney disease of no stage, or nothing at all;
- a creatinine clearance in mL/min was read only in German; "aclaramiento de creatinina 20"
  was even read as a serum creatinine of 20 mg/dL;
- an eGFR column holding stages ("G5", "stage 4", "CKD 4") was dropped whole;
- a creatinine impossible in its written unit (4.2 "µmol/L", 380 "mg/dL") was used: read as a
  normal kidney, or as an eGFR of 0 (thresholds.toml creatinine_plausible_min_umol_l / _max).
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned

HEADER = "patient_id,sex,age,prolactin_ng_ml,notes"


def _factors(row: Any) -> dict[str, tuple[str, str]]:
    return {f["code"]: (f["strength"], f["evidence"]) for f in row["factor_details"]}


def _suggestions(row: Any) -> set[str]:
    return {s["code"] for s in row["suggestion_details"]}


def _notes_run(tmp_path: Path, notes: list[str]) -> tuple[Any, list[str]]:
    """One run of men of 60 with prolactin 60 ng/mL, one note each (ids N0, N1 ...)."""
    lines = [f"N{i},M,60,60,{csv_quoted(note)}" for i, note in enumerate(notes)]
    return triage_csv_warned(tmp_path, HEADER + "\n" + "\n".join(lines) + "\n")


def _assert_likely_renal(row: Any, note: str, shown: str = "") -> None:
    found = _factors(row)
    assert found.get("renal_impairment", ("", ""))[0] == "likely", (note, found)
    assert shown in found["renal_impairment"][1], (note, found)
    assert row["priority"] == "routine", note
    assert "pituitary_mri" not in _suggestions(row), note


# --- 1. CKD stage in every order and language -------------------------------------------------
STAGED = [
    "stage 5 CKD not yet on dialysis",
    "stage IV chronic kidney disease",
    "stage 4 kidney disease",
    "Stadium 4 CNI",
    "CNI im Stadium 4",
    "IRC stade IV",
    "IRC au stade 4",
    "insuffisance rénale chronique de stade 4",
    "estadio 4 de ERC",
    "ERC en estadio 4",
    "stadio IV di IRC",
    "stadium 4 nierinsufficiëntie",
    "CKD-4",
    "CKD (G4)",
]


def test_ckd_stage_before_or_after_the_disease(tmp_path: Path) -> None:
    results, _ = _notes_run(tmp_path, STAGED)
    for i, note in enumerate(STAGED):
        _assert_likely_renal(results.loc[f"N{i}"], note, "eGFR below 30")


# --- 2. the eGFR with its equation named ------------------------------------------------------
EQUATIONS = [
    "eGFR (CKD-EPI) 18",
    "DFG (CKD-EPI) 18",
    "GFR nach CKD-EPI 18",
    "eGFR (MDRD): 18",
    "CKD-EPI 18",
    "eGFR CKD-EPI 2021: 18 ml/min/1.73m2",
    "TFG (CKD-EPI) 18 ml/min",
    "eGFR secondo CKD-EPI 18",
]


def test_egfr_with_its_equation_named(tmp_path: Path) -> None:
    results, _ = _notes_run(tmp_path, EQUATIONS)
    for i, note in enumerate(EQUATIONS):
        _assert_likely_renal(results.loc[f"N{i}"], note, "18 mL/min")


# --- 3. creatinine clearance in six languages -------------------------------------------------
CLEARANCES = [
    "creatinine clearance 20 ml/min",
    "clairance de la créatinine 20 ml/min",
    "aclaramiento de creatinina 20",
    "clearance della creatinina 20",
    "kreatinineklaring 20",
    "Kreatinin-Clearance 20 ml/min",
    "Cockcroft-Gault 20 ml/min",
    "creatinine clearance (Cockcroft-Gault) 20 ml/min",
    "Clearance 20 ml/min",
    "CrCl 20",
]


def test_creatinine_clearance_in_six_languages(tmp_path: Path) -> None:
    results, _ = _notes_run(tmp_path, [*CLEARANCES, "creatinine clearance 45"])
    for i, note in enumerate(CLEARANCES):
        row = results.loc[f"N{i}"]
        _assert_likely_renal(row, note, "20 mL/min")
        assert "mg/dL" not in _factors(row)["renal_impairment"][1], note  # never a creatinine
    # 45 mL/min: moderate impairment, a less common cause (never a creatinine of 45 µmol/L)
    moderate = _factors(results.loc[f"N{len(CLEARANCES)}"])["renal_impairment"]
    assert moderate[0] == "possible" and "45 mL/min" in moderate[1], moderate


# --- 4. ordinary words stay what they were ----------------------------------------------------
def test_years_dates_and_other_stages_are_no_ckd_stage(tmp_path: Path) -> None:
    notes = [
        "renal failure 2019",  # a year, not stage 2
        "Niereninsuffizienz 2018",
        "CKD 5/2019",  # a date, not stage 5
        "stage 4 lung cancer",
        "free water clearance 20 ml/min",
        "G4 P2, stadium 4 endometriosis",
    ]
    results, _ = _notes_run(tmp_path, notes)
    for i in range(3):  # kidney disease of a stage not given: possible, the eGFR decides
        found = _factors(results.loc[f"N{i}"])
        assert found["renal_impairment"][0] == "possible", (notes[i], found)
        assert "stage" not in found["renal_impairment"][1], (notes[i], found)
    for i in range(3, len(notes)):
        assert "renal_impairment" not in _factors(results.loc[f"N{i}"]), notes[i]


# --- 5. an eGFR column holding stages ---------------------------------------------------------
def test_egfr_column_holding_stages_is_kept(tmp_path: Path) -> None:
    cells = ["G5", "stage 4", "CKD 4", "Stadium 4", "stade 4", "estadio 4", "stadio IV", "CKD-4"]
    cells += ["IRC stade IV", "18", "75"]
    lines = [f"S{i},M,60,60,{csv_quoted(c)}" for i, c in enumerate(cells)]
    text = "patient_id,sex,age,prolactin_ng_ml,eGFR\n" + "\n".join(lines) + "\n"
    results, warnings = triage_csv_warned(tmp_path, text)
    assert not any("not used as egfr" in w for w in warnings), warnings
    for i, cell in enumerate(cells[:-1]):
        _assert_likely_renal(results.loc[f"S{i}"], cell)
    assert "renal_impairment" not in _factors(results.loc[f"S{len(cells) - 1}"])


# --- 6. creatinine impossible in its written unit ---------------------------------------------
def test_impossible_creatinine_in_a_umol_column_is_not_used(tmp_path: Path) -> None:
    text = (
        "patient_id,sex,age,prolactin_ng_ml,Creatinine (umol/L)\n"
        "C1,M,60,60,4.2\n"
        "C2,M,60,60,380\n"
        "C3,M,60,60,85\n"
    )
    results, warnings = triage_csv_warned(tmp_path, text)
    said = [w for w in warnings if "impossible in the unit written" in w]
    assert len(said) == 1 and "Creatinine (umol/L)" in said[0] and "row 2" in said[0], warnings
    unused = results.loc["C1"]
    assert "renal_impairment" not in _factors(unused)
    assert "check_renal_function" in _suggestions(unused)  # the kidney is still not known
    assert "eGFR" in _factors(unused)["unexplained"][1]  # listed as not given
    _assert_likely_renal(results.loc["C2"], "380 µmol/L", "380 µmol/L")
    assert "check_renal_function" not in _suggestions(results.loc["C3"])  # normal, used


def test_umol_header_over_mg_dl_values_is_said_mislabelled(tmp_path: Path) -> None:
    text = (
        "patient_id;sex;age;prolactin_ng_ml;Kreatinin (µmol/l)\n"
        "K1;M;60;60;1,9\n"
        "K2;M;60;60;4,2\n"
        "K3;M;60;60;0,9\n"
    )
    results, warnings = triage_csv_warned(tmp_path, text)
    said = [w for w in warnings if "mislabelled" in w]
    assert len(said) == 1 and "Kreatinin (µmol/l)" in said[0] and "mg/dL" in said[0], warnings
    for patient in ("K1", "K2", "K3"):
        row = results.loc[patient]
        assert "renal_impairment" not in _factors(row), patient
        assert "check_renal_function" in _suggestions(row), patient


def test_umol_values_under_a_mg_dl_header(tmp_path: Path) -> None:
    text = (
        "patient_id,sex,age,prolactin_ng_ml,Creatinine (mg/dL)\n"
        "D1,M,60,60,380\n"  # 33,600 µmol/L read as mg/dL: an eGFR of 0
        "D2,M,60,60,4.5\n"
        "D3,M,60,60,1.0\n"
    )
    results, warnings = triage_csv_warned(tmp_path, text)
    assert any("impossible in the unit written" in w and "row 2" in w for w in warnings)
    assert "renal_impairment" not in _factors(results.loc["D1"])
    assert "check_renal_function" in _suggestions(results.loc["D1"])
    _assert_likely_renal(results.loc["D2"], "4.5 mg/dL", "4.5 mg/dL")
    assert "renal_impairment" not in _factors(results.loc["D3"])


def test_long_file_impossible_creatinine_line_is_rejected(tmp_path: Path) -> None:
    text = (
        "patient_id,sex,age,test,result,unit\n"
        "L1,M,60,Prolactin,60,ng/mL\nL1,M,60,Creatinine,4.2,umol/L\n"
        "L2,M,60,Prolactin,60,ng/mL\nL2,M,60,Creatinine,380,umol/L\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    assert "renal_impairment" not in _factors(results.loc["L1"])
    assert "check_renal_function" in _suggestions(results.loc["L1"])
    _assert_likely_renal(results.loc["L2"], "380 µmol/L", "380 µmol/L")


@pytest.mark.parametrize(
    ("note", "likely"),
    [
        ("Kreatinin 4,2 µmol/l", False),  # was read as 4.2 mg/dL: a kidney failure
        ("creatinine 380 mg/dL", False),  # was read as 380 µmol/L
        ("Kreatinin 350 µmol/l", True),
        ("créatinine 3,9 mg/dL", True),
    ],
)
def test_creatinine_in_a_note_only_in_a_unit_it_fits(
    tmp_path: Path, note: str, likely: bool
) -> None:
    results, _ = _notes_run(tmp_path, [note])
    row = results.loc["N0"]
    if likely:
        _assert_likely_renal(row, note, "creatinine")
    else:
        assert "renal_impairment" not in _factors(row), note
        assert "check_renal_function" in _suggestions(row), note
