"""results.fhir.json (review 16): the lab's own flag survives the round trip, and the context
Observations carry the LOINC code and UCUM unit of what they hold.

- A result the lab flagged (HL7 OBX-8, a CSV flag column) that the interval used here finds
  normal is indeterminate ("ask the lab"); its Observation says so (v3 IND) and carries the lab's
  flag as an interpretation marked "lab", which the Bundle read back takes as the lab's flag: the
  round trip keeps status and priority (before: a false normal, N, priority none).
- Context tests (clinical-reference §0b, LOINC row): creatinine 2160-0 mg/dL or 14682-9 µmol/L,
  free T4 14920-3 pmol/L, quantitative serum hCG 19080-1 / 21198-7 as a Quantity, eGFR under the
  input's own code (98979-8 CKD-EPI 2021, 33914-3 MDRD), else the method-free 69405-9; every
  Quantity in UCUM.
- An inclusive comparator (HL7 SN ">=^200") is written as R4's ">=".

Synthetic patients only; in process (run_triage), every Bundle validated with fhir.resources.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fhir.resources.R4B.bundle import Bundle

from triage.io.fhir import HEADER, bundle_grid
from triage.output import OutputOptions
from triage.pipeline import TriageRequest, run_triage

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
SOURCE = "https://prolactin-triage.example.org/fhir/StructureDefinition/interpretation-source"
DECISION = ["status", "interpretation", "priority", "factors", "suggestions"]
PROLACTIN = ("2842-3", "15081-3")

MSH = "MSH|^~\\&|LIS|LAB|EHR|HOSP|20260301093000||ORU^R01|MSG{n}|P|2.5.1"
PID_F = "PID|1||MRN{n}^^^HOSP^MR||Test^Anna||19900101|F"
PID_M = "PID|1||MRN{n}^^^HOSP^MR||Test^Bert||19750101|M"


def _hl7(*obx: str, pid: str = PID_F, n: int = 1) -> str:
    return (
        "\r".join(
            [
                MSH.format(n=n),
                pid.format(n=n),
                f"OBR|1||S{n}|2842-3^Prolactin^LN|||20260301083000",
                *obx,
            ]
        )
        + "\r"
    )


def _run(source: Path, out: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The results of one run with --fhir, and its Bundle (validated)."""
    outcome = run_triage(
        TriageRequest(
            inputs=[source],
            out_dir=out,
            keep_results=True,
            output_options=OutputOptions(fhir=True),
        )
    )
    assert outcome.results is not None and len(outcome.results), outcome.errors
    bundle = json.loads((out / "results.fhir.json").read_text(encoding="utf-8"))
    Bundle.model_validate(bundle)  # raises on any invalid resource
    return outcome.results, bundle


