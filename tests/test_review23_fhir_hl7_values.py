"""Review 23 (a lab IT persona: HL7 v2 and FHIR feeds): what a feed says beside its value.

1. An off-scale flag was dropped: HL7 OBX-8 or a FHIR interpretation ">" (table 0078 / v3
   "Above absolute high-off instrument scale", "Off scale high") beside 200 ng/mL gave a plain
   200, `soon`, no dilution; "<" beside 0.3 a plain 0.3.  Clinical-reference §2.5 lists ">" /
   "<" as off-scale; 200 ng/mL is the top of common assays' ranges, so the true value may be far
   above the urgent level (output-contract §7).  The flag is the result's qualifier, as an SN
   comparator is, in any flag column and in words in the six languages.
2. SNOMED CT codes of [coded_conditions] named other concepts: 91637004 (myasthenia gravis)
   was read as a seizure, 237662005 (hyperprolactinaemia, ICD-10 E22.1) as a known prolactinoma,
   which dropped the secondary-cause work-up (clinical-reference §1.2, ES 2011 rec. 1.4).
3. A coded diagnosis that is not established was read as established: FHIR verificationStatus
   provisional / differential / unconfirmed, the ICD-10-GM Diagnosesicherheit (KBV / ISiK
   extension, or the letter after the code: V suspected, A excluded).  A differential CKD 5 made
   a raised result `routine`, explained (contract §7); an excluded one too.
4. FHIR valueBoolean and valueDateTime were "no value": a breastfeeding status `true` was
   rejected and the lactating woman sent to MRI (§2.1, §8: lactation and pregnancy set the
   interval and priority none); an estimated delivery date (11778-8) gave no pregnancy; a
   grouping Observation (hasMember, no value) was a rejected row.

Synthetic patients only; in process (run_triage).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.values import coded_words

URGENT = "urgent"
MSH = "MSH|^~\\&|LIS|LAB|EHR|HOSP|20260301090000||ORU^R01|M{n}|P|2.5.1"
V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
KBV_EXTENSION = "http://fhir.de/StructureDefinition/icd-10-gm-diagnosesicherheit"
ICD10GM = "http://fhir.de/CodeSystem/bfarm/icd-10-gm"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def _outcome(tmp_path: Path, name: str, text: str) -> TriageOutcome:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    return run_triage(
        TriageRequest(inputs=[source], out_dir=tmp_path / f"out-{source.stem}", keep_results=True)
    )


def _triaged(tmp_path: Path, name: str, text: str) -> pd.DataFrame:
    outcome = _outcome(tmp_path, name, text)
    assert outcome.results is not None, outcome.errors
    return outcome.results.set_index("patient_id")


def _warnings(outcome: TriageOutcome) -> str:
    return " ".join(w for summary in outcome.inputs for w in summary.warnings)


def _suggestions(row: pd.Series) -> list[str]:
    return str(row["suggestions"]).split(";")


def _factors(row: pd.Series) -> list[str]:
    return str(row["factors"]).split(";")


def _patient(pid: str, gender: str = "female", born: str = "1990-05-05") -> dict[str, Any]:
    return {"resourceType": "Patient", "id": pid, "gender": gender, "birthDate": born}


def _observation(oid: str, pid: str, loinc: str, **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
        "subject": {"reference": f"Patient/{pid}"},
        "effectiveDateTime": "2026-03-01T08:30:00+01:00",
        **more,
    }


def _prolactin(pid: str, value: float, unit: str = "ng/mL", **more: Any) -> dict[str, Any]:
    quantity = {"value": value, "unit": unit}
    return _observation(f"prl-{pid}", pid, "2842-3", valueQuantity=quantity, **more)


def _bundle(resources: list[dict[str, Any]]) -> str:
    entries = [
        {"fullUrl": f"http://lab.example/fhir/{r['resourceType']}/{r['id']}", "resource": r}
        for r in resources
    ]
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})


# ------------------------------------------------------------------------------------------------
# 1. off-scale flags
# ------------------------------------------------------------------------------------------------
def _hl7_result(pid: str, kind: str, value: str, unit: str, flag: str, version: str) -> list[str]:
    return [
        MSH.replace("2.5.1", version),
        f"PID|1||{pid}^^^HOSP^MR||SYN^TEST||19900101|F",
        f"OBR|1|O{pid}|F{pid}|PRL^Prolactin|||20260301083000",
        f"OBX|1|{kind}|2842-3^Prolactin^LN||{value}|{unit}||{flag}|||F",
    ]


HL7_OFF_SCALE = {
    # pid: (OBX-2, OBX-5, OBX-6, OBX-8, version)
    "H-NM": ("NM", "200", "ng/mL", ">", "2.5.1"),
    "H-MIU": ("NM", "4240", "mIU/L", ">", "2.5.1"),
    "H-ST": ("ST", "4240", "mIU/L", ">", "2.5.1"),
    "H-ROCHE": ("NM", "470", "ng/mL", ">", "2.3"),  # the Roche upper limit
    "H-UIU": ("NM", "10000", "uIU/mL", ">", "2.3"),
    "L-NM": ("NM", "0.3", "ng/mL", "<", "2.5.1"),
    "N-H": ("NM", "200", "ng/mL", "H", "2.5.1"),  # a plain high flag: the number as written
}


@pytest.fixture(scope="module")
def hl7_flags(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    segments: list[str] = []
    for n, (pid, case) in enumerate(HL7_OFF_SCALE.items(), start=1):
        lines = _hl7_result(pid, *case)
        segments += [lines[0].format(n=n), *lines[1:]]
    return _triaged(tmp_path_factory.mktemp("hl7"), "flags.hl7", "\r".join(segments) + "\r")


@pytest.mark.parametrize("pid", ["H-NM", "H-MIU", "H-ST", "H-ROCHE", "H-UIU"])
def test_hl7_off_scale_high_flag_is_a_censored_urgent_result(
    hl7_flags: pd.DataFrame, pid: str
) -> None:
    """OBX-8 ">" (above the absolute high-off instrument scale) beside the assay's upper limit:
    ">200" as an SN comparator gives, urgent until the diluted value is known (§7)."""
    row = hl7_flags.loc[pid]
    assert row["qualifier"] == ">"
    assert row["priority"] == URGENT
    assert "dilution_retest" in _suggestions(row)


def test_hl7_off_scale_low_flag_keeps_the_bound(hl7_flags: pd.DataFrame) -> None:
    """OBX-8 "<" beside 0.3: "<0.3" (below the measuring range), never a plain 0.3."""
    row = hl7_flags.loc["L-NM"]
    assert row["qualifier"] == "<"
    assert row["priority"] != URGENT


def test_hl7_plain_high_flag_is_no_qualifier(hl7_flags: pd.DataFrame) -> None:
    row = hl7_flags.loc["N-H"]
    assert row["qualifier"] == ""
    assert float(row["prolactin_ng_ml"]) == pytest.approx(200)


TOP = 200  # ng/mL: the top of the Centaur, Access and Architect measuring ranges
FHIR_OFF_SCALE = {
    # pid: (interpretation, value)
    "F-CODE": ({"coding": [{"system": V3, "code": ">", "display": "Off scale high"}]}, TOP),
    "F-DE": (
        {"coding": [{"system": V3, "code": ">", "display": "Oberhalb des Messbereichs"}]},
        200,
    ),
    "F-FR": ({"text": "Hors échelle haute"}, 200),
    "F-DE-TEXT": ({"text": "Oberhalb des Messbereichs"}, 200),
    "F-ES": ({"text": "fuera de escala (alto)"}, 200),
    "F-LOW": ({"coding": [{"system": V3, "code": "<", "display": "Off scale low"}]}, 0.3),
}


@pytest.fixture(scope="module")
def fhir_flags(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    resources: list[dict[str, Any]] = []
    for pid, (interpretation, value) in FHIR_OFF_SCALE.items():
        resources += [_patient(pid), _prolactin(pid, value, interpretation=[interpretation])]
    tmp = tmp_path_factory.mktemp("fhir")
    return _triaged(tmp, "flags.json", _bundle(resources))


@pytest.mark.parametrize("pid", ["F-CODE", "F-DE", "F-FR", "F-DE-TEXT", "F-ES"])
def test_fhir_off_scale_interpretation_is_the_qualifier(fhir_flags: pd.DataFrame, pid: str) -> None:
    """v3 ">" (any display) or the words "Hors échelle haute", "Oberhalb des Messbereichs",
    "fuera de escala (alto)": ">200", urgent with a dilution asked for."""
    row = fhir_flags.loc[pid]
    assert row["qualifier"] == ">"
    assert row["priority"] == URGENT
    assert "dilution_retest" in _suggestions(row)


def test_fhir_off_scale_low_interpretation(fhir_flags: pd.DataFrame) -> None:
    assert fhir_flags.loc["F-LOW", "qualifier"] == "<"


def test_a_flag_column_of_a_table_says_off_scale_too(tmp_path: Path) -> None:
    """A lab's flag column writing ">" or "über Messbereich" beside 4700 mIU/L: ">4700"."""
    text = "Patient ID;Sex;Age;Prolactin;Unit;Flag\nT1;F;35;4700;mIU/L;>\n"
    text += "T2;F;35;4700;mIU/L;über Messbereich\nT3;F;35;4700;mIU/L;H\n"
    out = _triaged(tmp_path, "flags.csv", text)
    assert out.loc["T1", "qualifier"] == ">" and out.loc["T1", "priority"] == URGENT
    assert out.loc["T2", "qualifier"] == ">" and out.loc["T2", "priority"] == URGENT
    assert out.loc["T3", "qualifier"] == ""


