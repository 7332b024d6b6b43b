"""Review 27 (hunt Y): what the lab's export says about a row before any clinical reading.

1. A long (one row per test) export's prolactin in a unit on another scale (pmol/L at ~43.5
   pmol/L per ng/mL, clinical-reference §2.4; nmol/L, ng/dL, mIU/mL) is prolactin: rejected as
   unknown_unit and listed with the urgent results when it converts above the level (contract
   §7), as the wide shape does; never other_test, never a refused file.
2. Quality-control, calibrator and EQA material (a sample-type column, or an id or name such as
   "QC LOW", "IQC-L2", "CAL 1", "PreciControl", "UK NEQAS", "INSTAND") is no patient: rejected as
   quality_control, no result, no urgent line, no --fail-on match (contract §4: rows_read =
   rows_triaged + rows_rejected).  A study's healthy control ("CTRL-01") is a person.
3. The lab's own "hook effect suspected / re-run diluted pending" makes the result provisional
   (clinical-reference §1.4, §7.6): hook_effect_risk and dilution_retest, at least soon, never a
   rested repeat or a macroprolactin screen, in the six languages.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import results_by_patient, run_csv

# --------------------------------------------------------------------------------------------
# 1. a long export's prolactin on another scale
# --------------------------------------------------------------------------------------------
LONG_HEADERS = {
    "de": "Pat-Nr;Geschlecht;Alter;Analyt;Ergebnis;Einheit",
    "en": "Patient ID;Sex;Age;Test;Result;Units",
    "fr": "N° patient;Sexe;Age;Analyse;Résultat;Unité",
    "nl": "Patiëntnummer;Geslacht;Leeftijd;Test;Uitslag;Eenheid",
}
TEST_NAMES = ["Prolaktin", "PRL", "Prolactin", "Prolactine", "Prolactina", "Prolattina"]


@pytest.mark.parametrize("language", sorted(LONG_HEADERS))
@pytest.mark.parametrize("unit", ["pmol/L", "pmol/l", "PMOL/L", "nmol/L"])
def test_long_prolactin_on_another_scale_is_listed_urgent_not_other_test(
    tmp_path: Path, language: str, unit: str
) -> None:
    value = "12000" if unit.lower() == "pmol/l" else "12"  # 12 nmol/L = 12000 pmol/L
    lines = [
        LONG_HEADERS[language],
        "5001;F;40;Prolaktin;300;mIU/L",
        f"5004;F;33;Prolaktin;{value};{unit}",
    ]
    outcome = run_csv(tmp_path, "\n".join(lines) + "\n", fail_on="urgent")
    rejected = {r.source_row: r for r in outcome.rejected}
    assert rejected[3].reason_code == "unknown_unit"
    assert rejected[3].possibly_urgent
    assert "276 ng/mL" in rejected[3].detail
    assert any("5004" in line for line in outcome.urgent)
    assert outcome.exit_code == 10


@pytest.mark.parametrize("name", TEST_NAMES)
def test_a_file_of_only_pmol_lines_is_read_not_refused(tmp_path: Path, name: str) -> None:
    lines = [
        "Pat-Nr;Geschlecht;Alter;Analyt;Ergebnis;Einheit",
        f"5004;W;33;{name};12000;pmol/L",
        f"5005;W;35;{name};1200;pmol/l",
    ]
    outcome = run_csv(tmp_path, "\n".join(lines) + "\n", fail_on="urgent")
    assert not outcome.errors
    reasons = {r.source_row: r.reason_code for r in outcome.rejected}
    assert reasons == {2: "unknown_unit", 3: "unknown_unit"}
    # 1200 pmol/L is ~28 ng/mL: not urgent in any reading, so not listed
    assert [r.possibly_urgent for r in sorted(outcome.rejected, key=lambda r: r.source_row)] == [
        True,
        False,
    ]
    assert outcome.exit_code == 10


def test_context_test_in_pmol_stays_context(tmp_path: Path) -> None:
    """Guard: a free T4 in pmol/L is still the free T4 (only prolactin reads other scales)."""
    lines = [
        "Pat-Nr;Geschlecht;Alter;Auftragsnr;Analyt;Ergebnis;Einheit",
        "5001;W;40;A1;Prolaktin;900;mIU/L",
        "5001;W;40;A1;fT4;15;pmol/L",
    ]
    outcome = run_csv(tmp_path, "\n".join(lines) + "\n")
    assert not outcome.rejected
    assert float(results_by_patient(outcome).loc["5001", "prolactin_ng_ml"]) > 0


# --------------------------------------------------------------------------------------------
# 2. quality-control, calibrator and EQA material
# --------------------------------------------------------------------------------------------
SAMPLE_TYPE_HEADERS = [
    "Sample type",
    "Probenart",
    "Type d'échantillon",
    "Tipo de muestra",
    "Tipo di campione",
    "Monstertype",
]
MATERIAL_TYPES = [
    "QC",
    "Control",
    "Calibrator",
    "EQA",
    "Kontrolle",
    "Kalibrator",
    "Ringversuch",
    "Contrôle",
    "Calibrateur",
    "Control de calidad",
    "Calibrador",
    "Controllo",
    "Calibratore",
    "Controle",
    "Kwaliteitscontrole",
]
FOLLOW_UP_WORDS = {"Control", "Kontrolle", "Contrôle", "Controllo", "Controle"}


@pytest.mark.parametrize("header", SAMPLE_TYPE_HEADERS)
@pytest.mark.parametrize("kind", MATERIAL_TYPES)
def test_sample_type_names_control_material(tmp_path: Path, header: str, kind: str) -> None:
    # a bare "Control" word is material only on a row without patient details: beside a
    # patient id it is a follow-up sample (review 27 mend C, tests/test_review27_mends_C.py)
    identity = "" if kind in FOLLOW_UP_WORDS else "Lot 12345 L2"
    text = (
        f"Sample ID,{header},Patient ID,Sex,Method,PRL,Units\n"
        "S01,Patient,4711,F,Roche Elecsys,300,mIU/L\n"
        f"S02,{kind},{identity},,Roche Elecsys,6150,mIU/L\n"
    )
    outcome = run_csv(tmp_path, text, fail_on="soon")
    rejected = {r.source_row: r for r in outcome.rejected}
    assert rejected[3].reason_code == "quality_control"
    assert not rejected[3].possibly_urgent
    assert list(results_by_patient(outcome).index) == ["4711"]
    assert outcome.urgent == []
    assert outcome.fail_on_matches == 0 and outcome.exit_code == 0


@pytest.mark.parametrize(
    "identity",
    [
        "QC LOW",
        "QC",
        "IQC-L2",
        "QC_2",
        "CAL 1",
        "Cal-2",
        "Kal 3",
        "EQA sample UKNEQAS",
        "UK NEQAS 512B",
        "PreciControl Multimarker 2",
        "Liquichek Immunoassay Plus L2",
        "Lyphochek Immunoassay Plus 1",
        "WEQAS PRL 2026-11",
        "RINGVERSUCH INSTAND",
        "INSTAND 2026/3 Probe 2",
        "RfB Ringversuch HM 3",
        "Qualitätskontrolle 1",
        "Qualitaetskontrolle 2",
        "Contrôle qualité niveau 2",
        "Control de calidad nivel 1",
        "Controllo qualità livello 3",
        "Kwaliteitscontrole 2",
    ],
)
@pytest.mark.parametrize("shape", ["wide", "long"])
def test_control_material_by_its_id_or_name(tmp_path: Path, identity: str, shape: str) -> None:
    if shape == "wide":
        text = (
            f'Patient ID,Sex,Age,Prolactin,Unit\nP001,F,40,650,mIU/L\n"{identity}",,,6200,mIU/L\n'
        )
    else:
        text = (
            "Auftragsnr;Pat-Nr;Geschlecht;Alter;Analyt;Ergebnis;Einheit;Bemerkung\n"
            "B1;P001;W;40;Prolaktin;650;mIU/L;\n"
            f"B5;{identity};;;Prolaktin;6200;mIU/L;Kontrolle Level 3\n"
        )
    outcome = run_csv(tmp_path, text, fail_on="urgent")
    rejected = {r.source_row: r for r in outcome.rejected}
    assert rejected[3].reason_code == "quality_control"
    assert "quality-control" in rejected[3].detail
    assert list(results_by_patient(outcome).index) == ["P001"]
    assert outcome.urgent == []
    assert outcome.fail_on_matches == 0 and outcome.exit_code == 0
    summary = outcome.inputs[0]
    assert summary.rows_read == summary.rows_triaged + summary.rows_rejected


@pytest.mark.parametrize(
    "person", ["CTRL-01", "Control 3", "Cal Smith", "Calvin", "4711", "QCX12", "Kalinowski"]
)
def test_a_person_is_not_control_material(tmp_path: Path, person: str) -> None:
    """Guard: a study's healthy control and names that start like a code are people."""
    text = f'Patient ID,Sex,Age,Prolactin,Unit\n"{person}",F,40,6200,mIU/L\n'
    outcome = run_csv(tmp_path, text)
    assert not outcome.rejected
    assert outcome.results is not None
    # (a name, "Cal Smith", is read as the patient's name since review 28, not as the id)
    assert outcome.results["priority"].tolist() == ["urgent"]


