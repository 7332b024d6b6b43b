"""Review 14: a drug is a factor only when it was taken at the sample.

* a drug started after the sample, or a pre-treatment baseline ("baseline prolactin before
  risperidone"), is no factor (clinical-reference §1.4, §2.1);
* a stop only planned ("due to be stopped", "soll abgesetzt werden") leaves the drug taken;
* a recent stop written as a duration ("abgesetzt seit 2 Tagen", "off risperidone for 2 days")
  or a date without its year ("abgesetzt am 18.11.") is within the withdrawal days: still
  acting;
* FHIR: the MedicationStatements in effect at the Observation's time, not today.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pipeline_helpers import triage_csv

from triage.pipeline import TriageRequest, run_triage

HEADER = "Patient ID,Sex,DOB,Collected,Prolactin,Unit,Medication,Clinical notes\n"
DRUG = "medication:antipsychotic"


def _row(tmp_path: Path, medication: str, notes: str = "", value: int = 60) -> pd.Series:
    text = HEADER + f'P1,F,1990-03-01,2026-11-20,{value},ng/mL,"{medication}","{notes}"\n'
    return triage_csv(tmp_path, text).iloc[0]


def _factors(tmp_path: Path, medication: str, notes: str = "", value: int = 60) -> str:
    return str(_row(tmp_path, medication, notes, value)["factors"])


# ---------------------------------------------------------------------------------------------
# FHIR: statements in effect at the Observation's time
# ---------------------------------------------------------------------------------------------


def _bundle(path: Path, status: str, period: dict[str, str] | None) -> Path:
    statement: dict[str, Any] = {
        "resourceType": "MedicationStatement",
        "id": "m1",
        "status": status,
        "medicationCodeableConcept": {"text": "Risperidone 2 mg daily"},
        "subject": {"reference": "urn:uuid:p1"},
    }
    if period is not None:
        statement["effectivePeriod"] = period
    entries = [
        {
            "fullUrl": "urn:uuid:p1",
            "resource": {
                "resourceType": "Patient",
                "id": "p1",
                "identifier": [{"system": "urn:x", "value": "F1"}],
                "gender": "female",
                "birthDate": "1990-04-12",
            },
        },
        {
            "fullUrl": "urn:uuid:o1",
            "resource": {
                "resourceType": "Observation",
                "id": "o1",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "2842-3"}]},
                "subject": {"reference": "urn:uuid:p1"},
                "effectiveDateTime": "2026-01-10T08:30:00+01:00",
                "valueQuantity": {"value": 80, "unit": "ng/mL"},
                "specimen": {"identifier": {"value": "S1"}},
            },
        },
        {"fullUrl": "urn:uuid:m1", "resource": statement},
    ]
    path.write_text(json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries}))
    return path


@pytest.mark.parametrize(
    ("status", "period", "taken"),
    [
        # started after the sample (a baseline): not taken then, though active now
        ("active", {"start": "2026-02-01"}, False),
        # stopped since, but its period covered the sample: taken then
        ("stopped", {"start": "2025-06-01", "end": "2026-06-01"}, True),
        ("completed", {"start": "2025-06-01", "end": "2026-06-01"}, True),
        ("active", {"start": "2025-06-01", "end": "2026-06-01"}, True),
        # ended before the sample: not taken then
        ("active", {"start": "2025-06-01", "end": "2025-12-01"}, False),
        ("stopped", {"start": "2025-06-01", "end": "2025-12-01"}, False),
        # never taken, whatever the period
        ("entered-in-error", {"start": "2025-06-01", "end": "2026-06-01"}, False),
        # no period: read by its status, as before
        ("active", None, True),
        ("stopped", None, False),
    ],
)
def test_fhir_statements_are_taken_as_they_stood_at_the_sample(
    tmp_path: Path, status: str, period: dict[str, str] | None, taken: bool
) -> None:
    """The statement's period was compared with today: a drug started after the sample gave a
    false drug factor, one stopped after the sample was dropped ("not given: medications")."""
    path = _bundle(tmp_path / "b.json", status, period)
    results = run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True)
    ).results
    assert (DRUG in str(results.iloc[0]["factors"])) is taken
