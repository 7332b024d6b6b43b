"""Review 21: how HL7 OBX lines and FHIR Observations join their result.

1. A text line (OBX-2 TX, FT or ST) sent under the prolactin result's own code beside its NM
   result ("Pat. klagt über Gesichtsfeldausfall", "Patientin nimmt Haloperidol") was rejected as
   "not a number" and what it said was lost: a visual field defect beside 150 ng/mL is an urgent
   red flag (clinical-reference §7, output-contract), an antipsychotic a likely cause (§3).  It
   is the result's comment, as a separate comment line (COMMENT^Kommentar) already was; a text
   that is a result itself ("<0.5", "haemolysed") stays a result or a rejection.
2. The same sample sent twice (a new control id, the TSH added; or the same message again; a
   FHIR Bundle with the same Observation twice) got contradictory triage: the TSH joined only
   the first copy, and the copy beside it said "no TSH given".  A context result joins every
   prolactin result of its sample.
3. FHIR Observation.component was never read: a PEG recovery sent as a component was lost, and
   a panel holding its prolactin only in a component was refused ("no value").  A
   dataAbsentReason is rejected with the lab's reason.

Synthetic patients only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pipeline_helpers import triage_csv_warned

from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.values import says_result_itself

OBR = "OBR|1|O{n}|F{n}|P^Panel|||202603010900"
PRL = "OBX|1|NM|2842-3^Prolactin^LN|1|150|ng/mL|4.8-23.3|H|||F"


def _msg(control: str, pid: str, *results: str, n: int = 1) -> str:
    head = f"MSH|^~\\&|LIS|LAB|EHR|CLIN|20260301120000||ORU^R01|{control}|P|2.5"
    patient = f"PID|1||{pid}^^^H^MR||Muster^Anna||19900101|F"
    return "\r".join([head, patient, OBR.format(n=n), *results]) + "\r"


def _run(tmp_path: Path, text: str, name: str = "in.hl7") -> TriageOutcome:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results


def _rejected(outcome: TriageOutcome) -> dict[int, tuple[str, str]]:
    return {r.source_row: (r.reason_code, r.detail) for r in outcome.rejected}


def _warnings(outcome: TriageOutcome) -> str:
    return " | ".join(w for summary in outcome.inputs for w in summary.warnings)


def _bundle(*resources: dict[str, Any]) -> str:
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "identifier": [{"value": "FH1"}],
        "gender": "female",
        "birthDate": "1985-01-01",
    }
    entries = [{"fullUrl": "urn:uuid:p1", "resource": patient}]
    entries += [{"resource": r} for r in resources]
    return json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})


def _observation(code: str, **elements: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "subject": {"reference": "urn:uuid:p1"},
        "effectiveDateTime": "2026-03-01T09:00:00+01:00",
        **elements,
    }


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit}


# ------------------------------------------------------------------------------------------------
# 1. A text line under the result's own code is its comment
# ------------------------------------------------------------------------------------------------
def test_text_line_under_the_prolactin_code_is_the_results_comment(tmp_path: Path) -> None:
    """The red flag of a TX line makes 150 ng/mL urgent; the drug of an FT line of another
    sub-id, of an ST line, and in the other languages is a likely cause."""
    text = "".join(
        [
            _msg(
                "T1",
                "TX1",
                PRL,
                "OBX|2|TX|2842-3^Prolactin^LN|1|Pat. klagt über Gesichtsfeldausfall||||||F",
                n=1,
            ),
            _msg(
                "T2",
                "TX2",
                PRL,
                "OBX|2|FT|2842-3^Prolactin^LN|2|Befund telefonisch an Dr. "
                "X am 01.03.2026 10:15\\.br\\Patientin nimmt Haloperidol 5 mg||||||F",
                n=2,
            ),
            # the text line first, under the mIU/L code of the same test
            _msg(
                "T3",
                "TX3",
                "OBX|1|ST|15081-3^Prolactin^LN||Patiente sous rispéridone||||||F",
                PRL,
                n=3,
            ),
            _msg(
                "T4",
                "TX4",
                PRL,
                "OBX|2|TX|2842-3^Prolactina^LN|1|Paciente en tratamiento con haloperidol||||||F",
                n=4,
            ),
            _msg(
                "T5",
                "TX5",
                PRL,
                "OBX|2|TX|2842-3^Prolattina^LN|1|Paziente in terapia con aloperidolo||||||F",
                n=5,
            ),
            _msg(
                "T6",
                "TX6",
                PRL,
                "OBX|2|TX|2842-3^Prolactine^LN|1|Patiënte gebruikt haloperidol||||||F",
                n=6,
            ),
        ]
    )
    outcome = _run(tmp_path, text)
    out = _results(outcome).set_index("patient_id")
    assert len(out) == 6
    assert out.loc["TX1", "priority"] == "urgent"
    for pid in ("TX2", "TX3", "TX4", "TX5", "TX6"):
        assert "medication:antipsychotic" in str(out.loc[pid, "factors"]), pid
    assert not [r for r in outcome.rejected if r.reason_code == "unparseable_result"]
    assert "gave no unit" not in _warnings(outcome)


def test_text_that_is_a_result_stays_a_result_or_a_rejection(tmp_path: Path) -> None:
    """ "<0.5", "Probe hämolysiert", "Probe geronnen" and "über Messbereich" say something of
    the result: never read as a comment.  A text line with no result of its test beside it
    stays rejected as before."""
    text = "".join(
        [
            _msg("N1", "NG1", PRL, "OBX|2|ST|2842-3^Prolactin^LN|2|<0.5|ng/mL|||||F", n=1),
            _msg("N2", "NG2", PRL, "OBX|2|TX|2842-3^Prolactin^LN|1|Probe hämolysiert||||||F", n=2),
            _msg("N3", "NG3", PRL, "OBX|2|TX|2842-3^Prolactin^LN|1|Probe geronnen||||||F", n=3),
            _msg("N4", "NG4", PRL, "OBX|2|ST|2842-3^Prolactin^LN|1|über Messbereich||||||F", n=4),
            _msg(
                "N5",
                "NG5",
                "OBX|1|TX|2842-3^Prolactin^LN|1|Patientin nimmt Haloperidol||||||F",
                "OBX|2|NM|3016-3^TSH^LN||2.0|mIU/L|0.4-4||||F",
                n=5,
            ),
        ]
    )
    outcome = _run(tmp_path, text)
    out = _results(outcome)
    assert sorted(out.loc[out["patient_id"] == "NG1", "prolactin_raw"]) == ["150", "<0.5"]
    rejected = {(r.patient_id, r.reason_code) for r in outcome.rejected}
    for pid in ("NG2", "NG3", "NG4", "NG5"):
        assert any(p == pid and code != "other_test" for p, code in rejected), pid
    assert "NG5" not in set(out["patient_id"])


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("Pat. klagt über Gesichtsfeldausfall", False),
        ("Patientin nimmt Haloperidol 5 mg seit 01.02.2026", False),
        ("Résultat communiqué au Dr X, patiente sous rispéridone", False),
        ("Kontrolle in 4 Wochen empfohlen", False),
        ("Insuffisance rénale chronique connue", False),
        ("<0.5", True),
        (">200", True),
        ("n.d.", True),
        ("haemolysed", True),
        ("leicht lipämisch", True),
        ("Kontrollwert 148 ng/mL", True),
        ("wrong tube", True),
        ("muestra insuficiente", True),
        ("vorläufig", True),
        ("campione coagulato", True),
    ],
)
def test_says_result_itself(text: str, result: bool) -> None:
    assert says_result_itself(text) is result


# ------------------------------------------------------------------------------------------------
# 2. A context result joins every prolactin result of its sample
# ------------------------------------------------------------------------------------------------
TSH = "OBX|2|NM|3016-3^TSH^LN||25|mIU/L|0.4-4|H|||F"
PRL80 = "OBX|1|NM|2842-3^Prolactin^LN||80|ng/mL|4.8-23.3|H|||F"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((PRL80,), (PRL80, TSH)),  # resent with a new control id, the TSH added
        ((PRL80, TSH), (PRL80, TSH)),  # the same content twice under two control ids
        ((PRL80, TSH), (PRL80,)),  # the TSH only in the first copy
    ],
)
def test_every_copy_of_a_resent_sample_carries_its_tsh(
    tmp_path: Path, first: tuple[str, ...], second: tuple[str, ...]
) -> None:
    text = _msg("C1", "DUP1", *first) + _msg("C2", "DUP1", *second)
    outcome = _run(tmp_path, text)
    out = _results(outcome)
    assert len(out) == 2
    assert set(out["factors"]) == {"hypothyroidism"}
    assert set(out["priority"]) == {"routine"}
    assert not [r for r in outcome.rejected if r.reason_code == "other_test"]
    assert "repeat an earlier row's result" in _warnings(outcome)


def test_fhir_observation_given_twice_and_export_rows_twice_both_carry_the_tsh(
    tmp_path: Path,
) -> None:
    specimen = {"specimen": {"identifier": {"value": "S1"}}}
    prolactin = _observation(
        "2842-3",
        valueQuantity=_quantity(80, "ng/mL"),
        referenceRange=[{"low": {"value": 4.8}, "high": {"value": 23.3}}],
        **specimen,
    )
    tsh = _observation("3016-3", valueQuantity=_quantity(25, "mIU/L"), **specimen)
    outcome = _run(tmp_path, _bundle(prolactin, dict(prolactin), tsh), "b.json")
    assert list(_results(outcome)["factors"]) == ["hypothyroidism", "hypothyroidism"]
    # a long export: the TSH line between the two copies, and another sample of the patient
    out, _ = triage_csv_warned(
        tmp_path,
        "Patient;Geschlecht;Geburtsdatum;Probennummer;Entnahme;Test;Ergebnis;Einheit\n"
        "L1;W;01.01.1985;S1;01.03.2026 09:00;Prolaktin;80;ng/ml\n"
        "L1;W;01.01.1985;S1;01.03.2026 09:00;TSH;25;mU/l\n"
        "L1;W;01.01.1985;S1;01.03.2026 09:00;Prolaktin;80;ng/ml\n"
        "L1;W;01.01.1985;S2;20.05.2026 09:00;Prolaktin;80;ng/ml\n"
        "L1;W;01.01.1985;S2;20.05.2026 09:00;TSH;1.5;mU/l\n",
    )
    by_specimen = out.set_index("specimen_id")["factors"]
    assert list(by_specimen.loc["S1"]) == ["hypothyroidism", "hypothyroidism"]
    assert "hypothyroidism" not in str(by_specimen.loc["S2"])


# ------------------------------------------------------------------------------------------------
# 3. FHIR Observation.component
# ------------------------------------------------------------------------------------------------
def test_fhir_components_are_read_as_observations(tmp_path: Path) -> None:
    """A prolactin with its PEG recovery and monomeric prolactin as components is judged with
    them (macroprolactin, routine), as the same values sent as Observations are; a
    "Macroprolactin screen" panel whose components hold 310 ng/mL (HH) is read, urgent."""
    with_parts = _observation(
        "2842-3",
        valueQuantity=_quantity(70, "ng/mL"),
        referenceRange=[{"low": {"value": 4.8}, "high": {"value": 23.3}}],
        component=[
            {
                "code": {"coding": [{"system": "http://loinc.org", "code": "50366-4"}]},
                "valueQuantity": _quantity(22, "%"),
            },
            {
                "code": {"coding": [{"system": "http://loinc.org", "code": "42607-2"}]},
                "valueQuantity": _quantity(15.4, "ng/mL"),
            },
        ],
    )
    outcome = _run(tmp_path, _bundle(with_parts), "c.json")
    (row,) = _results(outcome).to_dict("records")
    assert "macroprolactinemia" in row["factors"]
    assert row["priority"] == "routine"
    panel = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"text": "Macroprolactin screen"},
        "subject": {"reference": "urn:uuid:p1"},
        "effectiveDateTime": "2026-03-01T09:00:00+01:00",
        "component": [
            {
                "code": {"coding": [{"system": "http://loinc.org", "code": "2842-3"}]},
                "valueQuantity": _quantity(310, "ng/mL"),
                "referenceRange": [{"low": {"value": 4.0}, "high": {"value": 15.2}}],
                "interpretation": [{"coding": [{"code": "HH"}]}],
            },
            {
                "code": {"coding": [{"system": "http://loinc.org", "code": "50366-4"}]},
                "valueQuantity": _quantity(88, "%"),
            },
        ],
    }
    (tmp_path / "panel").mkdir()
    outcome = _run(tmp_path / "panel", _bundle(panel), "p.json")
    (row,) = _results(outcome).to_dict("records")
    assert row["prolactin_raw"] == "310"
    assert row["priority"] == "urgent"
    assert "macroprolactinemia" not in row["factors"]


def test_fhir_data_absent_reason_is_rejected_with_the_labs_reason(tmp_path: Path) -> None:
    absent = _observation(
        "2842-3",
        dataAbsentReason={
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "code": "error",
                    "display": "Error",
                }
            ],
            "text": "Probe hämolysiert",
        },
    )
    panel = _observation(
        "2842-3",
        valueQuantity=_quantity(40, "ng/mL"),
        component=[
            {
                "code": {"coding": [{"system": "http://loinc.org", "code": "50366-4"}]},
                "dataAbsentReason": {"coding": [{"code": "not-performed"}]},
            }
        ],
    )
    outcome = _run(tmp_path, _bundle(absent, panel), "a.json")
    details = [detail for _, detail in _rejected(outcome).values()]
    assert any("the lab reported no value: Probe hämolysiert" in d for d in details)
    assert any(
        "component[0]" in d and "the lab reported no value: not-performed" in d for d in details
    )
    assert not any("no value (valueQuantity" in d for d in details)
    assert list(_results(outcome)["prolactin_raw"]) == ["40"]
