"""Review 19: clinical context sent as codes, without words.

1. A mass-effect red flag sent only as a code is the red flag its words are (clinical-reference
   §5 and §8: visual field loss, diplopia, a palsy of the eye's nerves -> urgent referral;
   output-contract §7): a FHIR Condition coded ICD-10 H53.4 (visual field defects) or SNOMED CT
   12184005 (visual field defect) with no display, an HL7 order's reason for study (OBR-31,
   "^Gesichtsfeldausfall bitemporal", "R51^Kopfschmerz^I10GM~H53.4^^I10GM", "H53.4^^I10") or a
   DG1 diagnosis.  Before, OBR-31 was never read and the codes had no words: a woman's 60 ng/mL
   with a visual field defect came out soon with a rested repeat and a macroprolactin screen.
   A headache code (R51, SNOMED 25064002) is read as the word "headache" is, no more.
2. A pregnancy or breastfeeding status sent as a coded answer without its display (HL7 OBX
   82810-3 / 63895-7 of type CWE "77386006^^SCT", "169750002^^SCT", "LA15173-0^^LN"; FHIR
   Observations with valueCodeableConcept holding the SNOMED CT or LOINC answer code; a long
   export's cell "77386006") is that state: the pregnancy or lactation interval and no priority
   (clinical-reference §8: pregnancy, lactation).  "Not pregnant" (60001007, LA26683-5) and
   "unknown" (LA4489-6) never become a pregnancy; before, a bare code was descriptive text,
   read as yes.

One code table for all of them (synonyms.toml [coded_conditions], values.coded_words).
Synthetic patients only; in process (run_triage).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pipeline_helpers import triage_lines

from triage.pipeline import TriageRequest, run_triage
from triage.values import coded_words

URGENT_REFERRAL = "urgent_endocrine_referral"
PREGNANT = "default:pregnant"
LACTATING = "default:lactating"
MSH = "MSH|^~\\&|LIS|LAB|EHR|HOSP|20260301090000||ORU^R01|K{n}|P|2.5.1"


def _triaged(tmp_path: Path, name: str, text: str) -> pd.DataFrame:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    outcome = run_triage(
        TriageRequest(inputs=[source], out_dir=tmp_path / f"out-{source.stem}", keep_results=True)
    )
    assert outcome.results is not None, outcome.errors
    return outcome.results.set_index("patient_id")


def _suggestions(row: pd.Series) -> list[str]:
    return str(row["suggestions"]).split(";")


# ------------------------------------------------------------------------------------------------
# HL7 v2: OBR-31, DG1 and coded OBX answers
# ------------------------------------------------------------------------------------------------
def _obr(reason: str = "", clinical: str = "") -> str:
    """An OBR with OBR-13 (clinical information) and OBR-31 (reason for study)."""
    fields = ["OBR", "1", "A1", "S1", "PRL^Prolactin", "", "", "20260301083000"]
    fields += [""] * (13 - len(fields)) + [clinical]
    fields += [""] * (31 - len(fields)) + [reason]
    return "|".join(fields)


def _message(pid: str, obr: str, *extra: str, value: str = "60") -> list[str]:
    return [
        f"PID|1||{pid}^^^HOSP^MR||SYN^TEST||19900101|F",
        *[e for e in extra if e.startswith("DG1")],
        obr,
        f"OBX|1|NM|2842-3^Prolactin^LN||{value}|ng/mL|||||F",
        *[e for e in extra if not e.startswith("DG1")],
    ]


def _status(n: int, loinc: str, name: str, answer: str) -> str:
    return f"OBX|{n}|CWE|{loinc}^{name}^LN||{answer}||||||F"


PREGNANCY, BREASTFEEDING = ("82810-3", "Pregnancy status"), ("63895-7", "Breastfeeding status")
HL7_CASES: dict[str, list[str]] = {
    # a red flag in OBR-31 only: in words, as codes with their words, as codes alone
    "R-TEXT": _message("R-TEXT", _obr("^Gesichtsfeldausfall bitemporal")),
    "R-BOTH": _message("R-BOTH", _obr("R51^Kopfschmerz^I10GM~H53.4^Gesichtsfelddefekte^I10GM")),
    "R-ICD": _message("R-ICD", _obr("R51^^I10GM~H53.4^^I10GM")),
    "R-CM": _message("R-CM", _obr("H53.47^^I10")),  # ICD-10-CM: heteronymous field defects
    "R-DIPL": _message("R-DIPL", _obr("24982008^^SCT")),  # SNOMED CT diplopia
    "R-VI": _message("R-VI", _obr("H49.2^^I10")),  # sixth nerve palsy
    "R-DG1": _message("R-DG1", _obr(), "DG1|1||H53.4^^I10||20260301|W"),
    # no red flag: an unrelated code, a code near a listed one, headache coded or in words
    "N-OTHER": _message("N-OTHER", _obr("Z01.4^^I10")),
    "N-NEAR": _message("N-NEAR", _obr("H53.9^^I10~H49.4^^I10")),  # unspecified; PEO: not listed
    "N-R51": _message("N-R51", _obr("R51^^I10")),
    "N-WORD": _message("N-WORD", _obr(clinical="Kopfschmerz")),
    # coded pregnancy / breastfeeding answers without their display
    "P-SCT": _message("P-SCT", _obr(), _status(2, *PREGNANCY, "77386006^^SCT")),
    "P-LN": _message("P-LN", _obr(), _status(2, *PREGNANCY, "LA15173-0^^LN")),
    "P-ALT": _message("P-ALT", _obr(), _status(2, *PREGNANCY, "LOC7^^L^77386006^^SCT")),
    "L-SCT": _message("L-SCT", _obr(), _status(2, *BREASTFEEDING, "169750002^^SCT")),
    "X-SCT": _message("X-SCT", _obr(), _status(2, *PREGNANCY, "60001007^^SCT")),
    "X-LN": _message("X-LN", _obr(), _status(2, *PREGNANCY, "LA26683-5^^LN")),
    "X-UNK": _message("X-UNK", _obr(), _status(2, *PREGNANCY, "LA4489-6^^LN")),
}


@pytest.fixture(scope="module")
def hl7_rows(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Every HL7 case in one file (one run, for speed)."""
    segments: list[str] = []
    for n, body in enumerate(HL7_CASES.values(), start=1):
        segments += [MSH.format(n=n), *body]
    return _triaged(tmp_path_factory.mktemp("hl7"), "coded.hl7", "\r".join(segments) + "\r")


