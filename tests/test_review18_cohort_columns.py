"""Review 18: research-cohort and inbox exports whose columns were misread.

- a context test given in one column per unit ("creat_umoll" and "creat_mgdl", "Kreatinin
  (µmol/l)" and "Kreatinin (mg/dl)", "TSH (mIU/L)" and "TSH (µIU/mL)", "ft4_pmoll" and
  "ft4_ngdl") was read from the first column only, even in rows where it was empty: a man with a
  creatinine of 4.5 mg/dL came out "unexplained, soon, MRI" instead of kidney impairment
  (clinical-reference §4: kidney failure raises prolactin; §8: no MRI before the common causes).
  As for prolactin columns of two units, each row reads the column that holds a number, in its
  header's unit; two numbers that are no conversion of each other keep the first, with a warning;
- a code under a "Patient" header ("P-0042", "MRN12345") was read as the patient's NAME when the
  column held one distinct value (a one-row daily file, one patient's cumulative export, a
  monthly sheet of one row): results.csv had no patient id and the urgent line read "URGENT
  patient -".  "Patiente" and "Patientin" failed even with several codes.  One cell now decides,
  and a code (one word of letters and digits, or digits) is never a name;
- a legend sheet of reference limits ("Prolaktin (mU/l) von" / "Prolaktin (mU/l) bis") was
  reported as "3 row(s) with a result were not read", and such columns beside a result refused
  the file as two results per row.  A pair of prolactin headers alike but for a range's two
  ends (von/bis, desde/hasta, min/max, van/tot ...) is the lab's lower and upper limit;
- a long file's macroprolactin line written as a percentage with no unit cell ("MPRL %" = 30)
  or a bare number ("Macroprolactin" = 30, "MPRL" = 30) was rejected, and the page asked for a
  screen that was done.  The name's unit counts when no unit is written beside the result, a
  bare number is kept as the screen's uninterpreted note, and the run counts such lines;
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
from pipeline_helpers import triage_csv_warned

from triage.pipeline import TriageRequest, run_triage


def _factor_codes(row: pd.Series) -> set[str]:
    return {f["code"] for f in row["factor_details"]}


def _suggestion_codes(row: pd.Series) -> set[str]:
    return {s["code"] for s in row["suggestion_details"]}


# --- 1. context tests in one column per unit ----------------------------------------------------
def test_a_creatinine_in_the_second_units_column_is_read_where_the_first_is_empty(
    tmp_path: Path,
) -> None:
    """Men of 60 with prolactin 50 ng/mL (above the male limit, below the 100 ng/mL a renal
    cause reaches) and a creatinine of 4.5 mg/dL (about 400 µmol/L: eGFR far below 30) in
    whichever column the site fills: kidney impairment, routine, no MRI."""
    text = (
        "record_id,sex,age,prl_ngml,creat_umoll,creat_mgdl\n"
        "S-1,M,60,50,450,\n"
        "S-2,M,60,50,,4.5\n"
        'S-3,M,60,50,n.d.,"4,5"\n'
        "S-4,M,60,50,,0.9\n"
    )
    out, warnings = triage_csv_warned(tmp_path, text)
    for pid in ("S-1", "S-2", "S-3"):
        assert "renal_impairment" in _factor_codes(out.loc[pid]), pid
        assert "pituitary_mri" not in _suggestion_codes(out.loc[pid]), pid
        assert out.loc[pid, "priority"] == "routine", pid
    assert "renal_impairment" not in _factor_codes(out.loc["S-4"])  # 0.9 mg/dL: a normal kidney
    said = " ".join(warnings)
    assert "creat_mgdl" in said and "also looks like" not in said


def test_german_creatinine_columns_of_two_units(tmp_path: Path) -> None:
    text = (
        "Pat-Nr;Geschlecht;Alter;Prolaktin (µg/l);Kreatinin (µmol/l);Kreatinin (mg/dl)\n"
        "100201;m;60;50;;4,5\n"
        "100202;m;60;50;400;\n"
    )
    out, warnings = triage_csv_warned(tmp_path, text)
    for pid in ("100201", "100202"):
        assert "renal_impairment" in _factor_codes(out.loc[pid]), pid
    assert not any("also looks like" in w for w in warnings)


def test_thyroid_columns_of_two_units_are_read_row_by_row(tmp_path: Path) -> None:
    """A TSH of 8.5 in µIU/mL (= mIU/L) with a free T4 of 0.5 ng/dL (about 6.4 pmol/L: low) is
    overt hypothyroidism wherever the columns put them (clinical-reference §4); a free T4 of
    1.17 ng/dL (15 pmol/L) beside a normal TSH explains nothing."""
    text = (
        "record_id,sex,age,prl_ngml,tsh_miul,tsh_uiuml,ft4_pmoll,ft4_ngdl\n"
        "T-1,F,40,50,,8.5,,0.5\n"
        "T-2,F,40,50,8.5,,6.4,\n"
        "T-3,F,40,50,,1.2,,1.17\n"
        "T-4,F,40,50,,25,,\n"
    )
    out, warnings = triage_csv_warned(tmp_path, text)
    for pid in ("T-1", "T-2", "T-4"):
        assert "hypothyroidism" in _factor_codes(out.loc[pid]), pid
    assert "hypothyroidism" not in _factor_codes(out.loc["T-3"])
    said = " ".join(warnings)
    assert "tsh_uiuml" in said and "ft4_ngdl" in said


def test_two_numbers_that_disagree_keep_the_first_column_with_a_warning(tmp_path: Path) -> None:
    """450 µmol/L beside 5.09 mg/dL is one result in two units (no warning); 450 beside 1.0
    mg/dL are two different numbers: the first column's is read and the row is named."""
    text = (
        "record_id,sex,age,prl_ngml,Creatinine (µmol/L),Creatinine (mg/dL),TSH (mU/l),TSH (µU/ml)\n"
        "D-1,M,60,50,450,5.09,1.1,1.1\n"
        "D-2,M,60,50,450,1.0,,\n"
        "D-3,M,60,50,,,1.0,9.0\n"
    )
    out, warnings = triage_csv_warned(tmp_path, text)
    assert "renal_impairment" in _factor_codes(out.loc["D-1"])
    assert "renal_impairment" in _factor_codes(out.loc["D-2"])  # the first column's 450
    assert "hypothyroidism" not in _factor_codes(out.loc["D-3"])  # the first column's 1.0
    creat = [w for w in warnings if "no conversion of each other" in w and "creatinine" in w]
    tsh = [w for w in warnings if "no conversion of each other" in w and "tsh" in w]
    assert len(creat) == 1 and "row 3" in creat[0] and creat[0].startswith("1 row(s)")
    assert len(tsh) == 1 and "row 4" in tsh[0]


