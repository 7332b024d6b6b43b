"""Dates as research cohorts write them (SAS's DATETIME "01MAR2015:08:30:00") and the age a
birth date gives when the sample's date is missing: counted to the day of the run, and said so
in the reference note (a child's interval may depend on it).  Synthetic patients only."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

from triage.values import parse_date_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01MAR2015:08:30:00", datetime(2015, 3, 1, 8, 30)),
        ("01MAR2015:08:30:00.000", datetime(2015, 3, 1, 8, 30)),
        ("1Mar2015:8:30", datetime(2015, 3, 1, 8, 30)),
        ("01MAR2015", datetime(2015, 3, 1)),
        ("2015-03-01 08:30", datetime(2015, 3, 1, 8, 30)),
        ("14.11.2026 12:30", datetime(2026, 11, 14, 12, 30)),
    ],
)
def test_sas_datetimes_are_read(text: str, expected: datetime) -> None:
    assert parse_date_text(text) == expected


def test_a_sas_datetime_sample_date_gives_the_childs_age_then(tmp_path: Path) -> None:
    text = "id,sex,dob,prolactin,unit,sample_dt\n1,F,01JUN2008,40,ng/mL,01MAR2015:08:30:00\n"
    row = triage_csv(tmp_path, text).iloc[0]
    assert row["age_years"] == pytest.approx(6.75, abs=0.01)
    assert row["reference_stratum"].startswith("default:child")
    assert "day of this run" not in row["reference_note"]


def test_an_age_counted_to_the_run_day_is_said_in_the_note(tmp_path: Path) -> None:
    text = (
        "id,sex,dob,prolactin,unit,sample_date\n"
        "1,F,2008-06-01,40,ng/mL,\n"
        "2,F,2008-06-01,40,ng/mL,2015-03-01\n"
        "3,F,,40,ng/mL,\n"
    )
    rows = triage_csv(tmp_path, text).set_index("patient_id")
    assert "counted from the birth date to the day of this run" in rows.loc["1", "reference_note"]
    assert "day of this run" not in rows.loc["2", "reference_note"]
    assert "day of this run" not in rows.loc["3", "reference_note"]


@pytest.mark.parametrize(
    "header", ["sample_dt", "specimen_date", "blood_dt", "Visit_DT", "Probe Datum", "SAMPLEDATE"]
)
def test_a_cohorts_sample_date_header_is_the_collection_date(tmp_path: Path, header: str) -> None:
    text = f"id,sex,dob,prolactin,unit,{header}\n1,F,01JUN2008,40,ng/mL,01MAR2015:08:30:00\n"
    row = triage_csv(tmp_path, text).iloc[0]
    assert str(row["collected_at"]).startswith("2015-03-01 08:30")


@pytest.mark.parametrize("header", ["Sample date received", "sample_id", "Specimen type"])
def test_other_sample_headers_are_not_the_collection_date(tmp_path: Path, header: str) -> None:
    text = f"id,sex,age,prolactin,unit,{header}\n1,F,30,40,ng/mL,01MAR2015\n"
    row = triage_csv(tmp_path, text).iloc[0]
    assert row["collected_at"] is None or str(row["collected_at"]) in ("NaT", "<NA>")
