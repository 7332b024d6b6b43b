"""Review 24 mends (findings 5, 6, 9): GP drug-list wording and issue dates.

- "or" joins two doses unless it stands between two counts of one dose: "Risperidone 4mg one
  daily or two when required" is a regular dose taken plus an extra one as needed, so the drug
  was taken at the sample and explains the rise (clinical-reference §8: a drug present at
  sampling); "one or two to be taken ... when required" (dm+d), "1 or 2 tablets when required",
  "ein oder zwei Tabletten bei Bedarf" are one dose as needed (a possible cause only).
- A depot's GP issue date lapses only after its own dosing interval (or one supply) plus
  depot_acting_max_days: a depot keeps acting for weeks to months after its last injection
  (clinical-reference §7.9, SmPC dosing intervals).  Trevicta or a monthly Xeplion last issued
  142 days before the sample is still taken; an oral drug issued as long ago is not, nor a
  3-monthly depot issued more than 183 days before.
- The preposition or article before an issue or end date is one vocabulary
  (synonyms.toml [values.date_article]) for both patterns.

Synthetic patients only; through the public pipeline, several phrasings in one CSV per test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines


def _run(tmp_path: Path, meds: list[str], collected: str = "2026-11-20") -> list[pd.Series]:
    """One woman aged 30 per medication cell, 90 ng/mL sampled at ``collected``."""
    lines = [f"P{i},F,30,{collected},90,ng/mL,{csv_quoted(text)}" for i, text in enumerate(meds)]
    header = "patient_id,sex,age,collected_at,prolactin,unit,medications"
    out = triage_lines(tmp_path, header, lines)
    return [out.loc[f"P{i}"] for i in range(len(meds))]


def _drug(row: pd.Series) -> dict[str, str] | None:
    return next((f for f in row["factor_details"] if f["code"].startswith("medication:")), None)


# 5. "or" between a regular dose and an extra one ------------------------------------------------
REGULAR_PLUS_EXTRA = [
    "Risperidone 4mg one daily or two when required",
    "Risperidone 4mg tablets one to be taken at night or two when required",
    "Risperidona 4 mg uno al día o dos si precisa",
    "Rispéridone 4 mg un par jour ou deux si besoin",
]


def test_regular_dose_or_an_extra_one_when_required_is_taken(tmp_path: Path) -> None:
    for text, row in zip(REGULAR_PLUS_EXTRA, _run(tmp_path, REGULAR_PLUS_EXTRA), strict=True):
        factor = _drug(row)
        assert factor is not None and factor["strength"] == "likely", (text, factor)
        assert row["priority"] == "routine", (text, row["priority"])


COUNT_RANGE_AS_NEEDED = [
    "Metoclopramide 10mg tablets one or two to be taken three times a day when required",
    "Metoclopramide 10mg 1 or 2 tablets when required",
    "MCP 10 mg ein oder zwei Tabletten bei Bedarf",
    "Primperan 10 mg uno o dos comprimidos si precisa",
]


def test_a_count_range_then_as_needed_stays_possible(tmp_path: Path) -> None:
    rows = _run(tmp_path, COUNT_RANGE_AS_NEEDED)
    for text, row in zip(COUNT_RANGE_AS_NEEDED, rows, strict=True):
        factor = _drug(row)
        assert factor is not None and factor["strength"] == "possible", (text, factor)
        assert row["priority"] == "soon", (text, row["priority"])


# 6. A depot's issue date ----------------------------------------------------------------------
DEPOT_ISSUED_142_DAYS_AGO = [
    "Trevicta 350mg injection - acute - 01-Jul-2026",
    "Paliperidone palmitate 3-monthly depot - Last issued 01-Jul-2026",
    "Xeplion 100mg monthly depot - Last issued 01-Jul-2026",
    "Invega Trinza 350 mg - Issued: 01-Jul-2026",
]


def test_depot_issued_within_its_interval_and_acting_days_is_taken(tmp_path: Path) -> None:
    rows = _run(tmp_path, DEPOT_ISSUED_142_DAYS_AGO)
    for text, row in zip(DEPOT_ISSUED_142_DAYS_AGO, rows, strict=True):
        factor = _drug(row)
        assert factor is not None, text
        assert factor["code"] == "medication:antipsychotic", (text, factor)
        assert row["priority"] == "routine", (text, row["priority"])


LAPSED = [
    "Risperidone 4mg tablets - Last issued 01-Jul-2026",  # oral: one supply long past
    "Trevicta 350mg injection - acute - 01-Apr-2026",  # 233 days: past 91 + 92
    "Xeplion 100mg monthly depot - Last issued 01-Apr-2026",  # past one supply + 92
]


def test_oral_or_depot_issue_past_its_days_is_not_taken(tmp_path: Path) -> None:
    for text, row in zip(LAPSED, _run(tmp_path, LAPSED), strict=True):
        assert _drug(row) is None, (text, row["factor_details"])
        assert row["priority"] == "soon", (text, row["priority"])


# 9. One article vocabulary before a date --------------------------------------------------------
def test_date_articles_are_data_for_issue_and_end_dates() -> None:
    from datetime import date

    from triage.values import last_issue, synonyms_data, written_end

    assert "am" in synonyms_data()["values"]["date_article"]["words"]
    assert last_issue("zuletzt verordnet am 12.10.2025") == date(2025, 10, 12)
    end = written_end("abgesetzt am 01.08.2026")
    assert end is not None and end.last == date(2026, 8, 1)