def test_other_samples_and_repeats_are_not_merged(tmp_path: Path) -> None:
    """Two creatinine columns in the same unit are two results (a baseline and a repeat), and a
    urine creatinine in another unit is another sample: neither is read into the serum
    creatinine's empty cell (a urine creatinine of 150 mg/dL is no kidney failure)."""
    text = (
        "record_id,sex,age,prl_ngml,Créatinine (µmol/L),Créatinine contrôle (µmol/L),"
        "Créatinine urinaire (mmol/L),Kreatinin im Urin (mg/dl)\n"
        "R-1,M,60,50,,450,,\n"
        "R-2,M,60,50,,,12,150\n"
    )
    out, _ = triage_csv_warned(tmp_path, text)
    assert "renal_impairment" not in _factor_codes(out.loc["R-1"])
    assert "renal_impairment" not in _factor_codes(out.loc["R-2"])


# --- 2. a patient code under "Patient" is the id, however many rows ------------------------------
def test_a_code_under_a_patient_header_is_the_id_in_a_one_row_file(tmp_path: Path) -> None:
    """A one-row daily file (or a one-patient export) under "Patient", "Patiënt", "Patiente",
    "Patientin": the code is the patient's id, and the urgent line names it (6000 mIU/L is
    above the 5000 mIU/L urgent level, clinical-reference §8)."""
    for n, (header, code) in enumerate(
        [
            ("Patient", "P-0042"),
            ("Patiënt", "MRN12345"),
            ("Patiente", "4857773465"),
            ("Patientin", "PT0001"),
        ]
    ):
        run = tmp_path / str(n)
        run.mkdir()
        out, _ = triage_csv_warned(run, f"{header},Sex,Age,Prolactin (mIU/L)\n{code},F,30,6000\n")
        assert list(out.index) == [code], header
        assert pd.isna(out.loc[code, "patient_name"]), header
        urgent = (run / "out" / "urgent.txt").read_text(encoding="utf-8")
        assert f"URGENT patient {code} |" in urgent, header


def test_one_patients_cumulative_export_keeps_its_id_and_names_stay_names(tmp_path: Path) -> None:
    out, _ = triage_csv_warned(
        tmp_path, "Patient,Sex,Age,Prolactin (mIU/L)\nP-0042,F,30,6000\nP-0042,F,30,5800\n"
    )
    assert list(out.index) == ["P-0042", "P-0042"]
    for n, header in enumerate(["Patient", "Patientin", "Patiente"]):
        run = tmp_path / f"name{n}"
        run.mkdir()
        named, _ = triage_csv_warned(
            run, f'{header},Sex,Age,Prolactin (mIU/L)\n"Müller, Anna",F,30,600\n'
        )
        assert list(named["patient_name"]) == ["Müller, Anna"], header