@pytest.mark.parametrize("pid", ["R-TEXT", "R-BOTH", "R-ICD", "R-CM", "R-DIPL", "R-VI", "R-DG1"])
def test_hl7_red_flag_sent_as_reason_for_study_or_diagnosis_is_urgent(
    hl7_rows: pd.DataFrame, pid: str
) -> None:
    """§8: visual field loss (in words or as ICD-10 H53.4 / H53.47), diplopia (SNOMED CT
    24982008), a sixth nerve palsy (H49.2), in OBR-31 or a DG1 segment: urgent referral, not a
    rested repeat of a 60 ng/mL."""
    row = hl7_rows.loc[pid]
    assert row["priority"] == "urgent"
    assert URGENT_REFERRAL in _suggestions(row)
    assert "repeat_rested_sample" not in _suggestions(row)


@pytest.mark.parametrize("pid", ["N-OTHER", "N-NEAR"])
def test_hl7_other_codes_raise_no_red_flag(hl7_rows: pd.DataFrame, pid: str) -> None:
    """An unrelated code (Z01.4), the unspecified visual disturbance H53.9 and progressive
    external ophthalmoplegia H49.4 (a mitochondrial disease, not a palsy from a mass) are no red
    flag: the 60 ng/mL stays soon."""
    row = hl7_rows.loc[pid]
    assert row["priority"] == "soon"
    assert URGENT_REFERRAL not in _suggestions(row)


def test_hl7_headache_code_is_read_as_the_word(hl7_rows: pd.DataFrame) -> None:
    """R51 alone is a headache, judged as the word "Kopfschmerz" in OBR-13 is: the same
    priority and suggestions (a headache is no urgent red flag by itself: §8 names a sudden
    severe one), and different from a result with no context at all (N-OTHER)."""
    coded, word, bare = (hl7_rows.loc[p] for p in ("N-R51", "N-WORD", "N-OTHER"))
    assert coded["priority"] == word["priority"]
    assert coded["suggestions"] == word["suggestions"]
    assert coded["suggestions"] != bare["suggestions"]


