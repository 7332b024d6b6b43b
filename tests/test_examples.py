"""The files in examples/ work as their comments say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the examples name each other relative to the repository


@pytest.mark.usefixtures("in_repo")
def test_the_export_needs_its_mapping() -> None:
    plain = runner.invoke(app, ["check", "examples/odd_export.csv"])
    assert plain.exit_code == 0
    # "Prolactin level" is recognised, but with no unit anywhere nothing is guessed.
    assert "4 read = 0 usable + 4 rejected" in plain.stdout
    assert "unknown_unit (4)" in plain.stdout
    mapped = runner.invoke(
        app, ["check", "examples/odd_export.csv", "--columns", "examples/columns.toml"]
    )
    assert mapped.exit_code == 0, mapped.output
    assert "<- Client code" in mapped.stdout and "<- Years" in mapped.stdout
    assert "4 read = 4 usable + 0 rejected" in mapped.stdout


@pytest.mark.usefixtures("in_repo")
def test_the_config_runs_the_example(tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = runner.invoke(
        app,
        ["run", "examples/odd_export.csv", "--config", "examples/config.toml", "--out", str(out)],
    )
    assert result.exit_code == 10, result.output  # fail_on = "urgent" matched
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert data["reference_set"] == "roche_elecsys"
    by_id = {r["patient_id"]: r for r in data["results"]}
    assert by_id["EX002"]["priority"] == "urgent"  # 6420 mIU/L with visual field loss
    assert by_id["EX001"]["prolactin_ng_ml"] == pytest.approx(712 / 21.2, rel=1e-3)
    assert (out / "results.xlsx").exists()
    assert "Example Hospital Clinical Biochemistry" in (out / "summary.html").read_text("utf-8")


@pytest.mark.usefixtures("in_repo")
def test_local_test_codes_need_the_tests_table() -> None:
    plain = runner.invoke(app, ["check", "examples/lis_local_codes.csv"])
    assert plain.exit_code == 3  # no code is known: no prolactin (contract §6)
    assert "[tests]" in plain.output
    mapped = runner.invoke(
        app,
        ["check", "examples/lis_local_codes.csv", "--columns", "examples/lis_local_codes.toml"],
    )
    assert mapped.exit_code == 0, mapped.output
    assert "5 read = 4 usable + 1 rejected" in mapped.stdout  # 2 prolactin + TSH + eGFR
    assert "other_test (1)" in mapped.stdout
