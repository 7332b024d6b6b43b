"""Review 27 (hunt AE, acute medicine and ICU): acute kidney injury is no chronic kidney disease,
temporary dialysis no maintenance dialysis, the post-operative day and resuscitation in their
short ward forms are acute illness, "DHBP" is droperidol and ACLF is decompensated cirrhosis.

clinical-reference §4: the renal rows (CKD, dialysis (ESRD), kidney transplant) are chronic
populations and §8 names the CKD contributor "eGFR <30 or dialysis"; a creatinine in acute kidney
injury is not in a steady state (CKD-EPI assumes one).  §4 "Stress (venipuncture, acute
illness)": acute illness median 32 ng/mL (14-70), repeat once recovered.  §3.1: droperidol
(N05AD08), an antiemetic D2 blocker graded high.  §4 cirrhosis: prolactin rises with
decompensation; acute-on-chronic liver failure is an acute decompensation by definition.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

HEADER = "Patient ID;Sex;Age;Prolactin (ng/mL);Creatinine (µmol/L);eGFR;Medications;Comments"


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


def _row(
    tmp_path: Path,
    *,
    prl: str = "40",
    creat: str = "",
    egfr: str = "",
    meds: str = "",
    note: str = "",
) -> dict[str, object]:
    line = f'X1;M;58;{prl};{creat};{egfr};"{meds}";"{note}"'
    out = triage_csv(tmp_path, HEADER + "\n" + line + "\n")
    return dict(out.iloc[0])


# --- 1. acute kidney injury in six languages --------------------------------------------------
AKI_NOTES = [
    "AKI stage 3 (baseline creatinine 78 µmol/L 3 weeks ago), rhabdomyolysis",
    "acute renal failure after contrast",
    "acute kidney injury KDIGO 2",
    "akutes Nierenversagen Stadium 3 (KDIGO)",
    "Nierenversagen akut bei Rhabdomyolyse",
    "akute Niereninsuffizienz",
    "ANV KDIGO 3 bei Exsikkose",
    "insuffisance rénale aiguë",
    "IRA fonctionnelle",
    "insuficiencia renal aguda prerrenal",
    "fracaso renal agudo",
    "insufficienza renale acuta",
    "acute nierinsufficiëntie",
    "acute nierschade na contrast",
]


@pytest.mark.parametrize("note", AKI_NOTES)
def test_acute_kidney_injury_words_are_no_ckd(tmp_path: Path, note: str) -> None:
    row = _row(tmp_path, note=note)
    factors = _codes(row["factors"])
    assert "renal_impairment" not in factors, (note, factors)
    assert "dialysis" not in factors
    assert "acute_illness" in factors
    assert "repeat_rested_sample" in _codes(row["suggestions"])


@pytest.mark.parametrize(
    ("creat", "egfr", "note"),
    [
        ("430", "", "AKI stage 3 (baseline creatinine 78 µmol/L 3 weeks ago), rhabdomyolysis"),
        ("", "12", "AKI stage 3 (KDIGO), Kreatinin-Vorwert 80"),
        ("410", "", "insuffisance rénale aiguë sur choc"),
        ("380", "", "insufficienza renale acuta da mezzo di contrasto"),
        ("360", "", "insuficiencia renal aguda obstructiva"),
        ("400", "", "acute nierinsufficiëntie bij sepsis"),
        ("", "", "akutes Nierenversagen, Kreatinin 3,9 mg/dl"),
    ],
)
def test_acute_creatinine_is_no_ckd_egfr(tmp_path: Path, creat: str, egfr: str, note: str) -> None:
    """The same 120 ng/mL as without any context: soon, with the endocrine work-up."""
    row = _row(tmp_path, prl="120", creat=creat, egfr=egfr, note=note)
    assert "renal_impairment" not in _codes(row["factors"]), note
    assert row["priority"] == "soon"
    assert "endocrine_referral" in _codes(row["suggestions"])


def test_acute_on_chronic_keeps_its_chronic_stage(tmp_path: Path) -> None:
    row = _row(tmp_path, note="AKI on CKD stage 4")
    assert "renal_impairment" in _codes(row["factors"])


@pytest.mark.parametrize(
    "note", ["CKD G5, not yet on dialysis", "chronic renal failure", "IRC stade 4"]
)
def test_chronic_kidney_disease_still_read(tmp_path: Path, note: str) -> None:
    """Guard (passes before and after): chronic wordings stay the renal factor."""
    assert "renal_impairment" in _codes(_row(tmp_path, creat="430", note=note)["factors"])


# --- 2. temporary dialysis --------------------------------------------------------------------
TEMPORARY_DIALYSIS = [
    "Rhabdomyolyse, passagere Dialyse",
    "temporäre Dialyse seit 2 Tagen",
    "emodialisi temporanea da 2 giorni",
    "dialyse aiguë en réanimation",
    "hemodiálisis aguda",
    "tijdelijke dialyse",
    "temporary haemodialysis for hyperkalaemia",
    "CVVHDF seit gestern",
    "on CRRT",
]


@pytest.mark.parametrize("note", TEMPORARY_DIALYSIS)
def test_temporary_dialysis_is_no_maintenance_dialysis(tmp_path: Path, note: str) -> None:
    row = _row(tmp_path, prl="120", note=note)
    factors = _codes(row["factors"])
    assert "dialysis" not in factors, (note, factors)
    assert "renal_impairment" not in factors
    assert row["priority"] == "soon"


@pytest.mark.parametrize("note", ["haemodialysis (ESRD)", "Dialyse Mo/Mi/Fr", "emodialisi"])
def test_maintenance_dialysis_still_read(tmp_path: Path, note: str) -> None:
    """Guard (passes before and after)."""
    assert "dialysis" in _codes(_row(tmp_path, note=note)["factors"])


# --- 3. post-operative day, recent surgery, resuscitation ------------------------------------
ACUTE_NOTES = [
    "2. postop. Tag",
    "postop. Tag 2",
    "2. p.o. Tag nach Hemikolektomie",
    "POD#2",
    "POD: 1",
    "OP gestern (Hüft-TEP)",
    "post-REA, Hypothermie 33 °C",
    "post-réanimation",
    "s/p laparotomy yesterday",
    "hemicolectomy yesterday",
    "post-CABG day 1",
    "akute Pankreatitis, Intensiv",
    "intervenido ayer de colecistectomía",
    "intervento ieri, colectomia",
    "operatie gisteren",
    "intervention hier",
]


@pytest.mark.parametrize("note", ACUTE_NOTES)
def test_post_operative_and_resuscitation_is_acute_illness(tmp_path: Path, note: str) -> None:
    row = _row(tmp_path, prl="60", note=note)
    assert "acute_illness" in _codes(row["factors"]), note
    assert "repeat_rested_sample" in _codes(row["suggestions"])


@pytest.mark.parametrize("note", ["POD2", "2. postoperativer Tag", "J2 post-op", "opéré hier"])
def test_known_post_operative_words_still_read(tmp_path: Path, note: str) -> None:
    """Guard (passes before and after)."""
    assert "acute_illness" in _codes(_row(tmp_path, prl="60", note=note)["factors"])


@pytest.mark.parametrize("note", ["appendectomy 2019", "OP 2015", "intensive sport", "no symptoms"])
def test_past_or_other_words_are_no_acute_illness(tmp_path: Path, note: str) -> None:
    """Guard: an operation years ago is no acute illness."""
    assert "acute_illness" not in _codes(_row(tmp_path, prl="60", note=note)["factors"])


# --- 4. DHBP = droperidol ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "meds", ["DHBP 1.25 mg IVD", "DHBP 0,625 mg IV", "déhydrobenzpéridol 1 mg"]
)
def test_dhbp_is_droperidol(tmp_path: Path, meds: str) -> None:
    row = _row(tmp_path, prl="60", meds=meds)
    assert "medication:antiemetic_prokinetic" in _codes(row["factors"]), meds


# --- 5. ACLF is decompensated cirrhosis --------------------------------------------------------
@pytest.mark.parametrize(
    "note",
    [
        "ACLF grade 2 on alcoholic cirrhosis",
        "ACLF grade 1",
        "acute-on-chronic liver failure",
        "akut-auf-chronisches Leberversagen",
        "insuffisance hépatique aiguë sur chronique",
        "insuficiencia hepática aguda sobre crónica",
        "insufficienza epatica acuta su cronica",
        "acuut-op-chronisch leverfalen",
    ],
)
def test_aclf_is_advanced_cirrhosis(tmp_path: Path, note: str) -> None:
    out = triage_csv(tmp_path, HEADER + f'\nX1;M;50;45;;;;"{note}"\n')
    row = out.iloc[0]
    assert "liver_cirrhosis (likely)" in str(row["factor_evidence"]), note
    assert "compensated cirrhosis" not in str(row["factor_evidence"])
