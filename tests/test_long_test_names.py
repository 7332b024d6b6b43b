"""A long export's test name can say how the sample was taken ("Prolactin (rested)",
"Prolaktin Ruhe", "PRL cannulated"): it is kept in the row's notes as "test: <name>", so that a
rested sample is not sent back for a rested repeat.  A plain name ("Prolactin", "Prolactin
(mIU/L)", "S-Prolaktin") adds nothing.  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_helpers import triage_csv

from triage.io import ReadOptions, read_file

HEADER = "MRN,Sex,Age,Test,Result,Units\n"


@pytest.mark.parametrize(
    "test",
    [
        "Prolactin (rested)",
        "Prolactin - rested",
        "Prolaktin Ruhe",
        "Prolaktin in Ruhe",
        "PRL cannulated",
        "Prolactine au repos",
        "Prolactina en reposo",
        "Prolattina a riposo",
        "Rested prolactin",
    ],
)
def test_a_rested_sample_named_in_its_test_is_not_sent_for_a_rested_repeat(
    tmp_path: Path, test: str
) -> None:
    row = triage_csv(tmp_path, f"{HEADER}F1,F,31,{test},40,ng/mL\n").iloc[0]
    assert row["status"] == "high"
    assert "repeat_rested_sample" not in row["suggestions"].split(";")


@pytest.mark.parametrize("test", ["Prolactin", "Prolactin (mIU/L)", "S-Prolaktin", "PRL"])
def test_a_plain_test_name_adds_no_note(tmp_path: Path, test: str) -> None:
    unit, value = ("mIU/L", 850) if "mIU" in test else ("ng/mL", 40)
    path = tmp_path / "long.csv"
    path.write_text(f"{HEADER}F1,F,31,{test},{value},{unit}\n", encoding="utf-8")
    frame = read_file(path, None, ReadOptions()).frame
    assert frame["comments"].isna().all()
    row = triage_csv(tmp_path, path.read_text(encoding="utf-8")).iloc[0]
    assert "repeat_rested_sample" in row["suggestions"].split(";")


def test_the_test_name_joins_the_rows_own_notes(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "MRN,Sex,Age,Test,Result,Units,Comment\n"
        "F1,F,31,Prolactin 60 min (cannulated),28,ng/mL,fasting\n"
        "F1,F,31,TSH,1.2,mU/L,\n",
        encoding="utf-8",
    )
    frame = read_file(path, None, ReadOptions()).frame
    assert frame["comments"].tolist() == ["fasting; test: Prolactin 60 min (cannulated)"]
