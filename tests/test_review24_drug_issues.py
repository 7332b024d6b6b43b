"""Review 24 (hunt E, GP drug lists): when a drug written in a
medication list was taken, against the sample.

- The NHS dm+d / GP dose wording ("one to be taken three times a day when required", "take
  one three times daily when required", "one up to three times a day if needed") and its
  counterparts in other languages is only a dose and schedule, so the as-needed word after it
  holds: an as-needed antiemetic is a possible cause only (drugs.toml as_needed_after: its rise
  follows a dose), and the unexplained rise keeps the work-up (contract §7: ``routine`` only
  when "explained by a factor").
- A GP drug list's item status and dates (EMIS, SystmOne, Vision) were ignored: a drug issued
  once long ago ("acute - 12-Oct-2025", "Last issued 12-Nov-2024", "Issued: 03-Jan-2025",
  "zuletzt verordnet", "dernière délivrance"), cancelled, inactive, suspended, a course
  completed, a closed date range, or first issued after the sample counted as taken now, the
  likely cause, and the work-up was dropped.  Clinical-reference §8 counts only a drug present
  at sampling (3-day washout, §1.1); the extensions judge a statement's period the same way
  ("one stopped long before does not").  An issue within one supply (thresholds.toml
  drug_issue_supply_days) and a stop within the washout still count.

Synthetic patients only; through the public pipeline, several phrasings in one CSV per test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

AS_NEEDED = "taken as needed"


def _run(
    tmp_path: Path, meds: list[str], collected: str = "2026-11-14", prolactin: float = 58
) -> list[pd.Series]:
    """One woman aged 45 per medication cell, sampled at ``collected``."""
    lines = [
        f"P{i},F,45,{collected},{prolactin},ng/mL,{csv_quoted(text)}" for i, text in enumerate(meds)
    ]
    header = "patient_id,sex,age,collected_at,prolactin,unit,medications"
    out = triage_lines(tmp_path, header, lines)
    return [out.loc[f"P{i}"] for i in range(len(meds))]


def _drug(row: pd.Series) -> dict[str, str] | None:
    return next((f for f in row["factor_details"] if f["code"].startswith("medication:")), None)


# 1. The dm+d dose wording before an as-needed word --------------------------------------------
WHEN_REQUIRED = [
    "Metoclopramide 10mg tablets one to be taken three times a day when required",
    "Metoclopramide 10mg tablets take one three times daily when required",
    "Domperidone 10mg tablets one up to three times a day if needed",
    "Metoclopramide 10mg tablets one or two to be taken four times a day when required",
    "Primpéran 10 mg 1 comprimé trois fois par jour si besoin",
    "Plasil 10 mg una compressa tre volte al giorno al bisogno",
    "Primperan 10 mg una tableta tres veces al día si precisa",
]


def test_dmd_dose_wording_then_as_needed_is_a_possible_cause(tmp_path: Path) -> None:
    for text, row in zip(WHEN_REQUIRED, _run(tmp_path, WHEN_REQUIRED), strict=True):
        factor = _drug(row)
        assert factor is not None, text
        assert factor["strength"] == "possible", (text, factor)
        assert AS_NEEDED in factor["evidence"], (text, factor["evidence"])
        assert row["priority"] == "soon", (text, row["priority"])


def test_dmd_dose_wording_without_as_needed_stays_likely(tmp_path: Path) -> None:
    regular = [
        "Metoclopramide 10mg tablets one to be taken three times a day",
        "Risperidone 2mg tablets one to be taken twice a day",
    ]
    for text, row in zip(regular, _run(tmp_path, regular), strict=True):
        factor = _drug(row)
        assert factor is not None and factor["strength"] == "likely", (text, factor)
        assert row["priority"] == "routine", (text, row["priority"])


# 2. A GP drug list's issue, cancel and end dates ----------------------------------------------
NOT_TAKEN_AT_SAMPLE = [
    "Metoclopramide 10mg tablets - acute - 12-Oct-2025",
    "Risperidone 2mg tablets - Repeat - Last issued 12-Nov-2024",
    "Domperidone 10mg tablets (Acute) Issued: 03-Jan-2025",
    "Acute: Metoclopramide 10mg tablets 28 tablet - Issued 20-Feb-2025",
    "Metoclopramide 10mg tablets - Repeat template - Review date 01-Jan-2027 - Last issued "
    "05-Jun-2025",
    "Risperidone 2mg tablets - Last issue date 01/02/2025",
    "Risperidone 2mg tablets - Repeat - Last issued 01-Aug-2026",
    "Paspertin 10 mg – zuletzt verordnet 12.10.2025",
    "Primpéran 10 mg – dernière délivrance le 12/10/2025",
    "Risperidone 2mg tablets - Cancelled 01-Oct-2025",
    "Risperidone 2mg tablets - Inactive",
    "Risperidone 2mg tablets (Suspended)",
    "Metoclopramide 10mg tablets - Course completed 20-Oct-2025",
    "Risperidone 2mg tablets 01-Jan-2020 - 01-Jun-2021",
    "Risperidone 2mg tablets 01-Jan-2020 to 01-Jun-2021",
    "Metoclopramide 10mg tablets - First issued 20-Nov-2026",
    "Risperidon 2 mg - erstmals verordnet 20.11.2026",
]


def test_drug_issued_long_ago_cancelled_or_first_issued_later_is_not_counted(
    tmp_path: Path,
) -> None:
    for text, row in zip(NOT_TAKEN_AT_SAMPLE, _run(tmp_path, NOT_TAKEN_AT_SAMPLE), strict=True):
        assert _drug(row) is None, (text, row["factor_details"])
        assert row["priority"] == "soon", (text, row["priority"])
        codes = str(row["suggestions"]).split(";")
        assert "macroprolactin_screen" in codes and "endocrine_referral" in codes, (text, codes)
        evidence = " ".join(f["evidence"] for f in row["factor_details"])
        assert "not counted as current medication" in evidence, (text, evidence)


TAKEN_AT_SAMPLE = [
    "Risperidone 2mg tablets - Repeat - Last issued 03-Nov-2026",
    "Risperidone 2mg tablets - Repeat - Last issued 01-Sep-2026",
    "Risperidone 2mg tablets - First issued 01-Jan-2020 - Last issued 20-Oct-2026",
    "Metoclopramide 10mg tablets - acute - 10-Nov-2026",
    "Risperidone 2mg tablets 01-Jan-2020 - 01-Jan-2027",
    "Risperidone 2mg tablets - Canceled 13-Nov-2026",
]


def test_drug_issued_within_a_supply_or_stopped_within_washout_still_counts(
    tmp_path: Path,
) -> None:
    for text, row in zip(TAKEN_AT_SAMPLE, _run(tmp_path, TAKEN_AT_SAMPLE), strict=True):
        factor = _drug(row)
        assert factor is not None and factor["strength"] == "likely", (text, factor)
