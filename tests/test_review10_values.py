"""Result cells found by the outside review of stop 30: a cell that holds a second number in
brackets (a repeat, the diluted result, the lab's interval) is no longer read as its first
number alone (12.3 "(repeat 48)" was normal); the cell is rejected with its reason, and listed
with the urgent results when the number it hides may be above the urgent level."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

from triage.values import cell_interval, parse_quantity, second_number_in_brackets

SECOND_NUMBERS = [
    "12.3 (repeat 48)",
    "14 (Wdh. 95)",
    "14 (wiederholt: 95)",
    "14 (contrôle 95)",
    "14 (ripetuto 95)",
    "14 (herhaling 95)",
    "14 (repetido 95)",
]
# A diluted value in brackets ("180 (1:100 dilution: 9800)", "180 (nach Verdünnung 9800)",
# "4200 (après dilution 1/10 : 42000)") is read as the result after dilution since review 29
# (tests/test_review29_values_dates.py): which number is the result is clear.
ONE_NUMBER = ["450 (1:10 diluted)", "450 (x10)", "300 (10-fold dilution)", "45 (H)",
              "45 (ng/mL)", "450 (1/100)", "45 (hemolytic)", "300 (verdünnt 1:20)",
              # a limit, a date, a time, a sample, lot or method label, a footnote: remarks
              "45 (< 25)", "45 (Norm: <25)", "45 (ULN 23.3)", "45 (≤23.3)", "45 (12.03.2026)",
              "45 (12/03/2026)", "45 (08:30)", "45 (S2)", "45 (2nd sample)", "45 (1)", "45 [1]",
              "45 (see note 2)", "45 (Roche e801)", "45 (Lot 12345)", "45 (fasting 8h)",
              "45 (Normwert 4.8-23.3)", "<0.5 (LoQ 0.5)"]  # fmt: skip


@pytest.mark.parametrize(
    ("cell", "low", "high"),
    [("18 (ref 3-15)", 3, 15), ("18 (Ref.: 3-15)", 3, 15), ("18 [3.4-24.1]", 3.4, 24.1),
     ("25,1 (Norm 4,8-23,3)", 4.8, 23.3), ("22 (RI: 4.8-23.3)", 4.8, 23.3),
     ("17 (VR 4-15)", 4, 15), ("17 (N: 4,0-15,2)", 4, 15.2)],
)  # fmt: skip
def test_the_labs_interval_in_brackets_is_no_second_number(
    cell: str, low: float, high: float
) -> None:
    """The interval a printed report writes after the value, with its label or without, is the
    row's interval (cell_interval), not a second result."""
    assert not second_number_in_brackets(cell)
    assert parse_quantity(cell).status == "ok", cell
    interval = cell_interval(cell)
    assert interval is not None and (interval.low, interval.high) == (low, high), cell


@pytest.mark.parametrize("cell", SECOND_NUMBERS)
def test_a_second_number_in_brackets_is_not_hidden(cell: str) -> None:
    assert second_number_in_brackets(cell)
    assert parse_quantity(cell).status == "unparseable", cell


@pytest.mark.parametrize("cell", ONE_NUMBER)
def test_a_dilution_ratio_or_a_flag_in_brackets_is_no_second_number(cell: str) -> None:
    assert not second_number_in_brackets(cell)
    assert parse_quantity(cell).status == "ok", cell


def test_such_a_row_is_rejected_and_listed_as_urgent_when_it_may_be(tmp_path: Path) -> None:
    from triage.pipeline import TriageRequest, run_triage

    body = (
        "patient_id,sex,age,prolactin,unit\n"
        "B1,F,35,12.3 (repeat 48),ng/mL\n"
        "B2,M,50,180 (nach Verdünnung 9800),ng/mL\n"
        'B3,M,50,"4200 (après dilution 1/10 : 42000)",mIU/L\n'
        "B4,M,50,4200 (repeat 4400),mIU/L\n"
        "B5,M,50,4200 (repeat 5400),mIU/L\n"
        "B6,F,35,18 (ref 3-15),ng/mL\n" + "".join(f"C{i},F,35,{20 + i},ng/mL\n" for i in range(6))
    )
    source = tmp_path / "export.csv"
    source.write_text(body, encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[source], out_dir=tmp_path / "out"))
    rejected = {r.source_row: r for r in outcome.rejected}
    # B2 and B3 write their diluted value in the bracket: read as it since review 29 (urgent)
    assert sorted(rejected) == [2, 5, 6]
    assert all("second number in brackets" in r.detail for r in rejected.values())
    assert {row for row, r in rejected.items() if r.possibly_urgent} == {6}
    assert any("B2" in line for line in outcome.urgent)
    assert any("B3" in line for line in outcome.urgent)
    (tmp_path / "again").mkdir()
    frame = triage_csv(tmp_path / "again", body).set_index("patient_id")
    assert frame.index.tolist() == ["B2", "B3", "B6", *[f"C{i}" for i in range(6)]]
    assert frame.loc["B6", "status"] == "high"  # against the lab's 3-15 in the cell
    assert frame.loc["B2", "prolactin_ng_ml"] == 9800