def test_patient_sample_type_is_triaged(tmp_path: Path) -> None:
    """Guard: a sample-type column of patients, serum and plasma rejects nothing."""
    text = (
        "Sample ID,Sample type,Patient ID,Sex,PRL,Units\n"
        "S1,Patient,4711,F,300,mIU/L\nS2,Serum,4712,F,320,mIU/L\nS3,Plasma,4713,M,200,mIU/L\n"
    )
    outcome = run_csv(tmp_path, text)
    assert not outcome.rejected
    assert sorted(results_by_patient(outcome).index) == ["4711", "4712", "4713"]


# --------------------------------------------------------------------------------------------
# 3. the lab's own hook-effect doubt
# --------------------------------------------------------------------------------------------
HOOK_NOTES = [
    "hook effect suspected - re-run at 1:100 pending",
    "hook effect suspected - re-run diluted",
    "suspected high-dose hook effect",
    "prozone effect suspected; dilution to follow",
    "re-assay at 1:100 dilution pending",
    "V.a. High-Dose-Hook-Effekt; Verdünnung 1:100 folgt",
    "V.a. Hook-Effekt! Probe wird verdünnt nachgemessen",
    "Hook-Effekt nicht ausgeschlossen - Nachmessung verdünnt folgt",
    "Verdacht auf Hook-Effekt",
    "effet crochet suspecté, dilution 1/100 en cours",
    "suspicion d'effet crochet",
    "sospecha de efecto gancho, dilución pendiente",
    "posible efecto gancho",
    "sospetto effetto hook, diluizione in corso",
    "effetto gancio non escluso",
    "verdenking op hook-effect, verdunning volgt",
    "hook-effect niet uitgesloten",
]


