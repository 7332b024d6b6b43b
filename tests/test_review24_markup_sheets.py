"""Review 24 (hunt A), lab-inbox file shapes.

- D7: common French, Spanish, Italian, Dutch and German patient-identifier headers are read as
  the patient id (contract §2: headers may be "any common synonym"), so an urgent result names
  its patient (contract §7).
- D6: LIS "Excel" exports that are HTML tables or SpreadsheetML 2003 XML are read as sheets
  (contract §1 lists xls as an input).

Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage


def _run(tmp_path: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> TriageOutcome:
    path = tmp_path / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding=encoding)
    return run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True, fail_on="urgent")
    )


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results


@pytest.mark.parametrize(
    ("header", "rest"),
    [
        ("Identifiant", "Sexe;Date de naissance;Prolactine (mUI/L)"),
        ("Identifiant patient", "Sexe;Âge;Prolactine (mUI/L)"),
        ("N° identification", "Sexe;Âge;Prolactine (mUI/L)"),
        ("Réf. patient", "Sexe;Âge;Prolactine (mUI/L)"),
        ("Identificación", "Sexo;Edad;Prolactina (mUI/L)"),
        ("Identificador", "Sexo;Edad;Prolactina (mUI/L)"),
        ("Identificativo paziente", "Sesso;Età;Prolattina (mUI/L)"),
        ("Identificatienummer", "Geslacht;Leeftijd;Prolactine (mIE/L)"),
        ("Kennung", "Geschlecht;Alter;Prolaktin (mIU/l)"),
        ("ID-Nr.", "Geschlecht;Alter;Prolaktin (mIU/l)"),
        ("Identifikationsnummer", "Geschlecht;Alter;Prolaktin (mIU/l)"),
    ],
)
def test_identifier_headers_in_five_languages_name_the_patient(
    tmp_path: Path, header: str, rest: str
) -> None:
    birth_or_age = "01/01/1996" if "naissance" in rest else "30"
    text = f"{header};{rest}\nX0042;F;{birth_or_age};5600\nX0043;M;{birth_or_age};200\n"
    outcome = _run(tmp_path, "ids.csv", text)
    results = _results(outcome)
    assert list(results["patient_id"]) == ["X0042", "X0043"]
    assert results.loc[results["patient_id"] == "X0042", "priority"].iloc[0] == "urgent"
