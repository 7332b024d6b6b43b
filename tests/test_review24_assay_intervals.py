"""Review 24, the assay and its interval (clinical-reference §2.2 "Roche Elecsys/cobas
Prolactin II", §7 note 7: intervals are method-specific; output-contract-extensions "Roche's
analysers by their model names"):

1. the Roche analysers written by their model alone (``Modular E170``, ``e411``, ``E601``,
   ``cobas-e602``) select the Roche set, not the method-free default set, in an assay column of
   any export.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pipeline_helpers import csv_quoted, triage_csv

SAMPLE = "2026-11-02 09:30"


def _rows(tmp_path: Path, rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """Adults of 45; each row (sex, result in mIU/L, assay, header of the assay column)."""
    header = rows[0][3]
    lines = [f"patient_id,sex,age_years,collected_at,Prolactin (mIU/L),{header}"]
    for i, (sex, value, assay, _) in enumerate(rows):
        lines.append(f"P{i},{sex},45,{SAMPLE},{value},{csv_quoted(assay)}")
    return triage_csv(tmp_path, "\n".join(lines) + "\n").set_index("patient_id")


# 1. Roche's analysers by their model names ------------------------------------------------------
ROCHE_MODELS = [
    ("Modular E170", "Analyser"),
    ("MODULAR E170", "Gerät"),
    ("e411", "Analyser"),
    ("E601", "Automate"),
    ("e602", "Analizzatore"),
    ("e402", "Analyzer"),
]


# controls: a model written beside "Roche" or "Elecsys" selected the set before
ROCHE_NAMED = [("Roche Modular Analytics E170", "Analyser"), ("Elecsys 2010", "Method")]


@pytest.mark.parametrize(("assay", "header"), ROCHE_MODELS + ROCHE_NAMED)
def test_a_roche_analyser_named_by_its_model_selects_the_roche_set(
    tmp_path: Path, assay: str, header: str
) -> None:
    # a woman of 45 at 600 mIU/L: above Roche's 23.3 ng/mL (494-496 mIU/L) -> high; the
    # method-free default set (30 ng/mL = 636 mIU/L) would call it normal
    out = _rows(tmp_path, [("F", "600", assay, header)])
    row = out.loc["P0"]
    assert row["reference_set"] == "roche_elecsys", (assay, row["reference_set"])
    assert row["status"] == "high", (assay, row["status"], row["comment"])
