"""Research-cohort exports (REDCap, SPSS, Stata, NHANES-style): missing-data codes, coded values
recoded through the mapping file's [values], checkbox labels, coded unit columns and help texts.

All data synthetic."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from triage.cli import app
from triage.io import FileRead, ReadOptions, load_mapping, read_file
from triage.schema import InputFileError
from triage.values import context_ranges, is_missing_code, missing_code_fields

runner = CliRunner()

# An SPSS "values" export: -99 / 999 are user-missing codes, labels written out.
SPSS = """\
ID,Gender,Age,Pregnant,eGFR,TSH,PEG_recovery_pct,MRI_finding,Medication,Prolactin_ng_ml
S01,Female,34,No,95,1.8,999,-99,-99,45
S02,Female,29,No,-99,2.1,999,Not applicable,none,22
S03,Female,41,No,-9,9999,-99,Missing,none,60
S04,Male,52,-99,88,999,30,Don't know,none,40
S05,Female,38,No,102,2.0,30,Refused,none,48
S06,Female,27,No,99,1.5,30,Not done,none,55
S07,Female,33,No,90,1.1,30,8 mm microadenoma,none,140
"""

# A REDCap raw export: codes for sex (1 = female, 2 = male in this codebook), units and checkboxes.
REDCAP_RAW = """\
record_id,redcap_event_name,age,sex,pregnant___1,egfr,prl_result,prl_units
101,baseline_arm_1,28,1,0,95,65,1
101,month_3_arm_1,28,1,0,96,1380,2
102,baseline_arm_1,45,2,0,88,25,1
103,baseline_arm_1,31,1,1,110,150,1
104,baseline_arm_1,40,1,0,-99,45,1
105,baseline_arm_1,36,1,0,90,40,-99
"""

# The same REDCap project exported with labels: checkboxes read Checked / Unchecked.
REDCAP_LABELS = """\
record_id,redcap_event_name,age,sex,pregnant___1,egfr,prl_result,prl_units
101,baseline_arm_1,28,Female,Unchecked,95,65,ng/mL
103,baseline_arm_1,31,Female,Checked,110,150,ng/mL
104,baseline_arm_1,30,Female,Unchecked,100,28,ng/mL
"""

REDCAP_VALUES = """\
[values.sex]
"1" = "F"
"2" = "M"

[values.prolactin_unit]
"1" = "ng/mL"
"2" = "mIU/L"

[values.pregnant]
"1" = "yes"
"0" = "no"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read(path: Path, mapping: Path | None = None, **options: object) -> FileRead:
    return read_file(
        path,
        load_mapping(mapping) if mapping else None,
        ReadOptions(**options),  # type: ignore[arg-type]
    )


def row(result: FileRead, source_row: int) -> pd.Series:
    frame = result.frame
    return frame[frame["source_row"] == source_row].iloc[0]


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


def results(out: Path) -> dict[str, dict[str, str]]:
    with (out / "results.csv").open(encoding="utf-8") as fh:
        return {r["source_row"]: r for r in csv.DictReader(fh)}


# ------------------------------------------------------------------------------------------------
# 1. Missing-data codes are never values
# ------------------------------------------------------------------------------------------------
def test_every_numeric_context_field_has_a_plausible_range_with_a_note() -> None:
    ranges = context_ranges()
    for name in (
        "egfr",
        "creatinine",
        "tsh",
        "free_t4",
        "macroprolactin_recovery_pct",
        "monomeric_prolactin",
        "pituitary_lesion_mm",
        "gestational_weeks",
        "postpartum_weeks",
    ):
        assert name in ranges and name in missing_code_fields()
        assert ranges[name].low < ranges[name].high and ranges[name].note
    assert "prolactin" not in missing_code_fields()  # results keep their own checks


@pytest.mark.parametrize(
    "code",
    ["-99", "-999", "-9", "-88", "-77", "999", "9999", ".", ".a", "NA", "N/A", "#N/A", "NULL",
     "Missing", "Not applicable", "Not done", "Don't know", "Don’t know", "Refused", "Unknown",
     "n.d.", "nicht erhoben", "non fait", "no realizado", "non eseguito", "niet gedaan", -99,
     999.0],
)  # fmt: skip
def test_missing_codes(code: object) -> None:
    assert is_missing_code(code)


@pytest.mark.parametrize("value", ["8", "30", "1.5", "Female", "risperidone", "nd 4", "NAD", ""])
def test_not_missing_codes(value: str) -> None:
    assert not is_missing_code(value)


