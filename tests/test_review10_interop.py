"""Interoperability faults found by the outside review of stop 30, each fixed as a class: FHIR
Conditions read without regard to the sample's time, preliminary results superseded across
runs of the history, withdrawals missing from the history export, time-zone offsets relabelled
in the FHIR output, HL7 issuers ignored, lab flags and comments written as patient Conditions,
patients' own names and birth dates left in free text under --redact, and HL7 requesters and
locations not read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pipeline_helpers import prolactin_bundle

from triage.io.fhir import HEADER, bundle_grid
from triage.pipeline import TriageRequest, run_triage

PREGNANCY = {"coding": [{"system": "http://snomed.info/sct", "code": "77386006"}]}


def _bundle(conditions: list[dict[str, Any]], when: str = "2026-03-01T08:00:00+01:00") -> bytes:
    bundle = prolactin_bundle(
        {"birthDate": "1990-05-05"},
        effectiveDateTime=when,
        valueQuantity={"value": 150, "unit": "ng/mL"},
    )
    for number, condition in enumerate(conditions):
        bundle["entry"].append(
            {
                "resource": {
                    "resourceType": "Condition",
                    "id": f"c{number}",
                    "subject": {"reference": "Patient/p1"},
                    **condition,
                }
            }
        )
    return json.dumps(bundle).encode()


def _row(
    conditions: list[dict[str, Any]], when: str = "2026-03-01T08:00:00+01:00"
) -> dict[str, str]:
    grid = bundle_grid("b.json", _bundle(conditions, when))
    return dict(zip(HEADER, grid.rows[1], strict=True))


def _status(code: str) -> dict[str, Any]:
    system = "http://terminology.hl7.org/CodeSystem/condition-clinical"
    return {"clinicalStatus": {"coding": [{"system": system, "code": code}]}}


# Conditions of every kind the reader maps: pregnancy by code, the fields this tool writes by
# their text, and a free-text one (comments)
KINDS = [
    ({"code": PREGNANCY}, "pregnant", "yes"),
    ({"code": {"text": "Lactating, 6 weeks postpartum"}}, "lactating", "yes"),
    ({"code": {"text": "Dialysis"}}, "dialysis", "yes"),
    ({"code": {"text": "Kidney transplant"}}, "kidney_transplant", "yes"),
    ({"code": {"text": "Liver disease: cirrhosis"}}, "liver_disease", "cirrhosis"),
    ({"code": {"text": "Pituitary lesion: microadenoma 6 mm"}}, "pituitary_lesion", "microadenoma"),
    ({"code": {"text": "Primary hypothyroidism"}}, "comments", "hypothyroidism"),
]


@pytest.mark.parametrize(("condition", "field", "said"), KINDS)
@pytest.mark.parametrize(
    "timing",
    [
        {"onsetDateTime": "2026-06-01"},
        {"onsetDateTime": "2026-03-01T09:00:00+01:00"},
        {"onsetPeriod": {"start": "2026-04-01"}},
    ],
)
def test_a_condition_that_began_after_the_sample_does_not_count(
    condition: dict[str, Any], field: str, said: str, timing: dict[str, Any]
) -> None:
    assert said in _row([{**condition, **_status("active")}])[field]  # it counts when it held
    assert said not in _row([{**condition, **_status("active"), **timing}])[field]


@pytest.mark.parametrize(("condition", "field", "said"), KINDS)
@pytest.mark.parametrize(
    "timing",
    [
        {"abatementDateTime": "2025-06-01"},
        {"abatementPeriod": {"start": "2025-05-01", "end": "2025-06-01"}},
        {"abatementDateTime": "2026-03-01T07:00:00"},
        {"abatementBoolean": True},
        {"abatementString": "last year"},
        _status("resolved"),
        _status("inactive"),
        _status("remission"),
    ],
)
def test_a_condition_that_ended_before_the_sample_does_not_count(
    condition: dict[str, Any], field: str, said: str, timing: dict[str, Any]
) -> None:
    assert said not in _row([{**condition, **timing}])[field]


@pytest.mark.parametrize(("condition", "field", "said"), KINDS)
def test_a_condition_resolved_since_the_sample_held_when_it_was_taken(
    condition: dict[str, Any], field: str, said: str
) -> None:
    """clinicalStatus is today's; an abatement after the sample says it held then."""
    held = {**condition, **_status("resolved"), "abatementDateTime": "2026-05-20"}
    assert said in _row([{**held, "onsetDateTime": "2025-09-01"}])[field]


def test_each_result_is_judged_with_the_conditions_of_its_own_time() -> None:
    """Two results of one patient either side of a pregnancy's onset: only the later one is
    during it."""
    data = json.loads(_bundle([{"code": PREGNANCY, "onsetDateTime": "2026-02-01"}]))
    later = json.loads(json.dumps(data["entry"][1]))
    later["resource"]["id"] = "o2"
    later["resource"]["effectiveDateTime"] = "2026-04-01T08:00:00"
    data["entry"][1]["resource"]["effectiveDateTime"] = "2026-01-05T08:00:00"
    data["entry"].insert(2, later)
    grid = bundle_grid("b.json", json.dumps(data).encode())
    pregnant = [dict(zip(HEADER, row, strict=True))["pregnant"] for row in grid.rows[1:]]
    assert pregnant == ["", "yes"]


def test_a_pregnancy_after_the_sample_explains_no_high_result(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(
        _bundle([{"code": PREGNANCY, **_status("active"), "onsetDateTime": "2026-06-01"}])
    )
    results = run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True)
    ).results
    row = results.iloc[0]
    assert row["status"] == "high"
    assert "pregnancy" not in str(row["factors"])
