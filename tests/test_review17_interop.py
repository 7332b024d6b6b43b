"""Review 17: HL7 v2 and FHIR R4 interoperability.

1. One HL7 message with two prolactin OBX of one patient, no specimen number and no collection
   time, and different values: both are triaged, each under its own segment number (never
   merged, never one dropped).
2. PID-8 administrative sex O (other), A (ambiguous), N (not applicable), U (unknown), and a
   table's sex cell stating another sex ("divers", "autre", "otro", "altro", "anders"): the sex
   stays unknown for the interval (judged between both sexes' limits, clinical-reference §1), and
   results.fhir.json writes the Patient's gender "other" (O, A, N: the HL7 v2-to-FHIR ConceptMap
   of table 0001) or "unknown" (U), read back as "other" again; before, every one was "unknown".
3. A FHIR MedicationStatement stopped, completed or on hold, or whose effectivePeriod ended
   before the sample, is read as the drug list's "stopped on <date>": a drug stopped within the
   withdrawal days before the sample still counts (clinical-reference §2.1: re-measure 3 days
   after stopping), one stopped long before does not, one whose period ends after the sample was
   taken then.  Before, any statement that ended before the sample was dropped: a risperidone
   stopped two days before the sample was no factor.
4. Context Observations (TSH, eGFR, hCG) of a Bundle without specimen or effective time join the
   patient's prolactin result by subject when the patient has one collection in the file (with a
   warning), and none when it has several.  Before, each was rejected (other_test).
5. The PEG recovery and the monomeric (post-PEG) prolactin the Bundle writes carry their LOINC
   codes (50366-4 monomeric/total %; 42607-2 monomeric prolactin in ng/mL: clinical-reference
   §0b), and a monomeric prolactin in mIU/L, which no LOINC code known here holds, the tool's own
   code (never a mass code); both read back.

Synthetic patients only; in process (run_triage); every Bundle validated with fhir.resources.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from fhir.resources.R4B.bundle import Bundle

from triage.output import OutputOptions
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

LOINC = "http://loinc.org"
LOCAL_TESTS = "https://prolactin-triage.example.org/fhir/CodeSystem/context-test"
BOTH_SEXES = "default:adult_female|default:adult_male"
MSH = "MSH|^~\\&|LIS|LAB|EHR|HOSP|20260301090000||ORU^R01|C{n}|P|2.5"


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


def _bundle(tmp_path: Path, name: str) -> dict[str, Any]:
    bundle = json.loads((tmp_path / f"out-{name}" / "results.fhir.json").read_text("utf-8"))
    Bundle.model_validate(bundle)  # raises on any invalid resource
    return bundle


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None, outcome.errors
    return outcome.results.set_index("patient_id")


def _warnings(outcome: TriageOutcome) -> str:
    return " | ".join(w for summary in outcome.inputs for w in summary.warnings)


def _rejected(tmp_path: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(tmp_path / f"out-{name}" / "rejected.csv", dtype=str)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _genders(bundle: dict[str, Any]) -> dict[str, str]:
    return {p["identifier"][0]["value"]: p["gender"] for p in _resources(bundle, "Patient")}


def _write_bundle(tmp_path: Path, name: str, entries: list[dict[str, Any]]) -> TriageOutcome:
    text = json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})
    return _run(tmp_path, name, text)


def _patient(pid: str, gender: str = "female") -> dict[str, Any]:
    resource = {"resourceType": "Patient", "id": pid, "gender": gender, "birthDate": "1990-01-01"}
    return {"fullUrl": f"Patient/{pid}", "resource": resource}


def _observation(
    oid: str, pid: str, loinc: str, value: float, unit: str, *, timed: bool = True
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": loinc}]},
        "subject": {"reference": f"Patient/{pid}"},
        "valueQuantity": {"value": value, "unit": unit},
    }
    if timed:
        resource["effectiveDateTime"] = "2026-03-01T08:30:00"
    return {"fullUrl": f"Observation/{oid}", "resource": resource}


# ------------------------------------------------------------------------------------------------
# 1. Two prolactin OBX of one patient without specimen or time
# ------------------------------------------------------------------------------------------------
def test_two_prolactin_obx_without_specimen_or_time_are_each_triaged(tmp_path: Path) -> None:
    """No specimen (OBR-2/3, SPM-2) and no time (OBR-7, SPM-17, OBX-14): nothing says the two
    are one sample, so neither replaces the other; each is triaged under its segment number."""
    text = "\r".join(
        [
            MSH.format(n=1),
            "PID|1||P1^^^HOSP^MR||SYN^ONE||19900101|F",
            "OBR|1",
            "OBX|1|NM|2842-3^Prolactin^LN||27|ng/mL|||||F",
            "OBX|2|NM|2842-3^Prolactin^LN||95|ng/mL|||||F",
        ]
    )
    out = _run(tmp_path, "two.hl7", text + "\r")
    rows = _results(out).loc[["P1"]].sort_values("source_row")
    assert rows["source_row"].tolist() == [4, 5]
    assert rows["prolactin_raw"].tolist() == ["27", "95"]
    assert rows["status"].tolist() == ["normal", "high"]
    assert _rejected(tmp_path, "two").empty


# ------------------------------------------------------------------------------------------------
# 2. A sex other than female or male: unknown for the interval, gender "other" in FHIR
# ------------------------------------------------------------------------------------------------
def test_pid8_other_codes_judge_both_sexes_and_write_the_fhir_gender(tmp_path: Path) -> None:
    codes = {"PO": "O", "PA": "A", "PN": "N", "PU": "U", "PE": "", "PF": "F", "PX": "o"}
    segments = []
    for k, (pid, code) in enumerate(codes.items()):
        segments += [
            MSH.format(n=k),
            f"PID|1||{pid}^^^HOSP^MR||SYN^TEST||19900101|{code}",
            f"OBR|1||S{k}|PRL|||20260301083000",
            "OBX|1|NM|2842-3^Prolactin^LN||27|ng/mL|||||F",
        ]
    out = _run(tmp_path, "sex.hl7", "\r".join(segments) + "\r", fhir=True)
    results = _results(out)
    for pid in ("PO", "PA", "PN", "PU", "PE", "PX"):
        assert pd.isna(results.loc[pid, "sex"]), pid
        assert results.loc[pid, "reference_stratum"] == BOTH_SEXES, pid
    assert results.loc["PF", "sex"] == "F"
    expected = {
        "PO": "other",
        "PA": "other",
        "PN": "other",
        "PU": "unknown",
        "PE": "unknown",
        "PF": "female",
        "PX": "other",
    }
    assert _genders(_bundle(tmp_path, "sex")) == expected
    # read back: the sex still unknown for the interval, the gender still "other"
    again = run_triage(
        TriageRequest(
            inputs=[tmp_path / "out-sex" / "results.fhir.json"],
            out_dir=tmp_path / "out-again",
            keep_results=True,
            output_options=OutputOptions(fhir=True),
        )
    )
    assert _results(again).loc["PO", "reference_stratum"] == BOTH_SEXES
    assert _genders(_bundle(tmp_path, "again")) == expected


def test_a_sex_cell_stating_another_sex_is_gender_other_in_any_language(tmp_path: Path) -> None:
    cells = {
        "D1": "divers",
        "D2": "Divers",
        "D3": "autre",
        "D4": "otro",
        "D5": "altro",
        "D6": "anders",
        "D7": "non-binary",
        "D8": "Other",
        # not another sex: unknown, female
        "U1": "unbekannt",
        "U2": "",
        "F1": "weiblich",
    }
    lines = [f"{pid},{sex},1990-01-01,2026-03-01,27,ng/mL" for pid, sex in cells.items()]
    text = "Patient,Geschlecht,Geburtsdatum,Datum,Prolaktin,Einheit\n" + "\n".join(lines) + "\n"
    out = _run(tmp_path, "words.csv", text, fhir=True)
    results = _results(out)
    genders = _genders(_bundle(tmp_path, "words"))
    for pid in cells:
        if pid.startswith("D"):
            assert genders[pid] == "other", pid
            assert results.loc[pid, "reference_stratum"] == BOTH_SEXES, pid
    assert (genders["U1"], genders["U2"], genders["F1"]) == ("unknown", "unknown", "female")


# ------------------------------------------------------------------------------------------------
# 3. MedicationStatement periods and statuses: the drug list's timing rules
# ------------------------------------------------------------------------------------------------
SAMPLE = "2026-03-01T08:30:00"
# patient -> (statements as (drug, status, period start, period end), the drug factor expected)
STATEMENTS: dict[str, tuple[list[tuple[str, str, str, str]], str]] = {
    # stopped two days before the sample: within the withdrawal days, still a factor
    "M1": ([("risperidone", "stopped", "2025-06-01", "2026-02-27")], "medication:antipsychotic"),
    # completed the day before the sample, the end with a time and offset
    "M2": (
        [("Haldol", "completed", "2025-06-01", "2026-02-28T20:00:00+01:00")],
        "medication:antipsychotic",
    ),
    # ended two months before: no factor (the drug list's "stopped on 2026-01-01")
    "M3": ([("risperidone", "completed", "2025-06-01", "2026-01-01")], ""),
    # stopped after the sample (or still active until later): taken when it was drawn
    "M4": ([("risperidone", "stopped", "2025-06-01", "2026-03-05")], "medication:antipsychotic"),
    "M5": ([("metoclopramide", "active", "2026-02-01", "2026-03-10")], "medication:antiemetic"),
    # on hold, stopped without a period, entered in error: not taken
    "M6": ([("risperidone", "on-hold", "", "")], ""),
    "M7": ([("risperidone", "stopped", "", "")], ""),
    "M8": ([("risperidone", "entered-in-error", "2025-06-01", "2026-02-27")], ""),
    # started after the sample: a baseline before the drug
    "M9": ([("risperidone", "active", "2026-03-05", "")], ""),
    # one stopped long ago beside one taken: only the one taken
    "MA": (
        [
            ("risperidone", "stopped", "2025-01-01", "2025-06-01"),
            ("metoclopramide", "active", "2026-02-01", ""),
        ],
        "medication:antiemetic",
    ),
}


def test_medication_statement_periods_feed_the_drug_timing_rules(tmp_path: Path) -> None:
    entries: list[dict[str, Any]] = []
    for pid, (statements, _) in STATEMENTS.items():
        entries += [_patient(pid), _observation(f"o{pid}", pid, "2842-3", 60, "ng/mL")]
        for k, (drug, status, start, end) in enumerate(statements):
            statement: dict[str, Any] = {
                "resourceType": "MedicationStatement",
                "id": f"m{pid}{k}",
                "status": status,
                "subject": {"reference": f"Patient/{pid}"},
                "medicationCodeableConcept": {"text": drug},
            }
            period = {name: when for name, when in (("start", start), ("end", end)) if when}
            if period:
                statement["effectivePeriod"] = period
            entries.append({"resource": statement})
    results = _results(_write_bundle(tmp_path, "meds.json", entries))
    for pid, (_, expected) in STATEMENTS.items():
        drug_factors = [
            f for f in str(results.loc[pid, "factors"]).split(";") if f.startswith("medication:")
        ]
        if expected:
            assert [f for f in drug_factors if f.startswith(expected)], (pid, drug_factors)
        else:
            assert not drug_factors, (pid, drug_factors)


# ------------------------------------------------------------------------------------------------
# 4. Context Observations without specimen or time join by subject
# ------------------------------------------------------------------------------------------------
def test_untimed_context_observations_join_the_patients_prolactin(tmp_path: Path) -> None:
    entries = [
        _patient("C1"),
        _observation("p1", "C1", "2842-3", 60, "ng/mL"),
        _observation("t1", "C1", "3016-3", 25, "mIU/L", timed=False),  # TSH: hypothyroid
        _patient("C2"),
        _observation("p2", "C2", "2842-3", 60, "ng/mL"),
        _observation("e2", "C2", "98979-8", 12, "mL/min/{1.73_m2}", timed=False),  # eGFR 12
        _patient("C3"),
        _observation("p3", "C3", "2842-3", 60, "ng/mL"),
        _observation("h3", "C3", "19080-1", 25000, "IU/L", timed=False),  # hCG: pregnant
        _patient("C4"),  # neither timed
        _observation("p4", "C4", "2842-3", 60, "ng/mL", timed=False),
        _observation("t4", "C4", "3016-3", 25, "mIU/L", timed=False),
        _patient("C5"),  # two collections: which one the TSH came with is not known
        _observation("p5", "C5", "2842-3", 60, "ng/mL"),
        _observation("t5", "C5", "3016-3", 25, "mIU/L", timed=False),
    ]
    second = _observation("q5", "C5", "2842-3", 55, "ng/mL")
    second["resource"]["effectiveDateTime"] = "2026-02-01T08:30:00"
    out = _write_bundle(tmp_path, "context.json", [*entries, second])
    results = _results(out)
    factors = {
        pid: set(str(results.loc[[pid], "factors"].iloc[0]).split(";"))
        for pid in ("C1", "C2", "C3", "C4")
    }
    assert "hypothyroidism" in factors["C1"]
    assert "renal_impairment" in factors["C2"]
    assert "pregnancy" in factors["C3"]
    assert "hypothyroidism" in factors["C4"]
    assert not any("hypothyroidism" in str(f) for f in results.loc[["C5"], "factors"])
    rejected = _rejected(tmp_path, "context")
    assert rejected["patient_id"].tolist() == ["C5"]
    assert rejected["reason_code"].tolist() == ["other_test"]
    assert "neither a specimen number nor a collection time" in _warnings(out)


def test_an_hl7_order_without_time_or_specimen_gives_its_tsh_to_the_prolactin(
    tmp_path: Path,
) -> None:
    text = "\r".join(
        [
            MSH.format(n=1),
            "PID|1||H1^^^HOSP^MR||SYN^ONE||19900101|F",
            "OBR|1||S1|PRL|||20260301083000",
            "OBX|1|NM|2842-3^Prolactin^LN||60|ng/mL|||||F",
            "OBR|2",
            "OBX|1|NM|3016-3^TSH^LN||25|mIU/L|||||F",
        ]
    )
    out = _run(tmp_path, "order.hl7", text + "\r")
    assert "hypothyroidism" in str(_results(out).loc["H1", "factors"])
    assert _rejected(tmp_path, "order").empty


# ------------------------------------------------------------------------------------------------
# 5. PEG recovery and monomeric prolactin coded in the Bundle
# ------------------------------------------------------------------------------------------------
def test_peg_recovery_and_monomeric_prolactin_are_coded_and_read_back(tmp_path: Path) -> None:
    text = (
        "patient_id,sex,birth_date,collected_at,prolactin,unit,peg_recovery,monomeric_prolactin\n"
        "G1,F,1990-01-01,2026-03-01 08:30,60,ng/mL,30,18\n"
        "G2,F,1990-01-01,2026-03-01 08:30,1300,mIU/L,30,390\n"
    )
    first = _results(_run(tmp_path, "peg.csv", text, fhir=True))
    codes = {
        (
            o["code"]["coding"][0]["system"],
            o["code"]["coding"][0]["code"],
            o["valueQuantity"]["unit"],
        )
        for o in _resources(_bundle(tmp_path, "peg"), "Observation")
    }
    assert (LOINC, "50366-4", "%") in codes
    assert (LOINC, "42607-2", "ng/mL") in codes
    assert (LOCAL_TESTS, "monomeric-prolactin", "mIU/L") in codes
    assert not any(code == "42607-2" and unit == "mIU/L" for _, code, unit in codes)
    again = run_triage(
        TriageRequest(
            inputs=[tmp_path / "out-peg" / "results.fhir.json"],
            out_dir=tmp_path / "out-peg-again",
            keep_results=True,
        )
    )
    back = _results(again)
    for pid in ("G1", "G2"):
        assert back.loc[pid, "factors"] == first.loc[pid, "factors"] == "macroprolactinemia"
    assert pd.read_csv(tmp_path / "out-peg-again" / "rejected.csv").empty