def _round_trip(tmp_path: Path, name: str, text: str) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Run ``text`` (file ``name``), then its results.fhir.json: both results and the Bundle."""
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    first, bundle = _run(source, tmp_path / "out1")
    again, _ = _run(tmp_path / "out1" / "results.fhir.json", tmp_path / "out2")
    return first, again, bundle


def _observations(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    ]


def _context(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """The context Observations (TSH, free T4, creatinine, eGFR, hCG ...)."""
    return [
        o
        for o in _observations(bundle)
        if not o["code"].get("coding") or o["code"]["coding"][0]["code"] not in PROLACTIN
    ]


def _interpretations(obs: dict[str, Any]) -> list[tuple[str, str]]:
    """(source, v3 code) of each interpretation of an Observation."""
    out = []
    for concept in obs.get("interpretation", []):
        (coding,) = concept["coding"]
        assert coding["system"] == V3
        sources = [e["valueCode"] for e in concept.get("extension", []) if e["url"] == SOURCE]
        out.append((sources[0] if sources else "", coding["code"]))
    return out


# ----------------------------------------------------------------- the lab's own flag ---
# One HL7 file, one patient per message: (OBX, sex, status, priority, interpretations written)
FLAGGED = [
    # within the lab's own interval 4.8-23.3, flagged H against it: the two disagree
    ("12|ng/mL|4.8-23.3|H", PID_F, "indeterminate", "routine", [("triage", "IND"), ("lab", "H")]),
    # no OBX-7: the set's women's interval finds 27 normal, the lab flagged it H
    ("27|ng/mL||H", PID_F, "indeterminate", "routine", [("triage", "IND"), ("lab", "H")]),
    # flagged low, normal against the men's interval: indeterminate, cannot be high
    ("3.0|ng/mL||L", PID_M, "indeterminate", "none", [("triage", "IND"), ("lab", "L")]),
    # the flag agrees; an unflagged normal result carries no lab flag
    ("60|ng/mL|4.8-23.3|H", PID_F, "high", "soon", [("triage", "H"), ("lab", "H")]),
    ("10|ng/mL|4.8-23.3|", PID_F, "normal", "none", [("triage", "N")]),
]


def _by_patient(results: pd.DataFrame) -> dict[str, dict[str, Any]]:
    return {str(r["patient_id"]): r for r in _decisions_with_id(results)}


def _decisions_with_id(results: pd.DataFrame) -> list[dict[str, Any]]:
    return results[["patient_id", *DECISION]].astype(str).to_dict("records")


def test_a_result_the_lab_flagged_stays_indeterminate_after_the_round_trip(
    tmp_path: Path,
) -> None:
    text = "".join(
        _hl7(f"OBX|1|NM|2842-3^Prolactin^LN||{obx}|||F", pid=pid, n=n)
        for n, (obx, pid, *_) in enumerate(FLAGGED)
    )
    first, again, bundle = _round_trip(tmp_path, "flags.hl7", text)
    written = {
        o["subject"]["reference"]: _interpretations(o)
        for o in _observations(bundle)
        if o["code"]["coding"][0]["code"] in PROLACTIN
    }
    patients = {
        e["fullUrl"]: e["resource"]["identifier"][0]["value"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Patient"
    }
    decided = _by_patient(first)
    for n, (_, _, status, priority, interpretations) in enumerate(FLAGGED):
        assert (decided[f"MRN{n}"]["status"], decided[f"MRN{n}"]["priority"]) == (
            status,
            priority,
        )
        # never read as unflagged: the triage's IND, then the lab's own flag
        assert {patients[ref]: i for ref, i in written.items()}[f"MRN{n}"] == interpretations
    assert _by_patient(again) == decided  # before: normal / N / none


def test_a_flag_column_of_a_table_round_trips(tmp_path: Path) -> None:
    text = (
        "Patienten-Nr;Geschlecht;Alter;Entnahme;Prolaktin;Einheit;Kennz.\n"
        "W1;W;30;01.03.2026;27;ng/ml;H\n"  # within the set's 3-30 for women, flagged by the lab
        "W2;W;30;01.03.2026;27;ng/ml;\n"
    )
    first, again, bundle = _round_trip(tmp_path, "kennz.csv", text)
    assert _by_patient(first)["W1"]["status"] == "indeterminate"
    assert _by_patient(first)["W2"]["status"] == "normal"
    assert sorted(_interpretations(o) for o in _observations(bundle)) == [
        [("triage", "IND"), ("lab", "H")],
        [("triage", "N")],
    ]
    assert _by_patient(again) == _by_patient(first)


def _tool_observation(*interpretations: dict[str, Any]) -> bytes:
    """A Bundle of one prolactin Observation as this tool writes it (its triage extensions)."""
    ext = "https://prolactin-triage.example.org/fhir/StructureDefinition/triage-status"
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:p", "resource": {"resourceType": "Patient", "id": "p"}},
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": "o",
                    "extension": [{"url": ext, "valueCode": "high"}],
                    "status": "final",
                    "code": {"coding": [{"system": LOINC, "code": "2842-3"}]},
                    "subject": {"reference": "urn:uuid:p"},
                    "valueQuantity": {"value": 60, "unit": "ng/mL"},
                    "interpretation": list(interpretations),
                }
            },
        ],
    }
    return json.dumps(bundle).encode()


def _concept(code: str, source: str | None) -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [{"system": V3, "code": code}]}
    if source:
        concept["extension"] = [{"url": SOURCE, "valueCode": source}]
    return concept


@pytest.mark.parametrize(
    ("interpretations", "flag"),
    [
        ([_concept("H", "triage")], ""),  # the tool's own status is no lab flag
        ([_concept("H", None)], ""),  # an older Bundle of this tool: nothing marked
        ([_concept("IND", "triage"), _concept("L", "lab")], "L"),  # the lab's, not the first
    ],
)
def test_only_the_interpretation_marked_lab_is_read_back_as_the_lab_flag(
    interpretations: list[dict[str, Any]], flag: str
) -> None:
    grid = bundle_grid("results.fhir.json", _tool_observation(*interpretations))
    assert grid.rows[1][HEADER.index("lab_flag")] == flag


# ------------------------------------------------------------ the context Observations ---
def _quantity(obs: dict[str, Any]) -> tuple[str, float, str]:
    """(LOINC, value, UCUM code) of a context Observation; its Quantity is in UCUM."""
    quantity = obs["valueQuantity"]
    assert quantity["system"] == UCUM and quantity["code"]
    (coding,) = obs["code"]["coding"]
    assert coding["system"] == LOINC
    return coding["code"], quantity["value"], quantity["code"]


def _codes_of(bundle: dict[str, Any], pid: str) -> dict[str, tuple[float, str]]:
    """LOINC -> (value, UCUM code) of the context Observations of one patient (a Quantity)."""
    (ref,) = [
        e["fullUrl"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Patient"
        and e["resource"]["identifier"][0]["value"] == pid
    ]
    out = {}
    for obs in _context(bundle):
        if obs["subject"]["reference"] == ref and "valueQuantity" in obs:
            code, value, unit = _quantity(obs)
            out[code] = (value, unit)
    return out


def test_context_tests_keep_their_codes_and_units_and_read_back(tmp_path: Path) -> None:
    text = (
        _hl7(
            "OBX|1|NM|2842-3^Prolactin^LN||60|ng/mL|4.8-23.3|H|||F",
            "OBX|2|NM|14682-9^Creatinine^LN||600|umol/L|45-84||||F",
            "OBX|3|NM|14920-3^Free T4^LN||4.1|pmol/L|12-22||||F",
            "OBX|4|NM|3016-3^TSH^LN||85|mIU/L|0.27-4.2||||F",
            "OBX|5|NM|98979-8^eGFR CKD-EPI 2021^LN||7|mL/min/1.73m2|||||F",
            n=1,
        )
        + _hl7(
            "OBX|1|NM|2842-3^Prolactin^LN||60|ng/mL|4.8-23.3|H|||F",
            "OBX|2|NM|2160-0^Creatinine^LN||6.8|mg/dL|||||F",
            "OBX|3|NM|33914-3^eGFR MDRD^LN||8|mL/min/1.73m2|||||F",
            "OBX|4|NM|21198-7^beta-hCG^LN||4500|mIU/mL|||||F",
            n=2,
        )
        + _hl7(
            "OBX|1|NM|2842-3^Prolactin^LN||150|ng/mL|4.8-23.3|H|||F",
            "OBX|2|NM|19080-1^hCG^LN||25000|IU/L|||||F",
            n=3,
        )
    )
    first, again, bundle = _round_trip(tmp_path, "context.hl7", text)
    assert _codes_of(bundle, "MRN1") == {
        "14682-9": (600, "umol/L"),  # not the mg/dL code 2160-0 without a unit
        "14920-3": (4.1, "pmol/L"),  # not the ng/dL code 3024-7 without a unit
        "3016-3": (85, "m[IU]/L"),
        "98979-8": (7, "mL/min/{1.73_m2}"),  # not relabelled CKD-EPI 2009 (62238-1)
    }
    assert _codes_of(bundle, "MRN2") == {
        "2160-0": (6.8, "mg/dL"),
        "33914-3": (8, "mL/min/{1.73_m2}"),  # MDRD stays MDRD
        "21198-7": (4500, "m[IU]/mL"),  # a quantitative serum hCG, not urine 2106-3 text
    }
    assert _codes_of(bundle, "MRN3") == {"19080-1": (25000, "[IU]/L")}
    assert not any("valueString" in o for o in _context(bundle))
    decided = _by_patient(first)
    assert "hypothyroidism" in decided["MRN1"]["factors"]
    assert "pregnancy" in decided["MRN3"]["factors"]
    # read back, none is refused ("free_t4 result '4.1' is not usable"): the same decisions
    assert _by_patient(again) == decided
    rejected = (tmp_path / "out2" / "rejected.csv").read_text(encoding="utf-8")
    assert "other_test" not in rejected, rejected


def test_uncoded_context_gets_a_generic_egfr_code_and_claims_no_hcg_specimen(
    tmp_path: Path,
) -> None:
    text = (
        "Patient ID;Sex;Age;Collected;Prolactin;Unit;eGFR;Creatinine;hCG;Free T4\n"
        "P1;F;34;2026-03-01 08:30;60;ng/mL;25;2.4;negative;15\n"
    )
    first, again, bundle = _round_trip(tmp_path, "uncoded.csv", text)
    assert _codes_of(bundle, "P1") == {
        "69405-9": (25, "mL/min/{1.73_m2}"),  # no equation named: the method-free code
        "2160-0": (2.4, "mg/dL"),
        "14920-3": (15, "pmol/L"),
    }
    (hcg,) = [o for o in _context(bundle) if "valueString" in o]
    assert hcg["valueString"] == "negative" and "coding" not in hcg["code"]  # not urine 2106-3
    assert _by_patient(again) == _by_patient(first)


# --------------------------------------------------------------------- the comparator ---
def test_an_inclusive_comparator_is_written_as_r4s(tmp_path: Path) -> None:
    signs = [(">=^200", ">="), (">^200", ">"), ("<=^2", "<="), ("<^2", "<")]
    source = tmp_path / "signs.hl7"
    source.write_text(
        "".join(
            _hl7(f"OBX|1|SN|2842-3^Prolactin^LN||{value}|ng/mL|4.8-23.3||||F", n=n)
            for n, (value, _) in enumerate(signs)
        )
    )
    _, bundle = _run(source, tmp_path / "out")
    written = sorted(
        (o["valueQuantity"]["value"], o["valueQuantity"]["comparator"])
        for o in _observations(bundle)
    )
    assert written == sorted((float(v.split("^")[1]), c) for v, c in signs)
