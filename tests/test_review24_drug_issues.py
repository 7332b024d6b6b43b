"""Review 24 (hunt E, GP drug lists; hunt F, ED/ICU drug times): when a drug written in a
medication list was taken, against the sample.

- The NHS dm+d / GP dose wording ("one to be taken three times a day when required", "take
  one three times daily when required", "one up to three times a day if needed") and its
  counterparts in other languages is only a dose and schedule, so the as-needed word after it
  holds: an as-needed antiemetic is a possible cause only (drugs.toml as_needed_after: its rise
  follows a dose), and the unexplained rise keeps the work-up (contract §7: ``routine`` only
  when "explained by a factor").

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
