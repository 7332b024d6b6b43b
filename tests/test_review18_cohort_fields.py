"""Review 18: research-cohort fields.

- A visual field said to be abnormal is a visual field defect, a mass-effect red flag
  (clinical-reference §5, §8; output-contract §7: urgent, urgent endocrine referral) and a
  chiasmal sign that asks for MRI and formal visual fields even with a normal prolactin.
  "visual fields abnormal", "VF abnormal", "Gesichtsfeld pathologisch", "champ visuel anormal",
  "campo visual anormal", "campo visivo patologico", "gezichtsveld afwijkend" were unread in
  notes, in a "Visual fields" / "Gesichtsfeld" / "VF" column holding "abnormal", "path.", "abn",
  and as yes/no columns named "visual_field_abnormal", "perimetry_abnormal"...: the row was
  triaged "soon" without the red flag.  "normal", "unauffällig", "nl" stay no finding.
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
from pipeline_helpers import csv_quoted, triage_csv_warned, triage_lines

from triage.pipeline import TriageRequest, run_triage


def _codes(row: pd.Series, column: str) -> list[str]:
    return [c for c in str(row[column] or "").split(";") if c]


def _red_flagged(row: pd.Series) -> bool:
    return row["priority"] == "urgent" and "urgent_endocrine_referral" in _codes(row, "suggestions")


# --- 1. a visual field said to be abnormal ---------------------------------------------------
ABNORMAL_FIELDS = [
    "visual fields abnormal",
    "Abnormal visual fields on confrontation",
    "VF abnormal",
    "VF: abn.",
    "Humphrey perimetry abnormal (bitemporal)",
    "Gesichtsfeld pathologisch",
    "pathologisches Gesichtsfeld bds.",
    "Perimetrie auffällig",
    "champ visuel anormal",
    "anomalies du champ visuel",
    "campo visual anormal",
    "campos visuales patológicos",
    "campo visivo alterato",
    "campo visivo patologico",
    "campimetria alterata",
    "gezichtsveld afwijkend",
    "afwijkend gezichtsveld rechts",
]
NOT_ABNORMAL = [
    "visual fields normal",
    "VF: nl",
    "Gesichtsfeld unauffällig",
    "champ visuel normal",
    "campo visivo nella norma",
    "gezichtsveld niet afwijkend",
    "visual fields not abnormal",
    "abnormal LFTs, visual fields full",
    "no abnormal visual fields",
    "h/o abnormal visual fields",
]


def test_a_visual_field_said_to_be_abnormal_is_an_urgent_red_flag(tmp_path: Path) -> None:
    notes = ABNORMAL_FIELDS + NOT_ABNORMAL
    out = triage_lines(
        tmp_path,
        "record_id,sex,age,prl_ngml,comments",
        [f"V{i},F,30,80,{csv_quoted(n)}" for i, n in enumerate(notes)],
    )
    for i, note in enumerate(notes):
        row = out.loc[f"V{i}"]
        assert row["status"] == "high", note
        if note in ABNORMAL_FIELDS:
            assert _red_flagged(row), note
            assert "visual_field_test" in _codes(row, "suggestions"), note
        else:
            assert row["priority"] == "soon", note


def test_an_abnormal_visual_field_with_a_normal_prolactin_still_asks_for_imaging(
    tmp_path: Path,
) -> None:
    # a chiasmal sign points to a sellar mass whatever the prolactin (a non-functioning adenoma,
    # or the hook effect: clinical-reference §1.4, §7.6)
    notes = ["visual fields abnormal", "Gesichtsfeld pathologisch", "visual fields normal"]
    out = triage_lines(
        tmp_path,
        "record_id,sex,age,prl_ngml,comments",
        [f"N{i},F,30,18,{csv_quoted(n)}" for i, n in enumerate(notes)],
    )
    for i in (0, 1):
        row = out.loc[f"N{i}"]
        assert row["status"] == "normal", notes[i]
        assert row["priority"] != "none", notes[i]
        assert {"pituitary_mri", "visual_field_test"} <= set(_codes(row, "suggestions")), notes[i]
    assert out.loc["N2", "priority"] == "none"


def test_visual_field_columns_holding_an_abnormal_result_are_read(tmp_path: Path) -> None:
    # one examination column per language, its cell as a research form writes it
    cells = {
        "visual_fields": ["abnormal", "impaired", "normal", "nl"],
        "Gesichtsfeld": ["pathologisch", "path.", "unauffällig", "normal"],
        "VF": ["abn", "abnormal", "normal", "nl"],
        "Champ visuel": ["anormal", "pathologique", "normal", "RAS"],
        "Campo visivo": ["alterato", "patologico", "nella norma", "normale"],
        "Gezichtsveld": ["afwijkend", "gestoord", "normaal", "geen bijzonderheden"],
        "Campo visual": ["anormal", "alterado", "normal", "sin alteraciones"],
    }
    headers = list(cells)
    lines = []
    for c, header in enumerate(headers):
        for k, value in enumerate(cells[header]):
            row = [""] * len(headers)
            row[c] = value
            lines.append(f"C{c}-{k},F,30,80," + ",".join(row))
    out = triage_lines(tmp_path, "record_id,sex,age,prl_ngml," + ",".join(headers), lines)
    for c, header in enumerate(headers):
        for k, value in enumerate(cells[header]):
            row = out.loc[f"C{c}-{k}"]
            assert _red_flagged(row) == (k < 2), (header, value)


def test_yes_no_columns_naming_an_abnormal_visual_field_are_read(tmp_path: Path) -> None:
    headers = [
        "visual_field_abnormal",
        "VF abnormal",
        "abnormal_visual_fields",
        "perimetry_abnormal",
        "Gesichtsfeld pathologisch",
        "champ visuel anormal",
        "campo visivo patologico (0/1)",
        "gezichtsveld afwijkend (ja/nee)",
    ]
    yes = {"campo visivo patologico (0/1)": "1", "gezichtsveld afwijkend (ja/nee)": "ja"}
    no = {"gezichtsveld afwijkend (ja/nee)": "nee"}
    lines = []
    for c, header in enumerate(headers):
        for k, answer in enumerate((yes.get(header, "1"), no.get(header, "0"))):
            row = [""] * len(headers)
            row[c] = answer
            lines.append(f"Y{c}-{k},F,30,80," + ",".join(row))
    text = "record_id,sex,age,prl_ngml," + ",".join(headers) + "\n" + "\n".join(lines) + "\n"
    out, warnings = triage_csv_warned(tmp_path, text)
    for c, header in enumerate(headers):
        assert _red_flagged(out.loc[f"Y{c}-0"]), header
        assert out.loc[f"Y{c}-1", "priority"] == "soon", header
    assert not [w for w in warnings if "not used" in w]


# --- 2. age headers glued as a statistics package writes them ------------------------------
# (header, years per bare number of its cells; None: years, its unit unsaid)
GLUED_AGE_HEADERS = [
    ("agemo", 1 / 12),
    ("agemos", 1 / 12),
    ("agemonths", 1 / 12),
    ("ageyrs", 1.0),
    ("ageyears", 1.0),
    ("agevisit", None),
    ("ageatvisit", None),
    ("agebl", None),
    ("altermonate", 1 / 12),
    ("agemois", 1 / 12),
    ("edadmeses", 1 / 12),
    ("etamesi", 1 / 12),
    ("leeftijdmnd", 1 / 12),
    ("agedays", 1 / 365.25),
    ("ageweeks", 7 / 365.25),
]


def test_an_age_header_glued_to_its_unit_or_visit_is_the_age_column() -> None:
    from triage.columns import candidates, header_age_scale

    for header, scale in GLUED_AGE_HEADERS:
        assert candidates(header)[0][0] == "age_years", header
        found = header_age_scale(header)
        assert (found is None) if scale is None else abs((found or 0) - scale) < 1e-3, header


def test_an_infant_under_a_glued_age_header_gets_the_infants_interval(tmp_path: Path) -> None:
    # judged against the adult interval a month-old's 150 ng/mL was marked raised with a
    # prolactinoma work-up (clinical-reference §3: infants' and children's intervals)
    runs = [("agemo", "1", 1 / 12), ("edadmeses", "2", 2 / 12), ("ageatvisit", "8", 8.0)]
    for k, (header, cell, years) in enumerate(runs):
        (tmp_path / str(k)).mkdir()
        out, warnings = triage_csv_warned(
            tmp_path / str(k), f"record_id,sex,{header},prl_ngml\nS-1,F,{cell},150\n"
        )
        row = out.loc["S-1"]
        assert abs(row["age_years"] - years) < 0.01, header
        assert "adult" not in row["reference_stratum"], header
        assert not [w for w in warnings if "no age" in w], header
    assert out.loc["S-1", "status"] == "high"  # a girl of 8: the child's interval


def test_words_that_only_begin_like_an_age_are_not_one() -> None:
    from triage.columns import candidates, parse_header

    for header in ("agent", "agenda", "ageing", "aged", "agegroup", "alternative", "etage"):
        assert "age_years" not in dict(candidates(header)), header
    assert parse_header("agent1").main == "agent1"
    for header in ("dateofbirth", "dobdate", "birthdt", "fechanac", "datanascita"):
        assert candidates(header)[0][0] == "birth_date", header


# --- 3. research missing-data codes in the age column --------------------------------------
def test_an_age_written_as_a_missing_data_code_is_no_age(tmp_path: Path) -> None:
    # -99, 999, -9, 9999, ".a", "not done" were rejected (unreadable_age) while a blank age was
    # triaged: a code is no age, the row is triaged as one without an age, the code named
    codes = ["-99", "999", "-9", "9999", "-999", ".a", "not done", "fehlend"]
    lines = [f"M{i},F,{code},,2026-11-20,40" for i, code in enumerate(codes)]
    lines += [
        "B1,F,,,2026-11-20,40",  # blank: as before
        "R99,F,99,,2026-11-20,40",  # 99 without a codebook may be a real age: read as 99
        "D1,F,-99,2026-10-01,2026-11-20,100",  # the birth date gives the age: an infant
        "X1,F,420,,2026-11-20,40",  # no code: still unreadable, never an age of 420 nor no age
    ]
    out, warnings = triage_csv_warned(
        tmp_path, "record_id,sex,age,dob,collected,prl_ngml\n" + "\n".join(lines) + "\n"
    )
    for i, code in enumerate(codes):
        row = out.loc[f"M{i}"]
        assert pd.isna(row["age_years"]), code
        assert row["status"] == "high" and row["priority"] == "routine", code
    assert pd.isna(out.loc["B1", "age_years"])
    assert out.loc["R99", "age_years"] == 99
    assert out.loc["D1", "age_years"] < 1 and out.loc["D1", "status"] == "normal"
    assert "X1" not in out.index
    said = next(w for w in warnings if "missing-data codes, not ages" in w)
    for named in ("-99 (2 rows)", " 999 (1 row)", "-9 (1 row)", "9999 (1 row)", ".a (1 row)"):
        assert named in said, said


def test_an_age_code_the_codebook_declares_is_no_age_and_context_codes_are_missing(
    tmp_path: Path,
) -> None:
    book = openpyxl.Workbook()
    data = book.active
    assert data is not None
    data.title = "Data"
    data.append(["study_id", "sex", "age", "prl_bl", "prl_unit", "egfr", "tsh"])
    data.append(["S001", "F", 99, 40, "ng/mL", -99, 999])
    data.append(["S002", "F", 34, 40, "ng/mL", 80, 2.1])
    sheet = book.create_sheet("Codebook")
    sheet.append(["Variable", "Value", "Label"])
    sheet.append(["age", 99, "unknown"])
    sheet.append(["age", -99, "missing"])
    path = tmp_path / "cohort.xlsx"
    book.save(path)
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    out = outcome.results.set_index("patient_id")
    warnings = [w for s in outcome.inputs for w in s.warnings]
    assert pd.isna(out.loc["S001", "age_years"])  # 99 = unknown by the codebook: no age
    assert out.loc["S002", "age_years"] == 34
    assert any("declares missing-data codes" in w and "'age'" in w for w in warnings), warnings
    # eGFR -99 and TSH 999 are missing (context ranges), never a kidney failure or a
    # hypothyroidism: the result stays unexplained, asking for both
    row = out.loc["S001"]
    assert "unexplained" in row["factors"]
    assert {"check_tsh", "check_renal_function"} <= set(_codes(row, "suggestions"))
