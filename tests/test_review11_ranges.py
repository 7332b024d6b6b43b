"""Review 11: a lab's own reference set typed in the wrong unit is refused, not trusted.

The Roche insert gives 102–496 µIU/mL for women; copied under "ng/mL" it would make a result of
8,000 mIU/L (377 ng/mL) normal, with priority none.  No prolactin interval outside pregnancy,
breastfeeding and the neonatal period has an upper limit outside the bounds the engine already
applies to a lab's interval on a row (thresholds.toml row_uln_*): a set file that does is
refused by `ranges validate` and by `run --ranges`, naming the line.  Synthetic data only."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.knowledge.loaders import reference_file_problems

runner = CliRunner()

HEAD = (
    "# title = Our lab\n# miu_per_ng = 21.2\n# miu_per_ng_source = insert\n# source = insert\n"
    "id,sex,state,age_min_years,age_max_years,low,high,unit,source\n"
)


def set_file(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "our_lab.csv"
    path.write_text(HEAD + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        # µIU/mL numbers under ng/mL
        ("women,F,adult,18,,102,496,ng/mL,insert\nmen,M,adult,18,,86,324,ng/mL,insert\n", "496"),
        # ng/mL numbers under mIU/L: about 1 ng/mL
        ("women,F,adult,18,,4.8,23.3,mIU/L,insert\nmen,M,adult,18,,4,15.2,mIU/L,insert\n", "1.1"),
        # a postmenopausal or child stratum is bounded too
        (
            "women,F,adult,18,,4.8,23.3,ng/mL,i\nmen,M,adult,18,,4,15.2,ng/mL,i\n"
            "pm,F,postmenopausal,50,,2,400,ng/mL,i\n",
            "'pm'",
        ),
        # pregnancy strata are for women
        (
            "women,F,adult,18,,4.8,23.3,ng/mL,i\nmen,M,adult,18,,4,15.2,ng/mL,i\n"
            "preg,M,pregnant,18,,10,209,ng/mL,i\n",
            "'preg'",
        ),
    ],
)
def test_a_set_in_the_wrong_unit_is_refused(tmp_path: Path, rows: str, problem: str) -> None:
    path = set_file(tmp_path, rows)
    problems = [str(p) for p in reference_file_problems(path)]
    assert problems and any(problem in p for p in problems), problems
    result = runner.invoke(app, ["ranges", "validate", str(path)])
    assert result.exit_code == 2


def test_a_run_with_such_a_set_stops_before_a_false_normal(tmp_path: Path) -> None:
    ranges = set_file(
        tmp_path, "women,F,adult,18,,102,496,ng/mL,insert\nmen,M,adult,18,,86,324,ng/mL,insert\n"
    )
    export = tmp_path / "w.csv"
    export.write_text("MRN,Sex,Age,Prolactin,Unit\nW9,F,35,8000,mIU/L\n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(export), "--ranges", str(ranges), "--out", str(out)])
    assert result.exit_code == 2
    assert "our_lab.csv:6" in result.output
    assert not (out / "results.csv").exists()


def test_physiological_strata_keep_their_high_limits(tmp_path: Path) -> None:
    path = set_file(
        tmp_path,
        "women,F,adult,18,,4.8,23.3,ng/mL,i\nmen,M,adult,18,,4,15.2,ng/mL,i\n"
        "preg,F,pregnant,18,,10,209,ng/mL,i\nlact,F,lactating,18,,,200,ng/mL,i\n",
    )
    assert reference_file_problems(path) == []
