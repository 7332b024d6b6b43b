"""A header that writes the lab's limits beside the unit in its bracket ("Prolactin (ref 4-15
ng/mL)", "PRL (mIU/L, Ref. 102-496)") names that unit: the results are read in it, not rejected
for want of a unit (output contract: a result without a unit is rejected as unknown_unit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_lines

from triage.columns import parse_header


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("Prolactin (ref 4-15 ng/mL)", "ng/mL"),
        ("PRL (Ref. 102-496 mIU/L)", "mIU/L"),
        ("Prolaktin (4,8 - 23,3 µg/l)", "µg/l"),
        ("PRL (mIU/L, Ref. 102-496)", "mIU/L"),
        ("Prolactine (ng/mL; VN 5-25)", "ng/mL"),
        ("Prolattina (v.n. < 25 ng/mL)", "ng/mL"),
        ("TSH (0,4-4,0 mU/l)", "mU/l"),
        # no unit: limits alone, a time, a visit, a year
        ("Prolactin (4.8-23.3)", ""),
        ("Prolactin (30 min)", ""),
        ("Prolactin (visit 2, fasting)", ""),
        ("Prolactin (2019)", ""),
    ],
)
def test_unit_beside_the_limits_in_a_bracket(header: str, unit: str) -> None:
    assert parse_header(header).unit == unit


@pytest.mark.parametrize(
    ("header", "value", "unit", "ng_ml", "status"),
    [
        ("Prolaktin (Ref. 102-496 mIU/L)", "900", "mIU/L", 900 / 21.2, "high"),
        ("Prolactin (ref 4-15 ng/mL)", "12", "ng/mL", 12, "normal"),
        ("Prolactine (µg/L ; VN 5-25)", "40", "ng/mL", 40, "high"),  # µg/L is ng/mL,
    ],
)
def test_results_are_read_in_the_unit_the_bracket_names(
    tmp_path: Path, header: str, value: str, unit: str, ng_ml: float, status: str
) -> None:
    out = triage_lines(tmp_path, f"Patient ID;Geschlecht;Alter;{header}", [f"P1;F;34;{value}"])
    assert list(out.index) == ["P1"]  # not rejected for want of a unit
    assert out.loc["P1", "prolactin_unit"] == unit
    assert float(out.loc["P1", "prolactin_ng_ml"]) == pytest.approx(ng_ml, abs=0.01)
    assert out.loc["P1", "status"] == status
