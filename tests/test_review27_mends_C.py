"""Review 27 mend C (findings R1, R3 of review C): a patient's follow-up sample is no
quality-control material.

1. A sample-type cell of a bare "Control" / "Kontrolle" / "Contrôle" / "Controle" / "Controllo"
   (a follow-up or check sample in everyday use), or a compound ("Verlaufskontrolle",
   "Kontrollmessung", "controle afname"), on a row with patient details (a patient id that is no
   QC word, a sex, an age, a birth date, a name) is triaged, and its urgent result listed.
2. A surname equal to an EQA scheme name ("Instand", "Weqas") in a name column, beside a numeric
   patient id, a sex and an age, is a person.
3. Guards: unambiguous QC words (QC, EQA, Calibrator, Qualitätskontrolle, contrôle qualité …)
   still reject a row with patient details; a bare "Control" on a row without any patient
   detail is still material; QC ids and product names are still material.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import results_by_patient, run_csv

# a header line per language: patient id, sex, age, sample type, prolactin (ng/mL)
HEADERS = {
    "de": "Patienten-Nr.;Geschlecht;Alter;Probenart;Prolaktin (ng/ml)",
    "en": "Patient ID;Sex;Age;Sample type;Prolactin (ng/mL)",
    "es": "NHC;Sexo;Edad;Tipo de muestra;Prolactina (ng/mL)",
    "fr": "N° patient;Sexe;Age;Type d'échantillon;Prolactine (ng/mL)",
    "it": "Codice paziente;Sesso;Età;Tipo di campione;Prolattina (ng/mL)",
    "nl": "Patiëntnummer;Geslacht;Leeftijd;Monstertype;Prolactine (ng/mL)",
}
FEMALE = {"de": "W", "en": "F", "es": "M", "fr": "F", "it": "F", "nl": "V"}
FOLLOW_UP = [
    "Control",
    "control",
    "Control 2",
    "Kontrolle",
    "Kontrollprobe",
    "Verlaufskontrolle",
    "Kontrollmessung",
    "Contrôle",
    "Controle",
    "controle afname",
    "Controllo",
]


@pytest.mark.parametrize("language", sorted(HEADERS))
@pytest.mark.parametrize("kind", FOLLOW_UP)
def test_a_follow_up_sample_of_a_patient_is_triaged(
    tmp_path: Path, language: str, kind: str
) -> None:
    sex = FEMALE[language]
    text = f"{HEADERS[language]}\nH55001;{sex};34;{kind};300\nH55002;{sex};35;Serum;40\n"
    outcome = run_csv(tmp_path, text, fail_on="urgent")
    assert not [r for r in outcome.rejected if r.reason_code == "quality_control"]
    results = results_by_patient(outcome)
    assert results.loc["H55001", "priority"] == "urgent"
    assert any("H55001" in line for line in outcome.urgent)
    assert outcome.exit_code == 10


@pytest.mark.parametrize(
    "detail",
    ["id", "sex", "age", "name", "birth"],
)
@pytest.mark.parametrize("kind", ["Control", "Kontrolle", "Contrôle", "Controle", "Controllo"])
def test_any_patient_detail_makes_a_control_row_a_patient(
    tmp_path: Path, detail: str, kind: str
) -> None:
    """One patient detail alone is enough: the row is a patient's follow-up sample."""
    cells = {"id": "", "sex": "", "age": "", "name": "", "birth": ""}
    cells[detail] = {
        "id": "100234",
        "sex": "F",
        "age": "40",
        "name": "Muster, Anna",
        "birth": "1986-03-02",
    }[detail]
    text = (
        "Patient ID,Name,Sex,Age,Date of birth,Sample type,Prolactin,Unit\n"
        f"P1,Roe Jane,F,41,1985-01-01,Serum,300,mIU/L\n"
        f"{cells['id']},{cells['name']},{cells['sex']},{cells['age']},{cells['birth']},"
        f"{kind},6200,mIU/L\n"
    )
    outcome = run_csv(tmp_path, text)
    assert not [r for r in outcome.rejected if r.reason_code == "quality_control"]


@pytest.mark.parametrize("surname", ["Instand", "Weqas", "Skml"])
@pytest.mark.parametrize(
    "header",
    [
        "Patienten-Nr.;Name;Geschlecht;Alter;Probenart;Prolaktin (ng/ml)",
        "Patient ID;Patient name;Sex;Age;Sample type;Prolactin (ng/mL)",
        "NHC;Nombre;Sexo;Edad;Tipo de muestra;Prolactina (ng/mL)",
        "Patiëntnummer;Naam;Geslacht;Leeftijd;Monstertype;Prolactine (ng/mL)",
    ],
)
def test_a_scheme_surname_of_a_patient_is_a_person(
    tmp_path: Path, surname: str, header: str
) -> None:
    text = f"{header}\n100236;{surname}, Peter;M;50;Serum;300\n100235;Calabrese, Anna;F;41;;60\n"
    outcome = run_csv(tmp_path, text)
    assert not [r for r in outcome.rejected if r.reason_code == "quality_control"]
    assert results_by_patient(outcome).loc["100236", "priority"] == "urgent"


@pytest.mark.parametrize("language", sorted(HEADERS))
@pytest.mark.parametrize(
    "kind",
    [
        "QC",
        "IQC",
        "EQA",
        "QK",
        "Calibrator",
        "Kalibrator",
        "Calibrateur",
        "Ringversuch",
        "Qualitätskontrolle",
        "Contrôle qualité",
        "Controllo qualità",
        "Kwaliteitscontrole",
        "Control de calidad",
        "Control material",
        "PreciControl",
        "UK NEQAS",
    ],
)
def test_unambiguous_qc_words_still_reject_a_row_with_details(
    tmp_path: Path, language: str, kind: str
) -> None:
    """Guard: the unambiguous words keep rejecting, whatever else the row holds."""
    sex = FEMALE[language]
    text = f"{HEADERS[language]}\nH55001;{sex};34;{kind};300\nH55002;{sex};35;Serum;40\n"
    outcome = run_csv(tmp_path, text, fail_on="urgent")
    assert [r.reason_code for r in outcome.rejected] == ["quality_control"]
    assert outcome.urgent == []
    assert list(results_by_patient(outcome).index) == ["H55002"]


@pytest.mark.parametrize("kind", ["Control", "Kontrolle", "Contrôle", "Controle", "Controllo"])
@pytest.mark.parametrize("identity", ["", "QC LOW", "PreciControl Multimarker 2", "CAL 2"])
def test_a_bare_control_word_without_patient_details_is_material(
    tmp_path: Path, kind: str, identity: str
) -> None:
    """Guard: no patient id (or a QC one), no sex, no age: material, never triaged."""
    text = (
        "Sample ID,Sample type,Patient ID,Sex,Age,PRL,Units\n"
        "S01,Patient,4711,F,40,300,mIU/L\n"
        f"S02,{kind},{identity},,,6150,mIU/L\n"
    )
    outcome = run_csv(tmp_path, text, fail_on="urgent")
    rejected = {r.source_row: r for r in outcome.rejected}
    assert rejected[3].reason_code == "quality_control"
    assert outcome.urgent == []
    assert list(results_by_patient(outcome).index) == ["4711"]
