"""Review 21: coded and worded diagnoses (ICD-10 / SNOMED CT codes, pregnancy and kidney words).

1. A diagnosis code the tool lists was ignored when it came with a text the tool did not know
   (HL7 DG1 "H47.4^Affektionen des Chiasma opticum^I10", a FHIR Condition coded H47.4 with that
   display): a chiasmal field defect beside a raised prolactin is urgent (clinical-reference §5,
   §8), and it was "soon, unexplained".  So too Z33.1 with a German text (pregnancy missed:
   §2.1, §4), N18.5 and K74.6 with theirs.  The code is the authority; its text adds to it.
   Code families (Z34.*, Z3A.*, O09.*, chapter XV O codes; O85-O92 the puerperium) are read by
   category, and a code sent without text that still cannot be read is named in a warning,
   never dropped silently.
2. Pregnancy words: German and Dutch compounds ("Risikoschwangerschaft", "tweelingzwangerschap",
   "Erstgravida") and English qualifiers ("high-risk pregnancy", "Supervision of normal first
   pregnancy") were not read as pregnant (§4); a past one and a wish stay not pregnant.
3. The official ICD titles of CKD ("Chronische Nierenkrankheit, Stadium 5", "Nierenkrankheit im
   Endstadium", and the fr/es/it/nl titles with their comma before the stage) were read without
   kidney disease or without their stage (§4: renal failure raises prolactin).

Synthetic patients only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, prolactin_bundle, triage_lines

from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.values import coded_words

PID = "PID|1||{pid}^^^HOSP^MR||SYN^TEST||19900101|{sex}"


def _hl7(cases: list[tuple[str, str, str, str]]) -> str:
    """One message per case: (patient id, sex, the segment before the result, prolactin ng/mL)."""
    messages = []
    for n, (pid, sex, segment, value) in enumerate(cases):
        messages.append(
            "\r".join(
                [
                    f"MSH|^~\\&|LIS|LAB|EHR|HOSP|20260301090000||ORU^R01|C{n}|P|2.5",
                    PID.format(pid=pid, sex=sex),
                    f"OBR|1|A{n}|S{n}|PRL^Prolactin|||20260301083000",
                    segment,
                    f"OBX|1|NM|2842-3^Prolactin^LN||{value}|ng/mL|4-15.2|H|||F",
                ]
            )
            + "\r"
        )
    return "".join(messages)


def _run(tmp_path: Path, text: str, name: str) -> TriageOutcome:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _warnings(outcome: TriageOutcome) -> str:
    return " | ".join(w for summary in outcome.inputs for w in summary.warnings)


def test_a_listed_code_counts_whatever_its_text_in_hl7_dg1(tmp_path: Path) -> None:
    outcome = _run(
        tmp_path,
        _hl7(
            [
                ("CHIASM", "M", "DG1|1||H47.4^Affektionen des Chiasma opticum^I10", "80"),
                ("PREG", "F", "DG1|1||Z33.1^Schwangerschaftsfeststellung^I10", "60"),
                ("CKD5", "M", "DG1|1||N18.5^Chronische Nierenkrankheit, Stadium 5^I10", "40"),
                ("CIRR", "M", "DG1|1||K74.6^Sonstige Zirrhose der Leber^I10", "40"),
                ("PLAIN", "M", "DG1|1||E78.0^Reine Hypercholesterinämie^I10", "40"),
            ]
        ),
        "dg1.hl7",
    )
    out = _results(outcome)
    assert out.loc["CHIASM", "priority"] == "urgent"  # §5: field defect -> urgent
    assert out.loc["PREG", "status"] == "normal"  # 60 ng/mL inside the pregnancy interval
    assert "pregnancy" in out.loc["PREG", "factors"]
    assert "renal_impairment" in out.loc["CKD5", "factors"]
    assert "liver_cirrhosis" in out.loc["CIRR", "factors"]
    # an unlisted code with its text: read by its text, no warning, nothing invented
    assert out.loc["PLAIN", "factors"] == "unexplained"
    assert "E78.0" not in _warnings(outcome)


def test_a_listed_code_counts_whatever_its_display_in_a_fhir_condition(tmp_path: Path) -> None:
    bundle = prolactin_bundle({"gender": "male"}, valueQuantity={"value": 80, "unit": "ng/mL"})
    bundle["entry"].append(
        {
            "resource": {
                "resourceType": "Condition",
                "subject": {"reference": "Patient/p1"},
                "clinicalStatus": {"coding": [{"code": "active"}]},
                "code": {
                    "coding": [
                        {
                            "system": "http://hl7.org/fhir/sid/icd-10",
                            "code": "H47.4",
                            "display": "Affektionen des Chiasma opticum",
                        }
                    ]
                },
            }
        }
    )
    outcome = _run(tmp_path, json.dumps(bundle), "chiasm.json")
    assert _results(outcome)["priority"].tolist() == ["urgent"]


def test_a_fhir_pregnancy_code_with_its_display_keeps_the_clinical_status(tmp_path: Path) -> None:
    def condition(status: str) -> dict[str, object]:
        bundle = prolactin_bundle(valueQuantity={"value": 60, "unit": "ng/mL"})
        bundle["entry"].append(
            {
                "resource": {
                    "resourceType": "Condition",
                    "subject": {"reference": "Patient/p1"},
                    "clinicalStatus": {"coding": [{"code": status}]},
                    "code": {
                        "coding": [
                            {
                                "system": "http://hl7.org/fhir/sid/icd-10",
                                "code": "Z33.1",
                                "display": "Schwangerschaftsfeststellung",
                            }
                        ]
                    },
                }
            }
        )
        return bundle

    active = _results(_run(tmp_path, json.dumps(condition("active")), "active.json"))
    resolved = _results(_run(tmp_path, json.dumps(condition("resolved")), "resolved.json"))
    assert active["status"].tolist() == ["normal"]
    assert resolved["status"].tolist() == ["high"]  # an ended pregnancy: the adult interval


def test_code_families_and_unread_codes_sent_without_text(tmp_path: Path) -> None:
    outcome = _run(
        tmp_path,
        _hl7(
            [
                ("Z34", "F", "DG1|1||Z34.00^^I10", "60"),
                ("Z3A", "F", "DG1|1||Z3A.12^^I10", "60"),
                ("O21", "F", "DG1|1||O21.0^^I10", "60"),
                ("O09", "F", "DG1|1||O09.511^^I10", "60"),
                ("SCT", "F", "DG1|1||72892002^^SCT", "60"),
                ("UNK", "F", "DG1|1||Q99.9^^I10", "60"),
                ("UNREAD", "F", "DG1|1||Q99.8^^I10|Sonstige Chromosomenanomalie", "60"),
            ]
        ),
        "families.hl7",
    )
    out = _results(outcome)
    for pid in ("Z34", "Z3A", "O21", "O09", "SCT"):
        assert out.loc[pid, "status"] == "normal", pid
        assert "pregnancy" in out.loc[pid, "factors"], pid
    assert out.loc["UNK", "status"] == "high"
    warned = _warnings(outcome)
    assert "Q99.9" in warned  # named, never dropped silently
    assert "Q99.8" not in warned  # DG1-4 gave it its words
    assert "Z34.00" not in warned and "72892002" not in warned


def test_fhir_conditions_sent_as_unknown_codes_are_named_in_one_warning(tmp_path: Path) -> None:
    bundle = prolactin_bundle(valueQuantity={"value": 60, "unit": "ng/mL"})
    for code in ("Q99.9", "Z34.00", "123456789"):
        bundle["entry"].append(
            {
                "resource": {
                    "resourceType": "Condition",
                    "subject": {"reference": "Patient/p1"},
                    "code": {"coding": [{"code": code}]},
                }
            }
        )
    outcome = _run(tmp_path, json.dumps(bundle), "codes.json")
    assert _results(outcome)["status"].tolist() == ["normal"]  # Z34.00: pregnant
    warned = [w for s in outcome.inputs for w in s.warnings if "Q99.9" in w]
    assert len(warned) == 1 and "123456789" in warned[0] and "Z34.00" not in warned[0]


def test_icd_chapter_xv_ranges_pregnant_or_postpartum() -> None:
    assert coded_words("O21.0") == "pregnant"  # hyperemesis
    assert coded_words("O36.5930") == "pregnant"  # ICD-10-CM with a 7th character
    assert coded_words("O9A.111") == "pregnant"
    assert coded_words("O86.4") == "postpartum"  # puerperal fever
    assert coded_words("O92.7") == "lactation disorder"  # a listed code keeps its own words
    # pregnancy with abortive outcome and obstetric deaths: never read as pregnant
    assert coded_words("O03.9") == "" and coded_words("O96") == ""
    assert coded_words("N18.9") == "chronic kidney disease"
    assert coded_words("Z99.2") == "on dialysis"


def test_pregnancy_compounds_and_qualifiers_in_notes(tmp_path: Path) -> None:
    notes = {
        "DE1": "Risikoschwangerschaft",
        "DE2": "Zwillingsschwangerschaft",
        "DE3": "Mehrlingsschwangerschaft",
        "DE4": "Erstgravida",
        "NL1": "risicozwangerschap",
        "NL2": "tweelingzwangerschap",
        "EN1": "high-risk pregnancy, on aspirin",
        "EN2": "Supervision of normal first pregnancy",
        "EN3": "supervision of high risk pregnancy",
        "FR": "grossesse à risque",
        "ES": "embarazo de alto riesgo",
        "IT": "gravidanza a rischio",
    }
    lines = [f"{pid},F,36,60,ng/mL,{csv_quoted(note)}" for pid, note in notes.items()]
    out = triage_lines(tmp_path, "patient_id,sex,age,prolactin,unit,comments", lines)
    for pid in notes:
        assert out.loc[pid, "status"] == "normal", pid
        assert "pregnancy" in out.loc[pid, "factors"], pid


def test_past_wished_and_lost_pregnancies_stay_not_pregnant(tmp_path: Path) -> None:
    notes = {
        "PAST": "Z.n. Risikoschwangerschaft 2015",
        "YEAR": "Zwillingsschwangerschaft 2018",
        "WISH": "Schwangerschaftswunsch",
        "RISK": "on the pill for risk of pregnancy",
        "FIRST": "first pregnancy at 22, none since",
        "TOP": "Schwangerschaftsabbruch 2019",
        "NO": "keine Risikoschwangerschaft",
    }
    lines = [f"{pid},F,36,60,ng/mL,{csv_quoted(note)}" for pid, note in notes.items()]
    out = triage_lines(tmp_path, "patient_id,sex,age,prolactin,unit,comments", lines)
    for pid in notes:
        assert out.loc[pid, "status"] == "high", pid
        assert "pregnancy" not in out.loc[pid, "factors"], pid


def test_official_ckd_titles_are_kidney_disease_with_their_stage(tmp_path: Path) -> None:
    notes = {
        "DE": "Chronische Nierenkrankheit, Stadium 5",
        "DE_END": "Nierenkrankheit im Endstadium",
        "EN": "Chronic kidney disease, stage 5",
        "FR": "Maladie rénale chronique, stade 5",
        "ES": "Enfermedad renal crónica, estadio 5",
        "IT": "Malattia renale cronica, stadio 5",
        "NL": "Chronische nierziekte, stadium 5",
        "BEFORE": "Stadium 5 Nierenkrankheit",
    }
    lines = [f"{pid},M,50,40,ng/mL,{csv_quoted(note)}" for pid, note in notes.items()]
    lines.append(f"NONE,M,50,40,ng/mL,{csv_quoted('Mammakarzinom, Stadium 2')}")
    out = triage_lines(tmp_path, "patient_id,sex,age,prolactin,unit,comments", lines)
    staged = out.loc["BEFORE"]  # read with its stage before this review: the reference
    for pid in notes:
        assert "renal_impairment" in out.loc[pid, "factors"], pid
        assert out.loc[pid, "priority"] == staged["priority"], pid
    assert out.loc["NONE", "factors"] == "unexplained"
