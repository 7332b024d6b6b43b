"""The lab's own abnormal flag (H, L, +, ↑, "erhöht"; HL7 OBX-8; FHIR interpretation): a result
the lab flagged against its own interval, which the file does not give, is never reported as a
silent normal because the set's interval is wider (docs/output-contract-extensions.md, "The
lab's own flag").  Synthetic patients only; headers and flags as labs write them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pipeline_helpers import prolactin_bundle, triage_csv
from typer.testing import CliRunner

from triage.cli import app
from triage.io import ReadOptions, read_file
from triage.values import flag_direction, parse_quantity

runner = CliRunner()


# ------------------------------------------------------------------------- reading flags ---
@pytest.mark.parametrize(
    ("cell", "value", "flag"),
    [
        ("27 H", 27.0, "high"),
        ("H 27", 27.0, "high"),
        ("27 (H)", 27.0, "high"),
        ("27↑", 27.0, "high"),
        ("27 HH", 27.0, "high"),
        ("27 +", 27.0, "high"),
        ("1.234,5 mIU/L H", 1234.5, "high"),
        ("2,1 L", 2.1, "low"),
        ("<2 L", 2.0, "low"),
        ("27 ↓", 27.0, "low"),
        ("27 pathologisch", 27.0, "abnormal"),
        ("27 A", 27.0, "abnormal"),
        ("27 H L", 27.0, "abnormal"),  # contradicting flags: abnormal, no direction
        ("27 N", 27.0, "normal"),
        ("27*", 27.0, "abnormal"),  # a star: outside the lab's interval, no direction (review 27)
        ("27 C", 27.0, ""),  # corrected or critical: no direction
        ("27", 27.0, ""),
    ],
)
def test_a_flag_beside_the_number_is_read_for_its_direction(
    cell: str, value: float, flag: str
) -> None:
    q = parse_quantity(cell, ",") if "," in cell else parse_quantity(cell)
    assert (q.status, q.value, q.flag) == ("ok", value, flag)


@pytest.mark.parametrize(
    ("cell", "direction"),
    [
        ("H", "high"),
        ("hh", "high"),
        ("+", "high"),
        ("++", "high"),
        ("↑", "high"),
        ("(H)", "high"),
        ("erhöht", "high"),
        ("élevé", "high"),
        ("alto", "high"),
        ("verhoogd", "high"),
        ("L", "low"),
        ("--", "low"),
        ("erniedrigt", "low"),
        ("A", "abnormal"),
        ("pathologisch", "abnormal"),
        ("afwijkend", "abnormal"),
        ("N", "normal"),
        ("normal", "normal"),
        ("*", None),
        ("C", None),
        ("", None),
        ("final", None),
        (None, None),
    ],
)
def test_a_flag_column_cell_is_read_for_its_direction(cell: object, direction: str | None) -> None:
    assert flag_direction(cell) == direction


# ------------------------------------------------------------------- a flag column (wide) ---
GERMAN = (
    "Patienten-Nr;Geschlecht;Alter;Prolaktin;Einheit;Kennz.\n"
    "W1;W;30;27;ng/ml;H\n"  # within the default set's 3–30 for women; the lab's ULN is lower
    "W2;W;30;27;ng/ml;\n"  # not flagged: normal against the set
    "W3;W;30;600;mU/l;+\n"  # 600 mIU/L ~ 28 ng/mL: flagged high in mIU/L too
    "M1;M;50;3,0;ng/ml;L\n"  # flagged low, normal against 2–18: indeterminate, not high
    "M2;M;50;19,0;ng/ml;N\n"  # the lab says normal, the set says high: stays high
    "M3;M;50;60;ng/ml;H\n"  # high both ways: no note
)


def test_a_result_the_lab_flagged_high_is_never_a_silent_normal(tmp_path: Path) -> None:
    results = triage_csv(tmp_path, GERMAN).set_index("patient_id")
    w1, w2, w3 = (results.loc[p] for p in ("W1", "W2", "W3"))
    for flagged in (w1, w3):
        assert flagged["status"] == "indeterminate"
        assert flagged["reference_source"] == "set"
        assert flagged["interpretation"] == ""
        assert flagged["priority"] == "routine"
        assert "repeat_rested_sample" in flagged["suggestions"]
        assert "The lab flagged this result high" in flagged["reference_note"]
        assert flagged["comment"].startswith("Flagged high by the lab, within the interval used")
        reason = next(
            s["reason"]
            for s in flagged["suggestion_details"]
            if s["code"] == "repeat_rested_sample"
        )
        assert "ask the lab for its interval" in reason
    assert (w2["status"], w2["priority"]) == ("normal", "none")
    assert "flagged" not in w2["reference_note"]


def test_a_low_flag_makes_the_result_indeterminate_but_never_high(tmp_path: Path) -> None:
    m1 = triage_csv(tmp_path, GERMAN).set_index("patient_id").loc["M1"]
    assert (m1["status"], m1["priority"], m1["suggestions"]) == ("indeterminate", "none", "")
    assert m1["comment"].startswith("Flagged low by the lab")


def test_a_result_the_lab_flagged_normal_that_the_set_finds_high_stays_high(
    tmp_path: Path,
) -> None:
    results = triage_csv(tmp_path, GERMAN).set_index("patient_id")
    m2, m3 = results.loc["M2"], results.loc["M3"]
    assert (m2["status"], m2["interpretation"]) == ("high", "H")
    assert "The lab flagged this result normal" in m2["reference_note"]
    assert (m3["status"], m3["band"]) == ("high", "moderate")
    assert "lab flagged" not in m3["reference_note"]


def test_the_flag_column_is_shown_by_check(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(GERMAN, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "lab_flag" in result.output and "Kennz." in result.output


def test_a_flag_written_in_the_result_cell_counts_like_a_flag_column(tmp_path: Path) -> None:
    text = "MRN,Sex,Age,Prolactin (ng/mL)\nF1,F,30,27 H\nF2,F,30,27\nF3,F,30,H 28.5\n"
    results = triage_csv(tmp_path, text).set_index("patient_id")
    assert results.loc["F1", "status"] == "indeterminate"
    assert results.loc["F3", "status"] == "indeterminate"
    assert results.loc["F2", "status"] == "normal"


# --------------------------------------------- intervals a flag does not overrule --------
def test_a_flag_that_contradicts_the_rows_own_interval_is_never_a_silent_normal(
    tmp_path: Path,
) -> None:
    """The lab's numbers on the row and its flag disagree (stop 30 review: a women's interval
    4.8-23.3 on a man's row, his 18 ng/mL flagged H against the men's limit of 15.2): which holds
    is not known, so the result is indeterminate (may be high), saying so; without a flag, or
    flagged normal, the row's interval decides."""
    text = (
        "MRN,Sex,Age,Prolactin,Unit,Reference range,Flag\n"
        "F1,F,30,27,ng/mL,4.8-30,H\nM1,M,30,18,ng/mL,4.8-23.3,H\nM2,M,30,18 H,ng/mL,4.8-23.3,\n"
        "M3,M,30,18,ng/mL,4.8-23.3,\nF2,F,30,27,ng/mL,4.8-30,N\nF3,F,30,10,ng/mL,4.8-30,L\n"
    )
    rows = triage_csv(tmp_path, text).set_index("patient_id")
    for flagged in ("F1", "M1", "M2"):
        assert rows.loc[flagged, "status"] == "indeterminate", flagged
        assert rows.loc[flagged, "priority"] == "routine", flagged
        assert "the flag and the interval disagree" in rows.loc[flagged, "reference_note"]
    assert rows.loc["F3", "status"] == "indeterminate" and rows.loc["F3", "priority"] == "none"
    for unflagged in ("M3", "F2"):
        assert (rows.loc[unflagged, "status"], rows.loc[unflagged, "reference_source"]) == (
            "normal",
            "row",
        ), unflagged


