"""Review 23: a drug started long ago is a drug taken now.

A period of life or a past decade after a drug ("risperidone as a teenager", "heroin use in the
90s") says when it was taken, not now (drugs.toml past_period; review 23 added the decades).  With
a start word before the drug ("started methadone in the 90s", "iniziato metadone negli anni 90",
"comenzó metadona en los años 90", "started risperidone in childhood") the period is when it
started: the drug is taken now unless a stop says otherwise, and it is counted as a contributing
factor (clinical-reference §3.1: opioids and antipsychotics raise prolactin while taken).

Synthetic patients only; through the public pipeline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pipeline_helpers import csv_quoted, triage_lines

STARTED_LONG_AGO = [
    ("started methadone in the 90s", "medication:opioid"),
    ("started methadone in the 90s and still on it", "medication:opioid"),
    ("iniziato metadone negli anni 90", "medication:opioid"),
    ("comenzó metadona en los años 90", "medication:opioid"),
    ("started risperidone in childhood", "medication:antipsychotic"),
]
TAKEN_THEN = [
    "heroin user in the 90s",
    "risperidone as a teenager",
    "eroina negli anni 90",
]


def _run(tmp_path: Path, notes: list[str]) -> list[pd.Series]:
    lines = [f"P{i},M,50,60,ng/mL,{csv_quoted(note)}" for i, note in enumerate(notes)]
    out = triage_lines(tmp_path, "patient_id,sex,age,prolactin,unit,comments", lines)
    return [out.loc[f"P{i}"] for i in range(len(notes))]


def test_a_drug_started_long_ago_is_taken_now(tmp_path: Path) -> None:
    rows = _run(tmp_path, [note for note, _ in STARTED_LONG_AGO])
    for (note, factor), row in zip(STARTED_LONG_AGO, rows, strict=True):
        assert factor in str(row["factors"]).split(";"), (note, row["factors"])


def test_a_drug_taken_in_a_past_period_is_not_taken_now(tmp_path: Path) -> None:
    rows = _run(tmp_path, TAKEN_THEN)
    for note, row in zip(TAKEN_THEN, rows, strict=True):
        assert not str(row["factors"]).startswith("medication:"), (note, row["factors"])
        assert row["priority"] == "soon", note
