"""Review 27, review G findings 1-3 (mend of fix216).

- After a preposition ("eGFR at", "TSH bei", "TSH von", "TSH of", "TSH à") a number is a value
  only when no time or date follows it: a time unit spelled or abbreviated ("12 months", "6
  Mon.", "6 wks", "3 mo", "3 sem", "2 sett."), the UK fraction of a year or of weeks ("3/12",
  "6/52"), a date ("10/11/2026", "12/2023", "10.11.2026", "2023") or a clock time ("8:30") is
  when the test was or is to be done, never its value (clinical-reference §1.4, §4: a false
  kidney or thyroid cause is false reassurance; check_tsh and the screen stay asked).
- "Macroprolactin: yes" followed by a word for requested or pending ("yes, requested", "ja;
  Ergebnis folgt", "oui, en cours", "sí, pendiente", "sì, richiesto") is the test asked for,
  not its result: no macroprolactinemia, the screen still suggested.
Synthetic patients only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv_warned


def _codes(cell: object) -> list[str]:
    return [c for c in str(cell or "").split(";") if c]


def _factor_strength(row: pd.Series, code: str) -> str | None:
    return next((d["strength"] for d in row["factor_details"] or [] if d["code"] == code), None)


def _patient(folder: Path, note: str, sex: str = "M", prolactin: str = "3000") -> pd.Series:
    text = (
        "Patient ID,Sex,Age,Prolactin (mIU/L),Comments\n"
        f"G1,{sex},45,{prolactin},{csv_quoted(note)}\n"
    )
    return triage_csv_warned(folder, text)[0].iloc[0]


# --- 1. eGFR at a time or on a date -------------------------------------------------------------
EGFR_AT_A_TIME = [
    "eGFR at 12 months normal",
    "eGFR at 3/12",
    "eGFR bei 6 Mon. stabil",
    "eGFR von 10/11/2026 unauffällig",
    "eGFR at 6/52",
    "eGFR at 6 wks",
    "DFG à 3 mois",
    "DFG à 3 sem",
    "eGFR of 12/2025 normal",
    "eGFR von 10.11.2026 normal",
    "FG a 2 sett. stabile",
    "eGFR at 8:30",
]


@pytest.mark.parametrize("note", EGFR_AT_A_TIME)
def test_egfr_at_a_time_or_date_is_no_value(tmp_path: Path, note: str) -> None:
    row = _patient(tmp_path, note)
    assert _factor_strength(row, "renal_impairment") is None, (note, row["factors"])
    assert _factor_strength(row, "prolactinoma_suspected") is not None, (note, row["factors"])
    assert row["priority"] == "soon"
    assert "endocrine_referral" in _codes(row["suggestions"])


@pytest.mark.parametrize("note", ["eGFR bei 12 ml/min", "eGFR of 12", "DFG à 12 mL/min"])
def test_egfr_value_after_a_preposition_still_read(tmp_path: Path, note: str) -> None:
    """Guard: fix216's own reading stays (a value, with or without its unit)."""
    row = _patient(tmp_path, note)
    assert _factor_strength(row, "renal_impairment") is not None, (note, row["factors"])


# --- 2. TSH at a time or on a date --------------------------------------------------------------
TSH_AT_A_TIME = [
    "repeat TSH at 6/52",
    "TSH at 6 wks",
    "TSH von 12/2023 normal",
    "TSH at 8:30",
    "TSH at 10/11/2026 was normal",
    "TSH of 12/2025 normal",
    "TSH à 3 sem",
    "TSH at 3 mo",
    "TSH bei 6 Mon. kontrollieren",
    "TSH in 6 Wo. / TSH bei 6 Wo.",
    "TSH a 2 sett.",
    "TSH von 2023 normal",
    "TSH à 15 j",
    "TSH at 12 months",
]


@pytest.mark.parametrize("note", TSH_AT_A_TIME)
def test_tsh_at_a_time_or_date_is_no_value(tmp_path: Path, note: str) -> None:
    row = _patient(tmp_path, note, sex="F", prolactin="900")
    assert _factor_strength(row, "hypothyroidism") is None, (note, row["factors"])
    assert "check_tsh" in _codes(row["suggestions"])
    assert "macroprolactin_screen" in _codes(row["suggestions"])


@pytest.mark.parametrize("note", ["TSH bei 12 mU/l", "TSH of 12", "TSH à 12,5 mUI/l", "TSH at 45"])
def test_tsh_value_after_a_preposition_still_read(tmp_path: Path, note: str) -> None:
    """Guard: fix216's own reading stays."""
    row = _patient(tmp_path, note, sex="F", prolactin="900")
    assert _factor_strength(row, "hypothyroidism") == "likely", (note, row["factors"])


# --- 3. "Macroprolactin: yes" that is a request ------------------------------------------------
REQUESTED = [
    "Macroprolactin: yes, requested",
    "Makroprolaktin: ja; Ergebnis folgt",
    "Makroprolaktin: ja, angefordert",
    "Macroprolactin: yes - pending",
    "Macroprolactin: yes, result to follow",
    "macroprolactine : oui, en cours",
    "macroprolactina: sí, pendiente",
    "macroprolattina: sì, richiesto",
    "macroprolactine: ja, aangevraagd",
]


@pytest.mark.parametrize("note", REQUESTED)
def test_macroprolactin_yes_requested_is_no_result(tmp_path: Path, note: str) -> None:
    row = _patient(tmp_path, note, sex="F", prolactin="900")
    assert _factor_strength(row, "macroprolactinemia") is None, (note, row["factors"])
    assert "macroprolactin_screen" in _codes(row["suggestions"])


@pytest.mark.parametrize("note", ["Macroprolactin: yes", "Makroprolaktin: ja; TSH normal"])
def test_macroprolactin_yes_alone_still_found(tmp_path: Path, note: str) -> None:
    """Guard: the label answered yes, with nothing pending, stays macroprolactin found."""
    row = _patient(tmp_path, note, sex="F", prolactin="900")
    assert _factor_strength(row, "macroprolactinemia") == "likely", (note, row["factors"])