def test_a_workbook_of_one_row_per_monthly_sheet_keeps_each_id(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Januar"
    for row in (["Patient", "Geschlecht", "Alter", "Prolaktin (mU/l)"], ["P-0042", "w", 30, 6000]):
        first.append(row)
    path = tmp_path / "monate.xlsx"
    book.save(path)
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    assert list(outcome.results["patient_id"]) == ["P-0042"]


# --- 3. a reference interval's two ends are no results -------------------------------------------
def test_a_legend_sheet_of_reference_limits_is_not_reported_as_unread_results(
    tmp_path: Path,
) -> None:
    """A workbook's second sheet lists the lab's limits by group ("Prolaktin (mU/l) von / bis"):
    it holds no results, so no warning says results were not read; the results sheet is read."""
    book = openpyxl.Workbook()
    results = book.active
    assert results is not None
    results.title = "Befunde"
    for row in (
        ["Pat.-Nr.", "Geschlecht", "Alter", "Prolaktin (mU/l)"],
        ["100201", "w", 30, 700],
        ["100202", "m", 40, 400],
    ):
        results.append(row)
    legend = book.create_sheet("Referenzbereiche")
    for row in (
        ["Gruppe", "Prolaktin (mU/l) von", "Prolaktin (mU/l) bis"],
        ["Frauen", 102, 496],
        ["Männer", 86, 324],
        ["Schwangere", 200, 4400],
    ):
        legend.append(row)
    path = tmp_path / "befunde.xlsx"
    book.save(path)
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))
    assert outcome.results is not None
    assert sorted(outcome.results["patient_id"]) == ["100201", "100202"]
    said = [w for summary in outcome.inputs for w in summary.warnings]
    assert not [w for w in said if "Referenzbereiche" in w], said


def test_lower_and_upper_limit_columns_of_each_row_are_the_labs_interval(tmp_path: Path) -> None:
    """ "von / bis", "desde / hasta", "min / max" beside the result are the lab's own interval
    (the contract: the lab's interval judges its row); a lone "Prolactine bis" (French: a
    repeat) is still a second result."""
    out, _ = triage_csv_warned(
        tmp_path,
        "Pat.-Nr.;Geschlecht;Alter;Prolaktin (mU/l);Prolaktin (mU/l) von;Prolaktin (mU/l) bis\n"
        "100201;w;30;700;102;800\n"
        "100202;m;40;400;86;324\n",
    )
    assert out.loc["100201", "status"] == "normal"  # 700 within the lab's 102-800
    assert out.loc["100202", "status"] == "high"
    assert out.loc["100202", "reference_high_value"] == 324
    for n, (low, high) in enumerate([("desde", "hasta"), ("min", "max")]):
        run = tmp_path / str(n)
        run.mkdir()
        row, _ = triage_csv_warned(
            run,
            f"ID paciente,Sexo,Edad,Prolactina (ng/mL),Prolactina {low},Prolactina {high}\n"
            "E-1,F,30,28,4.8,35\n",
        )
        assert row.loc["E-1", "status"] == "normal", low
    lone = tmp_path / "bis"
    lone.mkdir()
    # a second result (review 20: each prolactin column of a row is read as a result of its own)
    repeat = run_triage(
        TriageRequest(inputs=[_written(lone)], out_dir=lone / "out", keep_results=True)
    ).results
    assert repeat is not None
    assert sorted(repeat["prolactin_value"].astype(float)) == [28.0, 31.0]


def _written(folder: Path) -> Path:
    path = folder / "export.csv"
    path.write_text(
        "N° patient;Sexe;Age;Prolactine (µg/L);Prolactine bis (µg/L)\nF-1;F;30;28;31\n",
        encoding="utf-8",
    )
    return path


# --- 4. a macroprolactin line of a long file is never dropped in silence ------------------------
def test_macroprolactin_lines_of_a_long_file_are_read_or_noted(tmp_path: Path) -> None:
    """A recovery named as such is read (30 % recovery: macroprolactin, clinical-reference
    §2.5: below 40 %); "Makroprolaktin %" 70 is the percent macroprolactin (recovery 30 %).  A
    bare percentage under a screen's name or code ("MPRL" 30 %, "MPRL %" 30, "Macroprolactin"
    30 with no unit) does not say which direction it reads: it is kept as a note the page
    explains (not a request for a screen that was done), with a warning, never dropped."""
    out, warnings = triage_csv_warned(
        tmp_path,
        "subject_id,visit,sex,age,analyte,value,unit\n"
        "S-1,baseline,F,28,PRL,70,ng/mL\n"
        "S-1,baseline,F,28,macroprolactin recovery,30,%\n"
        "S-2,baseline,F,28,PRL,70,ng/mL\n"
        "S-2,baseline,F,28,Makroprolaktin %,70,%\n"
        "S-3,baseline,F,28,PRL,70,ng/mL\n"
        "S-3,baseline,F,28,MPRL,30,%\n"
        "S-4,baseline,F,28,PRL,70,ng/mL\n"
        "S-4,baseline,F,28,MPRL %,30,\n"
        "S-5,baseline,F,28,PRL,70,ng/mL\n"
        "S-5,baseline,F,28,Macroprolactin,30,\n",
    )
    for pid in ("S-1", "S-2"):
        assert "macroprolactinemia" in _factor_codes(out.loc[pid]), pid
    for pid in ("S-3", "S-4", "S-5"):
        row = out.loc[pid]
        assert "macroprolactinemia" not in _factor_codes(row), pid
        screen = [s for s in row["suggestion_details"] if s["code"] == "macroprolactin_screen"]
        assert screen and "was done" in screen[0]["reason"], pid
    noted = [w for w in warnings if "not interpreted" in w]
    assert len(noted) == 1 and noted[0].startswith("3 line(s)")
