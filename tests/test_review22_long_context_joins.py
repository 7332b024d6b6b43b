"""Review 22, context lines of a long (one row per analyte) export dated apart from the
prolactin draw.  A long-term drug, mass-effect symptoms, a known adenoma on imaging, a positive
pregnancy test and a macroprolactin screen stay true for days or weeks (clinical-reference §2.3,
§3.1, §4, §5, §8): such a line of the same patient joins the prolactin result(s) collected
within its kind's window (thresholds.toml context_history_before_days,
context_findings_after_days, pregnancy_test_apart_days, macroprolactin_apart_days), cited with
its date; a medication line dated after the draw, a line outside its window and another
patient's line never join (other_test).  Synthetic patients only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from triage.pipeline import TriageOutcome, TriageRequest, run_triage

HEADER = "Patient ID,Sex,DOB,Specimen ID,Collected,Test name,Result,Unit,Flag,Ref range"


def _run(tmp_path: Path, lines: list[str], header: str = HEADER) -> TriageOutcome:
    path = tmp_path / "export.csv"
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return run_triage(TriageRequest(inputs=[path], out_dir=tmp_path / "out", keep_results=True))


def _results(outcome: TriageOutcome) -> pd.DataFrame:
    assert outcome.results is not None
    return outcome.results.set_index("patient_id")


def _said(row: pd.Series) -> str:
    """Everything a reader sees of a result's reasons: factors, suggestions and their evidence."""
    details = " ".join(str(d) for d in (row["factor_details"], row["suggestion_details"]))
    return f"{row['factor_evidence']} {details} {row['suggestions']}"


def _rejected(outcome: TriageOutcome) -> dict[int, str]:
    return {r.source_row: r.detail for r in outcome.rejected}


def _warnings(outcome: TriageOutcome) -> list[str]:
    return [w for summary in outcome.inputs for w in summary.warnings]


def test_two_medication_lines_of_one_sample_both_count(tmp_path: Path) -> None:
    """Two medication lines of the same collection are two parts of one list: the second
    (risperidone) is read, not rejected as "another medications result"."""
    lines = [
        "M1,M,1970-01-01,P1,2026-11-02 08:00,Prolactin,60,ng/mL,H,4.0-15.2",
        "M1,M,1970-01-01,P1,2026-11-02 08:00,Medication,ramipril 5 mg,,,",
        "M1,M,1970-01-01,P1,2026-11-02 08:00,Medication,risperidone 4 mg,,,",
    ]
    outcome = _run(tmp_path, lines)
    assert _results(outcome).loc["M1", "factors"] == "medication:antipsychotic"
    assert outcome.rejected == []
