"""Review 21: a lab's own pregnancy interval beside a woman not recorded pregnant.

A lab interval such as "10.0-209.0" beside a result in ng/mL fits only the pregnancy (or
breastfeeding) strata; the row is judged beside the set's interval and a result between the two
upper limits is indeterminate.  The lab may know what the file does not say: she may be
pregnant, the commonest physiological cause (clinical-reference §4, §8), so the pregnancy status
is asked for, as for a raised result.  Not for a man, a woman past childbearing age or a
pregnancy already recorded.  Synthetic patients only.
"""

from __future__ import annotations

import pandas as pd
import pytest
from pipeline_helpers import triage_lines


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return triage_lines(
        tmp_path_factory.mktemp("labpreg"),
        "patient_id,sex,age,prolactin,unit,reference_range,pregnant",
        [
            "W1,F,30,150,ng/mL,10.0-209.0,",
            "W2,F,27,80,ng/mL,9.7-208.5,",
            "P1,F,30,150,ng/mL,10.0-209.0,yes",
            "M1,M,30,150,ng/mL,10.0-209.0,",
            "O1,F,67,150,ng/mL,10.0-209.0,",
            "N1,F,30,20,ng/mL,10.0-209.0,",
        ],
    )


@pytest.mark.parametrize("pid", ["W1", "W2"])
def test_pregnancy_status_is_asked(results: pd.DataFrame, pid: str) -> None:
    row = results.loc[pid]
    assert row["status"] == "indeterminate"
    assert "pregnancy_test" in row["suggestions"].split(";")
    reasons = [d["reason"] for d in row["suggestion_details"] if d["code"] == "pregnancy_test"]
    assert reasons and "lab's own reference interval is one of pregnancy" in reasons[0]


@pytest.mark.parametrize("pid", ["P1", "M1", "O1", "N1"])
def test_not_asked_where_it_cannot_help(results: pd.DataFrame, pid: str) -> None:
    assert "pregnancy_test" not in str(results.loc[pid, "suggestions"]).split(";")
