"""Columns the outside review 20 found misread (fix120).  Synthetic patients only.

- A header that names a ward or clinical text alike ("Klinik", "Kliniek", "Clinic",
  "Clinique", "Clínica", "Clinica") is decided by its cells: clinical text in it is read into
  the comments, where the engine finds its red flags (clinical-reference §8: headache with a
  visual field defect is urgent, contract §7); ward and department names stay the location.
- A csv exported from a sheet showing its formulas holds "=C7", "=A1", "=H1" in its cells: no
  number, no lab flag (C critical, A abnormal, H high), never a silent 7 ng/mL; a prolactin cell
  is rejected as unparseable_result, a context cell (age, TSH, eGFR, creatinine) is not read.
- A column written in IU/L (U/L, E/L, UI/L) whose values are mostly above a giant prolactinoma's
  level in IU/L holds mIU/L-sized numbers: warned (the mirror of "the values look like IU/L"),
  and read as written, as that reverse check reads its column.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import csv_quoted

from triage.io import FileRead, ReadOptions, read_file
from triage.knowledge.loaders import load_thresholds
from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.reading_warnings import SHOWN_BY_DEFAULT, warning_kind
from triage.schema import NoUsableInputError
from triage.values import is_spreadsheet_formula, parse_quantity


def _run(tmp_path: Path, lines: list[str]) -> TriageOutcome:
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _read(tmp_path: Path, lines: list[str]) -> FileRead:
    """The reader alone (no engine, no outputs): what a column is read as."""
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return read_file(path, None, ReadOptions())


def _by_id(read: FileRead):  # type: ignore[no-untyped-def]
    return read.frame.set_index("patient_id")


def _results(outcome: TriageOutcome):  # type: ignore[no-untyped-def]
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _warnings(outcome: TriageOutcome) -> list[str]:
    return [w for summary in outcome.inputs for w in summary.warnings]


# -- 1. "Klinik", "Clinic", "Clinique", "Clínica": the cells decide ------------------------------

# A man of 50 with a mild rise (40 ng/mL), headache and a bitemporal hemianopia in the column,
# and a woman with a normal result and a cycle disorder, in each language.
CLINICAL = {
    "Klinik": ("Kopfschmerzen, bitemporale Hemianopsie", "Zyklusstörung"),
    "Kliniek": ("Hoofdpijn, bitemporale hemianopsie", "Cyclusstoornis"),
    "Clinic": ("Headache, bitemporal hemianopia", "Irregular periods"),
    "Clinique": ("Céphalées, hémianopsie bitemporale", "Troubles du cycle"),
    "Clínica": ("Cefalea, hemianopsia bitemporal", "Amenorrea"),
    "Clinica": ("Cefalea, emianopsia bitemporale", "Amenorrea"),
}


@pytest.mark.parametrize("header", list(CLINICAL))
def test_clinical_text_under_a_clinic_header_is_read_into_the_comments(
    tmp_path: Path, header: str
) -> None:
    flags, cycle = CLINICAL[header]
    read = _read(
        tmp_path,
        [
            f"Pat-Nr;Geschlecht;Alter;Prolaktin (ng/ml);{header}",
            f"2001;M;50;40;{flags}",
            f"2002;W;30;12;{cycle}",
        ],
    )
    out = _by_id(read)
    assert out["comments"].to_dict() == {"2001": f"{header}: {flags}", "2002": f"{header}: {cycle}"}
    assert out["location"].isna().all()  # clinical text is no ward
    said = [w for w in read.summary.warnings if repr(header) in w]
    assert said and all("clinical information or notes" in w for w in said), said


@pytest.mark.parametrize("header", ["Klinik", "Clínica"])
def test_a_red_flag_under_a_clinic_header_is_urgent(tmp_path: Path, header: str) -> None:
    # the reviewer's file: a man of 50, a mild rise, headache and a bitemporal hemianopia
    flags, cycle = CLINICAL[header]
    outcome = _run(
        tmp_path,
        [
            f"Pat-Nr;Geschlecht;Alter;Prolaktin (ng/ml);{header}",
            f"2001;M;50;40;{flags}",
            f"2002;W;30;12;{cycle}",
        ],
    )
    out = _results(outcome)
    assert out.loc["2001", "priority"] == "urgent"
    assert "urgent_endocrine_referral" in out.loc["2001", "suggestions"]
    assert f"{header}: {flags}" in str(out.loc["2001", "suggestion_details"])


@pytest.mark.parametrize("header", ["Klinik", "Clinic", "Clinique", "Station"])
def test_ward_and_department_names_under_those_headers_stay_the_location(
    tmp_path: Path, header: str
) -> None:
    # ward names the engine's own words would read a finding in ("Dialyse", "Headache clinic",
    # "Intensivstation", "Epileptologie") are places, never notes
    wards = {
        "W1": "Klinik für Innere Medizin",
        "W2": "Dialyse",
        "W3": "Headache clinic",
        "W4": "Intensivstation",
        "W5": "Epileptologie",
        "W6": "Endokrinologie",
    }
    lines = [f"id;sex;age;Prolactin (ng/mL);{header}"]
    lines += [f"{pid};F;35;{20 + i};{ward}" for i, (pid, ward) in enumerate(wards.items())]
    read = _read(tmp_path, lines)
    out = _by_id(read)
    assert out["location"].to_dict() == wards
    assert out["comments"].isna().all()  # no dialysis, no headache read from a ward
    assert not any("clinical information" in w for w in read.summary.warnings)


def test_a_clinic_column_of_clinical_text_beside_the_ward_column(tmp_path: Path) -> None:
    outcome = _run(
        tmp_path,
        [
            "MRN,Sex,Age,Prolactin (ng/mL),Ward,Clinic",
            "K1,M,61,35,Ward 7,"
            + csv_quoted("sudden severe headache, visual field defect on confrontation"),
            "K2,F,28,18,Endocrine OPD,follow-up",
            "K3,F,33,22,Station 4B,galactorrhoea",
        ],
    )
    out = _results(outcome)
    assert out["location"].to_dict() == {"K1": "Ward 7", "K2": "Endocrine OPD", "K3": "Station 4B"}
    assert out.loc["K1", "priority"] == "urgent"
    assert "Clinic: sudden severe headache" in str(out.loc["K1", "suggestion_details"])


def test_one_clinical_cell_under_klinik_reads_as_under_klinische_angaben(tmp_path: Path) -> None:
    # a one-row file: its one cell decides; the triage is that of the unambiguous header
    read = {}
    for header in ("Klinik", "Klinische Angaben"):
        outcome = _run(
            tmp_path,
            [f"Pat-Nr;Geschlecht;Alter;Prolaktin (ng/ml);{header}", "3001;W;45;28;Sehstörung"],
        )
        out = _results(outcome)
        assert out["location"].isna().all()
        read[header] = (out.loc["3001", "priority"], out.loc["3001", "suggestions"])
    assert read["Klinik"] == read["Klinische Angaben"]
    assert "urgent_endocrine_referral" in read["Klinik"][1]  # a visual disturbance


# -- 2. spreadsheet formulas in a csv -------------------------------------------------------------

FORMULAS = [
    "=C7",
    "=A1",
    "=H1",
    "=L5",
    "=c7",
    "= C7",
    "=$C$7",
    "=Tabelle1!C7",
    "='Lab 1'!B2",
    "=SUM(B2:B4)",
    "=WENN(A2>0;A2;0)",
    "=A2*21.2",
    "=(B3+B4)/2",
    "=+C7",
]


def test_formula_cells_are_no_numbers_and_carry_no_lab_flag() -> None:
    for cell in FORMULAS:
        read = parse_quantity(cell)
        assert read.status == "unparseable", (cell, read)
        assert read.flag == ""
        assert is_spreadsheet_formula(cell), cell
    # values that only begin with "=": a number, and Excel's text-forcing ="850"
    for cell, value in [("=7", 7.0), ("= 25", 25.0), ('="850"', 850.0), ("12", 12.0)]:
        read = parse_quantity(cell)
        assert (read.status, read.value) == ("ok", value), cell
        assert not is_spreadsheet_formula(cell)
    for text in ["=> see comment", "= normal", "==", "=", "E=mc2", "C7"]:
        assert not is_spreadsheet_formula(text), text


def test_formula_prolactin_cells_are_rejected_never_a_silent_normal(tmp_path: Path) -> None:
    # the reviewer's file: "=C7" had read 7 (normal), "=A1" 1 flagged abnormal, "=H1" high
    formulas = ["=C7", "=A1", "=H1", "=L5", "=$C$7", "=Tabelle1!C7"]
    lines = ["patient_id,sex,age,prolactin,unit"]
    lines += [f"F{i},F,33,{csv_quoted(cell)},ng/mL" for i, cell in enumerate(formulas)]
    lines += [f"P{i},F,33,{12 + i},ng/mL" for i in range(6)] + ["P6,F,33,=7,ng/mL"]
    read = _read(tmp_path, lines)
    out = _by_id(read)
    assert sorted(out.index) == [f"P{i}" for i in range(7)]
    assert out.loc["P6", "prolactin_value"] == 7.0
    assert out["lab_flag"].isna().all()  # no "C", "A", "H" taken as a flag
    rejected = {r.patient_id: r for r in read.rejected}
    assert sorted(rejected) == [f"F{i}" for i in range(len(formulas))]
    for row in rejected.values():
        assert row.reason_code == "unparseable_result"
        assert "spreadsheet formula" in row.detail


def test_a_prolactin_column_of_formulas_is_refused_with_its_reason(tmp_path: Path) -> None:
    lines = ["patient_id,sex,age,prolactin,unit", "P0,F,33,12,ng/mL"]
    lines += [f"F{i},F,33,{csv_quoted(cell)},ng/mL" for i, cell in enumerate(FORMULAS)]
    with pytest.raises(NoUsableInputError, match="spreadsheet formulas"):
        _run(tmp_path, lines)


def test_formula_cells_of_context_columns_are_not_read(tmp_path: Path) -> None:
    read = _read(
        tmp_path,
        [
            "id,sex,age,Prolactin (ng/mL),TSH (mIU/L),eGFR,Creatinine (mg/dL)",
            "C1,F,=C2,40,2.0,90,0.8",
            "C2,F,30,40,=D7,=E5,=F1",
            "C3,F,35,12,2.1,95,0.7",
            "C4,F,36,14,1.9,88,0.9",
            "C5,F,37,13,2.2,92,0.8",
        ],
    )
    out = _by_id(read)
    # "=C2" is no age of 2 (a child's interval): the row without a birth date is rejected
    assert "C1" not in out.index
    assert {r.patient_id: r.reason_code for r in read.rejected} == {"C1": "unreadable_age"}
    # "=D7" is no TSH of 7 (hypothyroidism), "=E5" no eGFR of 5, "=F1" no creatinine of 1
    assert out.loc["C2", ["tsh", "egfr", "creatinine"]].isna().all()
    assert out.loc["C3", "tsh"] == 2.1


def test_a_context_column_of_formulas_is_named_in_the_warnings(tmp_path: Path) -> None:
    read = _read(
        tmp_path,
        [
            "id,sex,age,Prolactin (ng/mL),TSH (mIU/L)",
            "T1,F,30,40,=E2",
            "T2,F,31,14,=E3",
            "T3,F,32,15,=E4*2",
        ],
    )
    said = [w for w in read.summary.warnings if "'TSH (mIU/L)'" in w]
    assert said and "spreadsheet formulas" in said[0], read.summary.warnings
    assert read.frame["tsh"].isna().all()


# -- 3. an IU/L column of mIU/L-sized numbers -----------------------------------------------------


@pytest.mark.parametrize("header", ["Prolactine (U/L)", "Prolaktin (IE/l)", "Prolactine (E/L)"])
def test_iu_column_of_miu_sized_values_is_warned(tmp_path: Path, header: str) -> None:
    values = {"D1": 480, "D2": 210, "D3": 390, "D4": 910, "D5": 150}
    lines = [f"id;sex;age;{header}"] + [f"{p};F;30;{v}" for p, v in values.items()]
    read = _read(tmp_path, lines)
    said = [w for w in read.summary.warnings if "the values look like mIU/L" in w]
    assert len(said) == 1, read.summary.warnings
    assert "5 of 5 result(s) in IU/L" in said[0] and "20 IU/L" in said[0]
    out = _by_id(read)
    # read as written, as the reverse check reads its column: 480 IU/L = 480,000 mIU/L
    assert out.loc["D1", "prolactin_value"] == pytest.approx(480_000)


def test_iu_in_a_unit_column_and_in_a_long_file_is_warned_too(tmp_path: Path) -> None:
    wide = _read(
        tmp_path,
        ["id,sex,age,Prolactin,Unit", "U1,F,30,520,U/L", "U2,F,30,260,UI/L", "U3,M,40,12,ng/mL"],
    )
    assert any("the values look like mIU/L" in w for w in wide.summary.warnings)
    long = _read(
        tmp_path,
        [
            "Patient;Geschlecht;Alter;Test;Ergebnis;Einheit",
            "L1;W;30;Prolaktin;480;U/l",
            "L2;M;40;Prolaktin;210;U/l",
            "L3;W;35;Prolaktin;390;U/l",
        ],
    )
    assert any("the values look like mIU/L" in w for w in long.summary.warnings)


def test_real_iu_results_and_real_miu_results_are_not_warned(tmp_path: Path) -> None:
    # Dutch labs' IU/L (0.25, 0.48 ...), one giant prolactinoma at 35 IU/L among them
    iu = _read(
        tmp_path,
        [
            "id;sex;age;Prolactine (IU/L)",
            "R1;V;30;0,25",
            "R2;V;30;0,48",
            "R3;V;30;35",
            "R4;M;40;1,2",
        ],
    )
    assert not any("look like" in w for w in iu.summary.warnings), iu.summary.warnings
    assert _by_id(iu).loc["R3", "prolactin_value"] == pytest.approx(35_000)
    miu = _read(tmp_path, ["id,sex,age,Prolactin (mIU/L)", "M1,F,30,480", "M2,F,30,210"])
    assert not any("look like" in w for w in miu.summary.warnings), miu.summary.warnings


def test_the_ceiling_is_a_sourced_number_and_run_shows_its_warning() -> None:
    thresholds = load_thresholds()
    assert thresholds.get("prolactin_column_max_iu_l") == 20
    assert "giant prolactinoma" in thresholds.source("prolactin_column_max_iu_l").lower()
    warning = "column 'PRL (U/L)': 3 of 3 result(s) in IU/L ... the values look like mIU/L"
    assert "IU/L that look like mIU/L" in warning_kind(warning).label
    assert any(mark in warning for mark in SHOWN_BY_DEFAULT)
