"""What `run` prints: the reading warnings `check` finds, counted per kind (their rows with
--verbose, never a cell that may name a patient), and last lines naming the reports and inputs;
and docs/screenshots.py, which makes the images of docs/img from the demo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.reading_warnings import warning_count, warning_kind

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
# An interval cell that is a note (and quotes a person), a patient without a specimen number.
INTERVALS = (
    "ID;Name;Sex;Age;Specimen;PRL (ng/mL);Reference range\n"
    "P1;SMITH Anna;F;30;S-1;80;ask Dr Who\n"
    "P2;JONES Bo;F;30;S-2;95;4-23\n"
    "P3;KAY Cy;M;40;;150;4-15\n"
    "P4;LEE Di;F;30;S-4;12;4-23\n"
)


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args], prog_name="prolactin-triage")


def _write(tmp_path: Path, text: str = INTERVALS) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_run_counts_the_repaired_dates_check_lists(samples_dir: Path, tmp_path: Path) -> None:
    legacy = samples_dir / "legacy_export.xls"
    checked = invoke("check", legacy)
    assert checked.exit_code == 0, checked.stderr
    assert checked.stdout.count("had day and month swapped") == 2  # DOB 13, Collected 16
    result = invoke("run", legacy, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.stderr
    assert (
        "warning: legacy_export.xls: 29 date(s) repaired (day/month swapped) — see summary.html"
        in result.stdout
    )
    assert "column 'DOB'" not in result.stdout  # the rows: with --verbose only


def test_verbose_prints_the_rows_as_check_does(samples_dir: Path, tmp_path: Path) -> None:
    legacy = samples_dir / "legacy_export.xls"
    result = invoke("run", legacy, "--out", tmp_path / "o", "--verbose")
    assert result.exit_code == 0, result.stderr
    checked = invoke("check", legacy).stdout
    rows = [line.strip() for line in result.stdout.splitlines() if line.startswith("  column")]
    assert len(rows) == 2
    for row in rows:  # the same text as check's warning lines
        assert f"warning: {row}" in checked


def test_an_unreadable_interval_is_counted_without_its_cell(tmp_path: Path) -> None:
    path = _write(tmp_path)
    result = invoke("run", path, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.stderr
    assert "warning: export.csv: 1 interval(s) that could not be read" in result.stdout
    verbose = invoke("run", path, "--out", tmp_path / "o", "-v")
    assert verbose.exit_code == 0, verbose.stderr
    assert "column 'Reference range': 1 row(s)" in verbose.stdout
    assert "[redacted]" in verbose.stdout
    for secret in ("Dr Who", "SMITH", "JONES", "KAY", "LEE", "P1", "P3"):
        assert secret not in verbose.stdout
        assert secret not in verbose.stderr


def test_quiet_prints_no_warning(samples_dir: Path, tmp_path: Path) -> None:
    result = invoke("run", samples_dir / "legacy_export.xls", "--out", tmp_path / "o", "--quiet")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "day and month" not in result.stderr


def test_the_last_lines_name_the_reports_and_the_inputs(tmp_path: Path) -> None:
    out = tmp_path / "o"
    result = invoke("run", _write(tmp_path), "--out", out)
    assert result.exit_code == 0, result.stderr
    last = result.stdout.splitlines()[-3:]
    assert last == [
        "Input: export.csv",
        f"Report: {out / 'summary.html'}",
        f"Patient pages: {out / 'patients.html'} (3 pages)",
    ]
    html = (out / "patients.html").read_text(encoding="utf-8")
    assert html.count('id="patient-') >= 3


def test_several_inputs_are_named(samples_dir: Path, tmp_path: Path) -> None:
    result = invoke(
        "run", samples_dir / "clinic_list.ods", _write(tmp_path), "--out", tmp_path / "o"
    )
    assert result.exit_code == 0, result.stderr
    assert "Inputs: clinic_list.ods (sheet 'clinic_list'), export.csv" in result.stdout


def test_warning_kinds_and_counts() -> None:
    text = "column 'DOB': 13 date cell(s) had day and month swapped (...) and were repaired"
    assert warning_kind(text).label == "date(s) repaired (day/month swapped)"
    assert warning_count(text) == 13
    assert warning_count("2 row(s) have an interval per group (sex, age, menopausal status)") == 2
    assert warning_kind("something new").label == "other warning(s)"
    assert warning_count("the text is not UTF-8; read as cp1252") == 1


# ------------------------------------------------------------------------------------------
# docs/screenshots.py
# ------------------------------------------------------------------------------------------
def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    if os.environ.get("PROLACTIN_TRIAGE_REQUIRE_BROWSER") == "1":
        pytest.fail("no Chromium found and PROLACTIN_TRIAGE_REQUIRE_BROWSER=1")
    pytest.skip("no Chromium installed")


@pytest.mark.browser
def test_the_screenshot_script_still_runs(tmp_path: Path) -> None:
    browser = _browser()
    if shutil.which("pdftoppm") is None:
        if os.environ.get("PROLACTIN_TRIAGE_REQUIRE_BROWSER") == "1":
            pytest.fail("no pdftoppm (poppler-utils) and PROLACTIN_TRIAGE_REQUIRE_BROWSER=1")
        pytest.skip("no pdftoppm installed")
    out = tmp_path / "img"
    done = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "screenshots.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "CHROMIUM": browser},
    )
    assert done.returncode == 0, done.stderr
    for name in ("summary.png", "patient-page.png"):
        data = (out / name).read_bytes()
        assert data.startswith(b"\x89PNG"), name
        assert len(data) > 10_000, name


def test_a_folder_that_is_its_own_output_folder_is_not_read_back(tmp_path: Path) -> None:
    """A folder given as input and as --out: the next run reads the exports in it, not the
    results.csv, rejected.csv, results.json and urgent.txt an earlier run wrote there."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "lab.csv").write_text(
        "MRN,Sex,Age,Prolactin (ng/mL)\nA1,F,30,12\nA2,F,31,480\nA3,M,40,14\n", encoding="utf-8"
    )
    first = invoke("run", folder, "--out", folder, "--force", "--quiet")
    assert first.exit_code == 0, first.output
    assert {"results.csv", "results.json", "rejected.csv"} <= {p.name for p in folder.iterdir()}
    again = invoke("run", folder, "--out", folder, "--quiet")
    assert again.exit_code == 0, again.output
    lines = (folder / "results.csv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4  # the header and the three results, not read twice
    # a file the tool did not write is read
    (folder / "more.csv").write_text(
        "MRN,Sex,Age,Prolactin (ng/mL)\nB1,F,30,13\n", encoding="utf-8"
    )
    assert invoke("run", folder, "--out", folder, "--quiet").exit_code == 0
    assert len((folder / "results.csv").read_text(encoding="utf-8").splitlines()) == 5


def test_two_inputs_of_the_same_content_are_said_to_be_copies(tmp_path: Path) -> None:
    """The same export dropped in twice under two names: both are triaged (no row is lost) but
    the run says so, whatever --quiet says (its counts and urgent lines are doubled)."""
    from triage.pipeline import TriageRequest, run_triage

    body = "Patient ID,Sex,Age,Prolactin (ng/mL)\nP1,F,30,25\nP2,M,40,300\n"
    (tmp_path / "in").mkdir()
    for name in ("a.csv", "a_copy.csv"):
        (tmp_path / "in" / name).write_text(body, encoding="utf-8")
    outcome = run_triage(TriageRequest(inputs=[tmp_path / "in"], out_dir=tmp_path / "out"))
    assert outcome.notices == [
        "a_copy.csv: the same content as a.csv (the same SHA-256): its results are triaged and "
        "listed twice; leave one copy out"
    ]
