"""Input faults found by the outside review of stop 29, each fixed as a class: a summary
statistic of the prolactin column named in another language, footers and unlabelled subtotals
read as patients' results, long-format lines of prolactin that are no basal serum result,
identity carried down without the age, long record numbers in scientific notation, and date
cells written as digits quoted under redaction."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from pipeline_helpers import triage_csv

from triage.io import ReadOptions, read_file
from triage.output.redact import redact_detail
from triage.schema import InputFileError
from triage.values import cell_text


@pytest.mark.parametrize(
    "header",
    [
        "Mittelwert Prolaktin (ng/ml)",
        "Prolaktin Standardabweichung",
        "Prolaktin Summe",
        "Moyenne prolactine",
        "Prolactine écart-type",
        "Media prolactina",
        "Prolactina mediana",
        "Gemiddelde prolactine",
        "Prolactin SD (ng/mL)",
        "Prolactin SEM",
        "Prolactin IQR",
    ],
)
def test_a_summary_statistic_of_prolactin_is_no_result_column(tmp_path: Path, header: str) -> None:
    path = tmp_path / "stats.csv"
    path.write_text(f"Group;n;{header}\nControls;40;12,1\nPatients;38;310,5\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="summary statistic"):
        read_file(path, None, ReadOptions())


def test_an_unlabelled_subtotal_between_results_is_rejected(tmp_path: Path) -> None:
    """An AutoSum left inside the table ("", "", "", 325 under 25 and 300) is no patient's
    result; a lone result that is no such sum stays a result (a patient's further result with
    the other cells left blank)."""
    results = triage_csv(
        tmp_path,
        "Patient ID,Sex,Age,Prolactin (ng/mL)\n"
        "001,F,30,25\n002,F,31,300\n,,,325\n003,F,32,12\n,,,40\n004,F,33,14\n",
    )
    assert results["patient_id"].fillna("").tolist() == ["001", "002", "003", "", "004"]
    rejected = (tmp_path / "out" / "rejected.csv").read_text(encoding="utf-8")
    assert ",4," in rejected and "sum of the results above" in rejected


def test_an_unlabelled_subtotal_in_a_workbook_is_rejected(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    rows = [
        ["Patient ID", "Sex", "Age", "Prolactin (ng/mL)"],
        ["001", "F", 30, 25.5],
        ["002", "F", 31, 300],
        [None, None, None, 325.5],
        ["003", "F", 32, 12],
    ]
    for row in rows:
        sheet.append(row)
    path = tmp_path / "sum.xlsx"
    book.save(path)
    read = read_file(path, None, ReadOptions())
    assert [r.source_row for r in read.rejected] == [4]
    assert len(read.frame) == 3


@pytest.mark.parametrize("label", ["All", "Σ", "Alle", "Tous", "Todos", "Tutti"])
def test_a_footer_of_every_row_is_no_result(tmp_path: Path, label: str) -> None:
    results = triage_csv(
        tmp_path,
        f"Patient ID;Sex;Age;Prolactin (ng/mL)\n001;F;30;25\n002;M;40;300\n{label};2;;162,5\n",
    )
    assert results["patient_id"].tolist() == ["001", "002"]


@pytest.mark.parametrize(
    "test",
    [
        "Anti-prolactin antibodies",
        "Prolaktin-Antikörper",
        "Prolactin (urine)",
        "Prolactin QC level 2",
        "Prolactin (TRH 20 min)",
        "Prolaktin nach TRH-Stimulation",
    ],
)
def test_a_long_line_of_no_basal_serum_prolactin_is_another_test(tmp_path: Path, test: str) -> None:
    results = triage_csv(
        tmp_path,
        "Patient ID;Sex;Age;Specimen;Test;Result;Unit\n"
        f"008;F;30;S8;{test};350;ng/mL\n009;F;30;S9;Prolactin;25;ng/mL\n",
    )
    assert results["patient_id"].tolist() == ["009"]
    rejected = (tmp_path / "out" / "rejected.csv").read_text(encoding="utf-8")
    assert "other_test" in rejected


def test_a_patients_age_is_carried_down_with_the_identity(tmp_path: Path) -> None:
    """A report-style long export names the patient once: the age of 14 must reach the
    prolactin line, else a child is judged against the adult interval."""
    results = triage_csv(
        tmp_path,
        "Patient ID;Sex;Age;Test;Result;Unit\n00123;F;14;TSH;2,5;mU/l\n;;;Prolactin;600;mIU/L\n",
    )
    assert results["age_years"].tolist() == [14]
    assert "adult" not in results["reference_stratum"].iloc[0]


def test_a_long_record_number_keeps_its_digits() -> None:
    assert cell_text(1234567890123456.0) == "1234567890123456"
    assert cell_text(123.0) == "123"
    assert cell_text(1.5e300) == "1.5e+300"


@pytest.mark.parametrize(
    "detail",
    [
        "the birth date '19800132' in column 'DOB' cannot be read as a date",
        "column 'Geburtsdatum': 1 cell(s) at row(s) 2 could not be read as dates (e.g. '29222')",
    ],
)
def test_a_date_written_as_digits_is_redacted(detail: str) -> None:
    redacted = redact_detail(detail)
    assert "19800132" not in redacted and "29222" not in redacted
    assert "[redacted]" in redacted


def test_numbers_that_are_no_dates_stay_under_redaction() -> None:
    assert "'4240 mIU/L'" in redact_detail("prolactin '4240 mIU/L' is above the limit")


def test_a_number_shown_with_leading_zeros_keeps_them(tmp_path: Path) -> None:
    """A record number stored as a number with a zeros-only format ("00000": Excel shows 123
    as 00123) is the id as shown: 00123 in the lab's other exports and in the history."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Patient ID", "Specimen", "Sex", "Age", "Prolactin (ng/mL)"])
    sheet.append([123, 4567, "F", 30, 25])
    sheet.append([98765, 12, "M", 40, 12.5])
    sheet["A2"].number_format = "00000"
    sheet["A3"].number_format = "00000"
    sheet["B2"].number_format = "00000000"
    sheet["E2"].number_format = "0.0"
    path = tmp_path / "ids.xlsx"
    book.save(path)
    frame = read_file(path, None, ReadOptions()).frame
    assert frame["patient_id"].tolist() == ["00123", "98765"]
    assert frame["specimen_id"].tolist() == ["00004567", "12"]
    assert frame["prolactin_value"].tolist() == [25.0, 12.5]


