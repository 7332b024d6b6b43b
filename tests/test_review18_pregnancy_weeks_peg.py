"""Review 18: the gestation in its everyday notations, and the lab's own post-PEG interval.

- Gestational age: clinical-reference §2.1 judges a pregnancy by trimester where the gestation is
  known (third trimester 10-600 ng/mL in the default set, term values ~100-600).  Written as
  "EG 32+2" (Italian / Spanish età / edad gestazionale), "32 sett." in the pregnancy column,
  "32^ settimana", "gravida di 32 settimane", "32 wk zwanger", "ja (AD 32+2)", "III trim", or
  as weeks alone in a note beside a pregnancy column that says yes ("32 weken", "32+2", "week
  32", "a termine"), it was not read: 300 ng/mL at 32 weeks was judged against the
  whole-pregnancy limit (209 ng/mL) -> urgent, prolactinoma suspected, MRI; with "32 sett." in
  the pregnancy column she was not even pregnant.  Weeks alone in a note are no pregnancy by
  themselves (a duration of anything), and "32 Wochen postpartum", "seit 32 Wochen", a dose
  "32+2 IE" or a man's "32+2" stay what they were.
- Post-PEG interval: §2.2 prefers the lab-supplied interval, §2.3 / §7.3 the post-PEG interval
  of the assay.  A long export's "Prolactine na PEG-precipitatie 0,52 IE/L, ref < 0,60" was
  judged against the fixed post-PEG limit (18.5 ng/mL): "a true rise remains", MRI.  The lab's
  own post-PEG limit is now carried with the monomeric prolactin (long exports, HL7 OBX-7, FHIR
  referenceRange) and preferred, and the evidence names it.

Synthetic patients only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, prolactin_bundle, triage_lines

from triage.pipeline import TriageRequest, run_triage

IT_HEADER = "ID;Sesso;Età;Prolattina (ng/mL);Gravidanza;Note cliniche"


def _it_rows(cases: list[tuple[str, str, str]]) -> list[str]:
    """One line per (sex, pregnancy cell, note), 31 years, 300 ng/mL."""
    return [
        f"G{i};{sex};31;300;{csv_quoted(preg) if preg else ''};{csv_quoted(note) if note else ''}"
        for i, (sex, preg, note) in enumerate(cases)
    ]


def _third_trimester(out: pd.DataFrame, pid: str) -> None:
    row = out.loc[pid]
    assert row["reference_stratum"] == "default:pregnant_t3", (pid, row["reference_stratum"])
    assert row["reference_high_ng_ml"] == 600, pid
    assert row["status"] == "normal", pid
    assert row["priority"] == "none", pid
    assert "pituitary_mri" not in str(row["suggestions"]), pid


# A gestation written with a pregnancy word or an obstetric abbreviation: pregnant at 32 weeks
# whatever the pregnancy column says (empty or yes), in the six languages.
WRITTEN = [
    ("F", "Sì", "EG 32+2"),
    ("F", "", "EG: 32 settimane"),
    ("F", "sí", "EG 32+2"),
    ("F", "", "edad gestacional 32 semanas"),
    ("F", "", "gravida 32 sett."),
    ("F", "", "gravida di 32 settimane"),
    ("F", "Sì", "32^ settimana"),
    ("F", "Sì", "32° settimana"),
    ("F", "sí", "32ª semana"),
    ("F", "", "32 wk zwanger"),
    ("F", "ja", "SS 32+2"),
    ("F", "ja", "32. SSW"),
    ("F", "oui", "SA 32"),
    ("F", "ja", "AD 32+2"),
    ("F", "yes", "GA 32 wk"),
    ("F", "yes", "32/40"),
]


def test_written_gestations_give_the_third_trimester(tmp_path: Path) -> None:
    out = triage_lines(tmp_path, IT_HEADER, _it_rows(WRITTEN))
    for i in range(len(WRITTEN)):
        _third_trimester(out, f"G{i}")


# The pregnancy column holding the stage: weeks, weeks+days, a trimester word, "a termine", or a
# yes with its weeks in brackets (the hunter's "32 sett." was not even read as pregnant).
COLUMN = [
    "32 sett.",
    "32 SSW",
    "32+2",
    "32 semanas",
    "III trim",
    "3° trim.",
    "3. Trimenon",
    "3e trimestre",
    "derde trimester",
    "tercer trimestre",
    "T3",
    "ja (AD 32+2)",
    "Sì (32 sett.)",
    "sì, a termine",
]


def test_the_pregnancy_column_gives_pregnancy_and_stage(tmp_path: Path) -> None:
    out = triage_lines(tmp_path, IT_HEADER, _it_rows([("F", cell, "") for cell in COLUMN]))
    for i in range(len(COLUMN)):
        _third_trimester(out, f"G{i}")
        assert "pregnancy_test" not in str(out.loc[f"G{i}", "suggestions"])


# Weeks alone in a note: the gestation of the pregnancy the column states.
BARE = [
    ("F", "ja", "32 weken"),
    ("F", "Sì", "32+2"),
    ("F", "sí", "32 semanas"),
    ("F", "oui", "32 semaines"),
    ("F", "yes", "32 weeks"),
    ("F", "ja", "week 32"),
    ("F", "ja", "32e week"),
    ("F", "ja", "Woche 32"),
    ("F", "Sì", "a termine"),
    ("F", "ja", "a terme"),
    ("F", "Sì", "EG 32"),
]


def test_weeks_alone_in_a_note_stage_a_stated_pregnancy(tmp_path: Path) -> None:
    out = triage_lines(tmp_path, IT_HEADER, _it_rows(BARE))
    for i in range(len(BARE)):
        _third_trimester(out, f"G{i}")


# What weeks do not make: a pregnancy by themselves, nor a stage when they are no gestation.
NOT_A_GESTATION = {
    "N0": ("F", "", "32 weken"),  # a duration alone: not pregnant
    "N1": ("F", "", "32+2"),
    "N2": ("F", "", "a termine"),
    "N3": ("F", "", "seit 32 Wochen abgestillt"),
    "N4": ("F", "", "insulina 32+2 IE"),
    "N5": ("M", "", "32+2"),
    "N6": ("F", "no", "32 semanas"),
    "N7": ("F", "", "Zimmer EG 12"),  # a ground floor (Erdgeschoss), no gestation
    "N8": ("F", "", "EG 32"),
}
# pregnant, but the weeks are not hers now: the whole-pregnancy interval stays
NOT_THE_STAGE = {
    "S0": ("F", "ja", "Kopfschmerzen seit 32 Wochen"),
    "S1": ("F", "ja", "in 32 Wochen Kontrolle"),
    "S2": ("F", "Sì", "parto a termine 2019"),
    "S3": ("F", "ja", "dosis 32+2 IE"),
    "S4": ("F", "Sì", "gravida 3 para 2"),
}


def test_weeks_that_are_no_gestation_change_nothing(tmp_path: Path) -> None:
    cases = {**NOT_A_GESTATION, **NOT_THE_STAGE}
    lines = [
        f"{pid};{sex};31;300;{csv_quoted(preg) if preg else ''};{csv_quoted(note)}"
        for pid, (sex, preg, note) in cases.items()
    ]
    out = triage_lines(tmp_path, IT_HEADER, lines)
    for pid in NOT_A_GESTATION:
        row = out.loc[pid]
        assert "pregnan" not in str(row["reference_stratum"]), (pid, row["reference_stratum"])
        assert row["status"] == "high", pid
        assert row["priority"] == "urgent", pid
    for pid in NOT_THE_STAGE:
        assert out.loc[pid, "reference_stratum"] == "default:pregnant", pid
        assert out.loc[pid, "reference_high_ng_ml"] == 209, pid
    # the non-pregnant woman keeps her pregnancy test
    assert "pregnancy_test" in str(out.loc["N0", "suggestions"])


@pytest.mark.parametrize(
    ("weeks", "stratum"),
    [("12+3", "default:pregnant"), ("27+6", "default:pregnant"), ("28+0", "default:pregnant_t3")],
)
def test_weeks_and_days_follow_the_trimester_boundary(
    tmp_path: Path, weeks: str, stratum: str
) -> None:
    # thresholds.toml trimester3_start_weeks (28+0): the default set has no first/second
    # trimester strata, so before 28 weeks the whole-pregnancy interval
    out = triage_lines(tmp_path, IT_HEADER, _it_rows([("F", "Sì", f"EG {weeks}")]))
    assert out.loc["G0", "reference_stratum"] == stratum


def _triage_file(folder: Path, text: str, name: str) -> pd.DataFrame:
    """The results of one run on ``text`` written as folder/name."""
    folder.mkdir(parents=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=folder / "out", keep_results=True))
    assert outcome.results is not None
    return outcome.results


# --- the lab's own post-PEG interval ------------------------------------------------------------
NL_LONG = """Patiëntnr;Geslacht;Geboortedatum;Afnamedatum;Bepaling;Uitslag;Eenheid;Referentiewaarde
N1;V;12-05-1990;03-04-2026;Prolactine;2,10;IE/L;< 0,86
N1;V;12-05-1990;03-04-2026;TSH;1,8;mIE/L;0,4 - 4,0
N1;V;12-05-1990;03-04-2026;Prolactine na PEG-precipitatie;0,52;IE/L;< 0,60
N2;V;12-05-1990;03-04-2026;Prolactine;2,10;IE/L;< 0,86
N2;V;12-05-1990;03-04-2026;Prolactine na PEG-precipitatie;0,70;IE/L;< 0,60
N3;V;12-05-1990;03-04-2026;Prolactine;2,10;IE/L;< 0,86
N3;V;12-05-1990;03-04-2026;Prolactine na PEG-precipitatie;0,52;IE/L;
"""

EN_LONG = """Patient ID,Sex,DOB,Collected,Test,Result,Units,Ref range
E1,F,1990-05-12,2026-04-03,Prolactin,2100,mIU/L,102-496
E1,F,1990-05-12,2026-04-03,Prolactin post-PEG,520,mIU/L,< 600
E2,M,1970-05-12,2026-04-03,Prolactin,900,mIU/L,86-324
E2,M,1970-05-12,2026-04-03,Prolactin post-PEG,400,mIU/L,M: < 350; F: < 600
E3,F,1990-05-12,2026-04-03,Prolactin,2100,mIU/L,102-496
E3,F,1990-05-12,2026-04-03,Prolactin post-PEG,520,mIU/L,M: < 350; F: < 600
E4,F,1990-05-12,2026-04-03,Prolactin,45,ng/mL,4.8-23.3
E4,F,1990-05-12,2026-04-03,Prolactin post-PEG,21,ng/mL,3.4-22.0
"""


def _macro_within_lab_limit(row: pd.Series) -> None:
    assert "macroprolactinemia (likely)" in row["factor_evidence"], row["factor_evidence"]
    assert "within the lab's post-PEG limit" in row["factor_evidence"]
    assert "true rise remains" not in row["factor_evidence"]
    assert "pituitary_mri" not in str(row["suggestions"])


def test_long_exports_judge_monomeric_prolactin_by_the_labs_post_peg_limit(
    tmp_path: Path,
) -> None:
    out = _triage_file(tmp_path / "nl", NL_LONG, "export.csv").set_index("patient_id")
    # within the lab's < 0,60 IU/L (600 mIU/L, 28.3 ng/mL), above the fixed 18.5 ng/mL
    _macro_within_lab_limit(out.loc["N1"])
    assert "600 mIU/L" in out.loc["N1", "factor_evidence"]
    # above the lab's own limit: the true rise stays, with its work-up
    assert "above the lab's post-PEG limit" in out.loc["N2", "factor_evidence"]
    assert "pituitary_mri" in str(out.loc["N2", "suggestions"])
    # no limit given: the assay's or the thresholds' limit, named as such
    assert "above the post-PEG limit ~" in out.loc["N3", "factor_evidence"]
    assert "pituitary_mri" in str(out.loc["N3", "suggestions"])

    out = _triage_file(tmp_path / "en", EN_LONG, "export.csv").set_index("patient_id")
    _macro_within_lab_limit(out.loc["E1"])
    # the limits per sex: the man's < 350 mIU/L, the woman's < 600 mIU/L
    assert "above the lab's post-PEG limit 350 mIU/L" in out.loc["E2", "factor_evidence"]
    _macro_within_lab_limit(out.loc["E3"])
    # a post-PEG interval in ng/mL (Roche-like, up to 22.0) beside a total of 45 ng/mL
    _macro_within_lab_limit(out.loc["E4"])


def test_hl7_obx7_and_fhir_reference_range_of_the_post_peg_result(tmp_path: Path) -> None:
    hl7 = "\r".join(
        [
            "MSH|^~\\&|LAB|HOSP|TRIAGE|HOSP|20260403083000||ORU^R01|MSG1|P|2.5",
            "PID|1||H1^^^HOSP^MR||Doe^Jane||19900512|F",
            "OBR|1|ORD1|SPEC1|2842-3^Prolactin^LN|||20260403083000",
            "OBX|1|NM|2842-3^Prolactin^LN||2.10|IU/L|<0.86||||F",
            "OBX|2|NM|PPEG^Prolactin post-PEG^L||0.52|IU/L|<0.60||||F",
        ]
    )
    out = _triage_file(tmp_path / "hl7", hl7 + "\r", "result.hl7").set_index("patient_id")
    _macro_within_lab_limit(out.loc["H1"])

    total = {"high": {"value": 496, "unit": "mIU/L"}}
    bundle = prolactin_bundle(
        {"birthDate": "1990-05-12"},
        valueQuantity={"value": 2100, "unit": "mIU/L"},
        referenceRange=[total],
    )
    bundle["entry"].append(
        {
            "fullUrl": "Observation/o2",
            "resource": {
                "resourceType": "Observation",
                "id": "o2",
                "status": "final",
                "code": {"text": "Prolactin post-PEG"},
                "subject": {"reference": "Patient/p1"},
                "effectiveDateTime": "2026-03-01T08:30:00",
                "valueQuantity": {"value": 520, "unit": "mIU/L"},
                "referenceRange": [{"high": {"value": 600, "unit": "mIU/L"}}],
            },
        }
    )
    out = _triage_file(tmp_path / "fhir", json.dumps(bundle), "bundle.json").set_index("patient_id")
    _macro_within_lab_limit(out.loc["p1"])
