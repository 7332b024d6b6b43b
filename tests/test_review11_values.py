"""Review 11: values as the lab wrote them.  Synthetic patients only.

A result cell with one separator before three digits ('12.345', '19.999') is read as a decimal
where the unit makes a thousands reading implausible; every output then writes it with its
decimals, never as the whole number it is not ('12 ng/mL' beside a value of 12.345 ng/mL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.engine import triage_frame
from triage.io import ReadOptions, read_file
from triage.knowledge import load_knowledge
from triage.numbers import lab_decimals


@pytest.mark.parametrize(
    ("raw", "value", "decimals"),
    [
        ("12.345", 12.345, 2),  # read as a decimal: two decimals at most
        ("19.999", 19.999, 2),
        ("99,996", 99.996, 2),  # a decimal comma
        ("1.234", 1234.0, 0),  # read as thousands: a whole number
        ("33,562", 33562.0, 0),
        ("12.345", None, 0),  # the reader's value unknown: the thousands reading stays
    ],
)
def test_decimals_follow_how_the_reader_read_the_cell(
    raw: str, value: float | None, decimals: int
) -> None:
    assert lab_decimals(raw, value) == decimals


@pytest.mark.parametrize(
    ("header", "cell", "unit", "value_text"),
    [
        ("Prolactin", "12.345", "ng/mL", "12.3"),
        ("Prolaktin", "19.999", "µg/L", "19.999"),  # never rounded onto a whole number
        ("Prolactine", "99.996", "ng/mL", "99.996"),
    ],
)
def test_the_comment_never_writes_a_decimal_result_as_a_whole_number(
    tmp_path: Path, header: str, cell: str, unit: str, value_text: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        f"patient_id,sex,age,{header},unit\nSYN-1,M,40,{cell},{unit}\nSYN-2,F,35,8.5,{unit}\n",
        encoding="utf-8",
    )
    results = triage_frame(read_file(path, None, ReadOptions()).frame, load_knowledge("default"))
    row = results.iloc[0]
    assert row["prolactin_value"] == pytest.approx(float(cell))
    comment = str(row["comment"])
    assert f"({value_text}" in comment, comment
    # the interval's limits rounded to the result's precision, written as the page and
    # reference_low_value / _high_value write them: no trailing zeros (review 12)
    assert "reference 2–18 ng/mL" in comment, comment