# ------------------------------------------------------------------------------------------------
# 2. SNOMED CT codes
# ------------------------------------------------------------------------------------------------
def test_snomed_codes_name_their_own_concepts() -> None:
    """91637004 is myasthenia gravis (seizure is 91175000); 237662005 is hyperprolactinaemia
    (E22.1), never a prolactinoma; 413712001 is the breastfeeding question (an observable)."""
    assert coded_words("91637004") == ""
    assert coded_words("91175000") == "seizure"
    assert coded_words("237662005") == coded_words("E22.1")
    assert coded_words("413712001") == ""
    assert coded_words("169826009") == ""  # single live birth: the mother's or the baby's


def _condition(cid: str, pid: str, coding: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "Condition",
        "id": cid,
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": "active",
                }
            ]
        },
        "code": {"coding": [coding]},
        "subject": {"reference": f"Patient/{pid}"},
        **more,
    }


def _sct(code: str, display: str = "") -> dict[str, Any]:
    coding = {"system": "http://snomed.info/sct", "code": code}
    return {**coding, "display": display} if display else coding


def test_fhir_snomed_myasthenia_and_hyperprolactinaemia(tmp_path: Path) -> None:
    """A man's 38 ng/mL (ULN 15.2) with a Condition 91637004 (with or without its display) is
    no seizure; with 237662005 it keeps the secondary-cause work-up, as E22.1 does."""
    resources: list[dict[str, Any]] = []
    cases = {
        "MG": _sct("91637004"),
        "MG-D": _sct("91637004", "Myasthenia gravis (disorder)"),
        "HP": _sct("237662005"),
        "HP-D": _sct("237662005", "Hyperprolactinemia (disorder)"),
    }
    for pid, coding in cases.items():
        resources += [
            _patient(pid, "male", "1970-01-01"),
            _prolactin(pid, 38),
            _condition(f"c-{pid}", pid, coding),
        ]
    out = _triaged(tmp_path, "codes.json", _bundle(resources))
    for pid in ("MG", "MG-D"):
        assert "seizure" not in _factors(out.loc[pid]), pid
    for pid in ("HP", "HP-D"):
        row = out.loc[pid]
        assert "known_pituitary_lesion" not in _factors(row), pid
        for step in ("macroprolactin_screen", "check_tsh", "check_renal_function"):
            assert step in _suggestions(row), (pid, step)


