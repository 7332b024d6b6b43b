"""Result cells found by the outside review of stop 30: a cell that holds a second number in
brackets (a repeat, the diluted result, the lab's interval) is no longer read as its first
number alone (12.3 "(repeat 48)" was normal); the cell is rejected with its reason, and listed
with the urgent results when the number it hides may be above the urgent level."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

from triage.values import parse_quantity, second_number_in_brackets

SECOND_NUMBERS = [
    "12.3 (repeat 48)",
    "14 (Wdh. 95)",
    "14 (wiederholt: 95)",
    "14 (contrôle 95)",
    "14 (ripetuto 95)",
    "14 (herhaling 95)",
    "14 (repetido 95)",
    "180 (1:100 dilution: 9800)",
    "180 (nach Verdünnung 9800)",
    "4200 (après dilution 1/10 : 42000)",
    "18 (ref 3-15)",
    "18 [3.4-24.1]",
]
ONE_NUMBER = ["450 (1:10 diluted)", "450 (x10)", "300 (10-fold dilution)", "45 (H)",
              "45 (ng/mL)", "450 (1/100)", "45 (hemolytic)", "300 (verdünnt 1:20)"]  # fmt: skip


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
        + "".join(f"C{i},F,35,{20 + i},ng/mL\n" for i in range(6))
    )
    source = tmp_path / "export.csv"
    source.write_text(body, encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[source], out_dir=tmp_path / "out"))
    rejected = {r.source_row: r for r in outcome.rejected}
    assert sorted(rejected) == [2, 3, 4, 5, 6]
    assert all("second number in brackets" in r.detail for r in rejected.values())
    assert {row for row, r in rejected.items() if r.possibly_urgent} == {3, 4, 6}
    assert any("B2" in line for line in outcome.urgent)
    (tmp_path / "again").mkdir()
    frame = triage_csv(tmp_path / "again", body)
    assert frame["patient_id"].tolist() == [f"C{i}" for i in range(6)]
