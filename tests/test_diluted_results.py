"""A prolactin column of the sample re-assayed after dilution, beside the neat result.

When a large pituitary mass meets a normal or modest prolactin, the lab dilutes the sample
(1:100) to uncover a hook effect (clinical-reference §8: "Known macroadenoma (esp. ≥3 cm) with
PRL normal or <200 ng/mL → ask for 1:100 dilution").  Exports then carry both results; the
diluted one is the true level.  It must be the result triaged, with the neat one never hiding
it, in any of the six languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

from triage.columns import is_diluted_prolactin


@pytest.mark.parametrize(
    "header",
    [
        "Prolactin 1:100 dilution (ng/mL)",
        "Prolactin diluted (ng/mL)",
        "PRL 1:100",
        "Prolactin after dilution",
        "Prolaktin verdünnt",
        "Prolaktin nach Verdünnung (µg/l)",
        "Prolactine diluée 1/100",
        "Prolactina diluida",
        "Prolattina diluita 1:100",
        "Prolactine verdund",
    ],
)
def test_diluted_prolactin_headers(header: str) -> None:
    assert is_diluted_prolactin(header)


@pytest.mark.parametrize(
    "header",
    ["Prolactin", "Prolactin (neat)", "Macroprolactin diluted", "TSH 1:10", "Prolactin 01/02/2020"],
)
def test_other_headers_are_no_diluted_prolactin(header: str) -> None:
    assert not is_diluted_prolactin(header)


@pytest.mark.parametrize(
    ("neat", "diluted"),
    [
        ("Prolactin (ng/mL)", "Prolactin 1:100 dilution (ng/mL)"),
        ("Prolaktin (ng/ml)", "Prolaktin verdünnt (ng/ml)"),
        ("Prolactine (ng/mL)", "Prolactine après dilution 1/100 (ng/mL)"),
        ("Prolactina (ng/mL)", "Prolactina diluida (ng/mL)"),
    ],
)
def test_the_diluted_result_is_triaged_not_the_neat_one(
    tmp_path: Path, neat: str, diluted: str
) -> None:
    """A 35 mm macroadenoma with a neat 45 ng/mL and 8,500 ng/mL after dilution: a giant
    prolactinoma, urgent, and no dilution asked for again; a row without a diluted result keeps
    its neat one."""
    results = triage_csv(
        tmp_path,
        f"ID,Sex,Age,{neat},{diluted},MRI\nD1,M,45,45,8500,macroadenoma 35 mm\nD2,F,30,20,,\n",
    )
    giant, plain = results.iloc[0], results.iloc[1]
    assert giant["prolactin_ng_ml"] == 8500
    assert giant["priority"] == "urgent"
    assert "dilution_retest" not in giant["suggestions"]
    assert "hook_effect_risk" not in giant["suggestions"]
    assert plain["prolactin_ng_ml"] == 20 and plain["status"] == "normal"


def test_the_diluted_column_in_its_own_unit(tmp_path: Path) -> None:
    """The diluted column's header unit is its own: 180,000 mIU/L beside a neat ng/mL."""
    results = triage_csv(
        tmp_path,
        "ID,Sex,Age,Prolactin (ng/mL),Prolactin 1:100 (mIU/L)\nD1,M,45,45,180000\nD2,M,45,12,\n",
    )
    assert results.iloc[0]["prolactin_ng_ml"] > 5000
    assert results.iloc[0]["priority"] == "urgent"
    assert results.iloc[1]["prolactin_ng_ml"] == 12


def test_a_diluted_cell_without_a_number_keeps_the_neat_result(tmp_path: Path) -> None:
    results = triage_csv(
        tmp_path,
        "ID,Sex,Age,Prolactin (ng/mL),Prolactin diluted (ng/mL)\nD1,F,30,20,not done\n",
    )
    assert results.iloc[0]["prolactin_ng_ml"] == 20
