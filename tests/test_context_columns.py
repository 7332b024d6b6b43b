"""Context columns of their own, read end to end: a chronic-kidney-disease column (a yes/no, a
stage or words, in six languages) is a possible or likely renal cause of a raised prolactin
(clinical-reference §1.4: CKD raises prolactin, from reduced clearance and central
dysregulation; the eGFR decides when it is given)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv


@pytest.mark.parametrize(
    ("header", "yes", "no"),
    [
        ("Chronic kidney disease", "yes", "no"),
        ("CKD (Y/N)", "Y", "N"),
        ("Niereninsuffizienz", "ja", "nein"),
        ("Insuffisance rénale", "oui", "non"),
        ("Insuficiencia renal", "sí", "no"),
        ("Insufficienza renale", "sì", "no"),
        ("Nierinsufficiëntie", "ja", "nee"),
    ],
)
def test_a_kidney_disease_answer_is_a_possible_renal_cause(
    tmp_path: Path, header: str, yes: str, no: str
) -> None:
    results = triage_csv(
        tmp_path, f"ID,Sex,Age,Prolactin (ng/mL),{header}\nK1,F,55,60,{yes}\nK2,F,55,60,{no}\n"
    )
    with_ckd, without = results.iloc[0], results.iloc[1]
    assert with_ckd["factors"].split(";")[0] == "renal_impairment"
    assert "renal_impairment (possible)" in with_ckd["factor_evidence"]
    assert "check_renal_function" in with_ckd["suggestions"]  # the eGFR says how far
    assert "renal_impairment" not in without["factors"]


@pytest.mark.parametrize(
    ("cell", "strength"),
    [
        ("G4", "likely"),
        ("4", "likely"),
        ("Stadium 5", "likely"),
        ("CKD Stadium 4", "likely"),
        ("stade 4", "likely"),
        ("terminale Niereninsuffizienz", "likely"),
        ("3b", "possible"),
        ("CKD 2", "possible"),
    ],
)
def test_a_kidney_disease_stage_decides_the_strength(
    tmp_path: Path, cell: str, strength: str
) -> None:
    """From CKD stage 4 (eGFR below 30 by definition) kidney disease is a likely cause, below it
    a possible one (thresholds.toml ckd_stage_likely_min, egfr_renal_likely)."""
    results = triage_csv(tmp_path, f"ID,Sex,Age,Prolactin (ng/mL),CKD stage\nK1,M,70,45,{cell}\n")
    assert f"renal_impairment ({strength})" in results.iloc[0]["factor_evidence"]


def test_a_measured_egfr_outweighs_the_kidney_disease_column(tmp_path: Path) -> None:
    """A normal eGFR on the same row is the kidney function now: no renal cause."""
    results = triage_csv(
        tmp_path, "ID,Sex,Age,Prolactin (ng/mL),Niereninsuffizienz,eGFR\nK1,F,50,60,ja,75\n"
    )
    assert "renal_impairment" not in results.iloc[0]["factors"]