def test_hl7_snomed_codes_in_dg1_and_obr31(tmp_path: Path) -> None:
    segments = [
        MSH.format(n=1),
        "PID|1||G1^^^HOSP^MR||SYN^TEST||19700101|M",
        "DG1|1||91637004^^SCT",
        "OBR|1|O1|F1|PRL^Prolactin|||20260301083000",
        "OBX|1|NM|2842-3^Prolactin^LN||38|ng/mL|4.04-15.2|H|||F",
        MSH.format(n=2),
        "PID|1||G2^^^HOSP^MR||SYN^TEST||19700101|M",
        "OBR|1|O2|F2|PRL^Prolactin|||20260301083000" + "|" * 24 + "237662005^^SCT",
        "OBX|1|NM|2842-3^Prolactin^LN||38|ng/mL|4.04-15.2|H|||F",
    ]
    out = _triaged(tmp_path, "codes.hl7", "\r".join(segments) + "\r")
    assert "seizure" not in _factors(out.loc["G1"])
    assert "known_pituitary_lesion" not in _factors(out.loc["G2"])
    assert "macroprolactin_screen" in _suggestions(out.loc["G2"])


# ------------------------------------------------------------------------------------------------
# 3. diagnosis certainty
# ------------------------------------------------------------------------------------------------
def _verified(code: str) -> dict[str, Any]:
    return {"verificationStatus": {"coding": [{"system": VERIFICATION, "code": code}]}}


def _gm(code: str, display: str, letter: str) -> dict[str, Any]:
    extension = {"url": KBV_EXTENSION, "valueCoding": {"code": letter}}
    return {"system": ICD10GM, "code": code, "display": display, "extension": [extension]}


