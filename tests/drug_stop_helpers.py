"""Helpers for the drug-timing tests (tests/ is on sys.path): one patient (F, 40 y, sample
2026-11-04 08:00, prolactin 85 ng/mL: above the female limit, below the level a drug alone rarely
explains) with a medication cell and a note, through the public pipeline."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

HEADER = "patient_id,sex,age_years,prolactin,prolactin_unit,medications,comments,collected_at"
SAMPLE = "2026-11-04 08:00"


def stop_row(tmp_path: Path, meds: str, notes: str = "") -> pd.Series:
    """The result row of the patient with medication cell `meds` and note `notes`."""
    line = f"P1,F,40,85,ng/mL,{csv_quoted(meds)},{csv_quoted(notes)},{SAMPLE}"
    return triage_lines(tmp_path, HEADER, [line]).loc["P1"]


def detail_codes(row: pd.Series, column: str) -> list[str]:
    """The codes of a row's factor_details or suggestion_details."""
    return [item["code"] for item in row[column]]


def drug_factors(row: pd.Series) -> list[str]:
    """The row's medication factor codes."""
    return [code for code in detail_codes(row, "factor_details") if code.startswith("medication:")]


def assert_not_current(row: pd.Series, cell: str) -> None:
    """No drug taken at the sample (stopped beyond the washout, replaced, not yet started):
    unexplained, seen soon, screened for macroprolactin."""
    steps = detail_codes(row, "suggestion_details")
    assert not drug_factors(row), (cell, row["factor_evidence"])
    assert "unexplained" in detail_codes(row, "factor_details"), (cell, row["factor_evidence"])
    assert row["priority"] == "soon", (cell, row["priority"])
    assert "macroprolactin_screen" in steps, (cell, steps)


def assert_still_acting(row: pd.Series, cell: str) -> None:
    """A drug stopped or paused within the washout: still a likely factor."""
    assert drug_factors(row), (cell, row["factor_evidence"])
    assert "within the 3-day washout" in row["factor_evidence"], (cell, row["factor_evidence"])
