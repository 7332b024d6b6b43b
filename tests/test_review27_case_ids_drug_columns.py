"""Review 27 (hunters Z and W): ward and pharmacy exports name their columns as hospital
information systems and pharmacists do.

- A hospital's case, admission, stay or resident number ("Fallnr", "Aufnahmenummer",
  "Bewohner-Nr.", "Opnamenummer", "Numero nosologico", "Encounter ID") is the only patient id
  many ward exports carry: the urgent line names the patient (contract §2: any common synonym;
  §7: an urgent result is attributable), as "N° de séjour" and "Fallnummer" already were.
- A pharmacy reconciliation's active-ingredient columns ("Wirkstoff 1..n", "Präparat 1",
  "Geneesmiddel 1", "Principio attivo 1", "Wirkstoffe", "DCI", "Substance active") are the
  drugs taken: metoclopramide and risperidone there are likely causes and reviewed before any
  imaging (clinical-reference §1.1 rec. 1.4, §3.1), not lost behind a warning.
- The UK buprenorphine patch brands (Butec, Reletrans, Sevodyne, Hapoctasin, Bupeaze, Panitaz,
  Rebrikel) and dihydrocodeine's DF118 and Paramol are opioids (clinical-reference §3.1).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.pipeline import TriageRequest, run_triage


def _results(tmp_path: Path, text: str) -> pd.DataFrame:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    return outcome.results


@pytest.mark.parametrize(
    "header",
    [
        "Fallnr",
        "FALLNR",
        "Fallnr.",
        "Fall-ID",
        "Aufnahmenummer",
        "Aufnahme-Nr.",
        "Bewohner-Nr.",
        "Bewohnernummer",
        "Opnamenummer",
        "Opnamenr.",
        "Numero nosologico",
        "Nosologico",
        "Numero di ricovero",
        "N. ricovero",
        "Encounter ID",
        "Admission number",
    ],
)
def test_case_and_stay_numbers_name_the_patient(tmp_path: Path, header: str) -> None:
    # a 94-year-old woman at 310 ng/mL: urgent, and the urgent result must say whose it is
    text = (
        f"{header};Geschlecht;Alter;Abnahme;Prolaktin (ng/ml)\n"
        "4711003;W;94;03.11.2026;310\n"
        "4711004;M;88;03.11.2026;12\n"
    )
    results = _results(tmp_path, text)
    assert results["patient_id"].tolist() == ["4711003", "4711004"]
    assert results.loc[0, "priority"] == "urgent"
    urgent = (tmp_path / "out" / "urgent.txt").read_text(encoding="utf-8")
    assert "4711003" in urgent


@pytest.mark.parametrize(
    ("headers", "language"),
    [
        (("Wirkstoff 1", "Wirkstoff 2", "Wirkstoff 3"), "de"),
        (("Präparat 1", "Präparat 2", "Präparat 3"), "de"),
        (("Geneesmiddel 1", "Geneesmiddel 2", "Geneesmiddel 3"), "nl"),
        (("Principio attivo 1", "Principio attivo 2", "Principio attivo 3"), "it"),
        (("Substance active 1", "Substance active 2", "Substance active 3"), "fr"),
        (("Active ingredient 1", "Active ingredient 2", "Active ingredient 3"), "en"),
    ],
)
def test_numbered_active_ingredient_columns_are_the_drugs(
    tmp_path: Path, headers: tuple[str, str, str], language: str
) -> None:
    text = (
        "Pat-Nr;Geschlecht;Alter;Prolaktin (ng/ml);" + ";".join(headers) + "\n"
        "A1;W;90;60;Ramipril 5 mg;Pantoprazol 20 mg;Metoclopramid 10 mg 1-1-1\n"
        "A2;M;88;40;Risperidon 0,5 mg 0-0-1;;\n"
        "A3;W;85;60;Ramipril 5 mg;;\n"
    )
    results = _results(tmp_path, text).set_index("patient_id")
    assert results.loc["A1", "factors"] == "medication:antiemetic_prokinetic"
    assert results.loc["A2", "factors"] == "medication:antipsychotic"
    assert "medication_review" in results.loc["A1", "suggestions"]
    # a drug column of blood-pressure drugs explains nothing (the guard)
    assert results.loc["A3", "factors"] == "unexplained"


@pytest.mark.parametrize(
    "header",
    [
        "Wirkstoffe",
        "Wirkstoff",
        "DCI",
        "Principio attivo",
        "Principi attivi",
        "Werkzame stoffen",
        "Substances actives",
        "Principios activos",
        "Active ingredients",
    ],
)
def test_active_ingredient_list_column_is_the_drugs(tmp_path: Path, header: str) -> None:
    text = (
        f"Pat-Nr;Geschlecht;Alter;Prolaktin (ng/ml);{header}\n"
        "B1;W;80;60;Metoclopramid 10 mg 1-1-1, Ramipril 5 mg\n"
        "B2;M;82;40;Risperidon 0,5 mg 0-0-1\n"
    )
    results = _results(tmp_path, text).set_index("patient_id")
    assert results.loc["B1", "factors"] == "medication:antiemetic_prokinetic"
    assert results.loc["B2", "factors"] == "medication:antipsychotic"


@pytest.mark.parametrize(
    "cell",
    [
        "Butec 10 patch",
        "Reletrans 5 micrograms/hour",
        "Sevodyne 10",
        "Hapoctasin 35",
        "Bupeaze 20 patch",
        "Panitaz 5",
        "Rebrikel 10",
        "DF118 Forte 40mg",
        "DF 118 30mg",
        "Paramol 2 tabs qds",
    ],
)
def test_uk_opioid_brands_are_opioids(tmp_path: Path, cell: str) -> None:
    text = (
        "NHS Number,Sex,Age,Prolactin (mIU/L),Ref Range,Repeat medication\n"
        f'9434765919,F,36,900,102-496,"{cell}"\n'
        '9434765920,F,36,900,102-496,"Amlodipine 5mg"\n'
    )
    results = _results(tmp_path, text)
    assert results["factors"].tolist() == ["medication:opioid", "unexplained"]


@pytest.mark.parametrize("cell", ["haloperidolo 2 mg", "Haloperidolo gtt 10", "aloperidolo 1 mg"])
def test_italian_haloperidol_spellings_are_haloperidol(tmp_path: Path, cell: str) -> None:
    # "haloperidolo", the Italian name with the English h (as notes and some charts write it)
    text = f"ID;Sesso;Eta;Prolattina (ng/ml);Terapia\nI1;F;40;60;{cell}\nI2;F;40;60;ramipril\n"
    results = _results(tmp_path, text)
    assert results["factors"].tolist() == ["medication:antipsychotic", "unexplained"]