PROLACTINOMA = _sct("399361000", "Prolactinoma")  # the words carry the meaning
CKD5 = {"system": "http://hl7.org/fhir/sid/icd-10", "code": "N18.5", "display": "CKD stage 5"}
CERTAINTY_CASES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # pid: (coding, more elements)
    "PROV": (PROLACTINOMA, _verified("provisional")),
    "DIFF": (PROLACTINOMA, _verified("differential")),
    "UNCO": (PROLACTINOMA, _verified("unconfirmed")),
    "CKD-DIFF": (CKD5, _verified("differential")),
    "KBV-A": (_gm("N18.5", "Chronische Nierenkrankheit, Stadium 5", "A"), {}),
    "KBV-V": (_gm("D35.2", "Gutartige Neubildung: Hypophyse", "V"), {}),
    "KBV-A-THY": (_gm("E03.9", "Hypothyreose, nicht näher bezeichnet", "A"), {}),
    "GM-LETTER": ({"system": ICD10GM, "code": "N18.5 V"}, {}),
    "VF-PROV": (_sct("12184005", "Gesichtsfeldausfall"), _verified("provisional")),
    # established: still read
    "CKD-CONF": (CKD5, _verified("confirmed")),
    "KBV-G": (_gm("N18.5", "Chronische Nierenkrankheit, Stadium 5", "G"), {}),
}


@pytest.fixture(scope="module")
def certainty(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, str]:
    resources: list[dict[str, Any]] = []
    for pid, (coding, more) in CERTAINTY_CASES.items():
        resources += [
            _patient(pid),
            _prolactin(pid, 70),
            _condition(f"c-{pid}", pid, coding, **more),
        ]
    outcome = _outcome(tmp_path_factory.mktemp("cert"), "certainty.json", _bundle(resources))
    assert outcome.results is not None
    return outcome.results.set_index("patient_id"), _warnings(outcome)


@pytest.mark.parametrize("pid", ["PROV", "DIFF", "UNCO", "KBV-V"])
def test_a_suspected_pituitary_lesion_is_no_known_one(
    certainty: tuple[pd.DataFrame, str], pid: str
) -> None:
    """A provisional, differential or unconfirmed prolactinoma, a D35.2 "V" (Verdacht): the
    question being worked up, with the macroprolactin screen and TSH first (§1.2)."""
    row = certainty[0].loc[pid]
    assert "known_pituitary_lesion" not in _factors(row)
    assert "macroprolactin_screen" in _suggestions(row)
    assert "check_tsh" in _suggestions(row)


@pytest.mark.parametrize("pid", ["CKD-DIFF", "KBV-A", "GM-LETTER"])
def test_a_doubted_or_excluded_kidney_disease_explains_nothing(
    certainty: tuple[pd.DataFrame, str], pid: str
) -> None:
    """A differential CKD 5, an excluded N18.5 "A", an "N18.5 V": never `routine` (§7)."""
    row = certainty[0].loc[pid]
    assert "renal_impairment" not in _factors(row)
    assert row["priority"] != "routine"


def test_an_excluded_hypothyroidism_is_no_factor(certainty: tuple[pd.DataFrame, str]) -> None:
    assert "hypothyroidism" not in _factors(certainty[0].loc["KBV-A-THY"])


def test_a_provisional_red_flag_is_named_not_read_as_confirmed(
    certainty: tuple[pd.DataFrame, str],
) -> None:
    """A provisional visual field loss is not read as a confirmed red flag, and not silently:
    the file's warning names the diagnoses sent as not established."""
    out, warnings = certainty
    assert out.loc["VF-PROV", "priority"] != URGENT
    assert "not established" in warnings
    assert "Gesichtsfeldausfall" in warnings and "Prolactinoma" in warnings


@pytest.mark.parametrize("pid", ["CKD-CONF", "KBV-G"])
def test_an_established_diagnosis_is_still_read(
    certainty: tuple[pd.DataFrame, str], pid: str
) -> None:
    assert "renal_impairment" in _factors(certainty[0].loc[pid])