@pytest.mark.parametrize(
    ("pid", "stratum"),
    [("P-SCT", PREGNANT), ("P-LN", PREGNANT), ("P-ALT", PREGNANT), ("L-SCT", LACTATING)],
)
def test_hl7_coded_pregnancy_or_breastfeeding_answer(
    hl7_rows: pd.DataFrame, pid: str, stratum: str
) -> None:
    """§8 Pregnancy, Lactation: a pregnancy status 77386006 / LA15173-0 (also as the alternate
    code after a local one) or a breastfeeding status 169750002 sent without display: the
    physiological interval, 60 ng/mL within it, no priority."""
    row = hl7_rows.loc[pid]
    assert row["reference_stratum"] == stratum
    assert row["priority"] == "none"
    assert "pregnancy_test" not in _suggestions(row)


@pytest.mark.parametrize(("pid", "stated"), [("X-SCT", True), ("X-LN", True), ("X-UNK", False)])
def test_hl7_not_pregnant_or_unknown_code_is_no_pregnancy(
    hl7_rows: pd.DataFrame, pid: str, stated: bool
) -> None:
    """Not pregnant (60001007, LA26683-5) and unknown (LA4489-6): the adult woman's interval,
    60 ng/mL high and soon, never the pregnancy interval; a pregnancy test is asked for unless
    she is stated not pregnant (as the words "Not pregnant" do)."""
    row = hl7_rows.loc[pid]
    assert row["reference_stratum"] == "default:adult_female"
    assert row["status"] == "high"
    assert row["priority"] == "soon"
    assert ("pregnancy_test" in _suggestions(row)) is not stated


# ------------------------------------------------------------------------------------------------
# FHIR R4: Conditions and Observations coded without display
# ------------------------------------------------------------------------------------------------
SNOMED, ICD10, LOINC = (
    "http://snomed.info/sct",
    "http://hl7.org/fhir/sid/icd-10",
    "http://loinc.org",
)


def _concept(*codings: tuple[str, str]) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code} for system, code in codings]}


def _condition(concept: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Condition", "code": concept}


def _answer(loinc: str, concept: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": _concept((LOINC, loinc)),
        "effectiveDateTime": "2026-03-02",
        "valueCodeableConcept": concept,
    }


FHIR_CASES: dict[str, dict[str, Any]] = {
    "F-H534": _condition(_concept((ICD10, "H53.4"))),
    "F-VFD": _condition(_concept((SNOMED, "12184005"))),
    "F-LOCAL": _condition(_concept(("urn:local", "VF-01"), (ICD10, "H53.4"))),
    "F-OTHER": _condition(_concept((ICD10, "Z01.4"))),
    "F-NOTPREG": _condition(_concept((SNOMED, "60001007"))),
    "O-PREG": _answer("82810-3", _concept((SNOMED, "77386006"))),
    "O-PREG-LN": _answer("82810-3", _concept((LOINC, "LA15173-0"))),
    "O-BREAST": _answer("63895-7", _concept((SNOMED, "169750002"))),
    "O-NOT": _answer("82810-3", _concept((SNOMED, "60001007"))),
    "O-NOT-LN": _answer("82810-3", _concept((LOINC, "LA26683-5"))),
    "O-UNK": _answer("82810-3", _concept((LOINC, "LA4489-6"))),
}


def _bundle() -> dict[str, Any]:
    entries: list[dict[str, Any]] = []
    for pid, extra in FHIR_CASES.items():
        patient = f"Patient/{pid}"
        entries += [
            {
                "fullUrl": patient,
                "resource": {
                    "resourceType": "Patient",
                    "id": pid,
                    "identifier": [{"value": pid}],
                    "gender": "female",
                    "birthDate": "1992-02-02",
                },
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "code": _concept((LOINC, "2842-3")),
                    "subject": {"reference": patient},
                    "effectiveDateTime": "2026-03-02T08:00:00+01:00",
                    "valueQuantity": {"value": 60, "unit": "ng/mL"},
                }
            },
            {"resource": {**extra, "subject": {"reference": patient}}},
        ]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