def test_an_age_older_than_the_birth_date_allows_today_is_rejected(tmp_path: Path) -> None:
    """A birth date filled in with the sample date made a man of 52 a neonate, and his 400 ng/mL
    normal against the neonatal interval.  No age at export is older than the patient is today;
    an age at export years after the sample still gives way to the dates' age (a cohort)."""
    from triage.pipeline import TriageRequest, run_triage

    body = (
        "id,sex,age,DOB,collected,prolactin,unit\n"
        "D1,M,52,2026-01-05,2026-01-05,400,ng/mL\n"  # a neonate by the dates
        "D2,F,45,2025-12-20,2026-01-05,150,ng/mL\n"  # 16 days old at the sample
        "D3,F,5,2026-01-01,2026-01-05,25,ng/mL\n"  # a child of 5 born this year
        "D4,F,60,1990-01-05,2026-01-05,25,ng/mL\n"  # 60, born in 1990
        "D5,F,37,1990-01-05,2018-01-05,25,ng/mL\n"  # 28 at the sample, 37 at export
        "D6,F,20,2006-03-01,2014-03-01,20,ng/mL\n"  # 8 at the sample, 20 at export
        "D7,M,0,2025-12-20,2026-01-05,150,ng/mL\n"  # an infant: both agree
    )
    source = tmp_path / "export.csv"
    source.write_text(body, encoding="utf-8")
    outcome = run_triage(
        TriageRequest(inputs=[source], out_dir=tmp_path / "out", keep_results=True)
    )
    rejected = {r.source_row: r for r in outcome.rejected}
    assert sorted(rejected) == [2, 3, 4, 5]
    assert all(r.reason_code == "unreadable_age" for r in rejected.values())
    assert "contradicts the birth date" in rejected[2].detail
    assert "0 days at the sample" in rejected[2].detail
    assert rejected[2].possibly_urgent  # 400 ng/mL: listed with the urgent results
    results = outcome.results
    assert results is not None
    ages = dict(zip(results["patient_id"], results["age_years"].round(1), strict=True))
    assert ages["D5"] == 28.0 and ages["D6"] == 8.0  # the dates' age, as before
    assert results.set_index("patient_id").loc["D7", "reference_source"] == "physiological"


def test_a_loinc_code_gives_a_missing_unit_and_a_clash_is_said(tmp_path: Path) -> None:
    """clinical-reference §0b: 15081-3 is prolactin in units/volume (mIU/L), 2842-3 and 20568-2
    in mass/volume.  A row without a unit was rejected (unknown_unit) though its code says it; a
    unit of the other kind is read as written (LIS map codes loosely) and said."""
    from triage.pipeline import TriageRequest, run_triage

    body = (
        "patient_id,sex,age,test_code,test,result,unit\n"
        "Y1,F,30,15081-3,Prolactin,450,\n"
        "Y2,F,30,LN:2842-3,Prolactin,45,\n"
        "Y3,F,30,20568-2,Prolactin,12,\n"
        "Y4,M,50,15081-3,Prolactin,17,ng/mL\n"
        "Y5,F,30,2842-3,Prolactin,20,ng/mL\n"
    )
    source = tmp_path / "export.csv"
    source.write_text(body, encoding="utf-8")
    outcome = run_triage(
        TriageRequest(inputs=[source], out_dir=tmp_path / "out", keep_results=True)
    )
    assert outcome.rejected == []
    results = outcome.results
    assert results is not None
    units = dict(zip(results["patient_id"], results["prolactin_unit"], strict=True))
    assert units == {"Y1": "mIU/L", "Y2": "ng/mL", "Y3": "ng/mL", "Y4": "ng/mL", "Y5": "ng/mL"}
    (said,) = [w for i in outcome.inputs for w in i.warnings if "does not mean" in w]
    assert "1 prolactin row(s)" in said and "15081-3 means mIU/L" in said


def test_a_file_without_a_sex_or_an_age_column_says_so(tmp_path: Path) -> None:
    """Without them, results between the women's and men's limits are indeterminate and no
    child's or postmenopausal interval can be chosen: `check` and the run say why."""
    from triage.io import read_file

    source = tmp_path / "export.csv"
    source.write_text("ID,Prolactin (ng/mL)\nA1,25\nA2,22\n", encoding="utf-8")
    warnings = read_file(source).summary.warnings
    assert any(w.startswith("no sex column was found") for w in warnings)
    assert any(w.startswith("no age or birth date column was found") for w in warnings)
    source.write_text("ID,Sex,DOB,Prolactin (ng/mL)\nA1,F,1990-01-01,25\n", encoding="utf-8")
    warnings = read_file(source).summary.warnings
    assert not any("no sex column" in w or "no age or birth date" in w for w in warnings)
