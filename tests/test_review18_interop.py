"""Review 18: HL7 v2 and FHIR R4 interoperability.

1. One prolactin result sent twice, in ng/mL and in mIU/L (two OBX of one order, two FHIR
   Observations 2842-3 and 15081-3 of one specimen, two lines of a LIS export), the numbers one
   another's conversion at the assay's factor (1 ng/mL = 21.2 mIU/L, WHO 84/500:
   clinical-reference §2.4) within rounding: triaged once (the line that gives the lab's
   interval, else the first), the other line listed in rejected.csv as
   ``same_result_other_unit`` naming the line kept (never lost: rows_read = triaged +
   rejected).  Two numbers that are no conversion of each other are two results: both stay and
   a warning names the conflict.  Before, the one result was triaged and counted twice.
2. HL7 PID-8 "X" (indeterminate / non-binary in national profiles), "D" (HL7 Deutschland
   "divers") and "UN" (v3 undifferentiated) are a sex stated as neither, as "O" and "A" are: judged
   between both sexes' intervals (clinical-reference §1: sex unknown), FHIR gender "other"; one
   mapping (synonyms.toml [values.sex] hl7_codes) for the HL7 reader, the FHIR reader and the
   FHIR writer.  Before, "X" was taken as written, its Patient's gender "unknown".
3. results.fhir.json writes one MedicationStatement per drug of the medications cell (its name
   and ATC code, the patient's words as dosage text, the status as the list reads it: active,
   stopped, not-taken, unknown), and the Bundle read back gives the same triage.  Before, the
   whole cell was one statement.

Synthetic patients only; in process (run_triage); every Bundle validated with fhir.resources.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fhir.resources.R4B.bundle import Bundle

from triage.output import OutputOptions
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

LOINC = "http://loinc.org"
BOTH_SEXES = "default:adult_female|default:adult_male"
MSH = "MSH|^~\\&|LIS|LAB|EHR|HOSP|20260301090000||ORU^R01|C{n}|P|2.5"
REASON = "same_result_other_unit"


def _run(tmp_path: Path, name: str, text: str, *, fhir: bool = False) -> TriageOutcome:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    return run_triage(
        TriageRequest(
            inputs=[source],
            out_dir=tmp_path / f"out-{source.stem}",
            keep_results=True,
            output_options=OutputOptions(fhir=fhir),
        )
    )


def _again(tmp_path: Path, name: str) -> TriageOutcome:
    """The run's results.fhir.json read back as input."""
    return run_triage(
        TriageRequest(
            inputs=[tmp_path / f"out-{name}" / "results.fhir.json"],
            out_dir=tmp_path / f"out-{name}-again",
            keep_results=True,
            output_options=OutputOptions(fhir=True),
        )
    )


def _bundle(tmp_path: Path, name: str) -> dict[str, Any]:
    bundle = json.loads((tmp_path / f"out-{name}" / "results.fhir.json").read_text("utf-8"))
    Bundle.model_validate(bundle)  # raises on any invalid resource
    return bundle


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None, outcome.errors
    return outcome.results


def _warnings(outcome: TriageOutcome) -> str:
    return " | ".join(w for summary in outcome.inputs for w in summary.warnings)


def _counted_once(outcome: TriageOutcome) -> None:
    """Every line is accounted for: read = triaged + rejected."""
    for summary in outcome.inputs:
        assert summary.rows_read == summary.rows_triaged + summary.rows_rejected


def _hl7(*messages: list[str]) -> str:
    segments = []
    for n, body in enumerate(messages, start=1):
        segments += [MSH.format(n=n), *body]
    return "\r".join(segments) + "\r"


def _order(pid: str, sex: str, *obx: str, specimen: str = "S1") -> list[str]:
    return [
        f"PID|1||{pid}^^^HOSP^MR||SYN^TEST||19900101|{sex}",
        f"ORC|RE|A{pid}|{specimen}",
        f"OBR|1|A{pid}|{specimen}|PRL^Prolactin|||20260301083000",
        *obx,
    ]


def _obx(n: int, value: str, unit: str, interval: str = "", kind: str = "NM") -> str:
    code = "2842-3" if unit in ("ng/mL", "ug/L", "µg/L") else "15081-3"
    return f"OBX|{n}|{kind}|{code}^Prolactin^LN||{value}|{unit}|{interval}||||F"


