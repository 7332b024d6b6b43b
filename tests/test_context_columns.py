"""Context columns read end to end, as labs and clinics write them in six languages:

- a chronic-kidney-disease column (a yes/no, a stage or words) is a possible or likely renal
  cause of a raised prolactin (clinical-reference §1.4: CKD raises prolactin, from reduced
  clearance and central dysregulation; the eGFR decides when it is given);
- a TSH written as a word ("erhöht", "élevée", "normal") is a TSH result: a raised one a possible
  thyroid cause (primary hypothyroidism raises prolactin, §1.4), a normal or low one none, and
  neither asks for a TSH again; the numbers of the same column stay numbers."""

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
        ("CKD 3a", "possible"),
    ],
)
def test_a_kidney_disease_stage_decides_the_strength(
    tmp_path: Path, cell: str, strength: str
) -> None:
    """From CKD stage 4 (eGFR below 30 by definition) kidney disease is a likely cause, at stage
    3 a possible one (thresholds.toml ckd_stage_likely_min, egfr_renal_likely)."""
    results = triage_csv(tmp_path, f"ID,Sex,Age,Prolactin (ng/mL),CKD stage\nK1,M,70,45,{cell}\n")
    assert f"renal_impairment ({strength})" in results.iloc[0]["factor_evidence"]


def test_a_kidney_disease_stage_1_or_2_is_no_factor(tmp_path: Path) -> None:
    """CKD G1-G2 is an eGFR of 60 or more by definition: no renal cause, as that eGFR is none
    (thresholds.toml ckd_stage_possible_min; clinical-reference §8)."""
    results = triage_csv(tmp_path, "ID,Sex,Age,Prolactin (ng/mL),CKD stage\nK1,M,70,45,CKD 2\n")
    assert "renal_impairment" not in results.iloc[0]["factors"]


def test_a_measured_egfr_outweighs_the_kidney_disease_column(tmp_path: Path) -> None:
    """A normal eGFR on the same row is the kidney function now: no renal cause."""
    results = triage_csv(
        tmp_path, "ID,Sex,Age,Prolactin (ng/mL),Niereninsuffizienz,eGFR\nK1,F,50,60,ja,75\n"
    )
    assert "renal_impairment" not in results.iloc[0]["factors"]


@pytest.mark.parametrize(
    "raised", ["erhöht", "élevée", "elevada", "elevato", "verhoogd", "raised", "H", "↑"]
)
def test_a_tsh_written_raised_is_a_possible_thyroid_cause(tmp_path: Path, raised: str) -> None:
    results = triage_csv(
        tmp_path,
        f"ID,Sex,Age,Prolactin (ng/mL),TSH\nT1,F,40,60,{raised}\nT2,F,40,60,normal\n"
        "T3,F,40,60,12\nT4,F,40,60,\n",
    )
    words, normal, number, empty = (results.iloc[i] for i in range(4))
    assert words["factors"].split(";")[0] == "hypothyroidism"
    assert f"TSH: '{raised}' (raised" in words["factor_evidence"]
    assert "hypothyroidism (possible)" in words["factor_evidence"]
    assert "check free T4" in words["factor_evidence"]
    assert "check_tsh" not in words["suggestions"]
    assert "hypothyroidism" not in normal["factors"] and "check_tsh" not in normal["suggestions"]
    assert "hypothyroidism (likely)" in number["factor_evidence"]  # 12 mIU/L: read as ever
    assert "check_tsh" in empty["suggestions"]


@pytest.mark.parametrize(
    "word", ["normal", "im Normbereich", "dans les normes", "nella norma", "normaal", "erniedrigt"]
)
def test_a_tsh_written_normal_or_low_is_no_thyroid_cause(tmp_path: Path, word: str) -> None:
    """Even beside a note of hypothyroidism: the TSH says it is controlled."""
    results = triage_csv(
        tmp_path,
        f"ID,Sex,Age,Prolactin (ng/mL),TSH,Comments\nT1,F,40,60,{word},Hypothyreose\n"
        f"T2,F,40,60,{word},\n",
    )
    for _, row in results.iterrows():
        assert "hypothyroidism" not in row["factors"]
        assert "check_tsh" not in row["suggestions"]
        assert "TSH" not in row["factor_evidence"].split("not given:")[-1]