@pytest.fixture(scope="module")
def fhir_rows(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Every FHIR case in one Bundle (one run)."""
    return _triaged(tmp_path_factory.mktemp("fhir"), "coded.json", json.dumps(_bundle()))


@pytest.mark.parametrize("pid", ["F-H534", "F-VFD", "F-LOCAL"])
def test_fhir_condition_coded_as_visual_field_defect_is_urgent(
    fhir_rows: pd.DataFrame, pid: str
) -> None:
    """A Condition coded ICD-10 H53.4 or SNOMED CT 12184005 without display (also after a local
    code): a visual field defect, urgent referral (§8)."""
    row = fhir_rows.loc[pid]
    assert row["priority"] == "urgent"
    assert URGENT_REFERRAL in _suggestions(row)


@pytest.mark.parametrize(
    ("pid", "stratum"),
    [("O-PREG", PREGNANT), ("O-PREG-LN", PREGNANT), ("O-BREAST", LACTATING)],
)
def test_fhir_coded_status_observation_sets_the_state(
    fhir_rows: pd.DataFrame, pid: str, stratum: str
) -> None:
    """An Observation 82810-3 / 63895-7 whose valueCodeableConcept is 77386006, LA15173-0 or
    169750002 without display: the pregnancy or lactation interval, no priority (§8)."""
    row = fhir_rows.loc[pid]
    assert row["reference_stratum"] == stratum
    assert row["priority"] == "none"


@pytest.mark.parametrize(
    ("pid", "stated"),
    [
        ("O-NOT", True),
        ("O-NOT-LN", True),
        ("F-NOTPREG", True),
        ("O-UNK", False),
        ("F-OTHER", False),
    ],
)
def test_fhir_not_pregnant_unknown_or_other_code(
    fhir_rows: pd.DataFrame, pid: str, stated: bool
) -> None:
    """Not pregnant (an Observation's answer 60001007 / LA26683-5, a Condition 60001007),
    unknown, or an unrelated condition code: the adult woman's interval, soon, no urgent
    referral; no pregnancy test for a woman stated not pregnant."""
    row = fhir_rows.loc[pid]
    assert row["reference_stratum"] == "default:adult_female"
    assert row["priority"] == "soon"
    assert URGENT_REFERRAL not in _suggestions(row)
    assert ("pregnancy_test" in _suggestions(row)) is not stated


# ------------------------------------------------------------------------------------------------
# A long LIS export: the status line's cell holds the code
# ------------------------------------------------------------------------------------------------
def test_long_export_status_line_holding_a_code(tmp_path: Path) -> None:
    """A long export's "Pregnancy status" / "Stillen" line whose cell is the code alone or an
    HL7 coded value without words: read by the code's words; "not pregnant" stays no."""
    lines = []
    for pid, test, cell in [
        ("C1", "Pregnancy status", "77386006"),
        ("C2", "Schwangerschaft", "LA15173-0^^LN"),
        ("C3", "Stillen", "169750002^^SCT"),
        ("C4", "Pregnancy status", "60001007"),
        ("C5", "Schwangerschaft", "LA26683-5^^LN"),
    ]:
        day = f"{pid};F;1990-01-01;2026-03-01"
        lines += [f"{day};Prolaktin;60;ng/ml", f"{day};{test};{cell};"]
    out = triage_lines(tmp_path, "Patient ID;Sex;Birth date;Date;Test;Result;Unit", lines)
    assert out.loc[["C1", "C2"], "reference_stratum"].tolist() == [PREGNANT] * 2
    assert out.loc["C3", "reference_stratum"] == LACTATING
    assert out.loc[["C1", "C2", "C3"], "priority"].tolist() == ["none"] * 3
    assert out.loc[["C4", "C5"], "reference_stratum"].tolist() == ["default:adult_female"] * 2
    assert out.loc[["C4", "C5"], "priority"].tolist() == ["soon"] * 2


# ------------------------------------------------------------------------------------------------
# The code table
# ------------------------------------------------------------------------------------------------
def test_code_words_parent_and_negatives() -> None:
    """An ICD-10-CM code takes its listed parent's words ("R51.9", "H53.47"), a code without its
    dot is that code ("H534"); a parent is never guessed beyond what is listed ("H53.9", the
    category "H53", "E23.6"), and ordinary text is no code."""
    assert coded_words("R51.9") == coded_words("R51") == "headache"
    assert coded_words("H53.47") == coded_words("H534") == coded_words("H53.4")
    assert coded_words("h53.4") == "visual field defect"
    for text in ("H53.9", "H53", "E23.6", "H49.4", "Z33.1 A", "Risperdal 2 mg", "60", ""):
        assert coded_words(text) == "", text
