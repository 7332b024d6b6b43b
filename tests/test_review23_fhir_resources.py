"""Review 23 (hunt F): FHIR context outside MedicationStatement / Condition, FHIR drug times,
and HL7 / FHIR files told by their content, not their name.

1. A ServiceRequest's reasonCode, note and supportingInfo (FHIR's OBR-13 / OBR-31), a
   Procedure (dialysis), a ClinicalImpression or a DiagnosticReport's conclusion, a
   MedicationAdministration and a MedicationDispense were only counted as "resources not
   used": a visual field defect was lost (urgent became "soon, unexplained"), dialysis and
   metoclopramide too (contract §7; clinical-reference §0, §8).
2. A drug's time was read from effectivePeriod only: a drug prescribed (authoredOn), started
   (boundsPeriod, effectiveDateTime), valid (validityPeriod) or handed over after the sample
   explained it (docs/output-contract-extensions.md, "FHIR input": a period starting after the
   sample is left out).
3. A file whose first segment is MSH, FHS or BHS is HL7 whatever its name (extensions, "HL7 v2
   input"): .oru, .msg, .dat, .out, no extension, a FHIR Bundle as .fhir, FHIR Bulk Data
   NDJSON, were refused by their name, and a folder run skipped them with exit 0.

Synthetic patients only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage

SUBJECT = {"subject": {"reference": "Patient/p1"}}
SAMPLE = "2026-03-01T08:30:00+01:00"


def _bundle(*resources: dict[str, Any], value: float = 70, sex: str = "female") -> str:
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"value": "FR23"}],
        "gender": sex,
        "birthDate": "1990-01-01",
    }
    observation = {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "2842-3"}]},
        **SUBJECT,
        "effectiveDateTime": SAMPLE,
        "valueQuantity": {
            "value": value,
            "unit": "ng/mL",
            "system": "http://unitsofmeasure.org",
            "code": "ng/mL",
        },
    }
    entries = [{"resource": patient}, {"resource": observation}]
    entries += [{"resource": r} for r in resources]
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})


def _run(tmp_path: Path, text: str, name: str = "in.json") -> TriageOutcome:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _one(outcome: TriageOutcome) -> pd.Series:
    assert outcome.results is not None and len(outcome.results) == 1, outcome.errors
    return outcome.results.iloc[0]


def _warnings(outcome: TriageOutcome) -> str:
    return " | ".join(w for summary in outcome.inputs for w in summary.warnings)


# -- 1. context held in other resources -----------------------------------------------------


@pytest.mark.parametrize(
    "resource",
    [
        {  # the referrer's reason for the order
            "resourceType": "ServiceRequest",
            "status": "completed",
            "intent": "order",
            "code": {"coding": [{"system": "http://loinc.org", "code": "2842-3"}]},
            "authoredOn": "2026-02-27",
            "reasonCode": [{"text": "bitemporal hemianopia, headache"}],
            **SUBJECT,
        },
        {  # German, in the report's conclusion
            "resourceType": "DiagnosticReport",
            "status": "final",
            "code": {"text": "Labor"},
            "conclusion": "Gesichtsfeldausfall bitemporal laut Zuweiser",
            "effectiveDateTime": SAMPLE,
            **SUBJECT,
        },
        {  # French, in a clinical impression's summary
            "resourceType": "ClinicalImpression",
            "status": "completed",
            "summary": "hémianopsie bitemporale",
            "effectiveDateTime": "2026-02-28",
            **SUBJECT,
        },
        {  # a Condition named only by the order's reasonReference (contained, no subject)
            "resourceType": "ServiceRequest",
            "status": "active",
            "intent": "order",
            "authoredOn": "2026-03-01",
            "reasonReference": [{"reference": "#c1"}],
            "contained": [
                {"resourceType": "Condition", "id": "c1", "code": {"text": "visual field defect"}}
            ],
            **SUBJECT,
        },
    ],
    ids=["sr-reason", "dr-conclusion-de", "ci-summary-fr", "sr-reason-reference"],
)
def test_a_red_flag_outside_a_condition_makes_the_result_urgent(
    tmp_path: Path, resource: dict[str, Any]
) -> None:
    outcome = _run(tmp_path, _bundle(resource, value=60, sex="male"))
    assert _one(outcome)["priority"] == "urgent"
    assert resource["resourceType"] not in _warnings(outcome)  # read, not "not used"


@pytest.mark.parametrize(
    ("resource", "factor"),
    [
        (
            {  # the order's note
                "resourceType": "ServiceRequest",
                "status": "active",
                "intent": "order",
                "authoredOn": "2026-02-28",
                "note": [{"text": "on risperidone 6 mg daily"}],
                **SUBJECT,
            },
            "medication:antipsychotic",
        ),
        (
            {
                "resourceType": "Procedure",
                "status": "in-progress",
                "code": {
                    "coding": [{"system": "http://snomed.info/sct", "code": "302497006"}],
                    "text": "Haemodialysis 3x weekly",
                },
                "performedPeriod": {"start": "2024-01-10"},
                **SUBJECT,
            },
            "dialysis",
        ),
        (
            {  # given 1.5 h before the sample
                "resourceType": "MedicationAdministration",
                "status": "completed",
                "medicationCodeableConcept": {"text": "Metoclopramide 10 mg IV"},
                "effectiveDateTime": "2026-03-01T07:00:00+01:00",
                **SUBJECT,
            },
            "medication:antiemetic_prokinetic",
        ),
        (
            {  # a depot given two weeks before
                "resourceType": "MedicationAdministration",
                "status": "completed",
                "medicationCodeableConcept": {"text": "Haloperidol decanoate 100 mg IM"},
                "effectiveDateTime": "2026-02-15T10:00:00+01:00",
                **SUBJECT,
            },
            "medication:antipsychotic",
        ),
        (
            {
                "resourceType": "MedicationDispense",
                "status": "completed",
                "medicationCodeableConcept": {"text": "Risperdal 4 mg"},
                "whenHandedOver": "2026-02-20",
                **SUBJECT,
            },
            "medication:antipsychotic",
        ),
    ],
    ids=["sr-note", "procedure-dialysis", "administration", "depot-administration", "dispense"],
)
def test_a_factor_outside_a_statement_or_condition_explains_the_result(
    tmp_path: Path, resource: dict[str, Any], factor: str
) -> None:
    outcome = _run(tmp_path, _bundle(resource))
    row = _one(outcome)
    assert factor in str(row["factors"]).split(";")
    assert row["priority"] == "routine"
    assert "resources not used" not in _warnings(outcome)


def test_a_pregnancy_named_by_the_orders_supporting_info_is_physiological(tmp_path: Path) -> None:
    order = {
        "resourceType": "ServiceRequest",
        "status": "active",
        "intent": "order",
        "authoredOn": "2026-03-01",
        "supportingInfo": [{"reference": "#c1"}],
        "contained": [
            {"resourceType": "Condition", "id": "c1", "code": {"text": "Schwangerschaft 12. SSW"}}
        ],
        **SUBJECT,
    }
    row = _one(_run(tmp_path, _bundle(order)))
    assert row["reference_source"] == "physiological"
    assert row["priority"] == "none"


def test_a_kidney_transplant_procedure_is_read_not_counted_as_unused(tmp_path: Path) -> None:
    done = {
        "resourceType": "Procedure",
        "status": "completed",
        "code": {"text": "Nierentransplantation"},
        "performedDateTime": "2020-05-01",
        **SUBJECT,
    }
    outcome = _run(tmp_path, _bundle(done))
    assert "Procedure" not in _warnings(outcome)


@pytest.mark.parametrize(
    "procedure",
    [
        {"status": "not-done", "performedDateTime": "2026-02-01"},
        {"status": "preparation"},
        {"status": "completed", "performedDateTime": "2026-03-05"},  # after the sample
    ],
    ids=["not-done", "preparation", "after-the-sample"],
)
def test_a_procedure_not_done_or_after_the_sample_is_no_factor(
    tmp_path: Path, procedure: dict[str, Any]
) -> None:
    resource = {"resourceType": "Procedure", "code": {"text": "Haemodialysis"}, **SUBJECT}
    row = _one(_run(tmp_path, _bundle({**resource, **procedure})))
    assert "dialysis" not in str(row["factors"])
    assert row["priority"] == "soon"


# -- 2. every FHIR drug time ----------------------------------------------------------------


def _request(drug: str, **elements: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationRequest",
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {"text": drug},
        **SUBJECT,
        **elements,
    }


@pytest.mark.parametrize(
    "resource",
    [
        _request(
            "Risperidone 2 mg tablet",
            authoredOn="2026-03-10",
            dosageInstruction=[{"timing": {"repeat": {"boundsPeriod": {"start": "2026-03-10"}}}}],
        ),
        _request("Risperidon 2 mg", authoredOn="2026-03-10"),
        _request(
            "Metoclopramid 10 mg",
            dispenseRequest={"validityPeriod": {"start": "2026-03-04"}},
        ),
        {
            "resourceType": "MedicationStatement",
            "status": "active",
            "medicationCodeableConcept": {"text": "Metoclopramide 10 mg"},
            "effectiveDateTime": "2026-03-10",
            **SUBJECT,
        },
        {
            "resourceType": "MedicationDispense",
            "status": "completed",
            "medicationCodeableConcept": {"text": "Risperdal 4 mg"},
            "whenHandedOver": "2026-03-05",
            **SUBJECT,
        },
        {
            "resourceType": "MedicationAdministration",
            "status": "completed",
            "medicationCodeableConcept": {"text": "Métoclopramide 10 mg IV"},
            "effectiveDateTime": "2026-03-01T12:00:00+01:00",  # hours after the sample
            **SUBJECT,
        },
    ],
    ids=[
        "bounds-period",
        "authored-on",
        "validity-period",
        "statement-datetime",
        "dispense-later",
        "administration-later",
    ],
)
def test_a_drug_started_after_the_sample_does_not_explain_it(
    tmp_path: Path, resource: dict[str, Any]
) -> None:
    row = _one(_run(tmp_path, _bundle(resource)))
    assert row["factors"] == "unexplained"
    assert row["priority"] == "soon"


def test_a_dopamine_agonist_prescribed_after_the_result_is_no_treatment(tmp_path: Path) -> None:
    row = _one(_run(tmp_path, _bundle(_request("Cabergoline 0.5 mg", authoredOn="2026-03-08"))))
    assert "treated_hyperprolactinemia" not in str(row["factors"])
    assert row["factors"] == "unexplained"


def test_a_request_whose_bounds_ended_long_before_the_sample_is_stopped(tmp_path: Path) -> None:
    old = _request(
        "Risperidone 2 mg",
        status="completed",
        authoredOn="2025-01-01",
        dosageInstruction=[
            {"timing": {"repeat": {"boundsPeriod": {"start": "2025-01-01", "end": "2025-03-01"}}}}
        ],
    )
    row = _one(_run(tmp_path, _bundle(old)))
    assert row["factors"] == "unexplained"


def test_a_request_authored_before_the_sample_still_explains_it(tmp_path: Path) -> None:
    row = _one(_run(tmp_path, _bundle(_request("Risperidone 2 mg", authoredOn="2026-01-10"))))
    assert row["factors"] == "medication:antipsychotic"


# -- 3. HL7 and FHIR told by their content --------------------------------------------------

HL7_URGENT = "\r".join(
    [
        "MSH|^~\\&|LIS|LAB|EHR|CLIN|20260301120000||ORU^R01|C{n}|P|2.5",
        "PID|1||H{n}^^^HOSP^MR||Muster^Eva||19900101|F",
        "OBR|1|O{n}|F{n}|2842-3^Prolactin^LN|||202603010830",
        "OBX|1|NM|2842-3^Prolactin^LN||6400|mIU/L|102-496|HH|||F",
    ]
)


def _hl7(n: int) -> str:
    return HL7_URGENT.format(n=n) + "\r"


def _cli(*args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "triage", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def _files(folder: Path) -> dict[str, bytes]:
    bundle = _bundle(value=300)
    lines = [json.dumps(e["resource"]) for e in json.loads(bundle)["entry"]]
    return {
        "ORU_20260301_0001": _hl7(1).encode(),
        "msg_0002.oru": _hl7(2).encode(),
        "in.msg": b"\x0b" + _hl7(3).encode() + b"\x1c\r",  # MLLP framing
        "LAB_20260301.out": (
            "FHS|^~\\&|LIS|LAB\rBHS|^~\\&|LIS|LAB\r" + _hl7(4) + "BTS|1\rFTS|1\r"
        ).encode(),
        "in.dat": _hl7(5).encode("latin-1"),
        "bundle.fhir": bundle.replace("FR23", "FR24").encode(),
        "bulk.ndjson": "\n".join(lines).replace("FR23", "FR25").encode(),
    }


def test_interface_files_in_a_folder_are_read_whatever_their_name(tmp_path: Path) -> None:
    folder = tmp_path / "feed"
    folder.mkdir()
    for name, data in _files(folder).items():
        (folder / name).write_bytes(data)
    (folder / "notes.dat").write_text("plain words, no segment", encoding="utf-8")
    outcome = run_triage(
        TriageRequest(inputs=[folder], out_dir=tmp_path / "out", keep_results=True)
    )
    read = {summary.file for summary in outcome.inputs}
    assert set(_files(folder)) <= read, read
    assert outcome.results is not None
    assert set(outcome.results["priority"]) == {"urgent"}
    assert len(outcome.results) == len(_files(folder))


@pytest.mark.parametrize("name", ["ORU_20260301_0001", "in.msg", "LAB_20260301.out", "bulk.ndjson"])
def test_an_interface_file_named_directly_is_read_and_counts_for_fail_on(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_bytes(_files(tmp_path)[name])
    result = _cli("run", path, "--out", tmp_path / "out", "--fail-on", "urgent")
    assert "unsupported file type" not in result.stderr + result.stdout
    assert result.returncode not in (0, 3), result.stderr
    assert "URGENT" in result.stdout + result.stderr


def test_a_file_without_a_known_name_or_content_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.dat"
    path.write_text("Patient ID,Prolactin\nA1,20\n", encoding="utf-8")
    result = _cli("run", path, "--out", tmp_path / "out")
    assert result.returncode == 3
    assert "unsupported file type '.dat'" in result.stdout + result.stderr


def test_the_batch_inbox_reads_an_hl7_message_named_oru(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    path = inbox / "msg_0001.oru"
    path.write_bytes(_hl7(7).encode())
    old = path.stat().st_mtime - 3600
    os.utime(path, (old, old))
    result = _cli("batch", "--inbox", inbox, "--out", out, "-q")
    assert not (inbox / "failed" / "msg_0001.oru").exists(), result.stderr
    assert "not an export this tool reads" not in result.stderr
    assert any(out.glob("msg_0001-*/results.csv"))