def test_a_raised_tsh_in_words_with_a_raised_free_t4_is_no_thyroid_cause(tmp_path: Path) -> None:
    """A raised TSH with a raised free T4 is not primary hypothyroidism (thresholds.toml
    free_t4_high_pmol_l)."""
    results = triage_csv(
        tmp_path, "ID,Sex,Age,Prolactin (ng/mL),TSH,fT4 (pmol/L)\nT1,F,40,60,erhöht,30\n"
    )
    assert "hypothyroidism" not in results.iloc[0]["factors"]


def test_a_tsh_in_words_in_a_long_export(tmp_path: Path) -> None:
    results = triage_csv(
        tmp_path,
        "Patient,Geschlecht,Alter,Datum,Test,Ergebnis,Einheit\n"
        "L1,W,40,01.02.2026,Prolaktin,60,ng/ml\n"
        "L1,W,40,01.02.2026,TSH,erhöht,\n",
    )
    (row,) = (r for _, r in results.iterrows())
    assert "TSH: 'erhöht' (raised" in row["factor_evidence"]
    assert "check_tsh" not in row["suggestions"]


@pytest.mark.parametrize(
    ("header", "cell", "renal"),
    [("Créatinine (mg/L)", "9", False), ("Créatinine (mg/L)", "45", True),
     ("Kreatinin", "9,6 mg/L", False), ("Creatinine (µmol/L)", "19", False),
     ("Creatinine (µmol/L)", "400", True), ("Creatinine (mg/dL)", "4.5", True),
     ("Creatinine", "1.0", False), ("Creatinine", "400", True)],
)  # fmt: skip
def test_a_creatinine_is_read_in_the_unit_written_beside_it(
    tmp_path: Path, header: str, cell: str, renal: bool
) -> None:
    """9 mg/L (a normal value) was read as 9 mg/dL, an eGFR of 7 (an invented kidney failure);
    45 mg/L (400 µmol/L) as 45 µmol/L (a missed one); 19 µmol/L as 19 mg/dL."""
    results = triage_csv(tmp_path, f'ID;Sex;Age;Prolactine (ng/mL);{header}\nC1;M;50;70;"{cell}"\n')
    assert ("renal_impairment" in str(results.iloc[0]["factors"])) == renal, (header, cell)


@pytest.mark.parametrize(
    ("sex", "post_peg", "assay", "macro"),
    [("w", "16", "ADVIA Centaur XP", False), ("m", "12", "ADVIA Centaur XP", False),
     ("m", "12", "Abbott Architect", False), ("w", "20", "Beckman Access 2", True),
     ("w", "16", "Roche cobas e801", True), ("m", "8", "ADVIA Centaur XP", True)],
)  # fmt: skip
def test_a_post_peg_result_is_judged_against_its_assays_limit(
    tmp_path: Path, sex: str, post_peg: str, assay: str, macro: bool
) -> None:
    """The post-PEG limit differs by assay (Beltran 2008, clinical-reference §2.3): Roche's
    (18.5 / 13.1 ng/mL) made a Centaur woman's 16 and man's 12 'macroprolactin' (a true excess
    missed), an Access woman's 20 (within 22.1) unexplained.  Above the limit the recovery it
    implies may still make macroprolactin possible beside the true excess (review 15), never
    likely, and the work-up goes on."""
    results = triage_csv(
        tmp_path,
        "Pat.-Nr.;Geschlecht;Alter;Prolaktin (µg/l);Prolaktin nach PEG (µg/l);Methode\n"
        f"P1;{sex};30;40;{post_peg};{assay}\n",
    )
    row = results.iloc[0]
    assert ("macroprolactinemia (likely)" in str(row["factor_evidence"])) == macro, assay
    if not macro:
        assert "a true rise remains" in str(row["factor_evidence"]) or (
            "macroprolactinemia" not in str(row["factors"])
        ), assay
        assert "pituitary_mri" in str(row["suggestions"]), assay