def test_a_pregnancy_interval_is_not_overruled_by_a_flag(tmp_path: Path) -> None:
    """The lab's flag was computed against its non-pregnant interval: 150 ng/mL at 30 weeks is
    within the third-trimester interval and stays normal (no MRI for a physiological level)."""
    text = (
        "MRN,Sex,Age,Prolactin,Unit,Flag,Pregnant,Gestational age (weeks)\n"
        "F1,F,30,150,ng/mL,H,yes,30\n"
    )
    row = triage_csv(tmp_path, text).iloc[0]
    assert row["reference_source"] == "physiological"
    assert row["status"] == "normal"
    assert "pituitary_mri" not in row["suggestions"]


# -------------------------------------------------------------- whose flag (long, wide) ---
def test_in_a_long_export_only_the_prolactin_lines_flag_counts(tmp_path: Path) -> None:
    text = (
        "MRN,Sex,Age,Test,Result,Units,Abnormal Flag\n"
        "F1,F,30,Prolactin,27,ng/mL,\n"
        "F1,F,30,TSH,5.9,mU/L,H\n"  # the TSH line's flag is not the prolactin result's
        "F2,F,30,Prolactin,27,ng/mL,H\n"
        "F2,F,30,TSH,1.2,mU/L,\n"
    )
    results = triage_csv(tmp_path, text).set_index("patient_id")
    assert results.loc["F1", "status"] == "normal"
    assert results.loc["F2", "status"] == "indeterminate"


