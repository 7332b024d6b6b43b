"""Review 23: an unreadable collection date is bounded by the export's own dates.

A collection date that cannot be read, the age counted from the birth date: the sample was taken
between the earliest collection date the column gives in other rows (else 1970,
thresholds.toml collection_date_min_year) and the run's day.  Where the ages at those two ends
lie in different reference strata the row is rejected (unreadable_age) and listed with the
urgent results when it may be urgent; where both are in one stratum it is triaged as before,
for an export's samples span months, not decades (contract §4: a rejected row is a lost
triage; §5: never a false normal).

Synthetic patients only; through the public pipeline.
"""

from __future__ import annotations

from pathlib import Path

from pipeline_helpers import triage_lines

HEADER = "patient_id,sex,birth_date,collected_at,prolactin,unit"


def test_an_adult_with_an_unreadable_date_among_recent_ones_is_triaged(tmp_path: Path) -> None:
    lines = [
        "A1,F,1986-03-02,2026-10-01 08:30,25,ng/mL",
        "A2,F,1986-03-02,not a date,45,ng/mL",
        "A3,M,1950-07-07,??,30,ng/mL",
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    assert {"A1", "A2", "A3"} <= set(out.index)
    assert out.loc["A2", "status"] == "high"


def test_a_teenager_near_18_with_an_unreadable_date_is_rejected(tmp_path: Path) -> None:
    """Born November 2008: 18 on the run's day, 17 at a sample of early 2026."""
    lines = [
        "T0,F,1990-01-01,2026-01-05 08:30,25,ng/mL",
        "T1,F,2008-11-20,unbekannt,25,ng/mL",
    ]
    out = triage_lines(tmp_path, HEADER, lines)
    assert "T1" not in out.index
    assert "T0" in out.index
