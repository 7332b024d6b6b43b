"""An hCG in IU/mL is a thousand times the same number in IU/L (= mIU/mL): "2 IU/mL" is 2000 IU/L,
a positive pregnancy test, not a negative one (clinical-reference §1.4: a pregnant woman is judged
against the pregnancy interval and not labelled hyperprolactinaemic)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_lines

from triage.values import hcg_positive, hcg_unit_factor


@pytest.mark.parametrize(
    ("text", "positive"),
    [
        ("2 IU/mL", True),
        ("0,05 UI/mL", True),  # 50 IU/L
        ("0.002 IU/mL", False),  # 2 IU/L
        ("25 IU/L", True),
        ("3 mIU/mL", False),
        ("450 mIE/ml", True),
        ("0.01 IU/mL", None),  # 10 IU/L: equivocal
        ("12 MoM", None),  # a screening ratio, no test result
    ],
)
def test_hcg_numbers_in_their_unit(text: str, positive: bool | None) -> None:
    assert hcg_positive(text) is positive


def test_unit_factors() -> None:
    assert hcg_unit_factor("IU/mL") == 1000.0
    assert hcg_unit_factor("mIU/mL") == 1.0
    assert hcg_unit_factor("ng/mL") is None


def test_pregnancy_from_an_hcg_in_iu_per_ml(tmp_path: Path) -> None:
    out = triage_lines(
        tmp_path,
        "id;sex;age;prolactin;unit;hCG;comments",
        [
            "C1;F;30;150;ng/mL;2 IU/mL;",  # the hcg column
            "N1;F;30;150;ng/mL;;beta-hCG 1,5 IU/mL",  # a note
            "L1;F;30;150;ng/mL;0.001 IU/mL;",  # 1 IU/L: negative
        ],
    )
    for row in ("C1", "N1"):
        assert "pregnan" in out.loc[row, "reference_stratum"]
        assert out.loc[row, "priority"] == "none"
    assert "pregnan" not in out.loc["L1", "reference_stratum"]
    assert out.loc["L1", "status"] == "high"
    assert "pregnancy_test" not in out.loc["L1", "suggestions"]