def test_another_tests_flag_column_is_not_the_results(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "MRN,Sex,Age,PRL (ng/mL),TSH (mU/L),TSH flag\nF1,F,30,27,5.9,H\n", encoding="utf-8"
    )
    frame = read_file(path, None, ReadOptions()).frame
    assert frame["lab_flag"].isna().all()
    results = triage_csv(tmp_path, path.read_text(encoding="utf-8"))
    assert results.iloc[0]["status"] == "normal"


@pytest.mark.parametrize(
    ("header", "row", "flags"),
    [
        # each result followed by its own flag column: the one after prolactin is its flag
        ("TSH,Flag,Prolactin (ng/mL),Flag", "5.9,H,27,", [""]),
        ("TSH,Flag,Prolactin (ng/mL),Flag", "1.0,,27,H", ["high"]),
        ("Prolactin (ng/mL),Unit,Ref range,Flag,TSH,Flag", "27,ng/mL,,H,5.9,", ["high"]),
        ("TSH,Flag,Prolactin (ng/mL)", "5.9,H,27", [""]),  # TSH's flag only
    ],
)
def test_a_flag_column_belongs_to_the_result_it_follows(
    tmp_path: Path, header: str, row: str, flags: list[str]
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(f"MRN,Sex,Age,{header}\nF1,F,30,{row}\n", encoding="utf-8")
    frame = read_file(path, None, ReadOptions()).frame
    assert frame["lab_flag"].fillna("").tolist() == flags


def test_a_column_named_flag_that_holds_no_flags_is_not_read_as_one(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "MRN,Sex,Age,Prolactin (ng/mL),Flag\n"
        + "".join(f"F{i},F,30,27,study cohort {i}\n" for i in range(6)),
        encoding="utf-8",
    )
    frame = read_file(path, None, ReadOptions()).frame
    assert frame["lab_flag"].isna().all()


# ---------------------------------------------------------------------- HL7 v2 and FHIR ---
def _hl7(flag: str) -> bytes:
    segments = [
        "MSH|^~\\&|LIS|LAB|EHR|HOSP|20260301090000||ORU^R01|T1|P|2.5",
        "PID|1||H1^^^HOSP^MR||SYN^ANNA||19960101|F",
        "OBR|1|A1|S1|PRL^Prolactin|||20260301083000",
        f"OBX|1|NM|2842-3^Prolactin^LN||27|ng/mL||{flag}|||F",
    ]
    return "\r".join(segments).encode() + b"\r"


@pytest.mark.parametrize(("flag", "status"), [("H", "indeterminate"), ("", "normal")])
def test_hl7_obx8_is_the_labs_flag(tmp_path: Path, flag: str, status: str) -> None:
    path = tmp_path / "oru.hl7"
    path.write_bytes(_hl7(flag))
    frame = read_file(path, None, ReadOptions()).frame
    assert frame["lab_flag"].fillna("").tolist() == ["high" if flag else ""]
    out = tmp_path / "out-hl7"
    run = runner.invoke(app, ["run", str(path), "--out", str(out), "--quiet"])
    assert run.exit_code == 0, run.output
    row = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"][0]
    assert row["status"] == status


def _bundle(interpretation: dict[str, object] | None) -> dict[str, object]:
    extra = {} if interpretation is None else {"interpretation": [interpretation]}
    return prolactin_bundle({"birthDate": "1996-01-01"}, **extra)


@pytest.mark.parametrize(
    ("interpretation", "flag"),
    [
        (
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/"
                        "v3-ObservationInterpretation",
                        "code": "H",
                    }
                ]
            },
            "high",
        ),
        ({"text": "erhöht"}, "high"),
        (None, None),
    ],
)
def test_fhir_interpretation_is_the_labs_flag(
    tmp_path: Path, interpretation: dict[str, object] | None, flag: str | None
) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_bundle(interpretation)), encoding="utf-8")
    frame = read_file(path, None, ReadOptions()).frame
    assert frame["lab_flag"].fillna("").tolist() == [flag or ""]
