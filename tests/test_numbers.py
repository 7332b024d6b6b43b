"""One number formatter (triage/numbers.py): the same digits in results.csv, results.json, the
HTML reports and the evidence texts; ages in words for readers and rounded in the files."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from engine_fixtures import knowledge
from report_fixtures import make_meta

from triage.engine import canonical_frame, triage_frame
from triage.engine.context import approx as context_approx
from triage.engine.context import fmt as context_fmt
from triage.numbers import (
    age_rounded,
    age_rounded_array,
    age_words,
    approx,
    fmt,
    rounded,
    rounded_array,
)
from triage.output import OutputOptions, write_outputs


# ------------------------------------------------------------------------------ the rules ---
@pytest.mark.parametrize(
    ("value", "text"),
    [
        (33562 / 21.2, "1583.1"),  # a converted mIU/L result shows no false precision
        (4.81, "4.81"),
        (4.8, "4.8"),
        (23.30, "23.3"),
        (0.25, "0.25"),
        (1664.0, "1664"),
        (99.996, "99.996"),  # never a whole number it is not (review 12): 100 is a band limit
        (47.234, "47.23"),
        (-0.001, "-0.001"),
        (100.0, "100"),
        (100.04, "100"),  # far enough above: reads "from 100 up" as it is
        (30.004, "30.004"),  # not "30" beside an upper limit of 30
        (math.nan, "?"),
        (None, "?"),
    ],
)
def test_fmt(value: float | None, text: str) -> None:
    assert fmt(value) == text


def test_fmt_and_rounded_agree_with_the_array_rounding() -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.uniform(0, 3000, 20_000), np.arange(0, 200, 0.005)])
    as_array = rounded_array(values)
    assert np.array_equal(as_array, np.array([rounded(float(v)) for v in values]))
    assert np.array_equal(rounded_array(as_array), as_array)  # idempotent
    for value in values[:2000]:
        assert float(fmt(float(value))) == rounded(float(value))


def test_engine_names_are_the_same_functions() -> None:
    assert context_fmt is fmt and context_approx is approx
    assert approx(5000 / 21.2) == "236" and approx(78.49) == "78.5"


@pytest.mark.parametrize(
    ("years", "words"),
    [
        (34.9, "34 y"),
        (2.0, "2 y"),
        (1.99, "23 mo"),
        (7 / 12 + 0.01, "7 mo"),
        (0.5, "6 mo"),
        (3 / 365.25, "3 d"),
        (0.0, "0 d"),
        (None, "?"),
        (math.nan, "?"),
    ],
)
def test_age_words(years: float | None, words: str) -> None:
    assert age_words(years) == words


def test_ages_in_the_files_are_rounded_sensibly() -> None:
    # cut to completed tenths, as ages are told: 5.997 written 6.0 showed a girl "6" on the
    # interval of the 2-6 year olds (review 11)
    assert age_rounded(34.87654321) == 34.8
    assert age_rounded(0.58333333) == 0.583  # months and days still tell apart
    assert math.isnan(age_rounded(math.nan))
    got = age_rounded_array([34.87654321, 0.58333333, math.nan])
    assert got[:2].tolist() == [34.8, 0.583] and math.isnan(got[2])


# ------------------------------------------------------------- the same digits everywhere ---
ROWS = [
    {
        "patient_id": "P-1",
        "sex": "F",
        "birth_date": "1991-07-15",
        "collected_at": "2026-03-02 09:00",
        "prolactin": 33562,
        "unit": "mIU/L",
        "pregnant": False,
    },
    {
        "patient_id": "P-2",
        "sex": "M",
        "age_years": 52,
        "collected_at": "2026-03-02 09:00",
        "prolactin": 61.237,
        "unit": "ng/mL",
        "reference_low": 4.81,
        "reference_high": 15.27,
    },
    {
        "patient_id": "P-3",
        "sex": "F",
        "birth_date": "2025-08-01",
        "collected_at": "2026-03-02 09:00",
        "prolactin": 95,
        "unit": "ng/mL",
    },
]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    results = triage_frame(canonical_frame(ROWS), knowledge())
    out = tmp_path_factory.mktemp("numbers") / "out"
    write_outputs(results, [], make_meta(results, []), out, OutputOptions(all_patients=True))
    return results, out


def test_same_digits_in_csv_json_html_and_evidence(written: tuple[pd.DataFrame, Path]) -> None:
    results, out = written
    with (out / "results.csv").open(encoding="utf-8", newline="") as handle:
        rows = {r["patient_id"]: r for r in csv.DictReader(handle)}
    doc = {r["patient_id"]: r for r in json.loads((out / "results.json").read_text())["results"]}
    html = (out / "patients.html").read_text(encoding="utf-8")
    summary = (out / "summary.html").read_text(encoding="utf-8")

    first = results.iloc[0]
    assert rows["P-1"]["prolactin_ng_ml"] == "1583.1"
    assert doc["P-1"]["prolactin_ng_ml"] == 1583.1
    assert "1583.1 ng/mL" in html and "1583.1" in summary and "1583.11" not in html
    reasons = " ".join(d["reason"] for d in first["suggestion_details"])
    evidence = " ".join(d["evidence"] for d in first["factor_details"])
    assert "1583.1" in reasons + evidence and "1583.11" not in reasons + evidence

    second = results.iloc[1]
    assert rows["P-2"]["reference_low_ng_ml"] == "4.81"
    assert rows["P-2"]["reference_high_ng_ml"] == "15.27"
    assert rows["P-2"]["prolactin_ng_ml"] == "61.24"
    assert doc["P-2"]["reference_low_ng_ml"] == 4.81
    assert "4.81–15.27" in html and "4.8–15.3" not in html
    times = rows["P-2"]["times_uln"]
    assert times == fmt(61.237 / 15.27) and doc["P-2"]["times_uln"] == float(times)
    assert f"×{times}" in html
    texts = " ".join(d["reason"] for d in second["suggestion_details"])
    assert "61.24" in texts or "61.24" in " ".join(d["evidence"] for d in second["factor_details"])


def test_ages_in_files_and_reports(written: tuple[pd.DataFrame, Path]) -> None:
    _results, out = written
    with (out / "results.csv").open(encoding="utf-8", newline="") as handle:
        rows = {r["patient_id"]: r for r in csv.DictReader(handle)}
    doc = {r["patient_id"]: r for r in json.loads((out / "results.json").read_text())["results"]}
    assert rows["P-1"]["age_years"] == "34.6"  # never 8 decimals
    assert doc["P-1"]["age_years"] == 34.6
    infant = doc["P-3"]["age_years"]
    assert infant == round(infant, 3) and 0.58 < infant < 0.59
    html = (out / "patients.html").read_text(encoding="utf-8")
    assert "34 y" in html and "7 mo" in html


def test_times_uln_keeps_the_qualifier() -> None:
    # Review 1 D2: '>4240' mIU/L was shown as 'x8.55 ULN', dropping the '>'.
    from triage.numbers import times_text

    assert times_text(8.5512, ">") == ">×8.55"
    assert times_text(0.11, "<") == "<×0.11"
    assert times_text(1.5) == "×1.5"
    assert times_text(None, ">") == "" and times_text(float("nan")) == ""
