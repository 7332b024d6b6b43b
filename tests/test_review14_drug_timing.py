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


# ---------------------------------------------------------------------------------------------
# 1. Not yet taken at the sample: a start after it, a pre-treatment baseline
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "notes",
    [
        "Baseline-Prolaktin vor Risperdal-Eindosierung",  # de
        "Basiswert vor Neuroleptika-Einstellung",
        "baseline prolactin before risperidone",  # en
        "prolactin before risperidone initiation",
        "bilan pré-thérapeutique avant rispéridone",  # fr
        "valor basal antes de risperidona",  # es
        "valor basal antes del haloperidol",
        "valore basale prima di risperidone",  # it
        "valore basale prima del risperidone",
        "uitgangswaarde voor risperidon",  # nl
    ],
)
def test_a_baseline_before_the_drug_is_no_drug_factor(tmp_path: Path, notes: str) -> None:
    """A pre-treatment baseline gave routine and a likely drug factor, dropping the
    macroprolactin screen, the imaging and the referral (clinical-reference §1.4, §2.1)."""
    row = _row(tmp_path, "", notes, value=80)
    assert DRUG not in str(row["factors"])
    assert "macroprolactin_screen" in str(row["suggestions"])
    assert row["priority"] == "soon"


@pytest.mark.parametrize(
    "notes", ["Galaktorrhoe schon vor Risperdal", "galactorrhoea even before risperidone"]
)
def test_a_symptom_before_the_drug_leaves_it_taken(tmp_path: Path, notes: str) -> None:
    """ "before" alone (no baseline, no start after the drug) says nothing of the sample."""
    assert DRUG in _factors(tmp_path, "Risperdal 2 mg", notes)


@pytest.mark.parametrize(
    "medication",
    [
        "started risperidone on 2026-12-01",  # en
        "risperidone started 25 Nov 2026",
        "started risperidone 2 mg on 2026-12-01",
        "Risperdal since December 2026",
        "Risperdal (Beginn 12/2026)",  # de
        "Beginn Risperdal am 01.12.2026",
        "rispéridone débutée en décembre 2026",  # fr
        "risperidona desde diciembre 2026",  # es
        "risperidone iniziato il 3 dicembre 2026",  # it
        "risperidon gestart december 2026",  # nl
    ],
)
def test_a_drug_started_after_the_sample_is_no_factor(tmp_path: Path, medication: str) -> None:
    """The sample is of 20.11.2026: a start later than it is no factor."""
    row = _row(tmp_path, medication)
    assert DRUG not in str(row["factors"])
    assert "macroprolactin_screen" in str(row["suggestions"])


@pytest.mark.parametrize(
    "medication",
    [
        "started risperidone on 2026-11-01",
        "started risperidone 2 mg on 2026-10-01",
        "Risperdal seit November 2026",  # the sample's own month: maybe before it
        "Risperdal (Beginn 11/2026)",
        "Risperdal seit 12/2025",
        "Risperdal since 2020",
        "risperidona desde noviembre 2026",
        "Risperdal seit 25.11.",  # no year: the year before the sample
    ],
)
def test_a_drug_started_before_or_at_the_sample_stays_a_factor(
    tmp_path: Path, medication: str
) -> None:
    assert DRUG in _factors(tmp_path, medication)


# ---------------------------------------------------------------------------------------------
# 2. A stop only planned: still taken
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("medication", "notes"),
    [
        ("Risperdal 2mg due to be stopped", ""),  # en
        ("risperidone 2 mg to be stopped", ""),
        ("plan to stop risperidone and recheck prolactin", ""),
        ("will stop risperidone next week", ""),
        ("discontinuation of risperidone planned", ""),
        ("Risperdal 2 mg 1-0-1 - soll abgesetzt werden", ""),  # de
        ("", "Risperdal soll abgesetzt werden"),
        ("Absetzen von Risperdal geplant", ""),
        ("Solian 200 mg arrêt prévu", ""),  # fr
        ("Solian sera arrêté", ""),
        ("arrêt de la rispéridone prévu", ""),
        ("risperidona será suspendida", ""),  # es
        ("suspensión de risperidona programada", ""),
        ("risperidone sarà sospeso", ""),  # it
        ("sospensione del risperidone prevista", ""),
        ("risperidon 2 mg wordt gestopt", ""),  # nl
        ("stoppen met risperidon gepland", ""),
    ],
)
def test_a_planned_stop_leaves_the_drug_taken(tmp_path: Path, medication: str, notes: str) -> None:
    """A planned stop was read as done: no drug factor, no medication review."""
    row = _row(tmp_path, medication, notes)
    assert DRUG in str(row["factors"])
    assert "medication_review" in str(row["suggestions"])


@pytest.mark.parametrize(
    "medication",
    [
        "Risperdal abgesetzt",
        "risperidone stopped",
        "Solian arrêté",
        "risperidon gestopt",
        "kein Risperdal geplant",
        "no risperidone planned",
        "stopped risperidone, switch to aripiprazole planned",
    ],
)
def test_a_stop_done_stays_a_stop(tmp_path: Path, medication: str) -> None:
    """A stop done, or no drug planned ("kein Risperdal geplant"), is still not taken."""
    assert DRUG not in _factors(tmp_path, medication)


# ---------------------------------------------------------------------------------------------
# 3. A recent stop written as a duration or a date without its year: still acting
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("medication", "factor"),
    [
        ("Risperdal abgesetzt seit 2 Tagen", DRUG),  # de
        ("Risperdal seit 2 Tagen abgesetzt", DRUG),
        ("Risperdal seit 48 Stunden abgesetzt", DRUG),
        ("Risperdal abgesetzt am 18.11.", DRUG),
        ("MCP abgesetzt 19.11.", "medication:antiemetic_prokinetic"),
        ("Solian arrêté depuis 2 jours", DRUG),  # fr
        ("risperidona suspendida desde hace 2 días", DRUG),  # es
        ("risperidone sospeso da 2 giorni", DRUG),  # it
        ("risperidon sinds 2 dagen gestopt", DRUG),  # nl
        ("off risperidone for 2 days", DRUG),  # en
        ("risperidone stopped for 2 days", DRUG),
    ],
)
def test_a_stop_within_the_withdrawal_days_still_acts(
    tmp_path: Path, medication: str, factor: str
) -> None:
    """The sample is of 20.11.2026; drug_withdrawal_retest_days is 3."""
    assert factor in _factors(tmp_path, medication)


@pytest.mark.parametrize(
    "medication",
    [
        "Risperdal abgesetzt seit 2 Jahren",
        "Risperdal seit 3 Monaten abgesetzt",
        "Solian arrêté depuis 6 mois",
        "risperidona suspendida desde hace 2 años",
        "risperidone sospeso da 3 mesi",
        "risperidon sinds 2 jaar gestopt",
        "off risperidone for 6 months",
        "Risperdal abgesetzt am 10.11.",
        "Risperdal abgesetzt am 25.11.",  # no year: the year before the sample
    ],
)
def test_an_older_stop_stays_a_stop(tmp_path: Path, medication: str) -> None:
    assert DRUG not in _factors(tmp_path, medication)