@pytest.mark.parametrize("cells", [("1.00", "2.00"), ("1.0", "2"), ("1", "2.0")])
def test_sex_codes_the_header_states_are_read_whatever_decimals_the_cells_carry(
    tmp_path: Path, cells: tuple[str, str]
) -> None:
    """ "1.00" under "Sex (1=female; 2=male)" is 1: read as ISO 5218 it was the other sex (a
    man at 25 ng/mL judged normal against the women's interval)."""
    woman, man = cells
    results = triage_csv(
        tmp_path,
        f"ID,Sex (1=female; 2=male),Age,Prolactin ng/ml\n1,{woman},34,25\n2,{man},50,25\n",
    )
    assert results["sex"].tolist() == ["F", "M"]


@pytest.mark.parametrize("rows", [1, 5])
def test_semicolons_inside_comma_separated_cells_do_not_make_a_semicolon_file(
    tmp_path: Path, rows: int
) -> None:
    """A medication list with as many semicolons on every line splits every line into more
    fields than the commas do; the header line, which has none, says which is the delimiter."""
    body = "".join(
        f"S{i},F,40,risperidone; sertraline; lithium; omeprazole; ramipril\n" for i in range(rows)
    )
    results = triage_csv(tmp_path, "MRN,Sex,Prolactin (ng/mL),Medications\n" + body)
    assert len(results) == rows
    assert results["prolactin_ng_ml"].tolist() == [40.0] * rows


