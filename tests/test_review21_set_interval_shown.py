"""Review 21: the interval shown is the interval used, and a neonate's measured limit holds.

- A set's limit in ng/mL reached a result in ng/mL rounded to the result's decimals: a woman's
  60 ng/mL on Roche read "reference 4.8–23 ng/mL" in the comment, the page and results.csv's
  reference_high_value while 23.3 judged it (men "4–15" for 15.2, Atellica after menopause
  "up to 15" for 14.62).  The report must show the interval used (contract §5).
- A neonate's upper limit ran on a line from the first days' 500 ng/mL down to CALIPER's
  212.8 ng/mL (4–29 days), so a 10-day-old at 360 ng/mL was normal against 367.4; CALIPER's
  limits are measured over the whole span (clinical-reference §2.1: 4–29 days 12.6–212.8,
  30 days to <1 year 6.3–113.7; Perlman: weeks 2–4 mean ~69).  Only a limit set from physiology
  (measured = false) may be entered on such a line.

Synthetic patients only.
"""

from __future__ import annotations

import pandas as pd
import pytest
from pipeline_helpers import triage_lines

HEADER = "patient_id,sex,age,prolactin,unit,assay"


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return triage_lines(
        tmp_path_factory.mktemp("shown"),
        HEADER,
        [
            "W1,F,30,60,ng/mL,Roche cobas",  # Roche women 4.8-23.3
            "M1,M,40,16,ng/mL,Roche Elecsys",  # Roche men 4.0-15.2
            "A1,F,62,16,ng/mL,Siemens Atellica",  # Atellica postmenopausal up to 14.62
            "W2,F,30,23.3,ng/mL,Roche cobas",  # at the limit: normal
            "U1,F,30,1300,mIU/L,Roche cobas",  # mIU/L: the limit converted, lab's precision
        ],
    )


@pytest.mark.parametrize(
    ("pid", "high", "text"),
    [("W1", 23.3, "4.8–23.3 ng/mL"), ("M1", 15.2, "–15.2 ng/mL"), ("A1", 14.62, "14.62 ng/mL")],
)
def test_ng_limit_is_shown_as_used(shown: pd.DataFrame, pid: str, high: float, text: str) -> None:
    row = shown.loc[pid]
    assert float(row["reference_high_ng_ml"]) == pytest.approx(high)
    assert float(row["reference_high_value"]) == pytest.approx(high)
    assert text in row["comment"], row["comment"]
    assert row["status"] == "high"


def test_result_at_the_limit_reads_at_the_limit(shown: pd.DataFrame) -> None:
    row = shown.loc["W2"]
    assert row["status"] == "normal"
    assert "23.3 ng/mL; reference 4.8–23.3 ng/mL" in row["comment"], row["comment"]


def test_miu_limit_keeps_the_lab_precision(shown: pd.DataFrame) -> None:
    row = shown.loc["U1"]
    # 23.3 ng/mL x 21.2 = 493.96: shown at the result's precision, not as 493.96
    assert float(row["reference_high_value"]) == pytest.approx(494)
    assert "reference 102–494 mIU/L" in row["comment"], row["comment"]


@pytest.fixture(scope="module")
def neonates(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return triage_lines(
        tmp_path_factory.mktemp("neonates"),
        "patient_id,sex,birth_date,collected,prolactin,unit",
        [
            "B10,M,2026-10-24,2026-11-03,360,ng/mL",  # 10 days
            "G10,F,2026-10-24,2026-11-03,150,ng/mL",  # 10 days, within 212.8
            "G30,F,2026-10-04,2026-11-03,200,ng/mL",  # 30 days
            "B35,M,2026-09-29,2026-11-03,150,ng/mL",  # 35 days
            "B2,M,2026-11-01,2026-11-03,450,ng/mL",  # 2 days: the birth surge
        ],
    )


@pytest.mark.parametrize(
    ("pid", "limit", "priority"),
    [("B10", 212.8, "urgent"), ("G30", 113.7, "soon"), ("B35", 113.7, "soon")],
)
def test_measured_neonatal_limit_is_not_exceeded(
    neonates: pd.DataFrame, pid: str, limit: float, priority: str
) -> None:
    row = neonates.loc[pid]
    assert float(row["reference_high_ng_ml"]) == pytest.approx(limit), row["reference_note"]
    # above the urgent level and beyond what the neonatal period explains: urgent (contract §7,
    # review 24: 360 ng/mL at 10 days, 1.7x the limit)
    assert (row["status"], row["priority"]) == ("high", priority)


def test_within_the_measured_limit_and_the_surge_stay_normal(neonates: pd.DataFrame) -> None:
    assert neonates.loc["G10", "status"] == "normal"
    surge = neonates.loc["B2"]
    assert (surge["status"], surge["priority"]) == ("normal", "none")
    assert "Not a measured reference interval" in surge["reference_note"]
