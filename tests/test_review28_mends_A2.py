"""Review 28, reviewer A, findings 6-9 (fix220's state shorthand read too widely).

- Liver failure is the patient's end-stage cirrhosis only where it is her or his condition: named
  as a risk, a thing to monitor, information given, or a transient or septic failure, it is no
  cirrhosis (clinical-reference §4, §8 "Cirrhosis contributor"), in every language.
- The Dutch "CNS" (chronische nierschade) is a kidney stage only with a kidney stage context (G
  with A, "stadium", an eGFR) and never beside a tumour word ("CNS G4 astrocytoma": a grade).
- A bare "HD" is dialysis beside a schedule only where real day names or a count a week stand
  right next to it ("HD, male, mild and frequent", "HD; physio 3 times per week": no dialysis).
- The Dutch "zw." (zwanger) is a pregnancy only with its weeks written as weeks and a pregnancy
  context ("Schmerzen zw. 2 w": "zwischen", no pregnancy).
"""

from __future__ import annotations

from pathlib import Path

import pytest

# the file shape and readers of the fix these mends amend
from test_review28_state_shorthand import _row, _strength

# ------------------------------------------------------------------- liver failure (finding 6) ---
LIVER_NOT_CIRRHOSIS = [
    # the reviewer's repro
    "liver failure risk with valproate",
    "Aufklärung über Leberversagen unter Paracetamol",
    "risque d'insuffisance hépatique",
    "paracetamol overdose, monitor for liver failure",
    "Valproat: Aufklärung Leberversagen erfolgt",
    "insuffisance hépatique transitoire sur choc septique",
    # each language: a risk, monitoring, information, transient or septic
    "transient liver failure in septic shock",
    "patient informed about risk of hepatic failure",
    "Risiko eines Leberversagens besprochen",
    "Leberversagen bei septischem Schock",
    "surveillance de l'insuffisance hépatique",
    "riesgo de insuficiencia hepática con valproato",
    "insuficiencia hepática transitoria por shock séptico",
    "rischio di insufficienza epatica",
    "monitorare insufficienza epatica",
    "insufficienza epatica transitoria in shock settico",
    "risico op leverfalen",
    "voorgelicht over leverfalen",
    "leverfalen bij septische shock",
]


@pytest.mark.parametrize("note", LIVER_NOT_CIRRHOSIS)
def test_liver_failure_as_risk_monitoring_or_transient_is_no_cirrhosis(
    tmp_path: Path, note: str
) -> None:
    row = _row(tmp_path, "M", 60, note)
    assert _strength(row, "liver_cirrhosis") == "", (note, row["factor_evidence"])


@pytest.mark.parametrize(
    "note",
    [
        "known chronic hepatic failure",
        "chronisches Leberversagen",
        "insuffisance hépatique",
        "insuficiencia hepática crónica",
        "insufficienza epatica",
        "leverfalen",
        "chronic liver failure; fall risk assessed",
    ],
)
def test_liver_failure_as_the_patients_condition_stays_cirrhosis(tmp_path: Path, note: str) -> None:
    row = _row(tmp_path, "M", 60, note)
    assert _strength(row, "liver_cirrhosis") == "likely", (note, row["factor_evidence"])


# ---------------------------------------------------------- CNS as a tumour grade (finding 7) ---
@pytest.mark.parametrize(
    "note",
    [
        "CNS G4 astrocytoma",
        "astrocytoma, CNS G4",
        "CNS G4",
        "glioblastoma, CNS G4",
        "Astrozytom CNS G3",
        "astrocitoma CNS G4",
        "CNS G2 oligodendroglioom",
        "CNS G3 stadium glioom",
    ],
)
def test_cns_grade_without_kidney_stage_context_is_no_ckd(tmp_path: Path, note: str) -> None:
    row = _row(tmp_path, "M", 60, note)
    assert _strength(row, "renal_impairment") == "", (note, row["factor_evidence"])


@pytest.mark.parametrize(
    ("strength", "note"),
    [
        ("likely", "CNS G4A3, HT, DM2"),
        ("likely", "CNS G4, eGFR 25"),
        ("likely", "CNS stadium 4"),
        ("likely", "CNS st. 4 (NHG)"),
        ("possible", "bekend met CNS G3a A2"),
    ],
)
def test_cns_with_a_kidney_stage_context_stays_ckd(
    tmp_path: Path, strength: str, note: str
) -> None:
    row = _row(tmp_path, "M", 60, note)
    assert _strength(row, "renal_impairment") == strength, (note, row["factor_evidence"])


# ------------------------------------------------------ HD beside a non-schedule (finding 8) ---
@pytest.mark.parametrize(
    "note",
    [
        "HD. Meds: Macrogol, Metformin, Venlafaxin",
        "HD; physio 3 times per week",
        "HD, male, mild and frequent",
        "HD; fisioterapia 3 días/semana",
        "HD, Physiotherapie 3 Tage/Woche",
        "HD; kinésithérapie 3 séances par semaine",
        "HD, fisioterapia 3 volte a settimana",
        "HD; fysiotherapie 3 keer per week",
        "HD: mangia, mele e verdure",
        "HD, Diät, Donuts, Salat",
    ],
)
def test_hd_beside_words_or_a_weekly_activity_is_no_dialysis(tmp_path: Path, note: str) -> None:
    row = _row(tmp_path, "M", 150, note)
    assert _strength(row, "dialysis") == "", (note, row["factor_evidence"])


@pytest.mark.parametrize(
    "note",
    [
        "HD lunes-miércoles-viernes",
        "HD lunedì, mercoledì e venerdì",
        "HD ma-wo-vr",
        "HD Mo., Mi. und Fr.",
        "HD mardi, jeudi et samedi",
        "HD 3 días/semana",
        "HD 3 Tage/Woche",
        "HD 3 keer per week",
    ],
)
def test_hd_with_its_schedule_stays_dialysis(tmp_path: Path, note: str) -> None:
    row = _row(tmp_path, "M", 150, note)
    assert _strength(row, "dialysis") == "likely", (note, row["factor_evidence"])


# ------------------------------------------------------------- 'zw.' as zwischen (finding 9) ---
@pytest.mark.parametrize(
    "note",
    [
        "Schmerzen zw. 2 w",
        "Pijn zw. 2 w",
        "Pijn zw. 2 wk",
        "Kopfschmerzen zw. 3 wk und 4 wk",
        "hoofdpijn zw. 2 weken",
    ],
)
def test_zw_without_pregnancy_context_is_no_pregnancy(tmp_path: Path, note: str) -> None:
    row = _row(tmp_path, "F", 150, note)
    assert row["reference_stratum"] == "default:adult_female", (note, row["reference_stratum"])


@pytest.mark.parametrize(
    "note",
    ["zw. 20 wk", "zw 12+3, G2P1", "zw. 20w", "G2P1, zw. 20 wkn", "zwanger, zw. 20 weken"],
)
def test_zw_with_weeks_and_pregnancy_context_stays_pregnant(tmp_path: Path, note: str) -> None:
    row = _row(tmp_path, "F", 180, note)
    assert row["reference_stratum"].startswith("default:pregnant"), (note, row["reference_stratum"])