# ------------------------------------------------------------------------------------------------
# 1. One result in two units
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hl7_units(tmp_path_factory: pytest.TempPathFactory) -> TriageOutcome:
    """One HL7 file (one run, for speed): results given in both units (T*), and pairs that are
    no one result in two units (D*)."""
    text = _hl7(
        # ng/mL with the lab's interval first: kept; the mIU/L OBX (segment 6) listed
        _order("T1", "F", _obx(1, "25.3", "ng/mL", "4.8-23.3"), _obx(2, "538", "mIU/L")),
        # mIU/L gives the interval (the lab's reporting unit): kept, though second
        _order("T2", "F", _obx(1, "40", "ng/mL"), _obx(2, "848", "mIU/L", "102-496")),
        # the units' other spellings, and a censored result in both
        _order("T3", "F", _obx(1, "12", "µg/L"), _obx(2, "254", "µIU/mL")),
        _order("T4", "F", _obx(1, "<^1", "ng/mL", kind="SN"), _obx(2, "<^21", "mIU/L", kind="SN")),
        # the same result in another message (a second report of the sample in mIU/L)
        _order("T5", "M", _obx(1, "300", "ng/mL")),
        _order("T5", "M", _obx(1, "6360", "mIU/L")),
        # 1380 mIU/L is 65 ng/mL, not 25.3: two results, which one holds is not known
        _order("D1", "F", _obx(1, "25.3", "ng/mL"), _obx(2, "1380", "mIU/L")),
        # the inverse factor's slip (0.0472): no conversion either
        _order("D2", "F", _obx(1, "25", "ng/mL"), _obx(2, "1.18", "mIU/L")),
        # the same unit twice (a repeat): never taken for one result in two units
        _order("D3", "F", _obx(1, "25", "ng/mL"), _obx(2, "25", "ng/mL")),
        # a TSH in mIU/L beside the prolactin in ng/mL: another test
        _order("D4", "F", _obx(1, "20", "ng/mL"), "OBX|2|NM|3016-3^TSH^LN||4.24|mIU/L||||F"),
        # neither specimen number nor time: nothing says it is one sample
        [
            "PID|1||D5^^^HOSP^MR||SYN^TEST||19900101|F",
            "OBR|1",
            _obx(1, "27", "ng/mL"),
            _obx(2, "572", "mIU/L"),
        ],
    )
    return _run(tmp_path_factory.mktemp("hl7"), "units.hl7", text)


def test_hl7_one_result_in_two_units_is_triaged_once_and_the_other_obx_listed(
    hl7_units: TriageOutcome,
) -> None:
    outcome = hl7_units
    results = _results(outcome).set_index("patient_id")
    assert results.loc[[f"T{k}" for k in range(1, 6)]].index.value_counts().max() == 1
    assert results.loc["T1", "prolactin_raw"] == "25.3"
    assert results.loc["T1", "unit_raw"] == "ng/mL"
    assert results.loc["T2", "unit_raw"] == "mIU/L" and results.loc["T2", "status"] == "high"
    assert results.loc["T4", "qualifier"] == "<"
    assert results.loc["T5", "priority"] == "urgent"  # 300 ng/mL = 6360 mIU/L: urgent once
    rejected = {r.patient_id: r for r in outcome.rejected}
    assert sorted(rejected) == ["T1", "T2", "T3", "T4", "T5"]
    assert {r.reason_code for r in rejected.values()} == {REASON}
    assert rejected["T1"].source_row == 6 and "row 5" in rejected["T1"].detail
    assert "538 mIU/L" in rejected["T1"].detail and "25.3 ng/mL" in rejected["T1"].detail
    assert rejected["T2"].source_row == 11  # the ng/mL OBX, before the kept one at 12
    _counted_once(outcome)
    assert "5 prolactin result(s) were given twice" in _warnings(outcome)
    assert sum(1 for line in outcome.urgent if "T5" in line) == 1