def test_spss_codes_read_as_missing_with_one_warning_per_column(tmp_path: Path) -> None:
    result = read(write(tmp_path, "spss.csv", SPSS))
    frame = result.frame
    assert len(frame) == 7
    assert frame["egfr"].isna().tolist()[1:3] == [True, True]  # -99, -9
    assert row(result, 7)["egfr"] == 99  # a real eGFR of 99 is kept
    assert pd.isna(row(result, 4)["tsh"])  # 9999
    assert pd.isna(row(result, 5)["tsh"])  # 999
    assert frame["macroprolactin_recovery_pct"].tolist()[3:] == [30.0] * 4
    assert frame["macroprolactin_recovery_pct"].isna().tolist()[:3] == [True] * 3
    lesions = frame["pituitary_lesion"].tolist()
    assert all(pd.isna(v) for v in lesions[:6]) and lesions[6] == "8 mm microadenoma"
    assert pd.isna(row(result, 2)["medications"])
    assert pd.isna(row(result, 5)["pregnant"])
    warnings = result.summary.warnings
    egfr = [w for w in warnings if w.startswith("egfr ")]
    assert len(egfr) == 1 and "-99 (1 row)" in egfr[0] and "-9 (1 row)" in egfr[0]
    lesion = [w for w in warnings if w.startswith("pituitary_lesion ")]
    assert len(lesion) == 1 and "Not applicable" in lesion[0] and "Refused" in lesion[0]


def test_a_few_codes_do_not_cost_a_column(tmp_path: Path) -> None:
    """18 valid PEG recoveries plus -99 and 999: the column is kept and the codes blanked."""
    lines = ["ID,Sex,Age,Prolactin (ng/mL),PEG_recovery_pct"]
    lines += [f"P{i:02d},F,30,45,30" for i in range(18)]
    lines += ["P18,F,30,45,-99", "P19,F,30,45,999"]
    result = read(write(tmp_path, "peg.csv", "\n".join(lines) + "\n"))
    recovery = result.frame["macroprolactin_recovery_pct"]
    assert recovery.notna().sum() == 18 and set(recovery.dropna()) == {30.0}
    assert not any("not used as macroprolactin" in w for w in result.summary.warnings)


