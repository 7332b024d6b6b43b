"""Review 21: the lab's own reference interval given in a column or cell.  Synthetic patients.

1. An interval written without a unit is read in the result's unit whenever it fits some
   interval the reference sets know, pregnancy and neonatal ones included: "10.0-209.0" beside a
   result in ng/mL is the Quest pregnancy interval (clinical reference §2.1: 10.0-209.0 ng/mL;
   Centaur 9.7-208.5; CALIPER neonates 12.6-212.8), never 0.47-9.86 ng/mL read "in mIU/L (as
   written)" when no unit was written.  An interval that wide is no non-pregnant adult's, so a
   row not known to be pregnant is judged against it and the reference set's interval together
   (output contract §5: never a false normal).  An interval fitting no stratum in the result's
   unit is still read in the other unit (the Roche 102-496 µIU/mL beside a result in ng/mL).
2. Intervals labelled by sex with one letter or a word in the six languages (§2.2: prefer the
   lab's interval): "M: 4,0-15,2 V: 4,8-23,3" is man / vrouw in Dutch, "V: 4,0-15,2 M: 4,8-23,3"
   varón / mujer in Spanish.  The file's language (the sex column's codes and header, the
   headers) or the numbers (the women's upper limit is the higher one in every adult set, §2.2)
   decide; when they do not, the interval that cannot give a false normal is used, with a
   warning."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import triage_lines

HEADER = "patient_id,sex,age,prolactin,unit,reference_range"


def _ids(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {str(pid): row for pid, row in frame.iterrows()}


# ---------------------------------------------------------------------------------------------
# 1. An interval without its own unit
# ---------------------------------------------------------------------------------------------
def test_a_pregnancy_or_neonatal_interval_without_unit_stays_in_ng_per_ml(tmp_path: Path) -> None:
    lines = [
        "P1,F,30,20,ng/mL,10.0-209.0",  # Quest pregnancy
        "P2,F,30,20,ng/mL,9.7-208.5",  # Centaur pregnancy
        "P3,F,30,12,ng/mL,10-200",
        "P4,F,30,20,ng/mL,12.6-212.8",  # CALIPER 4-29 days
        "P5,F,30,20,ng/mL,10.0-209.0 ng/mL",  # its own unit written
    ]
    rows = _ids(triage_lines(tmp_path, HEADER, lines))
    for pid, row in rows.items():
        assert row["status"] == "normal", pid
        # never the interval re-read in mIU/L (0.47-9.86 ng/mL), which made 20 ng/mL 2x ULN
        assert row["reference_high_ng_ml"] >= 30, pid
        assert "mIU/L" not in row["reference_note"], pid
        assert "as written" not in row["reference_note"], pid
        assert "read in ng/mL" in row["reference_note"], pid


def test_a_pregnancy_interval_beside_a_non_pregnant_row_is_never_a_false_normal(
    tmp_path: Path,
) -> None:
    lines = [
        "Q1,F,30,150,ng/mL,10.0-209.0",
        "Q2,M,40,150,ng/mL,12.6-212.8",
        "Q3,F,30,2000,mIU/L,206-4430",  # 94 ng/mL; 206-4430 mIU/L is 9.7-209 ng/mL
    ]
    rows = _ids(triage_lines(tmp_path, HEADER, lines))
    for pid, row in rows.items():
        # not 15x an upper limit of 9.86 ng/mL, nor normal against the pregnancy interval alone
        # for a row not known to be pregnant: high for the set, normal for the lab's interval
        assert row["status"] == "indeterminate", pid
        assert row["reference_high_ng_ml"] > 200, pid
        assert "reference set's interval" in row["reference_note"], pid


def test_the_pregnant_row_keeps_the_physiological_interval_and_quotes_the_lab_s(
    tmp_path: Path,
) -> None:
    header = HEADER + ",comments"
    rows = _ids(triage_lines(tmp_path, header, ["R1,F,30,100,ng/mL,10.0-209.0,pregnant 20 weeks"]))
    row = rows["R1"]
    assert (row["reference_source"], row["status"]) == ("physiological", "normal")
    assert "10–209 ng/mL, is not used" in row["reference_note"]  # not "0.47–9.86"


def test_an_interval_fitting_no_stratum_in_the_result_unit_is_read_in_the_other(
    tmp_path: Path,
) -> None:
    lines = [
        "U1,F,30,30,ng/mL,102-496",  # Roche women's in µIU/mL: 4.8-23.4 ng/mL
        "U2,M,40,20,ng/mL,86 - 324",  # Roche men's: 4.1-15.3 ng/mL
        "U3,F,30,40,ng/mL,0-5000",  # neither unit: the set's interval
    ]
    rows = _ids(triage_lines(tmp_path, HEADER, lines))
    assert rows["U1"]["status"] == "high"
    assert rows["U1"]["reference_high_ng_ml"] == pytest.approx(496 / 21.2, abs=0.05)
    assert rows["U2"]["status"] == "high"
    assert rows["U2"]["reference_high_ng_ml"] == pytest.approx(324 / 21.2, abs=0.05)
    for pid in ("U1", "U2"):
        note = rows[pid]["reference_note"]
        assert "read in mIU/L (no unit is written beside it" in note, pid
        assert "as written" not in note, pid
    assert rows["U3"]["reference_source"] == "set"
    assert "implausible for prolactin" in rows["U3"]["reference_note"]