@pytest.mark.parametrize("note", HOOK_NOTES)
@pytest.mark.parametrize(
    ("value", "unit"), [("12.0", "ng/mL"), ("35.0", "ng/mL"), ("250", "mIU/L")]
)
def test_lab_hook_doubt_makes_the_result_provisional(
    tmp_path: Path, note: str, value: str, unit: str
) -> None:
    text = (
        "Patient ID,Sex,Age,Method,Prolactin,Unit,Comment\n"
        f'H1,F,35,Roche cobas,{value},{unit},"{note}"\n'
    )
    row = results_by_patient(run_csv(tmp_path, text)).loc["H1"]
    suggestions = str(row["suggestions"]).split(";")
    assert "hook_effect_risk" in suggestions
    assert "dilution_retest" in suggestions
    assert "repeat_rested_sample" not in suggestions
    assert "macroprolactin_screen" not in suggestions
    assert row["priority"] in ("soon", "urgent")


def test_lab_hook_doubt_in_a_long_comment_line(tmp_path: Path) -> None:
    text = (
        "Auftragsnr;Pat-Nr;Geschlecht;Alter;Entnahme;Analyt;Ergebnis;Einheit;Bemerkung\n"
        "D1;7001;M;55;20.11.2026 08:15;Prolaktin;290;mIU/L;"
        "Hook-Effekt nicht ausgeschlossen - Nachmessung verdünnt folgt\n"
    )
    row = results_by_patient(run_csv(tmp_path, text)).loc["7001"]
    assert {"hook_effect_risk", "dilution_retest"} <= set(str(row["suggestions"]).split(";"))
    assert row["priority"] == "soon"


@pytest.mark.parametrize(
    "note",
    [
        "hook effect excluded",
        "kein Hook-Effekt",
        "Hook-Effekt ausgeschlossen (Verdünnung durchgeführt)",
        "pas d'effet crochet",
        "sin efecto gancho",
        "nessun effetto hook",
        "geen hook-effect",
        "no hook effect suspected",
        "",
    ],
)
def test_no_hook_doubt_leaves_a_normal_result_alone(tmp_path: Path, note: str) -> None:
    """Guard: the hook effect excluded, or no note, is no provisional result."""
    text = f'Patient ID,Sex,Age,Prolactin,Unit,Comment\nH1,F,35,12.0,ng/mL,"{note}"\n'
    row = results_by_patient(run_csv(tmp_path, text)).loc["H1"]
    assert row["priority"] == "none"
    assert "hook_effect_risk" not in str(row["suggestions"])
