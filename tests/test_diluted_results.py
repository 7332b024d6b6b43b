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


# The long shape (one line per test, as LIS exports and HL7 feeds give them): the line of the
# re-assay after dilution is its sample's result, in place of the neat line.
LONG_HEAD = "Specimen;Patient ID;Sex;Age;Collected;Test;Result;Unit\n"


@pytest.mark.parametrize(
    ("neat", "diluted", "unit", "value", "ng_ml"),
    [
        ("Prolactin", "Prolactin diluted 1:100", "mIU/L", "60000", 2830.2),
        ("Prolaktin", "Prolaktin verdünnt", "µg/l", "3100", 3100.0),
        ("Prolactine", "Prolactine diluée 1/100", "mUI/L", "60000", 2830.2),
        ("Prolactina", "Prolactina diluida", "ng/mL", "3100", 3100.0),
        ("Prolattina", "Prolattina diluita 1:100", "ng/mL", "3100", 3100.0),
        ("Prolactine", "Prolactine verdund", "µg/l", "3100", 3100.0),
    ],
)
def test_a_long_files_diluted_line_is_its_samples_result(
    tmp_path: Path, neat: str, diluted: str, unit: str, value: str, ng_ml: float
) -> None:
    """A macroprolactinoma's neat 2,000 mIU/L (hook effect) and 60,000 mIU/L after dilution, on
    two lines of one sample: one result, the diluted one, urgent; no line lost (the diluted
    line counts as triaged with its sample), and a sample without a dilution keeps its own."""
    neat_value = "2000" if "I/L" in unit else "95"
    text = LONG_HEAD + (
        f"S4;P4;M;50;04.03.2026 09:00;{neat};{neat_value};{unit}\n"
        f"S4;P4;M;50;04.03.2026 09:00;{diluted};{value};{unit}\n"
        f"S5;P5;F;40;04.03.2026 10:00;{neat};12;ng/mL\n"
    )
    results = triage_csv(tmp_path, text)
    assert results["patient_id"].tolist() == ["P4", "P5"]
    giant, plain = results.iloc[0], results.iloc[1]
    assert giant["prolactin_ng_ml"] == pytest.approx(ng_ml, rel=1e-3)
    assert giant["priority"] == "urgent"
    assert plain["prolactin_ng_ml"] == 12
    assert not (tmp_path / "out" / "rejected.csv").read_text().strip().count("\n")


def test_a_long_files_diluted_line_alone_is_the_result(tmp_path: Path) -> None:
    """A sample with only its diluted line: that line is the result."""
    results = triage_csv(
        tmp_path, LONG_HEAD + "S4;P4;M;50;04.03.2026 09:00;PRL 1:100;60000;mIU/L\n"
    )
    assert results.iloc[0]["prolactin_ng_ml"] > 2000


def test_a_long_files_diluted_line_without_a_number_is_listed(tmp_path: Path) -> None:
    """'not done' after dilution: the neat result is triaged and the line is rejected with the
    reason (never lost)."""
    results = triage_csv(
        tmp_path,
        LONG_HEAD + "S4;P4;F;30;04.03.2026 09:00;Prolactin;20;ng/mL\n"
        "S4;P4;F;30;04.03.2026 09:00;Prolactin diluted;not done;ng/mL\n",
    )
    assert results.iloc[0]["prolactin_ng_ml"] == 20
    rejected = (tmp_path / "out" / "rejected.csv").read_text()
    assert "other_test" in rejected and "re-assay after dilution without a number" in rejected
