"""Review 15: kidney, thyroid and liver columns the tool misread or dropped.  End to end.

- a free T4 in ng/dL read as pmol/L: 1.2 ng/dL (~15 pmol/L, normal) was "1.2 pmol/L, below 12:
  overt primary hypothyroidism", a likely cause that suppressed the macroprolactin screen and the
  MRI (clinical-reference §1.4: test thyroid before imaging).  The unit is now read from a unit
  column right after the test ("fT4 unit", a German LIS "fT4;Einheit"), from a unit glued to the
  header ("FT4_ngdl", "ft4_ng_dl"), and a value with no unit anywhere is judged by its size
  (thresholds.toml free_t4_bare_ng_dl_max / free_t4_bare_pmol_l_min, 12.87 pmol/L per ng/dL),
  with a warning naming the unit assumed;
- a creatinine clearance (mL/min) is a measure of the GFR: "clairance créatinine" 22 was lost
  (severe CKD) and 140 was read as a serum creatinine of 140 µmol/L, an invented kidney
  impairment (clinical-reference §4: eGFR below 30 or dialysis);
- a kidney column headed by function or status ("Nierenfunktion", "renal function", "fonction
  rénale") was dropped: a man on haemodialysis was sent to an MRI as a suspected prolactinoma.
  Its words are read as the notes read them (dialysis, CKD stage, graft, "eGFR 12", a labelled
  creatinine, "normal");
- a Child-Pugh column was unread: its class or score is a cirrhosis (clinical-reference §4).
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned


def _factors(row: Any) -> dict[str, tuple[str, str]]:
    return {f["code"]: (f["strength"], f["evidence"]) for f in row["factor_details"]}


def _suggestions(row: Any) -> set[str]:
    return {s["code"] for s in row["suggestion_details"]}


# --- 1. free T4 in ng/dL ---------------------------------------------------------------------
# A woman of 40 with prolactin 85 ng/mL and a TSH of 5.0 mIU/L (mildly raised: a possible cause,
# strong from 7.5): a normal free T4 leaves the work-up (macroprolactin, MRI) in place.
def _assert_not_overt(row: Any) -> None:
    found = _factors(row)
    assert found["hypothyroidism"][0] == "possible", found
    assert "overt" not in found["hypothyroidism"][1]
    assert {"macroprolactin_screen", "pituitary_mri"} <= _suggestions(row)


# (header, the free T4 columns of the row): the unit in a column after the test, in six languages
UNIT_COLUMNS = [
    ("id,sex,age,prolactin,unit,TSH,FT4,fT4 unit", "5.0,1.2,ng/dL"),
    ("id,sex,age,prolactin,unit,TSH,FT4,FT4 units", "5.0,1.2,ng/dl"),
    ("id;sex;age;prolactin;unit;TSH;fT4;Einheit", "5,0;1,2;ng/dl"),
    ("id;sex;age;prolactin;unit;TSH;T4L;Unité", "5,0;1,2;ng/dL"),
    ("id;sex;age;prolactin;unit;TSH;T4L;Unidad", "5,0;1,2;ng/dL"),
    ("id;sex;age;prolactin;unit;TSH;FT4;Unità", "5,0;1,2;ng/dL"),
    ("id;sex;age;prolactin;unit;TSH;vrij T4;Eenheid", "5,0;1,2;ng/dL"),
]


@pytest.mark.parametrize(("header", "cells"), UNIT_COLUMNS)
def test_free_t4_unit_in_the_column_after_it(tmp_path: Path, header: str, cells: str) -> None:
    sep = ";" if ";" in header else ","
    line = sep.join(["V1", "F", "40", "85", "ng/mL", cells])
    results, warnings = triage_csv_warned(tmp_path, f"{header}\n{line}\n")
    _assert_not_overt(results.loc["V1"])
    assert any("holds units" in w for w in warnings), warnings


def test_unit_column_row_by_row_keeps_pmol_and_reads_overt(tmp_path: Path) -> None:
    # the same column may give pmol/L on other rows: 9 pmol/L is low (overt), 15 normal
    text = (
        "id,sex,age,prolactin,unit,TSH,FT4,fT4 unit\n"
        "V1,F,40,85,ng/mL,5.0,1.2,ng/dL\n"
        "V2,F,40,85,ng/mL,5.0,9,pmol/L\n"
        "V3,F,40,85,ng/mL,5.0,0.5,ng/dL\n"
        "V4,F,40,85,ng/mL,5.0,15,pmol/L\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    _assert_not_overt(results.loc["V1"])
    _assert_not_overt(results.loc["V4"])
    for patient in ("V2", "V3"):  # 0.5 ng/dL is 6.4 pmol/L: overt hypothyroidism
        strength, evidence = _factors(results.loc[patient])["hypothyroidism"]
        assert strength == "likely" and "overt" in evidence, evidence


def test_german_lis_with_a_unit_column_after_each_test(tmp_path: Path) -> None:
    text = (
        "ID;Geschlecht;Alter;Kreatinin;Einheit;TSH;Einheit;fT4;Einheit;Prolaktin;Einheit\n"
        "N1;w;40;1,1;mg/dl;5,0;mU/l;1,2;ng/dl;1800;mU/l\n"
        "N2;w;40;97;µmol/l;5,0;mU/l;9;pmol/l;85;ng/ml\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    _assert_not_overt(results.loc["N1"])
    assert _factors(results.loc["N2"])["hypothyroidism"][0] == "likely"
    assert "renal_impairment" not in _factors(results.loc["N1"])


@pytest.mark.parametrize("header", ["FT4_ngdl", "ft4_ng_dl", "fT4 ng/dL", "FT4 (ng/dL)"])
def test_free_t4_unit_glued_to_the_header(tmp_path: Path, header: str) -> None:
    results, _ = triage_csv_warned(
        tmp_path, f"id,sex,age,prolactin,unit,TSH,{header}\nV1,F,40,85,ng/mL,5.0,1.2\n"
    )
    _assert_not_overt(results.loc["V1"])


def test_glued_pmol_unit_still_reads_overt(tmp_path: Path) -> None:
    text = "id,sex,age,prolactin,unit,TSH,FT4_pmol_l\nV1,F,40,85,ng/mL,5.0,9\n"
    results, _ = triage_csv_warned(tmp_path, text)
    assert _factors(results.loc["V1"])["hypothyroidism"][0] == "likely"


def test_free_t4_without_a_unit_is_judged_by_its_size(tmp_path: Path) -> None:
    text = (
        "id,sex,age,prolactin,unit,TSH,FT4\n"
        "V1,F,40,85,ng/mL,5.0,1.2\n"  # ng/dL: ~15 pmol/L, normal
        "V2,F,40,85,ng/mL,5.0,15.4\n"  # pmol/L, normal
        "V3,F,40,85,ng/mL,5.0,8\n"  # pmol/L, low: overt
        "V4,F,40,85,ng/mL,5.0,4\n"  # 4 ng/dL or 4 pmol/L: not used
    )
    results, warnings = triage_csv_warned(tmp_path, text)
    _assert_not_overt(results.loc["V1"])
    _assert_not_overt(results.loc["V2"])
    assert _factors(results.loc["V3"])["hypothyroidism"][0] == "likely"
    unread = _factors(results.loc["V4"])["hypothyroidism"]
    assert unread[0] == "possible" and "check free T4" in unread[1], unread
    said = next(w for w in warnings if "without a unit" in w)
    assert "1 read in ng/dL" in said and "1 not used" in said


def test_long_file_free_t4_without_a_unit(tmp_path: Path) -> None:
    text = (
        "PatientID,Sex,Age,Test,Result,Unit\n"
        "L1,F,40,Prolactin,85,ng/mL\nL1,F,40,TSH,5.0,mIU/L\nL1,F,40,Free T4,1.2,\n"
        "L2,F,40,Prolactin,85,ng/mL\nL2,F,40,TSH,5.0,mIU/L\nL2,F,40,Free T4,8,\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    _assert_not_overt(results.loc["L1"])
    assert _factors(results.loc["L2"])["hypothyroidism"][0] == "likely"


# --- 2. a creatinine clearance is a GFR ------------------------------------------------------
CLEARANCE_HEADERS = [
    "Creatinine clearance",
    "CrCl",
    "Clcr",
    "Cockcroft-Gault",
    "Kreatinin-Clearance (ml/min)",
    "Kreatininclearance",
    "clairance créatinine",
    "Clairance de la créatinine",
    "aclaramiento de creatinina",
    "clearance creatinina",
    "Clearance della creatinina",
    "creatinine klaring",
    "Creatinineklaring",
]


@pytest.mark.parametrize("header", CLEARANCE_HEADERS)
def test_creatinine_clearance_is_read_as_a_gfr(tmp_path: Path, header: str) -> None:
    text = (
        f"id,sex,age,prolactin,unit,{csv_quoted(header)}\n"
        "C1,M,62,120,ng/mL,22\n"  # severe CKD: a likely cause (below 30)
        "C2,M,62,120,ng/mL,140\n"  # normal: no kidney factor (not a creatinine of 140 µmol/L)
    )
    results, _ = triage_csv_warned(tmp_path, text)
    found = _factors(results.loc["C1"])
    assert found["renal_impairment"][0] == "likely", found
    assert "22" in found["renal_impairment"][1]
    assert "renal_impairment" not in _factors(results.loc["C2"])
    assert pd.isna(results.loc["C2", "creatinine"]) if "creatinine" in results else True


def test_clearance_beside_a_creatinine_column(tmp_path: Path) -> None:
    text = (
        "id;sex;age;prolactin;unit;Kreatinin;Kreatinin-Clearance (ml/min)\n"
        "C1;M;62;120;ng/mL;;22\n"
        "C2;M;62;120;ng/mL;80;140\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    assert _factors(results.loc["C1"])["renal_impairment"][0] == "likely"
    assert "renal_impairment" not in _factors(results.loc["C2"])


def test_long_file_clearance_line(tmp_path: Path) -> None:
    text = (
        "PatientID,Sex,Age,Test,Result,Unit\n"
        "L1,M,60,Prolactin,120,ng/mL\nL1,M,60,Creatinine clearance,22,mL/min\n"
        "L2,M,60,Prolactin,120,ng/mL\nL2,M,60,Clairance de la créatinine,140,mL/min\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    assert _factors(results.loc["L1"])["renal_impairment"][0] == "likely"
    assert "renal_impairment" not in _factors(results.loc["L2"])


# --- 3. a kidney column headed by function or status ----------------------------------------
RENAL_HEADERS = [
    "Renal function",
    "Kidney function",
    "Renal status",
    "Renal",
    "Kidney",
    "Renal history",
    "Niere",
    "Nierenfunktion",
    "Nierenstatus",
    "Fonction rénale",
    "Función renal",
    "Funzione renale",
    "Nierfunctie",
]


@pytest.mark.parametrize("header", RENAL_HEADERS)
def test_renal_function_column_words_are_read(tmp_path: Path, header: str) -> None:
    text = (
        f"id,sex,age,prolactin,unit,{csv_quoted(header)}\n"
        "R1,M,62,120,ng/mL,Hämodialyse\n"
        "R2,M,62,120,ng/mL,eGFR 12\n"
        "R3,M,62,120,ng/mL,CKD G4\n"
        f"R4,M,62,120,ng/mL,{csv_quoted('Kreatinin 350 µmol/l')}\n"
        "R5,M,62,120,ng/mL,normal\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    dialysis = results.loc["R1"]
    assert _factors(dialysis)["dialysis"][0] == "likely"
    assert dialysis["priority"] == "routine"
    assert "prolactinoma_suspected" not in _factors(dialysis)
    for patient in ("R2", "R3", "R4"):
        row = results.loc[patient]
        assert _factors(row)["renal_impairment"][0] == "likely", patient
        assert row["priority"] == "routine", patient
    normal = _factors(results.loc["R5"])
    assert "renal_impairment" not in normal and "dialysis" not in normal


def test_renal_function_column_of_bare_numbers_is_not_kidney_disease(tmp_path: Path) -> None:
    # mL/min in the header: a column of numbers, never read as words of kidney disease; since
    # review 17 read as the eGFR (creatinine clearance) it is, no longer left unread
    text = (
        "id,sex,age,prolactin,unit,Renal function (mL/min)\n"
        "R1,M,62,120,ng/mL,80\nR2,M,62,120,ng/mL,25\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    assert "renal_impairment" not in _factors(results.loc["R1"])
    assert "renal_impairment" in _factors(results.loc["R2"])


# "creatinine clearance 45" is no serum creatinine either: since review 20 it is read as the
# eGFR it measures (test_review20_renal_context.py)
@pytest.mark.parametrize("note", ["crea 9 mg/L", "creatine kinase 300", "Kreatinin 4,1 (2023)"])
def test_words_that_are_no_current_creatinine(tmp_path: Path, note: str) -> None:
    text = f"id,sex,age,prolactin,unit,comments\nR1,M,62,60,ng/mL,{csv_quoted(note)}\n"
    results, _ = triage_csv_warned(tmp_path, text)
    assert "renal_impairment" not in _factors(results.loc["R1"])


def test_creatinine_in_a_note_is_read_by_its_size(tmp_path: Path) -> None:
    text = (
        "id,sex,age,prolactin,unit,comments\n"
        "R1,M,62,60,ng/mL,creatinine 3.9 mg/dL\n"
        "R2,M,62,60,ng/mL,créatinine: 420 µmol/l\n"
        "R3,M,62,60,ng/mL,Krea 80\n"
    )
    results, _ = triage_csv_warned(tmp_path, text)
    assert _factors(results.loc["R1"])["renal_impairment"][0] == "likely"
    assert _factors(results.loc["R2"])["renal_impairment"][0] == "likely"
    assert "renal_impairment" not in _factors(results.loc["R3"])


# --- 4. a Child-Pugh column ------------------------------------------------------------------
@pytest.mark.parametrize(
    "header",
    ["Child-Pugh", "Child-Pugh class", "Child-Pugh-Klasse", "Classe de Child-Pugh",
     "Clase de Child-Pugh", "Punteggio Child-Pugh", "Child-Pugh-score"],
)  # fmt: skip
def test_child_pugh_column_is_a_cirrhosis(tmp_path: Path, header: str) -> None:
    text = (
        f"id,sex,age,prolactin,unit,{csv_quoted(header)}\n"
        "L1,M,62,60,ng/mL,B\n"
        "L2,M,62,60,ng/mL,C (11)\n"
        "L3,M,62,60,ng/mL,9\n"
        "L4,M,62,60,ng/mL,\n"
    )
    results, warnings = triage_csv_warned(tmp_path, text)
    assert _factors(results.loc["L1"])["liver_cirrhosis"][0] == "possible"
    assert _factors(results.loc["L2"])["liver_cirrhosis"][0] == "likely"
    assert "Child-Pugh B" in _factors(results.loc["L3"])["liver_cirrhosis"][1]
    assert "liver_cirrhosis" not in _factors(results.loc["L4"])
    assert not any("not used" in w and header in w for w in warnings), warnings