def test_hl7_icd10gm_certainty_letter(tmp_path: Path) -> None:
    """DG1-3 / OBR-31 "N18.5 V" (suspected), "N18.5 A" (excluded), "D35.2 V": not read;
    "N18.5 G" (gesichert) is."""
    cases = {
        "D-V": ("DG1|1||N18.5 V^^I10", ""),
        "D-A": ("DG1|1||N18.5 A^^I10|Chronische Nierenkrankheit", ""),
        "O-V": ("", "D35.2 V^^I10"),
        "D-G": ("DG1|1||N18.5 G^^I10", ""),
    }
    segments: list[str] = []
    for n, (pid, (dg1, reason)) in enumerate(cases.items(), start=1):
        obr = f"OBR|1|O{n}|F{n}|PRL^Prolactin|||20260301083000" + "|" * 24 + reason
        segments += [MSH.format(n=n), f"PID|1||{pid}^^^HOSP^MR||SYN^TEST||19900101|F"]
        segments += [s for s in (dg1, obr) if s]
        segments.append("OBX|1|NM|2842-3^Prolactin^LN||70|ng/mL|4.79-23.3|H|||F")
    outcome = _outcome(tmp_path, "certainty.hl7", "\r".join(segments) + "\r")
    assert outcome.results is not None
    out = outcome.results.set_index("patient_id")
    for pid in ("D-V", "D-A"):
        assert "renal_impairment" not in _factors(out.loc[pid]), pid
    assert "known_pituitary_lesion" not in _factors(out.loc["O-V"])
    assert "renal_impairment" in _factors(out.loc["D-G"])
    assert "not established" in _warnings(outcome)


# ------------------------------------------------------------------------------------------------
# 4. valueBoolean, valueDateTime, hasMember
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def value_types(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, str]:
    status = {
        "BF-TRUE": ("63895-7", {"valueBoolean": True}),
        "PG-TRUE": ("82810-3", {"valueBoolean": True}),
        "PG-FALSE": ("82810-3", {"valueBoolean": False}),
        "EDD": ("11778-8", {"valueDateTime": "2026-09-10"}),
        "EDD-LMP": ("11779-6", {"valueDateTime": "2026-08-20T00:00:00+02:00"}),
        "EDD-PAST": ("11778-8", {"valueDateTime": "2025-01-10"}),
    }
    resources: list[dict[str, Any]] = []
    for pid, (loinc, value) in status.items():
        resources += [
            _patient(pid, born="1994-05-05"),
            _prolactin(pid, 95),
            _observation(f"s-{pid}", pid, loinc, **value),
        ]
    # a grouping panel holding the prolactin as a member, with no value of its own
    resources += [
        _patient("PANEL"),
        _prolactin("PANEL", 40),
        _observation(
            "panel", "PANEL", "24348-5", hasMember=[{"reference": "Observation/prl-PANEL"}]
        ),
    ]
    outcome = _outcome(tmp_path_factory.mktemp("values"), "values.json", _bundle(resources))
    assert outcome.results is not None
    rejected = " ".join(r.detail for r in outcome.rejected)
    return outcome.results.set_index("patient_id"), rejected


def test_breastfeeding_status_true_is_lactation(value_types: tuple[pd.DataFrame, str]) -> None:
    """63895-7 valueBoolean true (the MP4 / ISiK shape): the lactation interval, priority none,
    no MRI (§2.1, §8)."""
    row = value_types[0].loc["BF-TRUE"]
    assert "lactation" in _factors(row)
    assert row["priority"] == "none"
    assert "pituitary_mri" not in _suggestions(row)


def test_pregnancy_status_boolean(value_types: tuple[pd.DataFrame, str]) -> None:
    """82810-3 true: pregnant; false: an explicit "not pregnant", no pregnancy test asked."""
    out = value_types[0]
    assert "pregnancy" in _factors(out.loc["PG-TRUE"])
    assert out.loc["PG-TRUE", "priority"] == "none"
    assert "pregnancy" not in _factors(out.loc["PG-FALSE"])
    assert "pregnancy_test" not in _suggestions(out.loc["PG-FALSE"])


@pytest.mark.parametrize("pid", ["EDD", "EDD-LMP"])
def test_an_estimated_delivery_date_is_a_pregnancy(
    value_types: tuple[pd.DataFrame, str], pid: str
) -> None:
    """11778-8 / 11779-6 valueDateTime after the sample: pregnant at the sample."""
    row = value_types[0].loc[pid]
    assert "pregnancy" in _factors(row)
    assert row["priority"] == "none"


def test_a_delivery_date_long_past_is_no_pregnancy(value_types: tuple[pd.DataFrame, str]) -> None:
    assert "pregnancy" not in _factors(value_types[0].loc["EDD-PAST"])


def test_no_value_type_is_rejected_as_no_value(value_types: tuple[pd.DataFrame, str]) -> None:
    """Neither a boolean, a date nor a grouping panel is a row "without value"."""
    assert "no value" not in value_types[1]
    assert "PANEL" in value_types[0].index