def test_nul_bytes_inside_a_csv_are_removed_and_said(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(b"MRN,Sex,Prolactin (ng/mL)\nP0\x0003,F,13\nP4,F,1\x005\n")
    read = read_file(path, None, ReadOptions())
    assert read.frame["patient_id"].tolist() == ["P003", "P4"]
    assert read.frame["prolactin_value"].tolist() == [13.0, 15.0]
    assert any("NUL byte(s) inside the text" in w for w in read.summary.warnings)


def test_bidi_controls_never_reach_a_report(tmp_path: Path) -> None:
    """A right-to-left override in a name displays it reversed ("Zoë Müller" as "rellüM ëoZ")."""
    triage_csv(
        tmp_path,
        "MRN,Name,Sex,Prolactin (ng/mL)\nP1,Zoë \u202eMüller,F,300\nP2,Ann Lee,F,20\n",
    )
    for page in (tmp_path / "out").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "\u202e" not in text, page.name


def test_a_folder_says_what_it_holds_and_the_run_does_not_read(tmp_path: Path) -> None:
    from triage.pipeline import TriageRequest, run_triage

    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    body = "Patient ID,Sex,Age,Prolactin (ng/mL)\nP1,F,30,25\n"
    (folder / "a.csv").write_text(body, encoding="utf-8")
    (folder / "sub" / "b.csv").write_text(body, encoding="utf-8")
    (folder / "c.zip").write_bytes(b"PK")
    (folder / "README.txt").write_text("exports of the week", encoding="utf-8")
    # the same folder given twice (as "in" and "in/") is listed once
    outcome = run_triage(
        TriageRequest(inputs=[folder, folder / "." / "sub" / ".."], out_dir=tmp_path / "out")
    )
    assert [n for n in outcome.notices if "not read" in n] == [
        "not read in the folder(s) given: c.zip, sub/ (subfolders are not searched, and only "
        "exports of a supported type are read; give them by name to read them)"
    ]


def test_a_one_letter_code_in_a_hint_is_not_redacted() -> None:
    hint = '[values.sex] "1" = "F", "2" = "M"'
    assert redact_detail(hint) == hint
    assert "Anna" not in redact_detail("prolactin 'Anna' is not a number")


@pytest.mark.parametrize(
    ("value", "unit", "urgent"),
    [
        ("30000", "pmol/L", True),
        ("300", "pmol/L", False),
        ("9", "mIU/mL", True),
        ("0.5", "mIU/mL", False),
    ],
)
def test_a_result_on_another_scale_that_may_be_urgent_is_said(
    tmp_path: Path, value: str, unit: str, urgent: bool
) -> None:
    """A unit on another scale is not triaged (recoding it would misread it), yet 30,000
    pmol/L (~690 ng/mL) or 9 mIU/mL (9,000 mIU/L) may be above 5,000 mIU/L: listed with the
    urgent results, not only rejected."""
    from triage.pipeline import TriageRequest, run_triage

    path = tmp_path / "scaled.csv"
    path.write_text(
        f"patient_id,sex,age,prolactin,unit\nP1,M,40,{value},{unit}\nP2,F,30,20,ng/mL\n",
        encoding="utf-8",
    )
    outcome = run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out"))
    assert [r.reason_code for r in outcome.rejected] == ["unknown_unit"]
    assert bool(outcome.urgent) is urgent


def test_a_prolactin_cell_shown_as_a_percentage_is_read_as_shown(tmp_path: Path) -> None:
    """0.25 formatted "0%" shows 25%: a percentage is no prolactin unit (unknown_unit, as the
    same "25%" in a CSV), never 0.25 ng/mL read as a low result; a PEG recovery shown as a
    percentage still reads as its percent."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Patient ID", "Sex", "Age", "Prolactin (ng/mL)", "PEG recovery"])
    sheet.append(["P1", "F", 30, 0.25, None])
    sheet.append(["P2", "F", 31, 60, 0.35])
    sheet["D2"].number_format = "0%"
    sheet["E3"].number_format = "0.0%"
    path = tmp_path / "pct.xlsx"
    book.save(path)
    read = read_file(path, None, ReadOptions())
    assert [(r.source_row, r.reason_code) for r in read.rejected] == [(2, "unknown_unit")]
    assert read.frame["macroprolactin_recovery_pct"].tolist() == [35.0]
