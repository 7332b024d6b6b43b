"""Helpers for end-to-end tests through the pipeline (tests/ is on sys.path)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from triage.pipeline import TriageRequest, run_triage


def triage_csv(tmp_path: Path, text: str) -> pd.DataFrame:
    """The results of one run on `text` written as tmp_path/export.csv (UTF-8)."""
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    return run_triage(
        TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True)
    ).results
