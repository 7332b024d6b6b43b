"""Review 15: what the outputs show of the decision.

The interval shown is the interval used (README: every report shows the reference interval it
used): a limit keeps two significant digits whatever the decimals of the lab's result, so a
boy's lower limit of 0.7 ng/mL beside a result written "300" is not shown as "1"; limits of
ordinary size keep the lab's precision (a mIU/L interval stays whole numbers).  And the
pituitary work-up reads the prolactinoma level as the prolactinoma factor does (">250 ng/mL
usually means prolactinoma", clinical-reference §0).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_lines

HEADER = "patient_id,sex,age,prolactin,unit"


def test_a_small_limit_is_not_rounded_to_the_results_decimals(tmp_path: Path) -> None:
    out = triage_lines(tmp_path, HEADER, ["B1,M,8,300,ng/mL", "B2,M,8,16,ng/mL"])
    # the default set's boys' interval is 0.7-15.8 ng/mL (reference_ranges/default.toml)
    assert out.loc["B1", "reference_low_ng_ml"] == pytest.approx(0.7)
    assert out.loc["B1", "reference_low_value"] == pytest.approx(0.7)
    assert "reference 0.7–" in out.loc["B1", "comment"]
    assert "reference 1–" not in out.loc["B1", "comment"]
    # a result beside the limit shows the limit with the decimals that tell them apart
    assert "reference 0.7–15.8 ng/mL" in out.loc["B2", "comment"]


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("A1,F,30,25,ng/mL", "reference 3–30 ng/mL"),  # whole limits stay whole
        ("A2,F,30,712,mIU/L", "reference 64–636 mIU/L"),  # converted: the lab's precision
        ("A3,F,30,4.5,ng/mL", "reference 3–30 ng/mL"),  # no trailing zeros added
    ],
)
def test_limits_of_ordinary_size_keep_the_labs_precision(
    tmp_path: Path, line: str, shown: str
) -> None:
    out = triage_lines(tmp_path, HEADER, [line])
    assert shown in out["comment"].iloc[0]


@pytest.mark.parametrize(("value", "unit"), [("5000", "mIU/L"), ("235", "ng/mL")])
def test_at_the_prolactinoma_level_factor_and_mri_reason_agree(
    tmp_path: Path, value: str, unit: str
) -> None:
    out = triage_lines(tmp_path, HEADER, [f"M1,M,45,{value},{unit}"])
    row = out.loc["M1"]
    mri = [d["reason"] for d in row["suggestion_details"] if d["code"] == "pituitary_mri"]
    assert mri, row["suggestions"]
    # the prolactinoma level is 250 ng/mL capped at the urgent level (5,000 mIU/L, ~235.85
    # ng/mL at 21.2; review 22): exactly at it, or just below it, not above it, so neither the
    # factor calls a prolactinoma likely nor the MRI reason says the level makes it likely
    assert "prolactinoma_suspected (likely)" not in row["factor_evidence"]
    assert "prolactinoma_suspected (possible)" in row["factor_evidence"]
    assert "a prolactinoma is likely" not in mri[0]


def test_above_the_prolactinoma_level_both_say_likely(tmp_path: Path) -> None:
    out = triage_lines(tmp_path, HEADER, ["M2,M,45,260,ng/mL"])
    assert "prolactinoma_suspected (likely)" in out.loc["M2", "factor_evidence"]
    mri = [d["reason"] for d in out.loc["M2", "suggestion_details"] if d["code"] == "pituitary_mri"]
    assert "a prolactinoma is likely" in mri[0]
