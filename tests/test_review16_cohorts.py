"""Review 16: yes/no, codebook and status columns of research and lab exports misread.

- a yes/no kidney-disease column ("ckd_yn", "CKD (0=no, 1=yes)", "eGFR<60": 1/0) was read as an
  eGFR: every patient, the "no" ones too, got "renal impairment (likely): eGFR 0" (clinical-
  reference §4: eGFR below 30).  A column whose header says yes/no or a threshold, or whose
  values are only 0/1 codes, is never an eGFR or a creatinine: it is the kidney-disease answer
  (a no is no CKD) or unused with a warning;
- a sex code the header's codebook leaves out ("sex (0=female, 1=male)": 2) was read as ISO
  5218's female: a man's 25 ng/mL came out normal against 3-30.  It is unknown, with a warning
  naming the code, as with the mapping file's [values.sex];
- --fail-on exited 0 when the only urgent lines were the history's reminders (urgent results
  NOT YET ACKNOWLEDGED): a cron job alerting on the exit status never heard of them.  Every
  level now counts each reminder urgent.txt (or batch's stderr) lists (docs/unattended.md);
Synthetic patients only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from triage.columns import recognise_columns
from triage.history import HistoryOptions
from triage.pipeline import TriageOutcome, TriageRequest, run_triage
from triage.schema import EXIT_FAIL_ON, EXIT_OK


def _run(tmp_path: Path, text: str) -> tuple[pd.DataFrame, list[str]]:
    """(results by patient, the input's warnings) of one run on a CSV text."""
    source = tmp_path / "export.csv"
    source.write_text(text, encoding="utf-8")
    outcome: TriageOutcome = run_triage(
        TriageRequest(inputs=[source], out_dir=tmp_path / "out", keep_results=True)
    )
    assert outcome.results is not None
    warnings = [w for summary in outcome.inputs for w in summary.warnings]
    return outcome.results.set_index("patient_id"), warnings


def _factor_codes(row: pd.Series) -> set[str]:
    return {f["code"] for f in row["factor_details"]}


# --- 1. yes/no kidney columns are no eGFR ----------------------------------------------------
_BASE = ["record_id", "sex", "age", "prl_ngml", "date"]


def _fields(header: str, cells: list[object]) -> set[str]:
    match = recognise_columns(
        [*_BASE, header],
        samples={
            0: ["1", "2", "3"],
            1: ["F"],
            2: ["30"],
            3: ["40", "45"],
            4: ["2026-03-01"],
            5: cells,
        },
    )
    return set(match.fields)


@pytest.mark.parametrize(
    "header",
    [
        "ckd_yn",
        "CKD (yes/no)",
        "CKD (0=no, 1=yes)",
        "Niereninsuffizienz (ja/nein)",
        "IRC (oui/non)",
        "ERC (sí/no)",
        "Nierinsufficientie (ja/nee)",
        "eGFR<60",
        "egfr_lt60_yn",
        "GFR unter 60",
        "DFG inférieur à 60",
        "TFG menor de 60",
        "eGFR kleiner dan 60",
        "eGFR",  # only 0/1 codes: an eGFR is never 0 or 1
        "Kreatinin",  # nor a creatinine 0
    ],
)
def test_a_yes_no_kidney_column_is_never_a_kidney_measurement(header: str) -> None:
    fields = _fields(header, ["0", "1"])
    assert not {"egfr", "creatinine"} & fields, fields


@pytest.mark.parametrize(
    ("header", "cells", "field"),
    [
        ("eGFR", ["45", "8", "90"], "egfr"),
        ("eGFR (mL/min/1.73m²)", ["1", "60"], "egfr"),
        ("Kreatinin", ["1", "2"], "creatinine"),  # 1 and 2 mg/dL are real creatinines
        ("CKD", ["3", "4"], "kidney_disease"),  # stages, never an eGFR of 3
    ],
)
def test_real_kidney_values_are_still_read(header: str, cells: list[object], field: str) -> None:
    assert field in _fields(header, cells)


def test_the_no_row_of_a_ckd_flag_has_no_kidney_impairment(tmp_path: Path) -> None:
    rows = ["1,F,30,40,2026-03-01,0", "2,F,30,40,2026-03-01,1", "3,M,50,40,2026-03-01,0"]
    for header in ("ckd_yn", '"CKD (0=no, 1=yes)"'):
        out, _ = _run(tmp_path, ",".join([*_BASE, header]) + "\n" + "\n".join(rows) + "\n")
        assert "renal_impairment" not in _factor_codes(out.loc["1"])
        assert "renal_impairment" not in _factor_codes(out.loc["3"])
        assert "renal_impairment" in _factor_codes(out.loc["2"])  # a yes is CKD
        assert "eGFR: 0" not in str(out.loc["2", "factor_details"])


# --- 2. a sex code the header's codebook leaves out -----------------------------------------
@pytest.mark.parametrize(
    "header",
    [
        '"sex (0=female, 1=male)"',
        '"sex (0=male, 1=female)"',
        '"Geschlecht (1=weiblich; 0=männlich)"',
    ],
)
def test_a_sex_code_outside_the_header_codebook_is_unknown(tmp_path: Path, header: str) -> None:
    lines = ["A,1,30,25,2026-01-01", "B,2,30,25,2026-01-01", "C,0,30,25,2026-01-01"]
    out, warnings = _run(tmp_path, f"id,{header},age,prolactin ng/mL,date\n" + "\n".join(lines))
    assert pd.isna(out.loc["B", "sex"])  # never ISO 5218's 2 = female
    assert out.loc["B", "status"] != "normal"  # 25 ng/mL is high for a man
    assert {out.loc["A", "sex"], out.loc["C", "sex"]} == {"F", "M"}
    assert any("code(s) 2 are not in the codebook" in w for w in warnings), warnings


# --- 4. --fail-on hears of the overdue reminders ---------------------------------------------
T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
_LAB = "Patient ID,DOB,Sex,Collected,Prolactin,Unit\n"


def _history_run(tmp: Path, name: str, line: str, at: datetime, fail_on: str | None):  # type: ignore[no-untyped-def]
    source = tmp / f"{name}.csv"
    source.write_text(_LAB + line + "\n", encoding="utf-8")
    request = TriageRequest(
        inputs=[source],
        out_dir=tmp / name,
        history=HistoryOptions(location=str(tmp / "history.db")),
        fail_on=fail_on,
        jobs=1,
    )
    return run_triage(request, now=at)


@pytest.mark.parametrize("level", ["urgent", "routine"])
def test_fail_on_counts_an_urgent_result_not_yet_acknowledged(tmp_path: Path, level: str) -> None:
    _history_run(tmp_path, "o1", "R3,1988-07-07,F,2026-10-31 10:00,7000,mIU/L", T0, None)
    calm = "R4,1975-01-20,M,2026-11-01 09:30,10,ng/mL"
    late = T0 + timedelta(hours=13)
    quiet = _history_run(tmp_path, "o2", calm, late, None)
    assert quiet.exit_code == EXIT_OK  # without --fail-on: listed, exit 0
    done = _history_run(tmp_path, "o3", calm, late, level)
    urgent_txt = (tmp_path / "o3" / "urgent.txt").read_text(encoding="utf-8")
    assert "NOT YET ACKNOWLEDGED" in urgent_txt
    assert (done.exit_code, done.fail_on_matches) == (EXIT_FAIL_ON, 1)


def test_a_quiet_batch_night_exits_10_while_an_urgent_result_is_overdue(tmp_path: Path) -> None:
    from triage.batch import BatchSettings, run_batch

    _history_run(tmp_path, "o1", "R7,1988-07-07,F,2026-10-31 10:00,7000,mIU/L", T0, None)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    template = TriageRequest(
        inputs=[],
        out_dir=tmp_path / "out",
        history=HistoryOptions(location=str(tmp_path / "history.db")),
        fail_on="urgent",
        jobs=1,
    )
    late = T0 + timedelta(hours=13)
    outcome = run_batch(
        inbox, tmp_path / "out", template, BatchSettings(settle_seconds=0), now=late
    )
    assert outcome.items == [] and len(outcome.reminders) == 1
    assert outcome.exit_code == EXIT_FAIL_ON