def test_two_units_that_disagree_are_two_results_with_a_warning(
    hl7_units: TriageOutcome,
) -> None:
    counts = _results(hl7_units)["patient_id"].value_counts().to_dict()
    assert {pid: counts[pid] for pid in ("D1", "D2", "D3", "D4", "D5")} == {
        "D1": 2,
        "D2": 2,
        "D3": 2,
        "D4": 1,
        "D5": 2,
    }
    warnings = _warnings(hl7_units)
    assert "no conversion of each other (25.3 ng/mL and 1380 mIU/L)" in warnings
    assert "(25 ng/mL and 1.18 mIU/L)" in warnings
    assert warnings.count("no conversion of each other") == 2


def _observation(oid: str, pid: str, loinc: str, value: float, unit: str) -> dict[str, Any]:
    resource = {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": loinc}]},
        "subject": {"reference": f"Patient/{pid}"},
        "effectiveDateTime": "2026-03-01T08:30:00+01:00",
        "specimen": {"identifier": {"value": f"S-{pid}"}},
        "valueQuantity": {"value": value, "unit": unit},
    }
    return {"fullUrl": f"Observation/{oid}", "resource": resource}


def test_fhir_observations_and_export_lines_of_one_result_in_two_units(tmp_path: Path) -> None:
    patients = [
        {"fullUrl": f"Patient/{p}", "resource": {"resourceType": "Patient", "id": p}}
        for p in ("F1", "F2")
    ]
    entries = [
        *patients,
        _observation("a", "F1", "2842-3", 60.2, "ng/mL"),
        _observation("b", "F1", "15081-3", 1276, "mIU/L"),
        _observation("c", "F2", "2842-3", 60.2, "ng/mL"),
        _observation("d", "F2", "15081-3", 2500, "mIU/L"),  # 118 ng/mL: another result
    ]
    bundle = json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})
    outcome = _run(tmp_path, "two.json", bundle)
    assert _results(outcome)["patient_id"].value_counts().to_dict() == {"F1": 1, "F2": 2}
    (same,) = outcome.rejected
    assert (same.patient_id, same.source_row, same.reason_code) == ("F1", 4, REASON)
    _counted_once(outcome)

    # LIS exports in German, French, Spanish, Italian and Dutch: two lines of one sample
    header = "Patient,Probe,Entnahme,Analyse,Ergebnis,Einheit,Referenzbereich"
    lines = [
        'L1,P1,01.03.2026 08:30,Prolaktin,"25,3",µg/l,',
        "L1,P1,01.03.2026 08:30,Prolaktin,538,mU/l,102-496",
        'L2,P2,01.03.2026 08:30,Prolactine,"25,3",ng/ml,',
        "L2,P2,01.03.2026 08:30,Prolactine,536,mUI/L,",
        "L3,P3,01.03.2026 08:30,Prolactina,12,ng/mL,",
        "L3,P3,01.03.2026 08:30,Prolactina,254,mUI/mL,",
        "L4,P4,01.03.2026 08:30,Prolactine,40,ng/mL,",
        "L4,P4,01.03.2026 08:30,Prolactine,20,ng/mL,",  # a repeat in one unit: two results
    ]
    export = _run(tmp_path, "lis.csv", header + "\n" + "\n".join(lines) + "\n")
    results = _results(export).set_index("patient_id")
    assert results.index.value_counts().to_dict() == {"L1": 1, "L2": 1, "L3": 1, "L4": 2}
    assert results.loc["L1", "unit_raw"] == "mU/l"  # the line with the lab's interval
    assert sorted((r.patient_id, r.source_row) for r in export.rejected) == [
        ("L1", 2),
        ("L2", 5),
        ("L3", 7),
    ]
    _counted_once(export)