def test_codes_change_no_clinical_reading(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("run", write(tmp_path, "spss.csv", SPSS), "--out", out)
    assert result.exit_code == 0, result.output
    rows = results(out)
    for source_row in ("2", "3", "4", "5", "6", "7"):
        factors = rows[source_row]["factors"]
        assert "renal_impairment" not in factors
        assert "hypothyroidism" not in factors
    for source_row in ("2", "3", "4"):  # PEG recovery 999 / -99
        assert "macroprolactin" not in rows[source_row]["factors"]
    for source_row in ("2", "3", "4", "5", "6"):
        assert "known_pituitary_lesion" not in rows[source_row]["factors"]
    assert "known_pituitary_lesion" in rows["8"]["factors"]
    assert "egfr (column 'eGFR')" in result.output  # on the run console too


def test_long_export_context_codes_are_not_attached(tmp_path: Path) -> None:
    text = (
        "Patient ID,Test,Result,Unit\n"
        "A1,Prolactin,45,ng/mL\n"
        "A1,eGFR,-99,mL/min/1.73m2\n"
        "A1,TSH,9999,mIU/L\n"
        "B2,Prolactin,40,ng/mL\n"
        "B2,eGFR,25,mL/min/1.73m2\n"
    )
    result = read(write(tmp_path, "long.csv", text))
    frame = result.frame.set_index("patient_id")
    assert pd.isna(frame.loc["A1", "egfr"]) and pd.isna(frame.loc["A1", "tsh"])
    assert frame.loc["B2", "egfr"] == 25
    reasons = {r.source_row: r.reason_code for r in result.rejected}
    assert reasons == {3: "other_test", 4: "other_test"}


# ------------------------------------------------------------------------------------------------
# 2.-5. Coded values: [values], checkboxes, numeric sex, coded units
# ------------------------------------------------------------------------------------------------
def test_values_table_recodes_a_redcap_raw_export(tmp_path: Path) -> None:
    path = write(tmp_path, "redcap.csv", REDCAP_RAW)
    result = read(path, write(tmp_path, "map.toml", REDCAP_VALUES))
    assert result.summary.mapping["patient_id"] == "record_id"
    assert row(result, 2)["sex"] == "F" and row(result, 4)["sex"] == "M"
    assert row(result, 3)["prolactin_unit"] == "mIU/L" and row(result, 3)["prolactin_value"] == 1380
    assert bool(row(result, 5)["pregnant"])
    assert not any("numeric sex codes" in w for w in result.summary.warnings)
    rejected = {r.source_row: r for r in result.rejected}
    assert rejected[7].reason_code == "unknown_unit" and "-99" in rejected[7].detail


def test_redcap_raw_export_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = write(tmp_path, "redcap.csv", REDCAP_RAW)
    result = invoke(
        "run", path, "--columns", write(tmp_path, "m.toml", REDCAP_VALUES), "--out", out
    )
    assert result.exit_code == 0, result.output
    rows = results(out)
    assert rows["4"]["sex"] == "M" and rows["4"]["status"] == "high"  # male, 25 ng/mL
    assert rows["3"]["prolactin_unit"] == "mIU/L"
    assert "pregnancy" in rows["5"]["factors"]
    assert "renal_impairment" not in rows["6"]["factors"]


def test_unit_option_never_fills_coded_unit_cells(tmp_path: Path) -> None:
    """--unit applies only to rows that give no unit: codes 1/2/-99 are rejected with the fix."""
    result = read(write(tmp_path, "redcap.csv", REDCAP_RAW), unit="ng/mL")
    assert len(result.frame) == 0
    assert {r.reason_code for r in result.rejected} == {"unknown_unit"}
    details = {r.source_row: r.detail for r in result.rejected}
    assert "[values.prolactin_unit]" in details[2] and "'1'" in details[2]
    assert "missing-data code" in details[7]
    assert any("holds codes, not units" in w for w in result.summary.warnings)


@pytest.mark.parametrize(
    ("unit", "said"),
    [
        ("mX/L", "holds units the tool does not know ('mX/L')"),
        ("µE/dl", "holds concentration units the tool does not convert ('µE/dl')"),
        ("U/ml", "holds concentration units the tool does not convert ('U/ml')"),
        ("nmol/l", "holds concentration units the tool does not convert ('nmol/l')"),
        ("pmol/L", "holds concentration units the tool does not convert ('pmol/L')"),
        ("ng/dL", "holds concentration units the tool does not convert ('ng/dL')"),
        ("mIU/mL", "holds concentration units the tool does not convert ('mIU/mL')"),
    ],
)
def test_a_unit_column_of_unknown_units_is_not_said_to_hold_codes(
    tmp_path: Path, unit: str, said: str
) -> None:
    """Texts shaped like units that are no prolactin unit are named as unknown units, not as
    codes of a codebook; their rows are rejected as unknown_unit.  A concentration in another
    scale (pmol/L, ng/dL, mIU/mL: 1,000 mIU/L) differs from ng/mL and mIU/L by a factor: the
    fix is converting the results, never naming the unit ng/mL or mIU/L in the mapping file
    (1,400 pmol/L, ~32 ng/mL, read as 1,400 ng/mL would be a false urgent)."""
    text = f"ID,Sex,Age,Prolactin,Unit\nA,F,30,12,{unit}\nB,F,31,14,{unit}\nC,F,32,15,ng/mL\n"
    result = read(write(tmp_path, "units.csv", text))
    assert [r.reason_code for r in result.rejected] == ["unknown_unit", "unknown_unit"]
    warnings = " ".join(result.summary.warnings)
    assert said in warnings
    assert "holds codes" not in warnings
    if "convert" in said:
        assert "[values.prolactin_unit]" not in warnings
        assert all("[values.prolactin_unit]" not in r.detail for r in result.rejected)
        assert all("convert the results" in r.detail for r in result.rejected)


def test_numeric_sex_codes_warn_on_the_run_console(tmp_path: Path) -> None:
    out = tmp_path / "out"
    text = "ID,Sex,Age,Prolactin (ng/mL)\nA,1,30,12\nB,2,30,14\n"
    result = invoke("run", write(tmp_path, "sex.csv", text), "--out", out)
    assert result.exit_code == 0
    assert "numeric sex codes" in result.output and "[values.sex]" in result.output


def test_checkbox_labels_are_yes_and_no(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = write(tmp_path, "labels.csv", REDCAP_LABELS)
    read_back = read(path)
    assert read_back.frame["pregnant"].tolist() == [False, True, False]
    assert invoke("run", path, "--out", out).exit_code == 0
    rows = results(out)
    assert "pregnancy" in rows["3"]["factors"]
    assert "pregnancy" not in rows["2"]["factors"]


@pytest.mark.parametrize("header", ["record_id", "SEQN", "participant_id", "pid"])
def test_research_patient_ids(tmp_path: Path, header: str) -> None:
    text = f"{header},sex,age,prolactin_ng_ml\n1001,F,30,20\n1001,F,30,25\n"
    result = read(write(tmp_path, "ids.csv", text))
    assert result.summary.mapping.get("patient_id") == header


# ------------------------------------------------------------------------------------------------
# 6. Help texts keep their bracketed words ([columns], [values] ...)
# ------------------------------------------------------------------------------------------------
def _params(command: object) -> list[object]:
    found: list[object] = list(getattr(command, "params", []))
    for sub in getattr(command, "commands", {}).values():
        found += _params(sub)
    return found


def test_no_help_text_loses_bracketed_words() -> None:
    """Help texts are plain text (no Rich markup): "[columns]" is written and shown as is,
    never hand-escaped ("\\[columns]" would show its backslash)."""
    helps = [getattr(p, "help", None) or "" for p in _params(get_command(app))]
    bracketed = [h for h in helps if "[" in h]
    assert bracketed, "expected some help texts naming mapping-file tables"
    for text in bracketed:
        assert "\\[" not in text, text
    shown = invoke("run", "--help").output
    assert "[columns]" in shown and "[values" in shown and "(, , )" not in shown


# ------------------------------------------------------------------------------------------------
# 8. One column per drug (dose columns) become the row's medications
# ------------------------------------------------------------------------------------------------
PSYCH = """\
subject,sex,age,Medication,risperidone_mg,olanzapine_mg,aripiprazole_dose,Haloperidol (mg/d),\
chlorpromazine_equiv,prl_miu_l
P01,F,32,,4,0,0,0,200,1900
P02,M,25,sertraline 50 mg,0,20,0,,300,480
P03,F,29,,0,0,10,0,150,40
P04,F,30,,0,0,0,0,0,1300
P05,F,31,,-99,0,0,0,0,900
P06,F,33,,0,0,0,yes,0,700
"""


@pytest.mark.parametrize(
    ("header", "drug"),
    [("risperidone_mg", "risperidone"), ("Haloperidol (mg/d)", "haloperidol"),
     ("aripiprazole_dose", "aripiprazole"), ("chlorpromazine_equiv", None),
     ("meds_antipsych", "antipsychotic (unspecified)"), ("risperidone_start_date", None),
     ("Medication", None)],
)  # fmt: skip
def test_drug_dose_headers(header: str, drug: str | None) -> None:
    from triage.io.drug_columns import drug_of_header

    found = drug_of_header(header)
    assert (found.drug if found else None) == drug


def test_drug_dose_columns_become_medications(tmp_path: Path) -> None:
    result = read(write(tmp_path, "psych.csv", PSYCH))
    meds = result.frame["medications"].tolist()
    assert meds[0] == "risperidone 4 mg"
    assert meds[1] == "sertraline 50 mg; olanzapine 20 mg"  # after the medications column
    assert meds[2] == "aripiprazole 10"
    assert pd.isna(meds[3]) and pd.isna(meds[4])  # all 0; -99 is a missing code, not a dose
    assert meds[5] == "haloperidol"
    assert "chlorpromazine_equiv" in result.summary.unmapped_headers
    assert any("columns named after drugs" in w for w in result.summary.warnings)


def test_drug_dose_columns_reach_the_engine(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert invoke("run", write(tmp_path, "psych.csv", PSYCH), "--out", out).exit_code == 0
    rows = results(out)
    assert "medication" in rows["2"]["factors"]  # risperidone 4 mg
    assert "medication" not in rows["5"]["factors"]  # drug-naive
    assert "medication" not in rows["6"]["factors"]  # -99


# A drug or class column that answers yes/no: SPSS and REDCap code it 1 = yes, 2 = no (9 =
# unknown), or as the header says; a number there is never a dose.  Read as a dose, "2" put the
# drug on every "no" patient, and a likely drug cause took away their work-up.
@pytest.mark.parametrize(
    ("header", "cells", "taken"),
    [("antipsychotic", ["1", "2", "9", ""], [True, False, False, False]),
     ("antipsychotic_yn", ["1", "0", "2", "ja"], [True, False, False, True]),
     ("Neuroleptika (ja/nein)", ["ja", "nein", "1", "0"], [True, False, True, False]),
     ("Antipsychotics (Y/N)", ["Y", "N", "1", "2"], [True, False, True, False]),
     ("antipsychotic (0=no, 1=yes)", ["1", "0", "2", ""], [True, False, False, False]),
     ("Risperidon (1=ja; 2=nein)", ["1", "2", "2", "1"], [True, False, False, True]),
     ("risperidone_yn", ["1", "2", "2", "1"], [True, False, False, True]),
     ("med_haloperidol", ["1", "0", "0", "1"], [True, False, False, True]),
     ("metoclopramide (oui/non)", ["oui", "non", "1", "0"], [True, False, True, False]),
     # a drug column without a dose word holding only 1 and 2: codes, not 1 mg and 2 mg
     ("risperidone", ["1", "2", "2", "1"], [True, False, False, True]),
     # other classes a cohort flags: opioids, dopamine agonists
     ("opioid", ["1", "0", "0", "1"], [True, False, False, True]),
     ("Opioide (ja/nein)", ["ja", "nein", "1", "0"], [True, False, True, False]),
     ("dopamine_agonist", ["1", "2", "2", "1"], [True, False, False, True]),
     # a header noting its cells are 0 or 1: 1 is yes, 2 is no answer read
     ("antipsychotic (0/1)", ["1", "0", "2", "1"], [True, False, False, True]),
     ("opioid_01", ["1", "0", "0", "1"], [True, False, False, True]),
     ("SSRI 1/0", ["0", "1", "", "1"], [False, True, False, True])],
)  # fmt: skip
def test_a_yes_no_drug_column_reads_its_numbers_as_answers(
    tmp_path: Path, header: str, cells: list[str], taken: list[bool]
) -> None:
    lines = [f'id,sex,age,prl_ngml,"{header}"']
    lines += [f"K{n},F,34,95,{cell}" for n, cell in enumerate(cells)]
    result = read(write(tmp_path, "flags.csv", "\n".join(lines) + "\n"))
    meds = result.frame["medications"].tolist()
    assert [isinstance(m, str) and bool(m) for m in meds] == taken, meds
    assert all("2 mg" not in m and " 1" not in m for m in meds if isinstance(m, str))
    assert header not in result.summary.unmapped_headers


def test_a_dose_column_keeps_reading_doses(tmp_path: Path) -> None:
    text = "id,sex,age,prl_ngml,risperidone_mg,aripiprazole_dose\n"
    text += "K1,F,34,95,2,1\nK2,F,34,95,1,2\nK3,F,34,95,0,0\n"
    meds = read(write(tmp_path, "doses.csv", text)).frame["medications"].tolist()
    assert meds[:2] == ["risperidone 2 mg; aripiprazole 1", "risperidone 1 mg; aripiprazole 2"]
    assert pd.isna(meds[2])


def test_a_no_answer_in_a_drug_column_leaves_the_work_up(tmp_path: Path) -> None:
    text = "id,sex,age,prl_ngml,antipsychotic\nK1,F,34,95,1\nK2,F,34,95,2\n"
    out = tmp_path / "out"
    assert invoke("run", write(tmp_path, "flag.csv", text), "--out", out).exit_code == 0
    rows = results(out)
    assert rows["2"]["factors"].startswith("medication:antipsychotic")
    assert "medication" not in rows["3"]["factors"] and rows["3"]["priority"] == "soon"


def test_a_result_that_looks_like_a_missing_code_is_triaged_with_a_warning(tmp_path: Path) -> None:
    # 999 ng/mL can be a real (extreme) result: it is never dropped, but the run says to check it.
    path = tmp_path / "codes.csv"
    path.write_text(
        "ID;Sex;Age;PRL (ng/mL)\n1;F;30;999\n2;F;30;12\n3;M;40;99999\n", encoding="utf-8"
    )
    out = tmp_path / "o"
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "look like a missing-data code" in result.output
    assert "rows 2, 4" in result.output or "row(s) 2, 4" in result.output
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert [r["status"] for r in data["results"]] == ["high", "normal", "high"]


@pytest.mark.parametrize("shape", ["csv", "xlsx"])
def test_a_unit_column_of_codes_is_the_unit_column_with_the_codebook_fix(
    tmp_path: Path, shape: str
) -> None:
    """Unit codes (1 = ng/mL, 2 = mIU/L), as text in a csv or as numbers in a workbook: the
    column is the unit column, said to hold codes, and the rows' detail gives the
    [values.prolactin_unit] fix, never --unit (which cannot fill a unit the row gives)."""
    rows = [["record_id", "sex", "age", "prl_value", "prl_units"]]
    rows += [[f"S-{i}", 2, 30 + i, 20.0 + i, 1 + i % 2] for i in range(6)]
    if shape == "csv":
        path = write(tmp_path, "cohort.csv", "\n".join(",".join(map(str, r)) for r in rows))
    else:
        path = tmp_path / "cohort.xlsx"
        pd.DataFrame(rows[1:], columns=rows[0]).to_excel(path, index=False)
    result = read(path)
    assert result.summary.mapping["prolactin_unit"] == "prl_units"
    assert any("holds codes, not units (1, 2)" in w for w in result.summary.warnings)
    assert {r.reason_code for r in result.rejected} == {"unknown_unit"}
    assert all("[values.prolactin_unit]" in r.detail for r in result.rejected)
    decoded = read(path, write(tmp_path, "m.toml", REDCAP_VALUES))
    assert decoded.frame["prolactin_unit"].tolist() == ["ng/mL", "mIU/L"] * 3


def test_an_empty_unit_cell_is_said_to_be_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "u.csv", "MRN,Sex,Prolactin,Einheit\nA1,F,12,ng/mL\nA2,F,13,\n")
    detail = read(path).rejected[0].detail
    assert detail.startswith("no unit for result '13' (its cell in column 'Einheit' is empty")


def test_a_code_the_mapping_leaves_out_is_said(tmp_path: Path) -> None:
    """A codebook code missing from [values.sex] ("3 = other") is read as unknown (never as
    ISO 5218's codes): said once with the code, on the run console too; listed codes and
    missing-data codes are not counted, nor are number fields that recode only their missing
    codes."""
    text = "record_id,sex,age,prl_value,prl_units\nS1,1,30,12,1\nS2,2,31,13,1\nS3,3,32,14,2\n"
    text += "S4,-99,33,15,1\n"
    mapping = write(tmp_path, "m.toml", REDCAP_VALUES + '\n[values.age_years]\n"999" = ""\n')
    result = read(write(tmp_path, "c.csv", text), mapping)
    said = [w for w in result.summary.warnings if "are not in the mapping file's" in w]
    assert said == [
        "column 'sex': code(s) 3 are not in the mapping file's [values.sex] and were read as "
        "unknown; add them if the codebook gives them a meaning"
    ]
    out = tmp_path / "out"
    assert invoke("run", tmp_path / "c.csv", "--columns", mapping, "--out", out).exit_code == 0
    assert (
        "code(s) 3 are not in the mapping file's [values.sex]"
        in invoke("run", tmp_path / "c.csv", "--columns", mapping, "--out", out, "--force").output
    )


def test_the_headers_sex_codes_are_the_ones_read(tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text('id,"Sex (1=female, 2=male)",age,prolactin_ngml\n001,1,30,25\n002,2,30,25\n')
    frame = read_file(path, None, ReadOptions()).frame
    assert frame["sex"].tolist() == ["F", "M"]


@pytest.mark.parametrize(
    "header",
    ["log_prl_ngml", "ln_prolactin", "log10_prl", "prl_z", "prl_sqrt", "prl_cat", "prl_tertile",
     "prl_xuln", "prl_change", "prl_residual", "Prolactin z-score", "Prolactin category"],
)  # fmt: skip
def test_a_value_derived_from_the_result_is_no_result(tmp_path: Path, header: str) -> None:
    """log_prl_ngml 2.43 is 269 ng/mL (urgent): read as the result it was a normal 2.43 ng/mL.
    A derived column is never the result; the error names it."""
    path = tmp_path / "derived.csv"
    path.write_text(f"participant_id,sex,age,{header}\nC01,M,40,2.43\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="derived from the result"):
        read_file(path, None, ReadOptions(unit="ng/mL"))


@pytest.mark.parametrize(
    ("header", "expected"),
    [("study_id,subject", "subject"), ("STUDYID,USUBJID", "USUBJID")],
)
def test_a_study_code_on_every_row_is_no_patient_id(
    tmp_path: Path, header: str, expected: str
) -> None:
    """A study code beside the subject's id: three participants were read as one patient (one
    page for three people; one's labs explained another's result)."""
    study, subject = header.split(",")
    path = tmp_path / "trial.csv"
    path.write_text(
        f"{study},{subject},sex,age,prl_ngml\nP-01,S01,F,30,60\nP-01,S02,M,60,400\nP-01,S03,F,25,20\n",
        encoding="utf-8",
    )
    read = read_file(path, None, ReadOptions(unit="ng/mL"))
    assert read.summary.mapping["patient_id"] == expected
    assert read.frame["patient_id"].tolist() == ["S01", "S02", "S03"]


def test_one_patients_own_export_keeps_its_id(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("MRN,sex,age,prl_ngml\nM1,F,30,60\nM1,F,30,40\nM1,F,30,20\n", encoding="utf-8")
    assert read_file(path, None, ReadOptions(unit="ng/mL")).summary.mapping["patient_id"] == "MRN"


def test_redcap_checkbox_options_name_the_drugs_checked(tmp_path: Path) -> None:
    """A REDCap label export's checkbox options ("Current medications (choice=Risperidone)":
    Checked / Unchecked): read as the header "Current medications" they were backwards (an
    unchecked metoclopramide taken, the checked risperidone missed, every row masked by an
    unchecked cabergoline)."""
    path = tmp_path / "redcap_labels.csv"
    path.write_text(
        "Record ID,Sex,Age,Prolactin (mIU/L),Current medications (choice=Risperidone),"
        "Current medications (choice=Metoclopramide),Current medications (choice=Cabergoline)\n"
        "201,Female,34,1450,Checked,Unchecked,Unchecked\n202,Male,45,310,Unchecked,Unchecked,Unchecked\n",
        encoding="utf-8",
    )
    read = read_file(path, None, ReadOptions())
    assert read.frame["medications"].tolist()[0] == "risperidone"
    assert pd.isna(read.frame["medications"].tolist()[1])
    assert "medications" not in read.summary.mapping


def test_a_hormone_level_column_is_no_drug_taken(tmp_path: Path) -> None:
    """A serum 'oestradiol' column (350 pmol/L) was read as an oestradiol dose: an invented
    medication:estrogen factor on 148 of 5,000 cohort rows.  A dose column says it is one."""
    path = tmp_path / "cohort.csv"
    path.write_text(
        "id,sex,age,prolactin_ngml,medications,oestradiol,estradiol_mg\n"
        "1,F,30,60,none,350,\n2,F,31,60,none,410,2\n",
        encoding="utf-8",
    )
    frame = read_file(path, None, ReadOptions()).frame
    meds = frame["medications"].tolist()
    assert "estradiol" not in str(meds[0])
    assert "estradiol 2 mg" in str(meds[1])


# A delivery date or days since delivery (obstetric cohorts) give the weeks after delivery: 3 days
# after delivery a raised prolactin is expected (clinical-reference §2.1, §8), never a suspected
# prolactinoma sent to MRI.
@pytest.mark.parametrize(
    "header",
    ["delivery_date", "Date of delivery", "Entbindungsdatum", "date_accouchement", "fecha_parto",
     "data_parto", "bevallingsdatum"],
)  # fmt: skip
def test_a_delivery_date_gives_the_weeks_after_delivery(tmp_path: Path, header: str) -> None:
    text = f"id,sex,age,sample_date,{header},prl_ngml\n"
    text += "K1,F,30,2015-03-04,2015-03-01,150\n"  # 3 days after delivery
    text += "K2,F,30,2015-03-04,2015-09-01,150\n"  # delivered after the sample: a due date
    text += "K3,F,30,2015-03-04,,150\n"
    result = read(write(tmp_path, "ob.csv", text))
    weeks = result.frame["postpartum_weeks"].tolist()
    assert weeks[0] == pytest.approx(3 / 7) and pd.isna(weeks[1]) and pd.isna(weeks[2])
    out = tmp_path / "out"
    assert invoke("run", write(tmp_path, "ob.csv", text), "--out", out).exit_code == 0
    rows = results(out)
    # the first week after delivery, feeding not stated: the breastfeeding interval judges it
    assert rows["2"]["factors"].startswith("lactation") and rows["2"]["priority"] == "none"
    assert rows["2"]["status"] == "normal"
    assert "pituitary_mri" not in rows["2"]["suggestions"]
    assert "lactation" not in rows["3"]["factors"]


@pytest.mark.parametrize(
    "header",
    ["postpartum_days", "days_postpartum", "pp_days", "Tage post partum", "jours post-partum",
     "Postpartum (days)", "dagen na bevalling"],
)  # fmt: skip
def test_days_after_delivery_are_read_as_days(tmp_path: Path, header: str) -> None:
    text = f'id,sex,age,"{header}",prl_ngml\nK1,F,30,3,150\nK2,F,30,14,150\n'
    result = read(write(tmp_path, "pp.csv", text))
    assert result.frame["postpartum_weeks"].tolist() == pytest.approx([3 / 7, 2.0])


@pytest.mark.parametrize(
    "header", ["Expected delivery date", "Entbindungstermin", "date prévue d'accouchement", "EDD"]
)
def test_a_due_date_is_no_delivery_date(tmp_path: Path, header: str) -> None:
    text = f'id,sex,age,sample_date,"{header}",prl_ngml\nK1,F,30,2015-03-04,2015-03-01,150\n'
    result = read(write(tmp_path, "due.csv", text))
    assert pd.isna(result.frame["postpartum_weeks"].tolist()[0])


@pytest.mark.parametrize(
    ("header", "cells", "weeks"),
    [("GA_wk", ["20", "34"], [20.0, 34.0]), ("SA", ["20", "34"], [20.0, 34.0]),
     ("AD (weken)", ["20", "34"], [20.0, 34.0]), ("ga_days", ["140", "238"], [20.0, 34.0]),
     ("Gestationsalter (Tage)", ["140", "238"], [20.0, 34.0]),
     ("gestational_age", ["SSW 20", "34 SA"], [20.0, 34.0])],
)  # fmt: skip
def test_gestational_age_headers_and_their_units(
    tmp_path: Path, header: str, cells: list[str], weeks: list[float]
) -> None:
    """A gestation column under a cohort's header, in the unit the header names (140 under
    "ga_days" is 20 weeks, never a value outside 0-45 read as missing): the pregnancy interval
    judges, not the adult one."""
    lines = [f'id,sex,age,"{header}",prl_ngml'] + [
        f"K{n},F,30,{c},150" for n, c in enumerate(cells)
    ]
    result = read(write(tmp_path, "ga.csv", "\n".join(lines) + "\n"))
    assert result.frame["gestational_weeks"].tolist() == pytest.approx(weeks)
    assert not [w for w in result.summary.warnings if "read as missing" in w]


def test_an_age_banded_cohort_is_triaged_where_the_band_decides(tmp_path: Path) -> None:
    """A cohort of age bands lost every row (unreadable_age).  Adult bands on one side of the
    age taken as the menopause are read as their middle; the others are rejected with why."""
    text = "subject_id,sex,age_group,prl_ngml\n"
    text += "B1,F,40-49,25\nB2,F,10-19,18\nB3,M,0-4,30\nB4,F,60+,25\nB5,F,50-59,25\n"
    result = read(write(tmp_path, "bands.csv", text))
    assert dict(zip(result.frame["patient_id"], result.frame["age_years"], strict=True)) == {
        "B1": 45.0,
        "B4": 60.0,
    }
    rejected = {r.source_row: r for r in result.rejected}
    assert sorted(rejected) == [3, 4, 6]
    assert all(r.reason_code == "unreadable_age" for r in rejected.values())
    assert "age band" in rejected[6].detail
    assert any("age band(s)" in w and "'40-49'" in w for w in result.summary.warnings)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_label_row_under_the_variable_names_heads_the_table(tmp_path: Path, suffix: str) -> None:
    """REDCap, SPSS and Castor exports write the variable names, then a row of labels with the
    units and codes: the labels head the table (the label row was rejected as a result of
    patient "Record ID", every result lacked its unit, and sex 1 = female was read as male)."""
    header = ["record_id", "sex", "age_months", "prl"]
    labels = ["Record ID", "Sex (1=female, 2=male)", "Age (months)", "Prolactin (ng/mL)"]
    body = [["SUB-1", "2", "8", "60"], ["SUB-2", "1", "100", "17"]]
    path = tmp_path / f"redcap{suffix}"
    if suffix == ".csv":
        lines = [",".join(f'"{c}"' for c in row) for row in [header, labels, *body]]
        path.write_text("\n".join(lines) + "\n")
    else:
        pd.DataFrame([labels, *body], columns=header).to_excel(path, index=False)
    result = read(path)
    assert result.summary.header_row == 2
    assert not result.rejected
    frame = result.frame
    assert frame["sex"].tolist() == ["M", "F"]
    assert frame["age_years"].tolist() == pytest.approx([8 / 12, 100 / 12], abs=0.01)
    assert frame["prolactin_unit"].tolist() == ["ng/mL", "ng/mL"]


def test_two_header_rows_naming_the_same_without_units_keep_the_first(tmp_path: Path) -> None:
    text = "ID,Sex,Age,Prolactin (ng/mL)\nID,Sex,Age,Prolactin\nA1,F,30,12\n"
    result = read(write(tmp_path, "twice.csv", text))
    assert result.summary.header_row == 1
    assert [r.reason_code for r in result.rejected] == ["duplicate_header"]


def test_an_age_the_dates_contradict_gives_way_to_the_dates(tmp_path: Path) -> None:
    """REDCap's "age" is often the age at export: with a birth date and a sample date the age
    at the sample is known, and an age cell more than a year off it is not used (an 8-year-old
    girl was judged on the adult interval: a false normal).  An age in completed years stays."""
    text = "study_id,sex,dob,sample_date,age,prl_ngml\n"
    text += "S1,F,2006-03-01,2014-03-01,20,20\n"  # 8 years at the sample
    text += "S2,M,2012-05-01,2013-01-10,14,60\n"  # 8 months
    text += "S3,F,1980-06-15,2020-06-01,39,20\n"  # 39.96: the age in completed years
    result = read(write(tmp_path, "agedob.csv", text))
    ages = result.frame["age_years"].tolist()
    assert ages[0] == pytest.approx(8.0, abs=0.01) and ages[1] < 1 and ages[2] == 39
    said = [w for w in result.summary.warnings if "differ by more than" in w]
    assert len(said) == 1 and "2 age(s)" in said[0] and "row 2" in said[0]


def test_codes_written_as_floats_read_as_the_codes(tmp_path: Path) -> None:
    """pandas, R and Stata write the codes of a column with a missing value as floats ("1.0",
    "2.0"): the sex, breastfeeding and dialysis columns were thrown away (a breastfeeding woman
    sent to MRI, a dialysis patient unexplained)."""
    header = "record_id,sex,age,sample_date,breastfeeding,dialysis,prl_ngml\n"
    floats = "R1,2.0,30,2016-05-12,1.0,0.0,150\nR2,1.0,50,2016-05-12,0.0,1.0,60\n"
    floats += "R3,1.0,50,2016-05-12,,0.0,60\n"
    ints = floats.replace(".0,", ",")
    out_f, out_i = tmp_path / "f", tmp_path / "i"
    assert invoke("run", write(tmp_path, "f.csv", header + floats), "--out", out_f).exit_code == 0
    assert invoke("run", write(tmp_path, "i.csv", header + ints), "--out", out_i).exit_code == 0
    keys = ("sex", "status", "factors", "priority")
    as_floats = {row: {k: r[k] for k in keys} for row, r in results(out_f).items()}
    assert as_floats == {row: {k: r[k] for k in keys} for row, r in results(out_i).items()}
    assert as_floats["2"]["factors"].startswith("lactation")
    assert as_floats["3"]["factors"].startswith("dialysis")


def test_a_yes_no_column_of_spss_codes_with_an_unknown_code_is_read(tmp_path: Path) -> None:
    """1 = yes, 2 = no, 9 = unknown: one 9 (or a column of mostly 2) threw the whole pregnancy
    column away, and a pregnant woman was sent to MRI."""
    lines = ["subject_id,sex,age,pregnant,prl_ngml", "P1,F,30,1,150"]
    lines += [f"P{n},F,30,2,12" for n in range(2, 30)] + ["P30,F,30,9,12"]
    result = read(write(tmp_path, "preg.csv", "\n".join(lines) + "\n"))
    assert "pregnant" in result.summary.mapping
    out = tmp_path / "out"
    assert (
        invoke("run", write(tmp_path, "preg.csv", "\n".join(lines) + "\n"), "--out", out).exit_code
        == 0
    )
    assert results(out)["2"]["factors"].startswith("pregnancy")


def test_stata_number_prefixed_labels_are_read(tmp_path: Path) -> None:
    text = "id,sex,age,pregnant,prl_ngml\nS1,1. Female,30,1. Yes,150\nS2,2. Male,40,,12\n"
    frame = read(write(tmp_path, "stata.csv", text)).frame
    assert frame["sex"].tolist() == ["F", "M"]
    assert frame["pregnant"].tolist()[0] is True
