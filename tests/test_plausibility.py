"""Rows outside physiological bounds are rejected with their row number; an age of 0 without
days is an infant of unknown age, judged against every interval it could have.

The bounds live in triage/data/thresholds.toml (collection_date_min_year,
collection_date_future_days, age_max_years, prolactin_min_ng_ml, prolactin_min_miu_l).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from triage.engine.core import triage_frame
from triage.io import FileRead, ReadOptions, read_file
from triage.knowledge import load_knowledge, load_thresholds
from triage.knowledge.loaders import REQUIRED_THRESHOLDS
from triage.values import unknown_age, unknown_age_spans, zero_age_span_years

HEADER = "Patient ID,Name,Sex,Age,Collected,Prolactin (ng/mL)\n"
BOUNDS = (
    "collection_date_min_year",
    "collection_date_future_days",
    "age_max_years",
    "prolactin_min_ng_ml",
    "prolactin_min_miu_l",
)


def read(tmp_path: Path, text: str, name: str = "p.csv") -> FileRead:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_file(path, None, ReadOptions())


def rejected_by_row(result: FileRead) -> dict[int, tuple[str, str]]:
    return {r.source_row: (r.reason_code, r.detail) for r in result.rejected}


# ------------------------------------------------------------------------------------------------
# The bounds are reference data with a source
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", BOUNDS)
def test_every_bound_is_a_named_threshold_with_a_source(name: str) -> None:
    thresholds = load_thresholds()
    assert name in REQUIRED_THRESHOLDS
    assert thresholds.values[name].source.strip()
    assert thresholds.get(name) > 0


# ------------------------------------------------------------------------------------------------
# Ages, dates and values outside the bounds
# ------------------------------------------------------------------------------------------------
def test_the_reported_rows_are_rejected_with_their_row_and_reason(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        HEADER
        + "P1,Anna,F,200,2024-03-01 08:13,10\n"
        + "P2,Bert,M,-3,2024-03-01 08:13,10\n"
        + "P3,Carla,F,34.56789123,1800-11-01 08:13,10\n"
        + "P4,Dora,F,40,2099-11-01,10\n"
        + "P5,Emil,M,40,2024-03-01,1e-300\n"
        + "P6,Fritz,M,40,2024-03-01,20\n",
    )
    rows = rejected_by_row(result)
    assert rows[2][0] == "unreadable_age" and "over 130 years" in rows[2][1]
    assert rows[3][0] == "unreadable_age" and "negative" in rows[3][1]
    assert rows[4][0] == "implausible_date" and "before 1970" in rows[4][1]
    assert rows[5][0] == "implausible_date" and "after the run's date" in rows[5][1]
    assert rows[6][0] == "implausible_value" and "0.01 ng/mL" in rows[6][1]
    assert result.frame["patient_id"].tolist() == ["P6"]


def test_a_zero_result_is_below_detection_and_a_less_than_result_is_kept(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        HEADER
        + "P1,A,F,40,2024-03-01,0\n"
        + "P2,B,F,40,2024-03-01,<0.5\n"
        + "P3,C,F,40,2024-03-01,<0.005\n"
        + "P4,D,F,40,2024-03-01,0.0001\n"
        + "P5,E,F,40,2024-03-01,-2\n",
    )
    assert result.frame["patient_id"].tolist() == ["P1", "P2", "P3"]
    rows = rejected_by_row(result)
    assert rows[5][0] == "implausible_value"
    assert rows[6][0] == "implausible_value" and "negative" in rows[6][1]
    assert any("result(s) of 0" in w and "detection limit" in w for w in result.summary.warnings)


def test_a_floor_in_miu_l_applies_to_results_in_miu_l(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        "ID,Sex,Age,Prolactin (mIU/L)\nA,F,40,0.1\nB,F,40,0.3\n",
    )
    assert result.frame["patient_id"].tolist() == ["B"]
    assert rejected_by_row(result)[2][0] == "implausible_value"


def test_a_date_within_the_tolerance_of_today_is_kept(tmp_path: Path) -> None:
    today = pd.Timestamp.now().strftime("%Y-%m-%d %H:%M")
    result = read(tmp_path, HEADER + f"P1,A,F,40,{today},10\nP2,B,F,40,1970-01-02,10\n")
    assert result.rejected == []


@pytest.mark.parametrize(
    ("birth", "why"),
    [("2024-05-01", "is after the collection date"), ("1850-01-01", "over 130 years")],
)
def test_an_impossible_birth_date_without_an_age_is_unreadable_age(
    tmp_path: Path, birth: str, why: str
) -> None:
    result = read(
        tmp_path,
        f"ID,Sex,DOB,Collected,Prolactin (ng/mL)\nA,F,{birth},2024-03-01,10\n"
        "B,F,1980-01-01,2024-03-01,10\n",
    )
    (reason, detail) = rejected_by_row(result)[2]
    assert reason == "unreadable_age" and why in detail
    assert result.frame["patient_id"].tolist() == ["B"]


# ------------------------------------------------------------------------------------------------
# An age of 0 without days
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cell",
    ["0", "0y", "0 y", "0 J", "0 J.", "0 Jahre", "0 ans", "0 años", "0 jaar", "0 anni", "0,0", 0],
)
def test_a_zero_age_in_years_spans_one_year(cell: object) -> None:
    assert zero_age_span_years(cell) == 1.0


@pytest.mark.parametrize(("cell", "days"), [("0 months", 30.4), ("0 Monate", 30.4), ("0 wk", 7)])
def test_a_zero_age_in_months_or_weeks_spans_that_unit(cell: str, days: float) -> None:
    span = zero_age_span_years(cell)
    assert span is not None and math.isclose(span * 365.25, days, abs_tol=0.1)


@pytest.mark.parametrize("cell", ["0 d", "0 days", "0 Tage", "1", "1 y", "", None])
def test_an_exact_or_nonzero_age_has_no_span(cell: object) -> None:
    assert zero_age_span_years(cell) is None


def test_an_unknown_age_travels_as_its_span_negated() -> None:
    spans = unknown_age_spans(pd.Series([unknown_age(1.0), 0.0, 34.0, math.nan]).to_numpy())
    assert spans[0] == 1.0 and all(math.isnan(s) for s in spans[1:])


@pytest.mark.parametrize("cell", ["0", "0y", "0 J.", "0,0", "0 ans", "0 años", "0 jaar", "0 anni"])
def test_a_zero_age_row_is_read_not_rejected(tmp_path: Path, cell: str) -> None:
    # a German column ("Alter") reads a bare J as Jahre
    text = f"ID;Geschlecht;Alter;PRL (ng/mL)\nA;F;{cell};150\nB;F;34;20\n"
    result = read(tmp_path, text)
    assert result.rejected == []
    assert result.frame["age_years"].tolist()[0] < 0


def triaged(tmp_path: Path, rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    text = "ID,Sex,Age,Prolactin (ng/mL)\n" + "".join(
        f"{i},{s},{a},{v}\n" for i, s, a, v in [(f"P{n}", *r) for n, r in enumerate(rows)]
    )
    result = read(tmp_path, text)
    assert result.rejected == []
    return triage_frame(result.frame, load_knowledge("default"))


def test_an_infant_of_unknown_age_is_judged_against_every_interval(tmp_path: Path) -> None:
    # default set: neonates 0-4 d <= 500, 4-30 d 12.6-212.8, infants 30 d-1 y 6.3-113.7 ng/mL
    out = triaged(
        tmp_path,
        [("F", "0", 600.0), ("M", "0 y", 150.0), ("F", "0", 50.0), ("", "0", 300.0)],
    )
    assert out["status"].tolist() == ["high", "indeterminate", "normal", "indeterminate"]
    assert out["age_years"].tolist() == [0.0, 0.0, 0.0, 0.0]
    # high: the highest upper limit (the one most favourable to normal) decided
    assert out["reference_high_ng_ml"].tolist()[0] == 500.0
    for note in out["reference_note"]:
        assert "age in days" in note
    assert "neonates 0–4 days" in out["reference_note"].tolist()[1]
    assert "children 3 months–1 y" in out["reference_note"].tolist()[1]


def test_an_exact_day_zero_keeps_the_neonatal_interval(tmp_path: Path) -> None:
    out = triaged(tmp_path, [("F", "0 d", 300.0)])
    assert out["status"].tolist() == ["normal"]
    assert "age in days" not in out["reference_note"].tolist()[0]


def test_a_zero_age_in_months_spans_the_first_month_only(tmp_path: Path) -> None:
    out = triaged(tmp_path, [("F", "0 months", 150.0)])
    note = out["reference_note"].tolist()[0]
    assert out["status"].tolist() == ["indeterminate"]
    assert "under 30 days" in note and "children 3 months–1 y" not in note


def test_a_birth_date_gives_the_exact_age_of_a_zero_age(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        "ID,Sex,Age,DOB,Collected,Prolactin (ng/mL)\nA,F,0,2024-01-01,2024-03-01,150\n",
    )
    (age,) = result.frame["age_years"].tolist()
    assert 0.1 < age < 0.2