# ------------------------------------------------------------------------------------------------
# 2. PID-8 X, D, UN: a sex stated as neither
# ------------------------------------------------------------------------------------------------
def test_pid8_x_and_other_national_codes_are_gender_other_between_both_intervals(
    tmp_path: Path,
) -> None:
    codes = {"PX": "X", "Px": "x", "PD": "D", "PUN": "UN", "PO": "O", "PU": "U", "PZ": "Z"}
    codes |= {"PF": "F", "PM": "M"}
    messages = [
        _order(pid, code, _obx(1, "27", "ng/mL"), specimen=f"S{pid}") for pid, code in codes.items()
    ]
    outcome = _run(tmp_path, "sex.hl7", _hl7(*messages), fhir=True)
    results = _results(outcome).set_index("patient_id")
    for pid in ("PX", "Px", "PD", "PUN", "PO", "PU"):
        assert results.loc[pid, "reference_stratum"] == BOTH_SEXES, pid
        # 27 ng/mL: within the women's interval, above the men's
        assert results.loc[pid, "status"] == "indeterminate", pid
    assert results.loc["PF", "status"] == "normal" and results.loc["PM", "status"] == "high"
    expected = {
        "PX": "other",
        "Px": "other",
        "PD": "other",
        "PUN": "other",
        "PO": "other",
        "PU": "unknown",
        "PZ": "unknown",
        "PF": "female",
        "PM": "male",
    }

    def genders(name: str) -> dict[str, str]:
        patients = _resources(_bundle(tmp_path, name), "Patient")
        return {p["identifier"][0]["value"]: p["gender"] for p in patients}

    assert genders("sex") == expected
    again = _again(tmp_path, "sex")
    back = _results(again).set_index("patient_id")
    assert back.loc["PX", "reference_stratum"] == BOTH_SEXES
    assert back.loc["PF", "status"] == "normal"
    assert genders("sex-again") == expected


# ------------------------------------------------------------------------------------------------
# 3. One MedicationStatement per drug, and the round trip
# ------------------------------------------------------------------------------------------------
MEDICATIONS = {
    # patient -> (medications cell, {drug: status})
    "K1": (
        "Risperdal 2 mg 1-0-1, Pantozol 40 mg; Metoclopramid abgesetzt vor 2 Tagen",
        {"risperidone": "active", "metoclopramide": "stopped"},
    ),
    "K2": ("keine Neuroleptika", {"antipsychotic (unspecified)": "not-taken"}),
    "K3": ("rispéridone 2 mg le soir; dompéridone si besoin", None),
    "K4": ("?risperidona", {"risperidone": "unknown"}),
    "K5": ("aloperidolo 5 mg, sospeso 2 anni fa", None),
    "K6": ("metoclopramide 10 mg 3dd", {"metoclopramide": "active"}),
    "K7": ("L-Thyroxin 75 µg", {"L-Thyroxin 75 µg": "active"}),  # no drug known: one statement
}


def test_one_medication_statement_per_drug_and_the_same_triage_read_back(tmp_path: Path) -> None:
    lines = "".join(
        f'{pid},F,1990-01-01,2026-03-01 08:30,60,ng/mL,"{cell}"\n'
        for pid, (cell, _) in MEDICATIONS.items()
    )
    header = "patient_id,sex,birth_date,collected_at,prolactin,unit,medications\n"
    first = _results(_run(tmp_path, "meds.csv", header + lines, fhir=True))
    bundle = _bundle(tmp_path, "meds")
    patient_of = {
        f"urn:uuid:{p['id']}": p["identifier"][0]["value"] for p in _resources(bundle, "Patient")
    }
    statements: dict[str, dict[str, dict[str, Any]]] = {}
    for statement in _resources(bundle, "MedicationStatement"):
        pid = patient_of[statement["subject"]["reference"]]
        statements.setdefault(pid, {})[statement["medicationCodeableConcept"]["text"]] = statement
    for pid, (cell, expected) in MEDICATIONS.items():
        if expected is not None:
            got = {name: s["status"] for name, s in statements[pid].items()}
            assert got == expected, pid
        for statement in statements[pid].values():  # the list as written, for the read back
            assert statement["note"][0]["text"] == f"Medication list as written: {cell}"
    assert sorted(statements["K3"]) == ["domperidone", "risperidone"]
    risperidone = statements["K1"]["risperidone"]
    assert risperidone["dosage"] == [{"text": "Risperdal 2 mg 1-0-1"}]
    assert risperidone["medicationCodeableConcept"]["coding"][0]["code"] == "N05AX08"
    assert statements["K5"]["haloperidol"]["status"] == "stopped"  # two years ago: no factor

    back = _results(_again(tmp_path, "meds")).set_index("patient_id")
    first = first.set_index("patient_id")
    columns = ["status", "priority", "factors", "suggestions"]
    assert back.loc[list(MEDICATIONS), columns].equals(first.loc[list(MEDICATIONS), columns])
    assert "medication:antipsychotic" in str(first.loc["K1", "factors"])
    assert "medication:antipsychotic" not in str(first.loc["K5", "factors"])
