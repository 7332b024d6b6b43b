"""A result written without a unit cannot be triaged (rejected as unknown_unit), but one at or
above the urgent level in any prolactin unit (in ng/mL, ~236; in mIU/L, 5,000) is listed with
the urgent results (stderr, urgent.txt, also under --quiet and --redact), never only in
rejected.csv.  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.io import ReadOptions, read_file

runner = CliRunner()


def _export(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text("MRN,Specimen,Sex,Age,Prolactin,Unit\n" + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("cell", "unit", "listed"),
    [
        ("6200", "", True),  # 6200 mIU/L or 6200 ng/mL: urgent either way
        ("5000", "", True),
        # below the level in mIU/L, above it in ng/mL (~236): urgent if the unit is ng/mL
        ("4999", "", True),
        ("450", "", True),
        ("200", "", False),  # below the urgent level in either unit
        ("6200", "pmol/L", False),  # a unit written but unknown: not assumed to be either
    ],
)
def test_a_unitless_result_above_the_urgent_level_is_listed_as_urgent(
    tmp_path: Path, cell: str, unit: str, listed: bool
) -> None:
    path = _export(tmp_path, f"P1,S1,F,30,{cell},{unit}\nP2,S2,F,30,12,ng/mL\n")
    read = read_file(path, None, ReadOptions())
    (rejected,) = read.rejected
    assert rejected.reason_code == "unknown_unit"
    assert rejected.possibly_urgent is listed
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    urgent = (out / "urgent.txt").read_text(encoding="utf-8")
    assert ("URGENT patient P1 | specimen S1 | not triaged (unknown_unit)" in urgent) is listed
    assert ("URGENT patient P1" in result.stderr) is listed
    written = (out / "rejected.csv").read_text(encoding="utf-8")
    assert ("listed with the urgent results" in written) is listed


def test_under_redact_the_line_names_the_tokens_not_the_ids(tmp_path: Path) -> None:
    path = _export(tmp_path, "P1,S1,F,30,6200,\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out), "--quiet", "--redact"])
    assert result.exit_code == 0, result.output
    urgent = (out / "urgent.txt").read_text(encoding="utf-8")
    assert "URGENT patient ID-" in urgent and "P1" not in urgent and "S1" not in urgent


def test_the_dask_engine_lists_it_too(tmp_path: Path) -> None:
    """run --engine dask builds its urgent list from the workers' aggregates: the rejected row
    that is possibly urgent travels with them (rejected.parquet keeps rejected.csv's columns)."""
    pytest.importorskip("distributed")
    import pandas as pd

    from triage.schema import REJECTED_COLUMNS

    path = _export(tmp_path, "P1,S1,F,30,6200,\nP2,S2,F,30,12,ng/mL\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--engine", "dask", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    urgent = (out / "report" / "urgent.txt").read_text(encoding="utf-8")
    assert "URGENT patient P1 | specimen S1 | not triaged (unknown_unit)" in urgent
    assert list(pd.read_parquet(out / "rejected.parquet").columns) == list(REJECTED_COLUMNS)
