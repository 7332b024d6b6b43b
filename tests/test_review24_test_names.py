"""Review 24 (hunt C defects 1 and 7, and two headers of other hunts): what a test's or a
column's name means.

- A urine creatinine (long test names, HL7 and wide headers, in six languages: nouns,
  adjectives, compounds, the "U-" and "i.U." marks) is never the serum creatinine: output
  contract §2 takes a serum creatinine as context, and a spot urine's 20-300 mg/dL read as serum
  gives an eGFR of about 1, an invented kidney failure (clinical-reference §8: CKD contributes at
  eGFR < 30) that took the macroprolactin screen away.
- An eGFR by cystatin C, alone or with the creatinine (clinical-reference §0b: LOINC 98980-6
  "creatinine + cystatin C" is an eGFR code), is an eGFR: an eGFR of 18 is a likely renal
  factor (§8), never dropped nor read as a creatinine.
- UK GP exports name the test by "Term", "Rubric", "Read Term", "Code Term" beside a Read/CTV3
  or SNOMED CT code; a long file with no test-name header tries the column whose cells name
  prolactin before refusing (an urgent 5400 mU/L was lost with the file: contract §7).
- A prolactin header with the analyser's full name ("Prolactin Beckman Coulter DxI (mIU/L)") is
  the prolactin column, its assay the one named (the short name was read; the full one refused).

Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from triage.io.long import classify_test
from triage.pipeline import TriageOutcome, TriageRequest, run_triage

LONG = "Patient;Geschlecht;Geburtsdatum;Abnahme;Test;Ergebnis;Einheit;Referenz"


def _run(tmp_path: Path, text: str, name: str = "export.csv") -> TriageOutcome:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _long_pairs(lines: list[tuple[str, str, str]]) -> str:
    """A long export: per patient a prolactin of 40 ng/mL of a man of 60 and one other line."""
    rows = [LONG]
    for i, (test, value, unit) in enumerate(lines, start=1):
        rows.append(f"P{i};M;01.01.1966;02.11.2026 08:00;Prolaktin;40;ng/ml;4,0-15,2")
        rows.append(f"P{i};M;01.01.1966;02.11.2026 08:00;{test};{value};{unit};")
    return "\n".join(rows) + "\n"


URINE_CREATININES = [
    ("U-Kreatinin", "45", "mg/dl"),
    ("U Creatinine", "45", "mg/dL"),
    ("creatinina urinaria", "40", "mg/dl"),
    ("creatinina urinaria 24h", "40", "mg/dl"),
    ("Kreatinin Sammelurin", "40", "mg/dl"),
    ("Kreatinin im Spontanurin", "40", "mg/dl"),
    ("Kreatinin i.U.", "40", "mg/dl"),
    ("Creatinina en orina", "40", "mg/dl"),
    ("créatinine urinaire", "40", "mg/dl"),
    ("creatinine, random urine", "40", "mg/dl"),
    ("Creatinina urine spot", "40", "mg/dl"),
    ("Urin-Kreatinin", "3500", "µmol/l"),
]


def test_a_urine_creatinine_in_a_long_file_is_no_renal_factor(tmp_path: Path) -> None:
    results = _results(_run(tmp_path, _long_pairs(URINE_CREATININES)))
    assert len(results) == len(URINE_CREATININES)
    for pid, row in results.iterrows():
        assert "renal_impairment" not in str(row["factors"]), (pid, row["factor_evidence"])
        assert "unexplained" in str(row["factors"]), pid
        assert "macroprolactin_screen" in str(row["suggestions"]), pid
        assert "check_renal_function" in str(row["suggestions"]), pid


@pytest.mark.parametrize(
    ("name", "code"),
    [("U-Kreatinin", ""), ("", "U-CREA"), ("Harnkreatinin", "UCREA"), ("", "UCR")],
)
def test_a_urine_creatinine_name_or_code_is_no_creatinine(name: str, code: str) -> None:
    spec = classify_test("", code, name, None, "mg/dL")
    assert spec is None or spec.field != "creatinine"


@pytest.mark.parametrize(
    "name", ["Kreatinin", "Creatinine", "S-Kreatinin", "Creatinina sierica", "Krea"]
)
def test_a_serum_creatinine_stays_a_creatinine(name: str) -> None:
    spec = classify_test("", "", name, None, "mg/dL")
    assert spec is not None and spec.field == "creatinine"


@pytest.mark.parametrize(
    "header",
    [
        "Creatinina en orina (mg/dL)",
        "Kreatinin i.U. (mg/dl)",
        "créatinine urinaire (mg/dL)",
        "Creatinina urinaria (mg/dL)",
        "U-Krea (mg/dl)",
    ],
)
def test_a_urine_creatinine_header_is_no_renal_factor(tmp_path: Path, header: str) -> None:
    text = f"ID;Sexo;Edad;Prolactina (ng/mL);{header}\nW1;M;60;40;45\n"
    row = _results(_run(tmp_path, text)).loc["W1"]
    assert "renal_impairment" not in str(row["factors"]), row["factor_evidence"]
    assert "macroprolactin_screen" in str(row["suggestions"])


def test_a_serum_creatinine_header_is_still_read(tmp_path: Path) -> None:
    text = "ID;Sexo;Edad;Prolactina (ng/mL);Kreatinin (mg/dl)\nW1;M;60;40;4,0\n"
    row = _results(_run(tmp_path, text)).loc["W1"]
    assert "renal_impairment" in str(row["factors"])


def test_an_hl7_urine_creatinine_is_no_renal_factor(tmp_path: Path) -> None:
    segments = [
        "MSH|^~\\&|LIS|NEPH|TRIAGE|LAB|202611020900||ORU^R01|MSG2|P|2.5.1",
        "PID|1||H002^^^NEPH^MR||Rossi^Luca||19660101|M",
        "OBR|1||SP2|PRL^Prolattina|||202611020800",
        "OBX|1|NM|2842-3^Prolactin^LN||40|ng/mL|4.0-15.2|H|||F",
        "OBX|2|NM|UKREA^U-Kreatinin^L||45|mg/dL||||F",
    ]
    row = _results(_run(tmp_path, "\r".join(segments) + "\r", "msg.hl7")).loc["H002"]
    assert "renal_impairment" not in str(row["factors"]), row["factor_evidence"]
    assert "macroprolactin_screen" in str(row["suggestions"])


CYSTATIN_EGFRS = [
    ("eGFR (CKD-EPI Cystatin C)", "18", "ml/min/1,73m²"),
    ("eGFR Kreatinin-Cystatin C", "18", "ml/min/1,73m²"),
    ("GFR (Cystatin C)", "18", "ml/min/1,73m²"),
    ("eGFRcr-cys", "18", "ml/min/1,73m²"),
    ("FGe (CKD-EPI creatinina-cistatina C)", "18", "ml/min/1,73m²"),
    ("eGFR Cys-C", "18", "ml/min/1,73m²"),
]


def test_an_egfr_by_cystatin_c_is_an_egfr(tmp_path: Path) -> None:
    results = _results(_run(tmp_path, _long_pairs(CYSTATIN_EGFRS)))
    assert len(results) == len(CYSTATIN_EGFRS)
    for pid, row in results.iterrows():
        assert "renal_impairment" in str(row["factors"]), (pid, row["factor_evidence"])
        assert "eGFR: 18" in str(row["factor_evidence"]), pid


def test_an_egfr_by_cystatin_c_coded_98980_6_is_an_egfr() -> None:
    spec = classify_test("98980-6", "", "eGFR Kreatinin-Cystatin C", None, "mL/min/1.73m2")
    assert spec is not None and spec.field == "egfr"


@pytest.mark.parametrize("header", ["eGFR Kreatinin-Cystatin C", "eGFR Cys-C (ml/min/1,73m²)"])
def test_a_wide_cystatin_egfr_header_is_an_egfr(tmp_path: Path, header: str) -> None:
    text = f"ID;Geschlecht;Alter;Prolaktin (ng/ml);{header}\nW1;M;60;40;18\n"
    row = _results(_run(tmp_path, text)).loc["W1"]
    assert "renal_impairment" in str(row["factors"])


GP_TERM_HEADERS = ["Term", "Rubric", "Read Term", "Code Term"]


@pytest.mark.parametrize("term", GP_TERM_HEADERS)
def test_a_gp_export_names_the_test_by_its_term(tmp_path: Path, term: str) -> None:
    text = (
        f"NHS number,Date of birth,Gender,Event date,Read code,{term},Numeric value,Numeric units\n"
        "485 777 3457,01 Jan 1970,M,14 Nov 2026,XaELt,Serum prolactin level,5400,mu/L\n"
        "485 777 3458,01 Jan 1985,F,14 Nov 2026,44Q..,Prolactin level (XaELt),900,mu/L\n"
        "485 777 3458,01 Jan 1985,F,14 Nov 2026,XaELV,Serum TSH level,12.5,mu/L\n"
    )
    results = _results(_run(tmp_path, text))
    assert results.loc["485 777 3457", "priority"] == "urgent"
    assert "485 777 3458" in results.index


@pytest.mark.parametrize("term", ["Term", "Rubric"])
def test_a_gp_export_without_a_code_column_names_the_test_by_its_term(
    tmp_path: Path, term: str
) -> None:
    text = (
        f"NHS number,Date of birth,Gender,Event date,{term},Numeric value,Numeric units,Range\n"
        "485 777 3457,01 Jan 1970,M,14 Nov 2026,Serum prolactin level,5400,mu/L,86-324\n"
    )
    assert _results(_run(tmp_path, text)).loc["485 777 3457", "priority"] == "urgent"


def test_a_snomed_code_beside_a_term_is_read_by_the_term(tmp_path: Path) -> None:
    text = (
        "NHS Number,Date of Birth,Gender,Date,SNOMED CT concept ID,Term,Value,Unit Of Measure\n"
        "4857773457,01-Jan-1970,Male,14-Nov-2026,1010601000000100,Serum prolactin level,5400,mu/L\n"
    )
    assert _results(_run(tmp_path, text)).loc["4857773457", "priority"] == "urgent"


def test_a_long_file_tries_an_unnamed_text_column_before_refusing(tmp_path: Path) -> None:
    # the test's name under a header no synonym knows, beside a code the triage does not know
    text = (
        "NHS number,Date of birth,Gender,Event date,Read code,Event details,Numeric value,"
        "Numeric units\n"
        "485 777 3457,01 Jan 1970,M,14 Nov 2026,XaELt,Serum prolactin level,5400,mu/L\n"
        "485 777 3457,01 Jan 1970,M,14 Nov 2026,XaELV,Serum TSH level,1.2,mu/L\n"
    )
    assert _results(_run(tmp_path, text)).loc["485 777 3457", "priority"] == "urgent"


ANALYSER_HEADERS = [
    ("Prolactin Beckman Coulter DxI (mIU/L)", "beckman_access"),
    ("Siemens ADVIA Centaur Prolactin (mIU/L)", "siemens_centaur"),
    ("Prolaktin Siemens Atellica IM [mU/l]", "siemens_atellica"),
    ("PRL Abbott Alinity i (mIU/L)", "abbott_architect"),
    ("Prolactin [mIU/L] Beckman Coulter DxI", "beckman_access"),
    ("Prolactin (mIU/L) - Abbott Alinity i", "abbott_architect"),
    ("Prolactine - Beckman Coulter Access 2 (mUI/L)", "beckman_access"),
    ("Prolactina Siemens Atellica IM (mUI/L)", "siemens_atellica"),
    ("Prolattina Roche Cobas e 801 (mUI/L)", "roche_elecsys"),
    ("Prolactin Tosoh AIA 900 (mIU/L)", None),
]


@pytest.mark.parametrize(("header", "assay_set"), ANALYSER_HEADERS)
def test_a_prolactin_header_with_the_analysers_full_name_is_read(
    tmp_path: Path, header: str, assay_set: str | None
) -> None:
    text = f'Patient ID,Sex,DOB,Collected,"{header}"\nH1,F,1985-03-02,2026-11-02 09:30,6400\n'
    row = _results(_run(tmp_path, text)).loc["H1"]
    assert row["priority"] == "urgent"
    if assay_set is not None:
        assert row["reference_set"] == assay_set


def test_an_analysers_name_does_not_make_a_post_peg_header_the_result(tmp_path: Path) -> None:
    from triage.columns import candidates

    found = candidates("Prolactin Beckman Coulter DxI post PEG (mIU/L)")
    assert not found or found[0][0] != "prolactin"


def test_a_note_naming_prolactin_is_no_test_name_where_the_codes_name_the_tests(
    tmp_path: Path,
) -> None:
    # the code "PRL" tells the prolactin line: the TSH line's note is never read as its name
    text = (
        "Patient,Sex,DOB,Date,Code,Hinweis,Value,Unit\n"
        "A1,F,1980-01-01,2026-11-02,PRL,,300,mU/L\n"
        "A1,F,1980-01-01,2026-11-02,TSH,Serum prolactin level please repeat,2.0,mU/L\n"
    )
    results = _results(_run(tmp_path, text))
    assert list(results["prolactin_raw"].astype(str)) == ["300"]
